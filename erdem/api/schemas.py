"""Schemas shared by several resources: reference data nested in other objects.

Bilingual reference data is exposed as `name_mn` and `name_en`, plus `name` in
the request's language (falling back to the other language when empty).
"""

import datetime
from enum import Enum
from typing import Any

from ninja import Schema
from pydantic import WithJsonSchema


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
