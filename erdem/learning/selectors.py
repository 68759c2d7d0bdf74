"""Reads behind "My courses", the home page's "continue" block, the progress shown on the
course and lesson pages, a cohort's progress for its trainers, and the course feedback figures.

Each runs a fixed number of queries whatever the number of lessons, enrolments or members:
counts are correlated subqueries, lessons done are read as (enrolment, lesson) pairs.
"""

from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower

from erdem.catalog.models import Course, CourseTranslation, Lesson, LessonTranslation, TranslationStatus
from erdem.catalog.selectors import Text
from erdem.catalog.translations import translation_pick
from erdem.learning.completion import ActivityProgress, enrolment_progress, enrolments_progress
from erdem.learning.models import Cohort, CourseFeedback, Enrolment, LessonProgress
from erdem.people.models import Person

PUBLISHED = TranslationStatus.PUBLISHED


def _published_lesson_filter(lesson_ref: str = "pk") -> Exists:
    return Exists(LessonTranslation.objects.filter(lesson=OuterRef(lesson_ref), status=PUBLISHED))


def _subquery_count(queryset: QuerySet[Any], group_by: str) -> Coalesce:
    counted = queryset.order_by().values(group_by).annotate(total=Count("*")).values("total")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _with_counts(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Annotate `done` (published lessons marked done) and `total` (published lessons of the course)."""
    done = LessonProgress.objects.filter(enrolment=OuterRef("pk")).filter(_published_lesson_filter("lesson_id"))
    total = (
        Lesson.objects.filter(module__course=OuterRef("course_id"))
        .filter(_published_lesson_filter())
        .annotate(course_key=F("module__course_id"))
    )
    return enrolments.annotate(done=_subquery_count(done, "enrolment_id"), total=_subquery_count(total, "course_key"))


def _course_title(course: Course, language: str) -> Text:
    picked = translation_pick(course.translations.all(), language=language)
    if picked is None:
        return Text(course.code, language)
    return Text(picked.translation.title, picked.language_code, picked.fell_back)


def course_title(*, course: Course, language: str) -> Text:
    """The course's title in `language`, else in the other language, else its code. One query."""
    translations = CourseTranslation.objects.filter(course=course, status=PUBLISHED)
    picked = translation_pick(translations, language=language)
    if picked is None:
        return Text(course.code, language)
    return Text(picked.translation.title, picked.language_code, picked.fell_back)


def _lesson_title(lesson: Lesson, language: str) -> Text | None:
    picked = translation_pick(lesson.translations.all(), language=language)
    if picked is None:
        return None
    return Text(picked.translation.title, picked.language_code, picked.fell_back)


def _beyond_lessons(activities: list[ActivityProgress]) -> list[ActivityProgress]:
    """The kinds of activity to show next to the lessons' progress bar: those with something to do."""
    return [activity for activity in activities if activity.required and activity.kind != "lessons"]


def _percent(done: int, total: int) -> int:
    return round(done * 100 / total) if total else 0


@dataclass
class EnrolmentRow:
    """One course on "My courses": how far the person got and where to go on."""

    enrolment: Enrolment
    title: Text
    done: int
    total: int
    continue_lesson_id: int | None
    activities: list[ActivityProgress] = field(default_factory=list)
    feedback_given: bool = False

    @property
    def course(self) -> Course:
        return self.enrolment.course

    @property
    def percent(self) -> int:
        return _percent(self.done, self.total)

    @property
    def is_complete(self) -> bool:
        return self.enrolment.completed_at is not None

    @property
    def other_activities(self) -> list[ActivityProgress]:
        return _beyond_lessons(self.activities)


def enrolments_of(
    *, person: Person, language: str, limit: int | None = None, with_activities: bool = True
) -> list[EnrolmentRow]:
    """The person's enrolments, most recently visited (else enrolled) first, with their progress
    and the lesson to continue with: the last one visited, else the course's first lesson, and the
    progress per activity (unless `with_activities` is false). Three queries and one per completion rule."""
    enrolments = (
        _with_counts(Enrolment.objects.filter(person_id=person.pk))
        .annotate(feedback_given=Exists(CourseFeedback.objects.filter(enrolment=OuterRef("pk"))))
        .select_related("course")
        .prefetch_related(Prefetch("course__translations", queryset=CourseTranslation.objects.filter(status=PUBLISHED)))
        .order_by(F("last_visited_at").desc(nulls_last=True), "-enrolled_at", "pk")
    )
    rows = list(enrolments[:limit] if limit else enrolments)
    starting = [row.course_id for row in rows if row.last_lesson_id is None]
    first_lessons: dict[int, int] = {}
    if starting:
        ordered = (
            Lesson.objects.filter(module__course_id__in=starting)
            .filter(_published_lesson_filter())
            .order_by("module__course_id", "module__position", "position")
            .values_list("module__course_id", "pk")
        )
        for course_id, lesson_id in ordered:
            first_lessons.setdefault(course_id, lesson_id)
    activities = enrolments_progress(rows) if with_activities else {}
    return [
        EnrolmentRow(
            enrolment=enrolment,
            title=_course_title(enrolment.course, language),
            done=enrolment.done,  # type: ignore[attr-defined]
            total=enrolment.total,  # type: ignore[attr-defined]
            continue_lesson_id=enrolment.last_lesson_id or first_lessons.get(enrolment.course_id),
            activities=activities.get(enrolment.pk, []),
            feedback_given=enrolment.feedback_given,
        )
        for enrolment in rows
    ]


def enrolment_latest(*, person: Person, language: str) -> EnrolmentRow | None:
    """The enrolment the person last worked in, for the home page's "continue" block."""
    rows = enrolments_of(person=person, language=language, limit=1, with_activities=False)
    return rows[0] if rows else None


@dataclass
class CourseProgress:
    """The signed-in person's progress in one course, for the course page."""

    enrolment: Enrolment | None
    done_lesson_ids: set[int] = field(default_factory=set)
    total: int = 0
    activities: list[ActivityProgress] = field(default_factory=list)
    feedback: CourseFeedback | None = None

    @property
    def done(self) -> int:
        return len(self.done_lesson_ids)

    @property
    def percent(self) -> int:
        return _percent(self.done, self.total)

    @property
    def other_activities(self) -> list[ActivityProgress]:
        return _beyond_lessons(self.activities)


def course_progress(*, person: Any, course: Course, lesson_ids: list[int]) -> CourseProgress:
    """How far `person` got in `course`, counting only `lesson_ids` (the lessons the page shows), with the
    progress per activity and any feedback given. Two queries and one per completion rule when enrolled,
    one otherwise, none for anonymous visitors."""
    if not person.is_authenticated:
        return CourseProgress(enrolment=None, total=len(lesson_ids))
    enrolment = Enrolment.objects.filter(person_id=person.pk, course=course).select_related("feedback").first()
    if enrolment is None:
        return CourseProgress(enrolment=None, total=len(lesson_ids))
    done = set(
        LessonProgress.objects.filter(enrolment=enrolment, lesson_id__in=lesson_ids).values_list("lesson_id", flat=True)
    )
    return CourseProgress(
        enrolment=enrolment,
        done_lesson_ids=done,
        total=len(lesson_ids),
        activities=enrolment_progress(enrolment),
        feedback=getattr(enrolment, "feedback", None),
    )


@dataclass(frozen=True)
class LessonState:
    enrolment: Enrolment | None
    lesson_done: bool = False


def lesson_state(*, person: Any, lesson: Lesson, course_id: int) -> LessonState:
    """Whether `person` is enrolled in the lesson's course and has marked the lesson done; one query."""
    if not person.is_authenticated:
        return LessonState(enrolment=None)
    enrolment = (
        Enrolment.objects.filter(person_id=person.pk, course_id=course_id)
        .annotate(lesson_done=Exists(LessonProgress.objects.filter(enrolment=OuterRef("pk"), lesson=lesson)))
        .first()
    )
    if enrolment is None:
        return LessonState(enrolment=None)
    return LessonState(enrolment=enrolment, lesson_done=enrolment.lesson_done)


def cohort_for_view(*, cohort_id: int) -> Cohort | None:
    """The cohort with what the permission check reads (its trainers) and its course's titles; three queries."""
    return (
        Cohort.objects.select_related("course", "institution", "programme")
        .prefetch_related(
            "trainers",
            Prefetch("course__translations", queryset=CourseTranslation.objects.filter(status=PUBLISHED)),
        )
        .filter(pk=cohort_id)
        .first()
    )


@dataclass
class MemberProgress:
    person: Person
    enrolment: Enrolment
    done_lesson_ids: set[int]
    total: int
    activities: list[ActivityProgress] = field(default_factory=list)
    shown: list[ActivityProgress] = field(default_factory=list)  # the kinds some member has to do

    @property
    def done(self) -> int:
        return len(self.done_lesson_ids)

    @property
    def percent(self) -> int:
        return _percent(self.done, self.total)


@dataclass
class LessonColumn:
    lesson: Lesson
    title: Text
    number: str  # "2.3": module and lesson position


@dataclass
class CohortProgress:
    cohort: Cohort
    course_title: Text
    lessons: list[LessonColumn]
    members: list[MemberProgress]

    @property
    def completed(self) -> int:
        return sum(1 for member in self.members if member.enrolment.completed_at is not None)

    @property
    def activity_labels(self) -> list[Any]:
        """The column headings of the per-activity progress: the kinds some member has to do."""
        return [activity.label for activity in self.members[0].shown] if self.members else []


def cohort_progress(*, cohort: Cohort, language: str) -> CohortProgress:
    """Members × published lessons done, their progress per activity and who completed; four queries and
    one per completion rule whatever the size."""
    lessons = list(
        Lesson.objects.filter(module__course_id=cohort.course_id)
        .filter(_published_lesson_filter())
        .select_related("module")
        .prefetch_related(
            Prefetch(
                "translations",
                queryset=LessonTranslation.objects.filter(status=PUBLISHED).only(
                    "lesson_id", "language_code", "status", "title"
                ),
            )
        )
        .order_by("module__position", "position")
    )
    columns = [
        LessonColumn(
            lesson=lesson,
            title=_lesson_title(lesson, language) or Text(str(lesson.pk), language),
            number=f"{lesson.module.position}.{lesson.position}",
        )
        for lesson in lessons
    ]
    lesson_ids = {lesson.pk for lesson in lessons}
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .select_related("person")
        .only(
            "pk",
            "course_id",
            "cohort_id",
            "person_id",
            "completed_at",
            "enrolled_at",
            "person__id",
            "person__family_name",
            "person__given_name",
            "person__email",
        )
        .order_by("person__family_name", "person__given_name", "pk")
    )
    done: dict[int, set[int]] = {enrolment.pk: set() for enrolment in enrolments}
    for enrolment_id, lesson_id in LessonProgress.objects.filter(enrolment__cohort=cohort).values_list(
        "enrolment_id", "lesson_id"
    ):
        if lesson_id in lesson_ids:
            done[enrolment_id].add(lesson_id)
    activities = enrolments_progress(enrolments)
    # A kind of activity none of the members has to do (no quiz in the course, no workshop for the
    # cohort) gets no column.
    kinds = {activity.kind for rows in activities.values() for activity in rows if activity.required}
    members = [
        MemberProgress(
            person=e.person,
            enrolment=e,
            done_lesson_ids=done[e.pk],
            total=len(lessons),
            activities=activities[e.pk],
            shown=[activity for activity in activities[e.pk] if activity.kind in kinds],
        )
        for e in enrolments
    ]
    return CohortProgress(
        cohort=cohort, course_title=_course_title(cohort.course, language), lessons=columns, members=members
    )


def cohorts_trained_by(*, person: Any) -> QuerySet[Cohort]:
    """The cohorts `person` trains, newest first."""
    if not person.is_authenticated:
        return Cohort.objects.none()
    return Cohort.objects.filter(trainers=person).order_by("-created_at", "pk")


@dataclass
class CohortRow:
    """One cohort on the list of cohorts."""

    cohort: Cohort
    course_title: Text
    members: int
    may_manage: bool


def cohorts_listed_for(*, person: Any, language: str) -> list[CohortRow]:
    """The cohorts `person` follows, newest first: every cohort of the programmes they run as national
    admin, those of the institutions they coordinate (in that programme), and those they train. Four
    queries whatever the number of cohorts (the grants are read once per request)."""
    from erdem.access.models import Role
    from erdem.access.policy import Action, can, grants_for

    if not person.is_authenticated:
        return []
    grants = grants_for(person)
    cohorts = Cohort.objects.all()
    if not person.is_superuser:
        scope = Q(trainers=person) | Q(programme_id__in=grants.programme_ids(Role.NATIONAL_ADMIN))
        for grant in grants.grants:
            if grant.role == Role.COORDINATOR and grant.institution_id is not None:
                scope |= Q(programme_id=grant.programme_id, institution_id=grant.institution_id)
        cohorts = cohorts.filter(pk__in=Cohort.objects.filter(scope).values("pk"))
    members = _subquery_count(Enrolment.objects.filter(cohort=OuterRef("pk")), "cohort_id")
    rows = (
        cohorts.annotate(member_count=members)
        .select_related("course", "institution")
        .prefetch_related(Prefetch("course__translations", queryset=CourseTranslation.objects.filter(status=PUBLISHED)))
        .order_by("-created_at", "-pk")
    )
    return [
        CohortRow(
            cohort=cohort,
            course_title=_course_title(cohort.course, language),
            members=cohort.member_count,
            may_manage=can(person, Action.COHORT_MANAGE, cohort),
        )
        for cohort in rows
    ]


def cohort_course_choices(*, programme_id: int, language: str) -> tuple[QuerySet[Course], dict[int, str]]:
    """The programme's published courses (a cohort takes one) and their titles in `language`. Two queries."""
    courses = (
        Course.objects.filter(programme_id=programme_id, status=Course.Status.PUBLISHED)
        .prefetch_related(Prefetch("translations", queryset=CourseTranslation.objects.filter(status=PUBLISHED)))
        .order_by("code")
    )
    return courses, {course.pk: _course_title(course, language).value for course in courses}


COHORT_TRAINER_ROLES = ("trainer", "master_teacher", "mentor")


@dataclass
class TrainerCandidate:
    person: Person
    roles: list[str]  # the roles' labels, in COHORT_TRAINER_ROLES order


def cohort_trainer_candidates(
    *, programme_id: int, first_institution_ids: set[int] | None = None
) -> list[tuple[str, list[TrainerCandidate]]]:
    """Whom a cohort of the programme may be followed by: the active people holding a trainer, master
    teacher or mentor role in it now, grouped by the institution they work at (those of
    `first_institution_ids` first, then by name; those at none last), each with their roles. Two queries."""
    from erdem.access.models import Role, RoleAssignment

    held: dict[int, set[str]] = {}
    for person_id, role in (
        RoleAssignment.objects.current()
        .filter(programme_id=programme_id, role__in=COHORT_TRAINER_ROLES)
        .values_list("person_id", "role")
    ):
        held.setdefault(person_id, set()).add(role)
    people = (
        Person.objects.filter(pk__in=held, is_active=True)
        .select_related("institution")
        .order_by("family_name", "given_name", "pk")
    )
    labels = dict(Role.choices)
    groups: dict[int | None, tuple[str, list[TrainerCandidate]]] = {}
    for person in people:
        institution = person.institution
        key = institution.pk if institution is not None else None
        label = str(institution.name) if institution is not None else ""
        groups.setdefault(key, (label, []))[1].append(
            TrainerCandidate(
                person=person, roles=[str(labels[role]) for role in COHORT_TRAINER_ROLES if role in held[person.pk]]
            )
        )
    first = first_institution_ids or set()
    named = sorted(
        ((key, group) for key, group in groups.items() if key is not None),
        key=lambda item: (item[0] not in first, item[1][0]),
    )
    return [group for _key, group in named] + ([groups[None]] if None in groups else [])


def cohort_members_candidates(*, cohort: Cohort) -> list[Person]:
    """The educators of the cohort's programme working at its institution and not yet enrolled in its
    course, by name: whom a trainer may pick on the cohort's enrolment page. One query; none without an
    institution."""
    if cohort.institution_id is None:
        return []
    from erdem.access.models import Role, RoleAssignment

    educators = RoleAssignment.objects.current().filter(
        programme_id=cohort.programme_id, role=Role.EDUCATOR, person_id=OuterRef("pk")
    )
    enrolled = Enrolment.objects.filter(course_id=cohort.course_id, person_id=OuterRef("pk"))
    return list(
        Person.objects.filter(institution_id=cohort.institution_id, is_active=True)
        .filter(Exists(educators))
        .exclude(Exists(enrolled))
        .order_by("family_name", "given_name", "pk")
        .only("pk", "family_name", "given_name", "email")
    )


def educators_by_email(*, cohort: Cohort, emails: list[str]) -> tuple[list[Person], list[str]]:
    """Of `emails`, the active educators of the cohort's programme they belong to, and the addresses that
    belong to none (in the order given). Case-insensitive; one query."""
    from erdem.access.models import Role, RoleAssignment

    educators = RoleAssignment.objects.current().filter(
        programme_id=cohort.programme_id, role=Role.EDUCATOR, person_id=OuterRef("pk")
    )
    wanted = {email.lower() for email in emails}
    found = list(
        Person.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=wanted, is_active=True)
        .filter(Exists(educators))
        .order_by("pk")
    )
    known = {person.email.lower() for person in found}
    unknown = list(dict.fromkeys(email for email in emails if email.lower() not in known))
    return cast(list[Person], found), unknown


# --- course feedback ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RatedHighly:
    """How many answers rated the course 4 or 5 (`high`) of all answers (`count`)."""

    high: int
    count: int

    @property
    def share(self) -> float | None:
        return self.high / self.count if self.count else None

    @property
    def percent(self) -> int | None:
        return round(self.high * 100 / self.count) if self.count else None


HIGH_RATING = 4


def _feedback(programme_id: int | None, course_ids: list[int] | None) -> QuerySet[CourseFeedback]:
    feedback = CourseFeedback.objects.all()
    if programme_id is not None:
        feedback = feedback.filter(enrolment__course__programme_id=programme_id)
    if course_ids is not None:
        feedback = feedback.filter(enrolment__course_id__in=course_ids)
    return feedback


def feedback_rated_highly(*, programme_id: int | None = None, course_ids: list[int] | None = None) -> RatedHighly:
    """The "rated highly" figure over every answer (of a programme's courses, or of `course_ids`). One query."""
    counts = (
        _feedback(programme_id, course_ids)
        .order_by()
        .aggregate(count=Count("pk"), high=Count("pk", filter=Q(rating__gte=HIGH_RATING)))
    )
    return RatedHighly(high=counts["high"], count=counts["count"])


def feedback_rated_highly_by_course(
    *, programme_id: int | None = None, course_ids: list[int] | None = None
) -> dict[int, RatedHighly]:
    """The "rated highly" figure per course (courses without answers are left out). One query."""
    rows = (
        _feedback(programme_id, course_ids)
        .order_by()
        .values("enrolment__course_id")
        .annotate(count=Count("pk"), high=Count("pk", filter=Q(rating__gte=HIGH_RATING)))
        .values_list("enrolment__course_id", "high", "count")
    )
    return {course_id: RatedHighly(high=high, count=count) for course_id, high, count in rows}
