"""Endorsements of portfolio entries: asking, answering (a signed Open Badges 3.0 EndorsementCredential) or
declining, withdrawing, the pages and who may see what."""

import json
import re
from typing import cast

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.cascade.models import MentorAssignment
from erdem.credentials.identity import absolute_url, issuer_did
from erdem.credentials.models import StatusList
from erdem.credentials.proofs.contexts import CREDENTIALS_V2, OB_V3
from erdem.credentials.proofs.data_integrity import proof_verify
from erdem.credentials.proofs.jwt import jwt_decode
from erdem.credentials.status import REVOKED, VALID, status_read
from erdem.credentials.verification import KeyResolver, credential_verify
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
def endorser(programme, owner):
    """A peer: a colleague of the owner's institution."""
    return person_with_role(Role.EDUCATOR, programme=programme, institution=owner.institution, preferred_language="en")


@pytest.fixture
def mentor(programme):
    """A mentor of the programme, at another institution."""
    return person_with_role(Role.MENTOR, programme=programme, preferred_language="en")


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
        ("nobody@example.mn", "We cannot ask this person"),
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
    assert "We cannot ask this person" in refused.value.message
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
    entry, owner, mentor, programme, mailoutbox, django_capture_on_commit_callbacks
):
    endorser = mentor
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
    response = client.post(url, {"email": endorser.email, "relation": "peer", "note": "Thanks!"})
    assert response.status_code == 302
    endorsement = Endorsement.objects.get()
    assert (endorsement.endorser, endorsement.relation, endorsement.request_note) == (endorser, "peer", "Thanks!")
    again = client.post(url, {"email": endorser.email, "relation": "peer"})
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
    assert "Lesson plan" in page.content.decode()  # the entry's kind, capitalised
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


# --- who may be asked -------------------------------------------------------------------------------------------

NOT_ELIGIBLE = (
    "We cannot ask this person: a mentor must hold a mentor, trainer or master-teacher role, and a peer must work "
    "at your institution."
)


@pytest.mark.parametrize("role", [Role.MENTOR, Role.TRAINER, Role.MASTER_TEACHER])
def test_a_mentor_holds_a_mentoring_role_anywhere(entry, owner, role):
    mentor = person_with_role(role, programme=ProgrammeFactory())  # another institution, another programme
    assert ask(entry, owner, mentor, relation=Endorsement.Relation.MENTOR).endorser == mentor


def test_a_peer_works_at_the_owners_institution(entry, owner, endorser, mentor):
    assert ask(entry, owner, endorser, relation=Endorsement.Relation.PEER).endorser == endorser
    with pytest.raises(EndorsementError) as refused:
        ask(entry, owner, mentor, relation=Endorsement.Relation.PEER)  # a mentor, but not a colleague
    assert refused.value.message == NOT_ELIGIBLE


def test_who_may_not_endorse_gets_the_same_answer_as_an_unknown_address(entry, owner, endorser, programme):
    viewer = person_with_role(Role.MINISTRY_VIEWER, programme=programme)
    colleague_without_role = make_person(institution=owner.institution)
    left = person_with_role(Role.EDUCATOR, programme=programme, institution=owner.institution, is_active=False)
    refusals = [
        (viewer.email, "mentor"),  # the tryout's case: a ministry viewer declared a mentor
        (viewer.email, "peer"),
        (endorser.email, "mentor"),  # a colleague, but no mentoring role
        (colleague_without_role.email, "peer"),
        (left.email, "peer"),
        ("nobody@example.mn", "mentor"),
        ("nobody@example.mn", "peer"),
    ]
    for email, relation in refusals:
        with pytest.raises(EndorsementError) as refused:
            endorsement_request(entry=entry, owner=owner, endorser_email=email, relation=relation, note="")
        assert (refused.value.message, refused.value.field) == (NOT_ELIGIBLE, "email")
    assert not Endorsement.objects.exists()


def test_an_owner_without_an_institution_has_no_peers(programme):
    owner = person_with_role(Role.EDUCATOR, programme=programme, institution=None)
    owner.institution = None
    owner.save(update_fields=["institution"])
    other = person_with_role(Role.EDUCATOR, programme=programme)
    other.institution = None
    other.save(update_fields=["institution"])
    with pytest.raises(EndorsementError, match="We cannot ask this person"):
        ask(make_entry(person=owner), owner, other)


def test_the_page_tells_nothing_about_whom_it_cannot_ask(entry, owner, programme):
    viewer = person_with_role(Role.MINISTRY_VIEWER, programme=programme, family_name="Directory")
    client = client_for(owner)
    url = reverse("portfolio:endorsement_request", args=[entry.public_id])
    pages = []
    for email in (viewer.email, "nobody@example.mn"):
        response = client.post(url, {"email": email, "relation": "mentor"})
        assert response.status_code == 200
        text = response.content.decode()
        assert escape(NOT_ELIGIBLE) in text
        assert viewer.full_name not in text and "Directory" not in text
        form = text.split("<form", 1)[1].split("</form>")[0].replace(email, "EMAIL")
        pages.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", form))
    # Apart from the address typed, a registered person's refusal reads exactly like an unknown address's.
    assert pages[0] == pages[1]
    assert not Endorsement.objects.exists()


def test_the_name_is_shown_once_the_request_is_made(entry, owner, mentor):
    client = client_for(owner)
    url = reverse("portfolio:endorsement_request", args=[entry.public_id])
    page = client.post(url, {"email": mentor.email, "relation": "mentor"}, follow=True).content.decode()
    assert f"{mentor.full_name} is asked to endorse your entry" in page


# --- the status of a signed endorsement ---------------------------------------------------------------------------


def test_a_given_endorsement_has_a_status_entry_of_its_own(entry, owner, endorser, mentor):
    first = endorsement_give(endorsement=ask(entry, owner, endorser), endorser=endorser, comment="Good.")
    second = endorsement_give(endorsement=ask(entry, owner, mentor, "mentor"), endorser=mentor, comment="Good.")
    assert first.status_list is not None and first.status_index is not None
    assert (first.status_list_id, first.status_index) != (second.status_list_id, second.status_index)
    assert first.document is not None
    status = first.document["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "message"
    assert status["statusListIndex"] == str(first.status_index)
    assert status["statusListCredential"] == absolute_url(
        reverse("credentials:status_list", args=[first.status_list.number])
    )
    assert jwt_decode(first.jwt, resolve_key=KeyResolver())["credentialStatus"] == status
    proof_verify(first.document, resolve_key=KeyResolver())


def test_a_refused_answer_uses_no_status_entry(entry, owner, endorser, programme):
    endorsement = ask(entry, owner, endorser)
    stranger = person_with_role(Role.EDUCATOR, programme=programme)
    with pytest.raises(EndorsementError):
        endorsement_give(endorsement=endorsement, endorser=stranger, comment="Fine.")
    assert sum(StatusList.objects.values_list("allocated", flat=True)) == 0


@pytest.mark.parametrize("who", ["owner", "endorser"])
def test_a_withdrawn_endorsement_verifies_as_revoked(entry, owner, endorser, who):
    given = endorsement_give(endorsement=ask(entry, owner, endorser), endorser=endorser, comment="Good.")
    before = credential_verify(given.document)
    assert (before.verdict, before.status) == ("valid", "active")
    assert credential_verify(given.jwt).verdict == "valid"

    endorsement_withdraw(endorsement=given, person=owner if who == "owner" else endorser)

    bits = bytes(StatusList.objects.get(pk=given.status_list_id).bits)
    assert status_read(bits, given.status_index) == REVOKED
    for copy in (given.document, given.jwt):  # copies downloaded before the withdrawal
        after = credential_verify(copy)
        assert (after.verdict, after.status) == ("invalid", "revoked")
        assert [(check.code, check.status) for check in after.checks if check.code in ("signature", "status")] == [
            ("signature", "pass"),
            ("status", "fail"),
        ]


def test_the_verifier_page_says_a_withdrawn_endorsement_is_revoked(entry, owner, endorser):
    given = endorsement_give(endorsement=ask(entry, owner, endorser), endorser=endorser, comment="Good.")
    endorsement_withdraw(endorsement=given, person=endorser)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post("/credentials/verify/", {"text": json.dumps(given.document)}).content.decode()
    assert "its issuer has revoked it" in page


def test_withdrawing_a_request_or_an_old_endorsement_touches_no_status(entry, owner, endorser, mentor):
    given = endorsement_give(endorsement=ask(entry, owner, endorser), endorser=endorser, comment="Good.")
    request = ask(entry, owner, mentor, "mentor")
    endorsement_withdraw(endorsement=request, person=owner)
    assert request.status_list_id is None
    # An endorsement signed before status entries existed: withdrawn all the same, nothing to set.
    Endorsement.objects.filter(pk=given.pk).update(status_list=None, status_index=None)
    assert endorsement_withdraw(endorsement=given, person=owner).status == Endorsement.Status.WITHDRAWN
    bits = bytes(StatusList.objects.get().bits)
    assert {status_read(bits, index) for index in range(0, 64)} == {VALID}


def test_the_database_refuses_half_a_status_entry(entry, endorser):
    with pytest.raises(IntegrityError), transaction.atomic():
        EndorsementFactory(entry=entry, endorser=endorser, status_index=3)


# --- e-mails ------------------------------------------------------------------------------------------------------


def test_the_mails_are_plain_text_as_typed(owner, programme, mailoutbox, django_capture_on_commit_callbacks):
    owner.given_name, owner.family_name = "D'Arcy", "O'Neil <Jr>"
    owner.save(update_fields=["given_name", "family_name"])
    peer = person_with_role(
        Role.EDUCATOR, programme=programme, institution=owner.institution, preferred_language="en", given_name="Zoë's"
    )
    entry = make_entry(person=owner, title='Tom\'s <b>bold</b> & "quoted" lesson')
    with django_capture_on_commit_callbacks(execute=True):
        endorsement = endorsement_request(
            entry=entry, owner=owner, endorser_email=peer.email, relation="peer", note="It's <short> & sweet."
        )
        endorsement_give(endorsement=endorsement, endorser=peer, comment="Fine.")
    asked, given = mailoutbox
    assert asked.subject == f"{owner.full_name} asks for your endorsement" and "O'Neil <Jr>" in asked.subject
    assert 'Tom\'s <b>bold</b> & "quoted" lesson' in asked.body and "It's <short> & sweet." in asked.body
    assert "Hello Zoë's," in asked.body
    assert "Hello D'Arcy," in given.body and f"{peer.full_name} endorsed your entry" == given.subject
    for message in (asked, given):
        assert "&#x27;" not in message.subject + message.body and "&lt;" not in message.subject + message.body
        assert message.alternatives == []  # plain text only
        assert message.body.rstrip().endswith(
            "erdem, the national micro-certification programme for university teachers"
        )


def test_the_declined_mail_keeps_the_title_as_typed(owner, mentor, mailoutbox, django_capture_on_commit_callbacks):
    entry = make_entry(person=owner, title="Tom's <i>AI</i> lesson")
    endorsement = ask(entry, owner, mentor, "mentor")
    with django_capture_on_commit_callbacks(execute=True):
        endorsement_decline(endorsement=endorsement, endorser=mentor)
    [message] = mailoutbox
    assert message.subject == "Your request for an endorsement of “Tom's <i>AI</i> lesson” was declined"
    assert "“Tom's <i>AI</i> lesson”" in message.body
