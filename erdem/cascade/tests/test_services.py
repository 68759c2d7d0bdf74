"""The cascade's writes: prerequisites, terms, nominations, mentoring capacity and reassignment."""

import datetime as dt

import pytest
from django.utils import timezone

from erdem.access.models import Role, RoleAssignment
from erdem.cascade.models import Appointment, LineageNode, MentorAssignment, MentoringSession, Nomination, Tier
from erdem.cascade.services import (
    CascadeError,
    appointment_create,
    appointment_end,
    mentor_assign,
    mentoring_feedback_submit,
    nomination_create,
    nomination_decide,
    session_log,
)
from erdem.cascade.tests.factories import appoint
from erdem.credentials.models import Achievement
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.organisations.tests.factories import region as region_of
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db
START, END = dt.date(2026, 1, 1), dt.date(2028, 1, 1)


def test_an_appointment_without_its_prerequisites_is_refused_unless_a_reason_is_given():
    programme = ProgrammeFactory()
    person = make_person()
    with pytest.raises(CascadeError) as refused:
        appointment_create(
            programme=programme, person=person, tier=Tier.REGIONAL_TRAINER, starts_on=START, term_ends_on=END,
            appointed_by=None,
        )  # fmt: skip
    assert "micro-certificate" in refused.value.message and refused.value.details[0]["met"] is False
    assert not Appointment.objects.exists() and not RoleAssignment.objects.exists()

    appointment = appointment_create(
        programme=programme, person=person, tier=Tier.REGIONAL_TRAINER, starts_on=START, term_ends_on=END,
        appointed_by=None, override_reason="First trainers, appointed before the courses existed.",
    )  # fmt: skip
    assert appointment.role_assignment.role == Role.TRAINER and appointment.role_assignment.ended_at is None
    assert [check["met"] for check in appointment.prerequisites] == [False, True]


def test_prerequisites_met_need_no_reason():
    programme = ProgrammeFactory()
    person = make_person()
    credential_create(achievement=achievement_create(programme=programme), person=person)
    trainer = appointment_create(
        programme=programme, person=person, tier=Tier.REGIONAL_TRAINER, starts_on=START, term_ends_on=END,
        appointed_by=None,
    )  # fmt: skip
    assert trainer.prerequisites == [
        {"requirement": "micro_certificate", "label": "a micro-certificate of the programme", "met": True}
    ]
    master = make_person()
    certification = achievement_create(programme=programme, code="TRAINER", kind=Achievement.Kind.TRAINER_CERTIFICATION)
    credential_create(achievement=certification, person=master)
    appointment = appointment_create(
        programme=programme, person=master, tier=Tier.MASTER_TEACHER, starts_on=START, term_ends_on=END,
        appointed_by=None,
    )  # fmt: skip
    node = LineageNode.objects.get(person=master)
    assert appointment.tier == Tier.MASTER_TEACHER and node.depth == 0 and node.root_id == master.pk


def test_a_term_must_end_after_it_starts_and_one_current_appointment_per_tier():
    programme = ProgrammeFactory()
    person = make_person()
    with pytest.raises(CascadeError):
        appoint(programme=programme, person=person, starts_on=END, term_ends_on=START)
    appoint(programme=programme, person=person)
    with pytest.raises(CascadeError):
        appoint(programme=programme, person=person)


def test_mentor_capacity_and_the_end_of_a_term_with_mentees():
    programme = ProgrammeFactory()
    mentor = appoint(programme=programme, tier=Tier.MENTOR, mentee_capacity=2).person
    other = appoint(programme=programme, tier=Tier.MENTOR).person
    mentees = [make_person() for _ in range(3)]
    pairs = [mentor_assign(programme=programme, mentor=mentor, mentee=m, actor=None) for m in mentees[:2]]
    with pytest.raises(CascadeError) as full:
        mentor_assign(programme=programme, mentor=mentor, mentee=mentees[2], actor=None)
    assert "capacity" in full.value.message
    session_log(pair=pairs[0], by=mentor, held_on=timezone.localdate(), mode="online", topics="Rubrics")

    appointment = Appointment.objects.get(person=mentor, tier=Tier.MENTOR)
    with pytest.raises(CascadeError) as refused:
        appointment_end(appointment=appointment, actor=None, reason="Moved abroad.")
    assert {person.pk for person in refused.value.details} == {m.pk for m in mentees[:2]}
    assert Appointment.objects.get(pk=appointment.pk).ended_at is None

    appointment_end(
        appointment=appointment, actor=None, reason="Moved abroad.", reassign_to={m.pk: other for m in mentees[:2]}
    )
    assert Appointment.objects.get(pk=appointment.pk).ended_at is not None
    assert set(MentorAssignment.objects.filter(ended_at__isnull=True).values_list("mentor_id", flat=True)) == {other.pk}
    assert MentoringSession.objects.get().assignment_id == pairs[0].pk  # nothing lost
    assert RoleAssignment.objects.get(pk=appointment.role_assignment_id).ended_at is not None


def test_sessions_and_feedback_belong_to_the_pair():
    programme = ProgrammeFactory()
    mentor = appoint(programme=programme, tier=Tier.MENTOR).person
    mentee, stranger = make_person(), make_person()
    pair = mentor_assign(programme=programme, mentor=mentor, mentee=mentee, actor=None)
    with pytest.raises(CascadeError):
        session_log(pair=pair, by=stranger, held_on=timezone.localdate(), mode="phone", topics="x")
    with pytest.raises(CascadeError):
        session_log(pair=pair, by=mentee, held_on=timezone.localdate() + dt.timedelta(days=1), mode="phone", topics="x")
    with pytest.raises(CascadeError):
        session_log(pair=pair, by=mentee, held_on=timezone.localdate(), mode="phone", topics="  ")
    with pytest.raises(CascadeError):
        mentoring_feedback_submit(pair=pair, by=mentor, rating=5)
    assert mentoring_feedback_submit(pair=pair, by=mentee, rating=4, comment="Helpful").rating == 4
    assert mentoring_feedback_submit(pair=pair, by=mentee, rating=5).rating == 5


def test_nominations_are_approved_into_appointments_or_declined_with_a_reason():
    programme = ProgrammeFactory()
    master = appoint(programme=programme, tier=Tier.MASTER_TEACHER).person
    admin = make_person()
    nominee = make_person()
    nomination = nomination_create(programme=programme, nominee=nominee, nominated_by=master, statement="Strong.")
    with pytest.raises(CascadeError):
        nomination_create(programme=programme, nominee=nominee, nominated_by=master, statement="Again.")
    with pytest.raises(CascadeError):
        nomination_decide(nomination=nomination, actor=admin, approve=False, reason="")
    with pytest.raises(CascadeError):  # no micro-certificate, no reason to appoint anyway
        nomination_decide(nomination=nomination, actor=admin, approve=True, reason="Good")
    decided = nomination_decide(
        nomination=nomination, actor=admin, approve=True, reason="Good", override_reason="Pilot region."
    )
    assert decided.status == Nomination.Status.APPROVED
    node = LineageNode.objects.get(person=nominee)
    assert node.trainer_id == master.pk and node.root_id == master.pk and node.depth == 1
    assert Appointment.objects.get(person=nominee).nomination == decided
    with pytest.raises(CascadeError):
        nomination_decide(nomination=decided, actor=admin, approve=False, reason="Too late")


def test_a_trainer_cannot_be_nominated_and_a_nomination_without_regions_takes_the_nominators():
    programme = ProgrammeFactory()
    uvs = region_of("MN-046")
    master = appoint(programme=programme, tier=Tier.MASTER_TEACHER).person
    trainer = appoint(programme=programme, regions=[uvs], trained_by=master).person
    with pytest.raises(CascadeError) as refused:
        nomination_create(programme=programme, nominee=master, nominated_by=trainer, statement="Senior.")
    assert "already a trainer" in refused.value.message
    nominee = make_person()
    nomination = nomination_create(programme=programme, nominee=nominee, nominated_by=trainer, statement="Keen.")
    nomination_decide(nomination=nomination, actor=make_person(), approve=True, reason="", override_reason="Pilot.")
    assert list(Appointment.objects.get(person=nominee).regions.all()) == [uvs]
