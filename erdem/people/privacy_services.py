"""Writes for personal-data rights (docs/privacy.md): the consent history, a copy of one's data, deletion
(erasure) of a person, and the retention rules applied every day.

Erasure keeps what others rely on and removes the rest. Kept: the person's row under a placeholder name
(other records point to it), issued credentials as signed (they carry only a salted hash of the e-mail
address, so they keep verifying and name nobody), the audit log, and the facts national statistics count
(enrolments, completions, attendance, quiz scores, review decisions and scores, survey choices, the
institution, discipline, gender and language the figures are broken down by). Removed or blanked:
names, the e-mail address, contact and profile details, every free text the person wrote or that was
written about them, every file they uploaded, their portfolio, sessions, API tokens, two-factor devices
and sign-in records.
"""

import datetime as dt
import json
import logging
import shutil
import tempfile
import zipfile
from email.utils import parseaddr
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from erdem.people.models import ConsentKind, ConsentRecord, DataExport, DeletionRequest, Person

logger = logging.getLogger(__name__)

DELETED_NAME = "Deleted person"
ERASED_EMAIL_DOMAIN = "erased.invalid"  # .invalid never resolves (RFC 2606): nothing can be sent there
COPY_CHUNK_BYTES = 64 * 1024
# django-axes' records of sign-in attempts, when it is installed: they name people by their e-mail address.
SIGN_IN_MODELS = ("axes.AccessAttempt", "axes.AccessFailureLog", "axes.AccessLog")


class PrivacyError(Exception):
    """A refusal to show to the person, with the form field it concerns (None: the whole form)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- consent ---------------------------------------------------------------------------------------------


def consent_history_write(*, person: Person, kind: str, given: bool, at: dt.datetime | None = None) -> None:
    """Note a consent given (a new row: the terms carry the current version) or withdrawn (the open rows
    of that kind are closed). Called where the consent itself is stored, in the same transaction."""
    moment = at or timezone.now()
    if given:
        version = settings.ERDEM_CONSENT_VERSION if kind == ConsentKind.TERMS else ""
        ConsentRecord.objects.create(person=person, kind=kind, version=version, given_at=moment)
    else:
        ConsentRecord.objects.filter(person=person, kind=kind, withdrawn_at__isnull=True).update(withdrawn_at=moment)


def consent_outdated(person: Any) -> bool:
    """True when the person accepted an older version of the terms than the current one. Reads only
    the person's own row (no query). Accounts with no consent on record, made by an administrator on
    the command line, are not asked."""
    version = getattr(person, "consent_version", "")
    return bool(version) and version != settings.ERDEM_CONSENT_VERSION


@transaction.atomic
def consent_accept(*, person: Person) -> Person:
    """Accept the current version of the terms."""
    if person.consent_version == settings.ERDEM_CONSENT_VERSION:
        return person
    person.consent_at = timezone.now()
    person.consent_version = settings.ERDEM_CONSENT_VERSION
    person.save(update_fields=["consent_at", "consent_version"])
    consent_history_write(person=person, kind=ConsentKind.TERMS, given=True, at=person.consent_at)
    return person


# --- a copy of one's data --------------------------------------------------------------------------------


def data_export_request(*, person: Person) -> DataExport:
    """Queue the job that builds the person's copy; refused while an earlier one is still being built."""
    from erdem.jobs.models import Job
    from erdem.jobs.services import job_enqueue
    from erdem.people.privacy_tasks import data_export_task

    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()  # one request at a time per person
        building = DataExport.objects.filter(
            person=person,
            ready_at__isnull=True,
            job__status__in=(Job.Status.QUEUED, Job.Status.RUNNING),
        )
        if building.exists():
            raise PrivacyError(_("Your copy is already being prepared. It will be ready in a few minutes."))
        export = DataExport.objects.create(
            person=person, expires_at=timezone.now() + dt.timedelta(days=settings.ERDEM_DATA_EXPORT_DAYS)
        )
        export.job = job_enqueue(
            task=data_export_task, kind=Job.Kind.DATA_EXPORT, started_by=person, export_id=str(export.pk)
        )
        export.save(update_fields=["job"])
    return export


def data_export_write(*, person: Person, handle: Any) -> tuple[int, int]:
    """Write the ZIP into `handle`: data.json, then each uploaded file copied in chunks, so no file is
    ever whole in memory. Returns (files written, files missing from storage)."""
    from erdem.people.privacy import person_data, person_files

    written = missing = 0
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        data = json.dumps(person_data(person), cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
        archive.writestr("data.json", data)
        for held in person_files(person):
            try:
                source = held.stored.storage.open(str(held.stored.name), "rb")
            except (FileNotFoundError, OSError):
                logger.warning("file %s of person %s is missing from storage", held.stored.name, person.pk)
                missing += 1
                continue
            with source, archive.open(held.path, "w", force_zip64=True) as target:
                shutil.copyfileobj(source, target, COPY_CHUNK_BYTES)
            written += 1
    return written, missing


def data_export_build(*, job: Any, export_id: str) -> dict[str, Any]:
    """The job: build the copy into a temporary file, store it privately, and record the export in the
    audit log. Run twice, the second run finds the copy ready and does nothing."""
    from django.urls import reverse

    from erdem.audit.models import AuditAction
    from erdem.audit.services import audit_record
    from erdem.jobs.services import JobError

    export = DataExport.objects.select_related("person").filter(pk=export_id).first()
    if export is None:
        raise JobError(_("This copy no longer exists. Ask for a new one."))
    result = {"next_url": reverse("privacy:page")}
    if export.ready_at is not None:
        return result
    person = export.person
    with tempfile.TemporaryFile(suffix=".zip") as handle:
        written, missing = data_export_write(person=person, handle=handle)
        handle.seek(0)
        export.file.save(f"{export.pk}.zip", File(handle), save=False)
        export.size = export.file.size
    now = timezone.now()
    export.ready_at = now
    export.expires_at = now + dt.timedelta(days=settings.ERDEM_DATA_EXPORT_DAYS)
    with transaction.atomic():
        export.save(update_fields=["file", "size", "ready_at", "expires_at"])
        audit_record(
            action=AuditAction.DATA_EXPORT,
            actor=person,
            subject=person,
            target=export,
            summary="Copy of personal data prepared for the person",
            details={"files": written, "files_missing": missing, "bytes": export.size},
        )
    return {**result, "files": written}


# --- deletion requests -----------------------------------------------------------------------------------


def deletion_request_create(*, person: Person, password: str, reason: str = "") -> DeletionRequest:
    """Ask for erasure, confirmed with the password; it can be carried out after the cooling-off period."""
    if not person.check_password(password):
        raise PrivacyError(_("This is not your password."), field="password")
    now = timezone.now()
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if DeletionRequest.objects.filter(person=person, status=DeletionRequest.Status.PENDING).exists():
            raise PrivacyError(_("You have already asked for your account to be deleted."))
        return DeletionRequest.objects.create(
            person=person,
            reason=reason.strip()[:2000],
            requested_at=now,
            due_at=now + dt.timedelta(days=settings.ERDEM_DELETION_COOLING_OFF_DAYS),
        )


def deletion_request_cancel(*, person: Person) -> DeletionRequest:
    """Cancel the person's pending request (only they can, until it is carried out)."""
    with transaction.atomic():
        pending = (
            DeletionRequest.objects.select_for_update()
            .filter(person=person, status=DeletionRequest.Status.PENDING)
            .first()
        )
        if pending is None:
            raise PrivacyError(_("There is no deletion request to cancel."))
        pending.status = DeletionRequest.Status.CANCELLED
        pending.cancelled_at = timezone.now()
        pending.save(update_fields=["status", "cancelled_at"])
    return pending


def deletion_request_process(
    *, deletion_request: DeletionRequest, by: Person | None, now: dt.datetime | None = None
) -> DeletionRequest:
    """Carry out a pending request whose cooling-off period is over: erase the person."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = DeletionRequest.objects.select_for_update().select_related("person").get(pk=deletion_request.pk)
        if locked.status != DeletionRequest.Status.PENDING:
            raise PrivacyError(_("This request has been cancelled or already carried out."))
        if locked.due_at > now:
            raise PrivacyError(_("The person can still cancel this request; it can be carried out from its date."))
        outcome = person_erase(person=locked.person, actor=by, deletion_request=locked)
        locked.status = DeletionRequest.Status.DONE
        locked.processed_at = now
        locked.processed_by = by
        locked.outcome = outcome
        locked.reason = ""
        locked.save(update_fields=["status", "processed_at", "processed_by", "outcome", "reason"])
    return locked


def deletion_requests_overdue(*, now: dt.datetime | None = None) -> models.QuerySet[DeletionRequest]:
    """Pending requests that have waited ERDEM_DELETION_DEADLINE_DAYS: carried out without waiting for an admin."""
    now = now or timezone.now()
    deadline = now - dt.timedelta(days=settings.ERDEM_DELETION_DEADLINE_DAYS)
    return DeletionRequest.objects.filter(
        status=DeletionRequest.Status.PENDING, requested_at__lte=deadline, due_at__lte=now
    )


# --- erasure ---------------------------------------------------------------------------------------------


def _erased_email(person: Person) -> str:
    return f"erased-{person.pk}@{ERASED_EMAIL_DOMAIN}"


def _storage_delete(fields: list[Any]) -> None:
    """Delete stored files once the transaction has committed (a rolled-back erasure keeps them)."""

    def delete() -> None:
        for stored in fields:
            try:
                stored.storage.delete(stored.name)
            except OSError:
                logger.warning("could not delete stored file %s", stored.name)

    transaction.on_commit(delete)


def _rows_scrubbed(rows: Any, email: str) -> Any:
    """An invitation file's rows (a list of dicts) with every text of the rows naming `email` emptied."""
    if not isinstance(rows, list):
        return rows

    def names(row: Any) -> bool:
        return isinstance(row, dict) and any(
            isinstance(value, str) and email in value.lower() for value in row.values()
        )

    return [
        {key: "" if isinstance(value, str) else value for key, value in row.items()} if names(row) else row
        for row in rows
    ]


def _erase_people(person: Person, counts: dict[str, int], old_email: str) -> None:
    """The account: a placeholder name and address, no password, no details beyond the statistical ones."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from erdem.people.models import StaffImport

    person.email = _erased_email(person)
    person.family_name = DELETED_NAME
    person.given_name = ""
    for name in ("family_name_latin", "given_name_latin", "name_traditional", "department", "academic_position"):
        setattr(person, name, "")
    person.low_bandwidth = False
    person.last_login = None
    person.is_active = person.is_staff = person.is_superuser = False
    person.set_unusable_password()
    person.save()
    person.groups.clear()
    person.user_permissions.clear()
    # An invitation file keeps the rows as uploaded; the person's row loses what names them.
    for staff_import in StaffImport.objects.filter(institution=person.institution).only("rows", "report"):
        rows, report = _rows_scrubbed(staff_import.rows, old_email), _rows_scrubbed(staff_import.report, old_email)
        if (rows, report) != (staff_import.rows, staff_import.report):
            StaffImport.objects.filter(pk=staff_import.pk).update(rows=rows, report=report)
            counts["staff_import_rows_scrubbed"] += 1
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk)).update(
        object_repr=DELETED_NAME, change_message=""
    )
    exports = list(DataExport.objects.filter(person=person))
    _storage_delete([export.file for export in exports if export.file])
    counts["data_exports"] = DataExport.objects.filter(person=person).delete()[0]
    DeletionRequest.objects.filter(person=person).exclude(reason="").update(reason="")


def _erase_sign_in(person: Person, old_email: str, counts: dict[str, int]) -> None:
    """Sessions, API tokens, two-factor devices and sign-in attempt records."""

    from erdem.access.models import RoleAssignment
    from erdem.access.policy import forget_grants
    from erdem.api.models import ApiToken

    now = timezone.now()
    counts["roles_ended"] = RoleAssignment.objects.filter(person=person, ended_at__isnull=True).update(ended_at=now)
    forget_grants(person)
    counts["api_tokens_revoked"] = ApiToken.objects.filter(person=person, revoked_at__isnull=True).update(
        revoked_at=now
    )
    from erdem.people.services import sessions_end  # people.services imports this module

    counts["sessions"] = sessions_end(person=person)
    counts["two_factor_devices"] = 0
    if apps.is_installed("django_otp"):
        from django_otp.models import Device

        for device_model in apps.get_models():
            if issubclass(device_model, Device):
                counts["two_factor_devices"] += device_model._default_manager.filter(user=person).delete()[0]
    counts["emails_dropped"] = _emails_to_drop(old_email)
    counts["sign_in_records"] = 0
    for label in SIGN_IN_MODELS:
        attempts = _model_or_none(label)
        if attempts is not None:
            counts["sign_in_records"] += attempts._default_manager.filter(username__iexact=old_email).delete()[0]


def _emails_to_drop(old_email: str) -> int:
    """E-mails to the person still in the outbox (waiting, given up, or sent and kept for 30 days): the
    outbox keeps few rows, so they are matched here rather than with a JSON lookup each database lacks."""
    from erdem.outbox.models import OutgoingEmail

    ids = [
        pk
        for pk, to, cc, bcc in OutgoingEmail.objects.values_list("pk", "to", "cc", "bcc").iterator(chunk_size=500)
        if old_email in {parseaddr(address)[1].lower() for address in [*to, *cc, *bcc]}
    ]
    return OutgoingEmail.objects.filter(pk__in=ids).delete()[0]


def _erase_learning(person: Person, counts: dict[str, int]) -> None:
    """Scores, completions and decisions stay as anonymous figures; texts and files go."""
    from erdem.assessments.models import Attempt
    from erdem.assignments.models import Review, Submission, SubmissionFile
    from erdem.learning.models import CourseFeedback

    CourseFeedback.objects.filter(enrolment__person=person).exclude(comment="").update(comment="")
    counts["quiz_attempts_blanked"] = Attempt.objects.filter(person=person).update(answers={})
    files = list(SubmissionFile.objects.filter(submission__person=person))
    _storage_delete([submission_file.file for submission_file in files if submission_file.file])
    counts["submission_files"] = SubmissionFile.objects.filter(pk__in=[f.pk for f in files]).delete()[0]
    counts["submissions_blanked"] = Submission.objects.filter(person=person).update(text="")
    Review.objects.filter(submission__person=person).update(comment="")


def _erase_cascade(person: Person, counts: dict[str, int]) -> None:
    """Appointments and mentoring pairs end; what was written about the person is blanked. The lineage
    stays: the reach figures count it."""
    from erdem.cascade.models import Appointment, MentorAssignment, MentoringFeedback, MentoringSession, Nomination

    now = timezone.now()
    Appointment.objects.filter(person=person, ended_at__isnull=True).update(ended_at=now)
    Appointment.objects.filter(person=person).update(reason="", end_reason="")
    Nomination.objects.filter(nominee=person).update(statement="", decision_reason="")
    MentorAssignment.objects.filter(Q(mentor=person) | Q(mentee=person), ended_at__isnull=True).update(ended_at=now)
    MentorAssignment.objects.filter(mentee=person).update(reason="")
    counts["mentoring_notes_blanked"] = MentoringSession.objects.filter(assignment__mentee=person).update(notes="")
    MentoringFeedback.objects.filter(assignment__mentee=person).update(comment="")


def _erase_portfolio(person: Person, counts: dict[str, int]) -> None:
    """The portfolio and its files go; endorsements the person gave are withdrawn (their signed copy names
    the person, so it is removed and its status entry says revoked) and career reviews lose their text."""
    from erdem.portfolio.endorsements import endorsement_withdraw
    from erdem.portfolio.models import CareerReview, Endorsement, Entry, EntryFile, Portfolio

    # Endorsements of the person's work name them in their signed copies: withdrawn first, so that a copy
    # downloaded before verifies as revoked, then deleted with the entries.
    for received in Endorsement.objects.filter(entry__person=person, status=Endorsement.Status.GIVEN):
        endorsement_withdraw(endorsement=received, person=person)
    files = list(EntryFile.objects.filter(entry__person=person))
    _storage_delete([entry_file.file for entry_file in files if entry_file.file])
    counts["portfolio_files"] = len(files)
    counts["portfolio_entries"] = Entry.objects.filter(person=person).count()
    Entry.objects.filter(person=person).delete()
    Portfolio.objects.filter(person=person).delete()
    for endorsement in Endorsement.objects.filter(endorser=person, status=Endorsement.Status.GIVEN):
        endorsement_withdraw(endorsement=endorsement, person=person)
    Endorsement.objects.filter(endorser=person, status=Endorsement.Status.REQUESTED).update(
        status=Endorsement.Status.DECLINED
    )
    counts["endorsements_withdrawn"] = Endorsement.objects.filter(endorser=person).update(
        document={}, jwt="", comment="", request_note=""
    )
    CareerReview.objects.filter(person=person).update(summary="", position_sought="")


def _erase_records(person: Person, counts: dict[str, int]) -> None:
    """Credit requests, survey answers and credentials: decisions and figures stay, texts go. A credential
    is not touched beyond hiding the name on its public page: the signed document holds only a salted hash."""
    from erdem.credentials.models import Credential
    from erdem.insights.models import SurveyAnswer
    from erdem.recognition.models import RecognitionRequest, RequestCredential

    RecognitionRequest.objects.filter(person=person).update(message="", decision_reason="")
    RequestCredential.objects.filter(request__person=person).update(
        external_document={}, external_jwt="", verification={}
    )
    SurveyAnswer.objects.filter(response__invitation__person=person).exclude(text="").update(text="")
    counts["credentials_kept"] = Credential.objects.filter(person=person).update(show_name=False)


def person_erase(
    *, person: Person, actor: Person | None, deletion_request: DeletionRequest | None = None
) -> dict[str, int]:
    """Erase the person's personal data (see the module's docstring for what stays and why) and record
    it in the audit log. Returns what was removed, in figures."""
    from erdem.audit.models import AuditAction
    from erdem.audit.services import audit_record

    counts: dict[str, int] = {"staff_import_rows_scrubbed": 0}
    old_email = person.email.lower()
    with transaction.atomic():
        _erase_sign_in(person, old_email, counts)
        _erase_learning(person, counts)
        _erase_cascade(person, counts)
        _erase_portfolio(person, counts)
        _erase_records(person, counts)
        _erase_people(person, counts, old_email)
        audit_record(
            action=AuditAction.DATA_DELETE,
            actor=actor,
            subject=person,
            target=deletion_request if deletion_request is not None else person,
            summary="Personal data erased at the person's request",
            details=counts,
        )
    return counts


# --- retention -------------------------------------------------------------------------------------------


def _model_or_none(label: str) -> type[models.Model] | None:
    """An optional app's model (the sign-in throttling's), None when the app is not installed."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _closed_cohort_submission_files(cutoff: dt.datetime) -> models.QuerySet[Any]:
    """Files of reviewed submissions handed in before `cutoff` by members of cohorts that closed before it:
    made before it and with no workshop ending after it."""
    from erdem.assignments.models import Submission, SubmissionFile
    from erdem.learning.models import Cohort, Enrolment

    closed = Cohort.objects.filter(created_at__lt=cutoff).exclude(workshops__ends_at__gte=cutoff)
    membership = Enrolment.objects.filter(
        cohort__in=closed,
        person_id=OuterRef("submission__person_id"),
        course_id=OuterRef("submission__assignment__lesson__module__course_id"),
    )
    return (
        SubmissionFile.objects.filter(submission__submitted_at__lt=cutoff)
        .exclude(submission__status=Submission.Status.SUBMITTED)
        .filter(Exists(membership))
    )


def retention_apply(*, dry_run: bool = False, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete what has been kept long enough (settings.ERDEM_RETENTION_*; 0 keeps) and carry out deletion
    requests past their deadline. Returns the number of rows per kind (what would go, with `dry_run`).
    The audit log is never purged."""
    from django.contrib.sessions.models import Session
    from django_tasks_db.models import DBTaskResult

    from erdem.jobs.models import Job

    now = now or timezone.now()
    counts: dict[str, int] = {}

    def purge(name: str, queryset: models.QuerySet[Any], file_field: str | None = None) -> None:
        counts[name] = queryset.count()
        if dry_run or not counts[name]:
            return
        if file_field is not None:
            stored = [getattr(row, file_field) for row in queryset.only("pk", file_field)]
            _storage_delete([field for field in stored if field])
        queryset.delete()

    with transaction.atomic():
        purge("data_exports_expired", DataExport.objects.filter(expires_at__lte=now), "file")
        if days := settings.ERDEM_RETENTION_JOB_DAYS:
            cutoff = now - dt.timedelta(days=days)
            purge("jobs", Job.objects.filter(finished_at__lt=cutoff))
            purge("job_task_rows", DBTaskResult.objects.filter(finished_at__lt=cutoff))
        if days := settings.ERDEM_RETENTION_SIGN_IN_DAYS:
            cutoff = now - dt.timedelta(days=days)
            for label in SIGN_IN_MODELS:
                attempts = _model_or_none(label)
                if attempts is not None:
                    purge(
                        f"sign_in_{attempts._meta.model_name}",
                        attempts._default_manager.filter(attempt_time__lt=cutoff),
                    )
        if apps.is_installed("django_otp.plugins.otp_totp"):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            # Set-ups begun and never confirmed (each session that opens the set-up page starts its own).
            purge(
                "two_factor_setups_abandoned",
                TOTPDevice.objects.filter(confirmed=False, created_at__lt=now - dt.timedelta(days=1)),
            )
        if days := settings.ERDEM_RETENTION_SESSION_DAYS:
            purge("sessions_expired", Session.objects.filter(expire_date__lt=now - dt.timedelta(days=days)))
        if years := settings.ERDEM_RETENTION_SUBMISSION_FILE_YEARS:
            cutoff = now - dt.timedelta(days=365 * years)
            purge("submission_files", _closed_cohort_submission_files(cutoff), "file")
    overdue = list(deletion_requests_overdue(now=now))
    counts["deletions_overdue"] = len(overdue)
    if not dry_run:
        for deletion_request in overdue:
            deletion_request_process(deletion_request=deletion_request, by=None, now=now)
    return counts
