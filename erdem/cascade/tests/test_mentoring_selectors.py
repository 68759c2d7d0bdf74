"""Mentor suggestions, a person's pairs and a pair's sessions: order, reasons, capacity, query counts."""

import datetime as dt

import pytest
from django.utils import timezone

from erdem.cascade.mentoring_selectors import mentor_suggestions, pair_sessions, pairs_of
from erdem.cascade.models import Tier
from erdem.cascade.services import appointment_end, mentor_assign, session_log
from erdem.cascade.tests.factories import appoint
from erdem.organisations.tests.factories import InstitutionFactory, region
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def _mentor(programme, *, capacity=8, **person_fields):
    return appoint(
        programme=programme, tier=Tier.MENTOR, person=make_person(**person_fields), mentee_capacity=capacity
    ).person


def test_suggestions_rank_institution_then_region_then_discipline_then_room_left():
    programme = ProgrammeFactory()
    home = InstitutionFactory(region=region("MN-1"))
    neighbour = InstitutionFactory(region=region("MN-1"))
    far = InstitutionFactory(region=region("MN-073"))
    mentee = make_person(institution=home, discipline="ict")
    far_roomy = _mentor(programme, capacity=20, institution=far)
    far_ict = _mentor(programme, capacity=2, institution=far, discipline="ict")
    neighbour_mentor = _mentor(programme, capacity=2, institution=neighbour)
    colleague = _mentor(programme, capacity=1, institution=home)
    scoped_to_region = appoint(
        programme=programme, tier=Tier.MENTOR, person=make_person(institution=far), regions=[region("MN-1")],
        mentee_capacity=3,
    ).person  # fmt: skip

    suggestions = mentor_suggestions(programme=programme, mentee=mentee)

    assert [s.mentor for s in suggestions] == [colleague, scoped_to_region, neighbour_mentor, far_ict, far_roomy]
    assert suggestions[0].reasons == ["same institution", "same region", "1 place left"]
    assert suggestions[1].reasons == ["same region", "3 places left"]
    assert suggestions[3].reasons == ["same discipline", "2 places left"]
    assert suggestions[4].reasons == ["20 places left"] and suggestions[4].capacity_left == 20
    assert len(mentor_suggestions(programme=programme, mentee=mentee, limit=2)) == 2


def test_full_ended_and_current_mentors_and_the_mentee_are_not_suggested():
    programme = ProgrammeFactory()
    mentee = make_person()
    full = _mentor(programme, capacity=1)
    mentor_assign(programme=programme, mentor=full, mentee=make_person(), actor=None)
    current = _mentor(programme)
    mentor_assign(programme=programme, mentor=current, mentee=mentee, actor=None)
    ended = appoint(programme=programme, tier=Tier.MENTOR)
    appointment_end(appointment=ended, actor=None, reason="Left the university.")
    appoint(programme=programme, tier=Tier.MENTOR, person=mentee)
    trainer_only = appoint(programme=programme, tier=Tier.REGIONAL_TRAINER).person
    other_programme = _mentor(ProgrammeFactory())
    available = _mentor(programme, capacity=2)

    mentors = [s.mentor for s in mentor_suggestions(programme=programme, mentee=mentee)]

    assert mentors == [available]
    assert not {full, current, ended.person, mentee, trainer_only, other_programme} & set(mentors)


def test_suggestions_take_one_query_whatever_the_number_of_mentors(django_assert_num_queries):
    programme = ProgrammeFactory()
    mentee = make_person()
    for _ in range(6):
        mentor = _mentor(programme, capacity=3)
        mentor_assign(programme=programme, mentor=mentor, mentee=make_person(), actor=None)
    mentee = type(mentee).objects.select_related("institution").get(pk=mentee.pk)
    with django_assert_num_queries(1):
        suggestions = mentor_suggestions(programme=programme, mentee=mentee, limit=10)
        assert [getattr(s.mentor.institution, "region", None) for s in suggestions]
    assert len(suggestions) == 6 and {s.capacity_left for s in suggestions} == {2}


def test_pairs_of_a_person_as_mentor_and_as_mentee_with_their_sessions(django_assert_num_queries):
    programme = ProgrammeFactory()
    person = _mentor(programme)
    mentees = [make_person() for _ in range(3)]
    for mentee in mentees:
        mentor_assign(programme=programme, mentor=person, mentee=mentee, actor=None)
    own_mentor = _mentor(programme)
    mentor_assign(programme=programme, mentor=own_mentor, mentee=person, actor=None)
    first = pairs_of(person=person, programme=programme).as_mentor[0]
    today = timezone.localdate()
    first.started_at = timezone.now() - dt.timedelta(days=30)
    first.save(update_fields=["started_at"])
    for days in (10, 3):
        session_log(pair=first, by=person, held_on=today - dt.timedelta(days=days), mode="online", topics="Prompts")

    with django_assert_num_queries(1):
        pairs = pairs_of(person=person, programme=programme)
        names = [
            (pair.mentee.full_name, getattr(pair.mentor.institution, "short_name", "")) for pair in pairs.as_mentor
        ]
    assert len(names) == 3 and [pair.mentor for pair in pairs.as_mentee] == [own_mentor]
    counted = {pair.pk: (pair.sessions_count, pair.last_session_on) for pair in pairs.as_mentor}  # type: ignore[attr-defined]
    assert counted[first.pk] == (2, today - dt.timedelta(days=3))
    assert sorted(value[0] for value in counted.values()) == [0, 0, 2]

    with django_assert_num_queries(1):
        sessions = pair_sessions(first)
        assert [session.logged_by.full_name for session in sessions] == [person.full_name] * 2
    assert [session.held_on for session in sessions] == [today - dt.timedelta(days=3), today - dt.timedelta(days=10)]
