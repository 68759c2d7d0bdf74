"""The cascade's reads: reach, the branch tree, the regions, growth; a bounded number of queries at any size."""

import datetime as dt

import pytest
from django.utils import timezone

from erdem.access.models import Role, RoleAssignment
from erdem.cascade.models import LineageNode, Tier
from erdem.cascade.selectors import branch_tree, growth, reach_by_master, reach_of, region_table, trainees
from erdem.cascade.services import appointment_end, lineage_attach
from erdem.cascade.tests.factories import appoint
from erdem.credentials.models import Achievement
from erdem.credentials.services import credential_revoke
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.organisations.tests.factories import InstitutionFactory, region
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

WORKSHOP = LineageNode.Source.WORKSHOP


def at(month: int, day: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, tzinfo=dt.UTC)


def place(programme, trainer: Person, *, when: dt.datetime | None = None, **person_fields) -> Person:
    person = make_person(**person_fields)
    lineage_attach(programme=programme, person=person, trainer=trainer, source=WORKSHOP, at=when or at(2))
    return person


def master(programme, **person_fields) -> Person:
    return appoint(programme=programme, tier=Tier.MASTER_TEACHER, person=make_person(**person_fields)).person


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def cascade(programme):
    """Master teacher M trained T1 and T2; T1 trained E1 and E2, E1 trained F1. Master teacher N trained nobody."""
    ub, tov = InstitutionFactory(region=region("MN-1")), InstitutionFactory(region=region("MN-047"))
    m = master(programme, family_name="Мастер", institution=ub)
    n = master(programme, family_name="Нямаа", institution=ub)
    t1 = place(programme, m, institution=ub, family_name="Тулга", when=at(1))
    t2 = place(programme, m, institution=tov, family_name="Тэмүүлэн", when=at(1))
    e1 = place(programme, t1, institution=tov, family_name="Энх", when=at(3))
    e2 = place(programme, t1, institution=ub, family_name="Эрдэнэ", when=at(3))
    f1 = place(programme, e1, institution=tov, family_name="Факт", when=at(5))
    return {"m": m, "n": n, "t1": t1, "t2": t2, "e1": e1, "e2": e2, "f1": f1, "ub": ub, "tov": tov}


def certify(programme, person: Person, when: dt.datetime, code: str = "AI-101-MC"):
    achievement = Achievement.objects.filter(programme=programme, code=code).first() or achievement_create(
        programme=programme, code=code
    )
    return credential_create(achievement=achievement, person=person, at=when)


def test_reach_of_a_trainer_counts_the_whole_branch_below_them(programme, cascade):
    reach = reach_of(programme=programme, person=cascade["t1"])
    assert (reach.direct, reach.total, reach.generations) == (2, 3, 2)
    assert (reach.regions, reach.institutions) == (2, 2)
    assert (reach.certified, reach.certified_share) == (0, 0.0)
    assert reach.median_days_to_certification is None


def test_reach_of_someone_outside_the_cascade_is_nobody(programme, cascade):
    reach = reach_of(programme=programme, person=make_person())
    assert (reach.direct, reach.total, reach.generations, reach.certified) == (0, 0, 0, 0)
    assert reach.certified_share is None


def test_reach_by_master_lists_every_root_widest_first(programme, cascade):
    reaches = reach_by_master(programme=programme)
    assert [r.person for r in reaches] == [cascade["m"], cascade["n"]]
    widest = reaches[0]
    assert (widest.direct, widest.total, widest.generations, widest.regions, widest.institutions) == (2, 5, 3, 2, 2)
    assert (reaches[1].total, reaches[1].generations, reaches[1].certified_share) == (0, 0, None)


def test_another_programme_is_not_counted(programme, cascade):
    other = ProgrammeFactory()
    root = master(other)
    lineage_attach(programme=other, person=cascade["e1"], trainer=root, source=WORKSHOP, at=at(2))
    assert reach_of(programme=programme, person=cascade["m"]).total == 5
    assert [r.total for r in reach_by_master(programme=other)] == [1]


def test_certified_counts_active_micro_certificates_and_the_median_days(programme, cascade):
    certify(programme, cascade["e1"], at(3, 20))  # trained 3-10: 10 days
    certify(programme, cascade["e2"], at(4, 9))  # 30 days
    certify(programme, cascade["f1"], at(5, 11))  # 1 day
    revoked = certify(programme, cascade["t2"], at(1, 11))
    credential_revoke(credential=revoked, actor=None, reason="Issued in error.")
    trainer_cert = achievement_create(programme=programme, code="TR-1", kind=Achievement.Kind.TRAINER_CERTIFICATION)
    credential_create(achievement=trainer_cert, person=cascade["t1"], at=at(1, 12))

    reach = reach_of(programme=programme, person=cascade["t1"])
    assert (reach.certified, reach.total) == (3, 3)
    assert reach.certified_share == 1.0
    assert reach.median_days_to_certification == 10
    widest = reach_by_master(programme=programme)[0]
    assert (widest.certified, widest.total) == (3, 5)
    assert widest.certified_share == pytest.approx(0.6)
    assert widest.median_days_to_certification == 10


def test_median_of_an_even_count_is_the_mean_of_the_middle_two(programme, cascade):
    certify(programme, cascade["e1"], at(3, 20))  # 10 days
    certify(programme, cascade["e2"], at(4, 9))  # 30 days
    assert reach_of(programme=programme, person=cascade["t1"]).median_days_to_certification == 20


def test_a_credential_held_before_training_counts_zero_days(programme, cascade):
    certify(programme, cascade["e2"], at(1, 1))
    assert reach_of(programme=programme, person=cascade["t1"]).median_days_to_certification == 0


def _grow(programme, masters: int, per_master: int) -> None:
    for index in range(masters):
        root = master(programme, institution=InstitutionFactory(region=region("MN-047")))
        trainer = place(programme, root, when=at(index % 12 + 1))
        for _ in range(per_master):
            learner = place(programme, trainer, when=at(index % 12 + 1, 20))
            certify(programme, learner, at(index % 12 + 1, 25))


@pytest.mark.parametrize("masters", [1, 6])
def test_reach_by_master_runs_three_queries_whatever_the_number(programme, masters, django_assert_num_queries):
    _grow(programme, masters, per_master=2)
    with django_assert_num_queries(3):
        reaches = reach_by_master(programme=programme)
    assert len(reaches) == masters
    assert all(r.total == 3 and r.certified == 2 and r.median_days_to_certification == 5 for r in reaches)


@pytest.mark.parametrize("per_master", [1, 8])
def test_reach_of_runs_three_queries_whatever_the_size(programme, per_master, django_assert_num_queries):
    _grow(programme, 2, per_master=per_master)
    root = reach_by_master(programme=programme)[0].person
    with django_assert_num_queries(3):
        reach = reach_of(programme=programme, person=root)
    assert reach.total == per_master + 1


def test_branch_tree_nests_generations_with_each_subtree_reach(programme, cascade):
    tree = branch_tree(programme=programme, person=cascade["m"])
    assert tree.root is not None and tree.total == 5 and tree.hidden == 0
    assert [(c.label.split()[0], c.reach, c.depth) for c in tree.root.children] == [("Тулга", 3, 1), ("Тэмүүлэн", 0, 1)]
    e1 = tree.root.children[0].children[0]
    assert (e1.person_id, e1.reach, e1.weight, e1.depth) == (cascade["e1"].pk, 1, 2, 2)
    assert [n.person_id for n in tree.nodes()][:3] == [cascade["m"].pk, cascade["t1"].pk, cascade["e1"].pk]


def test_branch_tree_hides_deeper_generations_but_counts_them(programme, cascade, django_assert_num_queries):
    with django_assert_num_queries(2):
        tree = branch_tree(programme=programme, person=cascade["m"], max_depth=2)
    assert tree.hidden == 1 and tree.total == 5
    assert max(n.depth for n in tree.nodes()) == 2
    assert tree.root is not None and tree.root.children[0].children[0].reach == 1  # E1 still counts F1


def test_branch_tree_of_someone_outside_is_empty(programme):
    tree = branch_tree(programme=programme, person=make_person())
    assert tree.root is None and tree.total == 0 and list(tree.nodes()) == []


def test_trainees_are_the_direct_ones_with_their_reach(programme, cascade, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = [
            (node.person, node.person.institution and node.person.institution.region.iso_code, node.reach)  # type: ignore[attr-defined]
            for node in trainees(programme=programme, person=cascade["t1"])
        ]
    assert rows == [(cascade["e1"], "MN-047", 1), (cascade["e2"], "MN-1", 0)]


def _educators(programme, institution, count: int) -> None:
    for _ in range(count):
        RoleAssignment.objects.create(
            person=make_person(institution=institution), role=Role.EDUCATOR, programme=programme
        )


def test_region_table_counts_educators_reached_trainers_and_gaps(programme, cascade):
    _educators(programme, cascade["ub"], 4)
    _educators(programme, cascade["tov"], 6)
    tov_college = InstitutionFactory(region=region("MN-047"))
    _educators(programme, tov_college, 2)
    for person in (cascade["e1"], cascade["e2"]):
        RoleAssignment.objects.create(person=person, role=Role.EDUCATOR, programme=programme)
    # Töv: a regional trainer appointed to the region; Khentii: educators, nobody reached, no trainer.
    khentii = InstitutionFactory(region=region("MN-039"))
    _educators(programme, khentii, 3)
    appoint(programme=programme, person=cascade["t2"], regions=[region("MN-047")])
    ended = appoint(programme=programme, regions=[region("MN-039")])
    appointment_end(appointment=ended, actor=None, reason="Moved abroad.")

    rows = {row.region.iso_code: row for row in region_table(programme=programme)}
    assert len(rows) == 22
    ub, tov, khentii_row = rows["MN-1"], rows["MN-047"], rows["MN-039"]
    assert (ub.teachers, ub.reached, ub.active_trainers) == (5, 2, 2)  # masters M and N work at ub
    assert ub.reached_share == pytest.approx(0.4)
    assert (ub.institutions_without_trainer, ub.gap) == (0, False)
    assert (tov.teachers, tov.reached, tov.active_trainers, tov.institutions_without_trainer) == (9, 3, 1, 0)
    assert tov.gap is False
    assert (khentii_row.teachers, khentii_row.reached, khentii_row.active_trainers) == (3, 0, 0)
    assert (khentii_row.institutions_without_trainer, khentii_row.gap) == (1, True)
    # a region with no teachers in the programme is no gap: nobody there to reach
    assert rows["MN-046"].reached_share is None and rows["MN-046"].gap is False


def test_institutions_without_trainer_when_the_trainer_is_not_appointed_to_the_region(programme, cascade):
    _educators(programme, cascade["tov"], 2)
    other = InstitutionFactory(region=region("MN-047"))
    _educators(programme, other, 2)
    appoint(programme=programme, person=cascade["t2"])  # no region: covers their own institution (Töv) only
    row = next(row for row in region_table(programme=programme) if row.region.iso_code == "MN-047")
    assert (row.active_trainers, row.institutions_without_trainer) == (1, 1)
    assert row.institutions == 2


def test_an_appointment_naming_the_institution_covers_it(programme, cascade):
    other = InstitutionFactory(region=region("MN-047"))
    _educators(programme, other, 2)
    appoint(programme=programme, person=cascade["t2"], institutions=[other])
    row = next(row for row in region_table(programme=programme) if row.region.iso_code == "MN-047")
    assert row.institutions_without_trainer == 0


def test_an_expired_term_is_not_an_active_trainer(programme, cascade):
    today = timezone.localdate()
    appoint(
        programme=programme,
        regions=[region("MN-039")],
        starts_on=today - dt.timedelta(days=800),
        term_ends_on=today - dt.timedelta(days=1),
    )
    row = next(row for row in region_table(programme=programme) if row.region.iso_code == "MN-039")
    assert row.active_trainers == 0


@pytest.mark.parametrize("regions", [1, 8])
def test_region_table_runs_six_queries_whatever_the_number(programme, regions, django_assert_num_queries):
    codes = ["MN-1", "MN-047", "MN-039", "MN-041", "MN-043", "MN-046", "MN-049", "MN-051"][:regions]
    root = master(programme)
    for code in codes:
        institution = InstitutionFactory(region=region(code))
        _educators(programme, institution, 2)
        place(programme, root, institution=institution)
        appoint(programme=programme, regions=[region(code)], institutions=[institution])
    with django_assert_num_queries(6):
        rows = region_table(programme=programme)
    assert sum(row.reached for row in rows) == regions
    assert sum(1 for row in rows if row.teachers and not row.gap) == regions


def test_growth_counts_new_people_per_month_with_empty_months(programme, cascade, django_assert_num_queries):
    with django_assert_num_queries(1):
        points = growth(programme=programme)
    assert [(p.month, p.new, p.cumulative) for p in points] == [
        (dt.date(2026, 1, 1), 2, 2),
        (dt.date(2026, 2, 1), 0, 2),
        (dt.date(2026, 3, 1), 2, 4),
        (dt.date(2026, 4, 1), 0, 4),
        (dt.date(2026, 5, 1), 1, 5),
    ]


def test_growth_crosses_a_year_and_is_empty_without_a_cascade(programme):
    assert growth(programme=programme) == []
    root = master(programme)
    place(programme, root, when=dt.datetime(2025, 12, 5, 10, tzinfo=dt.UTC))
    place(programme, root, when=at(1))
    assert [(p.month, p.cumulative) for p in growth(programme=programme)] == [
        (dt.date(2025, 12, 1), 1),
        (dt.date(2026, 1, 1), 2),
    ]
