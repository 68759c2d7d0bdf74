"""What a national admin reported on trying the credential pages: wide tables on a phone, the definition
list, issuing to someone who holds or held the credential, numbers, names in the reader's language, the
keys page's advice, dates in one format, and a participation certificate's defaults."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from erdem.credentials.forms import AchievementForm
from erdem.credentials.models import Achievement, Credential, CredentialEvent
from erdem.credentials.services import credential_revoke, credential_suspend
from erdem.credentials.templatetags.credentials_manage import number_text, person_name_text
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.learning.models import Enrolment
from erdem.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(programme, course):
    person = make_person(
        family_name="Батжаргал", given_name="Одгэрэл", family_name_latin="Batjargal", given_name_latin="Odgerel"
    )
    Enrolment.objects.create(person=person, course=course)
    return person


def _as(client, person, language="en"):
    person.preferred_language = language
    person.save(update_fields=["preferred_language"])
    client.force_login(person)
    client.cookies["erdem_language"] = language
    return client


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- 1. wide tables scroll in their own box, and the page loads the stylesheet that makes it so -------------


def test_every_table_of_the_manage_pages_scrolls_in_its_own_box(client, achievement, learner, admin):
    credential = credential_create(achievement=achievement, person=learner)
    _as(client, admin)
    urls = [
        reverse("credentials:manage"),
        reverse("credentials:achievement_detail", args=[achievement.public_id]),
        reverse("credentials:credential_manage", args=[credential.public_id]),
        reverse("credentials:keys"),
        reverse("credentials:audit_log"),
    ]
    stylesheet = "credentials/credentials.css"
    for url in urls:
        html = _html(client.get(url))
        assert html.count("<table") >= 1, url
        assert html.count("<table") == len(re.findall(r'<div class="table-wrap"[^>]*>\s*<table', html)), url
        assert f"{settings.STATIC_URL}{stylesheet}" in html, url
    # The box is the containing block of the visually hidden header texts (position: absolute), which
    # would otherwise sit beyond the table's right edge and widen the whole page on a phone.
    css = Path(finders.find(stylesheet)).read_text()
    rule = re.search(r"^\.table-wrap \{([^}]*)\}", css, re.M)
    assert rule is not None and "position: relative" in rule.group(1)


# --- 2. the definition list and the traditional-script name -------------------------------------------------


def test_the_definition_is_a_two_column_list_and_the_traditional_name_a_small_box(client, achievement, admin):
    html = _html(_as(client, admin).get(reverse("credentials:achievement_detail", args=[achievement.public_id])))

    definition = html.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]
    assert "<dt>Code</dt><dd>AI-101-MC</dd>" in definition
    assert achievement.name_traditional not in definition
    box = html.split('<p class="traditional-name">', 1)[1].split("</p>", 1)[0]
    assert '<span class="visually-hidden">Name in traditional script: </span>' in box
    assert f'<span class="mong" lang="mn-Mong">{achievement.name_traditional}</span>' in box
    assert html.index('class="traditional-name"') < html.index("<h1>")
    assert ".traditional-name" in Path(finders.find("credentials/credentials.css")).read_text()


# --- 3. issuing by hand to someone who holds, or held, the credential -------------------------------------


def test_manual_issue_to_a_holder_says_so_and_offers_no_button(client, achievement, learner, admin):
    credential = credential_create(achievement=achievement, person=learner)
    url = reverse("credentials:issue_manual", args=[achievement.public_id])

    html = _html(_as(client, admin).post(url, {"email": learner.email, "step": "check"}))

    assert "This person already holds this credential, so it cannot be issued again." in html
    assert reverse("credentials:credential_manage", args=[credential.public_id]) in html
    assert 'value="issue"' not in html
    assert 'name="reason"' not in html
    assert 'value="check"' in html  # another person can be looked up


def test_manual_issue_to_a_suspended_holder_points_to_reinstating(client, achievement, learner, admin):
    credential = credential_create(achievement=achievement, person=learner)
    credential_suspend(credential=credential, actor=admin, reason="Under review.")
    url = reverse("credentials:issue_manual", args=[achievement.public_id])

    html = _html(_as(client, admin).post(url, {"email": learner.email, "step": "check"}))

    assert "it is suspended. Reinstate it rather than issuing it again." in html
    assert 'value="issue"' not in html


def test_manual_issue_after_a_revocation_says_when_links_it_and_needs_a_reason(client, achievement, learner, admin):
    credential = credential_create(achievement=achievement, person=learner)
    credential_revoke(credential=credential, actor=admin, reason="Misconduct case 12.")
    revoked_at = timezone.localtime(credential.events.get(action=CredentialEvent.Action.REVOKE).at)
    url = reverse("credentials:issue_manual", args=[achievement.public_id])
    _as(client, admin)

    html = _html(client.post(url, {"email": learner.email, "step": "check"}))
    with translation.override("en"):
        assert f"credential was revoked on {date_format(revoked_at, 'DATE_FORMAT')}." in html
    assert reverse("credentials:credential_manage", args=[credential.public_id]) in html
    assert 'value="issue"' in html and 'name="reason"' in html

    no_reason = client.post(url, {"email": learner.email, "step": "issue", "reason": ""})
    assert "reason" in no_reason.context["form"].errors
    assert not Credential.objects.filter(person=learner, status=Credential.Status.ACTIVE).exists()

    client.cookies["erdem_language"] = "mn"
    admin.preferred_language = "mn"
    admin.save(update_fields=["preferred_language"])
    assert revoked_at.strftime("%Y.%m.%d") in _html(client.post(url, {"email": learner.email, "step": "check"}))


# --- 4. numbers as people write them --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("44.0"), "44"), (Decimal("1.5"), "1.5"), (Decimal("1.50"), "1.5"), (Decimal("100"), "100"), (None, "")],
)
def test_numbers_drop_trailing_zeros_but_never_a_ten(value, shown):
    assert number_text(value) == shown


def test_workload_and_credits_are_shown_as_on_the_public_page(client, programme, course, admin):
    achievement = achievement_create(
        programme=programme, course=course, workload_hours=Decimal("44.0"), ects=Decimal("1.5"), mn_credits=Decimal("2")
    )
    _as(client, admin)
    html = _html(client.get(reverse("credentials:achievement_detail", args=[achievement.public_id])))
    assert "<dd>44 hours</dd>" in html
    assert "<dd>1.5</dd>" in html and "<dd>2</dd>" in html
    assert "44.0" not in html and "2.0" not in html

    form = _html(client.get(reverse("credentials:achievement_edit", args=[achievement.public_id])))
    assert 'name="workload_hours" value="44"' in form
    assert 'name="ects" value="1.5"' in form


# --- 5. names in the reader's language --------------------------------------------------------------------


def test_english_pages_name_holders_in_latin_and_mongolian_pages_in_cyrillic(client, achievement, learner, admin):
    credential = credential_create(achievement=achievement, person=learner)
    credential_url = reverse("credentials:credential_manage", args=[credential.public_id])
    detail_url = reverse("credentials:achievement_detail", args=[achievement.public_id])

    english = _html(_as(client, admin, "en").get(credential_url))
    assert "Credential held by Odgerel Batjargal" in english
    assert "Батжаргал" not in english
    assert "Odgerel Batjargal" in _html(client.get(detail_url))
    assert "Odgerel Batjargal" in _html(client.get(reverse("credentials:audit_log")))

    mongolian = _html(_as(client, admin, "mn").get(credential_url))
    assert "Батжаргал Одгэрэл" in mongolian
    assert "Odgerel" not in mongolian


def test_a_person_without_a_latin_name_is_named_in_cyrillic_everywhere():
    person = make_person(family_name="Дорж", given_name="Мандах", family_name_latin="", given_name_latin="")
    assert person_name_text(person, "en") == "Дорж Мандах"
    assert person_name_text(person, "mn") == "Дорж Мандах"


def test_manual_issue_names_the_holder_in_the_readers_language(client, achievement, learner, admin):
    url = reverse("credentials:issue_manual", args=[achievement.public_id])
    _as(client, admin, "en")
    html = _html(client.post(url, {"email": learner.email, "step": "check"}))
    assert "<h2>Odgerel Batjargal" in html

    response = client.post(url, {"email": learner.email, "step": "issue", "reason": "Prior learning."}, follow=True)
    assert "The credential is issued. Holder: Odgerel Batjargal." in response.content.decode()


def test_the_csv_log_names_holders_in_the_readers_language(client, achievement, learner, admin):
    credential_create(achievement=achievement, person=learner)
    response = _as(client, admin, "en").get(reverse("credentials:audit_log"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert rows[1][3] == "Odgerel Batjargal"


# --- 7. the keys page's advice -------------------------------------------------------------------------------


def test_the_keys_page_does_not_claim_rotation_stops_a_stolen_key(client, admin):
    html = _html(_as(client, admin).get(reverse("credentials:keys")))
    assert "may have been exposed" not in html
    assert "Rotate the key regularly" in html
    assert "Rotating does not stop a stolen key" in html
    assert "rotate it, reissue the credentials it signed, and contact the platform" in html


# --- 8. one date format on a page ----------------------------------------------------------------------------


def test_the_log_filter_shows_dates_in_the_pages_format(client, admin):
    _as(client, admin, "mn")
    html = _html(client.get(reverse("credentials:audit_log"), {"date_from": "2026-11-29", "date_to": "2026.11.30"}))
    assert 'value="2026.11.29"' in html and 'value="2026.11.30"' in html
    assert not re.search(r"<input[^>]*value=\"2026-11-29\"", html)


# --- 9. a participation certificate's defaults ---------------------------------------------------------------


def _definition(**changes):
    data = {
        "code": "AI-PART",
        "kind": "participation",
        "status": "draft",
        "auto_issue": "on",
        "name_mn": "Оролцоо",
        "name_en": "Participation",
        "description_mn": "Тайлбар",
        "description_en": "Description",
        "criteria_mn": "Шалгуур",
        "criteria_en": "Criteria",
        "workload_hours": "6",
        "participation": "in_person",
        "assessment_type": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("kind", "chosen", "saved"),
    [
        ("participation", "", Achievement.AssessmentType.NONE),
        ("micro_certificate", "", Achievement.AssessmentType.QUIZ),
        ("participation", "observation", Achievement.AssessmentType.OBSERVATION),
    ],
)
def test_a_new_achievements_assessment_follows_its_kind_unless_chosen(client, programme, admin, kind, chosen, saved):
    url = reverse("credentials:achievement_create")
    response = _as(client, admin).post(url, _definition(kind=kind, assessment_type=chosen))

    assert response.status_code == 302
    achievement = Achievement.objects.get(programme=programme, code="AI-PART")
    assert achievement.assessment_type == saved
    assert achievement.auto_issue is True  # the default stays; its help text explains it


def test_the_create_form_explains_the_defaults(client, admin):
    html = _html(_as(client, admin).get(reverse("credentials:achievement_create")))
    assert '<option value="" selected>As the kind suggests: none for participation' in html
    assert "Without rules nothing is issued automatically." in html


def test_editing_keeps_the_assessment_type_required(programme, achievement):
    form = AchievementForm(instance=achievement, programme=programme, competency_groups=[])
    field = form.fields["assessment_type"]
    assert isinstance(field, forms.ChoiceField) and field.required
    assert "" not in dict(field.choices)
