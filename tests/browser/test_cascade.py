"""The cascade in the browser: a master teacher sees their branch in "My cascade"; the national centre
finds a region with no trainer and appoints one there; a mentor logs a session with their mentee."""

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from erdem.access.models import Role, RoleAssignment
from erdem.cascade.models import Appointment, LineageNode, MentoringSession, Tier
from erdem.cascade.services import lineage_attach, mentor_assign
from erdem.cascade.tests.factories import appoint
from erdem.organisations.models import Region
from erdem.organisations.tests.factories import InstitutionFactory
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory
from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Khangai-Yak-2026"
WORKSHOP = LineageNode.Source.WORKSHOP


def _person(email: str, given: str, family: str, given_latin: str, family_latin: str, **fields: Any) -> Person:
    person = make_person(
        email=email,
        given_name=given,
        family_name=family,
        given_name_latin=given_latin,
        family_name_latin=family_latin,
        preferred_language="en",
        **fields,
    )
    person.set_password(PASSWORD)
    person.save()
    return person


def _log_in(page: Page, person: Person) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill(person.email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    expect(page).to_have_url(re.compile("/home/$"))


def _educator(programme: Any, institution: Any, number: int) -> Person:
    person = make_person(given_name=f"Номин{number}", given_name_latin=f"Nomin{number}", institution=institution)
    RoleAssignment.objects.create(person=person, role=Role.EDUCATOR, programme=programme)
    return person


def test_a_master_teacher_sees_their_branch(page: Page) -> None:
    programme = ProgrammeFactory()
    darkhan = InstitutionFactory(region=Region.objects.get(iso_code="MN-037"))
    master = _person("bolormaa@example.mn", "Болормаа", "Дорж", "Bolormaa", "Dorj", institution=darkhan)
    appoint(programme=programme, tier=Tier.MASTER_TEACHER, person=master)
    trainers = []
    for number, (given, latin) in enumerate((("Тэмүүлэн", "Temuulen"), ("Ариунаа", "Ariunaa"))):
        trainer = _person(f"trainer{number}@example.mn", given, "Ганбат", latin, "Ganbat", institution=darkhan)
        appoint(programme=programme, tier=Tier.REGIONAL_TRAINER, person=trainer, trained_by=master)
        trainers.append(trainer)
    for number in range(7):
        educator = _educator(programme, darkhan, number)
        lineage_attach(programme=programme, person=educator, trainer=trainers[number % 2], source=WORKSHOP)
    direct = _educator(programme, darkhan, 99)
    lineage_attach(programme=programme, person=direct, trainer=master, source=WORKSHOP)

    _log_in(page, master)
    page.goto("/cascade/mine/")
    expect(page.locator("h1")).to_have_text("My cascade")
    sunburst = page.locator("figure.trainer-sunburst svg")
    expect(sunburst).to_be_visible()
    trainees = page.locator("table.trainer-trainees")
    for trainer in (*trainers, direct):
        expect(trainees.get_by_text(trainer.full_name)).to_be_visible()
    screenshot(page, "cascade-mine-desktop")
    assert_accessible(page)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(sunburst).to_be_visible()
    box = sunburst.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    expect(trainees.get_by_text(trainers[0].full_name)).to_be_attached()
    screenshot(page, "cascade-mine-phone")
    assert_accessible(page)


def test_the_national_centre_appoints_a_trainer_where_there_is_none(page: Page) -> None:
    programme = ProgrammeFactory()
    capital = InstitutionFactory(region=Region.objects.get(iso_code="MN-1"))
    uvs = InstitutionFactory(
        region=Region.objects.get(iso_code="MN-046"), name_en="Uvs Teachers' College", short_name_en="UTC"
    )
    admin = _person("admin@example.mn", "Оюун", "Бат", "Oyun", "Bat", institution=capital)
    RoleAssignment.objects.create(person=admin, role=Role.NATIONAL_ADMIN, programme=programme)
    master = _person("master@example.mn", "Болормаа", "Дорж", "Bolormaa", "Dorj", institution=capital)
    appoint(programme=programme, tier=Tier.MASTER_TEACHER, person=master)
    # Uvs has teachers, one of them trained by the master teacher at a workshop, and no trainer.
    for number in range(3):
        educator = _educator(programme, uvs, number)
        if number == 0:
            lineage_attach(programme=programme, person=educator, trainer=master, source=WORKSHOP)
    candidate = _educator(programme, uvs, 10)

    _log_in(page, admin)
    page.goto("/cascade/regions/")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Uvs", exact=True))
    expect(row.get_by_text("no trainer")).to_be_visible()
    screenshot(page, "cascade-regions-gap")
    row.get_by_role("link", name=re.compile("appoint a trainer here", re.IGNORECASE)).click()
    expect(page.locator("h1")).to_have_text("Appoint someone")
    expect(page.get_by_role("checkbox", name="Uvs", exact=True)).to_be_checked()

    page.get_by_label("E-mail address of the person").fill(candidate.email)
    page.get_by_label("Tier").select_option(Tier.REGIONAL_TRAINER)
    page.get_by_role("button", name="Appoint", exact=True).click()
    # Not certified yet: refused until the national centre says why it appoints anyway.
    override = page.get_by_label(re.compile("Appoint anyway"))
    expect(override).to_be_visible()
    expect(page.get_by_text("The prerequisites are not met", exact=False).first).to_be_visible()
    assert not Appointment.objects.filter(person=candidate).exists()
    screenshot(page, "cascade-appoint-refused")
    assert_accessible(page)
    override.fill("The only trained teacher in Uvs; she takes the certification seminar next month.")
    page.get_by_role("button", name="Appoint", exact=True).click()
    expect(page.get_by_text("Appointed:", exact=False).first).to_be_visible()
    appointment = Appointment.objects.get(person=candidate)
    assert list(appointment.regions.values_list("iso_code", flat=True)) == ["MN-046"]
    assert appointment.prerequisites[-1]["requirement"] == "override"

    page.goto("/cascade/regions/")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Uvs", exact=True))
    expect(row.get_by_text("no trainer")).to_have_count(0)
    expect(row.get_by_role("link", name=re.compile("appoint a trainer here", re.IGNORECASE))).to_have_count(0)
    screenshot(page, "cascade-regions-covered")
    assert_accessible(page)


def test_a_mentor_logs_a_session(page: Page) -> None:
    programme = ProgrammeFactory()
    erdenet = InstitutionFactory(region=Region.objects.get(iso_code="MN-035"))
    mentor = _person("ganaa@example.mn", "Ганаа", "Лхагва", "Ganaa", "Lkhagva", institution=erdenet)
    RoleAssignment.objects.create(person=mentor, role=Role.EDUCATOR, programme=programme)
    appoint(programme=programme, tier=Tier.MENTOR, person=mentor, institutions=[erdenet])
    mentee = _educator(programme, erdenet, 1)
    pair = mentor_assign(programme=programme, mentor=mentor, mentee=mentee, actor=None)
    MentoringSession.objects.create(
        assignment=pair, held_on=timezone.localdate(), mode="online", minutes=45,
        topics="Промпт бичих дадлага", logged_by=mentor,
    )  # fmt: skip

    _log_in(page, mentor)
    page.goto(f"/cascade/mentoring/{pair.pk}/")
    expect(page.locator("h1")).to_contain_text(mentee.full_name)
    sessions = page.locator("ol.sessions > li")
    expect(sessions).to_have_count(1)
    form = page.locator("form.mentoring-form")
    form.get_by_label("Date").fill(timezone.localdate().isoformat())
    form.get_by_label("in person").check()
    form.get_by_label("Length (minutes)").fill("50")
    form.get_by_label("Topics").fill("Рубрикаар үнэлэх, санал өгөх")
    form.get_by_label("Notes (optional)").fill("Next time: the students' survey.")
    form.get_by_role("button", name="Log the session").click()
    expect(sessions).to_have_count(2)
    logged = sessions.filter(has_text="Рубрикаар үнэлэх, санал өгөх")
    expect(logged).to_contain_text("in person")
    expect(logged).to_contain_text("50 minutes")
    expect(logged).to_contain_text("Next time: the students' survey.")
    assert MentoringSession.objects.filter(assignment=pair, logged_by=mentor, minutes=50).exists()
    screenshot(page, "cascade-pair-logged")
    assert_accessible(page)

    # A date in the future is refused with a message, not logged.
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    form.get_by_label("Date").fill(tomorrow)
    form.get_by_label("phone").check()
    form.get_by_label("Topics").fill("Ирээдүйн уулзалт")
    form.get_by_role("button", name="Log the session").click()
    expect(page.get_by_text("in the future", exact=False).first).to_be_visible()
    assert MentoringSession.objects.filter(assignment=pair).count() == 2
