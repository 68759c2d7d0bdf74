"""Retention: what `manage.py retention_apply` deletes, what it keeps, and its dry run."""

import datetime as dt
import io
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from erdem.assignments.models import SubmissionFile
from erdem.audit.models import AuditAction, AuditEvent
from erdem.audit.services import audit_record
from erdem.jobs.models import Job
from erdem.learning.models import Cohort
from erdem.people.models import DataExport
from erdem.people.privacy_services import retention_apply
from erdem.people.tests.factories import make_person
from erdem.people.tests.privacy_world import person_everywhere
from erdem.workshops.tests.factories import workshop_build

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = dt.timedelta(days=1)


def old_records(settings):
    """One record of each kind just past its retention period, and one just inside it."""
    person = make_person()
    records: dict[str, Any] = {}
    for name, expires in (("expired", NOW - DAY), ("current", NOW + DAY)):
        export = DataExport.objects.create(person=person, expires_at=expires, ready_at=NOW - 2 * DAY)
        export.file.save(f"{name}.zip", ContentFile(b"PK"), save=True)
        records[f"export_{name}"] = export
    job_days = dt.timedelta(days=settings.ERDEM_RETENTION_JOB_DAYS)
    for name, finished in (("old", NOW - job_days - DAY), ("recent", NOW - job_days + DAY)):
        records[f"job_{name}"] = Job.objects.create(
            kind=Job.Kind.DATA_EXPORT, status=Job.Status.SUCCEEDED, finished_at=finished
        )
    records["job_running"] = Job.objects.create(kind=Job.Kind.DATA_EXPORT, status=Job.Status.RUNNING)
    session_days = dt.timedelta(days=settings.ERDEM_RETENTION_SESSION_DAYS)
    for name, expiry in (("old", NOW - session_days - DAY), ("live", NOW + DAY)):
        store = SessionStore()
        store.create()
        Session.objects.filter(pk=store.session_key).update(expire_date=expiry)
        records[f"session_{name}"] = Session.objects.get(pk=store.session_key)
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt

        sign_in_days = dt.timedelta(days=settings.ERDEM_RETENTION_SIGN_IN_DAYS)
        for name, at in (("old", NOW - sign_in_days - DAY), ("recent", NOW - DAY)):
            attempt = AccessAttempt.objects.create(
                username=f"{name}@example.mn", ip_address="127.0.0.1", path_info="/", failures_since_start=1
            )
            AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=at)
            records[f"sign_in_{name}"] = attempt
    audit_record(action=AuditAction.SECURITY, summary="An old event")
    return records


def exists(record) -> bool:
    return type(record).objects.filter(pk=record.pk).exists()


def test_a_dry_run_counts_and_deletes_nothing(settings):
    records = old_records(settings)
    output = io.StringIO()
    call_command("retention_apply", "--dry-run", stdout=output)
    assert "data_exports_expired: would delete 1" in output.getvalue()
    assert "jobs: would delete 1" in output.getvalue()
    assert "sessions_expired: would delete 1" in output.getvalue()
    assert all(exists(record) for record in records.values())


def test_records_past_their_period_are_deleted_and_the_audit_log_is_kept(settings, django_capture_on_commit_callbacks):
    records = old_records(settings)
    expired_file = records["export_expired"].file.name
    events = AuditEvent.objects.count()
    output = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retention_apply", stdout=output)
    assert "data_exports_expired: deleted 1" in output.getvalue()
    gone = {name for name, record in records.items() if not exists(record)}
    expected = {"export_expired", "job_old", "session_old"} | ({"sign_in_old"} if apps.is_installed("axes") else set())
    assert gone == expected
    assert not default_storage.exists(expired_file)
    assert default_storage.exists(records["export_current"].file.name)
    assert AuditEvent.objects.count() == events


def test_zero_keeps_the_records(settings):
    settings.ERDEM_RETENTION_JOB_DAYS = 0
    settings.ERDEM_RETENTION_SESSION_DAYS = 0
    settings.ERDEM_RETENTION_SIGN_IN_DAYS = 0
    settings.ERDEM_RETENTION_SUBMISSION_FILE_YEARS = 0
    records = old_records(settings)
    counts = retention_apply()
    assert set(counts) == {"data_exports_expired", "two_factor_setups_abandoned", "deletions_overdue"}
    assert exists(records["job_old"]) and exists(records["session_old"])


def test_submission_files_go_years_after_their_cohort_closed(settings, django_capture_on_commit_callbacks):
    settings.ERDEM_RETENTION_SUBMISSION_FILE_YEARS = 2
    world = person_everywhere()
    submission_file = SubmissionFile.objects.get(submission__person=world.person)
    cohort = Cohort.objects.get(course=world.course)
    later = NOW + dt.timedelta(days=3 * 365)
    # The cohort held a workshop a year ago (from `later`): it is not closed yet.
    workshop_build(course=world.course, cohort=cohort, starts_at=later - dt.timedelta(days=365))
    assert retention_apply(dry_run=True, now=later)["submission_files"] == 0
    cohort.workshops.filter(starts_at__gt=NOW).delete()
    assert retention_apply(dry_run=True, now=NOW)["submission_files"] == 0  # handed in just now
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_apply(now=later)["submission_files"] == 1
    assert not SubmissionFile.objects.filter(pk=submission_file.pk).exists()
    assert not default_storage.exists(submission_file.file.name)
    assert world.person.submissions.get().status == "approved"


def test_two_factor_set_ups_left_for_a_day_go(admin_with_setups):
    confirmed, fresh, _abandoned = admin_with_setups
    assert retention_apply()["two_factor_setups_abandoned"] == 1
    assert list(TOTPDevice.objects.order_by("pk")) == [confirmed, fresh]


@pytest.fixture
def admin_with_setups():
    person = make_person()
    confirmed = TOTPDevice.objects.create(user=person, name="authenticator", confirmed=True)
    fresh = TOTPDevice.objects.create(user=person, name="authenticator", confirmed=False)
    abandoned = TOTPDevice.objects.create(user=person, name="authenticator", confirmed=False)
    old = timezone.now() - dt.timedelta(days=2)
    TOTPDevice.objects.filter(pk__in=[confirmed.pk, abandoned.pk]).update(created_at=old)
    return confirmed, fresh, abandoned
