"""Reads behind the assignment, review-queue and review pages, the scope of each reviewer, and
the completion rule's question.

Each page runs a fixed number of queries whatever the number of criteria, submissions or files:
one per table, published translations prefetched. Who may review what is decided once, in
`submissions_reviewable_by()`, which mirrors Action.SUBMISSION_REVIEW of erdem.access.policy;
pages reach a submission only through it (or through the learner's own), so another id is a 404.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from erdem.access.models import Role
from erdem.access.policy import grants_for
from erdem.assignments.models import (
    Assignment,
    AssignmentTranslation,
    Criterion,
    CriterionScore,
    CriterionTranslation,
    Level,
    LevelTranslation,
    Review,
    Submission,
    SubmissionFile,
)
from erdem.catalog.models import Course, CourseTranslation, LessonTranslation
from erdem.catalog.rendering import markdown_render
from erdem.catalog.selectors import Text, course_readable, published_translations
from erdem.catalog.translations import translation_pick
from erdem.core.uploads import allowed_description
from erdem.learning.models import Cohort, Enrolment

FALLBACK_NOTES = {
    "mn": gettext_lazy("This task is not yet published in Mongolian; you are reading the English version."),
    "en": gettext_lazy("This task is not yet published in English; you are reading the Mongolian version."),
}
COURSE = "assignment__lesson__module__course"
PROGRESS_LABEL = gettext_lazy("Practical tasks approved")  # the completion rule's, in erdem.learning.completion


# --- for the completion rule (erdem.learning.completion) ------------------------------------------------------


def course_assignments_progress(person: Any, course: Course | int) -> tuple[int, int]:
    """(required assignments approved, required assignments) for `person` (or their id) in `course`
    (or its id), counting assignments on lessons a reader can open. One query."""
    approved = Submission.objects.filter(assignment=OuterRef("pk"), person=person, status=Submission.Status.APPROVED)
    readable = Exists(published_translations(LessonTranslation).filter(lesson=OuterRef("lesson_id")))
    counts = (
        Assignment.objects.filter(lesson__module__course=course, required=True)
        .filter(readable)
        .order_by()
        .aggregate(total=Count("pk"), approved=Count("pk", filter=Exists(approved)))
    )
    return counts["approved"], counts["total"]


# --- who reviews what ----------------------------------------------------------------------------------------


def submissions_reviewable_by(person: Any) -> QuerySet[Submission]:
    """The submissions `person` may review (Action.SUBMISSION_REVIEW), never their own: those in the
    programmes they run as national admin, those of learners their mentor scope covers, and those of
    learners in the cohorts they train, for the cohort's course."""
    submissions = Submission.objects.all()
    if person is None or not person.is_authenticated or not person.is_active:
        return submissions.none()
    if person.is_superuser:
        return submissions.exclude(person_id=person.pk)
    grants = grants_for(person)
    scope = Q(pk__in=[])
    admin_programmes = grants.programme_ids(Role.NATIONAL_ADMIN)
    if admin_programmes:
        scope |= Q(**{f"{COURSE}__programme_id__in": admin_programmes})
    for grant in grants.grants:
        if grant.role != Role.MENTOR:
            continue
        covered = Q(**{f"{COURSE}__programme_id": grant.programme_id})
        if grant.institution_id is not None:
            covered &= Q(person__institution_id=grant.institution_id)
        if grant.region_id is not None:
            covered &= Q(person__institution__region_id=grant.region_id)
        scope |= covered
    trained = Enrolment.objects.filter(person_id=OuterRef("person_id"), course_id=OuterRef(f"{COURSE}_id"))
    scope |= Q(Exists(trained.filter(cohort__trainers=person)))
    mentor_programmes = grants.programme_ids(Role.MENTOR)
    if mentor_programmes:
        # The learner's own mentor, wherever the mentor's scope lies (as Action.SUBMISSION_REVIEW allows).
        from erdem.cascade.models import MentorAssignment

        mentored = MentorAssignment.objects.filter(
            mentor_id=person.pk,
            mentee_id=OuterRef("person_id"),
            programme_id=OuterRef(f"{COURSE}__programme_id"),
            programme_id__in=mentor_programmes,
            ended_at__isnull=True,
        )
        scope |= Q(Exists(mentored))
    return submissions.filter(scope).exclude(person_id=person.pk)


def _with_policy_facts(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    """What Action.SUBMISSION_VIEW / REVIEW read, loaded with the submission (see `_policy_facts_set`)."""
    return submissions.select_related("person__institution", "assignment__lesson__module__course")


def _policy_facts_set(submission: Submission) -> None:
    """Fill the two facts the access policy reads from what `_with_policy_facts` loaded and one query."""
    course = submission.assignment.lesson.module.course
    submission.programme_id = course.programme_id
    submission.cohort_trainer_ids = frozenset(
        Cohort.trainers.through.objects.filter(
            cohort__enrolments__person_id=submission.person_id, cohort__enrolments__course_id=course.pk
        ).values_list("person_id", flat=True)
    )


# --- texts -----------------------------------------------------------------------------------------------


def _text(translations: Any, language: str, attribute: str) -> Text:
    picked = translation_pick(translations, language=language)
    if picked is None:
        return Text("", language)
    return Text(getattr(picked.translation, attribute), picked.language_code, picked.fell_back)


def _course_title(course: Course, language: str) -> Text:
    title = _text(course.translations.all(), language, "title")
    return title if title.value else Text(course.code, language)


@dataclass
class LevelCell:
    level: Level
    name: Text
    descriptor: Text
    points: int


@dataclass
class RubricRow:
    criterion: Criterion
    name: Text
    description: Text
    levels: list[LevelCell]

    @property
    def max_points(self) -> int:
        return self.criterion.weight * max((cell.points for cell in self.levels), default=0)


@dataclass
class Rubric:
    rows: list[RubricRow]

    @property
    def max_points(self) -> int:
        return sum(row.max_points for row in self.rows)

    @property
    def column_count(self) -> int:
        return max((len(row.levels) for row in self.rows), default=0)


def _rubric(assignment_id: int, language: str) -> Rubric:
    """Two queries per table: criteria and levels, each with its published translations."""
    criteria = Criterion.objects.filter(assignment_id=assignment_id).prefetch_related(
        Prefetch("translations", queryset=published_translations(CriterionTranslation)),
        Prefetch(
            "levels",
            queryset=Level.objects.order_by("position").prefetch_related(
                Prefetch("translations", queryset=published_translations(LevelTranslation))
            ),
        ),
    )
    rows = []
    for criterion in criteria.order_by("position"):
        cells = [
            LevelCell(
                level=level,
                name=_text(level.translations.all(), language, "name"),
                descriptor=_text(level.translations.all(), language, "descriptor"),
                points=level.points,
            )
            for level in criterion.levels.all()
        ]
        rows.append(
            RubricRow(
                criterion=criterion,
                name=_text(criterion.translations.all(), language, "name"),
                description=_text(criterion.translations.all(), language, "description"),
                levels=cells,
            )
        )
    return Rubric(rows)


@dataclass
class AssignmentHeader:
    assignment: Assignment
    course: Course
    course_title: Text
    lesson_title: Text
    title: Text
    instructions: SafeString
    instructions_language: str
    fallback_note: str

    @property
    def allowed_kinds(self) -> str:
        return allowed_description(self.assignment.allowed_kinds)


def _assignments() -> QuerySet[Assignment]:
    return Assignment.objects.select_related("lesson__module__course").prefetch_related(
        Prefetch("translations", queryset=published_translations(AssignmentTranslation)),
        Prefetch(
            "lesson__translations",
            queryset=published_translations(LessonTranslation, "lesson_id", "language_code", "status", "title"),
        ),
        Prefetch("lesson__module__course__translations", queryset=published_translations(CourseTranslation)),
    )


def _header(assignment: Assignment, language: str) -> AssignmentHeader | None:
    picked = translation_pick(assignment.translations.all(), language=language)
    if picked is None:
        return None
    course = assignment.lesson.module.course
    note = FALLBACK_NOTES.get(language, "") if picked.fell_back else ""
    return AssignmentHeader(
        assignment=assignment,
        course=course,
        course_title=_course_title(course, language),
        lesson_title=_text(assignment.lesson.translations.all(), language, "title"),
        title=Text(picked.translation.title, picked.language_code, picked.fell_back),
        instructions=markdown_render(picked.translation.instructions),
        instructions_language=picked.language_code,
        fallback_note=str(note),
    )


# --- submissions with their feedback ---------------------------------------------------------------------------


@dataclass
class ScoreView:
    criterion_name: Text
    level_name: Text
    points: int
    max_points: int


@dataclass
class SubmissionView:
    submission: Submission
    files: list[SubmissionFile]
    review: Review | None
    scores: list[ScoreView] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(score.points for score in self.scores)

    @property
    def max_total(self) -> int:
        return sum(score.max_points for score in self.scores)


def _submission_views(submissions: QuerySet[Submission], rubric: Rubric) -> list[SubmissionView]:
    """The submissions with files, review and the level chosen per criterion: three queries."""
    rows = {row.criterion.pk: row for row in rubric.rows}
    cells = {cell.level.pk: cell for row in rubric.rows for cell in row.levels}
    views = []
    loaded = submissions.select_related("review__reviewer").prefetch_related(
        "files", Prefetch("review__scores", queryset=CriterionScore.objects.order_by("criterion__position"))
    )
    for submission in loaded:
        review = getattr(submission, "review", None)
        scores = []
        for score in review.scores.all() if review else []:
            row, cell = rows.get(score.criterion_id), cells.get(score.level_id)
            if row is None or cell is None:
                continue
            scores.append(
                ScoreView(
                    criterion_name=row.name,
                    level_name=cell.name,
                    points=row.criterion.weight * cell.points,
                    max_points=row.max_points,
                )
            )
        views.append(SubmissionView(submission=submission, files=list(submission.files.all()), review=review,
                                    scores=scores))  # fmt: skip
    return views


@dataclass
class AssignmentPage:
    header: AssignmentHeader
    rubric: Rubric
    enrolled: bool
    submissions: list[SubmissionView]

    @property
    def assignment(self) -> Assignment:
        return self.header.assignment

    @property
    def latest(self) -> Submission | None:
        return self.submissions[-1].submission if self.submissions else None

    @property
    def next_number(self) -> int:
        return (self.latest.number if self.latest else 0) + 1

    @property
    def waiting(self) -> bool:
        return self.latest is not None and self.latest.status == Submission.Status.SUBMITTED

    @property
    def approved(self) -> bool:
        return self.latest is not None and self.latest.status == Submission.Status.APPROVED

    @property
    def can_submit(self) -> bool:
        return self.enrolled and not self.waiting and not self.approved


def assignment_page(*, person: Any, assignment_id: int, language: str) -> AssignmentPage | None:
    """An assignment of a course `person` may read, its rubric and the person's submissions with their
    feedback; None when there is none, or it is published in no language. Twelve queries."""
    assignment = _assignments().filter(pk=assignment_id).first()
    if assignment is None or not course_readable(person, assignment.lesson.module.course):
        return None
    header = _header(assignment, language)
    if header is None:
        return None
    rubric = _rubric(assignment.pk, language)
    enrolled = Enrolment.objects.filter(person_id=person.pk, course_id=header.course.pk).exists()
    mine = Submission.objects.filter(assignment=assignment, person_id=person.pk).order_by("number")
    return AssignmentPage(header=header, rubric=rubric, enrolled=enrolled, submissions=_submission_views(mine, rubric))


# --- the review queue --------------------------------------------------------------------------------------


@dataclass
class QueueRow:
    submission: Submission
    course_title: Text
    assignment_title: Text
    cohort_name: str


@dataclass
class Choice:
    value: str
    label: str
    count: int = 0


@dataclass
class Queue:
    rows: list[QueueRow]
    waiting: int  # in the filter
    waiting_all: int  # in the reviewer's whole scope
    reviewed_by_me: int
    courses: list[Choice]
    cohorts: list[Choice]


def review_queue(
    *, person: Any, language: str, course_code: str = "", cohort_id: int | None = None, limit: int = 50
) -> Queue:
    """The submissions waiting for `person`'s review, oldest first (at most `limit`), optionally of one
    course or one cohort, with the counts and the filter's choices. Ten queries, the reviewer's roles included."""
    scope = submissions_reviewable_by(person)
    waiting_all = scope.filter(status=Submission.Status.SUBMITTED)
    waiting = waiting_all
    if course_code:
        waiting = waiting.filter(**{f"{COURSE}__code": course_code})
    if cohort_id is not None:
        waiting = waiting.filter(
            Exists(
                Enrolment.objects.filter(
                    person_id=OuterRef("person_id"), course_id=OuterRef(f"{COURSE}_id"), cohort_id=cohort_id
                )
            )
        )
    submissions = list(
        waiting.select_related("person__institution", "assignment__lesson__module__course")
        .annotate(cohort_name=_cohort_name())
        .prefetch_related(
            Prefetch("assignment__translations", queryset=published_translations(AssignmentTranslation)),
            Prefetch("assignment__lesson__module__course__translations",
                     queryset=published_translations(CourseTranslation)),
        )
        .order_by("submitted_at", "pk")[:limit]
    )  # fmt: skip
    rows = [
        QueueRow(
            submission=submission,
            course_title=_course_title(submission.assignment.lesson.module.course, language),
            assignment_title=_text(submission.assignment.translations.all(), language, "title"),
            cohort_name=getattr(submission, "cohort_name", None) or "",
        )
        for submission in submissions
    ]
    per_course = dict(
        waiting_all.order_by()
        .values_list(f"{COURSE}_id")
        .annotate(total=Count("pk"))
        .values_list(f"{COURSE}_id", "total")
    )
    courses = Course.objects.filter(pk__in=per_course).prefetch_related(
        Prefetch("translations", queryset=published_translations(CourseTranslation))
    )
    course_choices = [
        Choice(course.code, _course_title(course, language).value, per_course[course.pk])
        for course in courses.order_by("code")
    ]
    cohorts = Cohort.objects.filter(
        Exists(waiting_all.filter(person__enrolments__cohort=OuterRef("pk"), **{f"{COURSE}": OuterRef("course_id")}))
    ).order_by("name")
    return Queue(
        rows=rows,
        waiting=waiting.count(),
        waiting_all=sum(per_course.values()),
        reviewed_by_me=Review.objects.filter(reviewer_id=person.pk).count(),
        courses=course_choices,
        cohorts=[Choice(str(cohort.pk), cohort.name) for cohort in cohorts],
    )


def _cohort_name() -> Subquery:
    """The name of the cohort the submission's learner takes the course with, if any."""
    enrolment = Enrolment.objects.filter(person_id=OuterRef("person_id"), course_id=OuterRef(f"{COURSE}_id"))
    return Subquery(enrolment.values("cohort__name")[:1])


# --- one submission for its reviewer --------------------------------------------------------------------------


@dataclass
class ReviewPage:
    header: AssignmentHeader
    rubric: Rubric
    current: SubmissionView
    earlier: list[SubmissionView]
    cohort_name: str

    @property
    def submission(self) -> Submission:
        return self.current.submission


def review_page(*, person: Any, submission_id: int, language: str) -> ReviewPage | None:
    """A submission `person` may review, with the learner's earlier submissions of the task and their
    feedback, and the rubric; None outside their scope. Thirteen queries, the reviewer's roles included."""
    submission = (
        submissions_reviewable_by(person)
        .select_related("person")
        .annotate(cohort_name=_cohort_name())
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        return None
    assignment = _assignments().get(pk=submission.assignment_id)
    header = _header(assignment, language)
    if header is None:
        return None
    rubric = _rubric(assignment.pk, language)
    history = _submission_views(
        Submission.objects.filter(
            assignment_id=submission.assignment_id, person_id=submission.person_id, number__lte=submission.number
        ).order_by("number"),
        rubric,
    )
    return ReviewPage(
        header=header,
        rubric=rubric,
        current=history[-1],
        earlier=history[:-1],
        cohort_name=getattr(submission, "cohort_name", None) or "",
    )


def submission_for_review(*, person: Any, submission_id: int) -> Submission | None:
    """The submission when `person` may review it, with what the access policy reads loaded."""
    submission = _with_policy_facts(submissions_reviewable_by(person)).filter(pk=submission_id).first()
    if submission is not None:
        _policy_facts_set(submission)
    return submission


def submission_file_visible(*, person: Any, file_id: int) -> SubmissionFile | None:
    """A submitted file for the learner who sent it and those who may review the submission; None
    for anyone else. Two queries for a reviewer, one for the learner."""
    stored = (
        SubmissionFile.objects.filter(pk=file_id)
        .select_related("submission__person__institution", "submission__assignment__lesson__module__course")
        .first()
    )
    if stored is None or person is None or not person.is_authenticated:
        return None
    if stored.submission.person_id == person.pk:
        return stored
    if submissions_reviewable_by(person).filter(pk=stored.submission_id).exists():
        return stored
    return None


def enrolments_assignments_progress(enrolment_ids: list[int]) -> dict[int, tuple[int, int]]:
    """`course_assignments_progress` for many enrolments at once, keyed by enrolment id. One query."""
    readable = Exists(published_translations(LessonTranslation).filter(lesson=OuterRef("lesson_id")))
    required = (
        Assignment.objects.filter(lesson__module__course_id=OuterRef("course_id"), required=True)
        .filter(readable)
        .annotate(course_key=F("lesson__module__course_id"))
    )
    approved = required.filter(
        Exists(
            Submission.objects.filter(
                assignment=OuterRef("pk"), person_id=OuterRef(OuterRef("person_id")), status=Submission.Status.APPROVED
            )
        )
    )
    rows = (
        Enrolment.objects.filter(pk__in=enrolment_ids)
        .annotate(total=_count(required, "course_key"), approved=_count(approved, "course_key"))
        .values_list("pk", "approved", "total")
    )
    return {pk: (approved_count, total) for pk, approved_count, total in rows}


def _count(queryset: QuerySet[Any], group_by: str) -> Coalesce:
    counted = queryset.order_by().values(group_by).annotate(total=Count("*")).values("total")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
