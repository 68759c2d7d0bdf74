import copy
import datetime as dt
import json
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from erdem.access.models import Role
from erdem.access.tests.factories import RoleAssignmentFactory, person_with_role
from erdem.credentials.models import Credential
from erdem.credentials.proofs.data_integrity import document_sign
from erdem.credentials.services import credential_revoke
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.recognition.models import RecognitionRequest, RequestCredential
from erdem.recognition.selectors import credit_record, rule_changed_since
from erdem.recognition.services import (
    RecognitionError,
    request_decide,
    request_submit,
    request_withdraw,
    rule_save,
    split_external,
)
from erdem.recognition.tests.factories import (
    SIGNED_AT,
    ExternalIssuer,
    WebIssuer,
    degree_create,
    module_create,
    rule_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    programme = ProgrammeFactory()
    achievements = [
        achievement_create(programme=programme, code=f"AI-10{n}-MC", name_en=f"AI micro-certificate {n}")
        for n in (1, 2, 3)
    ]
    learner = make_person(preferred_language="en")
    RoleAssignmentFactory(person=learner, role=Role.EDUCATOR, programme=programme)
    own = [credential_create(achievement=a, person=learner) for a in achievements]
    issuer = ExternalIssuer()
    degree = degree_create()
    rule = rule_create(degree=degree, achievements=achievements, external_count=1, external_issuers=f"{issuer.did}\n")
    coordinator = person_with_role(
        Role.COORDINATOR, programme=programme, institution=degree.institution, preferred_language="en"
    )
    return {
        "programme": programme,
        "learner": learner,
        "own": own,
        "issuer": issuer,
        "degree": degree,
        "rule": rule,
        "coordinator": coordinator,
        "achievements": achievements,
    }


def submit(world, *, external=None, credentials=None, person=None, **kwargs):
    person = person or world["learner"]
    if external is None:
        external = [json.dumps(world["issuer"].credential(email=person.email))]
    return request_submit(
        person=person,
        degree=world["degree"],
        rule=world["rule"],
        credentials=world["own"] if credentials is None else credentials,
        external=external,
        message="Please count these.",
        **kwargs,
    )


def refused(world, **kwargs) -> RecognitionError:
    with pytest.raises(RecognitionError) as caught:
        submit(world, **kwargs)
    assert not RecognitionRequest.objects.exists()  # nothing saved
    return caught.value


def test_three_micro_certificates_and_one_external_make_a_request(world):
    request = submit(world)

    assert request.status == RecognitionRequest.Status.SUBMITTED
    assert request.rule_version == 1
    snapshot = request.rule_snapshot
    assert snapshot["credits"] == "6.0"
    assert snapshot["module"]["code"] == "M1"
    assert [a["code"] for a in snapshot["achievements"]] == ["AI-101-MC", "AI-102-MC", "AI-103-MC"]
    assert snapshot["external_issuers"] == [world["issuer"].did]
    assert snapshot["approval_reference"] == "Council decision 12, 2026-01-10"
    rows = list(request.credentials.order_by("id"))
    assert len(rows) == 4 and all(row.counts for row in rows)
    external = rows[-1]
    assert external.verdict == "valid"
    assert external.issuer_id == world["issuer"].did
    assert external.issuer_name == "Open University of Tallinn"
    assert external.verification["checks"] and {"code", "status", "message"} <= set(external.verification["checks"][0])


def test_a_vc_jwt_is_accepted_as_well(world):
    document = world["issuer"].credential(email=world["learner"].email)
    request = submit(world, external=[world["issuer"].jwt(document)])

    row = request.credentials.get(credential__isnull=True)
    assert row.external_jwt and row.external_document is None and row.verdict == "valid"


def test_a_forged_external_credential_is_refused_saying_which(world):
    document = world["issuer"].credential(email=world["learner"].email)
    forged = copy.deepcopy(document)
    forged["credentialSubject"]["creditsEarned"] = 30

    error = refused(world, external=[json.dumps(forged)])

    assert error.field == "external"
    assert "External credential 1" in error.message and "forged" in error.message


def test_an_expired_external_credential_is_refused(world):
    old = world["issuer"].credential(
        email=world["learner"].email, validFrom="2020-01-01T00:00:00Z", validUntil="2021-01-01T00:00:00Z"
    )

    error = refused(world, external=[json.dumps(old)])

    assert "it has expired" in error.message


@pytest.mark.parametrize("revoked", [False, True])
def test_a_revoked_external_credential_is_refused(world, revoked):
    issuer = WebIssuer(revoked=revoked)
    world["rule"].external_issuers = issuer.did
    world["rule"].save()
    text = json.dumps(issuer.credential(email=world["learner"].email))

    with mock.patch("erdem.credentials.verification.fetch_json", side_effect=issuer.fetch):
        if revoked:
            error = refused(world, external=[text])
        else:
            request = submit(world, external=[text])

    if revoked:
        assert "External credential 1" in error.message and "its issuer has revoked it" in error.message
    else:
        assert request.credentials.get(credential__isnull=True).verification["status"] == "active"


def test_an_external_credential_from_an_issuer_not_accepted(world):
    stranger = ExternalIssuer()

    error = refused(world, external=[json.dumps(stranger.credential(email=world["learner"].email))])

    assert "does not accept" in error.message


def test_an_external_credential_issued_to_someone_else(world):
    error = refused(world, external=[json.dumps(world["issuer"].credential(email="other@example.mn"))])

    assert "someone else" in error.message


def _with_subject(issuer: ExternalIssuer, subject: dict[str, Any]) -> str:
    document = issuer.credential()
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    unsigned["credentialSubject"] = {
        **subject,
        "type": ["AchievementSubject"],
        "achievement": document["credentialSubject"]["achievement"],
    }
    signed = document_sign(
        unsigned, private_key=issuer.private_key, verification_method=issuer.method, created=SIGNED_AT
    )
    return json.dumps(signed)


def test_an_external_credential_must_show_it_was_issued_to_the_learner(world):
    nobody = refused(world, external=[_with_subject(world["issuer"], {})])
    assert "does not say whom it was issued to" in nobody.message

    did = "did:example:somebody-else"
    stranger = refused(world, external=[_with_subject(world["issuer"], {"id": did})])
    assert did in stranger.message and "not linked to your account" in stranger.message


def test_an_external_credential_naming_a_did_the_learner_linked_counts(world):
    did = "did:example:naraa"
    Credential.objects.filter(person=world["learner"]).update(subject_did=did)

    request = submit(world, external=[_with_subject(world["issuer"], {"id": did})])

    assert request.credentials.filter(credential__isnull=True, verdict="valid").count() == 1


def test_not_text_that_is_a_credential(world):
    error = refused(world, external=["{not json"])

    assert error.field == "external" and "External credential 1" in error.message


def test_a_missing_required_credential(world):
    error = refused(world, credentials=world["own"][:2])

    assert error.field == "credentials" and "AI micro-certificate 3" in error.message


def test_someone_elses_credential(world):
    other = credential_create(achievement=world["achievements"][2], person=make_person())

    error = refused(world, credentials=[*world["own"][:2], other])

    assert "is not yours" in error.message


def test_a_revoked_own_credential(world):
    credential_revoke(credential=world["own"][0], actor=world["coordinator"], reason="Error in the record.")
    world["own"][0].refresh_from_db()

    error = refused(world)

    assert "only active credentials count" in error.message


def test_an_expired_own_credential(world):
    Credential.objects.filter(pk=world["own"][1].pk).update(valid_until=timezone.now() - dt.timedelta(days=1))
    world["own"][1].refresh_from_db()

    error = refused(world)

    assert "has expired" in error.message


def test_a_rule_not_in_force(world):
    world["rule"].valid_to = dt.date(2026, 6, 30)
    world["rule"].save()

    error = refused(world, at=dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC))

    assert error.field == "rule" and "not in force" in error.message


def test_no_double_counting_in_a_second_request(world):
    module_two = module_create(degree=world["degree"], code="M2")
    second_rule = rule_create(degree=world["degree"], module=module_two, achievements=world["achievements"][:1])
    submit(world)

    with pytest.raises(RecognitionError) as caught:
        request_submit(
            person=world["learner"], degree=world["degree"], rule=second_rule, credentials=world["own"][:1], external=[]
        )

    assert "already counts for credit" in caught.value.message
    assert RecognitionRequest.objects.count() == 1


def test_the_same_external_credential_from_another_person_is_not_counted_twice(world):
    document = world["issuer"].credential(email=world["learner"].email)
    submit(world, external=[json.dumps(document)])
    RequestCredential.objects.filter(credential__isnull=False).update(counts=False)
    RecognitionRequest.objects.update(status=RecognitionRequest.Status.WITHDRAWN)

    with pytest.raises(RecognitionError) as caught:
        submit(world, external=[json.dumps(document)])

    assert "already counts" in caught.value.message


def test_the_database_refuses_double_counting_when_requests_race(world, monkeypatch):
    first = submit(world)
    first.status = RecognitionRequest.Status.WITHDRAWN
    first.save()  # the module is free again but its credentials still count (as if the check raced)
    monkeypatch.setattr("erdem.recognition.services._counted_already", lambda degree, offered: None)

    with pytest.raises(RecognitionError) as caught:
        submit(world)

    assert "a moment ago" in caught.value.message
    assert RecognitionRequest.objects.count() == 1


def test_the_conditional_constraint_itself(world):
    request = submit(world)
    row = request.credentials.first()

    with pytest.raises(IntegrityError):
        RequestCredential.objects.create(
            request=request,
            degree=world["degree"],
            credential=row.credential,
            credential_key=row.credential_key,
            verdict="valid",
        )


def test_a_module_already_credited_or_pending(world):
    submit(world)
    RequestCredential.objects.update(counts=False)

    with pytest.raises(RecognitionError) as caught:
        submit(world)

    assert "already credited to you" in caught.value.message


def test_the_programme_office_is_told_of_a_new_request_in_its_language(world, django_capture_on_commit_callbacks):
    member = make_person(preferred_language="mn")
    world["degree"].office.add(member)
    other_institution = person_with_role(Role.COORDINATOR, programme=world["programme"])

    with django_capture_on_commit_callbacks(execute=True):
        request = submit(world)

    told = {message.to[0]: message for message in mail.outbox}
    assert set(told) == {world["coordinator"].email, member.email}
    assert other_institution.email not in told and world["learner"].email not in told
    english = told[world["coordinator"].email]
    assert world["learner"].full_name in english.subject and "waits for a decision" in english.subject
    assert reverse("recognition:request", args=[request.public_id]) in english.body
    assert "шийдвэр" in told[member.email].body


def test_approval_grants_the_snapshot_credits_and_tells_the_learner(world, django_capture_on_commit_callbacks):
    request = submit(world)

    with django_capture_on_commit_callbacks(execute=True):
        request_decide(request=request, actor=world["coordinator"], approve=True, reason="")

    request.refresh_from_db()
    assert request.status == RecognitionRequest.Status.APPROVED
    assert request.credits_granted == Decimal("6.0")
    assert request.decided_by == world["coordinator"] and request.decided_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world["learner"].email]
    [entry] = credit_record(world["learner"])
    assert entry.total == Decimal("6.0") and entry.requests == [request]


def test_a_rule_changed_after_submission_decides_on_the_snapshot_and_says_so(world, django_capture_on_commit_callbacks):
    request = submit(world)
    rule_save(degree=world["degree"], actor=world["coordinator"], rule=world["rule"], credits=Decimal("3"))
    world["rule"].refresh_from_db()
    assert world["rule"].version == 2

    request = RecognitionRequest.objects.select_related("rule").get(pk=request.pk)
    assert rule_changed_since(request) == world["rule"].updated_at
    with django_capture_on_commit_callbacks(execute=True):
        request_decide(request=request, actor=world["coordinator"], approve=True, reason="")

    request.refresh_from_db()
    assert request.credits_granted == Decimal("6.0")  # as promised at submission, not the new 3
    assert "the decision uses the rule as it was when the request was made" in mail.outbox[0].body


def test_rejection_needs_a_reason_and_frees_the_credentials(world):
    request = submit(world)

    with pytest.raises(RecognitionError) as caught:
        request_decide(request=request, actor=world["coordinator"], approve=False, reason="  ")
    assert caught.value.field == "reason"

    request_decide(request=request, actor=world["coordinator"], approve=False, reason="The module was taken already.")
    request.refresh_from_db()
    assert request.status == RecognitionRequest.Status.REJECTED and request.credits_granted is None
    assert not request.credentials.filter(counts=True).exists()
    with pytest.raises(RecognitionError):
        request_decide(request=request, actor=world["coordinator"], approve=True, reason="")


def test_withdrawal_frees_the_credentials_for_a_new_request(world):
    request = submit(world)

    with pytest.raises(RecognitionError):
        request_withdraw(request=request, person=make_person())
    request_withdraw(request=request, person=world["learner"])

    assert request.status == RecognitionRequest.Status.WITHDRAWN
    assert submit(world).status == RecognitionRequest.Status.SUBMITTED


def test_editing_a_rule_without_changes_keeps_its_version(world):
    rule = rule_save(degree=world["degree"], actor=world["coordinator"], rule=world["rule"], credits=Decimal("6"))
    assert rule.version == 1
    rule = rule_save(
        degree=world["degree"], actor=world["coordinator"], rule=world["rule"], achievements=world["achievements"][:2]
    )
    assert rule.version == 2


def test_several_pasted_credentials_are_split():
    first = json.dumps({"a": {"b": "}"}}, indent=2)
    assert split_external(f"{first}\n\n{first}\n eyJ.a.b  eyJ.c.d\n") == [first, first, "eyJ.a.b", "eyJ.c.d"]


# --- pages ---------------------------------------------------------------------------------------------------------


def test_an_educator_asks_for_credit_through_the_form(client, world):
    client.force_login(world["learner"])
    page = client.get(reverse("recognition:request_new"))
    assert page.status_code == 200
    assert "AI micro-certificate 1" in page.content.decode()  # the rule says what it needs in words

    document = json.dumps(world["issuer"].credential(email=world["learner"].email))
    response = client.post(
        reverse("recognition:request_new"),
        {
            "rule": world["rule"].pk,
            "credentials": [c.pk for c in world["own"]],
            "external": document,
            "message": "For the M1 module.",
        },
    )

    request = RecognitionRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "recognition:request", args=[request.public_id]
    )
    assert request.credentials.count() == 4
    assert client.get(reverse("recognition:mine")).status_code == 200


def test_a_credential_file_is_read(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world["learner"])
    document = json.dumps(world["issuer"].credential(email=world["learner"].email)).encode()
    response = client.post(
        reverse("recognition:request_new"),
        {
            "rule": world["rule"].pk,
            "credentials": [c.pk for c in world["own"]],
            "external_file": SimpleUploadedFile("badge.json", document, content_type="application/json"),
        },
    )

    assert response.status_code == 302
    assert RecognitionRequest.objects.get().credentials.filter(credential__isnull=True).count() == 1


def test_a_huge_credential_file_is_refused(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world["learner"])
    response = client.post(
        reverse("recognition:request_new"),
        {
            "rule": world["rule"].pk,
            "credentials": [c.pk for c in world["own"]],
            "external_file": SimpleUploadedFile("badge.json", b"{" + b" " * (2 * 1024 * 1024) + b"}"),
        },
    )

    assert response.status_code == 200
    assert "the most allowed here is" in response.content.decode()
    assert not RecognitionRequest.objects.exists()


def test_a_forged_credential_is_refused_on_the_page_and_what_was_typed_stays(client, world):
    client.force_login(world["learner"])
    forged = world["issuer"].credential(email=world["learner"].email)
    forged["name"] = "Something else"
    text = json.dumps(forged)

    response = client.post(
        reverse("recognition:request_new"),
        {"rule": world["rule"].pk, "credentials": [c.pk for c in world["own"]], "external": text, "message": "Kept"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in body and "forged" in body
    assert "Kept" in body and "Something else" in body
    assert not RecognitionRequest.objects.exists()


def test_someone_elses_credential_is_not_even_offered(client, world):
    other = credential_create(achievement=world["achievements"][0], person=make_person())
    client.force_login(world["learner"])

    response = client.post(reverse("recognition:request_new"), {"rule": world["rule"].pk, "credentials": [other.pk]})

    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_who_sees_a_request_and_who_decides(client, world, django_capture_on_commit_callbacks):
    request = submit(world)
    url = reverse("recognition:request", args=[request.public_id])
    decide = reverse("recognition:decide", args=[request.public_id])

    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert client.post(decide, {"decision": "approve"}).status_code == 302
    client.force_login(make_person())
    assert client.get(url).status_code == 404
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    client.force_login(world["learner"])
    page = client.get(url)
    assert page.status_code == 200 and 'name="decision"' not in page.content.decode()
    assert client.post(decide, {"decision": "approve"}).status_code == 403

    client.force_login(world["coordinator"])
    page = client.get(url)
    assert page.status_code == 200 and 'name="decision"' in page.content.decode()
    rejected = client.post(decide, {"decision": "reject", "reason": ""})
    assert rejected.status_code == 400 and "Give the reason" in rejected.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        approved = client.post(decide, {"decision": "approve", "reason": ""})
    assert approved.status_code == 302
    request.refresh_from_db()
    assert request.status == RecognitionRequest.Status.APPROVED and len(mail.outbox) == 1

    client.force_login(world["learner"])
    mine = client.get(reverse("recognition:mine")).content.decode()
    assert "6 of 32" in mine


def test_an_office_member_decides_and_sees_the_rule_changed_notice(client, world):
    office_member = make_person(institution=world["degree"].institution, preferred_language="en")
    world["degree"].office.add(office_member)
    request = submit(world)
    rule_save(degree=world["degree"], actor=office_member, rule=world["rule"], credits=Decimal("4"))
    client.force_login(office_member)

    page = client.get(reverse("recognition:request", args=[request.public_id]) + "?recheck=1").content.decode()

    assert "after the request; the decision uses the rule as it was when the request was made" in page
    assert "Approving grants 6 credits" in page


def test_withdrawing_by_the_learner_only(client, world):
    request = submit(world)
    url = reverse("recognition:request_withdraw", args=[request.public_id])
    client.force_login(world["coordinator"])
    assert client.post(url).status_code == 404
    client.force_login(world["learner"])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    request.refresh_from_db()
    assert request.status == RecognitionRequest.Status.WITHDRAWN


def test_the_office_queue(client, world, django_assert_max_num_queries):
    for _n in range(3):
        learner = make_person()
        credentials = [credential_create(achievement=a, person=learner) for a in world["achievements"]]
        request_submit(
            person=learner,
            degree=world["degree"],
            rule=world["rule"],
            credentials=credentials,
            external=[json.dumps(world["issuer"].credential(email=learner.email, number=_n + 10))],
        )
    client.force_login(make_person())
    assert client.get(reverse("recognition:office")).status_code == 403
    client.force_login(world["coordinator"])

    with django_assert_max_num_queries(12):
        page = client.get(reverse("recognition:office"), {"degree": world["degree"].pk, "status": "submitted"})

    assert page.status_code == 200 and "3 requests" in page.content.decode()
    assert client.get(reverse("recognition:office"), {"degree": 999999}).status_code == 404
    assert client.get(reverse("recognition:office"), {"status": "approved"}).content.decode().count("<tbody>") == 0


def test_my_pages_have_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    for code in ("M2", "M3", "M4"):
        rule_create(degree=world["degree"], module=module_create(degree=world["degree"], code=code))
    request = submit(world)
    request_decide(request=request, actor=world["coordinator"], approve=True, reason="")
    client.force_login(world["learner"])

    with django_assert_max_num_queries(12):
        mine = client.get(reverse("recognition:mine"))
    with django_assert_max_num_queries(14):
        new = client.get(reverse("recognition:request_new"))

    assert "6 of 32" in mine.content.decode()
    assert new.content.decode().count('name="rule"') == 4


def test_a_rule_not_in_force_is_not_offered_and_cannot_be_forced(client, world):
    world["rule"].valid_to = dt.date(2026, 1, 31)
    world["rule"].save()
    client.force_login(world["learner"])

    page = client.get(reverse("recognition:request_new")).content.decode()
    response = client.post(reverse("recognition:request_new"), {"rule": world["rule"].pk})

    assert "No degree programme takes credit requests from you now." in page
    assert response.status_code == 200 and not RecognitionRequest.objects.exists()


def test_someone_without_the_educator_role_cannot_ask(client, world):
    client.force_login(make_person(preferred_language="en"))

    page = client.get(reverse("recognition:request_new")).content.decode()

    assert "No degree programme takes credit requests from you now." in page


def test_a_file_that_is_not_a_credential_is_refused(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world["learner"])
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = client.post(
        reverse("recognition:request_new"),
        {
            "rule": world["rule"].pk,
            "credentials": [c.pk for c in world["own"]],
            "external_file": SimpleUploadedFile("badge.json", png),
        },
    )

    assert "badge.json is not a credential file" in response.content.decode()
    assert not RecognitionRequest.objects.exists()


def test_a_decision_without_notice_sends_nothing(world, django_capture_on_commit_callbacks):
    request = submit(world)

    with django_capture_on_commit_callbacks(execute=True):
        request_decide(request=request, actor=world["coordinator"], approve=True, reason="", notify=False)

    assert mail.outbox == []


def test_a_second_tab_deciding_a_decided_request_shows_the_decision(client, world):
    request = submit(world)
    decide = reverse("recognition:decide", args=[request.public_id])
    client.force_login(world["coordinator"])
    assert client.post(decide, {"decision": "approve", "reason": ""}).status_code == 302

    again = client.post(decide, {"decision": "reject", "reason": "Too old."})

    body = again.content.decode()
    assert again.status_code == 400 and "This request has already been decided or withdrawn." in body
    assert 'name="decision"' not in body and "approved" in body and "Credits granted" in body
    request.refresh_from_db()
    assert request.status == RecognitionRequest.Status.APPROVED and request.decision_reason == ""


def test_checking_again_is_offered_only_for_external_credentials(client, world):
    with_external = submit(world)
    own_only_rule = rule_create(
        degree=world["degree"], module=module_create(degree=world["degree"], code="M2"), achievements=[]
    )
    own_only_rule.achievements.set(world["achievements"][:1])
    other = make_person(preferred_language="en")
    RoleAssignmentFactory(person=other, role=Role.EDUCATOR, programme=world["programme"])
    own_only = request_submit(
        person=other,
        degree=world["degree"],
        rule=own_only_rule,
        credentials=[credential_create(achievement=world["achievements"][0], person=other)],
        external=[],
    )
    client.force_login(world["coordinator"])

    def page(found):
        return client.get(reverse("recognition:request", args=[found.public_id])).content.decode()

    assert "Check the external credentials again now" in page(with_external)
    assert "Check the external credentials again now" not in page(own_only)


def test_request_pages_show_dates_as_the_rest_of_the_site(client, world):
    request = submit(world, at=dt.datetime(2026, 3, 5, 2, 30, tzinfo=dt.UTC))
    request_decide(request=request, actor=world["coordinator"], approve=True, reason="")
    client.force_login(world["learner"])

    detail = client.get(reverse("recognition:request", args=[request.public_id])).content.decode()
    mine = client.get(reverse("recognition:mine")).content.decode()

    assert "5 March 2026" in detail and "1 January 2026 – …" in detail  # submitted; the rule's dates
    assert "5 Mar 2026" in mine and "2026-03-05" not in mine + detail


def test_the_status_pill_stays_on_one_line(client, world):
    submit(world)
    client.force_login(world["coordinator"])

    page = client.get(reverse("recognition:office")).content.decode()

    assert 'class="badge recognition-status"' in page


def test_a_rule_naming_its_module_is_offered_naming_it_once(client, world):
    module = world["rule"].module
    module.name_en = "Elective: Leading"
    module.save()
    world["rule"].name_en = "Trainer certification → Elective: Leading"
    world["rule"].save()
    client.force_login(world["learner"])

    page = client.get(reverse("recognition:request_new")).content.decode()

    assert "Trainer certification → Elective: Leading (6 credits)" in page
    assert page.count("Elective: Leading") == 1
