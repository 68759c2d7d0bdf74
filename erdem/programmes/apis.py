"""Programmes: public, like the programme pages a visitor reads before registering."""

import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from erdem.api.auth import PUBLIC
from erdem.api.errors import programme_not_found
from erdem.api.pagination import BoundedPages
from erdem.api.schemas import ErrorOut, InstitutionSummary, ProgrammeSummary
from erdem.api.selectors import programmes_list
from erdem.programmes.models import Programme

router = Router(tags=["programmes"])


class ProgrammeOut(ProgrammeSummary):
    description: str
    description_mn: str
    description_en: str
    national_centre: InstitutionSummary
    starts_on: datetime.date
    ends_on: datetime.date | None
    is_active: bool


@router.get("/", response=list[ProgrammeOut], **PUBLIC)
@paginate(BoundedPages, page_size=50, max_page_size=100)
def programme_list(request: HttpRequest) -> QuerySet[Programme]:
    """Programmes, newest first."""
    return programmes_list()


@router.get("/{slug}", response={200: ProgrammeOut, 404: ErrorOut}, **PUBLIC)
def programme_detail(request: HttpRequest, slug: str) -> Programme:
    """One programme by its code."""
    programme = programmes_list().filter(slug=slug).first()
    if programme is None:
        raise programme_not_found(slug)
    return programme
