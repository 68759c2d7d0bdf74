"""The workshops API: who sees which workshop, the roster, and attendance marks sent in batches
by the offline roster (idempotent, latest mark wins, refusals per mark)."""

import datetime as dt
import json
import re
import uuid
from functools import lru_cache
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.api.tests.helpers import anonymous_client, session_client, token_client
from erdem.catalog.models import Course
from erdem.learning.models import Cohort, Enrolment
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.workshops import offline
from erdem.workshops.models import Attendance, AttendanceMark, Registration, Workshop
from erdem.workshops.services import attendance_mark
from erdem.workshops.tests.factories import register, workshop_build


@pytest.fixture(autouse=True)
def _english(trainer: Person, educator: Person, admin: Person) -> None:
    for person in (trainer, educator, admin):
        person.preferred_language = "en"
        person.save(update_fields=["preferred_language"])


def _at(minutes_ago: float) -> str:
    """A device time with its UTC offset, as the roster script sends it (Ulaanbaatar, +08:00)."""
    moment = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return moment.astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat()


def _mark(person: Person | int, status: str = "present", minutes_ago: float = 1, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "person": person if isinstance(person, int) else person.pk,
        "status": status,
        "marked_at": _at(minutes_ago),
        **extra,
    }


def _send(client: Client, workshop: Workshop, marks: list[dict[str, Any]], **body: Any) -> Any:
    return client.post(
        f"/api/v1/workshops/{workshop.pk}/attendance", {"marks": marks, **body}, content_type="application/json"
    )


# --- reading ---------------------------------------------------------------------------------------------


def test_the_list_holds_the_workshops_one_leads_or_attends(
    workshop: Workshop, course: Course, trainer: Person, educator: Person, programme: Programme
) -> None:
    cohort = Cohort.objects.create(programme=programme, name="Ховд 2026", course=course)
    Enrolment.objects.create(person=educator, course=course, cohort=cohort)
    of_cohort = workshop_build(course=course, cohort=cohort, title_en="Cohort day")
    waitlisted = workshop_build(course=course, title_en="Full day")
    register(waitlisted, educator, status=Registration.Status.WAITLISTED)
    cancelled = workshop_build(course=course, title_en="Cancelled registration")
    register(cancelled, educator, status=Registration.Status.CANCELLED)
    workshop_build(course=course, title_en="Someone else's")

    mine = token_client(educator).get("/api/v1/workshops/").json()
    led = token_client(trainer).get("/api/v1/workshops/").json()

    assert {item["id"] for item in mine["items"]} == {workshop.pk, of_cohort.pk, waitlisted.pk}
    assert [item["id"] for item in led["items"]] == [workshop.pk]
    assert led["items"][0]["trainers"] == [{"id": trainer.pk, "full_name": trainer.full_name}]
    assert led["items"][0]["course"]["code"] == course.code
    assert anonymous_client().get("/api/v1/workshops/").status_code == 401


def test_the_list_makes_a_bounded_number_of_queries(
    course: Course, trainer: Person, django_assert_max_num_queries: Any
) -> None:
    client = token_client(trainer)
    workshop_build(course=course, trainers=[trainer])
    with django_assert_max_num_queries(9) as few:
        client.get("/api/v1/workshops/")
    for _ in range(5):
        workshop_build(course=course, trainers=[trainer, make_person()])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/api/v1/workshops/")
    assert response.json()["count"] == 6


def test_the_join_link_is_for_those_taking_part(
    course: Course, trainer: Person, educator: Person, programme: Programme
) -> None:
    online = workshop_build(
        course=course, trainers=[trainer], mode=Workshop.Mode.ONLINE, online_url="https://meet.example.mn/ai"
    )
    waiting = person_with_role(Role.EDUCATOR, programme=programme)
    register(online, educator)
    register(online, waiting, status=Registration.Status.WAITLISTED)
    url = f"/api/v1/workshops/{online.pk}"

    assert token_client(educator).get(url).json()["online_url"] == "https://meet.example.mn/ai"
    assert token_client(trainer).get("/api/v1/workshops/").json()["items"][0]["online_url"]
    assert token_client(waiting).get(url).json()["online_url"] == ""
    assert token_client(person_with_role(Role.EDUCATOR, programme=programme)).get(url).json()["online_url"] == ""


def test_a_workshop_is_visible_to_those_it_concerns_only(
    workshop: Workshop, trainer: Person, educator: Person, admin: Person, programme: Programme
) -> None:
    url = f"/api/v1/workshops/{workshop.pk}"
    may_register = person_with_role(Role.EDUCATOR, programme=programme)
    other_educator = person_with_role(Role.EDUCATOR, programme=ProgrammeFactory())
    other_trainer = person_with_role(Role.TRAINER, programme=programme)
    other_admin = person_with_role(Role.NATIONAL_ADMIN, programme=ProgrammeFactory())

    assert token_client(educator).get(url).json()["title"]
    assert token_client(trainer).get(url).status_code == 200
    assert token_client(admin).get(url).status_code == 200
    assert token_client(may_register).get(url).status_code == 200
    assert token_client(other_educator).get(url).status_code == 404
    assert token_client(other_trainer).get(url).status_code == 404
    assert token_client(other_admin).get(url).status_code == 404
    assert token_client(trainer).get("/api/v1/workshops/999999").status_code == 404


def test_the_roster_shows_current_attendance_to_those_who_take_it(
    workshop: Workshop, trainer: Person, educator: Person, programme: Programme, django_assert_max_num_queries: Any
) -> None:
    second = make_person(family_name="Батбаяр", given_name="Сараа")
    register(workshop, second)
    attendance_mark(
        workshop=workshop, person=educator, status="late", source="roster", marked_at=timezone.now(), marked_by=trainer
    )
    url = f"/api/v1/workshops/{workshop.pk}/roster"
    client = token_client(trainer)
    client.get(url)

    with django_assert_max_num_queries(6):
        rows = client.get(url).json()

    by_person = {row["person"]: row for row in rows}
    assert by_person[educator.pk]["status"] == "late"
    assert by_person[educator.pk]["source"] == "roster"
    assert by_person[second.pk] == {
        "person": second.pk,
        "full_name": second.full_name,
        "family_name": "Батбаяр",
        "given_name": "Сараа",
        "status": None,
        "source": None,
    }
    assert token_client(educator).get(url).status_code == 403
    other_trainer = person_with_role(Role.TRAINER, programme=programme)
    assert token_client(other_trainer).get(url).status_code == 404


# --- attendance marks ------------------------------------------------------------------------------------


def test_marks_from_the_offline_roster_apply_and_are_logged(
    workshop: Workshop, trainer: Person, educator: Person
) -> None:
    second = make_person()
    register(workshop, second)
    marks = [_mark(educator, "present", 20), _mark(second, "late", 15)]

    response = _send(token_client(trainer), workshop, marks)

    assert response.status_code == 200
    assert response.json()["results"] == [
        {"id": marks[0]["id"], "person": educator.pk, "outcome": "applied", "detail": None, "status": "present"},
        {"id": marks[1]["id"], "person": second.pk, "outcome": "applied", "detail": None, "status": "late"},
    ]
    current = Attendance.objects.get(person=educator)
    assert (current.status, current.source, current.marked_by) == ("present", "offline", trainer)
    assert abs(current.marked_at - (timezone.now() - dt.timedelta(minutes=20))) < dt.timedelta(seconds=5)
    logged = AttendanceMark.objects.get(pk=marks[1]["id"])
    assert (logged.person, logged.status, logged.source, logged.outcome) == (second, "late", "offline", "applied")


def test_the_same_batch_twice_changes_nothing(workshop: Workshop, trainer: Person, educator: Person) -> None:
    marks = [_mark(educator, "present", 10), _mark(educator, "absent", 5)]
    client = token_client(trainer)
    first = _send(client, workshop, marks).json()["results"]
    state = list(Attendance.objects.values_list("status", "marked_at"))

    again = _send(client, workshop, marks).json()["results"]

    assert [r["outcome"] for r in first] == ["applied", "applied"]
    assert [r["outcome"] for r in again] == ["duplicate", "duplicate"]
    assert [r["status"] for r in again] == ["absent", "absent"]
    assert list(Attendance.objects.values_list("status", "marked_at")) == state
    assert AttendanceMark.objects.count() == 2


def test_a_mark_repeated_within_one_batch_is_merged(workshop: Workshop, trainer: Person, educator: Person) -> None:
    mark = _mark(educator, "late", 3)

    results = _send(token_client(trainer), workshop, [mark, mark]).json()["results"]

    assert [r["outcome"] for r in results] == ["applied", "duplicate"]
    assert AttendanceMark.objects.count() == 1


def test_an_earlier_offline_mark_arriving_later_does_not_override_a_later_online_one(
    workshop: Workshop, trainer: Person, educator: Person
) -> None:
    # Offline at 10:00 the trainer marked "absent"; online at 10:05 a colleague marked "late" on the
    # roster page. The offline phone syncs at 10:10: its mark is older, so "late" stays.
    attendance_mark(
        workshop=workshop, person=educator, status="late", source="roster",
        marked_at=timezone.now() - dt.timedelta(minutes=5), marked_by=trainer,
    )  # fmt: skip
    offline = _mark(educator, "absent", 10)

    result = _send(token_client(trainer), workshop, [offline]).json()["results"][0]

    assert (result["outcome"], result["status"]) == ("superseded", "late")
    assert Attendance.objects.get().status == "late"
    assert AttendanceMark.objects.get(pk=offline["id"]).outcome == "superseded"


def test_a_later_offline_mark_arriving_later_wins(workshop: Workshop, trainer: Person, educator: Person) -> None:
    attendance_mark(
        workshop=workshop, person=educator, status="absent", source="checkin",
        marked_at=timezone.now() - dt.timedelta(minutes=9), marked_by=None,
    )  # fmt: skip

    result = _send(token_client(trainer), workshop, [_mark(educator, "present", 2)]).json()["results"][0]

    assert (result["outcome"], result["status"]) == ("applied", "present")
    assert AttendanceMark.objects.count() == 2


def test_bad_marks_are_refused_one_by_one(
    workshop: Workshop, trainer: Person, educator: Person, programme: Programme
) -> None:
    outsider = person_with_role(Role.EDUCATOR, programme=programme)
    naive = (timezone.now() - dt.timedelta(minutes=1)).replace(tzinfo=None).isoformat()
    marks = [
        _mark(educator, "present", 2),
        {**_mark(educator), "id": "not-a-uuid"},
        _mark(999_999),
        _mark(outsider),
        _mark(educator, "asleep"),
        {**_mark(educator), "marked_at": naive},
        {**_mark(educator), "marked_at": "yesterday"},
        _mark(educator, "present", -60),
        _mark(educator, "present", 60 * 24 * 3),
        _mark(educator, source="checkin"),
    ]

    response = _send(token_client(trainer), workshop, marks)

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["applied"] + ["refused"] * 9
    details = [r["detail"] for r in results[1:]]
    assert details == [
        "The mark's id is not a UUID.",
        "This person is not on the workshop's roster.",
        "This person is not on the workshop's roster.",
        "Unknown attendance status.",
        "The time of the mark must be an ISO 8601 date and time with a UTC offset.",
        "The time of the mark must be an ISO 8601 date and time with a UTC offset.",
        "The mark is dated in the future; check the device's clock.",
        "The mark is dated before the day of the workshop.",
        "The source of a mark sent here is “roster” or “offline”.",
    ]
    assert results[4]["status"] == "present"  # a refusal still says where the person stands
    assert AttendanceMark.objects.count() == 1


def test_a_mark_id_used_for_someone_else_is_refused(workshop: Workshop, trainer: Person, educator: Person) -> None:
    second = make_person()
    register(workshop, second)
    mark = _mark(educator)
    client = token_client(trainer)
    _send(client, workshop, [mark])

    result = _send(client, workshop, [{**mark, "person": second.pk}]).json()["results"][0]

    assert result["outcome"] == "refused"
    assert not Attendance.objects.filter(person=second).exists()


def test_marks_for_a_cancelled_workshop_are_refused(workshop: Workshop, trainer: Person, educator: Person) -> None:
    workshop.status = Workshop.Status.CANCELLED
    workshop.save(update_fields=["status"])

    result = _send(token_client(trainer), workshop, [_mark(educator)]).json()["results"][0]

    assert (result["outcome"], result["detail"]) == ("refused", "The workshop was cancelled.")


def test_a_device_clock_that_runs_ahead_is_corrected(workshop: Workshop, trainer: Person, educator: Person) -> None:
    # The phone's clock is 40 minutes fast: the mark says "in 39 minutes", sent at "in 40 minutes".
    mark = _mark(educator, "late", -39)

    result = _send(token_client(trainer), workshop, [mark], sent_at=_at(-40)).json()["results"][0]

    assert result["outcome"] == "applied"
    marked_at = Attendance.objects.get().marked_at
    assert abs(marked_at - (timezone.now() - dt.timedelta(minutes=1))) < dt.timedelta(seconds=10)


def test_a_clock_wrong_by_more_than_a_day_is_refused(workshop: Workshop, trainer: Person, educator: Person) -> None:
    mark = _mark(educator, "late", 60 * 24 * 2)

    result = _send(token_client(trainer), workshop, [mark], sent_at=_at(60 * 24 * 2 - 1)).json()["results"][0]

    assert result["outcome"] == "refused"
    assert "clock" in result["detail"]
    assert not Attendance.objects.exists()


def test_a_correction_past_the_calendar_is_refused(workshop: Workshop, trainer: Person, educator: Person) -> None:
    mark = {**_mark(educator), "marked_at": "9999-12-31T23:30:00+00:00"}

    result = _send(token_client(trainer), workshop, [mark], sent_at=_at(60 * 20)).json()["results"][0]

    assert result["outcome"] == "refused"


def test_a_small_clock_difference_is_left_alone(workshop: Workshop, trainer: Person, educator: Person) -> None:
    mark = _mark(educator, "late", 5)

    _send(token_client(trainer), workshop, [mark], sent_at=_at(1))

    assert AttendanceMark.objects.get().marked_at == dt.datetime.fromisoformat(mark["marked_at"])


def test_malformed_batches_are_refused_whole(workshop: Workshop, trainer: Person, educator: Person) -> None:
    client = token_client(trainer)
    url = f"/api/v1/workshops/{workshop.pk}/attendance"

    too_many = _send(client, workshop, [_mark(educator) for _ in range(501)])
    not_a_list = client.post(url, {"marks": "present"}, content_type="application/json")
    person_not_a_number = _send(client, workshop, [{**_mark(educator), "person": "Сараа"}])
    not_json = client.post(url, "marks=1", content_type="application/json")

    for response in (too_many, not_a_list, person_not_a_number, not_json):
        assert response.status_code in (400, 422), response.content
        assert response.json()["detail"]
    assert too_many.status_code == 422
    assert any("500" in str(error) for error in too_many.json()["errors"])
    assert not AttendanceMark.objects.exists()


def test_only_the_workshops_trainers_and_admins_send_marks(
    workshop: Workshop, trainer: Person, educator: Person, admin: Person, programme: Programme
) -> None:
    other_trainer = person_with_role(Role.TRAINER, programme=programme)
    other_admin = person_with_role(Role.NATIONAL_ADMIN, programme=ProgrammeFactory())
    coordinator = person_with_role(Role.COORDINATOR, programme=programme)

    def status_for(client: Client) -> int:
        return int(_send(client, workshop, [_mark(educator, minutes_ago=3)]).status_code)

    assert status_for(anonymous_client()) == 401
    assert status_for(token_client(educator)) == 403  # registered: sees the workshop, may not mark
    assert status_for(token_client(other_trainer)) == 404
    assert status_for(token_client(other_admin)) == 404
    assert status_for(token_client(coordinator)) == 404
    assert not AttendanceMark.objects.exists()
    assert status_for(token_client(admin)) == 200
    assert Attendance.objects.get().marked_by == admin


def test_session_callers_send_the_csrf_token(workshop: Workshop, trainer: Person, educator: Person) -> None:
    client = session_client(trainer, enforce_csrf_checks=True)

    refused = _send(client, workshop, [_mark(educator)])
    client.get("/api/v1/docs")  # sets the CSRF cookie, as the roster page does
    accepted = client.post(
        f"/api/v1/workshops/{workshop.pk}/attendance",
        {"marks": [_mark(educator)]},
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert accepted.json()["results"][0]["outcome"] == "applied"


def test_refusals_come_in_the_callers_language(workshop: Workshop, trainer: Person) -> None:
    trainer.preferred_language = "mn"
    trainer.save(update_fields=["preferred_language"])

    result = _send(token_client(trainer), workshop, [{**_mark(trainer), "id": "1"}]).json()["results"][0]

    assert result["detail"] == "Тэмдэглэгээний дугаар UUID биш байна."


# --- the service worker script ---------------------------------------------------------------------------


def test_the_service_worker_is_served_for_the_workshop_pages(client: Client) -> None:
    response = client.get("/workshops/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    head, _, script = response.content.decode().partition("\n")
    config = json.loads(head.removeprefix("self.ERDEM_OFFLINE = ").removesuffix(";"))
    assert config["scope"] == "/workshops/"
    assert config["logout"] == "/accounts/logout/"
    assert "/static/workshops/roster.js" in config["assets"]
    assert re.fullmatch(config["pages"].replace("\\/", "/"), "/workshops/12/roster/")
    assert f'"{config["version"]}"' == response["ETag"]
    assert 'addEventListener("fetch"' in script

    unchanged = client.get("/workshops/sw.js", headers={"If-None-Match": response["ETag"]})
    assert unchanged.status_code == 304
    assert client.post("/workshops/sw.js").status_code == 405


def test_the_service_worker_version_follows_the_assets(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    before = client.get("/workshops/sw.js")["ETag"]
    original = offline._read

    def changed(name: str) -> bytes:
        return original(name) + (b"/* changed */" if name == "workshops/workshops.css" else b"")

    monkeypatch.setattr(offline, "_read", changed)
    monkeypatch.setattr(offline, "_cached_source", lru_cache(maxsize=1)(offline._source))

    assert client.get("/workshops/sw.js")["ETag"] != before


# --- registration ------------------------------------------------------------------------------------------


def test_an_educator_registers_and_cancels(course: Course, programme: Programme, trainer: Person) -> None:
    workshop = workshop_build(course=course, capacity=1, trainers=[trainer])
    first = person_with_role(Role.EDUCATOR, programme=programme, preferred_language="en")
    second = person_with_role(Role.EDUCATOR, programme=programme, preferred_language="en")
    url = f"/api/v1/workshops/{workshop.pk}/registration"

    seat = token_client(first).post(url)
    again = token_client(first).post(url)
    waiting = token_client(second).post(url)

    assert (seat.status_code, seat.json()["status"], seat.json()["waitlist_position"]) == (200, "registered", None)
    assert again.json()["registered_at"] == seat.json()["registered_at"]
    assert (waiting.json()["status"], waiting.json()["waitlist_position"]) == ("waitlisted", 1)
    assert token_client(second).get(f"/api/v1/workshops/{workshop.pk}").status_code == 200

    cancelled = token_client(first).delete(url)

    assert cancelled.json()["status"] == "cancelled"
    assert Registration.objects.get(person=second).status == Registration.Status.REGISTERED
    assert token_client(first).delete(url).json()["status"] == "cancelled"
    assert token_client(trainer).delete(url).status_code == 404


def test_registration_is_for_educators_of_the_programme(
    workshop: Workshop, course: Course, trainer: Person, programme: Programme
) -> None:
    url = f"/api/v1/workshops/{workshop.pk}/registration"
    stranger = person_with_role(Role.EDUCATOR, programme=ProgrammeFactory(), preferred_language="en")
    over = workshop_build(course=course, starts_at=timezone.now() - dt.timedelta(hours=3), hours=1)
    newcomer = person_with_role(Role.EDUCATOR, programme=programme, preferred_language="en")

    assert token_client(trainer).post(url).status_code == 403
    assert token_client(stranger).post(url).status_code == 404
    assert anonymous_client().post(url).status_code == 401
    refused = token_client(newcomer).post(f"/api/v1/workshops/{over.pk}/registration")
    assert (refused.status_code, refused.json()["detail"]) == (409, "The workshop is over.")
    workshop.status = Workshop.Status.CANCELLED
    workshop.save(update_fields=["status"])
    assert token_client(newcomer).post(url).status_code == 404  # a cancelled workshop no longer concerns them
