"""My cascade, another trainer's page and nominating a trainer: who sees what, and what is shown.

`cascade_world()` builds the small programme the trainer, institution, export and API tests share:

    master (inst A) ── trainer (inst A) ── trainee_a (inst A, certified)
                   │                   └── trainee_b (inst B)
                   └── trainer_b (inst B) ── trainee_c (inst B)
"""

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from erdem.access.models import Role
from erdem.access.tests.factories import RoleAssignmentFactory, person_with_role
from erdem.cascade.models import LineageNode, Nomination, Tier
from erdem.cascade.services import lineage_attach
from erdem.cascade.tests.factories import appoint
from erdem.credentials.models import Achievement
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.organisations.tests.factories import InstitutionFactory
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def _certify(person: Any, programme: Any) -> None:
    achievement = Achievement.objects.filter(programme=programme, code="AI-101-MC").first()
    credential_create(achievement=achievement or achievement_create(programme=programme), person=person)


def cascade_world() -> SimpleNamespace:
    programme = ProgrammeFactory(starts_on=dt.date(2030, 1, 1))  # the current programme: it started last
    inst_a, inst_b = InstitutionFactory(), InstitutionFactory()
    master = appoint(programme=programme, tier=Tier.MASTER_TEACHER, person=make_person(institution=inst_a)).person
    trainer = appoint(programme=programme, person=make_person(institution=inst_a), trained_by=master).person
    trainer_b = appoint(programme=programme, person=make_person(institution=inst_b), trained_by=master).person
    mentor = appoint(programme=programme, tier=Tier.MENTOR, person=make_person(institution=inst_a)).person
    trainees = []
    for by, institution, name in ((trainer, inst_a, "A"), (trainer, inst_b, "B"), (trainer_b, inst_b, "C")):
        trainee = make_person(institution=institution, given_name=f"Trainee{name}")
        RoleAssignmentFactory(person=trainee, role=Role.EDUCATOR, programme=programme)
        lineage_attach(programme=programme, person=trainee, trainer=by, source=LineageNode.Source.WORKSHOP)
        trainees.append(trainee)
    _certify(trainees[0], programme)
    return SimpleNamespace(
        programme=programme,
        inst_a=inst_a,
        inst_b=inst_b,
        master=master,
        trainer=trainer,
        trainer_b=trainer_b,
        mentor=mentor,
        trainee_a=trainees[0],
        trainee_b=trainees[1],
        trainee_c=trainees[2],
        admin=person_with_role(Role.NATIONAL_ADMIN, programme=programme),
        coordinator=person_with_role(Role.COORDINATOR, programme=programme, institution=inst_a),
        coordinator_b=person_with_role(Role.COORDINATOR, programme=programme, institution=inst_b),
        educator=person_with_role(Role.EDUCATOR, programme=programme, institution=inst_a),
        viewer=person_with_role(Role.MINISTRY_VIEWER, programme=programme),
    )


@pytest.fixture
def world() -> SimpleNamespace:
    return cascade_world()


def client_for(person: Any) -> Client:
    """A client signed in as `person`, who reads English (the tests compare English texts)."""
    client = Client()
    if person is not None:
        if person.preferred_language != "en":
            person.preferred_language = "en"
            person.save(update_fields=["preferred_language"])
        client.force_login(person)
    return client


# --- my cascade ---------------------------------------------------------------------------------------------------


def test_mine_shows_reach_branch_and_direct_trainees(world: SimpleNamespace) -> None:
    response = client_for(world.trainer).get(reverse("cascade:mine"))

    assert response.status_code == 200
    page = response.content.decode()
    assert world.trainee_a.full_name in page and world.trainee_b.full_name in page
    assert world.trainee_c.full_name not in page  # trainer_b's branch
    assert "<svg" in page
    assert reverse("cascade:nominate") in page
    assert reverse("cascade:lineage_export", args=["csv"]) in page
    reach = response.context["reach"]
    assert (reach.direct, reach.total, reach.certified) == (2, 2, 1)
    assert [(g.depth, g.people, g.certified) for g in response.context["generations"]] == [(1, 2, 1)]
    certified = {t.person.pk: t.certified for t in response.context["trainees"]}
    assert certified == {world.trainee_a.pk: True, world.trainee_b.pk: False}


def test_master_teacher_sees_every_generation(world: SimpleNamespace) -> None:
    response = client_for(world.master).get(reverse("cascade:mine"))

    assert response.status_code == 200
    assert [(g.depth, g.people) for g in response.context["generations"]] == [(1, 2), (2, 3)]
    assert response.context["reach"].total == 5


def test_mentor_outside_the_lineage_gets_an_explanation(world: SimpleNamespace) -> None:
    response = client_for(world.mentor).get(reverse("cascade:mine"))

    assert response.status_code == 200
    assert response.context["node"] is None
    assert "not in the cascade of this programme yet" in response.content.decode()
    assert reverse("cascade:nominate") not in response.content.decode()  # mentors do not nominate


@pytest.mark.parametrize(("who", "status"), [("educator", 403), ("coordinator", 403), ("viewer", 403), ("admin", 403)])
def test_mine_is_for_trainers_master_teachers_and_mentors(world: SimpleNamespace, who: str, status: int) -> None:
    assert client_for(getattr(world, who)).get(reverse("cascade:mine")).status_code == status


def test_mine_asks_anonymous_visitors_to_log_in(world: SimpleNamespace) -> None:
    response = Client().get(reverse("cascade:mine"))

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_mine_runs_a_bounded_number_of_queries(world: SimpleNamespace, django_assert_max_num_queries: Any) -> None:
    client = client_for(world.master)
    client.get(reverse("cascade:mine"))
    with django_assert_max_num_queries(15):
        first = client.get(reverse("cascade:mine"))
    for _ in range(10):
        extra = make_person(institution=world.inst_a)
        lineage_attach(programme=world.programme, person=extra, trainer=world.trainer, source="workshop")
    with django_assert_max_num_queries(15) as captured:
        second = client.get(reverse("cascade:mine"))
    assert first.status_code == second.status_code == 200
    assert second.context["reach"].total == 15
    assert len(captured.captured_queries) <= 15


# --- another trainer's page -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("coordinator", 200),  # the trainer works at the coordinator's institution
        ("trainer", 200),  # themselves
        ("coordinator_b", 404),
        ("trainer_b", 404),
        ("master", 404),  # their own master teacher does not see the page either
        ("educator", 404),
        ("viewer", 404),
    ],
)
def test_trainer_page_permissions(world: SimpleNamespace, who: str, status: int) -> None:
    response = client_for(getattr(world, who)).get(reverse("cascade:trainer", args=[world.trainer.pk]))

    assert response.status_code == status


def test_trainer_page_of_an_unknown_person_is_not_found(world: SimpleNamespace) -> None:
    assert client_for(world.admin).get(reverse("cascade:trainer", args=[999999])).status_code == 404
    assert Client().get(reverse("cascade:trainer", args=[world.trainer.pk])).status_code == 302


def test_trainer_page_shows_the_branch(world: SimpleNamespace) -> None:
    response = client_for(world.coordinator).get(reverse("cascade:trainer", args=[world.trainer.pk]))

    page = response.content.decode()
    assert world.trainee_a.full_name in page and world.trainee_c.full_name not in page
    assert reverse("cascade:nominate") not in page


# --- nominating -------------------------------------------------------------------------------------------------


def test_nominate_a_direct_trainee(world: SimpleNamespace) -> None:
    client = client_for(world.trainer)
    form = client.get(reverse("cascade:nominate"))
    assert form.status_code == 200
    assert world.trainee_a.full_name in form.content.decode()
    assert world.trainee_c.full_name not in form.content.decode()

    response = client.post(
        reverse("cascade:nominate"),
        {"nominee": world.trainee_a.pk, "statement": "Runs excellent workshops.", "regions": [world.inst_a.region_id]},
    )

    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.nominee, nomination.nominated_by) == (world.trainee_a, world.trainer)
    assert list(nomination.regions.all()) == [world.inst_a.region]
    listed = client.get(reverse("cascade:nominate")).content.decode()
    assert "waiting for a decision" in listed


def test_nominate_by_email_among_the_programmes_people(world: SimpleNamespace) -> None:
    client = client_for(world.master)
    response = client.post(
        reverse("cascade:nominate"), {"email": world.trainee_c.email.upper(), "statement": "Strong."}
    )

    assert response.status_code == 302
    assert Nomination.objects.get().nominee == world.trainee_c


def test_nominate_refuses_outsiders_duplicates_and_empty_forms(world: SimpleNamespace) -> None:
    client = client_for(world.trainer)
    outsider = make_person()

    unknown = client.post(reverse("cascade:nominate"), {"email": outsider.email, "statement": "x"})
    nobody = client.post(reverse("cascade:nominate"), {"statement": "x"})
    both = client.post(
        reverse("cascade:nominate"), {"nominee": world.trainee_a.pk, "email": world.trainee_b.email, "statement": "x"}
    )
    other_branch = client.post(reverse("cascade:nominate"), {"nominee": world.trainee_c.pk, "statement": "x"})
    client.post(reverse("cascade:nominate"), {"nominee": world.trainee_a.pk, "statement": "x"})
    again = client.post(reverse("cascade:nominate"), {"nominee": world.trainee_a.pk, "statement": "y"})
    myself = client.post(reverse("cascade:nominate"), {"email": world.trainer.email, "statement": "y"})

    assert [r.status_code for r in (unknown, nobody, both, other_branch, again, myself)] == [200] * 6
    assert all(r.context["form"].errors for r in (unknown, nobody, both, other_branch, again, myself))
    assert "Nobody taking part in the programme" in unknown.content.decode()
    assert "already nominated" in again.content.decode()
    assert "cannot nominate yourself" in myself.content.decode()
    assert Nomination.objects.count() == 1


@pytest.mark.parametrize(("who", "status"), [("mentor", 403), ("educator", 403), ("coordinator", 403), ("admin", 403)])
def test_nominate_is_for_trainers_and_master_teachers(world: SimpleNamespace, who: str, status: int) -> None:
    assert client_for(getattr(world, who)).get(reverse("cascade:nominate")).status_code == status
    assert Client().get(reverse("cascade:nominate")).status_code == 302


def test_pages_follow_the_readers_programme_when_another_started_later(world: SimpleNamespace) -> None:
    ProgrammeFactory(starts_on=dt.date(2031, 1, 1))  # now the current programme; nobody here holds a role in it

    page = client_for(world.admin).get(reverse("cascade:trainer", args=[world.trainer.pk]))
    mine = client_for(world.trainer).get(reverse("cascade:mine"))

    assert page.status_code == mine.status_code == 200
    assert page.context["programme"] == mine.context["programme"] == world.programme
