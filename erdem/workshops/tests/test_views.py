"""Workshop pages: list and filters, detail, registration, management, the roster."""

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.catalog.models import Course
from erdem.catalog.tests.factories import course_build
from erdem.learning.models import Cohort
from erdem.learning.services import cohort_enrol
from erdem.organisations.tests.factories import InstitutionFactory, region
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.programmes.models import Programme
from erdem.workshops.models import Attendance, Registration, Workshop
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


# --- list and detail --------------------------------------------------------------------------------------


def test_the_list_filters_by_course_region_and_mode(programme: Programme, course: Course, educator: Person) -> None:
    other_course = course_build(programme=programme, code="ai-201", modules=1, lessons=1)
    workshop_build(course=course, title_en="Arkhangai session", region=region("MN-073"))
    workshop_build(course=other_course, title_en="Other course session", region=region("MN-1"))
    workshop_build(
        course=course, title_en="Online session", mode=Workshop.Mode.ONLINE, online_url="https://meet.example/x"
    )
    workshop_build(course=course, title_en="Cancelled session", status=Workshop.Status.CANCELLED)
    workshop_build(course=course, title_en="Past session", starts_at=timezone.now() - dt.timedelta(days=3))
    client = _client(educator)
    everything = _page(client, "workshops:list")
    assert "Arkhangai session" in everything and "Online session" in everything
    assert "Cancelled session" not in everything and "Past session" not in everything
    by_course = _page(client, "workshops:list", course=course.pk)
    assert "Other course session" not in by_course and "Arkhangai session" in by_course
    by_region = _page(client, "workshops:list", region=region("MN-073").pk)
    assert "Arkhangai session" in by_region and "Online session" not in by_region
    online = _page(client, "workshops:list", mode="online")
    assert "Online session" in online and "Arkhangai session" not in online


def test_the_list_shows_seats_left_and_the_waiting_list(course: Course, programme: Programme, educator: Person) -> None:
    full = workshop_build(course=course, capacity=1, title_en="Full one")
    register(full, make_person())
    register(full, make_person(), status=Registration.Status.WAITLISTED)
    workshop_build(course=course, capacity=7, title_en="Roomy one")
    page = _page(_client(educator), "workshops:list")
    assert "full, 1 waiting" in page
    assert ">7<" in page


@pytest.mark.parametrize("count", [2, 25])
def test_the_list_makes_a_bounded_number_of_queries(
    course: Course, educator: Person, count: int, django_assert_max_num_queries: Any
) -> None:
    for n in range(count):
        workshop = workshop_build(course=course, title_en=f"W{n}", trainers=[educator])
        register(workshop, educator)
    client = _client(educator)
    with django_assert_max_num_queries(16):
        client.get(reverse("workshops:list"))


def test_the_detail_speaks_the_readers_language(course: Course, educator: Person) -> None:
    workshop = workshop_build(course=course, title_mn="Хиймэл оюун ангид", title_en="AI in class")
    assert "AI in class" in _page(_client(educator, "en"), "workshops:detail", workshop.pk)
    assert "Хиймэл оюун ангид" in _page(_client(educator, "mn"), "workshops:detail", workshop.pk)


def test_the_online_link_is_shown_only_to_registered_people_and_trainers(
    course: Course, educator: Person, trainer: Person
) -> None:
    link = "https://meet.example/secret-room"
    workshop = workshop_build(course=course, mode=Workshop.Mode.ONLINE, online_url=link, trainers=[trainer])
    assert link not in _page(_client(educator), "workshops:detail", workshop.pk)
    assert link in _page(_client(trainer), "workshops:detail", workshop.pk)
    register(workshop, educator)
    assert link in _page(_client(educator), "workshops:detail", workshop.pk)


def test_times_are_shown_in_the_platforms_time_zone(course: Course, educator: Person) -> None:
    starts = dt.datetime(2027, 3, 4, 1, 30, tzinfo=dt.UTC)  # 09:30 in Ulaanbaatar
    workshop = workshop_build(course=course, starts_at=starts)
    page = _page(_client(educator), "workshops:detail", workshop.pk)
    assert "9:30" in page or "09:30" in page
    assert "(Ulaanbaatar time)" in page and "Asia/Ulaanbaatar" not in page
    mongolian = _page(_client(educator, "mn"), "workshops:detail", workshop.pk)
    assert "(Улаанбаатарын цагаар)" in mongolian


# --- registration -------------------------------------------------------------------------------------------


def test_an_educator_registers_and_cancels(course: Course, educator: Person) -> None:
    workshop = workshop_build(course=course, capacity=1)
    client = _client(educator)
    response = client.post(reverse("workshops:register", args=[workshop.pk]))
    assert response.status_code == 302
    assert Registration.objects.get().status == "registered"
    assert "You are registered." in _page(client, "workshops:detail", workshop.pk)
    client.post(reverse("workshops:unregister", args=[workshop.pk]))
    assert Registration.objects.get().status == "cancelled"


def test_only_educators_of_the_programme_register(course: Course, programme: Programme) -> None:
    workshop = workshop_build(course=course)
    outsider = person_with_role(Role.EDUCATOR)  # another programme
    mentor = person_with_role(Role.MENTOR, programme=programme)
    for person in (outsider, mentor):
        assert _client(person).post(reverse("workshops:register", args=[workshop.pk])).status_code == 403
    assert not Registration.objects.exists()


# --- creating and changing ------------------------------------------------------------------------------------


def _form_data(course: Course, trainer: Person, **changes: Any) -> dict[str, Any]:
    data = {
        "course": course.pk,
        "cohort": "",
        "title_mn": "Семинар",
        "title_en": "Seminar",
        "mode": "in_person",
        "region": region("MN-1").pk,
        "institution": "",
        "place": "Room 5",
        "online_url": "",
        "starts_at": "2027-05-01T10:00",
        "ends_at": "2027-05-01T12:00",
        "capacity": "15",
        "trainers": [trainer.pk],
        "counts_for_completion": "on",
    }
    data.update(changes)
    return data


def test_a_national_admin_schedules_a_workshop(
    course: Course, admin: Person, trainer: Person, programme: Programme
) -> None:
    client = _client(admin)
    page = _page(client, "workshops:new")
    assert trainer.full_name in page
    response = client.post(reverse("workshops:new"), _form_data(course, trainer))
    assert response.status_code == 302, response.content.decode()[:2000]
    workshop = Workshop.objects.get()
    assert list(workshop.trainers.all()) == [trainer]
    assert timezone.localtime(workshop.starts_at).hour == 10
    assert workshop.programme == programme


def test_the_form_checks_what_belongs_together(
    course: Course, admin: Person, trainer: Person, programme: Programme
) -> None:
    client = _client(admin)
    educator = make_person()
    other_course = course_build(programme=programme, code="other", modules=1, lessons=1)
    cohort = Cohort.objects.create(programme=programme, name="C", course=other_course)
    bad = _form_data(
        course, trainer, place="", ends_at="2027-05-01T09:00", cohort=cohort.pk, trainers=[trainer.pk, educator.pk]
    )
    response = client.post(reverse("workshops:new"), bad)
    body = response.content.decode()
    assert response.status_code == 200
    assert "end after it starts" in body and "takes another course" in body and "Say where" in body
    assert "Select a valid choice" in body  # the educator is not a trainer
    online = _form_data(course, trainer, mode="online", place="", region="")
    assert "Give the link" in client.post(reverse("workshops:new"), online).content.decode()
    assert not Workshop.objects.exists()


def test_a_coordinator_schedules_for_their_own_institution_only(
    course: Course, programme: Programme, trainer: Person
) -> None:
    coordinator = person_with_role(Role.COORDINATOR, programme=programme)
    other = InstitutionFactory.create()
    client = _client(coordinator)
    response = client.post(reverse("workshops:new"), _form_data(course, trainer, institution=other.pk))
    assert response.status_code == 200 and not Workshop.objects.exists()
    response = client.post(
        reverse("workshops:new"), _form_data(course, trainer, institution=coordinator.institution_id)
    )
    assert response.status_code == 302
    workshop = Workshop.objects.get()
    assert _client(coordinator).get(reverse("workshops:edit", args=[workshop.pk])).status_code == 200
    other_coordinator = person_with_role(Role.COORDINATOR, programme=programme)
    assert _client(other_coordinator).get(reverse("workshops:edit", args=[workshop.pk])).status_code == 403


def test_cancelling_from_the_page_tells_the_registered(
    course: Course, admin: Person, educator: Person, django_capture_on_commit_callbacks: Any
) -> None:
    workshop = workshop_build(course=course)
    register(workshop, educator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(admin).post(reverse("workshops:cancel", args=[workshop.pk]))
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.is_cancelled
    assert [m.to for m in mail.outbox] == [[educator.email]]


# --- the roster ---------------------------------------------------------------------------------------------------


def test_the_roster_records_changed_radios(workshop: Workshop, trainer: Person, educator: Person) -> None:
    other = make_person()
    register(workshop, other)
    client = _client(trainer)
    page = _page(client, "workshops:roster", workshop.pk)
    assert f'<form id="roster-form" method="post" data-workshop="{workshop.pk}"' in page
    assert f'name="status-{educator.pk}" value="present"' in page
    response = client.post(
        reverse("workshops:roster", args=[workshop.pk]),
        {f"status-{educator.pk}": "late", f"status-{other.pk}": "bogus"},
    )
    assert response.status_code == 302
    current = Attendance.objects.get()
    assert (current.person_id, current.status, current.source, current.marked_by_id) == (
        educator.pk, "late", "roster", trainer.pk,
    )  # fmt: skip
    page = _page(client, "workshops:roster", workshop.pk)
    assert f'name="status-{educator.pk}" value="late" checked' in page


def test_a_trainer_of_one_workshop_cannot_take_attendance_for_another(
    course: Course, workshop: Workshop, educator: Person, programme: Programme
) -> None:
    other_trainer = person_with_role(Role.TRAINER, programme=programme)
    workshop_build(course=course, trainers=[other_trainer])
    client = _client(other_trainer)
    for name in ("workshops:roster", "workshops:checkin_screen", "workshops:paper_upload", "workshops:attendance"):
        assert client.get(reverse(name, args=[workshop.pk])).status_code == 403, name
    response = client.post(reverse("workshops:roster", args=[workshop.pk]), {f"status-{educator.pk}": "present"})
    assert response.status_code == 403
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("size", [3, 60])
def test_the_roster_makes_a_bounded_number_of_queries(
    course: Course, programme: Programme, trainer: Person, size: int, django_assert_max_num_queries: Any
) -> None:
    cohort = Cohort.objects.create(programme=programme, name="Big", course=course)
    members = [make_person() for _ in range(size)]
    cohort_enrol(cohort=cohort, people=members[: size // 2])
    workshop = workshop_build(course=course, trainers=[trainer], cohort=cohort)
    register(workshop, *members[size // 2 :])
    client = _client(trainer)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("workshops:roster", args=[workshop.pk])).content.decode()
    assert page.count('class="roster-person"') == size
    with django_assert_max_num_queries(14):
        client.get(reverse("workshops:attendance", args=[workshop.pk]))


def test_the_attendance_summary_counts_and_shows_history(workshop: Workshop, trainer: Person, educator: Person) -> None:
    register(workshop, make_person())
    client = _client(trainer)
    client.post(reverse("workshops:roster", args=[workshop.pk]), {f"status-{educator.pk}": "absent"})
    client.post(reverse("workshops:roster", args=[workshop.pk]), {f"status-{educator.pk}": "present"})
    page = _page(client, "workshops:attendance", workshop.pk)
    assert page.count("<td>roster</td>") == 2 and "superseded" not in page  # both applied
    assert '<span class="figure">1</span> <span class="figure-label">present' in page
    assert '<span class="figure">1</span> <span class="figure-label">not marked' in page


def test_the_mongolian_pages_are_translated(workshop: Workshop, trainer: Person) -> None:
    client = _client(trainer, "mn")
    with translation.override("mn"):
        roster = _page(client, "workshops:roster", workshop.pk)
    assert "Ирц хадгалах" in roster and "Ирцийн жагсаалт" in roster
    assert "Save attendance" not in roster


@pytest.mark.parametrize("size", [2, 40])
def test_the_detail_page_makes_a_bounded_number_of_queries(
    course: Course, trainer: Person, educator: Person, size: int, django_assert_max_num_queries: Any
) -> None:
    workshop = workshop_build(course=course, trainers=[trainer], capacity=size)
    register(workshop, educator, *[make_person() for _ in range(size)])
    client = _client(educator)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("workshops:detail", args=[workshop.pk])).status_code == 200


def test_after_checking_in_the_page_shows_the_attendance(workshop: Workshop, educator: Person) -> None:
    client = _client(educator)
    assert "Check in" in _page(client, "workshops:detail", workshop.pk)
    Attendance.objects.create(
        workshop=workshop, person=educator, status="present", source="checkin", marked_at=timezone.now()
    )
    page = _page(client, "workshops:detail", workshop.pk)
    assert "Your attendance: present." in page and ">Check in<" not in page


def test_workshops_of_a_person(course: Course, programme: Programme, trainer: Person, educator: Person) -> None:
    from erdem.workshops.selectors import workshops_of

    led = workshop_build(course=course, trainers=[trainer], title_en="led")
    registered = workshop_build(course=course, title_en="registered")
    register(registered, educator)
    cohort = Cohort.objects.create(programme=programme, name="C", course=course)
    cohort_enrol(cohort=cohort, people=[educator])
    of_cohort = workshop_build(course=course, cohort=cohort, title_en="cohort")
    workshop_build(course=course, title_en="other")
    assert list(workshops_of(person=trainer)) == [led]
    assert {w.title_en for w in workshops_of(person=educator)} == {registered.title_en, of_cohort.title_en}


def test_a_sheet_too_large_is_refused_before_reading(workshop: Workshop, trainer: Person) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from erdem.workshops.paper import MAX_BYTES

    data = b"email;status\n" + b"x@example.mn;present\n" * (MAX_BYTES // 20 + 10)
    response = _client(trainer).post(
        reverse("workshops:paper_upload", args=[workshop.pk]), {"file": SimpleUploadedFile("big.csv", data)}
    )
    assert response.status_code == 200
    assert "one upload may be at most" in response.content.decode()
