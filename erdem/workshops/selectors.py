"""Reads: rosters, upcoming workshops, attendance summaries."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from erdem.access.models import Role, RoleAssignment
from erdem.catalog.models import CourseTranslation, TranslationStatus
from erdem.catalog.selectors import Text
from erdem.catalog.translations import translation_pick
from erdem.core.i18n import mongolian_order
from erdem.learning.models import Enrolment
from erdem.people.models import Person
from erdem.workshops.models import Attendance, AttendanceMark, AttendanceStatus, Registration, Workshop

ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


def roster_people(*, workshop: Workshop) -> QuerySet[Person]:
    """Who is expected: people registered (not waitlisted, not cancelled) and the members of
    the workshop's cohort, whether or not they registered."""
    registered = Registration.objects.filter(
        workshop_id=workshop.pk, person=OuterRef("pk"), status=Registration.Status.REGISTERED
    )
    condition = Q(Exists(registered))
    if workshop.cohort_id is not None:
        condition |= Q(Exists(Enrolment.objects.filter(cohort_id=workshop.cohort_id, person=OuterRef("pk"))))
    return Person.objects.filter(condition)


def on_roster(*, workshop: Workshop, person_id: int) -> bool:
    return roster_people(workshop=workshop).filter(pk=person_id).exists()


def cohort_workshops_attended(*, cohort_id: int, person_id: int) -> tuple[int, int]:
    """(attended, required) for the completion rule: the cohort's workshops that count and were
    not cancelled, and those the person attended (present or late). One query."""
    attended = Attendance.objects.filter(workshop=OuterRef("pk"), person_id=person_id, status__in=ATTENDED)
    counts = (
        Workshop.objects.filter(cohort_id=cohort_id, counts_for_completion=True)
        .exclude(status=Workshop.Status.CANCELLED)
        .order_by()
        .aggregate(required=Count("pk"), attended=Count("pk", filter=Q(Exists(attended))))
    )
    return counts["attended"], counts["required"]


@dataclass(frozen=True)
class RosterRow:
    person: Person
    status: str  # the current attendance status, "" when unmarked
    source: str


def workshop_for_view(*, workshop_id: int) -> Workshop | None:
    """One workshop with what its pages and the permission rules read, in two queries."""
    return (
        Workshop.objects.select_related("course", "cohort", "region", "institution", "programme")
        .prefetch_related("trainers")
        .filter(pk=workshop_id)
        .first()
    )


def roster_rows(*, workshop: Workshop) -> list[RosterRow]:
    """The roster with each person's current attendance, in one query whatever its size."""
    current = Attendance.objects.filter(workshop_id=workshop.pk, person=OuterRef("pk"))
    people = (
        roster_people(workshop=workshop)
        .annotate(
            attendance_status=Subquery(current.values("status")[:1]),
            attendance_source=Subquery(current.values("source")[:1]),
        )
        .order_by(mongolian_order("family_name"), mongolian_order("given_name"), "pk")
    )
    return [RosterRow(p, p.attendance_status or "", p.attendance_source or "") for p in people]


def cohort_member(*, cohort_id: int, person_id: int) -> bool:
    return Enrolment.objects.filter(cohort_id=cohort_id, person_id=person_id).exists()


def seats_taken(*, workshop: Workshop) -> int:
    """People holding a seat: registered, and cohort members whether registered or not."""
    return roster_people(workshop=workshop).count()


def _seat_annotations() -> dict[str, Any]:
    """Seats taken (registered people, plus cohort members who did not register) and the
    waiting list's length, as subqueries: the list page stays at a fixed number of queries."""
    registered = Registration.objects.filter(workshop=OuterRef("pk"), status=Registration.Status.REGISTERED)
    registered_member = Registration.objects.filter(
        workshop=OuterRef(OuterRef("pk")), person=OuterRef("person"), status=Registration.Status.REGISTERED
    )
    unregistered_members = Enrolment.objects.filter(cohort=OuterRef("cohort")).exclude(Exists(registered_member))
    waiting = Registration.objects.filter(workshop=OuterRef("pk"), status=Registration.Status.WAITLISTED)
    return {
        "registered_count": _count(registered, "workshop"),
        "member_count": _count(unregistered_members, "cohort"),
        "waiting_count": _count(waiting, "workshop"),
    }


def _count(queryset: QuerySet[Any], group: str) -> Coalesce:
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def upcoming_workshops(
    *, course_id: int | None = None, region_id: int | None = None, mode: str = ""
) -> QuerySet[Workshop]:
    """Scheduled workshops not yet over, soonest first, with their seats counted."""
    workshops = (
        Workshop.objects.filter(status=Workshop.Status.SCHEDULED, ends_at__gte=timezone.now())
        .select_related("course", "region", "institution")
        .prefetch_related(COURSE_TITLES)
        .annotate(**_seat_annotations())
        .order_by("starts_at", "pk")
    )
    if course_id:
        workshops = workshops.filter(course_id=course_id)
    if region_id:
        workshops = workshops.filter(region_id=region_id)
    if mode:
        workshops = workshops.filter(mode=mode)
    return workshops


def seats_left(workshop: Workshop) -> int:
    """For a workshop from `upcoming_workshops` or `workshop_with_seats`."""
    return max(0, workshop.capacity - workshop.registered_count - workshop.member_count)  # type: ignore[attr-defined]


def workshop_with_seats(*, workshop_id: int) -> Workshop | None:
    return (
        Workshop.objects.select_related("course", "cohort", "region", "institution", "programme")
        .prefetch_related("trainers", COURSE_TITLES)
        .annotate(**_seat_annotations())
        .filter(pk=workshop_id)
        .first()
    )


def registration_of(*, workshop: Workshop, person_id: int) -> Registration | None:
    return Registration.objects.filter(workshop_id=workshop.pk, person_id=person_id).first()


def waitlist_position(*, registration: Registration) -> int:
    """1 for the first person waiting."""
    return (
        Registration.objects.filter(
            workshop_id=registration.workshop_id,
            status=Registration.Status.WAITLISTED,
        )
        .filter(
            Q(registered_at__lt=registration.registered_at)
            | Q(registered_at=registration.registered_at, pk__lt=registration.pk)
        )
        .count()
        + 1
    )


def workshops_led_by(*, person_id: int, limit: int = 20) -> list[Workshop]:
    """The workshops a trainer leads that are not long over (a week back), soonest first."""
    return list(
        Workshop.objects.filter(trainers=person_id, ends_at__gte=timezone.now() - dt.timedelta(days=7))
        .select_related("course")
        .order_by("starts_at", "pk")[:limit]
    )


def registrations_of(*, person_id: int, limit: int = 20) -> list[Registration]:
    """The person's registrations for workshops not yet over."""
    return list(
        Registration.objects.filter(person_id=person_id, workshop__ends_at__gte=timezone.now())
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("workshop")
        .order_by("workshop__starts_at")[:limit]
    )


@dataclass(frozen=True)
class AttendanceSummary:
    present: int
    late: int
    absent: int
    unmarked: int
    expected: int
    marks: list[AttendanceMark]
    marks_total: int


def attendance_summary(*, workshop: Workshop, history: int = 200) -> AttendanceSummary:
    """Counts of the roster's current marks and the latest marks received. Three queries."""
    rows = roster_rows(workshop=workshop)
    counts = {status: 0 for status in AttendanceStatus.values}
    unmarked = 0
    for row in rows:
        if row.status:
            counts[row.status] += 1
        else:
            unmarked += 1
    marks = AttendanceMark.objects.filter(workshop_id=workshop.pk)
    return AttendanceSummary(
        present=counts[AttendanceStatus.PRESENT],
        late=counts[AttendanceStatus.LATE],
        absent=counts[AttendanceStatus.ABSENT],
        unmarked=unmarked,
        expected=len(rows),
        marks=list(marks.select_related("person", "marked_by").order_by("-received_at", "-marked_at")[:history]),
        marks_total=marks.count(),
    )


def trainer_candidates(*, programme_id: int) -> QuerySet[Person]:
    """People holding a trainer or master teacher role in the programme now."""
    holders = RoleAssignment.objects.current().filter(
        person=OuterRef("pk"), programme_id=programme_id, role__in=(Role.TRAINER, Role.MASTER_TEACHER)
    )
    return (
        Person.objects.filter(Exists(holders), is_active=True)
        .select_related("institution__region")
        .order_by("family_name", "given_name", "pk")
    )


def with_course_titles(workshops: Iterable[Workshop], *, language: str) -> list[Workshop]:
    """Set `course_title` (a catalog Text) on each workshop; its course translations must be
    prefetched (COURSE_TITLES)."""
    result = list(workshops)
    for workshop in result:
        picked = translation_pick(workshop.course.translations.all(), language=language)
        workshop.course_title = (  # type: ignore[attr-defined]
            Text(picked.translation.title, picked.language_code, picked.fell_back)
            if picked is not None
            else Text(workshop.course.code, language)
        )
    return result


COURSE_TITLES = Prefetch(
    "course__translations", queryset=CourseTranslation.objects.filter(status=TranslationStatus.PUBLISHED)
)


def workshops_of(*, person: Person) -> QuerySet[Workshop]:
    """Workshops `person` leads, is registered or waitlisted for, or whose cohort they belong to."""
    registered = Registration.objects.filter(
        workshop=OuterRef("pk"),
        person_id=person.pk,
        status__in=(Registration.Status.REGISTERED, Registration.Status.WAITLISTED),
    )
    in_cohort = Enrolment.objects.filter(cohort=OuterRef("cohort"), person_id=person.pk)
    leads = Workshop.trainers.through.objects.filter(workshop_id=OuterRef("pk"), person_id=person.pk)
    return (
        Workshop.objects.filter(Q(Exists(leads)) | Q(Exists(registered)) | Q(Exists(in_cohort)))
        .select_related("course", "programme", "region", "institution", "cohort")
        .prefetch_related("trainers")
        .order_by("starts_at", "pk")
    )


def upcoming_workshops_led(person: Person, *, limit: int = 5, language: str | None = None) -> list[Workshop]:
    """For a trainer's home page: the scheduled workshops `person` leads that are not over yet,
    soonest first (one under way comes first). With `language`, each has `course_title` in that
    language (see `with_course_titles`). Two queries."""
    workshops = list(
        Workshop.objects.filter(trainers=person.pk, status=Workshop.Status.SCHEDULED, ends_at__gte=timezone.now())
        .select_related("course", "region", "institution")
        .prefetch_related(COURSE_TITLES)
        .order_by("starts_at", "pk")[:limit]
    )
    return with_course_titles(workshops, language=language) if language else workshops
