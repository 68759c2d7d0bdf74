"""Enrolments and progress: your own, enrolling, marking a lesson done, the feedback survey, and a
cohort's enrolments for those who follow it. Someone else's enrolment is not found."""

import datetime
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from erdem.access.policy import Action, can
from erdem.api.auth import caller
from erdem.api.errors import Conflict, Forbidden, Invalid, NotFound
from erdem.api.pagination import BoundedPages
from erdem.api.schemas import ErrorOut, Id, ValidationErrorOut
from erdem.catalog.apis import TextOut, is_code, text_out
from erdem.catalog.models import Course
from erdem.catalog.selectors import course_readable, published_lessons
from erdem.core.i18n import active_language
from erdem.learning.completion import ActivityProgress, enrolment_progress
from erdem.learning.models import CourseFeedback, Enrolment
from erdem.learning.selectors import cohort_for_view, cohort_progress, enrolments_of
from erdem.learning.services import (
    enrolment_create,
    feedback_editable,
    feedback_submit,
    lesson_complete,
)
from erdem.people.models import Person

router = Router(tags=["learning"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}


class ActivityOut(Schema):
    kind: str
    label: str
    done: int
    required: int
    complete: bool


class FeedbackOut(Schema):
    rating: int
    usefulness: int
    comment: str
    language_code: str
    submitted_at: datetime.datetime
    updated_at: datetime.datetime
    editable: bool


class EnrolmentOut(Schema):
    id: int
    course: str  # the course's code
    course_title: TextOut
    source: str
    cohort_id: int | None
    enrolled_at: datetime.datetime
    completed_at: datetime.datetime | None
    last_lesson_id: int | None
    lessons_done: int
    lessons_total: int
    activities: list[ActivityOut]
    feedback_given: bool


class ProgressOut(Schema):
    id: int
    course: str
    person_id: int
    completed_at: datetime.datetime | None
    last_lesson_id: int | None
    lessons_done: list[int]
    activities: list[ActivityOut]
    feedback: FeedbackOut | None


class EnrolIn(Schema):
    course: str = Field(description="The course's code.", max_length=40)


class FeedbackIn(Schema):
    rating: int = Field(ge=1, le=5, description="The course overall, 1 (poor) to 5 (excellent).")
    usefulness: int = Field(ge=1, le=5, description="Usefulness for your teaching, 1 to 5.")
    comment: str = Field(default="", max_length=CourseFeedback.COMMENT_MAX_LENGTH)


class MemberOut(Schema):
    enrolment_id: int
    person_id: int
    family_name: str
    given_name: str
    completed_at: datetime.datetime | None
    activities: list[ActivityOut]


def _activity(activity: ActivityProgress) -> dict[str, Any]:
    return {
        "kind": activity.kind,
        "label": str(activity.label),
        "done": activity.done,
        "required": activity.required,
        "complete": activity.complete,
    }


def _feedback(feedback: CourseFeedback | None) -> dict[str, Any] | None:
    if feedback is None:
        return None
    return {
        "rating": feedback.rating,
        "usefulness": feedback.usefulness,
        "comment": feedback.comment,
        "language_code": feedback.language_code,
        "submitted_at": feedback.submitted_at,
        "updated_at": feedback.updated_at,
        "editable": feedback_editable(feedback),
    }


def _progress(enrolment: Enrolment) -> dict[str, Any]:
    """Four queries and one per completion rule."""
    readable = published_lessons(course_id=enrolment.course_id).values("pk")
    done = list(
        enrolment.lessons_done.filter(lesson_id__in=readable)
        .order_by("completed_at", "pk")
        .values_list("lesson_id", flat=True)
    )
    return {
        "id": enrolment.pk,
        "course": enrolment.course.code,
        "person_id": enrolment.person_id,
        "completed_at": enrolment.completed_at,
        "last_lesson_id": enrolment.last_lesson_id,
        "lessons_done": done,
        "activities": [_activity(activity) for activity in enrolment_progress(enrolment)],
        "feedback": _feedback(CourseFeedback.objects.filter(enrolment=enrolment).first()),
    }


def _enrolment_seen(request: HttpRequest, enrolment_id: int) -> Enrolment:
    """An enrolment the caller may read: their own, or one in a cohort they follow; else not found."""
    enrolment = (
        Enrolment.objects.select_related("course", "cohort").prefetch_related("cohort__trainers")
        .filter(pk=enrolment_id).first()
    )  # fmt: skip
    person = caller(request)
    if enrolment is None:
        raise NotFound()
    if enrolment.person_id != person.pk and not (
        enrolment.cohort is not None and can(person, Action.COHORT_PROGRESS_VIEW, enrolment.cohort)
    ):
        raise NotFound()
    return enrolment


def _own_enrolment(request: HttpRequest, enrolment_id: int) -> Enrolment:
    enrolment = Enrolment.objects.select_related("course").filter(pk=enrolment_id).first()
    if enrolment is None or enrolment.person_id != caller(request).pk:
        raise NotFound()
    return enrolment


@router.get("/enrolments", response={200: list[EnrolmentOut], 401: ErrorOut})
@paginate(BoundedPages, page_size=50, max_page_size=100)
def enrolment_list_mine(request: HttpRequest) -> list[dict[str, Any]]:
    """Your enrolments, most recently visited first, with the progress per activity."""
    rows = enrolments_of(person=cast(Person, caller(request)), language=active_language())
    return [
        {
            "id": row.enrolment.pk,
            "course": row.course.code,
            "course_title": text_out(row.title),
            "source": row.enrolment.source,
            "cohort_id": row.enrolment.cohort_id,
            "enrolled_at": row.enrolment.enrolled_at,
            "completed_at": row.enrolment.completed_at,
            "last_lesson_id": row.enrolment.last_lesson_id,
            "lessons_done": row.done,
            "lessons_total": row.total,
            "activities": [_activity(activity) for activity in row.activities],
            "feedback_given": row.feedback_given,
        }
        for row in rows
    ]


@router.post("/enrolments", response={200: ProgressOut, 201: ProgressOut, **ERRORS})
def enrolment_create_mine(request: HttpRequest, payload: EnrolIn) -> Any:
    """Enrol yourself in a published course (educators of its programme). Enrolling again answers 200
    with the enrolment you have."""
    person = caller(request)
    course = Course.objects.filter(code=payload.course).first() if is_code(payload.course) else None
    if course is None or not course_readable(person, course):
        raise Invalid(_("No course has the code “%(code)s”.") % {"code": payload.course[:40]})
    if not can(person, Action.COURSE_ENROL, course):
        raise Forbidden(_("Only educators of the course's programme can enrol in a published course."))
    existed = Enrolment.objects.filter(person_id=person.pk, course=course).exists()
    enrolment = enrolment_create(person=person, course=course)
    return Status(200 if existed else 201, _progress(enrolment))


@router.get("/enrolments/{enrolment_id}", response={200: ProgressOut, 401: ErrorOut, 404: ErrorOut})
def enrolment_progress_detail(request: HttpRequest, enrolment_id: Id) -> Any:
    """An enrolment's progress: the lessons done (ids, in the order they were done), the progress per
    activity, the completion date and the feedback. Yours, or in a cohort you follow."""
    return _progress(_enrolment_seen(request, enrolment_id))


@router.post("/enrolments/{enrolment_id}/lessons/{lesson_id}/done", response={200: ProgressOut, **ERRORS})
def enrolment_lesson_done(request: HttpRequest, enrolment_id: Id, lesson_id: Id) -> Any:
    """Mark a readable lesson of your enrolment's course as done; again changes nothing. Completes the
    course when every completion rule passes."""
    enrolment = _own_enrolment(request, enrolment_id)
    lesson = published_lessons(course_id=enrolment.course_id).filter(pk=lesson_id).first()
    if lesson is None:
        raise NotFound(_("The course has no readable lesson with the id %(id)s.") % {"id": lesson_id})
    return _progress(lesson_complete(enrolment=enrolment, lesson=lesson))


@router.post("/enrolments/{enrolment_id}/feedback", response={200: FeedbackOut, 201: FeedbackOut, **ERRORS})
def enrolment_feedback_submit(request: HttpRequest, enrolment_id: Id, payload: FeedbackIn) -> Any:
    """Answer the survey of a course you completed (201), or change your answers within 14 days of the
    first (200). 409 before completion and once the answers are closed; the comment is plain text."""
    enrolment = _own_enrolment(request, enrolment_id)
    try:
        feedback, created = feedback_submit(
            enrolment=enrolment,
            rating=payload.rating,
            usefulness=payload.usefulness,
            comment=payload.comment,
            language_code=active_language(),
        )
    except ValidationError as exc:
        message = " ".join(exc.messages)
        raise (Conflict(message) if exc.code in ("not_complete", "closed") else Invalid(message)) from exc
    return Status(201 if created else 200, _feedback(feedback))


@router.get("/cohorts/{cohort_id}/enrolments", response={200: list[MemberOut], **ERRORS})
@paginate(BoundedPages, page_size=100, max_page_size=200)
def cohort_enrolment_list(request: HttpRequest, cohort_id: Id) -> list[dict[str, Any]]:
    """A cohort's members with their progress per activity, for its trainers, the coordinator of its
    institution and national admins."""
    cohort = cohort_for_view(cohort_id=cohort_id)
    if cohort is None:
        raise NotFound()
    if not can(caller(request), Action.COHORT_PROGRESS_VIEW, cohort):
        raise Forbidden()
    progress = cohort_progress(cohort=cohort, language=active_language())
    return [
        {
            "enrolment_id": member.enrolment.pk,
            "person_id": member.person.pk,
            "family_name": member.person.family_name,
            "given_name": member.person.given_name,
            "completed_at": member.enrolment.completed_at,
            "activities": [_activity(activity) for activity in member.activities],
        }
        for member in progress.members
    ]
