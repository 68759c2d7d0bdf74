"""Credentials API: the programme's achievements (public), one's own credentials, their revocation
by national admins, and the verifier (public).

Shapes follow Open Badges 3.0 where they overlap: an achievement carries its OB 3.0 `Achievement`
document and a credential its signed `OpenBadgeCredential` and VC-JWT, so the 1EdTech OB 3.0
REST API (/ims/ob/v3p0/) can later serve the same objects (docs/api.md, "Credentials").
"""

import datetime as dt
import uuid
from typing import Annotated, Any

from django.core.exceptions import RequestDataTooBig
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ValidationError as PydanticValidationError

from erdem.access.policy import Action, can
from erdem.api.auth import PUBLIC, caller
from erdem.api.errors import ApiProblem, Forbidden, NotFound
from erdem.api.pagination import BoundedPages
from erdem.api.schemas import ErrorOut, Id, ValidationErrorOut, inline_choices
from erdem.core.i18n import localized
from erdem.credentials.clr_verification import (
    ClrVerification,
    clr_verify,
    credential_kind,
    endorsement_comment,
    is_record,
)
from erdem.credentials.documents import achievement_document
from erdem.credentials.fetch import InputTooDeep, json_parse
from erdem.credentials.identity import achievement_url, credential_url
from erdem.credentials.models import Achievement, AchievementRule, Credential, CredentialEvent
from erdem.credentials.rules import rule_label
from erdem.credentials.services import (
    REASON_MAX_LENGTH,
    IssuanceError,
    credential_reinstate,
    credential_revoke,
    credential_suspend,
)
from erdem.credentials.verification import (
    MAX_DEPTH,
    MAX_JSON_BYTES,
    Verification,
    credential_verify,
    refused,
    verify_code,
    verify_url,
)
from erdem.programmes.models import Programme
from erdem.programmes.selectors import programme_current

router = Router(tags=["credentials"])

# The whole verify body, a credential in a small wrapper, is held to the verifier's 1 MB.
MAX_VERIFY_BODY = MAX_JSON_BYTES


class BadRequest(ApiProblem):
    def __init__(self, message: str) -> None:
        super().__init__(400, message)


class TooLarge(ApiProblem):
    def __init__(self, message: str) -> None:
        super().__init__(413, message)


# --- schemas ------------------------------------------------------------------------------------------------------


class AchievementOut(Schema):
    public_id: uuid.UUID
    url: str = Field(description="The achievement's public page, also its OB 3.0 id.")
    code: str
    kind: str
    kind_label: str
    name: str
    name_mn: str
    name_en: str
    name_traditional: str
    description: str
    description_mn: str
    description_en: str
    criteria_mn: str
    criteria_en: str
    outcomes_mn: list[str]
    outcomes_en: list[str]
    languages: list[str]
    workload_hours: float
    ects: float | None
    mn_credits: float | None
    eqf_level: int | None
    nqf_level: int | None
    assessment_type: str
    assessment_type_label: str
    participation: str
    participation_label: str
    valid_months: int | None
    quality_assurance_mn: str
    quality_assurance_en: str
    prerequisites_mn: str
    prerequisites_en: str
    rules: list[str] = Field(description="What earns it, as sentences in the request's language.")
    competencies: list[str] = Field(description="The competencies it aligns to, as framework:code.")

    @staticmethod
    def resolve_url(obj: Achievement) -> str:
        return achievement_url(obj)

    @staticmethod
    def resolve_kind_label(obj: Achievement) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_name(obj: Achievement) -> str:
        return localized(obj, "name")

    @staticmethod
    def resolve_description(obj: Achievement) -> str:
        return localized(obj, "description")

    @staticmethod
    def resolve_outcomes_mn(obj: Achievement) -> list[str]:
        return [line.strip() for line in obj.outcomes_mn.splitlines() if line.strip()]

    @staticmethod
    def resolve_outcomes_en(obj: Achievement) -> list[str]:
        return [line.strip() for line in obj.outcomes_en.splitlines() if line.strip()]

    @staticmethod
    def resolve_languages(obj: Achievement) -> list[str]:
        return list(obj.languages)

    @staticmethod
    def resolve_assessment_type_label(obj: Achievement) -> str:
        return str(obj.get_assessment_type_display())

    @staticmethod
    def resolve_participation_label(obj: Achievement) -> str:
        return str(obj.get_participation_display())

    @staticmethod
    def resolve_rules(obj: Achievement) -> list[str]:
        return [rule_label(rule) for rule in obj.rules.all()]

    @staticmethod
    def resolve_competencies(obj: Achievement) -> list[str]:
        return [f"{competency.framework.code}:{competency.code}" for competency in obj.competencies.all()]


class AchievementDetailOut(AchievementOut):
    document: dict[str, Any] = Field(description="The Open Badges 3.0 Achievement, as it appears in credentials.")

    @staticmethod
    def resolve_document(obj: Achievement) -> dict[str, Any]:
        return achievement_document(obj)


class AchievementSummary(Schema):
    public_id: uuid.UUID
    code: str
    name: str

    @staticmethod
    def resolve_name(obj: Achievement) -> str:
        return localized(obj, "name")


class HolderOut(Schema):
    id: int
    full_name: str


class CredentialOut(Schema):
    public_id: uuid.UUID
    url: str = Field(description="The credential's public page, also its id in the signed document.")
    verification_code: str
    achievement: AchievementSummary
    holder: HolderOut
    status: str = Field(description="active, suspended, revoked or replaced.")
    status_label: str
    method: str
    issued_at: dt.datetime
    valid_until: dt.datetime | None
    replaces: uuid.UUID | None
    replaced_by: uuid.UUID | None

    @staticmethod
    def resolve_url(obj: Credential) -> str:
        return credential_url(obj.public_id)

    @staticmethod
    def resolve_holder(obj: Credential) -> Any:
        return obj.person

    @staticmethod
    def resolve_status_label(obj: Credential) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_replaces(obj: Credential) -> uuid.UUID | None:
        return obj.replaces.public_id if obj.replaces_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_replaced_by(obj: Credential) -> uuid.UUID | None:
        replacement = getattr(obj, "replaced_by", None)
        return replacement.public_id if replacement is not None else None


class EventOut(Schema):
    action: str
    action_label: str
    at: dt.datetime
    reason: str

    @staticmethod
    def resolve_action_label(obj: CredentialEvent) -> str:
        return str(obj.get_action_display())


class CredentialDetailOut(CredentialOut):
    document: dict[str, Any] = Field(description="The signed OpenBadgeCredential (Data Integrity eddsa-rdfc-2022).")
    jwt: str = Field(description="The same credential as a VC-JWT (EdDSA).")
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj: Credential) -> list[CredentialEvent]:
        return list(obj.events.order_by("at", "pk"))


class ReasonIn(Schema):
    reason: str = Field(max_length=REASON_MAX_LENGTH, description="Kept in the credential's history.")


class CredentialFilters(Schema):
    achievement: uuid.UUID | None = Field(None, description="National admins: an achievement's public id.")
    person: Id | None = Field(None, description="National admins: a person's id.")
    status: Annotated[Credential.Status, inline_choices(Credential.Status)] | None = None


class VerifyIn(Schema):
    credential: Any = Field(
        None, description="A credential as JSON-LD, with its proof: a JSON object, or the same object as a string."
    )
    jwt: str | None = Field(None, max_length=256 * 1024, description="A credential as a VC-JWT.")
    url: str | None = Field(None, max_length=2000, description="A link to a credential (https).")
    code: str | None = Field(None, max_length=40, description="A verification code of this platform (Q80T-GEXZ).")


class CheckOut(Schema):
    code: str = Field(
        description="format, signature, issuer, status, dates, schema (and certificate for PDFs; achievement for a "
        "credential naming one of this platform's achievements but signed by another issuer)."
    )
    status: str = Field(description="pass, fail or not-checked.")
    title: str
    message: str


class IdentityOut(Schema):
    identity_type: str
    hashed: bool
    value: str
    salt: str


class FactsOut(Schema):
    verified: bool = Field(
        description="Whether the signature was confirmed; when false, these are only what the credential claims."
    )
    issuer_id: str
    issuer_name: str = Field(
        description="For this platform's credentials: the national centre, in the request's language."
    )
    achievement_name: str
    achievement_description: str
    subject_id: str
    identities: list[IdentityOut]
    valid_from: dt.datetime | None
    valid_until: dt.datetime | None
    status: str = Field(description="active, revoked, suspended, replaced; empty when unknown.")
    public_url: str = Field(description="For this platform's credentials: the credential's public page.")
    replaced_by_url: str
    endorsement_comment: str = Field("", description="For an EndorsementCredential: the endorser's comment.")


class InnerVerificationOut(Schema):
    kind: str = Field(description="credential, or endorsement (an EndorsementCredential).")
    verdict: str = Field(description="valid, invalid, or incomplete, for this credential on its own.")
    summary: str
    checks: list[CheckOut]
    facts: FactsOut


class VerificationOut(Schema):
    kind: str = Field(
        "credential",
        description="credential, endorsement, or learning-record (a CLR 2.0 ClrCredential: the verdict, checks "
        "and facts are the record's own, and `contents` holds each credential inside, checked on its own).",
    )
    verdict: str = Field(description="valid, invalid, or incomplete (some checks could not be made).")
    summary: str
    format: str = Field(description="data-integrity or vc-jwt; empty when nothing could be read.")
    checks: list[CheckOut]
    facts: FactsOut
    credential: dict[str, Any] | None
    contents: list[InnerVerificationOut] = Field(
        default_factory=list, description="For a learning record: the credentials inside, in its order."
    )
    contents_not_checked: int = Field(
        0, description="For a learning record: how many credentials inside were beyond the number checked."
    )


# --- helpers ------------------------------------------------------------------------------------------------------


def _achievements() -> QuerySet[Achievement]:
    rules = AchievementRule.objects.select_related(
        "course", "quiz__lesson", "assignment", "required_achievement"
    ).prefetch_related("course__translations", "quiz__lesson__translations", "assignment__translations")
    return (
        Achievement.objects.filter(status=Achievement.Status.ACTIVE)
        .select_related("programme__national_centre")
        .prefetch_related(Prefetch("rules", queryset=rules.order_by("position", "pk")), "competencies__framework")
        .order_by("code")
    )


def _credentials() -> QuerySet[Credential]:
    return Credential.objects.select_related("achievement__programme", "person", "replaces", "replaced_by")


def _visible_credential(request: HttpRequest, public_id: uuid.UUID) -> Credential:
    credential = _credentials().filter(public_id=public_id).first()
    if credential is None or not can(caller(request), Action.CREDENTIAL_VIEW, credential):
        raise NotFound()
    return credential


def _administered(person: Any) -> list[Programme]:
    return [programme for programme in Programme.objects.all() if can(person, Action.CREDENTIAL_REVOKE, programme)]


def _facts_out(result: Verification) -> dict[str, Any]:
    return {
        "verified": result.trusted,
        "issuer_id": result.issuer_id,
        "issuer_name": result.issuer_name,
        "achievement_name": result.achievement_name,
        "achievement_description": result.achievement_description,
        "subject_id": result.subject_id,
        "identities": result.identities,
        "valid_from": result.valid_from,
        "valid_until": result.valid_until,
        "status": result.status,
        "public_url": credential_url(result.ours.public_id) if result.ours else "",
        "replaced_by_url": result.replaced_by_url,
        "endorsement_comment": endorsement_comment(result.credential),
    }


def verification_out(result: Verification) -> dict[str, Any]:
    return {
        "kind": credential_kind(result.credential),
        "verdict": result.verdict,
        "summary": result.summary,
        "format": result.format,
        "checks": result.checks,
        "facts": _facts_out(result),
        "credential": result.credential,
    }


def record_out(checked: ClrVerification) -> dict[str, Any]:
    """A learning record: its own verification, and each credential inside (without its document, which the
    record already holds)."""
    contents = [
        {
            "kind": item.kind,
            "verdict": item.verification.verdict,
            "summary": item.verification.summary,
            "checks": item.verification.checks,
            "facts": _facts_out(item.verification),
        }
        for item in checked.items
    ]
    return {
        **verification_out(checked.record),
        "kind": "learning-record",
        "contents": contents,
        "contents_not_checked": checked.not_checked,
    }


# --- achievements -------------------------------------------------------------------------------------------------


@router.get("/achievements", response=list[AchievementOut], **PUBLIC)
def achievement_list(request: HttpRequest) -> list[Achievement]:
    """The active achievements of the current programme, with both languages, the EU micro-credential
    elements and what earns each."""
    programme = programme_current()
    if programme is None:
        return []
    return list(_achievements().filter(programme=programme))


@router.get("/achievements/{public_id}", response={200: AchievementDetailOut, 404: ErrorOut}, **PUBLIC)
def achievement_detail(request: HttpRequest, public_id: uuid.UUID) -> Achievement:
    """One active achievement, with its Open Badges 3.0 Achievement document."""
    achievement = _achievements().filter(public_id=public_id).first()
    if achievement is None:
        raise NotFound()
    return achievement


# --- credentials --------------------------------------------------------------------------------------------------


@router.get("/credentials", response={200: list[CredentialOut], 401: ErrorOut, 403: ErrorOut})
@paginate(BoundedPages, page_size=50, max_page_size=100)
def credential_list(request: HttpRequest, filters: Query[CredentialFilters]) -> QuerySet[Credential]:
    """Your own credentials, newest first. National admins may filter by achievement or person to see
    the credentials of the programmes they run."""
    person = caller(request)
    credentials = _credentials().order_by("-issued_at", "-pk")
    if filters.achievement is not None or (filters.person is not None and filters.person != person.pk):
        programmes = _administered(person)
        if not programmes:
            raise Forbidden(_("Only national admins may list other people's credentials."))
        credentials = credentials.filter(achievement__programme__in=programmes)
        if filters.person is not None:
            credentials = credentials.filter(person_id=filters.person)
        if filters.achievement is not None:
            credentials = credentials.filter(achievement__public_id=filters.achievement)
    else:
        credentials = credentials.filter(person=person)
    if filters.status is not None:
        credentials = credentials.filter(status=filters.status)
    return credentials


@router.get("/credentials/{public_id}", response={200: CredentialDetailOut, 401: ErrorOut, 404: ErrorOut})
def credential_detail(request: HttpRequest, public_id: uuid.UUID) -> Credential:
    """One credential: for its holder, the national admins of its programme and the coordinators of the
    holder's institution. Others get 404."""
    return _visible_credential(request, public_id)


def _state_change(request: HttpRequest, public_id: uuid.UUID, body: ReasonIn, change: Any) -> Credential:
    credential = _visible_credential(request, public_id)
    person = caller(request)
    if not can(person, Action.CREDENTIAL_REVOKE, credential.achievement.programme):
        raise Forbidden(_("Only the programme's national admins may change a credential's status."))
    try:
        change(credential=credential, actor=person, reason=body.reason)
    except IssuanceError as error:
        raise BadRequest(str(error)) from error
    return _credentials().get(pk=credential.pk)


_CHANGE_RESPONSES: dict[int, Any] = {
    200: CredentialOut,
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}


@router.post("/credentials/{public_id}/revoke", response=_CHANGE_RESPONSES)
def credential_revoke_api(request: HttpRequest, public_id: uuid.UUID, body: ReasonIn) -> Credential:
    """Revoke for good (national admins, with a reason): verifiers see it at once."""
    return _state_change(request, public_id, body, credential_revoke)


@router.post("/credentials/{public_id}/suspend", response=_CHANGE_RESPONSES)
def credential_suspend_api(request: HttpRequest, public_id: uuid.UUID, body: ReasonIn) -> Credential:
    """Suspend an active credential for now (national admins, with a reason)."""
    return _state_change(request, public_id, body, credential_suspend)


@router.post("/credentials/{public_id}/reinstate", response=_CHANGE_RESPONSES)
def credential_reinstate_api(request: HttpRequest, public_id: uuid.UUID, body: ReasonIn) -> Credential:
    """Make a suspended credential valid again (national admins, with a reason)."""
    return _state_change(request, public_id, body, credential_reinstate)


# --- verification -------------------------------------------------------------------------------------------------

_VERIFY_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "description": (
                    "Exactly one of: credential (JSON-LD object, or that object as a JSON string), jwt (VC-JWT "
                    "string), url (a link), code (a verification code of this platform)."
                ),
                "properties": {
                    "credential": {"oneOf": [{"type": "object"}, {"type": "string"}]},
                    "jwt": {"type": "string", "maxLength": 256 * 1024},
                    "url": {"type": "string", "maxLength": 2000},
                    "code": {"type": "string", "maxLength": 40},
                },
            }
        }
    },
}


VERIFY_FIELDS = ("credential", "jwt", "url", "code")


def _verify_body(request: HttpRequest) -> VerifyIn:
    """The body, read here rather than by Ninja so size and nesting are limited before parsing."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > MAX_VERIFY_BODY:
        raise TooLarge(_("The request is larger than 1 MB; a credential is much smaller."))
    try:
        raw = request.body
    except (RequestDataTooBig, RawPostDataException) as error:
        raise TooLarge(_("The request is larger than 1 MB; a credential is much smaller.")) from error
    if len(raw) > MAX_VERIFY_BODY:
        raise TooLarge(_("The request is larger than 1 MB; a credential is much smaller."))
    try:
        data = json_parse(raw, max_bytes=MAX_VERIFY_BODY)
    except InputTooDeep as error:
        message = _("The credential is nested too deeply to be read (more than %(limit)s levels).")
        raise BadRequest(message % {"limit": MAX_DEPTH}) from error
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(_("The request could not be read. Send a JSON body.")) from error
    if not isinstance(data, dict):
        raise BadRequest(_("Send a JSON object with one of: credential, jwt, url, code."))
    given = [name for name in VERIFY_FIELDS if data.get(name) is not None]
    if len(given) != 1:
        raise BadRequest(_("Send exactly one of: credential, jwt, url, code."))
    if "credential" in given:
        data = {**data, "credential": _credential_object(data["credential"])}
    try:
        return VerifyIn.model_validate(data)
    except PydanticValidationError as error:
        field = str(error.errors()[0]["loc"][0]) if error.errors() and error.errors()[0]["loc"] else given[0]
        if field in ("jwt", "url", "code") and not isinstance(data.get(field), str):
            raise BadRequest(_("%(field)s must be a string.") % {"field": field}) from error
        raise BadRequest(_("%(field)s is too long.") % {"field": field}) from error


def _credential_object(value: Any) -> dict[str, Any]:
    """The credential as a JSON object: as sent, or parsed from a string holding one."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        raise BadRequest(_("credential must be a JSON object; you sent a list."))
    if isinstance(value, bool):
        raise BadRequest(_("credential must be a JSON object; you sent true or false."))
    if not isinstance(value, str):
        raise BadRequest(_("credential must be a JSON object; you sent a number."))
    text = value.strip()
    if text.count(".") == 2 and not text.startswith("{"):
        raise BadRequest(
            _("credential must be a JSON object; you sent a string that looks like a VC-JWT: send it as jwt.")
        )
    try:
        parsed = json_parse(text, max_bytes=MAX_VERIFY_BODY)
    except InputTooDeep as error:
        message = _("The credential is nested too deeply to be read (more than %(limit)s levels).")
        raise BadRequest(message % {"limit": MAX_DEPTH}) from error
    except ValueError as error:
        raise BadRequest(_("credential must be a JSON object; you sent a string that is not JSON.")) from error
    if not isinstance(parsed, dict):
        raise BadRequest(_("credential must be a JSON object; you sent a string that is not a JSON object."))
    return parsed


@router.post(
    "/verify",
    response={200: VerificationOut, 400: ErrorOut, 413: ErrorOut},
    openapi_extra={**PUBLIC["openapi_extra"], "requestBody": _VERIFY_BODY},
    auth=PUBLIC["auth"],
)
def verify(request: HttpRequest) -> dict[str, Any]:
    """Verify a credential, this platform's or another issuer's: the verdict, each check with a sentence
    in the request's language, and what the credential says. A CLR 2.0 learning record (a ClrCredential
    sent as credential) is checked as a record, with each credential inside. Anyone may call it."""
    body = _verify_body(request)
    if body.credential is not None and is_record(body.credential):
        return record_out(clr_verify(body.credential))
    if body.credential is not None:
        result = credential_verify(body.credential)
    elif body.jwt is not None:
        result = credential_verify(body.jwt.strip())
    elif body.code is not None:
        result = verify_code(body.code) if body.code.strip() else refused(_("Nothing to check."))
    else:
        result = verify_url(body.url) if body.url and body.url.strip() else refused(_("Nothing to check."))
    return verification_out(result)
