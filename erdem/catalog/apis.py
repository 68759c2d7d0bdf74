"""Courses: public like the catalogue, in the caller's language; each text says which language it is
in and whether that is a fallback. Drafts and archived courses only for those who may see them."""

import re
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from erdem.api.auth import PUBLIC, caller
from erdem.api.errors import NotFound
from erdem.api.schemas import ErrorOut
from erdem.catalog.selectors import CoursePage, CourseSummary, Text, course_catalogue, course_page
from erdem.core.i18n import active_language

router = Router(tags=["courses"])
_CODE = re.compile(r"[-a-zA-Z0-9_]{1,40}")


def is_code(text: str) -> bool:
    """Whether `text` can be a course's code (a slug); anything else is not looked up."""
    return _CODE.fullmatch(text) is not None


class TextOut(Schema):
    value: str
    language_code: str
    fell_back: bool


class CompetencyOut(Schema):
    code: str
    name: str


class CourseOut(Schema):
    id: int
    code: str
    level: str
    workload_hours: int
    languages: list[str]
    status: str
    title: TextOut
    summary: TextOut
    competencies: list[CompetencyOut]
    fallback_note: str


class LessonOut(Schema):
    id: int
    position: int
    estimated_minutes: int
    title: TextOut


class ModuleOut(Schema):
    id: int
    position: int
    title: TextOut
    lessons: list[LessonOut]


class CourseDetailOut(CourseOut):
    modules: list[ModuleOut]


def text_out(text: Text) -> dict[str, Any]:
    """A text as the API gives it: its value, language and whether that is a fallback."""
    return {"value": text.value, "language_code": text.language_code, "fell_back": text.fell_back}


def _course(summary: CourseSummary) -> dict[str, Any]:
    course = summary.course
    return {
        "id": course.pk,
        "code": course.code,
        "level": course.level,
        "workload_hours": course.workload_hours,
        "languages": list(course.languages),
        "status": course.status,
        "title": text_out(summary.title),
        "summary": text_out(summary.summary),
        "competencies": [{"code": label.code, "name": label.name} for label in summary.competencies],
        "fallback_note": summary.fallback_note,
    }


def _detail(page: CoursePage) -> dict[str, Any]:
    return {
        **_course(page.course),
        "modules": [
            {
                "id": outline.module.pk,
                "position": outline.module.position,
                "title": text_out(outline.title),
                "lessons": [
                    {
                        "id": link.lesson.pk,
                        "position": link.lesson.position,
                        "estimated_minutes": link.lesson.estimated_minutes,
                        "title": text_out(link.title),
                    }
                    for link in outline.lessons
                ],
            }
            for outline in page.modules
        ],
    }


@router.get("/", response=list[CourseOut], **PUBLIC)
def course_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The courses you may read, by code: published ones for everyone, drafts for their team and national admins."""
    return [_course(summary) for summary in course_catalogue(person=caller(request), language=active_language())]


@router.get("/{code}", response={200: CourseDetailOut, 404: ErrorOut}, **PUBLIC)
def course_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    """One course with its modules and their readable lessons (titles only)."""
    page = course_page(person=caller(request), code=code, language=active_language()) if is_code(code) else None
    if page is None:
        raise NotFound()
    return _detail(page)
