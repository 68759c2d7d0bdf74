"""The portfolio API: my entries, grid and learning record; an entry for those the entry page lets in (404 for
others); a public portfolio by its link, anonymous, public entries only."""

import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.api.tests.helpers import anonymous_client, token_client
from erdem.credentials.models import Credential
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.people.tests.factories import PersonFactory
from erdem.portfolio.endorsements import endorsement_give, endorsement_request
from erdem.portfolio.models import Entry
from erdem.portfolio.services import portfolio_public_link_set, portfolio_update
from erdem.portfolio.tests.factories import make_entry
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/portfolio"
XSS = '<script>alert("x")</script> [click](javascript:alert(2)) **bold**'


@pytest.fixture
def world() -> SimpleNamespace:
    programme = ProgrammeFactory()
    en = {"preferred_language": "en"}
    owner = person_with_role(Role.EDUCATOR, programme=programme, **en)
    return SimpleNamespace(
        programme=programme,
        owner=owner,
        colleague=person_with_role(Role.EDUCATOR, programme=programme, institution=owner.institution, **en),
        stranger=person_with_role(Role.EDUCATOR, programme=programme, **en),
        coordinator=person_with_role(Role.COORDINATOR, programme=programme, institution=owner.institution, **en),
        private=make_entry(person=owner, title="Private notes", competency_codes=["1.1"], body=XSS),
        shared=make_entry(
            person=owner,
            title="Shared with my institution",
            kind=Entry.Kind.REFLECTION,
            visibility=Entry.Visibility.INSTITUTION,
            competency_codes=["1.1", "2.2"],
        ),
        public=make_entry(
            person=owner, title="A public talk", kind=Entry.Kind.TALK, visibility=Entry.Visibility.PUBLIC
        ),
    )


@pytest.mark.parametrize("path", ["/entries", f"/entries/{uuid.uuid4()}", "/grid", "/clr"])
def test_my_portfolio_needs_a_caller(path: str) -> None:
    response = anonymous_client().get(f"{API}{path}")

    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.parametrize("path", ["/entries", "/grid", "/clr"])
def test_a_portfolio_is_kept_by_people_with_a_role(path: str) -> None:
    response = token_client(PersonFactory(preferred_language="en")).get(f"{API}{path}")

    assert response.status_code == 403
    assert response.json()["detail"] == "A portfolio is kept by people with a role in a programme."


def test_my_entries_only_mine_and_filtered(world: SimpleNamespace, django_assert_max_num_queries: Any) -> None:
    make_entry(person=world.colleague, title="Not mine")
    client = token_client(world.owner)

    with django_assert_max_num_queries(6):
        response = client.get(f"{API}/entries")
    talks = client.get(f"{API}/entries?kind=talk")
    unknown = client.get(f"{API}/entries?kind=poem")

    assert response.status_code == 200 and response.json()["count"] == 3
    titles = {item["title"] for item in response.json()["items"]}
    assert titles == {"Private notes", "Shared with my institution", "A public talk"}
    shared = next(item for item in response.json()["items"] if item["visibility"] == "institution")
    assert shared["competencies"] == ["unesco-ai-cft:1.1", "unesco-ai-cft:2.2"]
    assert shared["kind_label"] == "reflection" and shared["url"] == f"/portfolio/entries/{world.shared.public_id}/"
    assert [item["title"] for item in talks.json()["items"]] == ["A public talk"]
    assert unknown.status_code == 422 and unknown.json()["detail"].startswith("Unknown kind “poem”")


@pytest.mark.parametrize(
    ("who", "entry", "status"),
    [
        ("owner", "private", 200),
        ("colleague", "shared", 200),
        ("colleague", "public", 200),
        ("colleague", "private", 404),
        ("stranger", "shared", 404),
        ("coordinator", "private", 404),
    ],
)
def test_an_entry_is_read_as_its_page_allows(world: SimpleNamespace, who: str, entry: str, status: int) -> None:
    response = token_client(getattr(world, who)).get(f"{API}/entries/{getattr(world, entry).public_id}")

    assert response.status_code == status
    if status == 200:
        assert response.json()["entry"]["public_id"] == str(getattr(world, entry).public_id)
        assert response.json()["is_owner"] is (who == "owner")


def test_an_entry_body_comes_as_written_and_sanitised(world: SimpleNamespace) -> None:
    body = token_client(world.owner).get(f"{API}/entries/{world.private.public_id}").json()

    assert body["body"] == XSS
    assert "<script" not in body["body_html"] and 'href="javascript' not in body["body_html"]
    assert "<strong>bold</strong>" in body["body_html"]
    assert body["owner"] == world.owner.full_name and body["endorsements"] == []


def test_an_endorsed_entry_lists_the_endorsement(world: SimpleNamespace) -> None:
    asked = endorsement_request(
        entry=world.shared, owner=world.owner, endorser_email=world.colleague.email, relation="peer", note=""
    )
    endorsement_give(endorsement=asked, endorser=world.colleague, comment="Thoughtful.", notify=False)

    body = token_client(world.stranger).get(f"{API}/entries/{world.shared.public_id}")
    mine = token_client(world.owner).get(f"{API}/entries/{world.shared.public_id}").json()

    assert body.status_code == 404
    assert mine["entry"]["endorsements_given"] == 1
    assert [(e["endorser"], e["comment"], e["relation"]) for e in mine["endorsements"]] == [
        (world.colleague.full_name, "Thoughtful.", "peer")
    ]


def test_a_malformed_entry_id_is_a_client_error(world: SimpleNamespace) -> None:
    response = token_client(world.owner).get(f"{API}/entries/not-a-uuid")

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == "public_id"


def test_my_grid_has_fifteen_cells_with_counts(world: SimpleNamespace) -> None:
    achievement = achievement_create(programme=world.programme)
    credential_create(achievement=achievement, person=world.owner)

    body = token_client(world.owner).get(f"{API}/grid").json()

    assert len(body["cells"]) == body["cells_total"] == 15 and len(body["levels"]) == 3
    cells = {cell["competency"]: cell for cell in body["cells"]}
    assert cells["unesco-ai-cft:1.1"]["entries"] == 2 and cells["unesco-ai-cft:1.1"]["strength"] == "documented"
    assert cells["unesco-ai-cft:2.2"]["entries"] == 1
    assert body["cells_evidenced"] == sum(cell["strength"] != "none" for cell in body["cells"])


def test_my_learning_record_empty_then_signed(world: SimpleNamespace) -> None:
    client = token_client(world.owner)

    empty = client.get(f"{API}/clr")
    credential = credential_create(achievement=achievement_create(programme=world.programme), person=world.owner)
    signed = client.get(f"{API}/clr")

    assert empty.status_code == 409
    assert empty.json()["detail"].startswith("Your learning record is empty")
    assert signed.status_code == 200
    document = signed.json()["document"]
    assert "ClrCredential" in document["type"] and document["proof"]
    assert document["credentialSubject"]["verifiableCredential"][0]["id"] == credential.document["id"]
    assert signed.json()["jwt"].count(".") == 2
    assert world.owner.email not in signed.content.decode()


def test_a_public_portfolio_for_anyone_with_the_link(
    world: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    portfolio_update(person=world.owner, headline="Mathematics teacher", summary="")
    token = portfolio_public_link_set(person=world.owner, enabled=True).public_token
    shown = credential_create(achievement=achievement_create(programme=world.programme), person=world.owner)
    hidden = credential_create(
        achievement=achievement_create(programme=world.programme, code="AI-201-MC"), person=world.owner
    )
    Credential.objects.filter(pk=hidden.pk).update(show_name=False)

    client = anonymous_client()

    with django_assert_max_num_queries(12):
        response = client.get(f"{API}/public/{token}")

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["headline"]) == (world.owner.full_name, "Mathematics teacher")
    assert [entry["title"] for entry in body["entries"]] == ["A public talk"]
    assert body["entries"][0]["url"] == f"/portfolio/p/{token}/{world.public.public_id}/"
    assert [credential["public_id"] for credential in body["credentials"]] == [str(shown.public_id)]
    assert len(body["grid"]["cells"]) == 15
    assert world.owner.email not in response.content.decode()


def test_a_public_link_turned_off_or_wrong_is_404(world: SimpleNamespace) -> None:
    token = portfolio_public_link_set(person=world.owner, enabled=True).public_token
    portfolio_public_link_set(person=world.owner, enabled=False)

    assert anonymous_client().get(f"{API}/public/{token}").status_code == 404
    assert anonymous_client().get(f"{API}/public/{'x' * 500}").status_code == 404
    assert anonymous_client().get(f"{API}/public/%00").status_code == 404
