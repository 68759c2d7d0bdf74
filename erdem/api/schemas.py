"""Schemas shared by several resources: reference data nested in other objects.

Bilingual reference data is exposed as `name_mn` and `name_en`, plus `name` in
the request's language (falling back to the other language when empty).
"""

import datetime
from enum import Enum
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, WithJsonSchema

ID_MAX = 2**63 - 1  # the largest value of a bigint, the type of the database's keys

# An object's id as the API takes it, in the path, the query string or a body: a number the database can
# look up. Beyond a bigint the request is refused with 422 before any query, instead of failing inside the
# database; the bounds are documented in the OpenAPI document.
Id = Annotated[int, Field(ge=1, le=ID_MAX)]


class BilingualName(Schema):
    name: str
    name_mn: str
    name_en: str


class RegionOut(BilingualName):
    iso_code: str
    kind: str
    kind_label: str

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class InstitutionSummary(BilingualName):
    id: int
    code: str
    short_name: str
    short_name_mn: str
    short_name_en: str


class ProgrammeSummary(BilingualName):
    id: int
    slug: str


def inline_choices(choices: type[Enum]) -> WithJsonSchema:
    """Document a model's choices with their values written out: `Annotated[Job.Status, inline_choices(Job.Status)]`.

    The OpenAPI document names a shared schema by its class name, and models' choices share names (`Job.Status`,
    `Credential.Status`): as shared schemas, one would be documented for both.
    """
    return WithJsonSchema({"type": "string", "enum": [choice.value for choice in choices]})


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(ErrorOut):
    errors: list[dict[str, Any]]


class RoleAssignmentOut(Schema):
    id: int
    person_id: int
    role: str
    role_label: str
    programme: ProgrammeSummary
    institution: InstitutionSummary | None
    region: RegionOut | None
    granted_at: datetime.datetime
    ended_at: datetime.datetime | None

    @staticmethod
    def resolve_role_label(obj: Any) -> str:
        return str(obj.get_role_display())
