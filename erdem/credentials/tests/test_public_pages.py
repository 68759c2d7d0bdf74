"""What learners and the public see of a credential: `mine`, the holder's choices, the public
page (the QR target) with its verdicts and content negotiation, the signed files, achievements."""

import datetime as dt
import gzip
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog.tests.factories import course_build
from erdem.credentials.identity import credential_url
from erdem.credentials.models import Achievement, AchievementRule, Credential
from erdem.credentials.public_views import linkedin_url
from erdem.credentials.services import (
    IssuanceError,
    credential_reissue,
    credential_revoke,
    credential_subject_did_set,
    credential_suspend,
)
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.learning.models import Enrolment
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

HTML_BUDGET = 14 * 1024  # the compressed budget of a lesson page (tests/test_page_weight.py)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\x81\xe5\x00\x00\x00\x00IEND\xaeB`\x82"
)


def english(client: Client, person=None) -> Client:
    """Pages in English, whatever the catalogue holds, so that the assertions read their words."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if person is not None:
        person.preferred_language = "en"
        person.save(update_fields=["preferred_language"])
        client.force_login(person)
    return client


@pytest.fixture
def world():
    programme = ProgrammeFactory()
    achievement = achievement_create(programme=programme)
    holder = make_person(
        family_name="Батбаяр", given_name="Номин", family_name_latin="Batbayar", given_name_latin="Nomin"
    )
    credential = credential_create(achievement=achievement, person=holder)
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme)
    return {
        "programme": programme,
        "achievement": achievement,
        "holder": holder,
        "credential": credential,
        "admin": admin,
    }


def public_url(credential: Credential) -> str:
    return reverse("credentials:public", args=[credential.public_id])


# --- mine ------------------------------------------------------------------------------------------------


def test_mine_needs_signing_in(client):
    response = client.get(reverse("credentials:mine"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:login"))


def test_mine_lists_the_holders_credentials_with_every_way_out(client, world):
    credential = world["credential"]
    response = english(client, world["holder"]).get(reverse("credentials:mine"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Foundations of AI in Education" in page
    for name in ("certificate_pdf", "download_json", "download_jwt", "public"):
        assert reverse(f"credentials:{name}", args=[credential.public_id]) in page
    assert f'value="{credential_url(credential.public_id)}" readonly' in page
    assert "https://www.linkedin.com/profile/add?" in page
    assert 'target="_blank"' in page
    assert reverse("credentials:holder_settings", args=[credential.public_id]) in page


def test_mine_never_lists_other_peoples_credentials(client, world):
    other = make_person()
    response = english(client, other).get(reverse("credentials:mine"))
    assert str(world["credential"].public_id) not in response.content.decode()
    assert response.context["current"] == [] and response.context["history"] == []


def test_mine_puts_revoked_and_replaced_in_a_collapsed_history(client, world):
    holder, achievement = world["holder"], world["achievement"]
    old = world["credential"]
    new = credential_reissue(credential=old, actor=world["admin"], reason="Corrected name.")
    other_achievement = achievement_create(programme=world["programme"], code="AI-102-MC")
    revoked = credential_create(achievement=other_achievement, person=holder)
    credential_revoke(credential=revoked, actor=world["admin"], reason="Issued by mistake.")
    response = english(client, holder).get(reverse("credentials:mine"))
    assert [card.credential.pk for card in response.context["current"]] == [new.pk]
    assert {card.credential.pk for card in response.context["history"]} == {old.pk, revoked.pk}
    page = response.content.decode()
    history = page[page.index('<details class="history">') :]
    assert str(old.public_id) in history and str(revoked.public_id) in history
    assert f'id="credential-{new.public_id}"' not in history
    assert achievement.pk == new.achievement_id


def test_mine_runs_a_bounded_number_of_queries(client, world):
    holder = world["holder"]
    english(client, holder)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("credentials:mine")).status_code == 200
        return len(captured)

    few = queries()
    for number in range(4):
        achievement = achievement_create(programme=world["programme"], code=f"EXTRA-{number}")
        credential_create(achievement=achievement, person=holder)
    assert queries() == few


def test_mine_shows_progress_towards_automatic_achievements(client, world):
    programme, holder = world["programme"], world["holder"]
    done = course_build(programme=programme, code="ai-201")
    pending = course_build(programme=programme, code="ai-202")
    automatic = achievement_create(programme=programme, code="AI-200-MC", course=done)
    AchievementRule.objects.create(
        achievement=automatic, kind=AchievementRule.Kind.COURSE_COMPLETED, course=pending, position=1
    )
    Enrolment.objects.create(person=holder, course=done, completed_at=timezone.now())
    Enrolment.objects.create(person=holder, course=pending)
    response = english(client, holder).get(reverse("credentials:mine"))
    [row] = response.context["progress"]
    assert (row.achievement, row.met, row.total) == (automatic, 1, 2)
    assert [outcome.rule.course_id for outcome in row.missing] == [pending.pk]
    assert "1 of 2 requirements met" in response.content.decode()


def test_mine_says_truthfully_when_every_requirement_is_met(client, world):
    programme, holder = world["programme"], world["holder"]
    course = course_build(programme=programme, code="ai-301")
    automatic = achievement_create(programme=programme, code="AI-300-MC", course=course)
    Enrolment.objects.create(person=holder, course=course, completed_at=timezone.now())
    response = english(client, holder).get(reverse("credentials:mine"))
    [row] = response.context["progress"]
    assert (row.achievement, row.met, row.total, row.missing) == (automatic, 1, 1, [])
    page = response.content.decode()
    assert "Every requirement is met: the credential will be issued shortly." in page
    assert "is being issued" not in page


def test_linkedin_link_fills_the_certification_form(world):
    credential = world["credential"]
    Credential.objects.filter(pk=credential.pk).update(
        awarded_at=dt.datetime(2026, 3, 31, 20, 0, tzinfo=dt.UTC),  # 1 April in Ulaanbaatar
        issued_at=dt.datetime(2026, 6, 1, 4, 0, tzinfo=dt.UTC),  # a reissue keeps the date it was earned
        valid_until=dt.datetime(2029, 4, 1, 4, 0, tzinfo=dt.UTC),
    )
    credential.refresh_from_db()
    with translation.override("mn"):
        url = urlsplit(linkedin_url(credential))
    assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/profile/add")
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert query == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Боловсролд хиймэл оюун ашиглах үндэс",  # in the reader's language
        "organizationName": world["programme"].national_centre.name_mn,
        "issueYear": "2026",
        "issueMonth": "4",
        "expirationYear": "2029",
        "expirationMonth": "4",
        "certUrl": credential_url(credential.public_id),
        "certId": credential.verification_code,
    }


# --- the holder's choices --------------------------------------------------------------------------------


def test_holder_hides_their_name_and_the_certificate_from_the_public(client, world):
    credential = world["credential"]
    settings_url = reverse("credentials:holder_settings", args=[credential.public_id])
    holder_client = english(Client(), world["holder"])
    response = holder_client.post(settings_url, {"change": "show_name"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('credentials:mine')}#credential-{credential.public_id}"
    credential.refresh_from_db()
    assert credential.show_name is False

    page = english(client).get(public_url(credential)).content.decode()
    assert "Batbayar" not in page and "Батбаяр" not in page
    assert "The holder chose not to show their name" in page
    assert reverse("credentials:certificate_pdf", args=[credential.public_id]) not in page
    # The holder still sees the link to their certificate, and a note that only they see it.
    own = holder_client.get(public_url(credential)).content.decode()
    assert reverse("credentials:certificate_pdf", args=[credential.public_id]) in own
    assert "Only you see this" in own

    holder_client.post(settings_url, {"change": "show_name", "show_name": "on"})
    credential.refresh_from_db()
    assert credential.show_name is True
    assert "Батбаяр Номин" in client.get(public_url(credential)).content.decode()


def test_holder_settings_belong_to_the_holder(client, world):
    credential = world["credential"]
    settings_url = reverse("credentials:holder_settings", args=[credential.public_id])
    assert client.post(settings_url, {"change": "show_name"}).status_code == 302  # to the login page
    client.force_login(make_person())
    assert client.post(settings_url, {"change": "show_name"}).status_code == 403
    client.force_login(world["admin"])
    assert client.post(settings_url, {"change": "show_name"}).status_code == 403
    client.force_login(world["holder"])
    assert client.get(settings_url).status_code == 405
    missing = reverse("credentials:holder_settings", args=["00000000-0000-4000-8000-000000000000"])
    assert client.post(missing, {"change": "show_name"}).status_code == 404
    credential.refresh_from_db()
    assert credential.show_name is True


def test_linking_a_did_reissues_the_credential_to_it(client, world):
    credential = world["credential"]
    holder_client = english(client, world["holder"])
    settings_url = reverse("credentials:holder_settings", args=[credential.public_id])
    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    response = holder_client.post(settings_url, {"change": "did", "did": did, "confirm": "on"}, follow=True)
    credential.refresh_from_db()
    assert credential.status == Credential.Status.REPLACED
    new = credential.replaced_by
    assert new.subject_did == did
    assert new.document["credentialSubject"]["id"] == did
    assert "reissued to your DID" in response.content.decode()


def test_linking_a_did_asks_for_confirmation_first(client, world):
    credential = world["credential"]
    settings_url = reverse("credentials:holder_settings", args=[credential.public_id])
    holder_client = english(client, world["holder"])
    page = holder_client.get(reverse("credentials:mine")).content.decode()
    assert 'name="confirm" required' in page
    assert "the current link, QR code and LinkedIn entry will stop verifying" in page
    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    response = holder_client.post(settings_url, {"change": "did", "did": did})
    assert response.status_code == 400
    page = response.content.decode()
    card = page[page.index(f'id="credential-{credential.public_id}"') :]
    # The reason is shown in the card, next to the checkbox, and the DID entered is kept.
    assert "Please confirm that the new credential replaces the current one." in card
    assert f'id="credential-{credential.public_id}-confirm-errors"' in card
    assert f'value="{did}"' in card
    assert '<details class="holder-setting" open>' in card
    credential.refresh_from_db()
    assert credential.status == Credential.Status.ACTIVE
    assert Credential.objects.count() == 1


def test_a_bad_did_is_refused_next_to_the_field(client, world):
    credential = world["credential"]
    settings_url = reverse("credentials:holder_settings", args=[credential.public_id])
    holder_client = english(client, world["holder"])
    response = holder_client.post(settings_url, {"change": "did", "did": "my wallet", "confirm": "on"})
    assert response.status_code == 400
    page = response.content.decode()
    errors = page[page.index(f'id="credential-{credential.public_id}-did-errors"') :]
    with translation.override("en"), pytest.raises(IssuanceError) as refusal:
        credential_subject_did_set(credential=credential, person=world["holder"], did="my wallet")
    assert escape(str(refusal.value)) in errors[: errors.index("</ul>")]  # the service's reason, by the field
    assert f'aria-describedby="credential-{credential.public_id}-did-errors' in page
    credential.refresh_from_db()
    assert credential.status == Credential.Status.ACTIVE
    response = holder_client.post(settings_url, {"change": "did", "did": "", "confirm": "on"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Credential.objects.count() == 1


# --- the public page -------------------------------------------------------------------------------------


def test_public_page_of_a_valid_credential(client, world):
    credential = world["credential"]
    response = english(client).get(public_url(credential))
    assert response.status_code == 200
    assert response.context["verdict"].state == "valid"
    page = response.content.decode()
    assert page.index('class="verdict verdict-valid"') < page.index('class="names-title"')
    for text in (
        "Боловсролд хиймэл оюун ашиглах үндэс",
        "ᠪᠣᠯᠪᠠᠰᠤᠷᠠᠯ",
        "Certifies that the teacher can use AI responsibly",
        "Completed the three modules",
        "ECTS credits",
        "Батбаяр Номин",
        credential.verification_code,
        world["programme"].national_centre.name_en,
    ):
        assert text in page, text
    assert reverse("credentials:certificate_pdf", args=[credential.public_id]) in page
    verify = f"{reverse('credentials:verify')}?url=" + credential_url(credential.public_id).replace(":", "%3A").replace(
        "/", "%2F"
    )
    assert verify in page
    # The verifier's checks, made on the stored credential.
    statuses = {check.code: check.status for check in response.context["checks"]}
    assert statuses["signature"] == "pass" and statuses["status"] == "pass"
    assert "Accept" in response["Vary"]


def test_public_page_and_card_give_the_award_date_and_any_reissue(client, world):
    credential = world["credential"]
    moment = dt.datetime(2026, 3, 31, 20, 0, tzinfo=dt.UTC)
    Credential.objects.filter(pk=credential.pk).update(awarded_at=moment, issued_at=moment)
    credential.refresh_from_db()
    page = english(client).get(public_url(credential)).content.decode()
    assert "<dt>Awarded on</dt>" in page and "reissued on" not in page
    new = credential_reissue(credential=credential, actor=world["admin"], reason="Corrected the name.")
    assert new.awarded_at == credential.awarded_at
    with translation.override("en"):
        awarded = formats.date_format(timezone.localtime(new.awarded_at), "DATE_FORMAT")
        reissued = formats.date_format(timezone.localtime(new.issued_at), "DATE_FORMAT")
    page = client.get(public_url(new)).content.decode()
    facts = page[page.index("<dt>Awarded on</dt>") :]
    assert facts.index(awarded) < facts.index(f"reissued on {reissued}") < facts.index("</dd>")
    mine = english(Client(), world["holder"]).get(reverse("credentials:mine")).content.decode()
    card = mine[mine.index(f'id="credential-{new.public_id}"') :]
    assert f"awarded on {awarded}" in card[: card.index("</article>")]


def test_public_page_shows_the_traditional_script_compactly_and_marks_languages(client, world):
    credential = world["credential"]
    centre = world["programme"].national_centre
    page = english(client).get(public_url(credential)).content.decode()
    # English first on an English page, the Mongolian name marked as such.
    assert page.index('<span lang="en">Foundations of AI in Education</span>') < page.index(
        '<span class="name-other" lang="mn">Боловсролд хиймэл оюун ашиглах үндэс</span>'
    )
    # The traditional script in a small box, named for screen readers, not a column of its own.
    assert (
        '<p class="mong-box"><span class="visually-hidden">In the traditional Mongolian script: </span>'
        '<span class="mong" lang="mn-Mong">ᠪᠣᠯᠪᠠᠰᠤᠷᠠᠯ</span></p>'
    ) in page
    assert "<br><span" not in page[page.index('class="names-title"') : page.index('<dl class="facts">')]
    # The holder's Latin name first, the issuer's English name.
    assert '<strong lang="en">Nomin Batbayar</strong> <span lang="mn">(Батбаяр Номин)</span>' in page
    assert f'<dd lang="en">{centre.name_en}</dd>' in page

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "mn"
    page = client.get(public_url(credential)).content.decode()
    assert page.index('<span lang="mn">Боловсролд хиймэл оюун ашиглах үндэс</span>') < page.index(
        '<span class="name-other" lang="en">Foundations of AI in Education</span>'
    )
    assert '<strong lang="mn">Батбаяр Номин</strong> <span lang="en">(Nomin Batbayar)</span>' in page
    assert f'<dd lang="mn">{centre.name_mn}</dd>' in page


def test_achievement_page_shows_the_traditional_script_compactly(client, world):
    achievement = world["achievement"]
    page = english(client).get(reverse("credentials:achievement", args=[achievement.public_id])).content.decode()
    heading = page[page.index('class="names-title"') :]
    heading = heading[: heading.index("</div>")]
    assert '<h1 class="names-heading"><span lang="en">Foundations of AI in Education</span>' in heading
    assert '<span class="mong" lang="mn-Mong">ᠪᠣᠯᠪᠠᠰᠤᠷᠠᠯ</span>' in heading
    assert f'<span lang="en">{world["programme"].national_centre.name_en}</span>' in page


def test_public_page_says_when_a_credential_was_revoked_but_not_why(client, world):
    credential = world["credential"]
    credential_revoke(credential=credential, actor=world["admin"], reason="Plagiarism case 2026-17.")
    response = english(client).get(public_url(credential))
    verdict = response.context["verdict"]
    assert verdict.state == "revoked" and verdict.since is not None
    page = response.content.decode()
    assert "The issuer revoked this credential on" in page
    assert "Plagiarism" not in page
    assert reverse("credentials:certificate_pdf", args=[credential.public_id]) not in page


def test_public_page_of_a_suspended_credential(client, world):
    credential = world["credential"]
    credential_suspend(credential=credential, actor=world["admin"], reason="Under review.")
    response = english(client).get(public_url(credential))
    assert response.context["verdict"].state == "suspended"
    assert "The issuer suspended this credential on" in response.content.decode()
    assert "Under review" not in response.content.decode()


def test_public_page_of_an_expired_credential(client, world):
    credential = world["credential"]
    Credential.objects.filter(pk=credential.pk).update(valid_until=timezone.now() - dt.timedelta(days=1))
    response = english(client).get(public_url(credential))
    assert response.context["verdict"].state == "expired"
    assert "This credential expired on" in response.content.decode()


def test_public_page_of_a_replaced_credential_links_to_the_new_one(client, world):
    credential = world["credential"]
    new = credential_reissue(credential=credential, actor=world["admin"], reason="Corrected the name.")
    response = english(client).get(public_url(credential))
    assert response.context["verdict"].state == "replaced"
    assert response.context["verdict"].replacement == new
    assert f'href="{public_url(new)}"' in response.content.decode()


def test_a_record_whose_signature_fails_is_not_called_valid(client, world):
    credential = world["credential"]
    tampered = {**credential.document, "name": "Something else"}
    Credential.objects.filter(pk=credential.pk).update(document=tampered)
    response = english(client).get(public_url(credential))
    assert response.context["verdict"].state == "invalid"
    assert {check.code: check.status for check in response.context["checks"]}["signature"] == "fail"
    assert "Not valid" in response.content.decode()


def test_unknown_credential_is_not_found(client):
    assert client.get(reverse("credentials:public", args=["00000000-0000-4000-8000-000000000000"])).status_code == 404


def test_public_page_is_light(client, world):
    response = client.get(public_url(world["credential"]))
    assert len(gzip.compress(response.content)) < HTML_BUDGET
    assert b"<img" not in response.content  # no image unless the achievement has one


@pytest.mark.parametrize(
    ("accept", "query", "content_type"),
    [
        ("application/ld+json", "", "application/ld+json"),
        ("application/json", "", "application/json"),
        ("application/vc+ld+json", "", "application/vc+ld+json"),
        ('application/ld+json;profile="https://www.w3.org/ns/credentials/v2"', "", "application/ld+json"),
        ("text/html", "?format=json", "application/ld+json"),
    ],
)
def test_public_url_answers_json_when_asked(client, world, accept, query, content_type):
    credential = world["credential"]
    response = client.get(public_url(credential) + query, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert json.loads(response.content) == credential.document
    assert "Accept" in response["Vary"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_browser_gets_the_page(client, world):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get(public_url(world["credential"]), HTTP_ACCEPT=accept)
    assert response["Content-Type"].startswith("text/html")
    assert "Accept" in response["Vary"]


def test_downloads_are_the_signed_files(client, world):
    credential = world["credential"]
    issued = timezone.localtime(credential.issued_at, dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    response = client.get(reverse("credentials:download_json", args=[credential.public_id]))
    assert response["Content-Type"] == "application/vc+ld+json"
    assert response["Content-Disposition"].startswith(f'attachment; filename="AI-101-MC_{issued}.json"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert json.loads(response.content) == credential.document
    response = client.get(reverse("credentials:download_jwt", args=[credential.public_id]))
    assert response["Content-Type"] == "application/vc+jwt"
    assert response["Content-Disposition"].startswith(f'attachment; filename="AI-101-MC_{issued}.jwt"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.decode() == credential.jwt
    assert client.get(reverse("credentials:download_jwt", args=[credential.achievement.public_id])).status_code == 404


# --- achievements ----------------------------------------------------------------------------------------


def test_achievement_page_and_its_json(client, world):
    achievement = world["achievement"]
    url = reverse("credentials:achievement", args=[achievement.public_id])
    response = english(client).get(url)
    assert response.status_code == 200
    assert "Foundations of AI in Education" in response.content.decode()
    data = client.get(url, HTTP_ACCEPT="application/ld+json")
    assert data["Content-Type"] == "application/ld+json"
    document = json.loads(data.content)
    assert document["type"] == ["Achievement"] and document["humanCode"] == "AI-101-MC"
    assert document == json.loads(client.get(url + "?format=json").content)


def test_draft_achievements_are_not_public(client, world):
    draft = achievement_create(programme=world["programme"], code="DRAFT-1", status=Achievement.Status.DRAFT)
    url = reverse("credentials:achievement", args=[draft.public_id])
    assert client.get(url).status_code == 404
    client.force_login(make_person())
    assert client.get(url).status_code == 404
    client.force_login(world["admin"])
    assert client.get(url).status_code == 200


def test_achievement_image_is_served_with_its_sniffed_type(client, world):
    achievement = world["achievement"]
    url = reverse("credentials:achievement_image", args=[achievement.public_id])
    assert client.get(url).status_code == 404
    achievement.image.save("badge.bin", ContentFile(PNG), save=True)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG
    assert f'src="{url}"' in client.get(public_url(world["credential"])).content.decode()
