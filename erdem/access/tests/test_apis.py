import pytest

from erdem.access.models import Role, RoleAssignment
from erdem.api.tests.helpers import cast, session_client
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def _assign(people, who: str, **body):
    payload = {"person_id": people.colleague.pk, "role": Role.MENTOR, "programme": people.programme.slug, **body}
    return people.client(who).post("/api/v1/roles/", payload, content_type="application/json")


def test_my_roles() -> None:
    people = cast()

    mine = people.client("coordinator").get("/api/v1/roles/me")

    assert mine.status_code == 200
    [assignment] = mine.json()
    assert assignment["role"] == Role.COORDINATOR
    assert assignment["role_label"] == "institution coordinator"
    assert assignment["institution"]["code"] == people.own.code
    assert assignment["programme"]["slug"] == people.programme.slug
    assert people.client("anonymous").get("/api/v1/roles/me").status_code == 401


def test_national_admin_assigns_a_role() -> None:
    people = cast()

    response = _assign(people, "admin", region="MN-041")

    assert response.status_code == 201
    body = response.json()
    assert (body["person_id"], body["role"], body["region"]["iso_code"]) == (people.colleague.pk, "mentor", "MN-041")
    assignment = RoleAssignment.objects.get(pk=body["id"])
    assert assignment.granted_by == people.admin
    assert assignment.ended_at is None


@pytest.mark.parametrize("who", ["educator", "coordinator", "viewer"])
def test_others_may_not_assign_roles(who: str) -> None:
    people = cast()

    response = _assign(people, who)

    assert response.status_code == 403
    assert response.json()["detail"] == "You are not allowed to do this."
    assert not RoleAssignment.objects.filter(person=people.colleague).exists()


def test_anonymous_may_not_assign_roles() -> None:
    assert _assign(cast(), "anonymous").status_code == 401


def test_admin_of_another_programme_may_not_assign() -> None:
    people = cast()

    response = _assign(people, "admin", programme=ProgrammeFactory().slug)

    assert response.status_code == 403


def test_coordinator_needs_an_institution() -> None:
    people = cast()

    without = _assign(people, "admin", role=Role.COORDINATOR)
    with_institution = _assign(people, "admin", role=Role.COORDINATOR, institution=people.own.code)

    assert without.status_code == 422
    assert without.json()["detail"] == "A coordinator must be assigned to an institution."
    assert with_institution.status_code == 201


def test_duplicate_current_assignment_is_a_conflict() -> None:
    people = cast()
    assert _assign(people, "admin").status_code == 201

    again = _assign(people, "admin")

    assert again.status_code == 409
    assert (
        again.json()["detail"]
        == f"{people.colleague.full_name} already holds the role “mentor” in this programme and scope."
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "emperor"}, "role"),
        ({"person_id": "abc"}, "person_id"),
    ],
)
def test_malformed_body_is_422_with_field_errors(body: dict, field: str) -> None:
    response = _assign(cast(), "admin", **body)

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == field


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"programme": "nope"}, "No programme has the code “nope”."),
        ({"institution": "nope"}, "No institution has the code “nope”."),
        ({"region": "MN-999"}, "No region has the code “MN-999”."),
        ({"person_id": 999999}, "No person has the id 999999."),
    ],
)
def test_unknown_references_in_the_body_are_422(body: dict, detail: str) -> None:
    response = _assign(cast(), "admin", **body)

    assert response.status_code == 422
    assert response.json()["detail"] == detail


def test_body_that_is_not_json_is_400() -> None:
    people = cast()

    response = people.client("admin").post("/api/v1/roles/", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"] == "The request could not be read. Send a JSON body."


def test_admin_ends_a_role_and_it_cannot_end_twice() -> None:
    people = cast()
    assignment = RoleAssignment.objects.get(person=people.educator)
    client = people.client("admin")

    ended = client.delete(f"/api/v1/roles/{assignment.pk}")
    again = client.delete(f"/api/v1/roles/{assignment.pk}")

    assert ended.status_code == 200
    assert ended.json()["ended_at"] is not None
    assert again.status_code == 409
    assert again.json()["detail"] == "This role assignment has already ended."
    assert people.client("educator").get("/api/v1/roles/me").json() == []


def test_ending_a_role_outside_ones_scope_is_not_found() -> None:
    people = cast()
    own_staff = RoleAssignment.objects.get(person=people.educator)
    elsewhere = RoleAssignment.objects.get(person=people.stranger)
    coordinator = people.client("coordinator")

    assert coordinator.delete(f"/api/v1/roles/{own_staff.pk}").status_code == 403
    assert coordinator.delete(f"/api/v1/roles/{elsewhere.pk}").status_code == 404
    assert coordinator.delete("/api/v1/roles/999999").status_code == 404
    assert people.client("anonymous").delete(f"/api/v1/roles/{own_staff.pk}").status_code == 401
    assert RoleAssignment.objects.current().filter(pk__in=[own_staff.pk, elsewhere.pk]).count() == 2


def test_session_callers_must_send_the_csrf_token() -> None:
    people = cast()
    client = session_client(people.admin, enforce_csrf_checks=True)
    payload = {"person_id": people.colleague.pk, "role": "mentor", "programme": people.programme.slug}

    refused = client.post("/api/v1/roles/", payload, content_type="application/json")
    client.get("/api/v1/docs")  # the page sets the CSRF cookie, as any form page does
    token = client.cookies["csrftoken"].value
    accepted = client.post("/api/v1/roles/", payload, content_type="application/json", headers={"X-CSRFToken": token})

    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("The CSRF check failed.")
    assert accepted.status_code == 201


def test_my_roles_queries_do_not_grow_with_rows(django_assert_max_num_queries) -> None:
    people = cast()
    client = people.client("admin")
    client.get("/api/v1/roles/me")

    with django_assert_max_num_queries(2):
        client.get("/api/v1/roles/me")
    for programme in ProgrammeFactory.create_batch(10):
        RoleAssignment.objects.create(
            person=people.admin, role=Role.COORDINATOR, programme=programme, institution=people.own
        )
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/roles/me")

    assert len(response.json()) == 11
