"""The demo's cascade agrees with its records: appointments on the existing roles, a lineage that follows
the workshops, cohorts and mentors, that starts at the master teachers and never goes round in a circle,
a few regions without a trainer, mentors within their capacity, and nominations waiting and decided."""

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from django.utils import timezone

from erdem.access.models import Role, RoleAssignment
from erdem.cascade.demo import FIRST_TRAINERS_REASON
from erdem.cascade.models import (
    Appointment,
    LineageNode,
    MentorAssignment,
    MentoringFeedback,
    MentoringSession,
    Nomination,
    Tier,
)
from erdem.cascade.selectors import region_table
from erdem.demo.services import APPOINTED_ON, DemoSize, demo_load
from erdem.learning.models import Cohort, Enrolment
from erdem.people.models import Person
from erdem.workshops.models import Attendance, Workshop

pytestmark = pytest.mark.django_db

SIZE = {"educators": 120, "institutions": 8}
TIER_ROLE = {Tier.MASTER_TEACHER: Role.MASTER_TEACHER, Tier.REGIONAL_TRAINER: Role.TRAINER, Tier.MENTOR: Role.MENTOR}


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Any:
    """A small demo, loaded once for this module and rolled back afterwards."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load(**SIZE)
        transaction.set_rollback(True)


def cascade_delete() -> None:
    """The cascade's rows protect the people and roles they name: remove them before the demo's own."""
    MentorAssignment.objects.all().delete()
    Appointment.objects.all().delete()
    Nomination.objects.all().delete()
    LineageNode.objects.all().delete()


def test_the_same_seed_gives_the_same_cascade() -> None:
    """First in the module: the shared demo below is not loaded yet."""

    def cascade() -> tuple[list[tuple[str, str | None]], list[tuple[str, str, dt.date]]]:
        email = dict(Person.objects.values_list("pk", "email"))
        lineage = sorted((email[n.person_id], email.get(n.trainer_id)) for n in LineageNode.objects.all())
        sessions = sorted(
            (email[s.assignment.mentor_id], email[s.assignment.mentee_id], s.held_on)
            for s in MentoringSession.objects.select_related("assignment")
        )
        return lineage, sessions

    demo_load(educators=60, institutions=5)
    first = cascade()
    from erdem.demo.tests.test_services import demo_delete

    cascade_delete()
    demo_delete()
    demo_load(educators=60, institutions=5)
    assert cascade() == first


def nodes() -> dict[int, LineageNode]:
    return {node.person_id: node for node in LineageNode.objects.all()}


def masters() -> set[int]:
    return set(Appointment.objects.filter(tier=Tier.MASTER_TEACHER).values_list("person_id", flat=True))


def test_every_cascade_role_has_one_appointment_on_that_role(demo: Any, db: None) -> None:
    size = DemoSize(**SIZE)
    roles = RoleAssignment.objects.filter(role__in=TIER_ROLE.values())
    assert roles.count() == size.master_teachers + size.trainers + size.mentors  # no role added
    appointments = Appointment.objects.select_related("role_assignment")
    assert appointments.count() == roles.count() == demo.counts["appointments"]
    for appointment in appointments:
        role = appointment.role_assignment
        assert (role.person_id, role.role) == (appointment.person_id, TIER_ROLE[Tier(appointment.tier)])
        assert appointment.starts_on == APPOINTED_ON[Role(role.role)].date()
        assert appointment.term_ends_on > appointment.starts_on
        assert (appointment.term_ends_on.year - appointment.starts_on.year) % 2 == 0
        assert (appointment.ended_at is None) == (role.ended_at is None)
        if appointment.ended_at is None:
            assert appointment.term_ends_on >= timezone.localdate()
    for appointment in appointments.filter(tier=Tier.MASTER_TEACHER):
        assert [check["met"] for check in appointment.prerequisites] == [True]
    for appointment in appointments.filter(tier=Tier.REGIONAL_TRAINER):
        assert list(appointment.regions.all()) == [appointment.role_assignment.region]
    for appointment in appointments.exclude(tier=Tier.MASTER_TEACHER):
        checks = appointment.prerequisites
        if not checks[0]["met"]:
            assert checks[-1] == {"requirement": "override", "label": FIRST_TRAINERS_REASON, "met": True}
    for appointment in appointments.filter(tier=Tier.MENTOR):
        assert appointment.mentee_capacity == 8
        assert list(appointment.institutions.all()) == [appointment.role_assignment.institution]
    # Most of the first trainers do not hold the micro-certificate: the reason is recorded.
    assert any(check["requirement"] == "override" for a in appointments for check in a.prerequisites)


def test_every_node_traces_to_a_master_teacher_without_a_cycle(demo: Any, db: None) -> None:
    lineage = nodes()
    roots = masters()
    assert lineage and len(lineage) == demo.counts["lineage"]
    for person_id, node in lineage.items():
        ids = [int(part) for part in node.path.strip("/").split("/")]
        assert len(ids) == len(set(ids)), node.path
        assert ids[-1] == person_id
        assert ids[0] == node.root_id
        assert node.root_id in roots
        assert node.depth == len(ids) - 1
        if node.depth == 0:
            assert node.trainer_id is None and person_id in roots
        else:
            assert node.trainer_id == ids[-2]
            assert lineage[node.trainer_id].path + f"{person_id}/" == node.path
    assert {person_id for person_id, node in lineage.items() if node.depth == 0} == roots


def test_regional_trainers_sit_below_master_teachers_spread_evenly(demo: Any, db: None) -> None:
    lineage = nodes()
    roots = masters()
    trainers = set(Appointment.objects.filter(tier=Tier.REGIONAL_TRAINER).values_list("person_id", flat=True))
    per_master: dict[int, int] = defaultdict(int)
    for person_id in trainers:
        assert lineage[person_id].trainer_id in roots
        master_id = lineage[person_id].trainer_id
        assert master_id is not None
        per_master[master_id] += 1
    spread = [per_master[master_id] for master_id in roots]
    assert sum(spread) == len(trainers)
    assert max(spread) - min(spread) <= 1


def test_educators_sit_below_who_trained_them(demo: Any, db: None) -> None:
    lineage = nodes()
    cascade = set(
        Appointment.objects.filter(tier__in=(Tier.MASTER_TEACHER, Tier.REGIONAL_TRAINER)).values_list(
            "person_id", flat=True
        )
    )
    attended: dict[int, set[int]] = defaultdict(set)
    for person_id, workshop_id in Attendance.objects.filter(status__in=("present", "late")).values_list(
        "person_id", "workshop_id"
    ):
        attended[person_id].add(workshop_id)
    led: dict[int, set[int]] = defaultdict(set)
    for workshop_id, person_id in Workshop.trainers.through.objects.values_list("workshop_id", "person_id"):
        led[person_id].add(workshop_id)
    cohort_trainers: dict[int, set[int]] = defaultdict(set)
    for cohort_id, person_id in Cohort.trainers.through.objects.values_list("cohort_id", "person_id"):
        cohort_trainers[cohort_id].add(person_id)
    cohort_of: dict[int, set[int]] = defaultdict(set)
    for person_id, cohort_id in Enrolment.objects.filter(cohort__isnull=False).values_list("person_id", "cohort_id"):
        cohort_of[person_id] |= cohort_trainers[cohort_id]
    mentor_of = dict(MentorAssignment.objects.values_list("mentee_id", "mentor_id"))
    checked = 0
    for person_id, workshops in attended.items():
        if person_id in cascade:
            continue
        node = lineage.get(person_id)
        assert node is not None, person_id
        trainer = node.trainer_id
        assert trainer is not None
        assert led[trainer] & workshops or trainer in cohort_of[person_id] or mentor_of.get(person_id) == trainer
        checked += 1
    assert checked > 10
    # The earliest workshop decides.
    for node in LineageNode.objects.filter(source=LineageNode.Source.WORKSHOP, workshop__isnull=False):
        earliest = (
            Attendance.objects.filter(person_id=node.person_id, status__in=("present", "late"))
            .order_by("workshop__starts_at")
            .values_list("workshop__starts_at", flat=True)
            .first()
        )
        assert node.trained_at == earliest


def test_some_regions_have_no_active_trainer(demo: Any, db: None) -> None:
    rows = [row for row in region_table(programme=demo.programme) if row.teachers]
    gaps = [row for row in rows if row.active_trainers == 0]
    assert 1 <= len(gaps) == demo.counts["cascade_gaps"] <= 3
    assert all(row.region.kind == "aimag" and row.gap for row in gaps)
    assert any(row.active_trainers > 0 for row in rows)
    # The trainers who left are recorded with the reason; their later workshops are led by a master teacher.
    ended = Appointment.objects.filter(ended_at__isnull=False)
    assert ended.exists() and not ended.filter(end_reason="").exists()
    assert set(ended.values_list("tier", flat=True)) == {Tier.REGIONAL_TRAINER}
    gap_regions = {row.region.pk for row in gaps}
    for appointment in Appointment.objects.filter(ended_at__isnull=True).exclude(tier=Tier.MENTOR):
        assert not gap_regions & set(appointment.regions.values_list("pk", flat=True))
        assert appointment.regions.exists()  # trainers their region, master teachers the regions they answer for
    assert all(appointment.ended_at is not None and appointment.ended_at < timezone.now() for appointment in ended)
    for appointment in ended:
        later = Workshop.objects.filter(trainers=appointment.person, starts_at__gt=appointment.ended_at)
        assert not later.exists()
    # The demo logins keep their roles.
    for email in demo.logins.values():
        assert not RoleAssignment.objects.filter(person__email=email, ended_at__isnull=False).exists()


def test_mentors_have_mentees_within_capacity_and_sessions_in_the_past(demo: Any, db: None) -> None:
    today = timezone.localdate()
    counts: dict[int, int] = defaultdict(int)
    for pair in MentorAssignment.objects.filter(ended_at__isnull=True):
        counts[pair.mentor_id] += 1
    capacity = dict(Appointment.objects.filter(tier=Tier.MENTOR).values_list("person_id", "mentee_capacity"))
    assert counts and set(counts) <= set(capacity)
    for mentor_id, taken in counts.items():
        assert 1 <= taken <= capacity[mentor_id]
    assert max(counts.values()) >= 3
    institution_of = dict(Person.objects.values_list("pk", "institution__region_id"))
    for pair in MentorAssignment.objects.all():
        assert institution_of[pair.mentee_id] == institution_of[pair.mentor_id]  # the same region
    sessions = MentoringSession.objects.select_related("assignment")
    assert sessions.count() == demo.counts["mentoring_sessions"] > 0
    for session in sessions:
        assert timezone.localtime(session.assignment.started_at).date() <= session.held_on <= today
        assert session.logged_by_id in (session.assignment.mentor_id, session.assignment.mentee_id)
        assert session.topics
    per_pair: dict[int, int] = defaultdict(int)
    for session in sessions:
        per_pair[session.assignment_id] += 1
    assert max(per_pair.values()) <= 6
    for feedback in MentoringFeedback.objects.all():
        assert 1 <= feedback.rating <= 5


def test_nominations_wait_or_were_declined_with_a_reason(demo: Any, db: None) -> None:
    nominations = Nomination.objects.all()
    assert nominations.filter(status=Nomination.Status.PENDING).exists()
    assert nominations.filter(status=Nomination.Status.DECLINED).exists()
    assert not nominations.filter(status=Nomination.Status.APPROVED).exists()  # no role added to the demo
    trainers = set(Appointment.objects.filter(tier=Tier.REGIONAL_TRAINER).values_list("person_id", flat=True))
    for nomination in nominations:
        assert nomination.nominated_by_id in trainers
        assert LineageNode.objects.get(person=nomination.nominee).trainer_id == nomination.nominated_by_id
        assert nomination.nominated_at < timezone.now()
        if nomination.status == Nomination.Status.DECLINED:
            assert nomination.decision_reason
            assert nomination.decided_at is not None and nomination.decided_at > nomination.nominated_at


def test_rebuilding_from_the_records_changes_nothing(demo: Any, db: None) -> None:
    from erdem.cascade.services import lineage_build

    counts = lineage_build(programme=demo.programme, dry_run=True)
    assert (counts["created"], counts["updated"], counts["cycles"], counts["unplaced"], counts["removed"]) == (
        0,
        0,
        0,
        0,
        0,
    )
