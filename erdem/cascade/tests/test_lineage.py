"""The lineage: attaching, moving a branch (never in a circle), and building it from the records."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from erdem.cascade.models import LineageNode, Tier
from erdem.cascade.services import CascadeError, lineage_attach, lineage_build, lineage_move, mentor_assign
from erdem.cascade.tests.factories import appoint
from erdem.catalog.tests.factories import course_build
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.workshops.models import Attendance, AttendanceSource, AttendanceStatus, Workshop
from erdem.workshops.tests.factories import workshop_build

pytestmark = pytest.mark.django_db

WORKSHOP = LineageNode.Source.WORKSHOP


@pytest.fixture
def programme():
    return ProgrammeFactory()


def node(programme, person: Person) -> LineageNode:
    return LineageNode.objects.get(programme=programme, person=person)


def attach(programme, person: Person, trainer: Person | None) -> LineageNode:
    source = WORKSHOP if trainer else LineageNode.Source.APPOINTMENT
    return lineage_attach(programme=programme, person=person, trainer=trainer, source=source)


# --- the services --------------------------------------------------------------------------------------------


def test_attach_builds_the_path_depth_and_root(programme):
    m, t, e = make_person(), make_person(), make_person()
    attach(programme, m, None)
    attach(programme, t, m)
    placed = attach(programme, e, t)
    assert (placed.path, placed.depth, placed.root_id, placed.trainer_id) == (f"/{m.pk}/{t.pk}/{e.pk}/", 2, m.pk, t.pk)
    assert node(programme, m).path == f"/{m.pk}/" and node(programme, m).root_id == m.pk


def test_a_second_attach_keeps_the_first_trainer(programme):
    m, first, second, e = make_person(), make_person(), make_person(), make_person()
    attach(programme, m, None)
    attach(programme, first, m)
    attach(programme, second, m)
    attach(programme, e, first)
    again = attach(programme, e, second)
    assert again.trainer_id == first.pk and node(programme, e).trainer_id == first.pk
    assert LineageNode.objects.filter(programme=programme, person=e).count() == 1


def test_attach_refuses_oneself_and_a_trainer_outside_the_cascade(programme):
    m, outsider, e = make_person(), make_person(family_name="Гадна", given_name="Бат"), make_person()
    attach(programme, m, None)
    with pytest.raises(CascadeError, match="Nobody can be their own trainer"):
        attach(programme, e, e)
    with pytest.raises(CascadeError, match="Гадна Бат is not in the cascade yet"):
        attach(programme, e, outsider)


def test_the_same_person_has_a_place_in_each_programme(programme):
    other = ProgrammeFactory()
    m, e = make_person(), make_person()
    for each in (programme, other):
        attach(each, m, None)
        attach(each, e, m)
    assert LineageNode.objects.filter(person=e).count() == 2


def test_moving_refuses_a_circle_with_the_plain_message(programme):
    a = make_person(family_name="Алтан", given_name="Од")
    b = make_person(family_name="Болд", given_name="Сүх")
    m = make_person()
    attach(programme, m, None)
    attach(programme, a, m)
    attach(programme, b, a)  # A trained B
    with pytest.raises(CascadeError) as refused:
        lineage_move(programme=programme, person=a, trainer=b)  # ... and B trained A?
    assert refused.value.message == (
        "Болд Сүх was trained, directly or through others, by Алтан Од: the cascade cannot go round in a circle."
    )
    assert node(programme, a).trainer_id == m.pk  # nothing changed
    with pytest.raises(CascadeError):
        lineage_move(programme=programme, person=a, trainer=a)


def test_moving_a_branch_moves_every_descendant(programme):
    m1, m2 = make_person(), make_person()
    attach(programme, m1, None)
    attach(programme, m2, None)
    t = make_person()
    attach(programme, t, m1)
    e1, e2 = make_person(), make_person()
    attach(programme, e1, t)
    attach(programme, e2, t)
    f = make_person()
    attach(programme, f, e1)
    host = make_person()
    attach(programme, host, m2)

    moved = lineage_move(programme=programme, person=t, trainer=host)
    assert (moved.trainer_id, moved.source, moved.depth, moved.root_id) == (
        host.pk,
        LineageNode.Source.MANUAL,
        2,
        m2.pk,
    )
    assert moved.path == f"/{m2.pk}/{host.pk}/{t.pk}/"
    for person, depth, path in (
        (e1, 3, f"/{m2.pk}/{host.pk}/{t.pk}/{e1.pk}/"),
        (e2, 3, f"/{m2.pk}/{host.pk}/{t.pk}/{e2.pk}/"),
        (f, 4, f"/{m2.pk}/{host.pk}/{t.pk}/{e1.pk}/{f.pk}/"),
    ):
        placed = node(programme, person)
        assert (placed.depth, placed.path, placed.root_id) == (depth, path, m2.pk)
    assert node(programme, e1).trainer_id == t.pk  # only the moved person's trainer changes
    assert LineageNode.objects.filter(programme=programme, root=m1).count() == 1  # m1 alone


def test_moving_to_the_top_makes_a_root(programme):
    m, t, e = make_person(), make_person(), make_person()
    attach(programme, m, None)
    attach(programme, t, m)
    attach(programme, e, t)
    lineage_move(programme=programme, person=t, trainer=None)
    assert (node(programme, t).path, node(programme, t).depth, node(programme, t).root_id) == (f"/{t.pk}/", 0, t.pk)
    assert (node(programme, e).path, node(programme, e).depth, node(programme, e).root_id) == (
        f"/{t.pk}/{e.pk}/",
        1,
        t.pk,
    )


def test_moving_a_branch_leaves_a_path_prefix_of_another_person_alone(programme):
    """Person 1's branch is "/m/1/": moving it must not touch "/m/12/" (the trailing slash matters)."""
    m = make_person()
    attach(programme, m, None)
    people = [make_person() for _ in range(12)]
    for person in people:
        attach(programme, person, m)
    first = people[0]
    lookalike = next((p for p in people[1:] if str(p.pk).startswith(str(first.pk))), None)
    host = people[-1]
    lineage_move(programme=programme, person=first, trainer=host)
    for person in people[1:]:
        assert node(programme, person).depth == 1
    if lookalike is not None:
        assert node(programme, lookalike).path == f"/{m.pk}/{lookalike.pk}/"


# --- building from the records -------------------------------------------------------------------------------


def attended(workshop: Workshop, *people: Person, status: str = AttendanceStatus.PRESENT) -> None:
    for person in people:
        Attendance.objects.create(
            workshop=workshop, person=person, status=status, source=AttendanceSource.ROSTER, marked_at=timezone.now()
        )


def held(programme, course, day: int, *trainers: Person) -> Workshop:
    return workshop_build(
        course=course,
        programme=programme,
        trainers=list(trainers),
        starts_at=dt.datetime(2026, 2, day, 9, tzinfo=dt.UTC),
    )


@pytest.fixture
def records(programme):
    """Master teachers M1, M2; regional trainers R1 (attended M2's workshop after M1's), R2 (appointed by
    M1, no workshop), R3 (nobody known); educators taught by R1 and R2; one mentee of a mentor."""
    course = course_build(programme=programme, modules=1, lessons=1)
    m1 = appoint(programme=programme, tier=Tier.MASTER_TEACHER).person
    m2 = appoint(programme=programme, tier=Tier.MASTER_TEACHER).person
    r1 = appoint(programme=programme).person
    r2 = appoint(programme=programme, appointed_by=m1).person
    r3 = appoint(programme=programme).person
    LineageNode.objects.filter(programme=programme).exclude(depth=0).delete()
    first, later = held(programme, course, 3, m1), held(programme, course, 9, m2)
    attended(first, r1, status=AttendanceStatus.LATE)
    attended(later, r1)
    e1, e2, e3, absent = make_person(), make_person(), make_person(), make_person()
    by_r1 = held(programme, course, 12, r1)
    by_r2_and_r1 = held(programme, course, 14, r2, r1)
    attended(by_r1, e1)
    attended(by_r2_and_r1, e2, e1)
    attended(by_r1, absent, status=AttendanceStatus.ABSENT)
    held(programme, course, 20)  # no trainer
    mentor = appoint(programme=programme, tier=Tier.MENTOR).person
    attended(by_r1, mentor)
    mentor_assign(programme=programme, mentor=mentor, mentee=e3, actor=None)
    return {"m1": m1, "m2": m2, "r1": r1, "r2": r2, "r3": r3, "e1": e1, "e2": e2, "e3": e3, "absent": absent,
            "mentor": mentor, "first": first, "by_r1": by_r1}  # fmt: skip


def test_build_places_everyone_by_the_rules(programme, records):
    LineageNode.objects.filter(programme=programme).delete()
    counts = lineage_build(programme=programme)
    r = records
    trainer_of = dict(LineageNode.objects.filter(programme=programme).values_list("person_id", "trainer_id"))
    assert trainer_of == {
        r["m1"].pk: None,
        r["m2"].pk: None,
        r["r1"].pk: r["m1"].pk,  # the earliest workshop attended (late counts)
        r["r2"].pk: r["m1"].pk,  # appointed by M1
        r["e1"].pk: r["r1"].pk,  # the earliest workshop
        r["e2"].pk: min(r["r1"].pk, r["r2"].pk),  # the workshop's first trainer by id
        r["mentor"].pk: r["r1"].pk,
        r["e3"].pk: r["mentor"].pk,  # no workshop: the current mentor
    }
    e2 = node(programme, r["e2"])
    assert e2.depth == 2 and e2.root_id == r["m1"].pk and e2.source == WORKSHOP
    assert node(programme, r["r1"]).workshop == r["first"]
    assert node(programme, r["r2"]).source == LineageNode.Source.APPOINTMENT
    assert node(programme, r["e3"]).source == LineageNode.Source.MENTORING
    assert counts == {
        "roots": 2, "trainers": 2, "others": 4, "trainers_left_out": 1, "unplaced": 0, "cycles": 0,
        "created": 8, "updated": 0, "unchanged": 0, "removed": 0,
    }  # fmt: skip


def test_build_is_idempotent_and_repairs_what_differs(programme, records):
    lineage_build(programme=programme)
    snapshot = list(LineageNode.objects.filter(programme=programme).values_list("person_id", "path", "depth"))
    again = lineage_build(programme=programme)
    assert (again["created"], again["updated"], again["removed"], again["unchanged"]) == (0, 0, 0, 8)
    LineageNode.objects.filter(programme=programme, person=records["e1"]).update(path="/0/", depth=9)
    stray = make_person()
    lineage_attach(programme=programme, person=stray, trainer=records["m2"], source=WORKSHOP)
    repaired = lineage_build(programme=programme)
    assert (repaired["updated"], repaired["removed"]) == (1, 1)
    assert sorted(LineageNode.objects.filter(programme=programme).values_list("person_id", "path", "depth")) == sorted(
        snapshot
    )


def test_a_dry_run_changes_nothing(programme, records):
    before = LineageNode.objects.filter(programme=programme).count()
    counts = lineage_build(programme=programme, dry_run=True)
    assert counts["created"] > 0
    assert LineageNode.objects.filter(programme=programme).count() == before


def test_build_keeps_a_trainer_set_by_the_national_centre(programme, records):
    lineage_build(programme=programme)
    lineage_move(programme=programme, person=records["e1"], trainer=records["r2"])
    counts = lineage_build(programme=programme)
    assert node(programme, records["e1"]).trainer_id == records["r2"].pk
    assert counts["updated"] == 0


def test_build_refuses_a_circle_of_trainers(programme):
    course = course_build(programme=programme, modules=1, lessons=1)
    appoint(programme=programme, tier=Tier.MASTER_TEACHER)
    a, b, c = make_person(), make_person(), make_person()
    attended(held(programme, course, 3, b), a)  # B trained A ...
    attended(held(programme, course, 4, a), b)  # ... and A trained B
    attended(held(programme, course, 5, a), c)  # C hangs below the circle
    outsider = make_person()
    attended(held(programme, course, 6, outsider), make_person())  # trained by someone outside the cascade
    counts = lineage_build(programme=programme)
    assert (counts["cycles"], counts["unplaced"], counts["roots"]) == (3, 1, 1)
    assert not LineageNode.objects.filter(programme=programme, person__in=[a, b, c]).exists()


def test_build_bulk_runs_a_fixed_number_of_queries(programme, records, django_assert_max_num_queries):
    LineageNode.objects.filter(programme=programme).delete()
    with django_assert_max_num_queries(14):
        lineage_build(programme=programme)
    course = course_build(programme=programme, code="ai-102", modules=1, lessons=1)
    workshop = held(programme, course, 25, records["r2"])
    attended(workshop, *[make_person() for _ in range(30)])
    LineageNode.objects.filter(programme=programme).delete()
    with django_assert_max_num_queries(14):
        counts = lineage_build(programme=programme)
    assert counts["others"] == 34


def test_the_command_reports_the_counts(programme, records):
    out = io.StringIO()
    call_command("lineage_rebuild", "--programme", programme.slug, stdout=out)
    text = out.getvalue()
    assert "2 master teachers, 2 regional trainers, 4 others" in text
    assert "Left out: 1 regional trainers with no master teacher known." in text
    out = io.StringIO()
    call_command("lineage_rebuild", "--programme", programme.slug, "--dry-run", stdout=out)
    assert "Would build" in out.getvalue() and "0 added, 0 changed, 8 unchanged, 0 removed" in out.getvalue()
    with pytest.raises(CommandError, match="No programme 'nope'"):
        call_command("lineage_rebuild", "--programme", "nope")
