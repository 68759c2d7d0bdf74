"""The cascade API: the same people as the pages, 4xx with a reason, small counts hidden from the ministry."""

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from erdem.access.models import Role
from erdem.access.tests.factories import RoleAssignmentFactory
from erdem.cascade.models import MentoringSession
from erdem.cascade.services import mentor_assign
from erdem.cascade.tests.test_trainer_views import cascade_world, client_for
from erdem.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

API = "/api/v1/cascade"


@pytest.fixture
def world() -> SimpleNamespace:
    return cascade_world()


def _get(person: Any, path: str) -> Any:
    return (client_for(person) if person is not None else Client()).get(f"{API}{path}")


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("educator", 403), ("trainer", 403), ("coordinator", 403), ("viewer", 403), ("admin", 200)],
)
def test_reach_is_for_national_admins(world: SimpleNamespace, who: str | None, status: int) -> None:
    response = _get(getattr(world, who) if who else None, "/reach")

    assert response.status_code == status
    assert "detail" in response.json() if status != 200 else True


def test_reach_lists_master_teachers_without_emails(world: SimpleNamespace) -> None:
    body = _get(world.admin, "/reach").json()

    assert [row["person_id"] for row in body] == [world.master.pk]
    assert (body[0]["direct"], body[0]["total"], body[0]["certified"]) == (2, 5, 1)
    assert "email" not in json.dumps(body) and world.master.email not in json.dumps(body)


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("educator", 403), ("trainer", 403), ("coordinator", 403), ("viewer", 200), ("admin", 200)],
)
def test_regions_for_admins_and_the_ministry(world: SimpleNamespace, who: str | None, status: int) -> None:
    assert _get(getattr(world, who) if who else None, "/regions").status_code == status


def test_regions_suppress_small_counts_for_the_ministry_only(world: SimpleNamespace) -> None:
    region_id = world.inst_a.region.iso_code
    admin = {row["iso_code"]: row for row in _get(world.admin, "/regions").json()}
    ministry = {row["iso_code"]: row for row in _get(world.viewer, "/regions").json()}

    assert len(admin) == len(ministry) == 22
    assert admin[region_id]["reached"] == 5 and admin[region_id]["suppressed"] is False
    small = ministry[region_id]
    assert small["suppressed"] is True
    assert small["teachers"] is None and small["active_trainers"] is None  # 4 educators, 2 trainers
    assert small["reached"] == 5
    assert "name" in small and all("person" not in key for key in small)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("admin", 200),
        ("coordinator", 200),
        ("trainer", 200),
        ("coordinator_b", 404),
        ("trainer_b", 404),
        ("educator", 404),
        ("viewer", 404),
    ],
)
def test_trainer_endpoint_permissions(world: SimpleNamespace, who: str | None, status: int) -> None:
    assert _get(getattr(world, who) if who else None, f"/trainers/{world.trainer.pk}").status_code == status


def test_trainer_endpoint_gives_reach_and_direct_trainees(world: SimpleNamespace) -> None:
    body = _get(world.trainer, f"/trainers/{world.trainer.pk}").json()

    assert body["in_lineage"] is True
    assert body["reach"]["total"] == 2
    assert {(t["person_id"], t["certified"]) for t in body["trainees"]} == {
        (world.trainee_a.pk, True),
        (world.trainee_b.pk, False),
    }
    assert _get(world.admin, "/trainers/999999").status_code == 404


def test_mentoring_pairs_and_sessions(world: SimpleNamespace) -> None:
    pair = mentor_assign(programme=world.programme, mentor=world.mentor, mentee=world.trainee_b, actor=None)
    today = timezone.localdate().isoformat()
    session = {"held_on": today, "mode": "online", "topics": "Rubrics", "notes": "Private.", "minutes": 45}

    as_mentor = _get(world.mentor, "/mentoring/pairs").json()
    as_mentee = _get(world.trainee_b, "/mentoring/pairs").json()
    assert [(p["id"], p["role"]) for p in as_mentor] == [(pair.pk, "mentor")]
    assert [(p["id"], p["role"]) for p in as_mentee] == [(pair.pk, "mentee")]
    assert _get(world.trainer, "/mentoring/pairs").json() == []
    assert _get(None, "/mentoring/pairs").status_code == 401

    url = f"{API}/mentoring/pairs/{pair.pk}/sessions"
    created = client_for(world.trainee_b).post(url, session, content_type="application/json")
    assert created.status_code == 201 and created.json()["minutes"] == 45
    future = {**session, "held_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat()}
    refused = client_for(world.mentor).post(url, future, content_type="application/json")
    assert refused.status_code == 400 and "future" in refused.json()["detail"]
    bad_mode = client_for(world.mentor).post(
        url, {**session, "mode": "carrier pigeon"}, content_type="application/json"
    )
    assert bad_mode.status_code == 400
    assert client_for(world.mentor).post(url, {"held_on": "soon"}, content_type="application/json").status_code == 422
    # The coordinator of the mentee's institution sees the pair but does not log its sessions; others do not see it.
    assert client_for(world.coordinator_b).post(url, session, content_type="application/json").status_code == 403
    assert client_for(world.educator).post(url, session, content_type="application/json").status_code == 404
    missing = f"{API}/mentoring/pairs/999999/sessions"
    assert client_for(world.mentor).post(missing, session, content_type="application/json").status_code == 404
    assert Client().post(url, session, content_type="application/json").status_code == 401
    # National admins see every pair but only the pair logs its sessions.
    assert client_for(world.admin).post(url, session, content_type="application/json").status_code == 403
    assert MentoringSession.objects.count() == 1


def test_a_ministry_viewer_of_another_programme_sees_that_programmes_figures(world: SimpleNamespace) -> None:
    outsider = make_person()
    RoleAssignmentFactory(person=outsider, role=Role.MINISTRY_VIEWER)  # in a programme of its own, empty

    response = _get(outsider, "/regions")

    assert response.status_code == 200
    assert {row["reached"] for row in response.json()} == {0}
