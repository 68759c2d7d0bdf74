"""The cascade at one institution: for its coordinators and the national admins only."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from erdem.cascade.models import LineageNode, Tier
from erdem.cascade.services import lineage_attach, mentor_assign
from erdem.cascade.tests.factories import appoint
from erdem.cascade.tests.test_trainer_views import cascade_world, client_for
from erdem.organisations.tests.factories import InstitutionFactory
from erdem.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> SimpleNamespace:
    return cascade_world()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("coordinator", 200),
        ("coordinator_b", 403),
        ("master", 403),
        ("trainer", 403),
        ("mentor", 403),
        ("educator", 403),
        ("viewer", 403),
    ],
)
def test_institution_page_permissions(world: SimpleNamespace, who: str, status: int) -> None:
    response = client_for(getattr(world, who)).get(reverse("cascade:institution", args=[world.inst_a.pk]))

    assert response.status_code == status


def test_institution_page_anonymous_and_unknown(world: SimpleNamespace) -> None:
    assert Client().get(reverse("cascade:institution", args=[world.inst_a.pk])).status_code == 302
    assert client_for(world.admin).get(reverse("cascade:institution", args=[999999])).status_code == 404


def test_institution_page_lists_trainers_staff_and_pairs(world: SimpleNamespace) -> None:
    pair = mentor_assign(programme=world.programme, mentor=world.mentor, mentee=world.trainee_b, actor=None)

    response = client_for(world.coordinator).get(reverse("cascade:institution", args=[world.inst_a.pk]))

    page = response.content.decode()
    reach = {a.person_id: (a.tier, a.direct, a.reach) for a in response.context["appointments"]}
    assert reach[world.master.pk] == (Tier.MASTER_TEACHER, 2, 5)
    assert reach[world.trainer.pk] == (Tier.REGIONAL_TRAINER, 2, 2)
    assert reach[world.mentor.pk][0] == Tier.MENTOR
    # Staff of institution A: master, trainer, mentor, trainee_a, coordinator, educator; reached below a master
    # teacher: the trainer and trainee_a.
    assert (response.context["staff_reached"], response.context["staff_total"]) == (2, 6)
    assert world.trainee_a.full_name in page and world.trainee_c.full_name not in page
    assert reverse("cascade:pair", args=[pair.pk]) in page  # the mentor works here, the mentee elsewhere
    assert response.context["gaps"] == []


def test_an_institution_without_trainers_shows_the_gap(world: SimpleNamespace) -> None:
    empty: Any = InstitutionFactory()

    response = client_for(world.admin).get(reverse("cascade:institution", args=[empty.pk]))

    assert response.status_code == 200
    assert response.context["gaps"] == ["no_trainer", "no_mentor"]
    assert "No active trainer works at this institution" in response.content.decode()


def test_institution_page_runs_a_bounded_number_of_queries(
    world: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world.coordinator)
    url = reverse("cascade:institution", args=[world.inst_a.pk])
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
    for _ in range(60):
        person = make_person(institution=world.inst_a)
        lineage_attach(programme=world.programme, person=person, trainer=world.trainer, source="workshop")
    appoint(programme=world.programme, person=make_person(institution=world.inst_a), trained_by=world.master)
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert len(response.context["rows"]) == 50
    assert response.context["staff_total"] == 67
    assert client.get(url, {"page": "2"}).context["page"].number == 2
    assert LineageNode.objects.filter(programme=world.programme, person__institution=world.inst_a).count() == 64
