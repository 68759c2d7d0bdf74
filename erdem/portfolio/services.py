"""Writes of the Faculty AI Portfolio: the portfolio's settings (headline, public link, consent to a career
review) and the entries with their links and files. Endorsements, the CLR and career reviews live in
endorsements.py, clr.py and reviews.py.

Only the owner writes an entry; every check that a form could also make is made here too, so the views,
the API and the demo share one set of rules."""

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from erdem.core.uploads import DOCUMENTS, IMAGES, FileKind, upload_check
from erdem.frameworks.models import Competency
from erdem.frameworks.selectors import UNESCO_AI_CFT
from erdem.people.models import ConsentKind, Person
from erdem.people.privacy_services import consent_history_write
from erdem.portfolio.models import Entry, EntryFile, EntryLink, Portfolio
from erdem.recognition.models import StandardDescriptor

FILE_KINDS = (*DOCUMENTS, *IMAGES)
FILE_MAX_BYTES = 10 * 1024 * 1024
FILES_MAX = 5
LINKS_MAX = 10
BODY_MAX_LENGTH = 20_000
PUBLIC_TOKEN_BYTES = 32


class PortfolioError(Exception):
    """A refused write, with a message for the person and the form field it concerns (None: the whole form)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class LinkInput:
    url: str
    title: str = ""


# --- the portfolio ---------------------------------------------------------------------------------------


def portfolio_get_or_create(*, person: Person) -> Portfolio:
    portfolio, _created = Portfolio.objects.get_or_create(person=person)
    return portfolio


@transaction.atomic
def portfolio_update(*, person: Person, headline: str, summary: str) -> Portfolio:
    portfolio = portfolio_get_or_create(person=person)
    portfolio.headline = headline.strip()[:200]
    portfolio.summary = summary.strip()
    portfolio.updated_at = timezone.now()
    portfolio.save(update_fields=["headline", "summary", "updated_at"])
    return portfolio


@transaction.atomic
def portfolio_public_link_set(*, person: Person, enabled: bool) -> Portfolio:
    """Turn the public link on (a new unguessable token each time) or off (the old link stops working)."""
    portfolio = Portfolio.objects.select_for_update().get(pk=portfolio_get_or_create(person=person).pk)
    if enabled and portfolio.public_token:
        return portfolio
    portfolio.public_token = secrets.token_urlsafe(PUBLIC_TOKEN_BYTES) if enabled else None
    portfolio.updated_at = timezone.now()
    portfolio.save(update_fields=["public_token", "updated_at"])
    return portfolio


@transaction.atomic
def portfolio_review_consent_set(*, person: Person, consent: bool, at: datetime | None = None) -> Portfolio:
    """Allow (from `at`, now by default) or stop the coordinators of the person's institution reading the whole
    portfolio for a career review. Giving consent again keeps the date it was first given."""
    portfolio = Portfolio.objects.select_for_update().get(pk=portfolio_get_or_create(person=person).pk)
    if consent == (portfolio.review_consent_at is not None):
        return portfolio
    portfolio.review_consent_at = (at or timezone.now()) if consent else None
    portfolio.updated_at = timezone.now()
    portfolio.save(update_fields=["review_consent_at", "updated_at"])
    consent_history_write(
        person=person, kind=ConsentKind.CAREER_REVIEW, given=consent, at=portfolio.review_consent_at or timezone.now()
    )
    return portfolio


# --- checks ----------------------------------------------------------------------------------------------


def entry_files_check(uploads: Sequence[Any], *, existing: int = 0) -> list[FileKind]:
    """The sniffed kind of each upload; PortfolioError (field "files") naming every problem otherwise."""
    problems: list[str] = []
    if existing + len(uploads) > FILES_MAX:
        problems.append(
            _("An entry may carry %(limit)d files; this one would have %(count)d.")
            % {"limit": FILES_MAX, "count": existing + len(uploads)}
        )
    kinds: list[FileKind] = []
    for upload in uploads:
        try:
            kinds.append(upload_check(upload, kinds=FILE_KINDS, max_bytes=FILE_MAX_BYTES))
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise PortfolioError(" ".join(problems), field="files")
    return kinds


def links_check(links: Sequence[LinkInput]) -> list[LinkInput]:
    """The links trimmed; PortfolioError (field "links") when there are too many or one is not http(s)."""
    if len(links) > LINKS_MAX:
        raise PortfolioError(
            _("An entry may carry %(limit)d links; you gave %(count)d.") % {"limit": LINKS_MAX, "count": len(links)},
            field="links",
        )
    checked = []
    for link in links:
        url = link.url.strip()
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc or len(url) > 500:
            raise PortfolioError(
                _("%(url)s is not a web address: links start with https:// or http://.") % {"url": url[:100]},
                field="links",
            )
        checked.append(LinkInput(url=url, title=link.title.strip()[:200]))
    return checked


def _tags_check(
    competencies: Iterable[Competency], descriptors: Iterable[StandardDescriptor]
) -> tuple[list[Competency], list[StandardDescriptor]]:
    competency_list = list(competencies)
    allowed = set(
        Competency.objects.filter(
            framework__code=UNESCO_AI_CFT, pk__in=[competency.pk for competency in competency_list]
        ).values_list("pk", flat=True)
    )
    if any(competency.pk not in allowed for competency in competency_list):
        raise PortfolioError(_("Only competencies of the UNESCO AI CFT can be tagged."), field="competencies")
    return competency_list, list(descriptors)


def _fields_check(
    *, kind: str, title: str, body: str, started_on: date | None, ended_on: date | None, visibility: str
) -> None:
    if kind not in Entry.Kind.values:
        raise PortfolioError(_("Choose what kind of entry this is."), field="kind")
    if not title.strip():
        raise PortfolioError(_("Give the entry a title."), field="title")
    if len(body) > BODY_MAX_LENGTH:
        raise PortfolioError(
            _("The text is %(length)d characters long; the most allowed is %(limit)d.")
            % {"length": len(body), "limit": BODY_MAX_LENGTH},
            field="body",
        )
    if started_on and ended_on and ended_on < started_on:
        raise PortfolioError(_("The end date comes before the start date."), field="ended_on")
    if visibility not in Entry.Visibility.values:
        raise PortfolioError(_("Choose who can see the entry."), field="visibility")


def _owner_check(entry: Entry, person: Person) -> None:
    if entry.person_id != person.pk:
        raise PermissionDenied("portfolio.entry.edit")


# --- entries ---------------------------------------------------------------------------------------------


def _file_store(entry: Entry, upload: Any, kind: FileKind) -> EntryFile:
    """Store `upload` under a random name (its own name is kept only as the download's name)."""
    name = str(getattr(upload, "name", "") or "file").replace("/", "_")[-255:]
    stored = EntryFile(entry=entry, name=name, kind=kind.key, size=upload.size)
    stored.file.save(f"{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}.{kind.extensions[0]}", upload, save=False)
    stored.save()
    return stored


def _links_store(entry: Entry, links: list[LinkInput]) -> None:
    EntryLink.objects.bulk_create(
        EntryLink(entry=entry, url=link.url, title=link.title, position=index) for index, link in enumerate(links)
    )


def _entry_fields(
    *,
    kind: str,
    title: str,
    body: str,
    language: str,
    course_taught: str,
    started_on: date | None,
    ended_on: date | None,
    visibility: str,
) -> dict[str, Any]:
    """An entry's own columns as stored (texts trimmed), with the time of this change."""
    return {
        "kind": kind,
        "title": title.strip(),
        "body": body.strip(),
        "language": language,
        "course_taught": course_taught.strip(),
        "started_on": started_on,
        "ended_on": ended_on,
        "visibility": visibility,
        "updated_at": timezone.now(),
    }


def _entry_related_store(
    entry: Entry,
    competencies: list[Competency],
    descriptors: list[StandardDescriptor],
    links: list[LinkInput],
    files: Sequence[Any],
    kinds: list[FileKind],
) -> None:
    """The entry's tags, links and new files, all checked beforehand."""
    entry.competencies.set(competencies)
    entry.descriptors.set(descriptors)
    _links_store(entry, links)
    for upload, kind_found in zip(files, kinds, strict=True):
        _file_store(entry, upload, kind_found)


@transaction.atomic
def entry_create(
    *,
    person: Person,
    kind: str,
    title: str,
    body: str = "",
    language: str = "mn",
    course_taught: str = "",
    started_on: date | None = None,
    ended_on: date | None = None,
    visibility: str = Entry.Visibility.PRIVATE,
    competencies: Iterable[Competency] = (),
    descriptors: Iterable[StandardDescriptor] = (),
    links: Sequence[LinkInput] = (),
    files: Sequence[Any] = (),
) -> Entry:
    """A new entry of `person`'s portfolio; every check is made before anything is written."""
    _fields_check(kind=kind, title=title, body=body, started_on=started_on, ended_on=ended_on, visibility=visibility)
    competency_list, descriptor_list = _tags_check(competencies, descriptors)
    link_list = links_check(links)
    kinds = entry_files_check(files)
    portfolio_get_or_create(person=person)
    fields = _entry_fields(
        kind=kind,
        title=title,
        body=body,
        language=language,
        course_taught=course_taught,
        started_on=started_on,
        ended_on=ended_on,
        visibility=visibility,
    )
    entry = Entry.objects.create(person=person, created_at=fields["updated_at"], **fields)
    _entry_related_store(entry, competency_list, descriptor_list, link_list, files, kinds)
    return entry


@transaction.atomic
def entry_update(
    *,
    entry: Entry,
    person: Person,
    kind: str,
    title: str,
    body: str = "",
    language: str = "mn",
    course_taught: str = "",
    started_on: date | None = None,
    ended_on: date | None = None,
    visibility: str = Entry.Visibility.PRIVATE,
    competencies: Iterable[Competency] = (),
    descriptors: Iterable[StandardDescriptor] = (),
    links: Sequence[LinkInput] = (),
    files: Sequence[Any] = (),
    files_removed: Iterable[int] = (),
) -> Entry:
    """Change an entry (its owner only): the links are replaced, `files` added, `files_removed` (ids) removed."""
    _owner_check(entry, person)
    _fields_check(kind=kind, title=title, body=body, started_on=started_on, ended_on=ended_on, visibility=visibility)
    competency_list, descriptor_list = _tags_check(competencies, descriptors)
    link_list = links_check(links)
    removed = list(EntryFile.objects.filter(entry=entry, pk__in=list(files_removed)))
    kinds = entry_files_check(files, existing=entry.files.count() - len(removed))
    fields = _entry_fields(
        kind=kind,
        title=title,
        body=body,
        language=language,
        course_taught=course_taught,
        started_on=started_on,
        ended_on=ended_on,
        visibility=visibility,
    )
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.save(update_fields=list(fields))
    entry.links.all().delete()
    for stored in removed:
        _file_delete_after_commit(stored)
    _entry_related_store(entry, competency_list, descriptor_list, link_list, files, kinds)
    return entry


def _file_delete_after_commit(stored: EntryFile) -> None:
    name, storage = stored.file.name, stored.file.storage
    stored.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def entry_delete(*, entry: Entry, person: Person) -> None:
    """Delete an entry (its owner only), its endorsements and, after the commit, its files."""
    _owner_check(entry, person)
    for stored in entry.files.all():
        _file_delete_after_commit(stored)
    entry.delete()


@transaction.atomic
def entry_file_add(*, entry: Entry, person: Person, upload: Any) -> EntryFile:
    _owner_check(entry, person)
    (kind,) = entry_files_check([upload], existing=entry.files.count())
    return _file_store(entry, upload, kind)


@transaction.atomic
def entry_link_add(*, entry: Entry, person: Person, url: str, title: str = "") -> EntryLink:
    _owner_check(entry, person)
    count = entry.links.count()
    if count >= LINKS_MAX:
        raise PortfolioError(
            _("An entry may carry %(limit)d links; you gave %(count)d.") % {"limit": LINKS_MAX, "count": count + 1},
            field="links",
        )
    (link,) = links_check([LinkInput(url=url, title=title)])
    return EntryLink.objects.create(entry=entry, url=link.url, title=link.title, position=count)


def file_limits_text() -> str:
    """The limits in words, for the forms' help."""
    return _("Up to %(count)d files of %(size)s each: documents (PDF, Word, OpenDocument, text) or images.") % {
        "count": FILES_MAX,
        "size": filesizeformat(FILE_MAX_BYTES),
    }
