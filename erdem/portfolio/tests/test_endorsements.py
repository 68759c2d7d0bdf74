"""Endorsements of portfolio entries: asking, answering (a signed Open Badges 3.0 EndorsementCredential) or
declining, withdrawing, the pages and who may see what."""

import json
from typing import cast

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.cascade.models import MentorAssignment
from erdem.credentials.identity import absolute_url, issuer_did
from erdem.credentials.proofs.contexts import CREDENTIALS_V2, OB_V3
from erdem.credentials.proofs.data_integrity import proof_verify
from erdem.credentials.proofs.jwt import jwt_decode
from erdem.credentials.verification import KeyResolver
from erdem.people.tests.factories import make_person
from erdem.portfolio.endorsements import (
    EndorsementError,
    endorsement_decline,
    endorsement_give,
    endorsement_request,
    endorsement_withdraw,
    mentor_suggested,
)
from erdem.portfolio.models import Endorsement, Entry
from erdem.portfolio.tests.factories import EndorsementFactory, make_entry
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def owner(programme):
    return person_with_role(Role.EDUCATOR, programme=programme, preferred_language="en")


@pytest.fixture
def endorser(programme):
    return person_with_role(Role.EDUCATOR, programme=programme, preferred_language="en")


@pytest.fixture
def entry(owner):
    return make_entry(person=owner, title="Хиймэл оюунтай эссэ", visibility=Entry.Visibility.PRIVATE)


def ask(entry, owner, endorser, relation=Endorsement.Relation.PEER, note="Please read it."):
    return endorsement_request(
        entry=entry, owner=owner, endorser_email=endorser.email.upper(), relation=relation, note=note
    )


def client_for(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


# --- the services ---------------------------------------------------------------------------------------------


def test_asking_mails_the_endorser_in_their_language_after_the_commit(
    entry, owner, endorser, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        endorsement = ask(entry, owner, endorser)
        assert mailoutbox == []  # nothing before the commit
    assert len(callbacks) == 1
    assert endorsement.endorser == endorser and endorsement.status == Endorsement.Status.REQUESTED
    [message] = mailoutbox
    assert message.to == [endorser.email]
    assert "asks for your endorsement" in message.subject
    assert reverse("portfolio:endorsement", args=[endorsement.public_id]) in message.body
    assert "Please read it." in message.body


def test_the_demo_asks_and_answers_without_mail(entry, owner, endorser, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        endorsement = endorsement_request(
            entry=entry, owner=owner, endorser_email=endorser.email, relation="peer", note="", notify=False
        )
        endorsement_give(endorsement=endorsement, endorser=endorser, comment="Good.", notify=False)
    assert callbacks == [] and mailoutbox == []


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("", "Give the e-mail address"),
        ("nobody@example.mn", "No one registered in the programme"),
    ],
)
def test_asking_refuses_a_missing_or_unknown_address(entry, owner, email, expected):
    with pytest.raises(EndorsementError) as refused:
        endorsement_request(entry=entry, owner=owner, endorser_email=email, relation="peer", note="")
    assert expected in refused.value.message and refused.value.field == "email"
    assert not Endorsement.objects.exists()


def test_a_person_without_a_role_is_as_unknown_as_a_stranger(entry, owner):
    outsider = make_person()
    with pytest.raises(EndorsementError) as refused:
        endorsement_request(entry=entry, owner=owner, endorser_email=outsider.email, relation="peer", note="")
    assert "No one registered in the programme" in refused.value.message
    assert outsider.full_name not in refused.value.message


def test_asking_oneself_is_refused(entry, owner):
    with pytest.raises(EndorsementError, match="cannot endorse your own work"):
        ask(entry, owner, owner)


def test_only_the_author_asks(entry, endorser, programme):
    other = person_with_role(Role.EDUCATOR, programme=programme)
    with pytest.raises(EndorsementError, match="Only the entry's author"):
        ask(entry, other, endorser)


def test_an_open_request_is_not_asked_twice_and_the_database_refuses_it_too(entry, owner, endorser):
    ask(entry, owner, endorser)
    with pytest.raises(EndorsementError, match="already been asked"):
        ask(entry, owner, endorser)
    with pytest.raises(IntegrityError), transaction.atomic():
        Endorsement.objects.create(entry=entry, endorser=endorser, relation="peer")
    assert Endorsement.objects.count() == 1


def test_after_a_decline_the_person_can_be_asked_again(entry, owner, endorser):
    endorsement_decline(endorsement=ask(entry, owner, endorser), endorser=endorser)
    assert ask(entry, owner, endorser).status == Endorsement.Status.REQUESTED


def test_a_bad_relation_or_a_long_note_is_refused(entry, owner, endorser):
    with pytest.raises(EndorsementError, match="mentor or a peer"):
        ask(entry, owner, endorser, relation="boss")
    with pytest.raises(EndorsementError, match="1000 characters"):
        ask(entry, owner, endorser, note="x" * 1001)


def test_the_current_mentor_is_suggested(owner, programme):
    assert mentor_suggested(owner=owner) is None
    mentor = person_with_role(Role.MENTOR, programme=programme)
    MentorAssignment.objects.create(programme=programme, mentor=mentor, mentee=owner)
    assert mentor_suggested(owner=owner) == mentor


def test_endorsing_signs_an_open_badges_endorsement_credential(
    entry, owner, endorser, programme, mailoutbox, django_capture_on_commit_callbacks
):
    endorsement = ask(entry, owner, endorser, relation=Endorsement.Relation.MENTOR)
    with django_capture_on_commit_callbacks(execute=True):
        given = endorsement_give(endorsement=endorsement, endorser=endorser, comment="  Careful, original work.  ")
    document = given.document
    assert document is not None
    assert given.status == Endorsement.Status.GIVEN and given.comment == "Careful, original work."
    assert document["@context"] == [CREDENTIALS_V2, OB_V3]
    assert document["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert document["id"] == absolute_url(reverse("portfolio:endorsement", args=[given.public_id]))
    assert document["issuer"]["id"] == issuer_did()
    assert endorser.full_name in document["name"] and "(mentor)" in document["name"]
    assert "“Хиймэл оюунтай эссэ”" in document["name"]
    assert document["credentialSubject"] == {
        "id": absolute_url(reverse("portfolio:entry", args=[entry.public_id])),
        "type": ["EndorsementSubject"],
        "endorsementComment": "Careful, original work.",
    }
    proof_verify(document, resolve_key=KeyResolver())  # raises when the signature does not hold
    payload = jwt_decode(given.jwt, resolve_key=KeyResolver())
    assert payload["credentialSubject"] == document["credentialSubject"]
    [message] = mailoutbox
    assert message.to == [owner.email] and "endorsed your entry" in message.subject


def test_only_the_person_asked_answers_and_only_once(entry, owner, endorser, programme):
    endorsement = ask(entry, owner, endorser)
    stranger = person_with_role(Role.EDUCATOR, programme=programme)
    with pytest.raises(EndorsementError, match="Only the person asked"):
        endorsement_give(endorsement=endorsement, endorser=stranger, comment="Fine.")
    with pytest.raises(EndorsementError, match="Only the person asked"):
        endorsement_decline(endorsement=endorsement, endorser=owner)
    with pytest.raises(EndorsementError, match="Write what you endorse"):
        endorsement_give(endorsement=endorsement, endorser=endorser, comment="   ")
    endorsement_give(endorsement=endorsement, endorser=endorser, comment="Fine.")
    with pytest.raises(EndorsementError, match="already been answered"):
        endorsement_give(endorsement=endorsement, endorser=endorser, comment="Again.")
    with pytest.raises(EndorsementError, match="already been answered"):
        endorsement_decline(endorsement=endorsement, endorser=endorser)


def test_the_database_refuses_a_given_endorsement_without_its_signed_document(entry, endorser):
    with pytest.raises(IntegrityError), transaction.atomic():
        Endorsement.objects.create(entry=entry, endorser=endorser, relation="peer", status="given")


def test_declining_tells_the_author(entry, owner, endorser, mailoutbox, django_capture_on_commit_callbacks):
    endorsement = ask(entry, owner, endorser)
    with django_capture_on_commit_callbacks(execute=True):
        declined = endorsement_decline(endorsement=endorsement, endorser=endorser)
    assert declined.status == Endorsement.Status.DECLINED and declined.document is None
    [message] = mailoutbox
    assert message.to == [owner.email] and "declined" in message.subject


def test_withdrawing(entry, owner, endorser, programme):
    request = ask(entry, owner, endorser)
    with pytest.raises(EndorsementError, match="Decline the request instead"):
        endorsement_withdraw(endorsement=request, person=endorser)
    stranger = person_with_role(Role.EDUCATOR, programme=programme)
    with pytest.raises(EndorsementError, match="Only the entry's author or the endorser"):
        endorsement_withdraw(endorsement=request, person=stranger)
    assert endorsement_withdraw(endorsement=request, person=owner).status == Endorsement.Status.WITHDRAWN
    given = endorsement_give(endorsement=ask(entry, owner, endorser), endorser=endorser, comment="Good.")
    assert endorsement_withdraw(endorsement=given, person=endorser).status == Endorsement.Status.WITHDRAWN
    with pytest.raises(EndorsementError, match="already been answered or withdrawn"):
        endorsement_withdraw(endorsement=given, person=owner)


# --- the pages ------------------------------------------------------------------------------------------------


def test_the_request_page_is_the_authors(client, entry, owner, endorser, programme):
    url = reverse("portfolio:endorsement_request", args=[entry.public_id])
    assert client.get(url).status_code == 302  # to the login page
    assert client_for(endorser).get(url).status_code == 404
    assert client_for(endorser).post(url, {"email": owner.email, "relation": "peer"}).status_code == 404
    mentor = person_with_role(Role.MENTOR, programme=programme)
    MentorAssignment.objects.create(programme=programme, mentor=mentor, mentee=owner)
    page = client_for(owner).get(url)
    assert page.status_code == 200
    assert f'value="{mentor.email}"' in page.content.decode()


def test_asking_on_the_page(entry, owner, endorser):
    client = client_for(owner)
    url = reverse("portfolio:endorsement_request", args=[entry.public_id])
    response = client.post(url, {"email": endorser.email, "relation": "mentor", "note": "Thanks!"})
    assert response.status_code == 302
    endorsement = Endorsement.objects.get()
    assert (endorsement.endorser, endorsement.relation, endorsement.request_note) == (endorser, "mentor", "Thanks!")
    again = client.post(url, {"email": endorser.email, "relation": "mentor"})
    assert again.status_code == 200 and "already been asked" in again.content.decode()
    own = client.post(url, {"email": owner.email, "relation": "peer"})
    assert "cannot endorse your own work" in own.content.decode()
    assert Endorsement.objects.count() == 1


def test_the_inbox(client, entry, owner, endorser, programme, django_assert_max_num_queries):
    assert client.get(reverse("portfolio:endorsements")).status_code == 302
    for number in range(3):
        other = make_entry(person=owner, title=f"Entry {number}")
        ask(other, owner, endorser)
    done = ask(entry, owner, endorser)
    endorsement_give(endorsement=done, endorser=endorser, comment="Good.")
    client = client_for(endorser)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("portfolio:endorsements"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Entry 0" in text and "Entry 2" in text and entry.title in text
    assert "Endorsements you asked for" in text


def test_a_stranger_cannot_open_or_answer_someone_elses_request(entry, owner, endorser, programme):
    endorsement = ask(entry, owner, endorser)
    url = reverse("portfolio:endorsement", args=[endorsement.public_id])
    assert Client().get(url).status_code == 302  # to the login page
    stranger = client_for(person_with_role(Role.EDUCATOR, programme=programme))
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"action": "give", "answer-comment": "Yes"}).status_code == 404
    # The author reads the request but cannot answer it.
    assert client_for(owner).get(url).status_code == 200
    assert client_for(owner).post(url, {"action": "give", "answer-comment": "Yes"}).status_code == 403
    assert client_for(owner).post(url, {"action": "decline"}).status_code == 403
    endorsement.refresh_from_db()
    assert endorsement.status == Endorsement.Status.REQUESTED


def test_endorsing_on_the_page_keeps_html_inert(entry, owner, endorser):
    endorsement = ask(entry, owner, endorser)
    url = reverse("portfolio:endorsement", args=[endorsement.public_id])
    client = client_for(endorser)
    page = client.get(url)
    assert page.status_code == 200 and entry.title in page.content.decode()
    empty = client.post(url, {"action": "give", "answer-comment": ""})
    assert empty.status_code == 200 and "Write what you endorse" in empty.content.decode()
    comment = '<script>alert("x")</script> Strong <b>work</b>'
    assert client.post(url, {"action": "give", "answer-comment": comment}).status_code == 302
    endorsement.refresh_from_db()
    assert endorsement.status == Endorsement.Status.GIVEN
    assert endorsement.document["credentialSubject"]["endorsementComment"] == comment  # data, not markup
    for reader in (client, client_for(owner)):
        text = reader.get(url).content.decode()
        assert '<script>alert("x")</script>' not in text and escape(comment) in text
    # Answered: the form is gone and a second answer is refused.
    assert client.post(url, {"action": "give", "answer-comment": "Again"}).status_code == 403


def test_declining_and_withdrawing_on_the_page(entry, owner, endorser):
    endorsement = ask(entry, owner, endorser)
    url = reverse("portfolio:endorsement", args=[endorsement.public_id])
    assert client_for(endorser).post(url, {"action": "decline"}).status_code == 302
    endorsement.refresh_from_db()
    assert endorsement.status == Endorsement.Status.DECLINED
    second = ask(entry, owner, endorser)
    second_url = reverse("portfolio:endorsement", args=[second.public_id])
    refused = client_for(endorser).post(second_url, {"action": "withdraw"}, follow=True)
    assert "Decline the request instead" in refused.content.decode()
    assert client_for(owner).post(second_url, {"action": "withdraw"}).status_code == 302
    second.refresh_from_db()
    assert second.status == Endorsement.Status.WITHDRAWN


def test_the_signed_credential_is_served_to_those_who_may_read_the_entry(client, entry, owner, endorser, programme):
    endorsement = endorsement_give(endorsement=ask(entry, owner, endorser), endorser=endorser, comment="Good.")
    url = reverse("portfolio:endorsement_credential", args=[endorsement.public_id])
    stranger = client_for(person_with_role(Role.EDUCATOR, programme=programme))
    assert client.get(url).status_code == 404  # a private entry
    assert stranger.get(url).status_code == 404
    for reader in (client_for(owner), client_for(endorser)):
        response = reader.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        assert "attachment" in response["Content-Disposition"]
        assert json.loads(response.content) == endorsement.document
    jwt = client_for(owner).get(url, {"format": "jwt"})
    assert jwt.content.decode() == endorsement.jwt
    Entry.objects.filter(pk=entry.pk).update(visibility=Entry.Visibility.PUBLIC)
    assert client.get(url).status_code == 200  # anyone, for a public entry
    endorsement_withdraw(endorsement=endorsement, person=owner)
    assert client.get(url).status_code == 404


def test_an_unanswered_request_has_no_credential(client, entry, owner, endorser):
    endorsement = cast(Endorsement, EndorsementFactory(entry=entry, endorser=endorser))
    url = reverse("portfolio:endorsement_credential", args=[endorsement.public_id])
    assert client_for(owner).get(url).status_code == 404
