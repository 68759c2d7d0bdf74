"""The demo step that adds a practical assignment with its rubric to each demo course
(erdem.assignments.demo_data) and the submissions and reviews that fit the enrolments already made.

It runs after the enrolment step and derives everything from the database: every completed
enrolment has an approved submission, reviewed before the completion date by a trainer of the
learner's cohort or by a mentor of their institution (a national admin when neither exists); some
enrolments in progress have a submission waiting or sent back for revision, so reviewers' queues
look like real ones. Answers that say a file is attached come with it: a small text file stored once
and shared by every submission that hands it in. A few bulk inserts whatever the number of educators.
"""

import datetime as dt
import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from erdem.access.models import Role, RoleAssignment
from erdem.assignments.demo_data import (
    ASSIGNMENTS,
    COMMENTS_APPROVE,
    COMMENTS_REVISE,
    LEVELS,
    AssignmentSeed,
    AttachmentSeed,
)
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
from erdem.catalog.models import Course, Lesson, TranslationStatus
from erdem.learning.models import Cohort, Enrolment

if TYPE_CHECKING:
    from erdem.demo.services import DemoRun

PUBLISHED = TranslationStatus.PUBLISHED
BATCH_SIZE = 5000
REVISED_FIRST = 0.2  # completers whose first submission was sent back before the second was approved
WAITING = 0.3  # learners in progress with a submission waiting for review
SENT_BACK = 0.1  # learners in progress whose submission was sent back and not yet resubmitted
# Chance of each level (Developing, Proficient, Exemplary) chosen per criterion, by decision.
LEVEL_ODDS = {Review.Decision.APPROVE: (0.05, 0.55, 0.4), Review.Decision.REVISE: (0.55, 0.4, 0.05)}


def demo_assignments_create(*, run: "DemoRun") -> None:
    """One assignment per demo course on its last lesson, then the submissions and reviews."""
    courses = {
        course.code: course
        for course in Course.objects.filter(
            programme=run.current_programme, code__in=[seed.course_code for seed in ASSIGNMENTS]
        )
    }
    seeds = [seed for seed in ASSIGNMENTS if seed.course_code in courses]
    last_lessons: dict[int, Lesson] = {}
    for lesson in (
        Lesson.objects.filter(module__course__in=courses.values())
        .order_by("-module__position", "-position")
        .select_related("module")
    ):
        last_lessons.setdefault(lesson.module.course_id, lesson)
    seeds = [seed for seed in seeds if courses[seed.course_code].pk in last_lessons]
    assignments = Assignment.objects.bulk_create(
        Assignment(lesson=last_lessons[courses[seed.course_code].pk], required=True) for seed in seeds
    )
    AssignmentTranslation.objects.bulk_create(
        translation
        for assignment, seed in zip(assignments, seeds, strict=True)
        for translation in (
            AssignmentTranslation(assignment=assignment, language_code="mn", title=seed.title_mn,
                                  instructions=seed.instructions_mn, status=PUBLISHED),
            AssignmentTranslation(assignment=assignment, language_code="en", title=seed.title_en,
                                  instructions=seed.instructions_en, status=PUBLISHED),
        )
    )  # fmt: skip
    criterion_seeds = [
        (assignment, position, criterion)
        for assignment, seed in zip(assignments, seeds, strict=True)
        for position, criterion in enumerate(seed.criteria, start=1)
    ]
    criteria = Criterion.objects.bulk_create(
        Criterion(assignment=assignment, position=position, weight=seed.weight)
        for assignment, position, seed in criterion_seeds
    )
    CriterionTranslation.objects.bulk_create(
        translation
        for criterion, (_assignment, _position, seed) in zip(criteria, criterion_seeds, strict=True)
        for translation in (
            CriterionTranslation(criterion=criterion, language_code="mn", name=seed.name_mn,
                                 description=seed.description_mn, status=PUBLISHED),
            CriterionTranslation(criterion=criterion, language_code="en", name=seed.name_en,
                                 description=seed.description_en, status=PUBLISHED),
        )
    )  # fmt: skip
    level_seeds = [
        (criterion, position, points, name_en, name_mn, seed.descriptors[position - 1])
        for criterion, (_assignment, _position, seed) in zip(criteria, criterion_seeds, strict=True)
        for position, (points, name_en, name_mn) in enumerate(LEVELS, start=1)
    ]
    levels = Level.objects.bulk_create(
        Level(criterion=criterion, position=position, points=points)
        for criterion, position, points, *_texts in level_seeds
    )
    LevelTranslation.objects.bulk_create(
        translation
        for level, (_criterion, _position, _points, name_en, name_mn, (descriptor_en, descriptor_mn)) in zip(
            levels, level_seeds, strict=True
        )
        for translation in (
            LevelTranslation(level=level, language_code="mn", name=name_mn, descriptor=descriptor_mn,
                             status=PUBLISHED),
            LevelTranslation(level=level, language_code="en", name=name_en, descriptor=descriptor_en,
                             status=PUBLISHED),
        )
    )  # fmt: skip
    rubric: dict[int, list[tuple[int, list[int]]]] = defaultdict(list)  # assignment -> [(criterion, [levels])]
    for criterion in criteria:
        rubric[criterion.assignment_id].append((criterion.pk, []))
    by_criterion = {criterion_id: ids for rows in rubric.values() for criterion_id, ids in rows}
    for level in levels:
        by_criterion[level.criterion_id].append(level.pk)
    run.counts["practical_assignments"] = len(assignments)
    _demo_submissions_create(
        run,
        {assignment.lesson.module.course_id: (assignment, seed) for assignment, seed in zip(assignments, seeds,
                                                                                            strict=True)},
        rubric,
    )  # fmt: skip


class _Reviewers:
    """Who reviews whose work in the demo: a trainer of the learner's cohort, else a mentor of their
    institution or of the whole programme, else a national admin; never the learner."""

    def __init__(self, run: "DemoRun") -> None:
        programme = run.current_programme
        self.rng = run.rng
        self.trainers: dict[int, list[int]] = defaultdict(list)
        for cohort_id, person_id in Cohort.trainers.through.objects.filter(cohort__programme=programme).values_list(
            "cohort_id", "person_id"
        ):
            self.trainers[cohort_id].append(person_id)
        self.mentors: dict[int | None, list[int]] = defaultdict(list)
        self.admins: list[int] = []
        for person_id, role, institution_id, region_id in (
            RoleAssignment.objects.current()
            .filter(programme=programme, role__in=(Role.MENTOR, Role.NATIONAL_ADMIN))
            .order_by("pk")
            .values_list("person_id", "role", "institution_id", "region_id")
        ):
            if role == Role.NATIONAL_ADMIN:
                self.admins.append(person_id)
            elif region_id is None:
                self.mentors[institution_id].append(person_id)

    def pick(self, *, learner: int, cohort_id: int | None, institution_id: int | None) -> int | None:
        for pool in (
            self.trainers.get(cohort_id, []) if cohort_id else [],
            self.mentors.get(institution_id, []) if institution_id else [],
            self.mentors.get(None, []),
            self.admins,
        ):
            candidates = [pk for pk in pool if pk != learner]
            if candidates:
                return self.rng.choice(candidates)
        return None


def _between(start: dt.datetime, end: dt.datetime, low: float, high: float, rng: random.Random) -> dt.datetime:
    return start + (end - start) * rng.uniform(low, high)


@dataclass
class _Batch:
    """The rows to insert: submissions, and reviews pointing at them by index until they have ids."""

    rng: random.Random
    submissions: list[Submission] = field(default_factory=list)
    reviews: list[tuple[int, Review]] = field(default_factory=list)
    files: list[tuple[int, AttachmentSeed]] = field(default_factory=list)

    def hand_in(self, assignment: Assignment, person_id: int, number: int, at: dt.datetime, status: str,
                text: str, attachment: AttachmentSeed | None = None) -> int:  # fmt: skip
        self.submissions.append(Submission(assignment=assignment, person_id=person_id, number=number, text=text,
                                           submitted_at=at, status=status))  # fmt: skip
        if attachment is not None:
            self.files.append((len(self.submissions) - 1, attachment))
        return len(self.submissions) - 1

    def judge(self, index: int, reviewer: int, decision: str, at: dt.datetime) -> None:
        comments = COMMENTS_APPROVE if decision == Review.Decision.APPROVE else COMMENTS_REVISE
        review = Review(reviewer_id=reviewer, decision=decision, comment=self.rng.choice(comments), reviewed_at=at)
        self.reviews.append((index, review))


def _demo_submissions_create(
    run: "DemoRun",
    assignments: dict[int, tuple[Assignment, AssignmentSeed]],
    rubric: dict[int, list[tuple[int, list[int]]]],
) -> None:
    rng = run.rng
    reviewers = _Reviewers(run)
    demo_login = run.logins.get(Role.EDUCATOR)
    enrolments = (
        Enrolment.objects.filter(course_id__in=assignments)
        .order_by("pk")
        .values_list(
            "person_id", "person__institution_id", "person__email", "course_id", "cohort_id", "enrolled_at",
            "completed_at", "last_visited_at",
        )
    )  # fmt: skip
    batch = _Batch(rng)
    approve, revise = Review.Decision.APPROVE, Review.Decision.REVISE
    for person_id, institution_id, email, course_id, cohort_id, enrolled_at, completed_at, last_visit in enrolments:
        assignment, seed = assignments[course_id]
        reviewer = reviewers.pick(learner=person_id, cohort_id=cohort_id, institution_id=institution_id)
        if reviewer is None:
            continue
        answer_index = rng.randrange(len(seed.answers_mn))
        answer = seed.answers_mn[answer_index]
        attachment = dict(seed.attachments).get(answer_index)
        if completed_at is not None:
            start, end = enrolled_at, completed_at
            if rng.random() < REVISED_FIRST:
                first = batch.hand_in(assignment, person_id, 1, _between(start, end, 0.55, 0.65, rng),
                                      Submission.Status.REVISION_REQUESTED, answer, attachment)  # fmt: skip
                batch.judge(first, reviewer, revise, _between(start, end, 0.68, 0.72, rng))
                second = batch.hand_in(assignment, person_id, 2, _between(start, end, 0.8, 0.88, rng),
                                       Submission.Status.APPROVED, "Засварласан хувилбар. " + answer,
                                       attachment)  # fmt: skip
                batch.judge(second, reviewer, approve, _between(start, end, 0.9, 0.99, rng))
            else:
                only = batch.hand_in(assignment, person_id, 1, _between(start, end, 0.75, 0.88, rng),
                                     Submission.Status.APPROVED, answer, attachment)  # fmt: skip
                batch.judge(only, reviewer, approve, _between(start, end, 0.9, 0.99, rng))
            continue
        if last_visit is None:
            continue
        # Cohorts keep pace with their trainers' deadlines: more of their members have handed in.
        chance = rng.random() / (2 if cohort_id else 1)
        if email == demo_login or chance < SENT_BACK:
            sent = batch.hand_in(assignment, person_id, 1, _between(enrolled_at, last_visit, 0.6, 0.8, rng),
                                 Submission.Status.REVISION_REQUESTED, answer, attachment)  # fmt: skip
            batch.judge(sent, reviewer, revise, _between(enrolled_at, last_visit, 0.85, 1.0, rng))
        elif chance < SENT_BACK + WAITING:
            batch.hand_in(assignment, person_id, 1, last_visit, Submission.Status.SUBMITTED, answer, attachment)
    submissions = Submission.objects.bulk_create(batch.submissions, batch_size=BATCH_SIZE)
    stored = {seed: _attachment_store(seed) for seed in {seed for _index, seed in batch.files}}
    SubmissionFile.objects.bulk_create(
        (
            SubmissionFile(submission=submissions[index], file=stored[seed], original_name=seed.name, kind="txt",
                           size=len(seed.text.encode()))
            for index, seed in batch.files
        ),
        batch_size=BATCH_SIZE,
    )  # fmt: skip
    for index, review in batch.reviews:
        review.submission = submissions[index]
    Review.objects.bulk_create([review for _index, review in batch.reviews], batch_size=BATCH_SIZE)
    scores = []
    for index, review in batch.reviews:
        odds = LEVEL_ODDS[Review.Decision(review.decision)]
        for criterion_id, level_ids in rubric[submissions[index].assignment_id]:
            level_id = rng.choices(level_ids, weights=odds[: len(level_ids)])[0]
            scores.append((review.pk, criterion_id, level_id))
    _scores_insert(scores)
    run.counts["submissions"] = len(submissions)
    run.counts["reviews"] = len(batch.reviews)


def _attachment_store(seed: AttachmentSeed) -> str:
    """Store a demo attachment once (named after its content, so loading the demo again reuses it) and
    return its name in the storage; every submission handing it in points at the same file."""
    content = seed.text.encode()
    name = f"private/submissions/demo/{hashlib.sha256(content).hexdigest()[:32]}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    return name


def _scores_insert(rows: list[tuple[int, int, int]]) -> None:
    """(review, criterion, level) rows in one executemany: four per review make these the most numerous
    rows of the demo, and building a model instance for each would take longer than the rest of the step."""
    table = connection.ops.quote_name(CriterionScore._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (review_id, criterion_id, level_id) VALUES (%s, %s, %s)",  # noqa: S608 - our own table name
            rows,
        )
