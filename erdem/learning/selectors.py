"""Reads behind "My courses", the home page's "continue" block, the progress shown on the
course and lesson pages, and a cohort's progress for its trainers.

Each runs a fixed number of queries whatever the number of lessons, enrolments or members:
counts are correlated subqueries, lessons done are read as (enrolment, lesson) pairs.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from erdem.catalog.models import Course, CourseTranslation, Lesson, LessonTranslation, TranslationStatus
from erdem.catalog.selectors import Text
from erdem.catalog.translations import translation_pick
from erdem.learning.models import Cohort, Enrolment, LessonProgress
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


def _lesson_title(lesson: Lesson, language: str) -> Text | None:
    picked = translation_pick(lesson.translations.all(), language=language)
    if picked is None:
        return None
    return Text(picked.translation.title, picked.language_code, picked.fell_back)


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

    @property
    def course(self) -> Course:
        return self.enrolment.course

    @property
    def percent(self) -> int:
        return _percent(self.done, self.total)

    @property
    def is_complete(self) -> bool:
        return self.enrolment.completed_at is not None


def enrolments_of(*, person: Person, language: str, limit: int | None = None) -> list[EnrolmentRow]:
    """The person's enrolments, most recently visited (else enrolled) first, with their progress
    and the lesson to continue with: the last one visited, else the course's first lesson.
    Three queries."""
    enrolments = (
        _with_counts(Enrolment.objects.filter(person_id=person.pk))
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
    return [
        EnrolmentRow(
            enrolment=enrolment,
            title=_course_title(enrolment.course, language),
            done=enrolment.done,  # type: ignore[attr-defined]
            total=enrolment.total,  # type: ignore[attr-defined]
            continue_lesson_id=enrolment.last_lesson_id or first_lessons.get(enrolment.course_id),
        )
        for enrolment in rows
    ]


def enrolment_latest(*, person: Person, language: str) -> EnrolmentRow | None:
    """The enrolment the person last worked in, for the home page's "continue" block."""
    rows = enrolments_of(person=person, language=language, limit=1)
    return rows[0] if rows else None


@dataclass
class CourseProgress:
    """The signed-in person's progress in one course, for the course page."""

    enrolment: Enrolment | None
    done_lesson_ids: set[int] = field(default_factory=set)
    total: int = 0

    @property
    def done(self) -> int:
        return len(self.done_lesson_ids)

    @property
    def percent(self) -> int:
        return _percent(self.done, self.total)


def course_progress(*, person: Any, course: Course, lesson_ids: list[int]) -> CourseProgress:
    """How far `person` got in `course`, counting only `lesson_ids` (the lessons the page shows).
    Two queries when enrolled, one otherwise, none for anonymous visitors."""
    if not person.is_authenticated:
        return CourseProgress(enrolment=None, total=len(lesson_ids))
    enrolment = Enrolment.objects.filter(person_id=person.pk, course=course).first()
    if enrolment is None:
        return CourseProgress(enrolment=None, total=len(lesson_ids))
    done = set(
        LessonProgress.objects.filter(enrolment=enrolment, lesson_id__in=lesson_ids).values_list("lesson_id", flat=True)
    )
    return CourseProgress(enrolment=enrolment, done_lesson_ids=done, total=len(lesson_ids))


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
        Cohort.objects.select_related("course", "institution")
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


def cohort_progress(*, cohort: Cohort, language: str) -> CohortProgress:
    """Members × published lessons done, and who completed; four queries whatever the size."""
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
    members = [
        MemberProgress(person=e.person, enrolment=e, done_lesson_ids=done[e.pk], total=len(lessons)) for e in enrolments
    ]
    return CohortProgress(
        cohort=cohort, course_title=_course_title(cohort.course, language), lessons=columns, members=members
    )


def cohorts_trained_by(*, person: Any) -> QuerySet[Cohort]:
    """The cohorts `person` trains, newest first."""
    if not person.is_authenticated:
        return Cohort.objects.none()
    return Cohort.objects.filter(trainers=person).order_by("-created_at", "pk")
