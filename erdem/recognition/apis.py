"""Recognition API: credit requests to degree programmes, the credit record, the programme office's queue and
decisions, and stackable pathways with the caller's progress (docs/api.md, "Recognition").

Every endpoint calls the selectors and services the pages call (erdem.recognition.selectors, services,
pathway_selectors), so the rules are the pages' rules: a request is read by its learner and the degree
programme's office (404 for anyone else), decided by the office (403 for its learner), and checked in full
by `request_submit`, whose refusal comes back as 422 with its sentence and the field it concerns.
"""

import datetime as dt
import uuid
from typing import Any, cast

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_validator

from erdem.access.policy import Action, can
from erdem.api.auth import caller
from erdem.api.errors import Conflict, Forbidden, Invalid, NotFound
from erdem.api.pagination import BoundedPages
from erdem.api.schemas import ErrorOut, Id, ValidationErrorOut
from erdem.core.i18n import localized
from erdem.credentials.models import Credential
from erdem.people.models import Person
from erdem.programmes.selectors import programme_current
from erdem.recognition.forms import MESSAGE_MAX_LENGTH, REASON_MAX_LENGTH
from erdem.recognition.models import RecognitionRequest, RecognitionRule, RequestCredential
from erdem.recognition.pathway_selectors import PathwayProgress, StepProgress, pathways_progress, pathways_visible
from erdem.recognition.selectors import (
    credit_record,
    degrees_for_office,
    office_queue,
    request_for,
    requests_of,
    rule_changed_since,
    rule_needs,
    snapshot_text,
    verdict_label,
)
from erdem.recognition.services import (
    MAX_EXTERNAL,
    RecognitionError,
    request_decide,
    request_submit,
    request_withdraw,
)

router = Router(tags=["recognition"])

# The verifier reads a credential of at most 1 MB; a request carries at most MAX_EXTERNAL of them.
EXTERNAL_MAX_LENGTH = 1024 * 1024
# --- schemas ------------------------------------------------------------------------------------------------------


class RefusalOut(ValidationErrorOut):
    field: str | None = Field(None, description="The body field the refusal concerns, when there is one.")


def _refused(message: str, field: str | None) -> Status:
    """422 with a service's sentence, the body field it concerns, and `errors` as for a malformed body."""
    errors = [{"loc": ["body", field] if field else ["body"], "msg": message, "type": "refused"}]
    return Status(422, RefusalOut(detail=message, field=field, errors=errors))


class PersonRef(Schema):
    id: int
    name: str
    institution: str | None


class DegreeRef(Schema):
    public_id: uuid.UUID
    code: str
    name: str
    institution: str = Field(description="The institution's code.")
    institution_name: str


class ModuleRef(Schema):
    code: str
    name: str
    credits: float | None


class RuleRef(Schema):
    id: int
    name: str = Field(description="The rule's name as it was when the request was made.")
    version: int = Field(description="The rule's version when the request was made.")
    credits: float | None


class RecordedCheckOut(Schema):
    code: str
    status: str
    title: str
    message: str


class RequestCredentialOut(Schema):
    source: str = Field(description="`erdem` (one of this platform's credentials) or `external`.")
    credential: uuid.UUID | None = Field(description="The erdem credential's public id; null for an external one.")
    achievement_name: str
    issuer_id: str
    issuer_name: str
    verdict: str = Field(description="What the verifier said at submission: valid, invalid or incomplete.")
    verdict_label: str
    summary: str
    checks: list[RecordedCheckOut]
    counts: bool = Field(description="Whether it counts for credit in the degree programme (open or approved).")


class RequestOut(Schema):
    public_id: uuid.UUID
    url: str = Field(description="The request's page.")
    status: str
    status_label: str
    person: PersonRef
    degree: DegreeRef
    module: ModuleRef = Field(description="The module as it was when the request was made.")
    rule: RuleRef
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    decision_reason: str
    credits_granted: float | None
    credentials: list[RequestCredentialOut]

    @staticmethod
    def resolve_url(obj: RecognitionRequest) -> str:
        return reverse("recognition:request", args=[obj.public_id])

    @staticmethod
    def resolve_status_label(obj: RecognitionRequest) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_person(obj: RecognitionRequest) -> PersonRef:
        person = obj.person
        institution = person.institution.code if person.institution_id and person.institution else None
        return PersonRef(id=person.pk, name=person.full_name, institution=institution)

    @staticmethod
    def resolve_degree(obj: RecognitionRequest) -> DegreeRef:
        return _degree_ref(obj.degree)

    @staticmethod
    def resolve_module(obj: RecognitionRequest) -> ModuleRef:
        return _module_ref(obj.rule_snapshot)

    @staticmethod
    def resolve_rule(obj: RecognitionRequest) -> RuleRef:
        return _rule_ref(obj)

    @staticmethod
    def resolve_credits_granted(obj: RecognitionRequest) -> float | None:
        return _number(obj.credits_granted)

    @staticmethod
    def resolve_credentials(obj: RecognitionRequest) -> list[RequestCredentialOut]:
        return [_credential_out(item) for item in obj.credentials.all()]


class RequestDetailOut(RequestOut):
    message: str
    needs: str = Field(description="What the rule asked for at submission, in words.")
    rule_changed_at: dt.datetime | None = Field(description="When the rule was changed after the request was made.")
    decided_by: str | None
    is_office: bool = Field(description="Whether the caller decides this request (the programme office).")

    @staticmethod
    def resolve_needs(obj: RecognitionRequest) -> str:
        return rule_needs(obj.rule_snapshot)

    @staticmethod
    def resolve_rule_changed_at(obj: RecognitionRequest) -> dt.datetime | None:
        return rule_changed_since(obj)

    @staticmethod
    def resolve_decided_by(obj: RecognitionRequest) -> str | None:
        return obj.decided_by.full_name if obj.decided_by else None

    @staticmethod
    def resolve_is_office(obj: RecognitionRequest, context: Any) -> bool:
        return can(caller(context["request"]), Action.DEGREE_OFFICE, obj.degree)


def _no_nul(value: str, *, json_text: bool = False) -> str:
    """PostgreSQL stores no NUL character, not even escaped in JSON; forms refuse them too."""
    if "\x00" in value or (json_text and "\\u0000" in value):
        raise ValueError(_("Null characters are not allowed."))
    return value


class RequestIn(Schema):
    rule: Id = Field(description="The id of a recognition rule in force.")
    credentials: list[uuid.UUID] = Field(
        default_factory=list, max_length=50, description="Public ids of your own erdem credentials."
    )
    external: list[str] = Field(
        default_factory=list,
        max_length=MAX_EXTERNAL,
        description="Other issuers' Open Badges 3.0 credentials, each as JSON text or a VC-JWT.",
    )
    message: str = Field("", max_length=MESSAGE_MAX_LENGTH)

    @field_validator("message")
    @classmethod
    def _message(cls, value: str) -> str:
        return _no_nul(value)

    @field_validator("external")
    @classmethod
    def _external(cls, value: list[str]) -> list[str]:
        return [_no_nul(text, json_text=True) for text in value]


class DecisionIn(Schema):
    decision: str = Field(pattern="^(approve|reject)$", description="approve or reject.")
    reason: str = Field("", max_length=REASON_MAX_LENGTH, description="Required to reject; the learner reads it.")

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        return _no_nul(value)


class OfficeFilters(Schema):
    status: str = Field(
        RecognitionRequest.Status.SUBMITTED,
        description="submitted (the default), approved, rejected, withdrawn, or all.",
    )
    degree: uuid.UUID | None = Field(None, description="Only this degree programme's requests (its public id).")


class CreditLineOut(Schema):
    request: uuid.UUID
    module: ModuleRef
    rule: RuleRef
    credits_granted: float | None
    decided_at: dt.datetime | None


class DegreeCreditsOut(Schema):
    degree: DegreeRef
    total: float
    total_credits: float = Field(description="The credits of the whole degree programme.")
    requests: list[CreditLineOut]


class AchievementRef(Schema):
    public_id: uuid.UUID
    code: str
    name: str


class StepOut(Schema):
    achievement: AchievementRef
    is_elective: bool
    done: bool
    credential: uuid.UUID | None = Field(description="Your active credential of this step, when you hold one.")


class MilestoneOut(Schema):
    name: str
    done: int
    total: int
    reached: bool


class PathwayOut(Schema):
    id: int
    url: str
    code: str
    name: str
    description: str
    is_published: bool
    achievement: AchievementRef = Field(description="The pathway credential.")
    required: list[StepOut]
    electives: list[StepOut]
    milestones: list[MilestoneOut]
    required_done: int
    required_total: int
    electives_done: int
    electives_needed: int
    steps_done: int
    steps_needed: int
    percent: int
    complete: bool
    credential: uuid.UUID | None = Field(description="Your pathway credential, when you hold it.")


# --- writing the answer -------------------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    return None if value is None or value == "" else float(value)


def _degree_ref(degree: Any) -> DegreeRef:
    return DegreeRef(
        public_id=degree.public_id,
        code=degree.code,
        name=localized(degree, "name"),
        institution=degree.institution.code,
        institution_name=localized(degree.institution, "name"),
    )


def _module_ref(snapshot: dict[str, Any]) -> ModuleRef:
    module = snapshot.get("module", {})
    return ModuleRef(
        code=module.get("code", ""), name=snapshot_text(module, "name"), credits=_number(module.get("credits"))
    )


def _rule_ref(request: RecognitionRequest) -> RuleRef:
    snapshot = request.rule_snapshot
    return RuleRef(
        id=request.rule_id,
        name=snapshot_text(snapshot, "name"),
        version=request.rule_version,
        credits=_number(snapshot.get("credits")),
    )


def _credential_out(item: RequestCredential) -> RequestCredentialOut:
    record = item.verification if isinstance(item.verification, dict) else {}
    checks = [check for check in record.get("checks", []) if isinstance(check, dict)]
    own = item.credential if item.credential_id is not None else None
    return RequestCredentialOut(
        source="erdem" if item.credential_id is not None else "external",
        credential=own.public_id if own is not None else None,
        achievement_name=item.achievement_name,
        issuer_id=item.issuer_id,
        issuer_name=item.issuer_name,
        verdict=item.verdict,
        verdict_label=verdict_label(item.verdict),
        summary=str(record.get("summary", "")),
        checks=[
            RecordedCheckOut(**{key: str(check.get(key, "")) for key in ("code", "status", "title", "message")})
            for check in checks
        ],
        counts=item.counts,
    )


def _with_credentials(requests: QuerySet[RecognitionRequest]) -> QuerySet[RecognitionRequest]:
    """The requests of a list with their credentials, in one more query whatever their number."""
    return requests.select_related("person__institution").prefetch_related(
        Prefetch("credentials", queryset=RequestCredential.objects.select_related("credential"))
    )


def _visible(request: HttpRequest, public_id: uuid.UUID) -> RecognitionRequest:
    found = request_for(caller(request), public_id)
    if found is None:
        raise NotFound()
    return found


def _achievement_ref(achievement: Any) -> AchievementRef:
    return AchievementRef(public_id=achievement.public_id, code=achievement.code, name=localized(achievement, "name"))


def _step_out(step: StepProgress) -> StepOut:
    return StepOut(
        achievement=_achievement_ref(step.step.achievement),
        is_elective=step.step.is_elective,
        done=step.done,
        credential=step.credential.public_id if step.credential else None,
    )


def _pathway_out(progress: PathwayProgress) -> PathwayOut:
    pathway = progress.pathway
    return PathwayOut(
        id=pathway.pk,
        url=reverse("recognition:pathway", args=[pathway.pk]),
        code=pathway.code,
        name=localized(pathway, "name"),
        description=localized(pathway, "description"),
        is_published=pathway.is_published,
        achievement=_achievement_ref(pathway.achievement),
        required=[_step_out(step) for step in progress.required],
        electives=[_step_out(step) for step in progress.electives],
        milestones=[
            MilestoneOut(
                name=localized(milestone.milestone, "name"),
                done=milestone.done,
                total=milestone.total,
                reached=milestone.reached,
            )
            for milestone in progress.milestones
        ],
        required_done=progress.required_done,
        required_total=progress.required_total,
        electives_done=progress.electives_done,
        electives_needed=progress.electives_needed,
        steps_done=progress.steps_done,
        steps_needed=progress.steps_needed,
        percent=progress.percent,
        complete=progress.complete,
        credential=progress.credential.public_id if progress.credential else None,
    )


# --- the learner --------------------------------------------------------------------------------------------------

DETAIL_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


@router.get("/requests", response={200: list[RequestOut], 401: ErrorOut})
@paginate(BoundedPages, page_size=50, max_page_size=100)
def recognition_requests(request: HttpRequest) -> QuerySet[RecognitionRequest]:
    """Your credit requests, newest first: status, the rule and module as they were when you asked, the
    credits granted and each credential with what the verifier said."""
    return _with_credentials(requests_of(caller(request)))


@router.get("/requests/{public_id}", response={200: RequestDetailOut, **DETAIL_ERRORS})
def recognition_request(request: HttpRequest, public_id: uuid.UUID) -> RecognitionRequest:
    """One request, for its learner and the degree programme's office (404 for anyone else)."""
    return _visible(request, public_id)


@router.post(
    "/requests",
    response={201: RequestDetailOut, 401: ErrorOut, 403: ErrorOut, 422: RefusalOut},
)
def recognition_request_submit(request: HttpRequest, body: RequestIn) -> Status:
    """Ask a degree programme for the credit of a rule with your own credentials and other issuers' ones.
    Everything is checked at once; a refusal is 422 with the reason and the `field` it concerns."""
    person = cast(Person, caller(request))
    rule = RecognitionRule.objects.select_related("degree__institution", "module").filter(pk=body.rule).first()
    if rule is None:
        return _refused(_("No recognition rule has the id %(id)s.") % {"id": body.rule}, "rule")
    if not can(person, Action.RECOGNITION_REQUEST, rule.degree):
        raise Forbidden(_("Only educators may ask an open degree programme for credit."))
    wanted = list(dict.fromkeys(body.credentials))
    owned = {
        credential.public_id: credential
        for credential in Credential.objects.filter(person=person, public_id__in=wanted).select_related("achievement")
    }
    unknown = [public_id for public_id in wanted if public_id not in owned]
    if unknown:
        message = _("You have no credential with the id %(id)s.") % {"id": unknown[0]}
        return _refused(message, "credentials")
    too_long = [number for number, text in enumerate(body.external, start=1) if len(text) > EXTERNAL_MAX_LENGTH]
    if too_long:
        message = _("External credential %(number)s is larger than 1 MB; a credential is much smaller.")
        return _refused(message % {"number": too_long[0]}, "external")
    try:
        created = request_submit(
            person=person,
            degree=rule.degree,
            rule=rule,
            credentials=[owned[public_id] for public_id in wanted],
            external=body.external,
            message=body.message,
        )
    except RecognitionError as error:
        return _refused(error.message, error.field)
    return Status(201, _visible(request, created.public_id))


@router.post(
    "/requests/{public_id}/withdraw",
    response={200: RequestDetailOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut},
)
def recognition_request_withdraw(request: HttpRequest, public_id: uuid.UUID) -> RecognitionRequest:
    """Take back your request while it waits for a decision; its credentials may count again. Only its
    learner withdraws (404 for anyone else); a decided request is 409."""
    person = cast(Person, caller(request))
    found = _visible(request, public_id)
    if found.person_id != person.pk:
        raise NotFound()
    try:
        request_withdraw(request=found, person=person)
    except RecognitionError as error:
        raise Conflict(error.message) from error
    return _visible(request, public_id)


@router.get("/credits", response={200: list[DegreeCreditsOut], 401: ErrorOut})
def recognition_credits(request: HttpRequest) -> list[DegreeCreditsOut]:
    """Your credit record: per degree programme, each approved request with its module and credits, and
    the sum."""
    return [
        DegreeCreditsOut(
            degree=_degree_ref(entry.degree),
            total=float(entry.total),
            total_credits=float(entry.degree.total_credits),
            requests=[
                CreditLineOut(
                    request=item.public_id,
                    module=_module_ref(item.rule_snapshot),
                    rule=_rule_ref(item),
                    credits_granted=_number(item.credits_granted),
                    decided_at=item.decided_at,
                )
                for item in entry.requests
            ],
        )
        for entry in credit_record(caller(request))
    ]


@router.get("/pathways", response={200: list[PathwayOut], 401: ErrorOut, 404: ErrorOut})
def recognition_pathways(request: HttpRequest) -> list[PathwayOut]:
    """The current programme's published pathways (drafts too for those who manage pathways) with your
    progress: steps done, electives, milestones reached, complete, and the pathway credential when held."""
    person = caller(request)
    programme = programme_current()
    if programme is None:
        raise NotFound(_("There is no active programme."))
    shown = pathways_visible(person=person, programme=programme)
    return [_pathway_out(progress) for progress in pathways_progress(pathways=shown, person=person)]


# --- the programme office -----------------------------------------------------------------------------------------

OFFICE_STATUSES = [*RecognitionRequest.Status.values, "all"]


@router.get(
    "/office/requests",
    response={200: list[RequestOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
@paginate(BoundedPages, page_size=50, max_page_size=100)
def recognition_office_requests(request: HttpRequest, filters: Query[OfficeFilters]) -> QuerySet[RecognitionRequest]:
    """The requests to the degree programmes you decide for (their office and the coordinators of their
    institution), oldest first; `?status=` (submitted by default, or all) and `?degree=` filter."""
    person = caller(request)
    offices = list(degrees_for_office(person))
    if not offices:
        raise Forbidden(_("Only a degree programme's office and its institution's coordinators see its requests."))
    if filters.status not in OFFICE_STATUSES:
        raise Invalid(
            _("Unknown status “%(status)s”: use %(statuses)s.")
            % {"status": filters.status[:20], "statuses": ", ".join(OFFICE_STATUSES)}
        )
    chosen = None
    if filters.degree is not None:
        chosen = next((degree for degree in offices if degree.public_id == filters.degree), None)
        if chosen is None:
            raise NotFound()
    status = "" if filters.status == "all" else filters.status
    return _with_credentials(office_queue(person, status=status, degree=chosen))


@router.post(
    "/requests/{public_id}/decision",
    response={200: RequestDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: RefusalOut},
)
def recognition_request_decide(request: HttpRequest, public_id: uuid.UUID, body: DecisionIn) -> Any:
    """Approve or reject a request waiting for a decision (the programme office; 403 for its learner, 404 for
    others), on the rule as it was at submission. A rejection needs a reason (422); the learner is told by
    e-mail. A request already decided or withdrawn is 409."""
    person = cast(Person, caller(request))
    found = _visible(request, public_id)
    if not can(person, Action.DEGREE_OFFICE, found.degree):
        raise Forbidden(_("Only the degree programme's office decides its requests."))
    try:
        request_decide(request=found, actor=person, approve=body.decision == "approve", reason=body.reason)
    except RecognitionError as error:
        if error.field is None:
            raise Conflict(error.message) from error
        return _refused(error.message, error.field)
    return _visible(request, public_id)
