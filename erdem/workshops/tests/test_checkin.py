"""Self check-in: rotating codes, their windows, who may check in, rate limits."""

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from erdem.catalog.models import Course
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.workshops import checkin as checkin_codes
from erdem.workshops.checkin import CheckinRefused, checkin, code_for, code_valid, screen_code
from erdem.workshops.models import Attendance, AttendanceMark, Workshop
from erdem.workshops.tests.factories import register, workshop_build

T0 = dt.datetime(2026, 11, 28, 2, 0, 0, tzinfo=dt.UTC)  # 10:00 in Ulaanbaatar


def _at(moment: dt.datetime) -> Any:
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def session(course: Course, trainer: Person, educator: Person) -> Workshop:
    with _at(T0 - dt.timedelta(days=1)):
        workshop = workshop_build(course=course, trainers=[trainer], starts_at=T0, hours=2)
    register(workshop, educator)
    return workshop


def test_a_code_is_valid_for_its_window_and_the_next_only(session: Workshop) -> None:
    shown = screen_code(session, now=T0 + dt.timedelta(seconds=5))
    assert len(shown.code) == 6 and shown.code.isdigit()
    assert shown.code in shown.url and shown.svg.startswith("<svg")
    assert code_valid(session, shown.code, now=T0 + dt.timedelta(seconds=29))
    assert code_valid(session, shown.code, now=T0 + dt.timedelta(seconds=59))  # the previous window
    assert not code_valid(session, shown.code, now=T0 + dt.timedelta(seconds=60))  # expired
    assert not code_valid(session, shown.code, now=T0 - dt.timedelta(seconds=1))  # not yet


def test_codes_differ_between_workshops_and_windows(session: Workshop, course: Course) -> None:
    other = workshop_build(course=course, starts_at=T0)
    window = int(T0.timestamp()) // 30
    assert code_for(session, window) != code_for(other, window)
    assert len({code_for(session, w) for w in range(window, window + 20)}) > 15


def test_check_in_on_time_then_again_changes_nothing(session: Workshop, educator: Person) -> None:
    moment = T0 + dt.timedelta(minutes=5)
    code = screen_code(session, now=moment).code
    with _at(moment):
        result = checkin(workshop=session, person=educator, code=code)
        assert (result.outcome, result.attendance.status, result.attendance.source) == (
            "checked_in",
            "present",
            "checkin",
        )
        assert checkin(workshop=session, person=educator, code="000000").outcome == "already"
    assert AttendanceMark.objects.count() == 1


def test_check_in_after_the_grace_period_is_late(session: Workshop, educator: Person) -> None:
    moment = T0 + checkin_codes.GRACE + dt.timedelta(minutes=1)
    with _at(moment):
        result = checkin(workshop=session, person=educator, code=screen_code(session, now=moment).code)
    assert result.attendance.status == "late"


@pytest.mark.parametrize(
    ("offset", "open_"),
    [(-dt.timedelta(minutes=31), False), (-dt.timedelta(minutes=29), True), (dt.timedelta(hours=2, seconds=1), False)],
)
def test_check_in_only_while_the_workshop_is_on(
    session: Workshop, educator: Person, offset: dt.timedelta, open_: bool
) -> None:
    moment = T0 + offset
    code = screen_code(session, now=moment).code
    with _at(moment):
        if open_:
            assert checkin(workshop=session, person=educator, code=code).outcome == "checked_in"
        else:
            with pytest.raises(CheckinRefused, match="half an hour before"):
                checkin(workshop=session, person=educator, code=code)


def test_people_not_on_the_roster_cannot_check_in_even_with_the_code(session: Workshop) -> None:
    friend = make_person()
    moment = T0 + dt.timedelta(minutes=1)
    with _at(moment), pytest.raises(CheckinRefused, match="not on this workshop's roster"):
        checkin(workshop=session, person=friend, code=screen_code(session, now=moment).code)
    assert not Attendance.objects.exists()


def test_an_old_code_passed_around_no_longer_works(session: Workshop, educator: Person) -> None:
    photographed = screen_code(session, now=T0).code
    with _at(T0 + dt.timedelta(minutes=2)), pytest.raises(CheckinRefused, match="wrong or has expired"):
        checkin(workshop=session, person=educator, code=photographed)


def test_wrong_codes_are_rate_limited_per_person(session: Workshop, educator: Person) -> None:
    moment = T0 + dt.timedelta(minutes=1)
    right = screen_code(session, now=moment).code
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    with _at(moment):
        for _attempt in range(checkin_codes.MAX_FAILURES):
            with pytest.raises(CheckinRefused, match="wrong or has expired"):
                checkin(workshop=session, person=educator, code=wrong)
        with pytest.raises(CheckinRefused, match="Too many wrong codes"):
            checkin(workshop=session, person=educator, code=right)
    assert not Attendance.objects.exists()


def test_a_cancelled_workshop_takes_no_check_in(session: Workshop, educator: Person) -> None:
    Workshop.objects.filter(pk=session.pk).update(status=Workshop.Status.CANCELLED)
    session.refresh_from_db()
    with _at(T0), pytest.raises(CheckinRefused, match="cancelled"):
        checkin(workshop=session, person=educator, code=screen_code(session, now=T0).code)


# --- pages ------------------------------------------------------------------------------------------------


def _client(person: Person) -> Client:
    person.preferred_language = "en"
    person.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(person)
    return client


def test_the_participant_checks_in_through_the_link(session: Workshop, educator: Person) -> None:
    moment = T0 + dt.timedelta(minutes=3)
    code = screen_code(session, now=moment).code
    client = _client(educator)
    url = reverse("workshops:checkin", args=[session.pk])
    with _at(moment):
        page = client.get(url, {"code": code})
        assert f'value="{code}"' in page.content.decode()
        response = client.post(url, {"code": code})
    assert response.status_code == 302
    assert Attendance.objects.get().status == "present"


def test_a_wrong_code_gives_a_clear_message(session: Workshop, educator: Person) -> None:
    with _at(T0):
        response = _client(educator).post(reverse("workshops:checkin", args=[session.pk]), {"code": "12"})
    assert response.status_code == 200
    assert "wrong or has expired" in response.content.decode()


def test_the_screen_and_its_code_are_for_the_trainer(session: Workshop, trainer: Person, educator: Person) -> None:
    with _at(T0):
        screen = _client(trainer).get(reverse("workshops:checkin_screen", args=[session.pk]))
        data = _client(trainer).get(reverse("workshops:checkin_code", args=[session.pk])).json()
    assert screen.status_code == 200
    body = screen.content.decode()
    assert "<svg" in body and 'http-equiv="refresh"' in body and "checkin_screen.js" in body
    assert data["code"] == screen_code(session, now=T0).code and data["open"] is True
    assert "private" in screen["Cache-Control"] or "no-cache" in screen["Cache-Control"]
    for name in ("workshops:checkin_screen", "workshops:checkin_code"):
        assert _client(educator).get(reverse(name, args=[session.pk])).status_code == 403
