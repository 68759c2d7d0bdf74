"""The API's page numbers: Ninja's, bounded so that a huge page number is a 422 with a reason, not a database
error (an offset beyond what a bigint holds)."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 1_000_000


class BoundedPages(PageNumberPagination):
    """Ninja's page numbers, with a page number the database can offset by."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)
