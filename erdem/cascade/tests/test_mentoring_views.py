"""The mentoring pages: who sees what (notes above all), logging sessions, feedback, assigning a mentor,
a mentor reviewing their mentee's practical task, and bounded query counts."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from erdem.access.models import Role
from erdem.access.tests.factories import RoleAssignmentFactory, person_with_role
from erdem.cascade.models import MentorAssignment, MentoringFeedback, MentoringSession, Tier
from erdem.cascade.services import mentor_assign, session_log
from erdem.cascade.tests.factories import appoint
from erdem.organisations.tests.factories import InstitutionFactory, region
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db
NOTE = "Worried about the exam timetable; private."


@dataclass
class World:
    programme: Any
    inst_a: Any
    inst_b: Any
    mentor: Person
    mentee: Person
    coordinator: Person
    other_coordinator: Person
    admin: Person
    educator: Person
    trainer: Person
    pair: MentorAssignment


def _educator(programme: Any, institution: Any, **fields: Any) -> Person:
    person = make_person(institution=institution, **fields)
    RoleAssignmentFactory(person=person, role=Role.EDUCATOR, programme=programme)
    return person


@pytest.fixture
def world() -> World:
    programme = ProgrammeFactory()
    inst_a = InstitutionFactory(region=region("MN-1"))
    inst_b = InstitutionFactory(region=region("MN-073"))
    mentor = appoint(programme=programme, tier=Tier.MENTOR, person=make_person(institution=inst_a)).person
    mentee = _educator(programme, inst_a, discipline="ict")
    pair = mentor_assign(programme=programme, mentor=mentor, mentee=mentee, actor=None)
    pair.started_at = timezone.now() - dt.timedelta(days=30)
    pair.save(update_fields=["started_at"])
    session_log(
        pair=pair, by=mentor, held_on=timezone.localdate() - dt.timedelta(days=7), mode="online",
        topics="Rubrics for group work", notes=NOTE,
    )  # fmt: skip
    return World(
        programme=programme,
        inst_a=inst_a,
        inst_b=inst_b,
        mentor=mentor,
        mentee=mentee,
        coordinator=person_with_role(Role.COORDINATOR, programme=programme, institution=inst_a),
        other_coordinator=person_with_role(Role.COORDINATOR, programme=programme, institution=inst_b),
        admin=person_with_role(Role.NATIONAL_ADMIN, programme=programme),
        educator=_educator(programme, inst_a),
        trainer=appoint(programme=programme, tier=Tier.REGIONAL_TRAINER, person=make_person(institution=inst_a)).person,
        pair=pair,
    )


def _client(person: Person | None) -> Client:
    client = Client()
    if person is not None:
        Person.objects.filter(pk=person.pk).update(preferred_language="en")  # a signed-in person's language wins
        client.force_login(person)
    client.cookies["erdem_language"] = "en"
    return client


def _pair_url(pair: MentorAssignment) -> str:
    return reverse("cascade:pair", args=[pair.pk])


# --- who sees what ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mentor", 200),
        ("mentee", 200),
        ("coordinator", 200),
        ("other_coordinator", 404),
        ("admin", 200),
        ("educator", 404),
        ("trainer", 404),
    ],
)
def test_the_pair_page_and_its_notes_are_for_the_pair_their_coordinators_and_national_admins(world, who, status):
    response = _client(getattr(world, who)).get(_pair_url(world.pair))
    assert response.status_code == status
    content = response.content.decode()
    assert (NOTE in content) is (status == 200)
    if status == 200:
        assert "Rubrics for group work" in content and world.mentee.full_name in content


def test_the_pair_page_asks_anonymous_visitors_to_sign_in_and_an_unknown_pair_is_not_found(world):
    response = _client(None).get(_pair_url(world.pair))
    assert response.status_code == 302 and response["Location"].startswith(reverse("people:login"))
    assert _client(world.admin).get(reverse("cascade:pair", args=[world.pair.pk + 999])).status_code == 404


def test_the_pair_page_answers_an_outsider_as_for_a_pair_that_does_not_exist(world):
    client = _client(world.educator)
    hidden = client.get(_pair_url(world.pair))
    unknown = client.get(reverse("cascade:pair", args=[world.pair.pk + 999]))
    assert hidden.status_code == unknown.status_code == 404
    assert [t.name for t in hidden.templates] == [t.name for t in unknown.templates]


def test_only_the_pair_gets_the_session_form_and_only_the_mentee_the_feedback_form(world):
    mentor_page = _client(world.mentor).get(_pair_url(world.pair)).content.decode()
    mentee_page = _client(world.mentee).get(_pair_url(world.pair)).content.decode()
    coordinator_page = _client(world.coordinator).get(_pair_url(world.pair)).content.decode()
    assert 'value="session"' in mentor_page and 'value="feedback"' not in mentor_page
    assert 'value="session"' in mentee_page and 'value="feedback"' in mentee_page
    assert 'value="session"' not in coordinator_page and 'value="feedback"' not in coordinator_page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mentor", 200),
        ("mentee", 200),
        ("coordinator", 200),
        ("other_coordinator", 200),
        ("admin", 200),
        ("educator", 403),
        ("trainer", 403),
    ],
)
def test_the_mentoring_page_is_for_mentors_mentees_and_those_who_assign(world, who, status):
    response = _client(getattr(world, who)).get(reverse("cascade:mentoring"))
    assert response.status_code == status
    if status != 200:
        return
    content = response.content.decode()
    assert (reverse("cascade:mentor_assign") in content) is (who in ("coordinator", "other_coordinator", "admin"))
    assert (_pair_url(world.pair) in content) is (who in ("mentor", "mentee"))
    assert NOTE not in content


def test_a_mentor_sees_their_mentees_with_sessions_and_places_taken(world):
    content = _client(world.mentor).get(reverse("cascade:mentoring")).content.decode()
    assert world.mentee.full_name in content and "Places taken: 1 of 8" in content
    last = date_format(timezone.localdate() - dt.timedelta(days=7), "SHORT_DATE_FORMAT")
    assert f'data-label="Last session">{last}</td>' in content
    mentee_page = _client(world.mentee).get(reverse("cascade:mentoring")).content.decode()
    assert "My mentor" in mentee_page and world.mentor.full_name in mentee_page and "1 session" in mentee_page


def test_the_mentoring_page_asks_anonymous_visitors_to_sign_in(world):
    response = _client(None).get(reverse("cascade:mentoring"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("people:login"))


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mentor", 403),
        ("mentee", 403),
        ("coordinator", 200),
        ("other_coordinator", 200),
        ("admin", 200),
        ("educator", 403),
        ("trainer", 403),
    ],
)
def test_the_assign_page_is_for_coordinators_and_national_admins(world, who, status):
    assert _client(getattr(world, who)).get(reverse("cascade:mentor_assign")).status_code == status


# --- logging a session ------------------------------------------------------------------------------------------


def _session(**fields: Any) -> dict[str, Any]:
    data = {
        "form": "session",
        "session-held_on": timezone.localdate().isoformat(),
        "session-mode": "in_person",
        "session-minutes": "45",
        "session-topics": "Feedback on a lesson plan",
        "session-notes": "",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_the_pair_logs_a_session(world, who):
    response = _client(getattr(world, who)).post(_pair_url(world.pair), _session(**{"session-notes": "Went well."}))
    assert response.status_code == 302 and response["Location"].endswith("#sessions")
    session = MentoringSession.objects.get(topics="Feedback on a lesson plan")
    assert (session.logged_by, session.minutes, session.mode, session.notes) == (
        getattr(world, who),
        45,
        "in_person",
        "Went well.",
    )


def test_a_session_in_the_future_or_without_topics_is_refused_next_to_its_field(world):
    client = _client(world.mentor)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(_pair_url(world.pair), _session(**{"session-held_on": tomorrow}))
    assert response.status_code == 200
    assert response.context["session_form"].errors == {
        "held_on": ["A session is logged once it has taken place: the date is in the future."]
    }
    assert 'href="#id_session-held_on"' in response.content.decode()
    response = client.post(_pair_url(world.pair), _session(**{"session-topics": "  "}))
    assert response.context["session_form"].errors == {"topics": ["Say what you worked on."]}
    assert MentoringSession.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 403), ("admin", 403), ("educator", 404), ("trainer", 404), ("other_coordinator", 404)],
)
def test_nobody_outside_the_pair_logs_a_session(world, who, status):
    """Those who may see the pair are refused the form; others are told, as for an unknown id, nothing."""
    response = _client(getattr(world, who)).post(_pair_url(world.pair), _session())
    assert response.status_code == status
    assert MentoringSession.objects.count() == 1


def test_an_ended_pair_takes_no_more_sessions(world):
    MentorAssignment.objects.filter(pk=world.pair.pk).update(ended_at=timezone.now())
    client = _client(world.mentor)
    page = client.get(_pair_url(world.pair))
    assert page.status_code == 200 and 'value="session"' not in page.content.decode()
    assert client.post(_pair_url(world.pair), _session()).status_code == 403


# --- feedback -----------------------------------------------------------------------------------------------------


def test_the_mentee_gives_feedback_and_changes_it(world):
    client = _client(world.mentee)
    data = {"form": "feedback", "feedback-rating": "4", "feedback-comment": "Practical advice."}
    assert client.post(_pair_url(world.pair), data).status_code == 302
    assert client.post(_pair_url(world.pair), {**data, "feedback-rating": "5"}).status_code == 302
    feedback = MentoringFeedback.objects.get()
    assert (feedback.rating, feedback.comment) == (5, "Practical advice.")
    page = client.get(_pair_url(world.pair)).content.decode()
    assert "You can change it." in page and re.search(r'value="5"[^>]* checked>', page)
    response = client.post(_pair_url(world.pair), {**data, "feedback-rating": "9"})
    assert response.status_code == 200 and "feedback-rating" not in response.context["feedback_form"].cleaned_data
    coordinator_page = _client(world.coordinator).get(_pair_url(world.pair)).content.decode()
    assert "How helpful: 5 of 5" in coordinator_page
    assert "How helpful: 5 of 5" not in _client(world.mentor).get(_pair_url(world.pair)).content.decode()


@pytest.mark.parametrize("who", ["mentor", "coordinator", "admin"])
def test_only_the_mentee_gives_feedback(world, who):
    data = {"form": "feedback", "feedback-rating": "1", "feedback-comment": ""}
    assert _client(getattr(world, who)).post(_pair_url(world.pair), data).status_code == 403
    assert not MentoringFeedback.objects.exists()


# --- assigning a mentor ----------------------------------------------------------------------------------------------


def test_assigning_shows_the_current_mentor_and_the_suggestions_with_reasons(world):
    newcomer = _educator(world.programme, world.inst_a, discipline="ict")
    colleague = appoint(
        programme=world.programme, tier=Tier.MENTOR, person=make_person(institution=world.inst_a, discipline="ict"),
        mentee_capacity=3,
    ).person  # fmt: skip
    response = _client(world.admin).get(reverse("cascade:mentor_assign"), {"mentee": world.mentee.email.upper()})
    content = response.content.decode()
    assert response.status_code == 200 and f"Current mentor: {world.mentor.full_name}" in content
    assert "same institution; same region; same discipline; 3 places left" in content
    response = _client(world.admin).get(reverse("cascade:mentor_assign"), {"mentee": newcomer.email})
    labels = [label for _value, label in response.context["assign_form"].fields["mentor"].choices]
    assert colleague.full_name in labels[0] and world.mentor.full_name in labels[1]
    assert "No mentor yet." in response.content.decode()


def test_a_suggested_mentor_is_assigned_and_the_previous_pair_ends(world):
    other = appoint(programme=world.programme, tier=Tier.MENTOR, person=make_person(institution=world.inst_b)).person
    data = {"mentee": world.mentee.email, "mentor": str(other.pk), "other_email": "", "reason": ""}
    response = _client(world.coordinator).post(reverse("cascade:mentor_assign"), data)
    current = MentorAssignment.objects.get(mentee=world.mentee, ended_at__isnull=True)
    assert response.status_code == 302 and response["Location"] == _pair_url(current)
    assert (current.mentor, current.assigned_by) == (other, world.coordinator)
    assert MentorAssignment.objects.get(pk=world.pair.pk).ended_at is not None
    assert MentoringSession.objects.filter(assignment=world.pair).count() == 1


def test_overriding_the_suggestions_needs_a_reason_and_is_recorded_with_it(world):
    newcomer = _educator(world.programme, world.inst_a)
    data = {"mentee": newcomer.email, "mentor": "other", "other_email": world.mentor.email, "reason": ""}
    client = _client(world.admin)
    response = client.post(reverse("cascade:mentor_assign"), data)
    assert response.status_code == 200
    assert response.context["assign_form"].errors == {"reason": ["Say why you choose a mentor who was not suggested."]}
    response = client.post(reverse("cascade:mentor_assign"), {**data, "reason": "Same research group."})
    pair = MentorAssignment.objects.get(mentee=newcomer)
    assert response.status_code == 302 and (pair.mentor, pair.reason) == (world.mentor, "Same research group.")
    assert "Same research group." in client.get(_pair_url(pair)).content.decode()
    assert "Same research group." not in _client(world.mentor).get(_pair_url(pair)).content.decode()


def test_a_mentor_without_a_place_left_is_refused_plainly(world):
    full = appoint(programme=world.programme, tier=Tier.MENTOR, mentee_capacity=1).person
    mentor_assign(programme=world.programme, mentor=full, mentee=_educator(world.programme, world.inst_a), actor=None)
    newcomer = _educator(world.programme, world.inst_a)
    data = {"mentee": newcomer.email, "mentor": "other", "other_email": full.email, "reason": "Asked for them."}
    response = _client(world.admin).post(reverse("cascade:mentor_assign"), data)
    assert response.status_code == 200
    assert response.context["assign_form"].errors == {
        "other_email": [f"{full.full_name} already mentors 1 people, their capacity. Choose another mentor."]
    }
    # Suggested when the page was shown and full since: the same refusal, next to the choice.
    response = _client(world.admin).post(reverse("cascade:mentor_assign"), {**data, "mentor": str(full.pk)})
    assert list(response.context["assign_form"].errors) == ["mentor"]
    assert "their capacity" in response.content.decode()
    assert not MentorAssignment.objects.filter(mentee=newcomer).exists()


def test_someone_who_is_not_a_mentor_is_refused(world):
    data = {"mentee": world.educator.email, "mentor": "other", "other_email": world.trainer.email, "reason": "Why not."}
    response = _client(world.admin).post(reverse("cascade:mentor_assign"), data)
    assert response.context["assign_form"].errors == {
        "other_email": [f"{world.trainer.full_name} is not a mentor of the programme."]
    }
    response = _client(world.admin).post(reverse("cascade:mentor_assign"), {**data, "other_email": "no@example.mn"})
    assert response.context["assign_form"].errors == {
        "other_email": ["Nobody with this e-mail address takes part in the programme."]
    }


def test_a_coordinator_assigns_only_their_institutions_staff(world):
    outsider = _educator(world.programme, world.inst_b)
    not_in_programme = make_person(institution=world.inst_a)
    client = _client(world.coordinator)
    for email in (outsider.email, not_in_programme.email):
        response = client.get(reverse("cascade:mentor_assign"), {"mentee": email})
        assert response.context["find_form"].errors == {
            "mentee": ["Nobody with this e-mail address is among the people you can assign a mentor to."]
        }
        assert response.context["assign_form"] is None
    data = {"mentee": outsider.email, "mentor": "other", "other_email": world.mentor.email, "reason": "Nearby."}
    response = client.post(reverse("cascade:mentor_assign"), data)
    assert response.status_code == 200 and not MentorAssignment.objects.filter(mentee=outsider).exists()
    response = _client(world.other_coordinator).post(reverse("cascade:mentor_assign"), data)
    assert response.status_code == 302 and MentorAssignment.objects.get(mentee=outsider).mentor == world.mentor


# --- query counts -------------------------------------------------------------------------------------------------


def _queries(client: Client, url: str, data: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, data or {}).status_code == 200
    return len(captured)


def test_the_pages_run_the_same_number_of_queries_whatever_the_number_of_sessions_and_mentees(world):
    mentor_client, admin_client = _client(world.mentor), _client(world.admin)
    counts = [
        _queries(mentor_client, _pair_url(world.pair)),
        _queries(mentor_client, reverse("cascade:mentoring")),
        _queries(admin_client, reverse("cascade:mentor_assign"), {"mentee": world.educator.email}),
    ]
    for day in range(1, 6):
        session_log(pair=world.pair, by=world.mentee, held_on=timezone.localdate() - dt.timedelta(days=day),
                    mode="phone", topics=f"Topic {day}", notes="More notes")  # fmt: skip
    for _ in range(4):
        mentor_assign(
            programme=world.programme, mentor=world.mentor, mentee=_educator(world.programme, world.inst_a), actor=None
        )
        appoint(programme=world.programme, tier=Tier.MENTOR, person=make_person(institution=world.inst_b))
    assert [
        _queries(mentor_client, _pair_url(world.pair)),
        _queries(mentor_client, reverse("cascade:mentoring")),
        _queries(admin_client, reverse("cascade:mentor_assign"), {"mentee": world.educator.email}),
    ] == counts
    assert max(counts) <= 12


# --- a mentor reviews their mentee's practical task ------------------------------------------------------------------


def _mentee_submission(world: World) -> Any:
    from erdem.assignments.services import submission_create
    from erdem.assignments.tests.factories import assignment_build
    from erdem.catalog.tests.factories import course_build, first_lesson
    from erdem.learning.services import enrolment_create

    course = course_build(programme=world.programme, code="mentoring-practical")
    task = assignment_build(lesson=first_lesson(course), criteria=1)
    enrolment_create(person=world.mentee, course=course)
    return submission_create(person=world.mentee, assignment=task, text="My lesson plan", files=[], number=1).submission


def test_a_mentor_sees_their_mentees_submission_in_the_review_queue_and_opens_it(world):
    submission = _mentee_submission(world)
    client = _client(world.mentor)
    queue = client.get(reverse("assignments:queue"))
    assert queue.status_code == 200
    assert [row.submission for row in queue.context["queue"].rows] == [submission]
    assert client.get(reverse("assignments:review", args=[submission.pk])).status_code == 200
    assert _client(world.educator).get(reverse("assignments:review", args=[submission.pk])).status_code in (403, 404)


def test_a_mentor_scoped_to_another_region_still_reviews_their_own_mentees_submission(world):
    far_mentor = appoint(
        programme=world.programme, tier=Tier.MENTOR, person=make_person(institution=world.inst_b),
        regions=[region("MN-073")],
    ).person  # fmt: skip
    mentor_assign(programme=world.programme, mentor=far_mentor, mentee=world.mentee, actor=None)
    submission = _mentee_submission(world)
    client = _client(far_mentor)
    assert [row.submission for row in client.get(reverse("assignments:queue")).context["queue"].rows] == [submission]
    assert client.get(reverse("assignments:review", args=[submission.pk])).status_code == 200


@pytest.mark.parametrize(("who", "shown"), [("mentor", True), ("educator", False), ("trainer", False)])
def test_mentors_find_mentoring_in_the_navigation(world, who, shown):
    content = _client(getattr(world, who)).get(reverse("web:home")).content.decode()
    assert (f'href="{reverse("cascade:mentoring")}"' in content) is shown


def test_a_mentee_finds_their_pair_on_their_home_page(world):
    content = _client(world.mentee).get(reverse("web:home")).content.decode()
    pair = MentorAssignment.objects.get(mentee=world.mentee, ended_at__isnull=True)
    assert f'href="{reverse("cascade:pair", args=[pair.pk])}"' in content
