"""Regions and institutions: public reference data, readable without signing in."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from erdem.api.auth import PUBLIC
from erdem.api.errors import institution_not_found, region_not_found
from erdem.api.pagination import BoundedPages
from erdem.api.schemas import ErrorOut, InstitutionSummary, RegionOut
from erdem.api.selectors import institutions_list, regions_list
from erdem.organisations.models import Institution, Region

regions_router = Router(tags=["regions"])
institutions_router = Router(tags=["institutions"])


class InstitutionOut(InstitutionSummary):
    kind: Institution.Kind
    kind_label: str
    ownership: Institution.Ownership
    ownership_label: str
    region: RegionOut
    website: str
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj: Institution) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_ownership_label(obj: Institution) -> str:
        return str(obj.get_ownership_display())


class InstitutionFilters(Schema):
    region: str | None = None
    kind: Institution.Kind | None = None
    ownership: Institution.Ownership | None = None


@regions_router.get("/", response=list[RegionOut], **PUBLIC)
def region_list(request: HttpRequest) -> QuerySet[Region]:
    """The capital and the 21 aimags."""
    return regions_list()


@regions_router.get("/{iso_code}", response={200: RegionOut, 404: ErrorOut}, **PUBLIC)
def region_detail(request: HttpRequest, iso_code: str) -> Region:
    """One region by its ISO 3166-2:MN code, e.g. MN-1."""
    region = regions_list().filter(iso_code__iexact=iso_code).first()
    if region is None:
        raise region_not_found(iso_code)
    return region


@institutions_router.get("/", response=list[InstitutionOut], **PUBLIC)
@paginate(BoundedPages, page_size=50, max_page_size=100)
def institution_list(request: HttpRequest, filters: Query[InstitutionFilters]) -> QuerySet[Institution]:
    """Higher-education institutions, filtered by region (ISO code), kind and ownership."""
    return institutions_list(region_code=filters.region, kind=filters.kind, ownership=filters.ownership)


@institutions_router.get("/{code}", response={200: InstitutionOut, 404: ErrorOut}, **PUBLIC)
def institution_detail(request: HttpRequest, code: str) -> Institution:
    """One institution by its code."""
    institution = institutions_list().filter(code=code).first()
    if institution is None:
        raise institution_not_found(code)
    return institution
