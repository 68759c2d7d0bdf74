import json

import pytest

from erdem.api.tests.helpers import anonymous_client, cast, session_client
from erdem.credentials.identity import credential_url
from erdem.credentials.models import Achievement, Credential
from erdem.credentials.tests.factories import achievement_create, credential_create

pytestmark = pytest.mark.django_db

BASE = "/api/v1/credentials"


@pytest.fixture
def world():
    people = cast()
    achievement = achievement_create(programme=people.programme)
    achievement_create(programme=people.programme, code="DRAFT-1", status=Achievement.Status.DRAFT)
    held = credential_create(achievement=achievement, person=people.educator)
    other = credential_create(achievement=achievement, person=people.stranger)
    return people, achievement, held, other


def test_achievements_are_public_in_both_languages(world):
    _people, achievement, _held, _other = world

    listed = anonymous_client().get(f"{BASE}/achievements")
    detail = anonymous_client(language="mn").get(f"{BASE}/achievements/{achievement.public_id}")

    assert listed.status_code == 200
    [item] = listed.json()
    assert item["code"] == "AI-101-MC"
    assert item["name"] == "Foundations of AI in Education"
    assert item["name_mn"] == achievement.name_mn
    assert item["outcomes_en"] == ["Choose AI tools", "Assess ethical risks"]
    assert item["workload_hours"] == 30 and item["ects"] == 1 and item["eqf_level"] == 6
    assert detail.status_code == 200
    assert detail.json()["name"] == achievement.name_mn
    assert detail.json()["document"]["type"] == ["Achievement"]
    assert detail.json()["document"]["humanCode"] == "AI-101-MC"


def test_a_draft_achievement_is_not_found(world):
    draft = Achievement.objects.get(code="DRAFT-1")

    assert anonymous_client().get(f"{BASE}/achievements/{draft.public_id}").status_code == 404


def test_own_credentials_only(world):
    people, _achievement, held, _other = world

    assert anonymous_client().get(f"{BASE}/credentials").status_code == 401
    mine = people.client("educator").get(f"{BASE}/credentials")
    assert mine.status_code == 200
    assert [item["public_id"] for item in mine.json()["items"]] == [str(held.public_id)]
    assert mine.json()["items"][0]["url"] == credential_url(held.public_id)
    assert people.client("coordinator").get(f"{BASE}/credentials").json()["items"] == []
    assert people.client("educator").get(f"{BASE}/credentials", {"status": "revoked"}).json()["items"] == []
    assert people.client("educator").get(f"{BASE}/credentials", {"status": "lost"}).status_code == 422


def test_national_admins_filter(world):
    people, achievement, held, other = world

    by_person = people.client("admin").get(f"{BASE}/credentials", {"person": people.stranger.pk})
    by_achievement = people.client("admin").get(f"{BASE}/credentials", {"achievement": str(achievement.public_id)})
    refused = people.client("educator").get(f"{BASE}/credentials", {"person": people.stranger.pk})

    assert [item["public_id"] for item in by_person.json()["items"]] == [str(other.public_id)]
    assert {item["public_id"] for item in by_achievement.json()["items"]} == {str(held.public_id), str(other.public_id)}
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only national admins may list other people's credentials."


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("educator", 200),
        ("coordinator", 200),
        ("admin", 200),
        ("stranger", 404),
        ("viewer", 404),
        ("colleague", 404),
    ],
)
def test_one_credential(world, who, status):
    people, _achievement, held, _other = world

    response = people.client(who).get(f"{BASE}/credentials/{held.public_id}")

    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["document"] == held.document
        assert body["jwt"] == held.jwt
        assert body["status"] == "active"
        assert body["events"][0]["action"] == "issue"


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 401), ("educator", 403), ("coordinator", 403), ("stranger", 404)]
)
def test_only_national_admins_revoke(world, who, status):
    people, _achievement, held, _other = world

    response = people.client(who).post(
        f"{BASE}/credentials/{held.public_id}/revoke", {"reason": "Mistake."}, content_type="application/json"
    )

    assert response.status_code == status
    held.refresh_from_db()
    assert held.status == Credential.Status.ACTIVE


def test_revoke_suspend_reinstate(world):
    people, _achievement, held, _other = world
    admin = people.client("admin")
    path = f"{BASE}/credentials/{held.public_id}"

    def post(action: str, reason: str = "Checked by the council."):
        return admin.post(f"{path}/{action}", {"reason": reason}, content_type="application/json")

    no_reason = post("suspend", reason="  ")
    assert no_reason.status_code == 400
    assert no_reason.json()["detail"] == "Please give a reason: it is kept in the credential's history."
    assert post("reinstate").status_code == 400  # it is not suspended
    suspended = post("suspend")
    assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"
    verified = anonymous_client().post(f"{BASE}/verify", {"jwt": held.jwt}, content_type="application/json")
    assert verified.json()["facts"]["status"] == "suspended"
    assert post("reinstate").json()["status"] == "active"
    assert post("revoke").json()["status"] == "revoked"
    again = post("revoke")
    assert again.status_code == 400
    assert "cannot be changed that way" in again.json()["detail"]
    assert [event["action"] for event in admin.get(path).json()["events"]] == [
        "issue",
        "suspend",
        "reinstate",
        "revoke",
    ]


def test_verify_is_open_to_anyone(world):
    _people, _achievement, held, _other = world
    client = anonymous_client()

    by_document = client.post(f"{BASE}/verify", {"credential": held.document}, content_type="application/json")
    by_jwt = client.post(f"{BASE}/verify", {"jwt": held.jwt}, content_type="application/json")
    by_url = client.post(f"{BASE}/verify", {"url": credential_url(held.public_id)}, content_type="application/json")

    for response in (by_document, by_jwt, by_url):
        assert response.status_code == 200
        body = response.json()
        assert body["verdict"] == "valid"
        assert [check["code"] for check in body["checks"]][:5] == ["format", "signature", "issuer", "status", "dates"]
        assert body["facts"]["public_url"] == credential_url(held.public_id)
        assert body["facts"]["identities"][0]["hashed"] is True
    assert by_jwt.json()["format"] == "vc-jwt"
    assert by_document.json()["checks"][1]["message"] == (
        "The signature is genuine: nothing in the credential was changed since it was issued."
    )


def test_verify_answers_in_the_callers_language(world):
    _people, _achievement, held, _other = world

    response = anonymous_client(language="mn").post(
        f"{BASE}/verify", {"jwt": held.jwt}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "mn"


def test_verify_with_a_session_needs_csrf(world):
    people, _achievement, held, _other = world
    client = session_client(people.educator, enforce_csrf_checks=True)

    response = client.post(f"{BASE}/verify", {"jwt": held.jwt}, content_type="application/json")

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ("{not json", 400, "The request could not be read. Send a JSON body."),
        ("[1]", 400, "Send a JSON object with one of: credential, jwt, url, code."),
        ('{"jwt": 5}', 400, "jwt must be a string."),
        ('{"code": ["Q80T"]}', 400, "code must be a string."),
        ('{"code": "' + "Q" * 41 + '"}', 400, "code is too long."),
        ("{}", 400, "Send exactly one of: credential, jwt, url, code."),
        ('{"jwt": "a.b.c", "url": "https://example.org/"}', 400, "Send exactly one of: credential, jwt, url, code."),
        (
            '{"code": "Q80T-GEXZ", "url": "https://example.org/"}',
            400,
            "Send exactly one of: credential, jwt, url, code.",
        ),
        ('{"credential": "not json"}', 400, "credential must be a JSON object; you sent a string that is not JSON."),
        (
            '{"credential": "[1, 2]"}',
            400,
            "credential must be a JSON object; you sent a string that is not a JSON object.",
        ),
        (
            '{"credential": "aaa.bbb.ccc"}',
            400,
            "credential must be a JSON object; you sent a string that looks like a VC-JWT: send it as jwt.",
        ),
        ('{"credential": [1]}', 400, "credential must be a JSON object; you sent a list."),
        ('{"credential": 5}', 400, "credential must be a JSON object; you sent a number."),
        ('{"credential": true}', 400, "credential must be a JSON object; you sent true or false."),
        (json.dumps({"credential": "[" * 200 + "]" * 200}), 400, None),
        ('{"credential": ' + "[" * 200 + "]" * 200 + "}", 400, None),
        (json.dumps({"credential": {"name": "x" * (1024 * 1024 + 10)}}), 413, None),
    ],
)
def test_verify_refuses_bad_bodies_cleanly(body, status, detail):
    response = anonymous_client().post(f"{BASE}/verify", body, content_type="application/json")

    assert response.status_code == status
    if detail:
        assert response.json()["detail"] == detail


def test_verify_a_malformed_credential_is_an_invalid_verdict():
    response = anonymous_client().post(
        f"{BASE}/verify", {"credential": {"hello": "world"}}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["verdict"] == "invalid"
    assert response.json()["checks"][0]["status"] == "fail"


def test_verify_accepts_the_credential_as_a_json_string(world):
    _people, _achievement, held, _other = world

    response = anonymous_client().post(
        f"{BASE}/verify", {"credential": " " + json.dumps(held.document) + "\n"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["verdict"] == "valid"
    assert response.json()["format"] == "data-integrity"


@pytest.mark.parametrize("typed", ["{code}", "{lower_spaced}", "  {code}  "])
def test_verify_a_code_like_the_page(world, typed):
    _people, _achievement, held, _other = world
    code = held.verification_code

    response = anonymous_client().post(
        f"{BASE}/verify",
        {"code": typed.format(code=code, lower_spaced=code.lower().replace("-", " "))},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["verdict"] == "valid"
    assert response.json()["facts"]["public_url"] == credential_url(held.public_id)


def test_verify_an_unknown_or_empty_code_is_an_invalid_verdict(world):
    client = anonymous_client()

    unknown = client.post(f"{BASE}/verify", {"code": "ZZZZ-ZZZZ"}, content_type="application/json")
    empty = client.post(f"{BASE}/verify", {"code": " "}, content_type="application/json")

    assert unknown.status_code == empty.status_code == 200
    assert unknown.json()["checks"][0]["message"] == "No credential of this platform has this verification code."
    assert empty.json()["checks"][0]["message"] == "Nothing to check."


def test_verify_marks_a_forgerys_facts_as_unconfirmed(world):
    _people, _achievement, held, _other = world
    forged = dict(held.document, name="Master of Everything")

    genuine = anonymous_client().post(f"{BASE}/verify", {"credential": held.document}, content_type="application/json")
    response = anonymous_client().post(f"{BASE}/verify", {"credential": forged}, content_type="application/json")

    assert genuine.json()["facts"]["verified"] is True
    body = response.json()
    assert body["verdict"] == "invalid"
    assert body["facts"]["verified"] is False
    assert [check["status"] for check in body["checks"]] == ["pass", "fail"] + ["not-checked"] * 4


@pytest.mark.parametrize("language", ["mn", "en"])
def test_verify_names_our_issuer_in_the_callers_language(world, language):
    people, _achievement, held, _other = world
    centre = people.programme.national_centre

    response = anonymous_client(language=language).post(
        f"{BASE}/verify", {"jwt": held.jwt}, content_type="application/json"
    )

    assert response.json()["facts"]["issuer_name"] == (centre.name_en if language == "en" else centre.name_mn)
