"""Issuing credentials and changing their state. Every change writes a CredentialEvent.

A credential is built, signed both ways (Data Integrity eddsa-rdfc-2022 and VC-JWT), checked
against the official Open Badges 3.0 schema when the server has it, and stored as signed.
A person holds at most one current (active or suspended) credential per achievement; the
database enforces it, so concurrent issuers cannot both succeed. A reissue replaces the
current credential (its status entry is marked revoked) and links the two.
"""

import calendar
import datetime as dt
import logging
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from erdem.audit.models import AuditAction
from erdem.audit.services import audit_record
from erdem.core.mail import email_render, emails_send
from erdem.credentials.dids import DidError, did_check
from erdem.credentials.documents import credential_document
from erdem.credentials.models import Achievement, AchievementRule, Credential, CredentialEvent, IssuanceRun
from erdem.credentials.proofs.schema import ob3_schema, schema_errors
from erdem.credentials.rules import RuleOutcome, achievement_rules, rules_evaluate
from erdem.credentials.signing import credential_secure
from erdem.credentials.status import REVOKED, SUSPENDED, VALID, status_entry_allocate, status_write
from erdem.jobs.models import Job
from erdem.jobs.services import JobError, job_enqueue, job_progress
from erdem.people.models import Person

logger = logging.getLogger(__name__)

# Crockford's base32 without look-alikes: a code read aloud or typed from paper survives.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REASON_MAX_LENGTH = 2000
# Whoever has one of these for an achievement is left out by automatic and bulk issuance: they hold it,
# or the national centre revoked it (only an administrator, by hand, issues it again).
DECIDED_STATUSES = (Credential.Status.ACTIVE, Credential.Status.SUSPENDED, Credential.Status.REVOKED)
BULK_CHUNK = 200


class IssuanceError(Exception):
    """A refusal to show to the person who asked, in their language."""


def verification_code_new() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def _reason_clean(reason: str, *, required: bool) -> str:
    reason = reason.strip()
    if required and not reason:
        raise IssuanceError(_("Please give a reason: it is kept in the credential's history."))
    if len(reason) > REASON_MAX_LENGTH:
        raise IssuanceError(_("Please keep the reason to %(limit)s characters.") % {"limit": REASON_MAX_LENGTH})
    return reason


def _evidence(achievement_rule_outcomes: list[RuleOutcome], person: Person) -> list[dict[str, Any]]:
    """An Evidence entry per practical task the credential rests on: what was approved, and when."""
    from erdem.assignments.models import Submission

    task_ids = [
        outcome.rule.assignment_id
        for outcome in achievement_rule_outcomes
        if outcome.rule.kind == AchievementRule.Kind.ASSIGNMENT_APPROVED and outcome.met
    ]
    if not task_ids:
        return []
    approved = Submission.objects.filter(
        assignment_id__in=task_ids, person=person, status=Submission.Status.APPROVED
    ).select_related("review")
    labels = {outcome.rule.assignment_id: outcome.label for outcome in achievement_rule_outcomes}
    evidence = []
    for submission in approved:
        approved_at = submission.review.reviewed_at
        evidence.append(
            {
                "type": ["Evidence"],
                "name": labels.get(submission.assignment_id, ""),
                "description": _("Practical task reviewed against its rubric and approved on %(date)s.")
                % {"date": approved_at.date().isoformat()},
                "genre": "Practical task",
            }
        )
    return evidence


def _valid_until(achievement: Achievement, issued_at: dt.datetime) -> dt.datetime | None:
    if not achievement.valid_months:
        return None
    months = issued_at.month - 1 + achievement.valid_months
    year, month = issued_at.year + months // 12, months % 12 + 1
    return issued_at.replace(year=year, month=month, day=min(issued_at.day, calendar.monthrange(year, month)[1]))


def _credential_build(
    *,
    achievement: Achievement,
    person: Person,
    method: str,
    outcomes: list[RuleOutcome] | None,
    issued_at: dt.datetime,
    subject_did: str,
    replaces: Credential | None = None,
) -> Credential:
    """An unsaved credential, signed; its status entry is allocated (and committed) first."""
    if outcomes is None:
        outcomes = rules_evaluate(achievement, [person.pk])[person.pk].outcomes
    awarded_at = replaces.awarded_at if replaces is not None else issued_at
    entry = status_entry_allocate()
    credential = Credential(
        achievement=achievement,
        person=person,
        method=method,
        issued_at=issued_at,
        awarded_at=awarded_at,
        valid_until=_valid_until(achievement, awarded_at),
        replaces=replaces,
        subject_did=subject_did,
        identity_salt=secrets.token_hex(8),
        status_list=entry.status_list,
        status_index=entry.index,
        verification_code=verification_code_new(),
    )
    unsigned = credential_document(
        public_id=credential.public_id,
        achievement=achievement,
        email=person.email,
        salt=credential.identity_salt,
        subject_did=subject_did,
        issued_at=issued_at,
        awarded_at=credential.awarded_at,
        valid_until=credential.valid_until,
        status_list_number=entry.status_list.number,
        status_index=entry.index,
        outcomes=outcomes,
        evidence=_evidence(outcomes, person),
    )
    schema = ob3_schema()
    if schema is not None and (errors := schema_errors(unsigned, schema)):
        logger.error("credential for achievement %s fails the OB 3.0 schema: %s", achievement.pk, errors)
        raise IssuanceError(_("The credential could not be built correctly; nothing was issued."))
    credential.document, credential.jwt, credential.key = credential_secure(unsigned, created=issued_at)
    return credential


def _issued_notify(credential: Credential) -> None:
    context = {
        "credential": credential,
        "achievement": credential.achievement,
        "link": settings.SITE_URL + reverse("credentials:mine"),
    }
    emails_send([email_render(to=credential.person, template="credentials/emails/issued", context=context)])


def credential_issue(
    *,
    achievement: Achievement,
    person: Person,
    method: str,
    actor: Person | None = None,
    reason: str = "",
    outcomes: list[RuleOutcome] | None = None,
    at: dt.datetime | None = None,
    notify: bool = True,
) -> Credential:
    """Issue `achievement` to `person`. Manual issuance needs a reason; the rules are not enforced
    for it (an administrator may recognise learning the platform did not record)."""
    reason = _reason_clean(reason, required=method == Credential.Method.MANUAL)
    if achievement.status != Achievement.Status.ACTIVE:
        raise IssuanceError(_("This achievement is not active, so it cannot be issued."))
    if Credential.objects.filter(
        person=person, achievement=achievement, status__in=[Credential.Status.ACTIVE, Credential.Status.SUSPENDED]
    ).exists():
        raise IssuanceError(_("%(person)s already holds this credential.") % {"person": person.full_name})
    issued_at = (at or timezone.now()).replace(microsecond=0)
    credential = _credential_build(
        achievement=achievement,
        person=person,
        method=method,
        outcomes=outcomes,
        issued_at=issued_at,
        subject_did="",
    )
    try:
        with transaction.atomic():
            credential.save()
            CredentialEvent.objects.create(
                credential=credential, action=CredentialEvent.Action.ISSUE, actor=actor, reason=reason, at=issued_at
            )
            audit_record(
                action=AuditAction.CREDENTIAL_ISSUE,
                actor=actor,
                subject=person,
                target=credential,
                summary=f"Credential {achievement.code} issued ({method})",
                details={"credential": str(credential.public_id), "method": method, "reason": reason},
                at=issued_at,
            )
    except IntegrityError as exc:
        raise IssuanceError(_("%(person)s already holds this credential.") % {"person": person.full_name}) from exc
    if notify:
        transaction.on_commit(lambda: _issued_notify(credential))
    if method == Credential.Method.MANUAL:
        progress_changed(person_id=person.pk)  # a credential that stacks on this one may now be due
    return credential


def _state_change(
    *, credential: Credential, actor: Person | None, reason: str, allowed_from: Iterable[str], to: str, bit: int
) -> Credential:
    action = {
        Credential.Status.REVOKED: CredentialEvent.Action.REVOKE,
        Credential.Status.SUSPENDED: CredentialEvent.Action.SUSPEND,
        Credential.Status.ACTIVE: CredentialEvent.Action.REINSTATE,
    }[Credential.Status(to)]
    reason = _reason_clean(reason, required=True)
    with transaction.atomic():
        locked = Credential.objects.select_for_update().get(pk=credential.pk)
        if locked.status not in allowed_from:
            raise IssuanceError(
                _("This credential is %(status)s, so it cannot be changed that way.")
                % {"status": locked.get_status_display()}
            )
        before, locked.status = locked.status, to
        locked.save(update_fields=["status"])
        status_write(status_list_id=locked.status_list_id, index=locked.status_index, value=bit)
        CredentialEvent.objects.create(credential=locked, action=action, actor=actor, reason=reason)
        audit_record(
            action=AuditAction(f"credential.{action}"),
            actor=actor,
            subject=locked.person_id,
            target=locked,
            summary=f"Credential {action}: {before} to {to}",
            details={"credential": str(locked.public_id), "before": before, "after": to, "reason": reason},
        )
    return locked


def credential_revoke(*, credential: Credential, actor: Person | None, reason: str) -> Credential:
    """Revoke for good: verification says so at once."""
    return _state_change(
        credential=credential,
        actor=actor,
        reason=reason,
        allowed_from=[Credential.Status.ACTIVE, Credential.Status.SUSPENDED],
        to=Credential.Status.REVOKED,
        bit=REVOKED,
    )


def credential_suspend(*, credential: Credential, actor: Person | None, reason: str) -> Credential:
    return _state_change(
        credential=credential,
        actor=actor,
        reason=reason,
        allowed_from=[Credential.Status.ACTIVE],
        to=Credential.Status.SUSPENDED,
        bit=SUSPENDED,
    )


def credential_reinstate(*, credential: Credential, actor: Person | None, reason: str) -> Credential:
    return _state_change(
        credential=credential,
        actor=actor,
        reason=reason,
        allowed_from=[Credential.Status.SUSPENDED],
        to=Credential.Status.ACTIVE,
        bit=VALID,
    )


def credential_reissue(
    *, credential: Credential, actor: Person | None, reason: str, subject_did: str | None = None
) -> Credential:
    """A new credential in place of `credential` (corrected texts, a new key, the learner's DID).
    The old one is marked replaced and its status entry revoked; both stay in the history."""
    reason = _reason_clean(reason, required=actor is not None)
    if credential.status != Credential.Status.ACTIVE:
        raise IssuanceError(_("Only an active credential can be reissued."))
    issued_at = timezone.now().replace(microsecond=0)
    new = _credential_build(
        achievement=credential.achievement,
        person=credential.person,
        method=Credential.Method.REISSUE,
        outcomes=None,
        issued_at=issued_at,
        subject_did=credential.subject_did if subject_did is None else subject_did,
        replaces=credential,
    )
    new.show_name = credential.show_name
    with transaction.atomic():
        locked = Credential.objects.select_for_update().get(pk=credential.pk)
        if locked.status != Credential.Status.ACTIVE:
            raise IssuanceError(_("Only an active credential can be reissued."))
        locked.status = Credential.Status.REPLACED
        locked.save(update_fields=["status"])
        status_write(status_list_id=locked.status_list_id, index=locked.status_index, value=REVOKED)
        new.save()
        CredentialEvent.objects.create(
            credential=locked, action=CredentialEvent.Action.REISSUE, actor=actor, reason=reason
        )
        CredentialEvent.objects.create(
            credential=new, action=CredentialEvent.Action.ISSUE, actor=actor, reason=reason, at=issued_at
        )
        audit_record(
            action=AuditAction.CREDENTIAL_REISSUE,
            actor=actor,
            subject=locked.person_id,
            target=locked,
            summary="Credential reissued: replaced by a new one",
            details={"credential": str(locked.public_id), "replaced_by": str(new.public_id), "reason": reason},
            at=issued_at,
        )
    return new


def credential_subject_did_set(*, credential: Credential, person: Person, did: str) -> Credential:
    """The learner links their own DID: the credential is reissued to it."""
    did = did.strip()
    if did:
        try:
            did = did_check(did)
        except DidError as exc:
            raise IssuanceError(str(exc)) from exc
    if did == credential.subject_did:
        raise IssuanceError(_("The credential is already linked to this DID."))
    return credential_reissue(
        credential=credential, actor=person, reason=_("The learner linked their DID."), subject_did=did
    )


def credential_show_name_set(*, credential: Credential, show_name: bool) -> None:
    Credential.objects.filter(pk=credential.pk).update(show_name=show_name)
    credential.show_name = show_name


# --- automatic issuance ------------------------------------------------------------------------------------------


def auto_achievements() -> list[Achievement]:
    return list(
        Achievement.objects.filter(status=Achievement.Status.ACTIVE, auto_issue=True, rules__isnull=False)
        .distinct()
        .select_related("programme__national_centre__region")
    )


def credentials_award_due(*, person_id: int) -> list[Credential]:
    """Issue every automatic achievement `person_id` now qualifies for and does not hold.

    Repeats while something was issued, so a stacked credential (one that requires another)
    follows in the same run."""
    person = Person.objects.get(pk=person_id)
    issued: list[Credential] = []
    while True:
        # A revoked credential is the national centre's decision: it is not issued again by itself.
        held = set(
            Credential.objects.filter(person=person, status__in=DECIDED_STATUSES).values_list(
                "achievement_id", flat=True
            )
        )
        due = []
        for achievement in auto_achievements():
            if achievement.pk in held:
                continue
            qualification = rules_evaluate(achievement, [person.pk])[person.pk]
            if qualification.qualifies:
                due.append((achievement, qualification.outcomes))
        if not due:
            return issued
        for achievement, outcomes in due:
            try:
                issued.append(
                    credential_issue(
                        achievement=achievement, person=person, method=Credential.Method.AUTOMATIC, outcomes=outcomes
                    )
                )
            except IssuanceError:
                continue  # issued meanwhile by another worker


def progress_changed(*, person_id: int) -> None:
    """Called after a learner's progress changes: checks their credentials in a background job,
    after the commit, so the learner's request does not wait for signing."""
    from erdem.credentials.tasks import credentials_check

    if not Achievement.objects.filter(status=Achievement.Status.ACTIVE, auto_issue=True).exists():
        return
    transaction.on_commit(lambda: credentials_check.enqueue(person_id=person_id))


# --- bulk issuance -----------------------------------------------------------------------------------------------


def issuance_run_create(
    *, achievement: Achievement, person_ids: list[int], actor: Person, reason: str = "", cohort: Any = None
) -> IssuanceRun:
    """Queue a bulk issuance. Refused while another run for the same achievement and cohort is unfinished."""
    from erdem.credentials.tasks import issuance_run_task

    reason = _reason_clean(reason, required=False)
    if not person_ids:
        raise IssuanceError(_("Nobody was chosen."))
    with transaction.atomic():
        Achievement.objects.select_for_update().get(pk=achievement.pk)
        unfinished = IssuanceRun.objects.filter(
            achievement=achievement, job__status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
        )
        chosen = set(person_ids)
        for other in unfinished.only("cohort_id", "person_ids"):
            if (cohort is not None and other.cohort_id == cohort.pk) or chosen & set(other.person_ids):
                raise IssuanceError(_("A bulk issuance for these people is already running; wait for it to finish."))
        run = IssuanceRun.objects.create(
            achievement=achievement, cohort=cohort, person_ids=sorted(set(person_ids)), started_by=actor, reason=reason
        )
        run.job = job_enqueue(
            task=issuance_run_task,
            kind=Job.Kind.CREDENTIAL_ISSUANCE,
            started_by=actor,
            total=len(run.person_ids),
            issuance_run_id=run.pk,
        )
        run.save(update_fields=["job"])
        audit_record(
            action=AuditAction.CREDENTIAL_BULK_ISSUE,
            actor=actor,
            target=run,
            summary=f"Bulk issuance of {achievement.code} started for {len(run.person_ids)} people",
            details={
                "achievement": achievement.code,
                "people": len(run.person_ids),
                "cohort": cohort.pk if cohort is not None else None,
                "reason": reason,
            },
        )
    return run


def issuance_run_resume(*, run: IssuanceRun) -> None:
    """Queue a bulk issuance again, after its worker was killed or it failed half-way. Always safe:
    the job issues only to those who still lack the credential, and the database refuses a
    second current credential even if the first worker were still alive."""
    from erdem.credentials.tasks import issuance_run_task

    if run.job_id is None:
        raise IssuanceError(_("This bulk issuance has no job to resume."))
    Job.objects.filter(pk=run.job_id).exclude(status=Job.Status.SUCCEEDED).update(status=Job.Status.QUEUED, error="")
    job_id = str(run.job_id)
    transaction.on_commit(lambda: issuance_run_task.enqueue(job_id=job_id, issuance_run_id=run.pk))


def issuance_run_execute(*, issuance_run_id: int, job: Job | None = None) -> dict[str, Any]:
    """Issue to everyone in the run who qualifies and does not hold the credential yet.

    Idempotent: rerun after a crash, it skips those already issued, so nobody is issued twice
    and nobody is missed."""
    run = IssuanceRun.objects.select_related("achievement__programme__national_centre__region").get(pk=issuance_run_id)
    if run.achievement.status != Achievement.Status.ACTIVE:
        raise JobError(_("This achievement is not active, so it cannot be issued."))
    result = _issue_to_qualifying(
        achievement=run.achievement,
        person_ids=list(run.person_ids),
        method=Credential.Method.BULK,
        actor=run.started_by,
        reason=run.reason,
        job=job,
    )
    IssuanceRun.objects.filter(pk=run.pk).update(issued=result["issued"])
    return result | {"achievement_public_id": str(run.achievement.public_id)}


def _issue_to_qualifying(
    *,
    achievement: Achievement,
    person_ids: list[int],
    method: str,
    actor: Person | None,
    reason: str,
    job: Job | None = None,
) -> dict[str, int]:
    """Issue `achievement` to those of `person_ids` who qualify and have no current or revoked credential
    for it, in chunks, with one query per rule per chunk."""
    rules = achievement_rules(achievement)
    issued = skipped = already = 0
    people = {person.pk: person for person in Person.objects.filter(pk__in=person_ids)}
    for start in range(0, len(person_ids), BULK_CHUNK):
        chunk = [person_id for person_id in person_ids[start : start + BULK_CHUNK] if person_id in people]
        holding = set(
            Credential.objects.filter(
                achievement=achievement, person_id__in=chunk, status__in=DECIDED_STATUSES
            ).values_list("person_id", flat=True)
        )
        qualifications = rules_evaluate(achievement, chunk, rules=rules)
        for person_id in chunk:
            if person_id in holding:
                already += 1
                continue
            if not qualifications[person_id].qualifies:
                skipped += 1
                continue
            try:
                credential_issue(
                    achievement=achievement,
                    person=people[person_id],
                    method=method,
                    actor=actor,
                    reason=reason,
                    outcomes=qualifications[person_id].outcomes,
                )
            except IssuanceError:
                already += 1  # issued meanwhile (automatically, or by a parallel run)
                continue
            issued += 1
            progress_changed(person_id=person_id)  # a credential that stacks on this one may now be due
        if job is not None:
            job_progress(job=job, done=min(start + BULK_CHUNK, len(person_ids)))
    return {"issued": issued, "already_held": already, "not_qualified": skipped}


def achievement_award_existing(*, achievement: Achievement) -> None:
    """After an automatic achievement is activated or its rules change, issue it to the people of the
    programme who already meet every rule: progress made before is not waited for. A job, after the commit."""
    from erdem.credentials.tasks import achievement_award_task

    if achievement.status != Achievement.Status.ACTIVE or not achievement.auto_issue:
        return
    achievement_id = achievement.pk
    transaction.on_commit(lambda: achievement_award_task.enqueue(achievement_id=achievement_id))


def achievement_award_execute(*, achievement_id: int) -> dict[str, int]:
    """The job of achievement_award_existing: idempotent, like every issuance."""
    from erdem.credentials.selectors import programme_people

    achievement = Achievement.objects.select_related("programme__national_centre__region").get(pk=achievement_id)
    if achievement.status != Achievement.Status.ACTIVE or not achievement.auto_issue or not achievement.rules.exists():
        return {"issued": 0, "already_held": 0, "not_qualified": 0}
    person_ids = sorted(programme_people(programme=achievement.programme).values_list("pk", flat=True))
    return _issue_to_qualifying(
        achievement=achievement, person_ids=person_ids, method=Credential.Method.AUTOMATIC, actor=None, reason=""
    )


# --- achievements (definitions) ----------------------------------------------------------------------------------

ACHIEVEMENT_FIELDS = (
    "code",
    "kind",
    "status",
    "auto_issue",
    "name_mn",
    "name_en",
    "name_traditional",
    "description_mn",
    "description_en",
    "criteria_mn",
    "criteria_en",
    "outcomes_mn",
    "outcomes_en",
    "quality_assurance_mn",
    "quality_assurance_en",
    "prerequisites_mn",
    "prerequisites_en",
    "workload_hours",
    "ects",
    "mn_credits",
    "eqf_level",
    "nqf_level",
    "assessment_type",
    "participation",
    "valid_months",
)
# An active achievement is issued in both languages, so these texts must exist in both.
ACTIVATION_REQUIRED = ("name_mn", "name_en", "description_mn", "description_en", "criteria_mn", "criteria_en")
ACHIEVEMENT_IMAGE_KINDS = ("png", "jpg")  # SVG is refused: it can carry scripts
ACHIEVEMENT_IMAGE_MAX_BYTES = 1024 * 1024


class AchievementError(Exception):
    """A definition or rule that cannot be saved, with the reason for the person who asked, in their language."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def achievement_activation_problems(*, values: dict[str, Any]) -> dict[str, str]:
    """{field: why} for the texts an active achievement still lacks; empty when it may be active."""
    if values.get("status") != Achievement.Status.ACTIVE:
        return {}
    message = _(
        "An active achievement is issued in Mongolian and English, so it needs its name, description "
        "and criteria in both languages."
    )
    return {name: message for name in ACTIVATION_REQUIRED if not str(values.get(name) or "").strip()}


def _achievement_image_store(achievement: Achievement, image: Any) -> None:
    from django.core.exceptions import ValidationError

    from erdem.core.uploads import upload_check

    try:
        kind = upload_check(image, kinds=ACHIEVEMENT_IMAGE_KINDS, max_bytes=ACHIEVEMENT_IMAGE_MAX_BYTES)
    except ValidationError as exc:
        raise AchievementError(" ".join(exc.messages), field="image") from exc
    image.seek(0)
    achievement.image.save(f"{achievement.public_id.hex}.{kind.extensions[0]}", image, save=False)


def _achievement_values_check(*, programme: Any, values: dict[str, Any], exclude_pk: int | None) -> None:
    unknown = set(values) - set(ACHIEVEMENT_FIELDS)
    if unknown:
        raise TypeError(f"not fields of an achievement: {sorted(unknown)}")
    for name, message in achievement_activation_problems(values=values).items():
        raise AchievementError(message, field=name)
    if not (str(values.get("name_mn") or "").strip() or str(values.get("name_en") or "").strip()):
        raise AchievementError(_("Give the achievement a name in at least one language."), field="name_mn")
    taken = Achievement.objects.filter(programme=programme, code=values.get("code"))
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise AchievementError(_("Another achievement of the programme has this code."), field="code")


def achievement_create(
    *, programme: Any, values: dict[str, Any], competencies: Iterable[Any] = (), image: Any = None
) -> Achievement:
    """A new achievement of `programme`; `values` holds ACHIEVEMENT_FIELDS, `image` a PNG or JPEG upload."""
    _achievement_values_check(programme=programme, values=values, exclude_pk=None)
    with transaction.atomic():
        achievement = Achievement(programme=programme, **values)
        if image is not None:
            _achievement_image_store(achievement, image)
        achievement.save()
        achievement.competencies.set(list(competencies))
        achievement_award_existing(achievement=achievement)
    return achievement


def achievement_update(
    *,
    achievement: Achievement,
    values: dict[str, Any],
    competencies: Iterable[Any] = (),
    image: Any = None,
    image_remove: bool = False,
) -> Achievement:
    """Change the definition. Credentials issued keep the text they were signed with; new ones use the new text."""
    _achievement_values_check(programme=achievement.programme, values=values, exclude_pk=achievement.pk)
    with transaction.atomic():
        for name, value in values.items():
            setattr(achievement, name, value)
        if image is not None:
            _achievement_image_store(achievement, image)
        elif image_remove and achievement.image:
            achievement.image.delete(save=False)
            achievement.image = ""
        achievement.updated_at = timezone.now()
        achievement.save()
        achievement.competencies.set(list(competencies))
        achievement_award_existing(achievement=achievement)
    return achievement


def achievement_rule_add(
    *,
    achievement: Achievement,
    kind: str,
    course: Any = None,
    quiz: Any = None,
    assignment: Any = None,
    required_achievement: Achievement | None = None,
    threshold: int | None = None,
    any_of: list[Achievement] | None = None,
) -> AchievementRule:
    """Add a rule; refused when its target is missing or outside the programme, or when it would close a loop.

    `any_of` with `threshold` N is the "at least N of these credentials held" rule a stackable pathway keeps
    for its electives (erdem.recognition.pathway_services); the achievement pages do not offer it."""
    from erdem.credentials.selectors import credential_held_cycle

    kinds = AchievementRule.Kind
    programme_id = achievement.programme_id
    counted = _any_of_clean(achievement=achievement, kind=kind, any_of=any_of, threshold=threshold)
    needed = {
        kinds.COURSE_COMPLETED: ("course", course, _("Choose the course.")),
        kinds.QUIZ_SCORE: ("quiz", quiz, _("Choose the quiz.")),
        kinds.ASSIGNMENT_APPROVED: ("assignment", assignment, _("Choose the practical task.")),
        kinds.CREDENTIAL_HELD: ("required_achievement", required_achievement, _("Choose the credential required.")),
    }
    if kind not in kinds.values:
        raise AchievementError(_("Choose what the rule checks."), field="kind")
    if kind in needed:
        name, target, message = needed[AchievementRule.Kind(kind)]
        if target is None:
            raise AchievementError(message, field=name)
    if kind == kinds.QUIZ_SCORE and (threshold is None or not 0 <= threshold <= 100):
        raise AchievementError(_("Give the score needed, from 0 to 100 per cent."), field="threshold")
    if kind == kinds.WORKSHOPS_ATTENDED and (threshold is None or threshold < 1):
        raise AchievementError(_("Give the number of workshops needed: 1 or more."), field="threshold")
    outside = _("This is not part of the programme.")
    if course is not None and course.programme_id != programme_id:
        raise AchievementError(outside, field="course")
    if quiz is not None and quiz.lesson.module.course.programme_id != programme_id:
        raise AchievementError(outside, field="quiz")
    if assignment is not None and assignment.lesson.module.course.programme_id != programme_id:
        raise AchievementError(outside, field="assignment")
    if required_achievement is not None:
        if required_achievement.programme_id != programme_id:
            raise AchievementError(outside, field="required_achievement")
        if credential_held_cycle(achievement=achievement, required=required_achievement):
            raise AchievementError(
                _(
                    "This would make a loop: “%(required)s” already requires this achievement (directly or "
                    "through others), so nobody could ever earn either."
                )
                % {"required": required_achievement.code},
                field="required_achievement",
            )
    values: dict[str, Any] = {"course": None, "quiz": None, "assignment": None, "required_achievement": None}
    if kind == kinds.COURSE_COMPLETED:
        values["course"] = course
    elif kind == kinds.QUIZ_SCORE:
        values.update(quiz=quiz, threshold=threshold)
    elif kind == kinds.WORKSHOPS_ATTENDED:
        values.update(course=course, threshold=threshold)
    elif kind == kinds.ASSIGNMENT_APPROVED:
        values["assignment"] = assignment
    elif kind == kinds.CREDENTIALS_HELD_ANY:
        values["threshold"] = threshold
    else:
        values["required_achievement"] = required_achievement
    with transaction.atomic():
        # Lock the programme's achievements, so two rules added at once cannot close a loop between them.
        list(Achievement.objects.select_for_update().filter(programme_id=programme_id).values_list("pk", flat=True))
        if required_achievement is not None and credential_held_cycle(
            achievement=achievement, required=required_achievement
        ):
            raise AchievementError(_("This would make a loop of required credentials."), field="required_achievement")
        if any(credential_held_cycle(achievement=achievement, required=other) for other in counted):
            raise AchievementError(_("This would make a loop of required credentials."), field="any_of")
        last = achievement.rules.order_by("-position").values_list("position", flat=True).first()
        rule = AchievementRule.objects.create(achievement=achievement, kind=kind, position=(last or 0) + 1, **values)
        if counted:
            rule.any_of.set(counted)
        achievement_award_existing(achievement=achievement)
        return rule


def _any_of_clean(
    *, achievement: Achievement, kind: str, any_of: list[Achievement] | None, threshold: int | None
) -> list[Achievement]:
    """The credentials an "at least N of these" rule counts, checked; empty for the other kinds."""
    from erdem.credentials.selectors import credential_held_cycle

    if kind != AchievementRule.Kind.CREDENTIALS_HELD_ANY:
        return []
    if any_of is None:
        raise AchievementError(
            _("This kind of rule is kept by a stackable pathway: define the electives on the pathway's page."),
            field="kind",
        )
    counted = list({other.pk: other for other in any_of}.values())
    if not counted:
        raise AchievementError(_("Choose the credentials that count."), field="any_of")
    if threshold is None or not 1 <= threshold <= len(counted):
        raise AchievementError(
            _("Give how many of the credentials are needed: from 1 to %(count)s.") % {"count": len(counted)},
            field="threshold",
        )
    for other in counted:
        if other.programme_id != achievement.programme_id:
            raise AchievementError(_("This is not part of the programme."), field="any_of")
        if credential_held_cycle(achievement=achievement, required=other):
            raise AchievementError(
                _(
                    "This would make a loop: “%(required)s” already requires this achievement (directly or "
                    "through others), so nobody could ever earn either."
                )
                % {"required": other.code},
                field="any_of",
            )
    return counted


def achievement_rule_remove(*, rule: AchievementRule) -> None:
    """Remove a rule. Credentials already issued stay as they are; people who now meet every remaining
    rule receive it."""
    with transaction.atomic():
        achievement = rule.achievement
        rule.delete()
        achievement_award_existing(achievement=achievement)
