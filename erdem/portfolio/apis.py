"""Faculty AI Portfolio API: my entries, an entry (for those Action.ENTRY_VIEW allows), my UNESCO AI CFT grid,
my signed CLR 2.0 learning record, and a public portfolio by its link (docs/api.md, "Portfolio").

The same selectors as the pages (erdem.portfolio.selectors, clr): an entry someone may not read answers 404, so
an id reveals nothing; the public portfolio shows only the public entries and the credentials their holder
shows by name, and answers 404 once its link is turned off.
"""

import datetime as dt
import re
import uuid
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from erdem.access.policy import Action, can
from erdem.api.auth import PUBLIC, caller
from erdem.api.errors import Conflict, Forbidden, Invalid, NotFound
from erdem.api.pagination import BoundedPages
from erdem.api.schemas import ErrorOut, ValidationErrorOut
from erdem.catalog.rendering import markdown_render
from erdem.core.i18n import localized
from erdem.credentials.models import Credential
from erdem.frameworks.selectors import UNESCO_AI_CFT
from erdem.people.models import Person
from erdem.portfolio.clr import ClrError, clr_secured
from erdem.portfolio.endorsements import programme_of
from erdem.portfolio.models import Endorsement, Entry
from erdem.portfolio.selectors import (
    AiCftGrid,
    ai_cft_grid,
    endorsements_given,
    entries_listed,
    entry_for_page,
    person_credentials,
    portfolio_by_token,
    public_entries,
)

router = Router(tags=["portfolio"])

# A public link's token is URL-safe base64 (secrets.token_urlsafe); anything else cannot be one.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


# --- schemas ------------------------------------------------------------------------------------------------------


class EntryOut(Schema):
    public_id: uuid.UUID
    url: str = Field(description="The entry's page (on a public portfolio: its public page).")
    kind: str
    kind_label: str
    title: str
    language: str
    course_taught: str
    started_on: dt.date | None
    ended_on: dt.date | None
    visibility: str = Field(description="private, institution or public.")
    visibility_label: str
    competencies: list[str] = Field(description="The AI CFT competencies it is tagged with, as framework:code.")
    endorsements_given: int
    endorsements_asked: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_url(obj: Entry) -> str:
        # On a public portfolio the view sets `public_url`, the entry's page under the public link.
        return getattr(obj, "public_url", None) or reverse("portfolio:entry", args=[obj.public_id])

    @staticmethod
    def resolve_kind_label(obj: Entry) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_visibility_label(obj: Entry) -> str:
        return str(obj.get_visibility_display())

    @staticmethod
    def resolve_competencies(obj: Entry) -> list[str]:
        return [f"{UNESCO_AI_CFT}:{competency.code}" for competency in obj.competencies.all()]


class LinkOut(Schema):
    url: str
    title: str


class FileOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    url: str = Field(description="Where to download it (the same permission as the entry).")


class DescriptorOut(Schema):
    standard: str = Field(description="The qualification standard's code.")
    level: str = Field(description="The qualification level's code.")
    text: str


class EndorsementOut(Schema):
    public_id: uuid.UUID
    endorser: str
    relation: str
    relation_label: str
    comment: str
    answered_at: dt.datetime | None
    credential_url: str = Field(description="The signed EndorsementCredential (Open Badges 3.0).")


class EntryDetailOut(Schema):
    entry: EntryOut
    owner: str = Field(description="The name of the entry's owner.")
    is_owner: bool
    body: str = Field(description="The text as written (Markdown).")
    body_html: str = Field(description="The text as the page shows it: Markdown rendered, sanitised.")
    descriptors: list[DescriptorOut]
    links: list[LinkOut]
    files: list[FileOut]
    endorsements: list[EndorsementOut] = Field(description="The endorsements given.")


class EntryFilters(Schema):
    kind: str = Field("", description="Only entries of this kind (lesson_plan, reflection, …).")


class GridLevelOut(Schema):
    code: str
    name: str


class GridCellOut(Schema):
    aspect: str = Field(description="The aspect's code (1 to 5).")
    aspect_name: str
    level: str
    level_name: str
    competency: str | None = Field(description="The competency at this aspect and level, as framework:code.")
    competency_name: str
    entries: int = Field(description="Entries tagged with the competency.")
    endorsed: int = Field(description="Those of the entries that were endorsed.")
    credentials: int = Field(description="Active credentials whose achievement covers the competency.")
    strength: str = Field(description="none, documented, endorsed or credential.")


class GridOut(Schema):
    framework: str
    levels: list[GridLevelOut]
    cells: list[GridCellOut] = Field(description="The 15 cells, aspect by aspect, each level in order.")
    cells_evidenced: int
    cells_total: int


class ClrOut(Schema):
    document: dict[str, Any] = Field(description="The ClrCredential (CLR 2.0), signed with Data Integrity.")
    jwt: str = Field(description="The same record as a VC-JWT.")


class CredentialRef(Schema):
    public_id: uuid.UUID
    url: str = Field(description="The credential's public verification page.")
    achievement: str
    achievement_code: str
    issued_at: dt.datetime


class PublicPortfolioOut(Schema):
    name: str
    institution: str | None
    headline: str
    summary: str
    grid: GridOut = Field(description="The grid of the public entries and the credentials shown.")
    credentials: list[CredentialRef] = Field(description="The credentials the person shows by name.")
    entries: list[EntryOut]


# --- writing the answer -------------------------------------------------------------------------------------------


def _keeper(request: HttpRequest) -> Person:
    person: Person = caller(request)
    if not can(person, Action.PORTFOLIO_KEEP):
        raise Forbidden(_("A portfolio is kept by people with a role in a programme."))
    return person


def _grid_out(grid: AiCftGrid) -> GridOut:
    cells = [
        GridCellOut(
            aspect=row.dimension.code,
            aspect_name=localized(row.dimension, "name"),
            level=cell.level.code,
            level_name=localized(cell.level, "name"),
            competency=f"{UNESCO_AI_CFT}:{cell.competency.code}" if cell.competency else None,
            competency_name=localized(cell.competency, "name") if cell.competency else "",
            entries=cell.entries,
            endorsed=cell.endorsed,
            credentials=cell.credentials,
            strength=cell.strength,
        )
        for row in grid.rows
        for cell in row.cells
    ]
    return GridOut(
        framework=UNESCO_AI_CFT,
        levels=[GridLevelOut(code=level.code, name=localized(level, "name")) for level in grid.levels],
        cells=cells,
        cells_evidenced=grid.cells_evidenced,
        cells_total=grid.cells_total,
    )


def _endorsement_out(endorsement: Endorsement) -> EndorsementOut:
    return EndorsementOut(
        public_id=endorsement.public_id,
        endorser=endorsement.endorser.full_name,
        relation=endorsement.relation,
        relation_label=str(endorsement.get_relation_display()),
        comment=endorsement.comment,
        answered_at=endorsement.answered_at,
        credential_url=reverse("portfolio:endorsement_credential", args=[endorsement.public_id]),
    )


def _counted(entry: Entry) -> Entry:
    """The entry with the endorsement counts a list carries (entries_listed), read for this one entry."""
    return entries_listed(Entry.objects.filter(pk=entry.pk)).get()


def _entry_detail(entry: Entry, person: Any) -> dict[str, Any]:
    """The answer as the response schema reads it (the entry as a model, so its resolvers apply)."""
    prefetch_related_objects([entry], "descriptors__level")
    return dict(
        entry=_counted(entry),
        owner=entry.person.full_name,
        is_owner=entry.person_id == person.pk,
        body=entry.body,
        body_html=markdown_render(entry.body),
        descriptors=[
            DescriptorOut(
                standard=descriptor.standard.code,
                level=descriptor.level.code,
                text=localized(descriptor, "text"),
            )
            for descriptor in entry.descriptors.all()
        ],
        links=[LinkOut(url=link.url, title=link.title) for link in entry.links.all()],
        files=[
            FileOut(
                id=stored.pk,
                name=stored.name,
                kind=stored.kind,
                size=stored.size,
                url=reverse("portfolio:entry_file", args=[entry.public_id, stored.pk]),
            )
            for stored in entry.files.all()
        ],
        endorsements=[_endorsement_out(endorsement) for endorsement in endorsements_given(entry)],
    )


# --- my portfolio -------------------------------------------------------------------------------------------------


@router.get("/entries", response={200: list[EntryOut], 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut})
@paginate(BoundedPages, page_size=50, max_page_size=100)
def portfolio_entries(request: HttpRequest, filters: Query[EntryFilters]) -> QuerySet[Entry]:
    """Your entries, most recent first, with their AI CFT tags and endorsement counts; `?kind=` filters."""
    person = _keeper(request)
    if filters.kind and filters.kind not in Entry.Kind.values:
        raise Invalid(
            _("Unknown kind “%(kind)s”: use %(kinds)s.")
            % {"kind": filters.kind[:30], "kinds": ", ".join(Entry.Kind.values)}
        )
    entries = Entry.objects.filter(person=person)
    return entries_listed(entries.filter(kind=filters.kind) if filters.kind else entries)


@router.get(
    "/entries/{public_id}", response={200: EntryDetailOut, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
)
def portfolio_entry(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """One entry: for its owner, colleagues of the same institution when shared with it (or public), the
    people asked to endorse it and a coordinator reviewing with consent. Anyone else gets 404."""
    person = caller(request)
    found = entry_for_page(public_id)
    if found is None or not can(person, Action.ENTRY_VIEW, found):
        raise NotFound()
    return _entry_detail(found, person)


@router.get("/grid", response={200: GridOut, 401: ErrorOut, 403: ErrorOut})
def portfolio_grid(request: HttpRequest) -> GridOut:
    """Your UNESCO AI CFT grid: for each of the 15 cells, your entries tagged with it, those endorsed, and
    your active credentials that cover it."""
    return _grid_out(ai_cft_grid(person=_keeper(request)))


@router.get("/clr", response={200: ClrOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def portfolio_clr(request: HttpRequest) -> ClrOut:
    """Your Comprehensive Learner Record (CLR 2.0), signed now: your active credentials as signed and the
    endorsements given for your entries. 409 while it would be empty."""
    person = _keeper(request)
    if programme_of(person) is None:
        raise NotFound(_("There is no active programme."))
    try:
        document, token = clr_secured(person=person)
    except ClrError as error:
        raise Conflict(error.message) from error
    return ClrOut(document=document, jwt=token)


# --- a public portfolio -------------------------------------------------------------------------------------------


def _credential_ref(credential: Credential) -> CredentialRef:
    return CredentialRef(
        public_id=credential.public_id,
        url=reverse("credentials:public", args=[credential.public_id]),
        achievement=localized(credential.achievement, "name"),
        achievement_code=credential.achievement.code,
        issued_at=credential.issued_at,
    )


@router.get("/public/{token}", response={200: PublicPortfolioOut, 404: ErrorOut}, **PUBLIC)
def portfolio_public(request: HttpRequest, token: str) -> dict[str, Any]:
    """A public portfolio by its link (anyone, signed in or not): the person's name and institution, the
    credentials they show by name, the grid of that public evidence and the public entries. A link turned
    off or mistyped is 404."""
    portfolio = portfolio_by_token(token) if TOKEN_SHAPE.fullmatch(token) else None
    if portfolio is None:
        raise NotFound()
    person = portfolio.person
    entries = public_entries(person)
    credentials = person_credentials(person, public_only=True)
    institution = person.institution
    listed = list(entries_listed(entries))
    for entry in listed:
        entry.public_url = reverse("portfolio:public_entry", args=[portfolio.public_token, entry.public_id])  # type: ignore[attr-defined]
    return dict(
        name=person.full_name,
        institution=localized(institution, "name") if institution else None,
        headline=portfolio.headline,
        summary=portfolio.summary,
        grid=_grid_out(ai_cft_grid(person=person, entries=entries, credentials=credentials)),
        credentials=[_credential_ref(credential) for credential in credentials],
        entries=listed,
    )
