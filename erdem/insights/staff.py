"""Person-level tables with names: an institution's staff with their progress in the programme (for its
coordinators and the national admins, INSTITUTION_PEOPLE_VIEW), and the members of the cohorts a
trainer trains (for that trainer). Shown on the institution's and the trainer's dashboards and written
as files by `insights.exports`; never shown to ministry viewers.

Staff are the people of the institution who registered as educators of the programme (they hold its
educator role and confirmed their e-mail address), the population every figure counts. People the
institution invited who have not registered yet are not listed; the page says how many there are.
Each figure is a correlated subquery, so a page of a list is one query (and its count) and a file is
one query read in chunks, whatever the number of people.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from erdem.access.models import Role, RoleAssignment
from erdem.core.i18n import mongolian_order
from erdem.insights.selectors import Cell, share_cell
from erdem.learning.models import Cohort, Enrolment
from erdem.organisations.models import Institution
from erdem.people.models import Person
from erdem.programmes.models import Programme

STAFF_PER_PAGE = 50
ROWS_PER_CHUNK = 1000
SEARCH_MAX_LENGTH = 100
NAME_FIELDS = ("family_name", "given_name", "family_name_latin", "given_name_latin", "email")


def _count(queryset: QuerySet[Any], field: str = "person", outer: str = "pk") -> Coalesce:
    """How many rows of `queryset` have `field` equal to the outer row's `outer`, as a subquery."""
    counted = (
        queryset.filter(**{field: OuterRef(outer)}).order_by().values(field).annotate(total=Count("*")).values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _educator_role(programme: Programme) -> Exists:
    return Exists(
        RoleAssignment.objects.current().filter(person=OuterRef("pk"), programme=programme, role=Role.EDUCATOR)
    )


def _search(people: QuerySet[Person], text: str) -> QuerySet[Person]:
    """Every word of `text` in a name (Cyrillic or Latin) or the e-mail address."""
    for word in text.split()[:5]:
        matches = Q()
        for name in NAME_FIELDS:
            matches |= Q(**{f"{name}__icontains": word})
        people = people.filter(matches)
    return people


def institution_staff(
    *, programme: Programme, institution: Institution, search: str = "", core: list[int] | None = None
) -> QuerySet[Person]:
    """The institution's registered educators of the programme, by name, each with `enrolled`,
    `completed`, `core_completed` (of the programme's core courses, `core` when the caller read
    them), `certified_at`, `attended` and `answered_at`: one query."""
    from erdem.credentials.models import Achievement, Credential
    from erdem.insights.models import SurveyResponse
    from erdem.insights.rollups import core_course_ids
    from erdem.workshops.models import Attendance, AttendanceStatus

    if core is None:
        core = core_course_ids(programme=programme)
    enrolments = Enrolment.objects.filter(course__programme=programme)
    completions = enrolments.filter(completed_at__isnull=False)
    certificates = Credential.objects.filter(
        person=OuterRef("pk"),
        achievement__programme=programme,
        achievement__kind=Achievement.Kind.MICRO_CERTIFICATE,
        status=Credential.Status.ACTIVE,
    )
    answers = (
        SurveyResponse.objects.filter(invitation__person=OuterRef("pk"), invitation__survey__programme=programme)
        .order_by()
        .values("invitation__person")
        .annotate(latest=Max("submitted_at"))
        .values("latest")
    )
    people = Person.objects.filter(institution=institution, email_confirmed_at__isnull=False).filter(
        _educator_role(programme)
    )
    if search:
        people = _search(people, search)
    return (
        people.only(
            "pk",
            "email",
            "family_name",
            "given_name",
            "family_name_latin",
            "given_name_latin",
            "discipline",
            "academic_position",
            "email_confirmed_at",
        )
        .annotate(
            enrolled=_count(enrolments),
            completed=_count(completions),
            core_completed=_count(completions.filter(course_id__in=core)) if core else Value(0),
            certified_at=Subquery(
                certificates.order_by().values("person").annotate(first=Min("awarded_at")).values("first")
            ),
            attended=_count(
                Attendance.objects.filter(
                    workshop__programme=programme, status__in=(AttendanceStatus.PRESENT, AttendanceStatus.LATE)
                )
            ),
            answered_at=Subquery(answers),
        )
        .order_by(mongolian_order("family_name"), mongolian_order("given_name"), "pk")
    )


def institution_invited_count(*, programme: Programme, institution: Institution) -> int:
    """People of the institution given the programme's educator role who have not registered yet."""
    return (
        Person.objects.filter(institution=institution, email_confirmed_at__isnull=True)
        .filter(_educator_role(programme))
        .count()
    )


def staff_header() -> list[str]:
    return [
        _("Name"),
        _("E-mail"),
        _("Discipline"),
        _("Academic position"),
        _("Registered"),
        _("Courses enrolled"),
        _("Courses completed"),
        _("Core courses completed"),
        _("Certified"),
        _("Workshops attended"),
        _("Follow-up survey answered"),
    ]


def _date(moment: Any) -> Any:
    return timezone.localtime(moment).date() if moment is not None else None


def staff_rows(people: QuerySet[Person]) -> Iterator[list[Any]]:
    """One row per person (as `staff_header` names the columns), read in chunks."""
    for person in people.iterator(chunk_size=ROWS_PER_CHUNK):
        yield [
            person.full_name,
            person.email,
            person.get_discipline_display(),
            person.get_academic_position_display(),
            _date(person.email_confirmed_at),
            person.enrolled,  # type: ignore[attr-defined]
            person.completed,  # type: ignore[attr-defined]
            person.core_completed,  # type: ignore[attr-defined]
            _date(person.certified_at),  # type: ignore[attr-defined]
            person.attended,  # type: ignore[attr-defined]
            _date(person.answered_at),  # type: ignore[attr-defined]
        ]


def search_text(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]


def staff_context(*, request: HttpRequest, programme: Programme, institution: Institution) -> dict[str, Any]:
    """What `insights/_staff_table.html` shows: a page of 50 staff (GET `page`), narrowed by the search
    box (GET `q`), the number of people invited but not registered, links to the files. Four or five
    queries whatever the number of staff."""
    from erdem.insights.rollups import core_course_ids

    search = search_text(request)
    core = core_course_ids(programme=programme)
    people = institution_staff(programme=programme, institution=institution, search=search, core=core)
    page: Page[Person] = Paginator(people, STAFF_PER_PAGE).get_page(request.GET.get("page"))
    query = f"?{urlencode({'q': search})}" if search else ""
    kept = [(name, value) for name, value in request.GET.items() if name not in ("q", "page")]
    return {
        "staff_institution": institution,
        "staff_page": page,
        "staff_search": search,
        "staff_kept_params": kept,
        "staff_invited": institution_invited_count(programme=programme, institution=institution),
        "staff_core_count": len(core),
        "staff_csv_url": reverse("insights:staff_export", args=[institution.pk, "csv"]) + query,
        "staff_xlsx_url": reverse("insights:staff_export", args=[institution.pk, "xlsx"]) + query,
    }


# --- a trainer's cohorts ------------------------------------------------------------------------------------

MEMBERS_SHOWN = 100  # per cohort on the trainer's page; the cohort's progress page and the file hold all


@dataclass
class TrainerCohort:
    """One cohort the person trains: its figures and the first members by name."""

    cohort: Cohort
    course_title: str
    members: int
    started: int
    completed: int
    certified: int
    attended: int
    workshops: int
    rated: int
    rated_high: int
    member_rows: list[Enrolment] = field(default_factory=list)

    @property
    def rated_high_share(self) -> Cell:
        return share_cell(self.rated_high, self.rated, suppress=False)

    @property
    def more_members(self) -> int:
        return self.members - len(self.member_rows)


def _attended(status_field: str = "status") -> dict[str, Any]:
    from erdem.workshops.models import AttendanceStatus

    return {f"{status_field}__in": (AttendanceStatus.PRESENT, AttendanceStatus.LATE)}


def _certificates(programme_ref: Any) -> QuerySet[Any]:
    from erdem.credentials.models import Achievement, Credential

    return Credential.objects.filter(
        person=OuterRef("person_id"),
        achievement__programme=programme_ref,
        achievement__kind=Achievement.Kind.MICRO_CERTIFICATE,
        status=Credential.Status.ACTIVE,
    )


def cohort_members(*, cohort_ids: list[int]) -> QuerySet[Enrolment]:
    """The members of these cohorts by cohort and name, each with `lesson_count`, `certified_at`,
    `attended` (present or late at the cohort's workshops) and `rating` (their course rating): one query."""
    from erdem.learning.models import CourseFeedback, LessonProgress
    from erdem.workshops.models import Attendance

    first_certificate = (
        _certificates(OuterRef("cohort__programme_id"))
        .order_by()
        .values("person")
        .annotate(first=Min("awarded_at"))
        .values("first")
    )
    attendance = Attendance.objects.filter(workshop__cohort=OuterRef("cohort_id"), **_attended())
    return (
        Enrolment.objects.filter(cohort_id__in=cohort_ids)
        .select_related("person")
        .only(
            "pk",
            "cohort_id",
            "course_id",
            "enrolled_at",
            "completed_at",
            "person__id",
            "person__family_name",
            "person__given_name",
            "person__email",
        )
        .annotate(
            lesson_count=_count(LessonProgress.objects.all(), "enrolment"),
            certified_at=Subquery(first_certificate),
            attended=_count(attendance, "person", "person_id"),
            rating=Subquery(CourseFeedback.objects.filter(enrolment=OuterRef("pk")).values("rating")[:1]),
        )
        .order_by("cohort_id", mongolian_order("person__family_name"), mongolian_order("person__given_name"), "pk")
    )


def trainer_cohorts(*, person: Any, language: str) -> list[TrainerCohort]:
    """The cohorts `person` trains (and may follow), newest first, with their figures and the first
    MEMBERS_SHOWN members of each by name: four queries whatever the number of cohorts and members."""
    from erdem.access.policy import Action, can
    from erdem.catalog.models import CourseTranslation, TranslationStatus
    from erdem.catalog.translations import translation_pick
    from erdem.learning.models import CourseFeedback, LessonProgress
    from erdem.learning.selectors import cohorts_trained_by
    from erdem.workshops.models import Attendance, Workshop

    members = Enrolment.objects.all()
    attended_one = Exists(
        Attendance.objects.filter(person=OuterRef("person_id"), workshop__cohort=OuterRef("cohort_id"), **_attended())
    )
    cohorts = (
        cohorts_trained_by(person=person)
        .select_related("course", "institution")
        .prefetch_related(
            "trainers",
            Prefetch(
                "course__translations",
                queryset=CourseTranslation.objects.filter(status=TranslationStatus.PUBLISHED),
            ),
        )
        .annotate(
            member_count=_count(members, "cohort"),
            started=_count(members.filter(Exists(LessonProgress.objects.filter(enrolment=OuterRef("pk")))), "cohort"),
            completed=_count(members.filter(completed_at__isnull=False), "cohort"),
            certified=_count(members.filter(Exists(_certificates(OuterRef(OuterRef("programme_id"))))), "cohort"),
            attended=_count(members.filter(attended_one), "cohort"),
            workshop_count=_count(Workshop.objects.all(), "cohort"),
            rated=_count(CourseFeedback.objects.all(), "enrolment__cohort"),
            rated_high=_count(CourseFeedback.objects.filter(rating__gte=4), "enrolment__cohort"),
        )
    )
    shown = [cohort for cohort in cohorts if can(person, Action.COHORT_PROGRESS_VIEW, cohort)]
    rows: dict[int, list[Enrolment]] = {cohort.pk: [] for cohort in shown}
    if shown:
        ranked = cohort_members(cohort_ids=list(rows)).annotate(
            position=Window(
                RowNumber(),
                partition_by=F("cohort_id"),
                order_by=[
                    mongolian_order("person__family_name"),
                    mongolian_order("person__given_name"),
                    F("pk").asc(),
                ],
            )
        )
        for enrolment in ranked.filter(position__lte=MEMBERS_SHOWN):
            rows[enrolment.cohort_id].append(enrolment)  # type: ignore[index]
    result = []
    for cohort in shown:
        picked = translation_pick(cohort.course.translations.all(), language=language)
        result.append(
            TrainerCohort(
                cohort=cohort,
                course_title=picked.translation.title if picked else cohort.course.code,
                members=cohort.member_count,
                started=cohort.started,
                completed=cohort.completed,
                certified=cohort.certified,
                attended=cohort.attended,
                workshops=cohort.workshop_count,
                rated=cohort.rated,
                rated_high=cohort.rated_high,
                member_rows=rows[cohort.pk],
            )
        )
    return result


def member_header() -> list[str]:
    return [
        _("Cohort"),
        _("Name"),
        _("E-mail"),
        _("Enrolled"),
        _("Lessons done"),
        _("Completed the course"),
        _("Certified"),
        _("Workshops attended"),
        _("Rating of the course"),
    ]


def member_rows(members: QuerySet[Enrolment], *, cohort_names: dict[int, str]) -> Iterator[list[Any]]:
    """One row per member (as `member_header` names the columns), read in chunks."""
    for enrolment in members.iterator(chunk_size=ROWS_PER_CHUNK):
        yield [
            cohort_names.get(enrolment.cohort_id or 0, ""),
            enrolment.person.full_name,
            enrolment.person.email,
            _date(enrolment.enrolled_at),
            enrolment.lesson_count,  # type: ignore[attr-defined]
            _date(enrolment.completed_at),
            _date(enrolment.certified_at),  # type: ignore[attr-defined]
            enrolment.attended,  # type: ignore[attr-defined]
            enrolment.rating,  # type: ignore[attr-defined]
        ]
