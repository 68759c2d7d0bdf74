"""Mentor and peer endorsements of portfolio entries, issued as Open Badges 3.0 EndorsementCredentials.

The owner asks someone registered in the programme; the endorser endorses with a comment or declines.
A given endorsement is signed at once, both ways (Data Integrity eddsa-rdfc-2022 and VC-JWT), by the
programme's issuer (the national centre's did:web): erdem holds the keys, so the centre signs for its
platform's users and the endorser is named in the credential's name and description. The
credentialSubject is the entry's page. Each person is asked at most once per entry while a request is
open or an endorsement stands (a database constraint, `endorsement_once_per_endorser`).
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from erdem.access.models import RoleAssignment
from erdem.core.mail import email_render, emails_send
from erdem.credentials.documents import iso
from erdem.credentials.identity import absolute_url, issuer_profile
from erdem.credentials.proofs.contexts import CREDENTIALS_V2, OB_V3
from erdem.credentials.signing import credential_secure
from erdem.people.models import Person
from erdem.portfolio.models import Endorsement, Entry
from erdem.programmes.models import Programme
from erdem.programmes.selectors import programme_current

NOTE_MAX_LENGTH = 1000
COMMENT_MAX_LENGTH = 3000
CREDENTIAL_LANGUAGES = ("mn", "en")


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


def _registered(email: str) -> Person | None:
    """The active person with this address (any case) who holds a current role in some programme."""
    roles = RoleAssignment.objects.current().filter(person_id=OuterRef("pk"))
    return Person.objects.filter(email__iexact=email, is_active=True).filter(Exists(roles)).first()


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
    """The owner asks a person registered in the programme to endorse `entry`; the endorser is e-mailed
    after the commit (unless `notify` is False: the demo)."""
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
    endorser = _registered(email)
    if endorser is None:
        raise EndorsementError(
            _("No one registered in the programme has this e-mail address. Check it, or ask the person to join first."),
            field="email",
        )
    try:
        with transaction.atomic():
            endorsement = Endorsement.objects.create(
                entry=entry, endorser=endorser, relation=relation, request_note=note, requested_at=at or timezone.now()
            )
    except IntegrityError as error:
        raise EndorsementError(
            _("%(person)s has already been asked about this entry, or has endorsed it.")
            % {"person": endorser.full_name},
            field="email",
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


def endorsement_document(*, endorsement: Endorsement, programme: Programme, at: dt.datetime) -> dict[str, Any]:
    """The unsigned EndorsementCredential, its texts in both languages (Open Badges gives each one string)."""
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

    return {
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


def _locked(endorsement: Endorsement) -> Endorsement:
    return Endorsement.objects.select_for_update().select_related("entry__person", "endorser").get(pk=endorsement.pk)


def endorsement_give(
    *, endorsement: Endorsement, endorser: Person, comment: str, at: dt.datetime | None = None, notify: bool = True
) -> Endorsement:
    """Endorse with a comment (plain text, required): the endorsement is signed as an EndorsementCredential
    and the owner is told after the commit."""
    comment = _text(comment, limit=COMMENT_MAX_LENGTH, field="comment")
    if not comment:
        raise EndorsementError(_("Write what you endorse in this work."), field="comment")
    moment = (at or timezone.now()).replace(microsecond=0)
    with transaction.atomic():
        locked = _locked(endorsement)
        if locked.endorser_id != endorser.pk:
            raise EndorsementError(_("Only the person asked can answer this request."))
        if locked.status != Endorsement.Status.REQUESTED:
            raise EndorsementError(_("This request has already been answered or withdrawn."))
        programme = programme_of(endorser) or programme_of(locked.entry.person)
        if programme is None:
            raise EndorsementError(_("There is no programme to issue the endorsement in."))
        locked.comment = comment
        unsigned = endorsement_document(endorsement=locked, programme=programme, at=moment)
        locked.document, locked.jwt, _key = credential_secure(unsigned, created=moment)
        locked.status = Endorsement.Status.GIVEN
        locked.answered_at = moment
        locked.save(update_fields=["comment", "document", "jwt", "status", "answered_at"])
    if notify:
        transaction.on_commit(lambda: _notify(locked.pk, "endorse_given", "owner"))
    return locked


def endorsement_decline(
    *, endorsement: Endorsement, endorser: Person, at: dt.datetime | None = None, notify: bool = True
) -> Endorsement:
    """The endorser declines; the owner is told after the commit."""
    with transaction.atomic():
        locked = _locked(endorsement)
        if locked.endorser_id != endorser.pk:
            raise EndorsementError(_("Only the person asked can answer this request."))
        if locked.status != Endorsement.Status.REQUESTED:
            raise EndorsementError(_("This request has already been answered or withdrawn."))
        locked.status = Endorsement.Status.DECLINED
        locked.answered_at = at or timezone.now()
        locked.save(update_fields=["status", "answered_at"])
    if notify:
        transaction.on_commit(lambda: _notify(locked.pk, "endorse_declined", "owner"))
    return locked


def endorsement_withdraw(*, endorsement: Endorsement, person: Person) -> Endorsement:
    """The owner withdraws a request or removes an endorsement from the entry; the endorser takes back an
    endorsement they gave. A withdrawn endorsement is no longer served, shown or put in the CLR (copies
    downloaded before keep their signature: an endorsement has no status entry)."""
    with transaction.atomic():
        locked = _locked(endorsement)
        if person.pk not in (locked.endorser_id, locked.entry.person_id):
            raise EndorsementError(_("Only the entry's author or the endorser can withdraw it."))
        if locked.status not in (Endorsement.Status.REQUESTED, Endorsement.Status.GIVEN):
            raise EndorsementError(_("This request has already been answered or withdrawn."))
        if locked.status == Endorsement.Status.REQUESTED and person.pk != locked.entry.person_id:
            raise EndorsementError(_("Decline the request instead."))
        locked.status = Endorsement.Status.WITHDRAWN
        locked.save(update_fields=["status"])
    return locked
