import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from erdem.assignments.models import (
    Assignment,
    AssignmentTranslation,
    Criterion,
    CriterionTranslation,
    Level,
    LevelTranslation,
)
from erdem.catalog.models import Lesson, TranslationStatus

PUBLISHED = TranslationStatus.PUBLISHED
# The smallest files of a few kinds, enough for the content sniffing to recognise them.
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def pdf(name: str = "plan.pdf", size: int = 0) -> SimpleUploadedFile:
    """A PDF file named `name`, padded to `size` bytes when given."""
    content = PDF_BYTES + b"%" * max(0, size - len(PDF_BYTES))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def html_as_pdf(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", content_type="application/pdf")


def file_like(upload: SimpleUploadedFile) -> io.BytesIO:
    upload.seek(0)
    return io.BytesIO(upload.read())


def assignment_build(
    *,
    lesson: Lesson,
    criteria: int = 3,
    levels: tuple[int, ...] = (1, 2, 3),
    languages: tuple[str, ...] = ("mn", "en"),
    **fields: Any,
) -> Assignment:
    """An assignment with texts in `languages` ("… [mn]") and a rubric of `criteria` rows, each with
    levels worth `levels` points; the second criterion weighs double."""
    assignment = Assignment.objects.create(lesson=lesson, **fields)
    AssignmentTranslation.objects.bulk_create(
        AssignmentTranslation(assignment=assignment, language_code=code, title=f"Task [{code}]",
                              instructions=f"Write a **plan** [{code}]", status=PUBLISHED)
        for code in languages
    )  # fmt: skip
    for position in range(1, criteria + 1):
        criterion = Criterion.objects.create(assignment=assignment, position=position, weight=2 if position == 2 else 1)
        CriterionTranslation.objects.bulk_create(
            CriterionTranslation(criterion=criterion, language_code=code, name=f"Criterion {position} [{code}]",
                                 description=f"What counts [{code}]", status=PUBLISHED)
            for code in languages
        )  # fmt: skip
        for number, points in enumerate(levels, start=1):
            level = Level.objects.create(criterion=criterion, position=number, points=points)
            LevelTranslation.objects.bulk_create(
                LevelTranslation(level=level, language_code=code, name=f"Level {number} [{code}]",
                                 descriptor=f"Descriptor {position}.{number} [{code}]", status=PUBLISHED)
                for code in languages
            )  # fmt: skip
    return assignment


def rubric_levels(assignment: Assignment, position: int = -1) -> dict[int, int]:
    """{criterion id: level id} choosing each criterion's level at `position` (-1: the highest)."""
    chosen = {}
    for criterion in assignment.criteria.prefetch_related("levels"):
        levels = sorted(criterion.levels.all(), key=lambda level: level.position)
        chosen[criterion.pk] = levels[position].pk
    return chosen


def rubric_form(assignment: Assignment, position: int = -1) -> dict[str, str]:
    return {f"criterion-{criterion}": str(level) for criterion, level in rubric_levels(assignment, position).items()}


def matrix_assignments_create(*, educator: Any, trainer: Any, cohort: Any) -> None:
    """The permissions matrix's assignments (one per matrix course); the educator's first submission,
    with a file, sent back by the trainer for a revision (so the educator may send the next one);
    and another learner of the cohort's submission, waiting for review."""
    from erdem.access.models import Role
    from erdem.access.tests.factories import RoleAssignmentFactory
    from erdem.assignments.services import review_submit, submission_create
    from erdem.catalog.models import Course
    from erdem.catalog.tests.factories import first_lesson
    from erdem.learning.services import cohort_enrol
    from erdem.people.tests.factories import PersonFactory

    for code in ("matrix-published", "matrix-draft"):
        assignment_build(lesson=first_lesson(Course.objects.get(code=code)))
    published = Assignment.objects.get(lesson__module__course__code="matrix-published")
    first = submission_create(person=educator, assignment=published, text="My plan", files=[pdf()], number=1)
    review_submit(reviewer=trainer, submission_id=first.submission.pk, decision="revise", comment="Add an example",
                  levels=rubric_levels(published, 0))  # fmt: skip
    learner = PersonFactory.create(institution=educator.institution)
    RoleAssignmentFactory.create(person=learner, role=Role.EDUCATOR, programme=cohort.programme)
    cohort_enrol(cohort=cohort, people=[learner])
    submission_create(person=learner, assignment=published, text="Another plan", files=[], number=1)
