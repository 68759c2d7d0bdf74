"""Writes for people: registration, e-mail confirmation, profiles and the staff invitation."""

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from erdem.access.models import Role, RoleAssignment
from erdem.audit.models import AuditAction
from erdem.audit.services import audit_record_many
from erdem.core.mail import email_render, emails_send
from erdem.jobs.models import Job
from erdem.jobs.services import JobError, job_enqueue, job_progress
from erdem.organisations.models import Institution
from erdem.people import imports
from erdem.people.models import ConsentKind, Person, StaffImport
from erdem.people.privacy_services import consent_history_write
from erdem.people.selectors import institutions_by_email, person_by_email
from erdem.programmes.selectors import programme_current

logger = logging.getLogger(__name__)

INVITE_BATCH_SIZE = 500


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Signed, expiring (PASSWORD_RESET_TIMEOUT) tokens that stop working once the address is confirmed."""

    key_salt = "erdem.people.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        confirmed = "" if user.email_confirmed_at is None else user.email_confirmed_at.isoformat()
        return f"{user.pk}{user.email}{confirmed}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()


def _absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _person_link(person: Person, url_name: str, token: str) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(person.pk))
    return _absolute_url(reverse(url_name, kwargs={"uidb64": uidb64, "token": token}))


def _email_build(*, person: Person, template: str, context: dict[str, Any]) -> EmailMessage:
    """A text and HTML message rendered in the person's own language, not the sender's."""
    return email_render(to=person, template=f"people/emails/{template}", context=context)


def _educator_role_grant(*, people: Iterable[Person], granted_by: Person | None = None) -> int:
    """The educator role in the current programme, when there is one."""
    programme = programme_current()
    if programme is None:
        return 0
    assignments = [
        RoleAssignment(person=person, role=Role.EDUCATOR, programme=programme, granted_by=granted_by)
        for person in people
    ]
    RoleAssignment.objects.bulk_create(assignments, batch_size=INVITE_BATCH_SIZE)
    if granted_by is not None:  # an institution's staff import; registering oneself is nobody's decision
        audit_record_many(
            action=AuditAction.ROLE_GRANT,
            actor=granted_by,
            items=((assignment.person, assignment) for assignment in assignments),
            summary="Role educator granted by a staff import",
            details={"role": Role.EDUCATOR, "programme": programme.pk},
        )
    return len(assignments)


def _duplicate_email_error() -> ValidationError:
    return ValidationError(
        {
            "email": ValidationError(
                _("An account with this e-mail address already exists. Log in, or reset your password."),
                code="duplicate_email",
            )
        }
    )


@transaction.atomic
def person_register(
    *,
    email: str,
    password: str,
    family_name: str,
    given_name: str,
    institution: Institution,
    consent: bool,
    family_name_latin: str = "",
    given_name_latin: str = "",
    name_traditional: str = "",
    department: str = "",
    discipline: str = "",
    academic_position: str = "",
    gender: str = "",
    preferred_language: str = settings.LANGUAGE_CODE,
    low_bandwidth: bool = False,
) -> Person:
    """Create an educator's account, unconfirmed until they follow the link e-mailed to them."""
    if not consent:
        raise ValidationError(
            {"consent": ValidationError(_("You need to agree to the terms to register."), code="required")}
        )
    email = email.strip().lower()
    if Person.objects.filter(email__iexact=email).exists():
        raise _duplicate_email_error()
    person = Person.objects.create_user(
        email=email,
        password=password,
        family_name=family_name,
        given_name=given_name,
        family_name_latin=family_name_latin,
        given_name_latin=given_name_latin,
        name_traditional=name_traditional,
        institution=institution,
        department=department,
        discipline=discipline,
        academic_position=academic_position,
        gender=gender,
        preferred_language=preferred_language,
        low_bandwidth=low_bandwidth,
        consent_at=timezone.now(),
        consent_version=settings.ERDEM_CONSENT_VERSION,
    )
    consent_history_write(person=person, kind=ConsentKind.TERMS, given=True, at=person.consent_at)
    _educator_role_grant(people=[person])
    person_confirmation_send(person=person)
    return person


def person_register_request(*, email: str, password: str, consent: bool, **fields: Any) -> Person | None:
    """Registration as the public form asks for it: the new account, or None when the address already has one.

    On a taken address nothing is created or changed; the account holder is told by e-mail that someone
    tried to register with it. The caller answers both cases alike, so that the form does not tell
    anyone which addresses have accounts.
    """
    if not consent:
        raise ValidationError(
            {"consent": ValidationError(_("You need to agree to the terms to register."), code="required")}
        )
    existing = person_by_email(email)
    if existing is None:
        try:
            return person_register(email=email, password=password, consent=consent, **fields)
        except ValidationError as error:
            if not any(e.code == "duplicate_email" for e in getattr(error, "error_dict", {}).get("email", [])):
                raise
            existing = person_by_email(email)  # registered in the meantime
            if existing is None:
                raise
    make_password(password)  # the work a new account costs, so that the answer takes as long
    person_registration_attempt_notify(person=existing)
    return None


def person_registration_attempt_notify(*, person: Person) -> None:
    """Tell the holder of an account that someone tried to register with its address."""
    context = {
        "login_link": _absolute_url(reverse("people:login")),
        "reset_link": _absolute_url(reverse("people:password_reset")),
    }
    message = _email_build(person=person, template="already_registered", context=context)
    transaction.on_commit(lambda: emails_send([message]))


def person_confirmation_send(*, person: Person) -> None:
    """E-mail the confirmation link once the surrounding transaction has committed."""
    if person.email_confirmed_at is not None:
        return
    link = _person_link(person, "people:confirm_email", email_confirmation_token.make_token(person))
    message = _email_build(person=person, template="confirm_email", context={"link": link})
    transaction.on_commit(lambda: emails_send([message]))


def person_confirm_email(*, person: Person, consent_given: bool = False) -> Person:
    """Record that the person controls their e-mail address, and their consent when they give it here.

    People invited by their institution give consent when they first choose a password.
    Idempotent: an earlier confirmation or consent is kept as it was.
    """
    fields = []
    now = timezone.now()
    if person.email_confirmed_at is None:
        person.email_confirmed_at = now
        fields.append("email_confirmed_at")
    if consent_given and person.consent_at is None:
        person.consent_at = now
        person.consent_version = settings.ERDEM_CONSENT_VERSION
        fields += ["consent_at", "consent_version"]
    if fields:
        person.save(update_fields=fields)
    if "consent_at" in fields:
        consent_history_write(person=person, kind=ConsentKind.TERMS, given=True, at=now)
    return person


PROFILE_FIELDS = (
    "family_name",
    "given_name",
    "family_name_latin",
    "given_name_latin",
    "name_traditional",
    "department",
    "discipline",
    "academic_position",
    "gender",
    "preferred_language",
    "low_bandwidth",
)


def person_update_profile(*, person: Person, **changes: Any) -> Person:
    """Save the changed profile fields only; keys outside PROFILE_FIELDS are refused."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {', '.join(sorted(unknown))}")
    changed = [name for name, value in changes.items() if getattr(person, name) != value]
    for name in changed:
        setattr(person, name, changes[name])
    if changed:
        person.save(update_fields=changed)
    return person


def person_update_preferences(
    *, person: Person | Any, preferred_language: str | None = None, low_bandwidth: bool | None = None
) -> Person:
    fields = []
    if preferred_language is not None and person.preferred_language != preferred_language:
        person.preferred_language = preferred_language
        fields.append("preferred_language")
    if low_bandwidth is not None and person.low_bandwidth != low_bandwidth:
        person.low_bandwidth = low_bandwidth
        fields.append("low_bandwidth")
    if fields:
        person.save(update_fields=fields)
    return person


def staff_import_create(*, institution: Institution, uploaded_by: Person, file: UploadedFile) -> StaffImport:
    """Read and check an uploaded staff list and keep it for the coordinator to review.

    Nothing is written when the file as a whole is unusable (ValidationError).
    """
    max_bytes = settings.ERDEM_IMPORT_MAX_BYTES
    if file.size is not None and file.size > max_bytes:
        raise imports.too_large_error(size=file.size, limit=max_bytes)  # before reading it into memory
    data = file.read(max_bytes + 1)
    table = imports.read_table(
        data=data, max_rows=settings.ERDEM_IMPORT_MAX_ROWS, max_bytes=max_bytes, name=file.name or ""
    )
    columns = imports.map_columns(table.headers)
    records = imports.rows_as_records(table, columns)
    emails = {str(record["values"]["email"]).strip().lower() for record in records} - {""}
    existing = institutions_by_email(emails)
    report = imports.validate_records(records, institution_id=institution.pk, existing=existing)
    return StaffImport.objects.create(
        institution=institution,
        uploaded_by=uploaded_by,
        file_name=(file.name or "")[:255],
        file_format=table.file_format,
        rows=records,
        report=report,
        ignored_columns=columns.ignored,
        **_report_counts(report),
    )


def _report_counts(report: list[dict[str, Any]]) -> dict[str, int]:
    statuses = [row["status"] for row in report]
    return {
        "invite_count": statuses.count(StaffImport.RowStatus.INVITE),
        "member_count": statuses.count(StaffImport.RowStatus.MEMBER),
        "error_count": statuses.count(StaffImport.RowStatus.ERROR),
    }


STAFF_IMPORT_OPEN = (StaffImport.Status.PREVIEW, StaffImport.Status.FAILED)


def staff_import_recount(*, staff_import: StaffImport) -> StaffImport:
    """Bring an import not sent yet up to date with the people registered since its upload.

    A later upload may have invited some of its rows already: they count as members now,
    so the preview and its button show who would really be invited. Saves only a change.
    """
    if staff_import.status not in STAFF_IMPORT_OPEN:
        return staff_import
    emails = {row["values"]["email"] for row in staff_import.report if row["status"] == StaffImport.RowStatus.INVITE}
    existing = institutions_by_email(emails)
    if not existing:
        return staff_import
    staff_import.report = imports.report_recount(
        staff_import.report, institution_id=staff_import.institution_id, existing=existing
    )
    for name, value in _report_counts(staff_import.report).items():
        setattr(staff_import, name, value)
    staff_import.save(update_fields=["report", "invite_count", "member_count", "error_count"])
    return staff_import


def staff_import_commit(*, staff_import: StaffImport, by: Person) -> Job:
    """Queue the invitations of a reviewed import; asking twice returns the job already queued."""
    from erdem.people.tasks import staff_import_invite  # the task module imports this one

    with transaction.atomic():
        locked = StaffImport.objects.select_for_update().get(pk=staff_import.pk)
        if locked.status in (StaffImport.Status.QUEUED, StaffImport.Status.DONE) and locked.job_id:
            return Job.objects.get(pk=locked.job_id)
        staff_import_recount(staff_import=locked)
        job = job_enqueue(
            task=staff_import_invite,
            kind=Job.Kind.STAFF_INVITATION,
            started_by=by,
            total=locked.invite_count,
            staff_import_id=locked.pk,
        )
        locked.status = StaffImport.Status.QUEUED
        locked.job = job
        locked.save(update_fields=["status", "job"])
    staff_import.status, staff_import.job = locked.status, job
    return job


def staff_import_run(*, staff_import_id: int, job: Job) -> dict[str, Any]:
    """Create every person to invite in one transaction (all or nothing), then e-mail them.

    Progress counts the invitations sent: the people are created inside one transaction,
    invisible to anyone else until it commits, so there is nothing to show before. The
    e-mails go out only after the people are committed, in batches, and the progress bar
    moves with each batch. Idempotent: a finished import is not run again, and addresses
    registered since the preview are skipped rather than duplicated.
    """
    try:
        with transaction.atomic():
            staff_import = (
                StaffImport.objects.select_for_update(of=("self",))
                .select_related("uploaded_by", "institution")
                .get(pk=staff_import_id)
            )
            if staff_import.status == StaffImport.Status.DONE:
                raise JobError(_("These invitations were already sent."))
            created = _staff_import_create_people(staff_import=staff_import)
            staff_import.status = StaffImport.Status.DONE
            staff_import.finished_at = timezone.now()
            staff_import.save(update_fields=["status", "finished_at"])
    except JobError:
        raise
    except Exception:
        StaffImport.objects.filter(pk=staff_import_id).update(status=StaffImport.Status.FAILED)
        raise
    total = len(created)
    job_progress(job=job, done=0, total=total)
    for start in range(0, total, INVITE_BATCH_SIZE):
        batch = created[start : start + INVITE_BATCH_SIZE]
        emails_send(
            [
                _invitation_build(person=person, inviter=staff_import.uploaded_by, institution=staff_import.institution)
                for person in batch
            ]
        )
        job_progress(job=job, done=start + len(batch))
    skipped = len(staff_import.report) - total
    return {
        "invited": total,
        "skipped": skipped,
        "staff_import": staff_import.pk,
        "next_url": reverse("people:staff_import_detail", args=[staff_import.pk]),
    }


def _staff_import_create_people(*, staff_import: StaffImport) -> list[Person]:
    rows = [row for row in staff_import.report if row["status"] == StaffImport.RowStatus.INVITE]
    emails = {row["values"]["email"] for row in rows}
    registered_since = set(institutions_by_email(emails))
    to_create = [row for row in rows if row["values"]["email"] not in registered_since]
    created: list[Person] = []
    for start in range(0, len(to_create), INVITE_BATCH_SIZE):
        batch = [
            Person(
                **{column: row["values"][column] for column in imports.COLUMNS},
                institution_id=staff_import.institution_id,
                password=make_password(None),
            )
            for row in to_create[start : start + INVITE_BATCH_SIZE]
        ]
        created.extend(Person.objects.bulk_create(batch))
    _educator_role_grant(people=created, granted_by=staff_import.uploaded_by)
    return created


def _invitation_build(*, person: Person, inviter: Person | None, institution: Institution) -> EmailMessage:
    link = _person_link(person, "people:password_reset_confirm", default_token_generator.make_token(person))
    return _email_build(
        person=person, template="invitation", context={"link": link, "inviter": inviter, "institution": institution}
    )


def sessions_end(*, person: Person, keep: str | None = None) -> int:
    """End the person's sign-ins everywhere but the session `keep` (a session key); how many ended.
    The database keeps sessions by key only, so the person's are found by reading the live ones."""
    from django.contrib.sessions.models import Session

    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500)
        if session.pk != keep and str(session.get_decoded().get("_auth_user_id", "")) == str(person.pk)
    ]
    return Session.objects.filter(pk__in=ended).delete()[0]
