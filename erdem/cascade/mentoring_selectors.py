"""Reads of peer mentoring: whom to suggest as a mentor, a person's pairs, a pair's sessions.

Each selector runs a fixed number of queries whatever the number of mentors, pairs or sessions:
the suggestions are one ranked query (capacity and the match with the mentee computed in the
database), a person's pairs one query with their session counts.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from erdem.access.models import RoleAssignment
from erdem.cascade.models import Appointment, MentorAssignment, MentoringSession, Tier
from erdem.people.models import Person
from erdem.programmes.models import Programme


@dataclass(frozen=True)
class Suggestion:
    """A mentor with room for one more mentee, and why they suit this mentee (short phrases, in order)."""

    mentor: Person
    capacity_left: int
    reasons: list[str] = field(default_factory=list)


def _current_mentor_appointments(*, programme: Programme) -> QuerySet[Appointment]:
    return Appointment.objects.filter(
        programme=programme, tier=Tier.MENTOR, ended_at__isnull=True, term_ends_on__gte=timezone.localdate()
    )


def _mentees_taken() -> Coalesce:
    """A correlated count of the current pairs of the outer appointment's mentor in its programme."""
    taken = (
        MentorAssignment.objects.filter(
            programme_id=OuterRef("programme_id"), mentor_id=OuterRef("person_id"), ended_at__isnull=True
        )
        .order_by()
        .values("mentor_id")
        .annotate(total=Count("*"))
        .values("total")
    )
    return Coalesce(Subquery(taken, output_field=IntegerField()), Value(0))


def mentor_suggestions(*, programme: Programme, mentee: Person, limit: int = 5) -> list[Suggestion]:
    """Current mentors of `programme` with room left, best first: same institution (the mentor's own or
    their appointment's), then same region (the mentor's institution's, or one of the appointment's
    regions), then same discipline, then most room left. The mentee's current mentor is not suggested
    again. One query."""
    institution_id = mentee.institution_id
    region_id = mentee.institution.region_id if mentee.institution is not None else None
    through_institutions = Appointment.institutions.through.objects.filter(appointment_id=OuterRef("pk"))
    through_regions = Appointment.regions.through.objects.filter(appointment_id=OuterRef("pk"))
    same_institution: Any = Value(False)
    same_region: Any = Value(False)
    if institution_id is not None:
        same_institution = Q(person__institution_id=institution_id) | Exists(
            through_institutions.filter(institution_id=institution_id)
        )
    if region_id is not None:
        same_region = Q(person__institution__region_id=region_id) | Exists(through_regions.filter(region_id=region_id))
    same_discipline: Q | Value = Q(person__discipline=mentee.discipline) if mentee.discipline else Value(False)
    current_mentor = MentorAssignment.objects.filter(
        programme=programme, mentee=mentee, mentor_id=OuterRef("person_id"), ended_at__isnull=True
    )
    rows = (
        _current_mentor_appointments(programme=programme)
        .exclude(person=mentee)
        .exclude(Exists(current_mentor))
        .filter(person__is_active=True)
        .annotate(taken=_mentees_taken())
        .annotate(capacity_left=ExpressionWrapper(F("mentee_capacity") - F("taken"), output_field=IntegerField()))
        .filter(capacity_left__gt=0)
        .annotate(
            same_institution=ExpressionWrapper(same_institution, output_field=BooleanField()),
            same_region=ExpressionWrapper(same_region, output_field=BooleanField()),
            same_discipline=ExpressionWrapper(same_discipline, output_field=BooleanField()),
        )
        .select_related("person__institution__region")
        .order_by(
            F("same_institution").desc(),
            F("same_region").desc(),
            F("same_discipline").desc(),
            F("capacity_left").desc(),
            "person__family_name",
            "person__given_name",
            "pk",
        )[:limit]
    )
    suggestions = []
    for row in rows:
        reasons = []
        if row.same_institution:
            reasons.append(_("same institution"))
        if row.same_region:
            reasons.append(_("same region"))
        if row.same_discipline:
            reasons.append(_("same discipline"))
        left = row.capacity_left
        reasons.append(ngettext("%(count)s place left", "%(count)s places left", left) % {"count": left})
        suggestions.append(Suggestion(mentor=row.person, capacity_left=left, reasons=reasons))
    return suggestions


def mentor_appointment(*, programme: Programme, person: Person) -> Appointment | None:
    """`person`'s current mentor appointment in `programme`, with `taken` (their current mentees). One query."""
    return (
        _current_mentor_appointments(programme=programme).filter(person=person).annotate(taken=_mentees_taken()).first()
    )


@dataclass(frozen=True)
class Pairs:
    """A person's current pairs: those they mentor (with `sessions_count` and `last_session_on`) and
    the one in which they are mentored (a list: empty or one)."""

    as_mentor: list[MentorAssignment]
    as_mentee: list[MentorAssignment]


def pairs_of(*, person: Person, programme: Programme) -> Pairs:
    """`person`'s current mentoring pairs in `programme`, as mentor and as mentee. One query."""
    pairs = (
        MentorAssignment.objects.filter(programme=programme, ended_at__isnull=True)
        .filter(Q(mentor=person) | Q(mentee=person))
        .select_related("mentor__institution", "mentee__institution")
        .annotate(sessions_count=Count("sessions"), last_session_on=Max("sessions__held_on"))
        .order_by("mentee__family_name", "mentee__given_name", "pk")
    )
    as_mentor: list[MentorAssignment] = []
    as_mentee: list[MentorAssignment] = []
    for pair in pairs:
        (as_mentor if pair.mentor_id == person.pk else as_mentee).append(pair)
    return Pairs(as_mentor=as_mentor, as_mentee=as_mentee)


def pair_by_pk(*, pk: int) -> MentorAssignment | None:
    """A pair with both people, their institutions, the programme and the mentee's feedback. One query."""
    return (
        MentorAssignment.objects.filter(pk=pk)
        .select_related("programme", "mentor__institution", "mentee__institution", "assigned_by", "feedback")
        .first()
    )


def pair_sessions(pair: MentorAssignment) -> list[MentoringSession]:
    """A pair's sessions, latest first, with who logged each. One query."""
    return list(pair.sessions.select_related("logged_by").order_by("-held_on", "-id"))


def current_pair_of_mentee(*, programme: Programme, mentee: Person) -> MentorAssignment | None:
    """The mentee's current pair in `programme`, with the mentor loaded. One query."""
    return (
        MentorAssignment.objects.filter(programme=programme, mentee=mentee, ended_at__isnull=True)
        .select_related("mentor__institution")
        .first()
    )


def programme_person_by_email(*, programme: Programme, email: str) -> Person | None:
    """The person with this e-mail address (any case) who holds a current role in `programme`. One query."""
    email = email.strip()
    if not email:
        return None
    in_programme = RoleAssignment.objects.current().filter(programme=programme, person_id=OuterRef("pk"))
    return (
        Person.objects.filter(email__iexact=email, is_active=True)
        .filter(Exists(in_programme))
        .select_related("institution__region")
        .first()
    )


def mentor_by_pk(*, programme: Programme, pk: int) -> Person | None:
    """The person `pk` if they hold a current mentor appointment in `programme`. One query."""
    mentors = _current_mentor_appointments(programme=programme).filter(person_id=OuterRef("pk"))
    return Person.objects.filter(pk=pk).filter(Exists(mentors)).select_related("institution").first()
