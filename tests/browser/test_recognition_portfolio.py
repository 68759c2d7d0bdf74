"""From a portfolio entry to credits toward a master's degree: an educator documents a classroom use of AI in
their Faculty AI Portfolio and asks their mentor for an endorsement; the mentor endorses it; the educator
downloads the signed endorsement, asks a degree programme for credit with three micro-certificates and one
external Open Badges 3.0 credential (a tampered copy is refused first, nothing lost); the programme office
approves; the educator sees the credits and downloads the CLR, which the independent verifier accepts."""

import copy
import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import Page, expect

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.cascade.models import MentorAssignment
from erdem.credentials.proofs.data_integrity import proof_verify
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.credentials.verification import KeyResolver, credential_verify
from erdem.frameworks.models import Competency
from erdem.frameworks.selectors import UNESCO_AI_CFT
from erdem.organisations.tests.factories import InstitutionFactory
from erdem.people.models import Person
from erdem.portfolio.models import Endorsement, Entry
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.recognition.models import RecognitionRequest
from erdem.recognition.tests.factories import ExternalIssuer, degree_create, module_create, rule_create
from tests.browser.conftest import ARTIFACTS, assert_accessible, screenshot
from tests.interop.test_clr_verifier import verify as clr_verify
from tests.interop.test_independent_verifier import (
    NODE,
    NPM,
    node_modules,  # noqa: F401 - the fixture, asked for by name
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Khangai-Yak-2026"
MICRO_CERTIFICATES = [  # English and Mongolian names, and the AI CFT competency each covers
    ("Foundations of AI in education", "Боловсролд хиймэл оюун ашиглах үндэс", "1.1"),
    ("Ethics of AI in the classroom", "Анги танхим дахь хиймэл оюуны ёс зүй", "2.1"),
    ("AI tools for lesson design", "Хичээл төлөвлөхөд хиймэл оюуны хэрэгсэл ашиглах", "3.1"),
]
COMMENT = "A careful, honest use of AI feedback: the students checked every claim against two sources."


def _signs_in(person: Person) -> Person:
    person.set_password(PASSWORD)
    person.save()
    return person


def _world() -> SimpleNamespace:
    """The programme; three AI micro-certificates issued to the educator (covering AI CFT 1.1, 2.1 and 3.1);
    an external credential naming the educator's e-mail, signed by a throwaway did:key issuer; a master's
    programme at institution A with one module and a rule asking for the three plus one external credential
    from that issuer; A's coordinator in its programme office; the educator's mentor."""
    programme = ProgrammeFactory()
    university = InstitutionFactory(name_en="National University of Education", name_mn="Боловсролын их сургууль")
    school = InstitutionFactory(name_en="Darkhan Teachers' College", name_mn="Дарханы багшийн коллеж")
    educator = _signs_in(
        person_with_role(
            Role.EDUCATOR,
            programme=programme,
            institution=school,
            email="naraa@example.mn",
            given_name="Нараа",
            family_name="Отгонбаяр",
            given_name_latin="Naraa",
            family_name_latin="Otgonbayar",
            preferred_language="en",
        )
    )
    mentor = _signs_in(
        person_with_role(
            Role.MENTOR,
            programme=programme,
            institution=school,
            email="zorig@example.mn",
            given_name="Зориг",
            family_name="Ганболд",
            given_name_latin="Zorig",
            family_name_latin="Ganbold",
            preferred_language="en",
        )
    )
    MentorAssignment.objects.create(programme=programme, mentor=mentor, mentee=educator)
    coordinator = _signs_in(
        person_with_role(
            Role.COORDINATOR,
            programme=programme,
            institution=university,
            email="office@example.mn",
            given_name="Оюун",
            family_name="Дорж",
            given_name_latin="Oyun",
            family_name_latin="Dorj",
            preferred_language="en",
        )
    )
    achievements = []
    for number, (name_en, name_mn, code) in enumerate(MICRO_CERTIFICATES, start=1):
        achievement = achievement_create(
            programme=programme, code=f"AI-10{number}-MC", name_en=name_en, name_mn=name_mn
        )
        achievement.competencies.set(Competency.objects.filter(framework__code=UNESCO_AI_CFT, code=code))
        achievements.append(achievement)
    credentials = [credential_create(achievement=achievement, person=educator) for achievement in achievements]
    issuer = ExternalIssuer()
    degree = degree_create(institution=university)
    degree.office.add(coordinator)
    module = module_create(degree=degree, code="M3", credits="6", name_en="AI in teaching and learning")
    rule = rule_create(
        degree=degree,
        module=module,
        achievements=achievements,
        external_count=1,
        external_issuers=f"{issuer.did}\n",
        approved_by=coordinator,
    )
    return SimpleNamespace(
        programme=programme,
        educator=educator,
        mentor=mentor,
        coordinator=coordinator,
        achievements=achievements,
        credentials=credentials,
        external=issuer.credential(email=educator.email),
        degree=degree,
        rule=rule,
    )


def _log_in(page: Page, person: Person) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill(person.email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    expect(page).to_have_url(re.compile("/home/$"))


def _mn(message: str) -> str:
    with translation.override("mn"):
        return gettext(message)


def _field(page: Page, label: str) -> Any:
    """The form field labelled `label` (Django may add its ":" suffix)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def _cell_words(page: Page, code: str) -> Any:
    """The words of the AI CFT grid's cell for competency `code`."""
    cell = page.locator("table.ai-cft-grid td").filter(
        has=page.locator(".grid-code", has_text=re.compile(rf"^{re.escape(code)}$"))
    )
    return cell.locator(".grid-words")


def _downloaded_json(page: Page, link: Any) -> dict[str, Any]:
    with page.expect_download() as caught:
        link.click()
    path = caught.value.path()
    return json.loads(Path(path).read_text(encoding="utf-8"))


def test_an_endorsed_portfolio_entry_and_credit_toward_a_masters_degree(
    page: Page,
    live_server: Any,
    settings: Any,
    mailoutbox: list[Any],
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    settings.SITE_URL = live_server.url
    world = _world()
    nav = page.get_by_role("navigation", name="Main")

    # 1. The educator opens "My portfolio": the grid already shows the three credentials.
    _log_in(page, world.educator)
    nav.get_by_role("link", name="My portfolio").click()
    expect(page).to_have_url(re.compile("/portfolio/$"))
    expect(page.locator("h1")).to_have_text(world.educator.full_name)
    expect(page.locator(".ai-cft-grid caption")).to_contain_text("3 of 15 cells have evidence")
    expect(_cell_words(page, "1.1")).to_have_text("1 credential")
    expect(_cell_words(page, "4.2")).to_have_text("no evidence yet")
    for name_en, _name_mn, _code in MICRO_CERTIFICATES:
        expect(page.locator(".credential-list").get_by_role("link", name=name_en)).to_be_visible()

    # A new entry: a classroom use report, in Markdown, tagged to two competencies, public.
    page.get_by_role("link", name="Add an entry").first.click()
    expect(page.locator("h1")).to_have_text("New entry")
    _field(page, "Kind of entry").select_option("classroom_use")
    _field(page, "Title").fill("Checking sources with a chatbot in grade 10")
    _field(page, "Text").fill(
        "Grade 10 students asked a chatbot about the **Mongol Empire's** trade routes, then:\n\n"
        "- checked each claim against two library sources;\n"
        "- marked what the chatbot got wrong.\n\n"
        '<script>alert("x")</script>Most groups found two invented dates.'
    )
    _field(page, "Language of the text").select_option("en")
    _field(page, "Course taught").fill("History, grade 10")
    _field(page, "From").fill("2026-09-07")
    _field(page, "To").fill("2026-10-16")
    page.get_by_label(re.compile(r"4\.2 AI-pedagogy integration")).check()
    page.get_by_label(re.compile(r"2\.2 Safe and responsible use")).check()
    _field(page, "Links").fill("https://example.org/lessons/sources Lesson plan and worksheet")
    page.get_by_label("anyone with the public link").check()
    page.get_by_role("button", name="Save the entry").click()

    # The entry as saved: the Markdown rendered, the script tag escaped, the facts and the tags.
    expect(page.get_by_text("The entry is saved.")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Checking sources with a chatbot in grade 10")
    entry = Entry.objects.get(person=world.educator)
    assert entry.visibility == Entry.Visibility.PUBLIC and entry.course_taught == "History, grade 10"
    body = page.locator(".entry-body")
    expect(body.locator("strong")).to_have_text("Mongol Empire's")
    expect(body.locator("li")).to_have_count(2)
    expect(body.locator("script")).to_have_count(0)  # the tag is escaped: shown as text, never run
    expect(page.locator(".entry-facts")).to_contain_text("Course taught: History, grade 10")
    expect(page.get_by_text("Seen by: anyone with the public link")).to_be_visible()
    tags = page.get_by_role("list", name="UNESCO AI CFT competencies")
    expect(tags).to_contain_text("4.2 AI-pedagogy integration · Deepen")
    expect(tags).to_contain_text("2.2 Safe and responsible use · Deepen")
    expect(page.get_by_role("link", name="Lesson plan and worksheet")).to_have_attribute(
        "href", "https://example.org/lessons/sources"
    )
    expect(page.get_by_text("No endorsement yet.")).to_be_visible()
    screenshot(page, "portfolio-entry")
    assert_accessible(page)

    # The grid now counts the entry.
    page.get_by_role("link", name="My portfolio").first.click()
    expect(_cell_words(page, "4.2")).to_have_text("1 entry")
    expect(page.locator(".ai-cft-grid caption")).to_contain_text("5 of 15 cells have evidence")
    screenshot(page, "portfolio-mine-desktop")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(_cell_words(page, "4.2")).to_have_text("1 entry")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "portfolio-mine-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Asking the mentor: the form suggests them.
    page.get_by_role("link", name="Checking sources with a chatbot in grade 10").click()
    page.get_by_role("link", name="Ask for an endorsement").click()
    expect(page.get_by_text(f"Your mentor, {world.mentor.full_name}, is filled in")).to_be_visible()
    expect(page.get_by_label("Their e-mail address")).to_have_value(world.mentor.email)
    expect(page.get_by_label("mentor", exact=True)).to_be_checked()
    page.get_by_label("A note to them (optional)").fill("This is the lesson you observed in October.")
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.get_by_text("is asked to endorse your entry")).to_be_visible()
    expect(page.get_by_role("region", name="Asked so far")).to_contain_text("asked")
    assert [message.to for message in mailoutbox] == [[world.mentor.email]]
    assert_accessible(page)

    # 2. The mentor finds the request among the endorsements asked of them and endorses with a comment.
    _log_in(page, world.mentor)
    nav.get_by_role("link", name="My portfolio").click()
    page.locator("#main").get_by_role("link", name="Endorsements asked of me").click()
    waiting = page.get_by_role("region", name="Asked of you")
    expect(waiting).to_contain_text("asks you as mentor")
    waiting.get_by_role("link", name="Checking sources with a chatbot in grade 10").click()
    expect(page.locator("h1")).to_contain_text("Endorsement of “Checking sources with a chatbot in grade 10”")
    expect(page.get_by_text("This is the lesson you observed in October.")).to_be_visible()
    expect(page.locator(".lesson-body strong")).to_have_text("Mongol Empire's")
    page.get_by_role("button", name="Endorse").click()  # empty: refused, in words
    expect(page.get_by_text("Write what you endorse in this work.").first).to_be_visible()
    page.get_by_label("Your endorsement").fill(COMMENT)
    screenshot(page, "portfolio-mentor-endorse")
    assert_accessible(page)
    page.get_by_role("button", name="Endorse").click()
    expect(page.get_by_text("your endorsement is signed and shown with the entry")).to_be_visible()
    expect(page.get_by_role("region", name="The endorsement")).to_contain_text(COMMENT)
    endorsement = Endorsement.objects.get(entry=entry)
    assert endorsement.status == Endorsement.Status.GIVEN and endorsement.endorser == world.mentor

    # 3. The educator sees the endorsement on the entry, the cell's words change; the signed endorsement.
    _log_in(page, world.educator)
    nav.get_by_role("link", name="My portfolio").click()
    expect(_cell_words(page, "4.2")).to_have_text("1 entry, 1 endorsed")
    expect(page.locator(".entry-list")).to_contain_text("1 endorsement")
    page.get_by_role("link", name="Checking sources with a chatbot in grade 10").click()
    endorsed = page.locator(".endorsement")
    expect(endorsed).to_contain_text(world.mentor.full_name)
    expect(endorsed).to_contain_text(COMMENT)
    signed = _downloaded_json(page, endorsed.get_by_role("link", name="Signed endorsement (Open Badges 3.0)"))
    assert signed["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert signed["credentialSubject"]["endorsementComment"] == COMMENT
    assert signed["credentialSubject"]["id"].endswith(f"/portfolio/entries/{entry.public_id}/")
    assert credential_verify(signed).verdict == "valid"

    # 4. Credit: first with a tampered external credential, refused in words, nothing lost.
    nav.get_by_role("link", name="My credit requests").click()
    expect(page.locator("h1")).to_have_text("My credit requests")
    expect(page.get_by_text("No credits recognised yet.")).to_be_visible()
    page.get_by_role("link", name="Ask for credit").click()
    page.get_by_label(re.compile("The three AI micro-certificates")).check()
    for achievement in world.achievements:
        page.get_by_label(f"{achievement.name_en} ({achievement.code})").check()
    tampered = copy.deepcopy(world.external)
    tampered["credentialSubject"]["creditsEarned"] = 30
    external_box = page.get_by_label("External Open Badges 3.0 credentials")
    external_box.fill(json.dumps(tampered, ensure_ascii=False, indent=2))
    page.get_by_label("Message to the programme office").fill("The external course was taken in Tallinn in 2026.")
    page.get_by_role("button", name="Send the request").click()
    expect(page).to_have_title(re.compile("^Error:"))
    expect(page.get_by_text("External credential 1", exact=False).first).to_contain_text(
        "its signature does not match: it was changed after it was signed, or it is forged"
    )
    expect(page.get_by_label(re.compile("The three AI micro-certificates"))).to_be_checked()
    for achievement in world.achievements:
        expect(page.get_by_label(f"{achievement.name_en} ({achievement.code})")).to_be_checked()
    assert json.loads(external_box.input_value()) == tampered
    expect(page.get_by_label("Message to the programme office")).to_have_value(
        "The external course was taken in Tallinn in 2026."
    )
    assert not RecognitionRequest.objects.exists()
    screenshot(page, "recognition-request-form-error")
    assert_accessible(page)

    # The genuine credential, pasted in place of the tampered one.
    external_box.fill(json.dumps(world.external, ensure_ascii=False, indent=2))
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Your request was sent to the programme office.")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Credit request: AI in teaching and learning")
    expect(page.locator(".summary").first.locator(".badge")).to_have_text("waiting for a decision")
    offered = page.get_by_role("region", name="Credentials offered")
    expect(offered.locator("> ul > li")).to_have_count(4)
    expect(offered).to_contain_text("Open University of Tallinn")
    expect(offered.get_by_text("At submission: valid", exact=False)).to_have_count(4)
    screenshot(page, "recognition-request-submitted")
    assert_accessible(page)
    credit_request = RecognitionRequest.objects.get()
    assert credit_request.status == RecognitionRequest.Status.SUBMITTED

    # 5. The programme office: the queue, the request with its verification and rule, the approval.
    _log_in(page, world.coordinator)
    nav.get_by_role("link", name="Credit requests to decide").click()
    expect(page.locator("h1")).to_have_text("Credit requests to decide")
    row = page.locator("tbody tr").filter(has_text=world.educator.full_name)
    expect(row).to_contain_text("AI in teaching and learning")
    assert_accessible(page)
    row.get_by_role("link").first.click()
    expect(page.locator("h1")).to_have_text("Credit request: AI in teaching and learning")
    rule_section = page.get_by_role("region", name=re.compile(r"The rule at submission \(version 1\)"))
    expect(rule_section).to_contain_text("The three AI micro-certificates")
    expect(rule_section).to_contain_text("Council decision 12, 2026-01-10")
    offered = page.get_by_role("region", name="Credentials offered")
    expect(offered.get_by_text("At submission: valid", exact=False)).to_have_count(4)
    expect(offered.locator(".recognition-checks").first).to_be_visible()
    expect(page.get_by_text("Approving grants 6", exact=False)).to_be_visible()
    screenshot(page, "recognition-office-request")
    assert_accessible(page)
    page.get_by_label("Reason").fill("Meets rule M3 as approved by the council.")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("The decision was recorded and the learner told.")).to_be_visible()
    expect(page.locator(".summary").first.locator(".badge")).to_have_text("approved")
    assert mailoutbox[-1].to == [world.educator.email]  # the learner is told
    credit_request.refresh_from_db()
    assert (
        credit_request.status == RecognitionRequest.Status.APPROVED and credit_request.decided_by == world.coordinator
    )

    # 6. The educator's credit record, and the signed CLR from the portfolio.
    _log_in(page, world.educator)
    nav.get_by_role("link", name="My credit requests").click()
    record = page.get_by_role("region", name=re.compile("Master's in Education Technology"))
    expect(record.locator("tbody tr")).to_contain_text("M3 AI in teaching and learning")
    expect(record.locator("tfoot td")).to_have_text(re.compile(r"^6(\.0+)? of 32(\.0+)?$"))
    screenshot(page, "recognition-credit-record")
    assert_accessible(page)

    nav.get_by_role("link", name="My portfolio").click()
    clr = _downloaded_json(page, page.get_by_role("link", name="Download my signed record (CLR 2.0)"))
    assert "ClrCredential" in clr["type"]
    inner = clr["credentialSubject"]["verifiableCredential"]
    assert {tuple(item["type"]) for item in inner} == {
        ("VerifiableCredential", "OpenBadgeCredential"),
        ("VerifiableCredential", "EndorsementCredential"),
    }
    assert len(inner) == 4
    proof_verify(clr, resolve_key=KeyResolver())  # erdem's own check of the record's signature
    assert all(credential_verify(item).verdict == "valid" for item in inner)
    (ARTIFACTS / "recognition-portfolio-clr.json").write_text(json.dumps(clr, ensure_ascii=False), encoding="utf-8")

    # The portfolio page once in Mongolian.
    page.get_by_role("button", name="Монгол").click()
    expect(page.locator("html")).to_have_attribute("lang", "mn")
    expect(page.get_by_role("link", name=_mn("Add an entry")).first).to_be_visible()
    with translation.override("mn"):
        one_entry = ngettext("%(counter)s entry", "%(counter)s entries", 1) % {"counter": 1}
        one_endorsed = ngettext("%(counter)s endorsed", "%(counter)s endorsed", 1) % {"counter": 1}
    expect(_cell_words(page, "4.2")).to_have_text(f"{one_entry}, {one_endorsed}")
    for _name_en, name_mn, _code in MICRO_CERTIFICATES:
        expect(page.locator(".credential-list").get_by_role("link", name=name_mn)).to_be_visible()
    screenshot(page, "portfolio-mine-mn")
    assert_accessible(page)

    # The CLR in the independent verifier (Digital Bazaar's), when Node.js is there.
    if NODE is None or NPM is None:
        pytest.skip("Node.js and npm are needed for the independent verifier and are not installed")
    request.getfixturevalue("node_modules")
    assert clr_verify(clr, tmp_path) == {"verified": True, "error": None}
