"""Mentor and peer endorsements of portfolio entries, issued as Open Badges 3.0 EndorsementCredentials.

The owner asks a mentor (someone holding a mentor, trainer or master-teacher role) or a peer (a colleague
of their institution); who is not one of these gets the same answer as an unknown address, so asking never
tells whether someone is registered. The endorser endorses with a comment or declines. A given endorsement
is signed at once, both ways (Data Integrity eddsa-rdfc-2022 and VC-JWT), by the programme's issuer (the
national centre's did:web): erdem holds the keys, so the centre signs for its platform's users and the
endorser is named in the credential's name and description. The credentialSubject is the entry's page.
Like erdem's credentials, each signed endorsement has a Bitstring Status List entry, set to revoked when it
is withdrawn (docs/decisions/0018). Each person is asked at most once per entry while a request is open or
an endorsement stands (a database constraint, `endorsement_once_per_endorser`).
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from erdem.access.models import Role, RoleAssignment
from erdem.core.mail import email_render, emails_send
from erdem.credentials.documents import iso
from erdem.credentials.identity import absolute_url, issuer_profile
from erdem.credentials.proofs.contexts import CREDENTIALS_V2, OB_V3
from erdem.credentials.signing import credential_secure
from erdem.credentials.status import REVOKED, StatusEntry, status_entry_allocate, status_entry_document, status_write
from erdem.people.models import Person
from erdem.portfolio.models import Endorsement, Entry
from erdem.programmes.models import Programme
from erdem.programmes.selectors import programme_current

NOTE_MAX_LENGTH = 1000
COMMENT_MAX_LENGTH = 3000
CREDENTIAL_LANGUAGES = ("mn", "en")
MENTOR_ROLES = (Role.MENTOR, Role.TRAINER, Role.MASTER_TEACHER)


class EndorsementError(Exception):
    """A refusal to show to the person who asked, in their language."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def programme_of(person: Person) -> Programme | None:
    """The programme a person's portfolio speaks for: the latest active programme in which they hold a
    current role, else the current programme."""
    programme_ids = RoleAssignment.objects.current().filter(person_id=person.pk).values("programme_id")
    found = (
        Programme.objects.filter(is_active=True, pk__in=programme_ids)
        .select_related("national_centre__region")
        .order_by("-starts_on", "-pk")
        .first()
    )
    return found or programme_current()


def entry_url(entry: Entry) -> str:
    return absolute_url(reverse("portfolio:entry", args=[entry.public_id]))


def endorsement_url(endorsement: Endorsement) -> str:
    """The endorsement's page: the EndorsementCredential's id."""
    return absolute_url(reverse("portfolio:endorsement", args=[endorsement.public_id]))


def mentor_suggested(*, owner: Person) -> Person | None:
    """The owner's current mentor in their programme, if they have one: suggested first when asking."""
    from erdem.cascade.mentoring_selectors import current_pair_of_mentee

    programme = programme_of(owner)
    if programme is None:
        return None
    pair = current_pair_of_mentee(programme=programme, mentee=owner)
    return pair.mentor if pair is not None else None


def _eligible(*, email: str, owner: Person, relation: str) -> Person | None:
    """The active person with this address (any case) who may endorse as `relation`: a mentor holds a current
    mentor, trainer or master-teacher role in a programme; a peer holds a current role and works at the
    owner's institution. None otherwise, whatever the reason."""
    roles = RoleAssignment.objects.current().filter(person_id=OuterRef("pk"))
    people = Person.objects.filter(email__iexact=email, is_active=True)
    if relation == Endorsement.Relation.MENTOR:
        return people.filter(Exists(roles.filter(role__in=MENTOR_ROLES))).first()
    if owner.institution_id is None:
        return None
    return people.filter(Exists(roles), institution_id=owner.institution_id).first()


def _not_eligible() -> EndorsementError:
    """One answer for an unknown address and for someone who may not endorse: it tells nothing about them."""
    return EndorsementError(
        _(
            "We cannot ask this person: a mentor must hold a mentor, trainer or master-teacher role, and a peer "
            "must work at your institution."
        ),
        field="email",
    )


def _text(value: str, *, limit: int, field: str) -> str:
    value = value.strip()
    if len(value) > limit:
        raise EndorsementError(_("Please keep it to %(limit)s characters.") % {"limit": limit}, field=field)
    return value


def _notify(endorsement_id: int, template: str, recipient: str) -> None:
    endorsement = Endorsement.objects.select_related("entry__person", "endorser").get(pk=endorsement_id)
    to = endorsement.endorser if recipient == "endorser" else endorsement.entry.person
    link = settings.SITE_URL + reverse("portfolio:endorsement", args=[endorsement.public_id])
    context = {"endorsement": endorsement, "entry": endorsement.entry, "link": link}
    emails_send([email_render(to=to, template=f"portfolio/emails/{template}", context=context, html=False)])


def endorsement_request(
    *,
    entry: Entry,
    owner: Person,
    endorser_email: str,
    relation: str,
    note: str,
    at: dt.datetime | None = None,
    notify: bool = True,
) -> Endorsement:
    """The owner asks a mentor or a peer (see `_eligible`) to endorse `entry`; the endorser is e-mailed after
    the commit (unless `notify` is False: the demo)."""
    if entry.person_id != owner.pk:
        raise EndorsementError(_("Only the entry's author can ask for an endorsement."))
    if relation not in Endorsement.Relation.values:
        raise EndorsementError(_("Choose whether the person is your mentor or a peer."), field="relation")
    note = _text(note, limit=NOTE_MAX_LENGTH, field="note")
    email = endorser_email.strip()
    if not email:
        raise EndorsementError(_("Give the e-mail address of the person to ask."), field="email")
    if email.lower() == owner.email.lower():
        raise EndorsementError(_("You cannot endorse your own work: ask a mentor or a peer."), field="email")
    endorser = _eligible(email=email, owner=owner, relation=relation)
    if endorser is None:
        raise _not_eligible()
    try:
        with transaction.atomic():
            endorsement = Endorsement.objects.create(
                entry=entry, endorser=endorser, relation=relation, request_note=note, requested_at=at or timezone.now()
            )
    except IntegrityError as error:
        raise EndorsementError(
            _("This person has already been asked about this entry, or has endorsed it."), field="email"
        ) from error
    if notify:
        transaction.on_commit(lambda: _notify(endorsement.pk, "endorse_request", "endorser"))
    return endorsement


def _both_languages(render: Any, separator: str) -> str:
    texts = []
    for language in CREDENTIAL_LANGUAGES:
        with translation.override(language):
            texts.append(render())
    return separator.join(dict.fromkeys(texts))


def endorsement_document(
    *, endorsement: Endorsement, programme: Programme, at: dt.datetime, status_entry: StatusEntry | None = None
) -> dict[str, Any]:
    """The unsigned EndorsementCredential, its texts in both languages (Open Badges gives each one string),
    with its status entry when it has one."""
    entry = endorsement.entry
    endorser = endorsement.endorser
    owner = entry.person

    def name() -> str:
        return _("Endorsement by %(endorser)s (%(relation)s) of “%(title)s”") % {
            "endorser": endorser.full_name,
            "relation": Endorsement.Relation(endorsement.relation).label,
            "title": entry.title,
        }

    def description() -> str:
        return _(
            "%(endorser)s, as %(relation)s, endorses the portfolio entry “%(title)s” of %(owner)s in the Faculty "
            "AI Portfolio. The national centre signs this endorsement for its platform's users."
        ) % {
            "endorser": endorser.full_name,
            "relation": Endorsement.Relation(endorsement.relation).label,
            "title": entry.title,
            "owner": owner.full_name,
        }

    document: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OB_V3],
        "id": endorsement_url(endorsement),
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": _both_languages(name, " / "),
        "description": _both_languages(description, "\n\n"),
        "issuer": issuer_profile(programme),
        "validFrom": iso(at),
        "credentialSubject": {
            "id": entry_url(entry),
            "type": ["EndorsementSubject"],
            "endorsementComment": endorsement.comment,
        },
    }
    if status_entry is not None:
        document["credentialStatus"] = status_entry_document(status_entry.status_list.number, status_entry.index)
    return document


def _locked(endorsement: Endorsement) -> Endorsement:
    return Endorsement.objects.select_for_update().select_related("entry__person", "endorser").get(pk=endorsement.pk)


def _answerable(endorsement: Endorsement, endorser: Person) -> None:
    if endorsement.endorser_id != endorser.pk:
        raise EndorsementError(_("Only the person asked can answer this request."))
    if endorsement.status != Endorsement.Status.REQUESTED:
        raise EndorsementError(_("This request has already been answered or withdrawn."))


def endorsement_give(
    *, endorsement: Endorsement, endorser: Person, comment: str, at: dt.datetime | None = None, notify: bool = True
) -> Endorsement:
    """Endorse with a comment (plain text, required): the endorsement is signed as an EndorsementCredential
    with a status list entry of its own, and the owner is told after the commit."""
    comment = _text(comment, limit=COMMENT_MAX_LENGTH, field="comment")
    if not comment:
        raise EndorsementError(_("Write what you endorse in this work."), field="comment")
    moment = (at or timezone.now()).replace(microsecond=0)
    # Checked once before the status entry is allocated, so that a refused answer uses none, and again under
    # the lock. The entry is committed at once, as for a credential: the list is not locked while signing.
    _answerable(Endorsement.objects.get(pk=endorsement.pk), endorser)
    status_entry = status_entry_allocate()
    with transaction.atomic():
        locked = _locked(endorsement)
        _answerable(locked, endorser)
        programme = programme_of(endorser) or programme_of(locked.entry.person)
        if programme is None:
            raise EndorsementError(_("There is no programme to issue the endorsement in."))
        locked.comment = comment
        locked.status_list, locked.status_index = status_entry.status_list, status_entry.index
        unsigned = endorsement_document(endorsement=locked, programme=programme, at=moment, status_entry=status_entry)
        locked.document, locked.jwt, _key = credential_secure(unsigned, created=moment)
        locked.status = Endorsement.Status.GIVEN
        locked.answered_at = moment
        locked.save(
            update_fields=["comment", "document", "jwt", "status", "answered_at", "status_list", "status_index"]
        )
    if notify:
        transaction.on_commit(lambda: _notify(locked.pk, "endorse_given", "owner"))
    return locked


def endorsement_decline(
    *, endorsement: Endorsement, endorser: Person, at: dt.datetime | None = None, notify: bool = True
) -> Endorsement:
    """The endorser declines; the owner is told after the commit."""
    with transaction.atomic():
        locked = _locked(endorsement)
        _answerable(locked, endorser)
        locked.status = Endorsement.Status.DECLINED
        locked.answered_at = at or timezone.now()
        locked.save(update_fields=["status", "answered_at"])
    if notify:
        transaction.on_commit(lambda: _notify(locked.pk, "endorse_declined", "owner"))
    return locked


def endorsement_withdraw(*, endorsement: Endorsement, person: Person) -> Endorsement:
    """The owner withdraws a request or removes an endorsement from the entry; the endorser takes back an
    endorsement they gave. A withdrawn endorsement is no longer served, shown or put in the CLR, and its status
    entry is set to revoked, so a copy downloaded before verifies as revoked (endorsements signed before
    status entries existed have none to set)."""
    with transaction.atomic():
        locked = _locked(endorsement)
        if person.pk not in (locked.endorser_id, locked.entry.person_id):
            raise EndorsementError(_("Only the entry's author or the endorser can withdraw it."))
        if locked.status not in (Endorsement.Status.REQUESTED, Endorsement.Status.GIVEN):
            raise EndorsementError(_("This request has already been answered or withdrawn."))
        if locked.status == Endorsement.Status.REQUESTED and person.pk != locked.entry.person_id:
            raise EndorsementError(_("Decline the request instead."))
        if locked.status == Endorsement.Status.GIVEN and locked.status_list_id and locked.status_index is not None:
            status_write(status_list_id=locked.status_list_id, index=locked.status_index, value=REVOKED)
        locked.status = Endorsement.Status.WITHDRAWN
        locked.save(update_fields=["status"])
    return locked
