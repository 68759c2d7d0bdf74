"""What each page tells its reader: a trainer's role, the check-in window, what registering
promises, the list on a phone, the workshop form's trainers and errors."""

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erdem.access.models import Role
from erdem.access.tests.factories import RoleAssignmentFactory, person_with_role
from erdem.catalog.models import Course
from erdem.organisations.tests.factories import InstitutionFactory, region
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.workshops.models import Registration, Workshop
from erdem.workshops.selectors import upcoming_workshops_led
from erdem.workshops.services import RegistrationRefused, registration_create
from erdem.workshops.tests.factories import register, workshop_build


def _client(person: Person, language: str = "en") -> Client:
    if person.preferred_language != language:
        person.preferred_language = language
        person.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(person)
    client.cookies["django_language"] = language
    return client


def _page(client: Client, name: str, *args: Any, **query: Any) -> str:
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _register_button(page: str) -> bool:
    return bool(re.search(r'action="/workshops/\d+/register/"', page))


# --- 1. a trainer sees their role, not "Register" -----------------------------------------------------------


def test_a_trainer_who_is_also_an_educator_sees_their_role_not_register(course: Course, programme: Programme) -> None:
    trainer = person_with_role(Role.TRAINER, programme=programme)
    RoleAssignmentFactory(person=trainer, role=Role.EDUCATOR, programme=programme)
    workshop = workshop_build(course=course, trainers=[trainer])
    page = _page(_client(trainer), "workshops:detail", workshop.pk)
    assert not _register_button(page)
    assert "You lead this workshop." in page
    for name in ("roster", "checkin_screen", "attendance"):
        assert reverse(f"workshops:{name}", args=[workshop.pk]) in page
    mongolian = _page(_client(trainer, "mn"), "workshops:detail", workshop.pk)
    assert "Бүртгүүлэх" not in mongolian and "Та энэ семинарыг удирдана." in mongolian
    # The server refuses too, whatever the page shows.
    with pytest.raises(RegistrationRefused):
        registration_create(workshop=workshop, person=trainer)
    response = _client(trainer).post(reverse("workshops:register", args=[workshop.pk]), follow=True)
    assert "its trainers do not register" in response.content.decode()
    assert not Registration.objects.exists()


def test_people_who_may_not_register_see_no_button_but_why(course: Course, programme: Programme) -> None:
    workshop = workshop_build(course=course)
    mentor = person_with_role(Role.MENTOR, programme=programme)
    page = _page(_client(mentor), "workshops:detail", workshop.pk)
    assert not _register_button(page)
    assert "Educators taking the programme" in page and "courses register for its workshops" in page


def test_an_educator_still_sees_register(course: Course, educator: Person) -> None:
    workshop = workshop_build(course=course)
    page = _page(_client(educator), "workshops:detail", workshop.pk)
    assert _register_button(page) and "You lead this workshop." not in page


# --- 3. the check-in window ----------------------------------------------------------------------------------


def test_check_in_says_when_it_opens_and_is_disabled_before(course: Course, educator: Person) -> None:
    starts = timezone.now() + dt.timedelta(hours=3)
    workshop = workshop_build(course=course, starts_at=starts)
    register(workshop, educator)
    page = _page(_client(educator), "workshops:checkin", workshop.pk)
    opens = timezone.localtime(starts - dt.timedelta(minutes=30))
    assert 'data-checkin-state="early"' in page
    assert "Check-in opens" in page and f"{opens:%H:%M}".lstrip("0") in page.replace(">0", ">")
    assert '<fieldset class="checkin-fieldset" disabled>' in page
    assert "Check-in opens at" in _page(_client(educator), "workshops:detail", workshop.pk)
    # The server still refuses a code sent anyway.
    response = _client(educator).post(reverse("workshops:checkin", args=[workshop.pk]), {"code": "123456"})
    assert "half an hour before" in response.content.decode()


def test_check_in_says_when_it_has_closed(course: Course, educator: Person) -> None:
    workshop = workshop_build(course=course, starts_at=timezone.now() - dt.timedelta(hours=5))
    register(workshop, educator)
    page = _page(_client(educator), "workshops:checkin", workshop.pk)
    assert 'data-checkin-state="closed"' in page and "Check-in has closed" in page
    assert " disabled>" in page
    mongolian = _page(_client(educator, "mn"), "workshops:checkin", workshop.pk)
    assert "Check-in has closed" not in mongolian


def test_check_in_is_open_during_the_workshop(workshop: Workshop, educator: Person) -> None:
    page = _page(_client(educator), "workshops:checkin", workshop.pk)
    assert "data-checkin-state=" not in page and '<fieldset class="checkin-fieldset">' in page


# --- 4. what registering promises -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_in", "says", "not_says"),
    [
        (dt.timedelta(days=3), "We will remind you by e-mail the day before.", "starts soon"),
        (dt.timedelta(hours=3), "The workshop starts soon, at", "remind you"),
        (dt.timedelta(minutes=-20), "The workshop is under way", "remind you"),
    ],
)
def test_registering_promises_a_reminder_only_when_there_is_time(
    course: Course, educator: Person, starts_in: dt.timedelta, says: str, not_says: str
) -> None:
    workshop = workshop_build(course=course, starts_at=timezone.now() + starts_in)
    response = _client(educator).post(reverse("workshops:register", args=[workshop.pk]), follow=True)
    body = response.content.decode()
    assert says in body and not_says not in body
    assert Registration.objects.get().status == Registration.Status.REGISTERED


# --- 6. the list: cards on a phone, pages of 20 ------------------------------------------------------------------


def test_the_list_is_paginated_and_labels_its_cells(course: Course, educator: Person) -> None:
    for n in range(23):
        workshop_build(course=course, title_en=f"Session {n:02d}", starts_at=timezone.now() + dt.timedelta(hours=n + 1))
    client = _client(educator)
    first = _page(client, "workshops:list")
    assert first.count('data-label="Seats left"') == 20 and "Session 00" in first and "Session 20" not in first
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    second = _page(client, "workshops:list", page=2)
    assert second.count('data-label="Seats left"') == 3 and "Session 22" in second
    filtered = _page(client, "workshops:list", mode="in_person")
    assert "?mode=in_person&amp;page=2" in filtered


# --- 7. the form: trainers by region, a summary of errors ----------------------------------------------------------


def test_the_form_groups_trainers_by_region_the_workshops_first(
    course: Course, programme: Programme, admin: Person
) -> None:
    khovd = InstitutionFactory.create(region=region("MN-043"), short_name_en="KhovdU")
    capital = InstitutionFactory.create(region=region("MN-1"), short_name_en="CapU")
    far = person_with_role(Role.TRAINER, programme=programme, institution=khovd)
    near = person_with_role(Role.TRAINER, programme=programme, institution=capital)
    client = _client(admin)
    page = _page(client, "workshops:new", region=region("MN-043").pk)
    page = page[page.index('id="id_trainers"') :]
    assert page.index(region("MN-043").name_en) < page.index(region("MN-1").name_en)
    assert f"{far.full_name} · KhovdU" in page and "region" in page.split("</summary>")[0]
    assert page.count('<details class="trainer-group" open>') == 2  # few trainers: every group open
    workshop = workshop_build(course=course, trainers=[near], region=region("MN-1"))
    edit = _page(client, "workshops:edit", workshop.pk)
    edit = edit[edit.index('id="id_trainers"') :]
    assert edit.index(f"{near.full_name} · CapU") < edit.index(f"{far.full_name} · KhovdU")


def test_the_form_lists_its_errors_at_the_top_with_links(course: Course, admin: Person, trainer: Person) -> None:
    data = {
        "course": course.pk, "title_mn": "Семинар", "title_en": "Seminar", "mode": "in_person",
        "region": "", "place": "", "starts_at": "2027-05-01T10:00", "ends_at": "2027-05-01T09:00",
        "capacity": "15", "trainers": [],
    }  # fmt: skip
    body = _client(admin).post(reverse("workshops:new"), data).content.decode()
    start = body.index('class="message message-error error-summary"')
    summary = body[start : body.index("</ul>", start)]
    for anchor in ("#id_place", "#id_region", "#id_ends_at", "#id_trainers"):
        assert f'href="{anchor}"' in summary
    assert 'id="id_trainers"' in body and "The workshop is not saved" in body
    assert not Workshop.objects.exists()


# --- 8. for the trainer's home page ---------------------------------------------------------------------------------


def test_upcoming_workshops_led(
    course: Course, trainer: Person, educator: Person, django_assert_max_num_queries: Any
) -> None:
    now = timezone.now()
    later = workshop_build(course=course, trainers=[trainer], starts_at=now + dt.timedelta(days=2), title_en="later")
    under_way = workshop_build(course=course, trainers=[trainer], starts_at=now - dt.timedelta(minutes=30))
    workshop_build(course=course, trainers=[trainer], starts_at=now - dt.timedelta(days=1))  # over
    workshop_build(course=course, trainers=[trainer], status=Workshop.Status.CANCELLED)
    workshop_build(course=course, trainers=[educator])  # someone else's
    with django_assert_max_num_queries(2):
        led = upcoming_workshops_led(trainer, language="en")
        titles = [w.course_title.value for w in led]  # type: ignore[attr-defined]
    assert led == [under_way, later] and len(titles) == 2
    assert upcoming_workshops_led(trainer, limit=1) == [under_way]
