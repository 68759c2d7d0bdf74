"""The demo's workshops: spread across the regions, and consistent with the completions."""

from typing import Any

import pytest
from django.db.models import Count

from erdem.demo.services import demo_load
from erdem.learning.completion import workshops_attended
from erdem.learning.models import Enrolment
from erdem.workshops.models import Attendance, AttendanceMark, Registration, Workshop


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Any:
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load(educators=400, institutions=20)
        transaction.set_rollback(True)


def test_workshops_cover_most_regions_in_both_modes(demo: Any, db: None) -> None:
    result = demo
    in_person_regions = set(
        Workshop.objects.filter(mode=Workshop.Mode.IN_PERSON, region__isnull=False).values_list("region", flat=True)
    )
    assert len(in_person_regions) >= 15
    assert Workshop.objects.filter(mode=Workshop.Mode.ONLINE).exists()
    assert result.counts["workshops"] == Workshop.objects.count()
    assert Registration.objects.filter(status="waitlisted").exists()
    # Every workshop is led by people holding a trainer or master teacher role.
    assert not Workshop.objects.annotate(n=Count("trainers")).filter(n=0).exists()


def test_completed_cohort_members_attended_their_cohorts_workshops(demo: Any, db: None) -> None:
    in_cohorts = list(Enrolment.objects.filter(cohort__isnull=False))
    assert in_cohorts and Workshop.objects.filter(cohort__isnull=False, counts_for_completion=True).exists()
    completed = [e for e in in_cohorts if e.completed_at is not None]
    assert completed
    for enrolment in completed:
        progress = workshops_attended(enrolment)
        assert progress.complete and progress.required == 2, enrolment
    # Cohort workshops took place before the first completion in the cohort.
    for workshop in Workshop.objects.filter(cohort__isnull=False):
        first = min(e.completed_at for e in completed if e.cohort_id == workshop.cohort_id and e.completed_at)
        assert workshop.ends_at <= first


def test_the_mark_log_matches_the_current_attendance(demo: Any, db: None) -> None:
    assert Attendance.objects.count() == AttendanceMark.objects.count() > 0
    current = set(Attendance.objects.values_list("workshop_id", "person_id", "status", "source"))
    logged = set(AttendanceMark.objects.values_list("workshop_id", "person_id", "status", "source"))
    assert current == logged


def test_the_demo_trainer_leads_a_workshop_today(demo: Any, db: None) -> None:
    result = demo
    trainer = result.logins["trainer"]
    from django.utils import timezone

    today = timezone.localtime().date()
    led = Workshop.objects.filter(trainers__email=trainer)
    assert any(timezone.localtime(w.starts_at).date() == today for w in led)
