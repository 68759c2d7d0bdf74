"""The national centre's credential pages: who may open them, the achievement form, rules, issuing
by hand, a credential's state changes, the signing keys and the audit log."""

import base64
import csv
import datetime as dt
import io

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.assignments.tests.factories import png
from erdem.catalog.tests.factories import course_build
from erdem.credentials.identity import did_document
from erdem.credentials.keys import key_active, key_private
from erdem.credentials.models import Achievement, AchievementRule, Credential, CredentialEvent, IssuerKey
from erdem.credentials.proofs.data_integrity import proof_verify
from erdem.credentials.proofs.multikey import ed25519_public_from_multibase
from erdem.credentials.services import achievement_activation_problems, credential_revoke
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.learning.models import Enrolment
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(programme, course):
    person = make_person()
    Enrolment.objects.create(person=person, course=course)
    return person


def _as(client, person, language="en"):
    person.preferred_language = language
    person.save(update_fields=["preferred_language"])
    client.force_login(person)
    client.cookies["erdem_language"] = language
    return client


def _url(name, achievement=None, credential=None):
    if name in ("credentials:credential_manage",):
        return reverse(name, args=[credential.public_id])
    if name in ("credentials:manage", "credentials:achievement_create", "credentials:keys", "credentials:audit_log"):
        return reverse(name)
    return reverse(name, args=[achievement.public_id])


MANAGE_PAGES = [
    "credentials:manage",
    "credentials:achievement_create",
    "credentials:keys",
    "credentials:audit_log",
    "credentials:credential_manage",
    "credentials:achievement_detail",
    "credentials:achievement_edit",
    "credentials:achievement_rules",
    "credentials:issue_manual",
    "credentials:issue_bulk",
]


# --- permissions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", MANAGE_PAGES)
def test_only_the_programmes_national_admins_open_the_pages(client, programme, achievement, learner, admin, name):
    credential = credential_create(achievement=achievement, person=learner)
    url = _url(name, achievement, credential)

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("people:login"))
    for role in (Role.EDUCATOR, Role.COORDINATOR, Role.TRAINER, Role.MINISTRY_VIEWER):
        assert _as(client, person_with_role(role, programme=programme)).get(url).status_code == 403, role
    finished = ProgrammeFactory(starts_on=dt.date(2020, 1, 1), is_active=False)
    other_admin = person_with_role(Role.NATIONAL_ADMIN, programme=finished)
    assert _as(client, other_admin).get(url).status_code == 403
    assert _as(client, admin).get(url).status_code == 200


FORM_PAGES = [name for name in MANAGE_PAGES if name not in ("credentials:manage", "credentials:audit_log")]
FORM_PAGES.remove("credentials:achievement_detail")


@pytest.mark.parametrize("name", FORM_PAGES)
def test_refused_people_change_nothing_by_posting(client, programme, achievement, learner, name):
    credential = credential_create(achievement=achievement, person=learner)
    coordinator = person_with_role(Role.COORDINATOR, programme=programme)
    events = CredentialEvent.objects.count()
    response = _as(client, coordinator).post(_url(name, achievement, credential), {"action": "revoke", "reason": "x"})
    assert response.status_code == 403
    assert CredentialEvent.objects.count() == events


def test_each_admin_manages_the_achievements_of_their_own_programme(client, achievement, admin):
    earlier = ProgrammeFactory(starts_on=dt.date(2020, 1, 1))
    own = achievement_create(programme=earlier, code="EARLIER")
    earlier_admin = person_with_role(Role.NATIONAL_ADMIN, programme=earlier)

    listed = _as(client, earlier_admin).get(reverse("credentials:manage")).context["achievements"]
    assert [a.code for a in listed] == ["EARLIER"]
    assert client.get(reverse("credentials:achievement_detail", args=[own.public_id])).status_code == 200
    assert client.get(reverse("credentials:achievement_detail", args=[achievement.public_id])).status_code == 403
    assert _as(client, admin).get(reverse("credentials:achievement_detail", args=[own.public_id])).status_code == 403
    assert (
        client.get(reverse("credentials:achievement_detail", args=["00000000-0000-0000-0000-000000000000"])).status_code
        == 404
    )


@pytest.mark.parametrize("name", ["credentials:manage", "credentials:audit_log", "credentials:achievement_detail"])
def test_pages_that_only_show_refuse_a_post(client, achievement, admin, name):
    assert _as(client, admin).post(_url(name, achievement)).status_code == 405


def test_the_navigation_offers_credentials_to_national_admins(client, admin):
    page = _as(client, admin).get(reverse("web:home")).content.decode()
    assert reverse("credentials:manage") in page


# --- the list --------------------------------------------------------------------------------------------


def test_the_list_counts_credentials_in_a_bounded_number_of_queries(client, programme, course, admin):
    first = achievement_create(programme=programme, course=course, code="FIRST")
    people = [make_person() for _ in range(3)]
    for person in people:
        credential_create(achievement=first, person=person)
    credential_revoke(credential=Credential.objects.filter(person=people[0]).get(), actor=None, reason="Mistake.")
    _as(client, admin)
    url = reverse("credentials:manage")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(5):
        extra = achievement_create(programme=programme, code=f"EXTRA-{number}")
        credential_create(achievement=extra, person=people[number % 3])
    with CaptureQueriesContext(connection) as six:
        response = client.get(url)

    assert len(six) == len(one)
    rows = {a.code: a for a in response.context["achievements"]}
    assert (rows["FIRST"].active_count, rows["FIRST"].revoked_count) == (2, 1)
    assert rows["EXTRA-0"].active_count == 1
    page = response.content.decode()
    for name in ("credentials:achievement_create", "credentials:keys", "credentials:audit_log"):
        assert reverse(name) in page


# --- the achievement form --------------------------------------------------------------------------------


def _definition(**changes):
    data = {
        "code": "AI-201-MC",
        "kind": "micro_certificate",
        "status": "draft",
        "auto_issue": "on",
        "name_mn": "Хиймэл оюун ба үнэлгээ",
        "name_en": "AI and assessment",
        "name_traditional": "",
        "description_mn": "Тайлбар",
        "description_en": "Description",
        "criteria_mn": "Шалгуур",
        "criteria_en": "Criteria",
        "outcomes_mn": "Нэг\nХоёр",
        "outcomes_en": "One\nTwo",
        "quality_assurance_mn": "",
        "quality_assurance_en": "",
        "prerequisites_mn": "",
        "prerequisites_en": "",
        "workload_hours": "30",
        "ects": "1",
        "mn_credits": "",
        "eqf_level": "6",
        "nqf_level": "",
        "assessment_type": "quiz",
        "participation": "hybrid",
        "valid_months": "24",
    }
    data.update(changes)
    return data


def test_a_national_admin_creates_an_achievement(client, programme, admin):
    response = _as(client, admin).post(reverse("credentials:achievement_create"), _definition(status="active"))

    achievement = Achievement.objects.get(programme=programme, code="AI-201-MC")
    assert response.status_code == 302
    assert response["Location"] == reverse("credentials:achievement_detail", args=[achievement.public_id])
    assert achievement.status == Achievement.Status.ACTIVE
    assert achievement.valid_months == 24 and achievement.eqf_level == 6
    assert achievement.outcomes_en == "One\nTwo"


@pytest.mark.parametrize("language", ["en", "mn"])
def test_errors_are_shown_next_to_the_fields_in_the_readers_language(client, admin, language):
    data = _definition(code="", eqf_level="9", workload_hours="0")
    response = _as(client, admin, language).post(reverse("credentials:achievement_create"), data)

    assert response.status_code == 200
    assert not Achievement.objects.exists()
    form = response.context["form"]
    assert set(form.errors) == {"code", "eqf_level", "workload_hours"}
    page = response.content.decode()
    with translation.override(language):
        required = translation.gettext("This field is required.")
    assert required in page
    assert ("Энэ талбарыг бөглөх шаардлагатай." in page) == (language == "mn")
    assert f'href="#{form["code"].auto_id}"' in page  # the summary links to the field


def test_an_active_achievement_needs_both_names_a_description_and_criteria(client, programme, admin):
    data = _definition(status="active", name_en="", description_en="", criteria_mn="")
    response = _as(client, admin).post(reverse("credentials:achievement_create"), data)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name_en", "description_en", "criteria_mn"}
    assert "An active achievement is issued in Mongolian and English" in response.content.decode()

    response = client.post(reverse("credentials:achievement_create"), {**data, "status": "draft"})
    assert response.status_code == 302
    assert Achievement.objects.get(code="AI-201-MC").status == Achievement.Status.DRAFT


def test_the_activation_guard_is_the_services(programme):
    assert achievement_activation_problems(values={"status": "draft"}) == {}
    problems = achievement_activation_problems(values={"status": "active", "name_mn": "Нэр", "name_en": "Name"})
    assert set(problems) == {"description_mn", "description_en", "criteria_mn", "criteria_en"}


def test_the_code_is_unique_in_the_programme(client, programme, achievement, admin):
    response = _as(client, admin).post(reverse("credentials:achievement_create"), _definition(code=achievement.code))
    assert "code" in response.context["form"].errors


def test_a_png_image_is_accepted_and_html_named_png_is_refused(client, programme, admin):
    _as(client, admin)
    disguised = io.BytesIO(b"<html><script>alert(1)</script></html>")
    disguised.name = "badge.png"
    refused = client.post(reverse("credentials:achievement_create"), {**_definition(), "image": disguised})
    assert refused.status_code == 200
    assert "image" in refused.context["form"].errors
    assert not Achievement.objects.exists()

    accepted = client.post(reverse("credentials:achievement_create"), {**_definition(), "image": png("badge.png")})
    assert accepted.status_code == 302
    achievement = Achievement.objects.get()
    assert achievement.image.name.endswith(f"{achievement.public_id.hex}.png")


def test_an_svg_image_is_refused(client, admin):
    svg = io.BytesIO(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    svg.name = "badge.svg"
    response = _as(client, admin).post(reverse("credentials:achievement_create"), {**_definition(), "image": svg})
    assert "image" in response.context["form"].errors


def test_editing_an_achievement_with_credentials_says_issued_ones_keep_their_text(client, achievement, learner, admin):
    credential = credential_create(achievement=achievement, person=learner)
    signed_name = credential.document["credentialSubject"]["achievement"]["name"]
    url = reverse("credentials:achievement_edit", args=[achievement.public_id])
    page = _as(client, admin).get(url).content.decode()
    assert "credentials already issued keep the text" in page or "keeps the text it was signed with" in page

    data = _definition(code=achievement.code, status="active", name_en="Renamed")
    assert client.post(url, data).status_code == 302
    achievement.refresh_from_db()
    credential.refresh_from_db()
    assert achievement.name_en == "Renamed"
    assert credential.document["credentialSubject"]["achievement"]["name"] == signed_name


# --- rules -----------------------------------------------------------------------------------------------


def test_rules_are_added_and_removed(client, programme, course, achievement, admin):
    url = reverse("credentials:achievement_rules", args=[achievement.public_id])
    _as(client, admin)
    response = client.post(url, {"kind": "workshops_attended", "threshold": "2", "course": str(course.pk)})
    assert response.status_code == 302
    rule = achievement.rules.get(kind=AchievementRule.Kind.WORKSHOPS_ATTENDED)
    assert (rule.threshold, rule.course_id) == (2, course.pk)
    assert "Attend at least 2 workshops" in client.get(url).content.decode()

    assert client.post(url, {"remove": str(rule.pk)}).status_code == 302
    assert not achievement.rules.filter(pk=rule.pk).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "quiz_score", "threshold": "80"}, "quiz"),
        ({"kind": "workshops_attended", "threshold": "0"}, "threshold"),
        ({"kind": "course_completed"}, "course"),
        ({"kind": "no_such_rule"}, "kind"),
    ],
)
def test_an_incomplete_rule_is_refused_next_to_its_field(client, achievement, admin, data, field):
    url = reverse("credentials:achievement_rules", args=[achievement.public_id])
    response = _as(client, admin).post(url, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert achievement.rules.count() == 1


def test_a_course_of_another_programme_cannot_be_chosen(client, achievement, admin):
    foreign = course_build(programme=ProgrammeFactory(starts_on=dt.date(2020, 1, 1)), code="foreign")
    url = reverse("credentials:achievement_rules", args=[achievement.public_id])
    response = _as(client, admin).post(url, {"kind": "course_completed", "course": str(foreign.pk)})
    assert "course" in response.context["form"].errors


def test_a_loop_of_required_credentials_is_refused(client, programme, admin):
    first = achievement_create(programme=programme, code="FIRST")
    second = achievement_create(programme=programme, code="SECOND")
    third = achievement_create(programme=programme, code="THIRD")
    AchievementRule.objects.create(achievement=second, kind="credential_held", required_achievement=first)
    AchievementRule.objects.create(achievement=third, kind="credential_held", required_achievement=second)
    url = reverse("credentials:achievement_rules", args=[first.public_id])

    response = _as(client, admin).post(url, {"kind": "credential_held", "required_achievement": str(third.pk)})

    assert response.status_code == 200
    assert "This would make a loop" in str(response.context["form"].errors["required_achievement"])
    assert not first.rules.exists()
    # Itself is not even offered.
    assert str(first.pk) not in [
        str(v) for v, _label in response.context["form"].fields["required_achievement"].choices
    ]


# --- issuing by hand --------------------------------------------------------------------------------------


def test_manual_issue_shows_the_rules_and_needs_a_reason(client, achievement, learner, admin):
    url = reverse("credentials:issue_manual", args=[achievement.public_id])
    _as(client, admin)

    unknown = client.post(url, {"email": "nobody@example.mn", "step": "check"})
    assert "Nobody taking part in the programme has the e-mail address nobody@example.mn" in unknown.content.decode()

    checked = client.post(url, {"email": learner.email.upper(), "step": "check"})
    assert checked.context["person"] == learner
    assert [o.met for o in checked.context["outcomes"]] == [False]
    assert "Not completed yet." in checked.content.decode()

    no_reason = client.post(url, {"email": learner.email, "step": "issue", "reason": "  "})
    assert "reason" in no_reason.context["form"].errors
    assert not Credential.objects.exists()

    issued = client.post(url, {"email": learner.email, "step": "issue", "reason": "Recognised prior learning."})
    credential = Credential.objects.get(person=learner)
    assert issued["Location"] == reverse("credentials:credential_manage", args=[credential.public_id])
    assert credential.method == Credential.Method.MANUAL
    event = credential.events.get()
    assert (event.actor, event.reason) == (admin, "Recognised prior learning.")

    again = client.post(url, {"email": learner.email, "step": "issue", "reason": "Twice."})
    assert "already holds this credential" in again.content.decode()
    assert Credential.objects.count() == 1


def test_manual_issue_of_a_draft_is_refused_with_the_services_message(client, programme, learner, admin):
    draft = achievement_create(programme=programme, code="DRAFT", status=Achievement.Status.DRAFT)
    url = reverse("credentials:issue_manual", args=[draft.public_id])
    response = _as(client, admin).post(url, {"email": learner.email, "step": "issue", "reason": "Why not."})
    assert "This achievement is not active" in response.content.decode()


# --- one credential ----------------------------------------------------------------------------------------


def test_suspend_reinstate_reissue_and_revoke_from_the_page(client, achievement, learner, admin):
    credential = credential_create(achievement=achievement, person=learner)
    url = reverse("credentials:credential_manage", args=[credential.public_id])
    _as(client, admin)
    page = client.get(url).content.decode()
    for link in ("public", "download_json", "download_jwt", "certificate_pdf"):
        assert reverse(f"credentials:{link}", args=[credential.public_id]) in page
    assert "This cannot be undone." in page

    empty = client.post(url, {"action": "suspend", "suspend-reason": ""})
    assert "reason" in empty.context["forms"]["suspend"].errors
    assert client.post(url, {"action": "suspend", "suspend-reason": "Under review."}).status_code == 302
    credential.refresh_from_db()
    assert credential.status == Credential.Status.SUSPENDED
    assert client.post(url, {"action": "reinstate", "reinstate-reason": "Review done."}).status_code == 302

    response = client.post(url, {"action": "reissue", "reissue-reason": "Corrected name."})
    successor = Credential.objects.get(replaces=credential)
    assert response["Location"] == reverse("credentials:credential_manage", args=[successor.public_id])
    credential.refresh_from_db()
    assert credential.status == Credential.Status.REPLACED

    new_url = reverse("credentials:credential_manage", args=[successor.public_id])
    unconfirmed = client.post(new_url, {"action": "revoke", "revoke-reason": "Fraud."})
    assert "confirm" in unconfirmed.context["forms"]["revoke"].errors
    assert "Tick the box to confirm: revoking cannot be undone." in unconfirmed.content.decode()
    confirmed = {"action": "revoke", "revoke-reason": "Fraud.", "revoke-confirm": "on"}
    assert client.post(new_url, confirmed).status_code == 302
    successor.refresh_from_db()
    assert successor.status == Credential.Status.REVOKED

    history = [(e.action, e.actor_id, e.reason) for e in CredentialEvent.objects.filter(credential=credential)]
    assert history == [
        ("issue", None, "Issued for a test."),
        ("suspend", admin.pk, "Under review."),
        ("reinstate", admin.pk, "Review done."),
        ("reissue", admin.pk, "Corrected name."),
    ]
    page = client.get(url).content.decode()
    assert "Under review." in page and admin.email in page
    revoked_page = client.get(new_url)
    assert revoked_page.context["forms"] == {}


def test_a_credential_of_another_programme_is_refused(client, admin):
    other = achievement_create(programme=ProgrammeFactory(starts_on=dt.date(2020, 1, 1)), code="OTHER")
    credential = credential_create(achievement=other, person=make_person())
    url = reverse("credentials:credential_manage", args=[credential.public_id])
    assert _as(client, admin).get(url).status_code == 403


# --- keys -----------------------------------------------------------------------------------------------


def _forms_of(raw: bytes) -> list[str]:
    return [
        raw.hex(),
        raw.hex().upper(),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    ]


def test_the_keys_page_never_shows_a_private_key(client, admin):
    key = key_active()
    encrypted = bytes(key.private_encrypted)
    raw = key_private(key).private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    page = _as(client, admin).get(reverse("credentials:keys")).content.decode()

    assert key.public_multibase in page
    assert "/.well-known/did.json" in page and "/.well-known/jwks.json" in page
    for secret in _forms_of(encrypted) + _forms_of(raw):
        assert secret not in page


def _resolver(method: str):
    for entry in did_document()["verificationMethod"]:
        if entry["id"] == method:
            return ed25519_public_from_multibase(entry["publicKeyMultibase"])
    raise LookupError(method)


def test_rotation_keeps_old_credentials_verifying(client, programme, achievement, admin):
    before = credential_create(achievement=achievement, person=make_person())
    url = reverse("credentials:keys")
    _as(client, admin)
    assert "confirm" in client.post(url, {}).context["form"].errors
    assert IssuerKey.objects.count() == 1

    assert client.post(url, {"confirm": "on"}).status_code == 302
    after = credential_create(achievement=achievement, person=make_person())

    assert before.key_id != after.key_id
    assert IssuerKey.objects.get(pk=before.key_id).status == IssuerKey.Status.RETIRED
    proof_verify(before.document, resolve_key=_resolver)
    proof_verify(after.document, resolve_key=_resolver)
    page = client.get(url)
    assert {key.pk: key.signed for key in page.context["keys"]} == {before.key_id: 1, after.key_id: 1}


# --- the audit log -----------------------------------------------------------------------------------------


@pytest.fixture
def log_world(programme, course, admin):
    first = achievement_create(programme=programme, course=course, code="FIRST")
    second = achievement_create(programme=programme, code="SECOND")
    other_admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme, email="second.admin@example.mn")
    alice, bold = make_person(), make_person()
    old = timezone.now() - dt.timedelta(days=30)
    revoked = credential_create(achievement=first, person=alice, actor=admin, at=old)
    credential_revoke(credential=revoked, actor=other_admin, reason='=HYPERLINK("x")')
    credential_create(
        achievement=second,
        person=bold,
        actor=admin,
        reason="Өмнөх туршлага",
        at=timezone.now() + dt.timedelta(minutes=1),
    )
    foreign = achievement_create(programme=ProgrammeFactory(starts_on=dt.date(2020, 1, 1)), code="FOREIGN")
    credential_create(achievement=foreign, person=make_person())
    return {"first": first, "second": second, "other_admin": other_admin, "old": old}


def test_the_audit_log_filters(client, admin, log_world):
    url = reverse("credentials:audit_log")
    _as(client, admin)

    def rows(**query):
        return [(e.action, e.credential.achievement.code) for e in client.get(url, query).context["page"].object_list]

    assert rows() == [("issue", "SECOND"), ("revoke", "FIRST"), ("issue", "FIRST")]
    assert rows(action="revoke") == [("revoke", "FIRST")]
    assert rows(achievement=str(log_world["second"].public_id)) == [("issue", "SECOND")]
    assert rows(actor="second.admin") == [("revoke", "FIRST")]
    since = timezone.localdate(log_world["old"] + dt.timedelta(days=1)).isoformat()
    assert rows(date_from=since) == [("issue", "SECOND"), ("revoke", "FIRST")]
    assert rows(date_to=timezone.localdate(log_world["old"]).isoformat()) == [("issue", "FIRST")]
    bad = client.get(url, {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert "date_to" in bad.context["filters"].errors
    nonsense = client.get(url, {"achievement": "not-an-id", "date_from": "yesterday", "page": "x", "action": "x"})
    assert nonsense.status_code == 200
    assert set(nonsense.context["filters"].errors) == {"achievement", "date_from", "action"}


def test_the_audit_log_exports_the_filtered_rows_as_csv_for_excel(client, admin, log_world):
    response = _as(client, admin).get(reverse("credentials:audit_log"), {"action": "issue", "format": "csv"})

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert table[0][0] == "When (UTC)"
    assert [row[1:3] for row in table[1:]] == [["issued", "SECOND"], ["issued", "FIRST"]]
    assert "Өмнөх туршлага" in body
    assert "FOREIGN" not in body

    revoked = b"".join(client.get(reverse("credentials:audit_log"), {"format": "csv"}).streaming_content).decode()
    assert "'=HYPERLINK" in revoked  # a reason is never run as a formula


# --- the achievement's page ---------------------------------------------------------------------------------


def test_the_achievement_page_filters_searches_and_pages_its_credentials(client, monkeypatch, achievement, admin):
    from erdem.credentials import manage_views

    monkeypatch.setattr(manage_views, "CREDENTIALS_PER_PAGE", 2)
    saraa = make_person(given_name="Номин", email="saraa@example.mn")
    others = [make_person() for _ in range(2)]
    for person in [saraa, *others]:
        credential_create(achievement=achievement, person=person)
    credential_revoke(credential=Credential.objects.get(person=others[0]), actor=admin, reason="Mistake.")
    url = reverse("credentials:achievement_detail", args=[achievement.public_id])
    _as(client, admin)

    def holders(**query):
        page = client.get(url, query).context["page"]
        return page.paginator.count, [credential.person for credential in page.object_list]

    count, first_page = holders()
    assert count == 3 and len(first_page) == 2
    assert holders(page="2")[0] == 3 and len(holders(page="2")[1]) == 1
    assert holders(status="revoked") == (1, [others[0]])
    assert holders(q="Номин") == (1, [saraa])
    assert holders(q="SARAA@example") == (1, [saraa])
    page = client.get(url).content.decode()
    for name in ("issue_manual", "issue_bulk", "certificate_archive", "achievement_rules"):
        assert reverse(f"credentials:{name}", args=[achievement.public_id]) in page
    assert "Complete the course “Basics”" in page
    assert reverse("credentials:credential_manage", args=[first_page[0].credentials.get().public_id]) in page


def test_the_achievement_page_reads_a_bounded_number_of_queries(client, achievement, admin):
    url = reverse("credentials:achievement_detail", args=[achievement.public_id])
    credential_create(achievement=achievement, person=make_person())
    _as(client, admin)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        credential_create(achievement=achievement, person=make_person())
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    assert len(five) == len(one)


def test_competencies_are_chosen_by_framework(client, programme, admin):
    from erdem.frameworks.models import Competency, Dimension, Framework

    framework = Framework.objects.create(
        code="test-cft", version="1", publisher="UNESCO", name_mn="Туршилт", name_en="Test framework"
    )
    dimension = Dimension.objects.create(
        framework=framework, code="1", position=1, name_mn="Хандлага", name_en="Mindset"
    )
    competency = Competency.objects.create(
        framework=framework, dimension=dimension, code="1.1", name_mn="Хүн төвтэй", name_en="Human-centred"
    )
    url = reverse("credentials:achievement_create")
    page = _as(client, admin).get(url).content.decode()
    assert "Test framework" in page and "1.1 Human-centred" in page

    client.post(url, {**_definition(), "competencies": [str(competency.pk)]})
    assert list(Achievement.objects.get().competencies.all()) == [competency]
