"""The recognition API: the same people and rules as the pages, refusals as 4xx with the reason and field."""

import json
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.api.tests.helpers import anonymous_client, token_client
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.recognition.models import RecognitionRequest
from erdem.recognition.pathway_services import MilestoneDefinition, PathwayDefinition, pathway_publish, pathway_save
from erdem.recognition.services import request_submit
from erdem.recognition.tests.factories import ExternalIssuer, degree_create, rule_create

pytestmark = pytest.mark.django_db

API = "/api/v1/recognition"


@pytest.fixture
def world() -> SimpleNamespace:
    programme = ProgrammeFactory()
    achievements = [
        achievement_create(programme=programme, code=f"AI-10{n}-MC", name_en=f"AI micro-certificate {n}")
        for n in (1, 2)
    ]
    degree = degree_create()
    en = {"preferred_language": "en"}
    learner = person_with_role(Role.EDUCATOR, programme=programme, **en)
    issuer = ExternalIssuer()
    return SimpleNamespace(
        programme=programme,
        achievements=achievements,
        learner=learner,
        own=[credential_create(achievement=achievement, person=learner) for achievement in achievements],
        issuer=issuer,
        degree=degree,
        rule=rule_create(
            degree=degree, achievements=achievements, external_count=1, external_issuers=f"{issuer.did}\n"
        ),
        coordinator=person_with_role(Role.COORDINATOR, programme=programme, institution=degree.institution, **en),
        other_educator=person_with_role(Role.EDUCATOR, programme=programme, **en),
        viewer=person_with_role(Role.MINISTRY_VIEWER, programme=programme, **en),
    )


def _body(world: SimpleNamespace, **changes: Any) -> dict[str, Any]:
    body = {
        "rule": world.rule.pk,
        "credentials": [str(credential.public_id) for credential in world.own],
        "external": [json.dumps(world.issuer.credential(email=world.learner.email))],
        "message": "Please count these.",
    }
    body.update(changes)
    return body


def _post(client: Client, path: str, body: Any) -> Any:
    return client.post(f"{API}{path}", json.dumps(body), content_type="application/json")


def _submitted(world: SimpleNamespace, number: int = 1) -> RecognitionRequest:
    return request_submit(
        person=world.learner,
        degree=world.degree,
        rule=world.rule,
        credentials=world.own,
        external=[json.dumps(world.issuer.credential(email=world.learner.email, number=number))],
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/requests"),
        ("post", "/requests"),
        ("get", f"/requests/{uuid.uuid4()}"),
        ("post", f"/requests/{uuid.uuid4()}/withdraw"),
        ("post", f"/requests/{uuid.uuid4()}/decision"),
        ("get", "/credits"),
        ("get", "/office/requests"),
        ("get", "/pathways"),
    ],
)
def test_every_endpoint_needs_a_caller(method: str, path: str) -> None:
    response = getattr(anonymous_client(), method)(f"{API}{path}")

    assert response.status_code == 401
    assert response.json()["detail"]


def test_an_educator_submits_a_request_and_lists_it(world: SimpleNamespace) -> None:
    client = token_client(world.learner)

    response = _post(client, "/requests", _body(world))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["status_label"] == "waiting for a decision"
    assert body["rule"] == {
        "id": world.rule.pk,
        "name": "The three AI micro-certificates",
        "version": 1,
        "credits": 6.0,
    }
    assert body["degree"]["code"] == "med-tech" and body["message"] == "Please count these."
    assert [(item["source"], item["verdict"]) for item in body["credentials"]] == [
        ("erdem", "valid"),
        ("erdem", "valid"),
        ("external", "valid"),
    ]
    assert body["credentials"][0]["credential"] == str(world.own[0].public_id)
    assert body["is_office"] is False
    listed = client.get(f"{API}/requests").json()
    assert listed["count"] == 1 and listed["items"][0]["public_id"] == body["public_id"]


def test_refusals_name_the_reason_and_the_field(world: SimpleNamespace) -> None:
    client = token_client(world.learner)

    missing = _post(client, "/requests", _body(world, external=[]))
    forged = _post(client, "/requests", _body(world, external=["not a credential"]))
    foreign = _post(client, "/requests", _body(world, credentials=[str(uuid.uuid4())]))
    no_rule = _post(client, "/requests", _body(world, rule=999999))

    assert missing.status_code == 422
    assert missing.json()["field"] == "external"
    assert missing.json()["detail"] == ("This rule needs 1 external credentials from its accepted issuers; you gave 0.")
    assert forged.status_code == 422 and forged.json()["field"] == "external"
    assert forged.json()["detail"].startswith("External credential 1 (")
    assert foreign.status_code == 422 and foreign.json()["field"] == "credentials"
    assert no_rule.status_code == 422 and no_rule.json()["errors"][0]["loc"] == ["body", "rule"]
    assert not RecognitionRequest.objects.exists()


def test_someone_elses_credential_is_refused_without_naming_it(world: SimpleNamespace) -> None:
    theirs = credential_create(achievement=world.achievements[0], person=world.other_educator)

    response = _post(token_client(world.learner), "/requests", _body(world, credentials=[str(theirs.public_id)]))

    assert response.status_code == 422
    assert response.json()["detail"] == f"You have no credential with the id {theirs.public_id}."


@pytest.mark.parametrize(
    "body",
    [
        {"rule": "first"},
        {"rule": 1, "credentials": ["not-a-uuid"]},
        {"rule": 1, "external": [{"a": 1}]},
        {"rule": 1, "external": ["x"] * 11},
        {"rule": 1, "message": "x" * 4001},
        {"rule": 1, "message": "a\x00b"},
        {"rule": 1, "external": ['{"id": "\\u0000"}']},
        [],
    ],
)
def test_malformed_bodies_are_422(world: SimpleNamespace, body: Any) -> None:
    response = _post(token_client(world.learner), "/requests", body)

    assert response.status_code == 422
    assert response.json()["errors"]


def test_a_body_that_is_not_json_is_400(world: SimpleNamespace) -> None:
    response = token_client(world.learner).post(f"{API}/requests", "{", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"]


def test_only_educators_ask_for_credit(world: SimpleNamespace) -> None:
    response = _post(token_client(world.viewer), "/requests", _body(world))

    assert response.status_code == 403
    assert response.json()["detail"] == "Only educators may ask an open degree programme for credit."


@pytest.mark.parametrize(("who", "status"), [("learner", 200), ("coordinator", 200), ("other_educator", 404)])
def test_a_request_is_read_by_its_learner_and_the_office(world: SimpleNamespace, who: str, status: int) -> None:
    made = _submitted(world)

    response = token_client(getattr(world, who)).get(f"{API}/requests/{made.public_id}")

    assert response.status_code == status
    if status == 200:
        assert response.json()["is_office"] is (who == "coordinator")
        assert response.json()["person"]["id"] == world.learner.pk


def test_a_malformed_request_id_is_a_client_error(world: SimpleNamespace) -> None:
    response = token_client(world.learner).get(f"{API}/requests/not-a-uuid")

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == "public_id"


def test_the_learner_withdraws_once_and_the_office_cannot(world: SimpleNamespace) -> None:
    made = _submitted(world)
    path = f"/requests/{made.public_id}/withdraw"

    office = _post(token_client(world.coordinator), path, {})
    first = _post(token_client(world.learner), path, {})
    again = _post(token_client(world.learner), path, {})

    assert office.status_code == 404
    assert first.status_code == 200 and first.json()["status"] == "withdrawn"
    assert all(item["counts"] is False for item in first.json()["credentials"])
    assert again.status_code == 409
    assert again.json()["detail"] == "Only a request waiting for a decision can be withdrawn."


def test_the_office_decides_and_the_learner_sees_the_credits(world: SimpleNamespace) -> None:
    made = _submitted(world)
    path = f"/requests/{made.public_id}/decision"
    office = token_client(world.coordinator)

    by_learner = _post(token_client(world.learner), path, {"decision": "approve"})
    by_stranger = _post(token_client(world.other_educator), path, {"decision": "approve"})
    unknown = _post(office, path, {"decision": "maybe"})
    no_reason = _post(office, path, {"decision": "reject", "reason": " "})
    approved = _post(office, path, {"decision": "approve", "reason": "Meets the rule."})
    again = _post(office, path, {"decision": "reject", "reason": "Changed my mind."})

    assert by_learner.status_code == 403 and by_stranger.status_code == 404
    assert unknown.status_code == 422
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved" and approved.json()["credits_granted"] == 6.0
    assert again.status_code == 409
    credits = token_client(world.learner).get(f"{API}/credits").json()
    assert [(row["degree"]["code"], row["total"], row["total_credits"]) for row in credits] == [("med-tech", 6.0, 32.0)]
    assert credits[0]["requests"][0]["request"] == str(made.public_id)


def test_the_office_queue(world: SimpleNamespace, django_assert_max_num_queries: Any) -> None:
    for number in (1, 2, 3):
        learner = person_with_role(Role.EDUCATOR, programme=world.programme)
        for achievement in world.achievements:
            credential_create(achievement=achievement, person=learner)
        world.learner, world.own = learner, list(learner.credentials.all())
        _submitted(world, number)
    client = token_client(world.coordinator)

    with django_assert_max_num_queries(8):
        response = client.get(f"{API}/office/requests")
    every = client.get(f"{API}/office/requests?status=all&degree={world.degree.public_id}")
    approved = client.get(f"{API}/office/requests?status=approved")

    assert response.status_code == 200 and response.json()["count"] == 3
    assert all(len(item["credentials"]) == 3 for item in response.json()["items"])
    assert every.json()["count"] == 3 and approved.json()["count"] == 0
    assert client.get(f"{API}/office/requests?status=lost").status_code == 422
    assert client.get(f"{API}/office/requests?degree={uuid.uuid4()}").status_code == 404
    assert client.get(f"{API}/office/requests?degree=12").status_code == 422
    assert client.get(f"{API}/office/requests?page=99999999999999999").status_code == 422
    assert token_client(world.other_educator).get(f"{API}/office/requests").status_code == 403


def test_my_requests_read_in_a_bounded_number_of_queries(
    world: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    _submitted(world)
    client = token_client(world.learner)

    with django_assert_max_num_queries(6):
        response = client.get(f"{API}/requests")

    assert response.status_code == 200 and response.json()["count"] == 1


def test_pathways_with_my_progress(world: SimpleNamespace) -> None:
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=world.programme)
    elective = achievement_create(programme=world.programme, code="EL-1")
    award = achievement_create(programme=world.programme, code="AI-PATHWAY")
    definition = PathwayDefinition(
        code="ai-teacher",
        name_mn="Хиймэл оюунтай багшлах зам",
        name_en="Teaching with AI pathway",
        achievement=award,
        required=world.achievements,
        electives=[elective],
        electives_required=1,
        milestones=[MilestoneDefinition("Суурь", "Foundations", [world.achievements[0]])],
    )
    pathway = pathway_save(programme=world.programme, actor=admin, definition=definition)
    pathway_publish(pathway=pathway, actor=admin, published=True)
    draft = pathway_save(
        programme=world.programme,
        actor=admin,
        definition=PathwayDefinition(
            **{
                **definition.__dict__,
                "code": "draft",
                "achievement": achievement_create(programme=world.programme, code="D"),
            }
        ),
    )

    mine = token_client(world.learner).get(f"{API}/pathways").json()
    admins = token_client(admin).get(f"{API}/pathways").json()

    assert [row["code"] for row in mine] == ["ai-teacher"]
    row = mine[0]
    assert (row["required_done"], row["required_total"], row["electives_done"], row["electives_needed"]) == (2, 2, 0, 1)
    assert (row["steps_done"], row["steps_needed"], row["complete"]) == (2, 3, False)
    assert row["milestones"] == [{"name": "Foundations", "done": 1, "total": 1, "reached": True}]
    assert row["required"][0]["credential"] == str(world.own[0].public_id)
    assert {item["code"] for item in admins} == {"ai-teacher", draft.code}
