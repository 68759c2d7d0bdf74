"""The learner's progress on the catalogue's course and lesson pages.

The catalogue does not know about enrolments (learning depends on catalog, not the other
way round), so its templates ask for the progress here.
"""

from typing import Any

from django import template

from erdem.access.policy import Action, can
from erdem.catalog.selectors import CoursePage, LessonPage
from erdem.learning.selectors import (
    CourseProgress,
    LessonState,
    course_progress,
    feedback_rated_highly,
    lesson_state,
)
from erdem.learning.services import feedback_editable

register = template.Library()


@register.simple_tag(takes_context=True)
def course_progress_for(context: Any, page: CoursePage) -> dict[str, Any]:
    """The reader's progress in the course page's course (counting the lessons the page lists, and per
    activity), whether they may enrol, their feedback once complete, and, for those who may see it,
    the course's "rated highly" figure. Rendered by learning/_course_panel.html."""
    person = context["request"].user
    course = page.course.course
    lesson_ids = [link.lesson.pk for module in page.modules for link in module.lessons]
    progress: CourseProgress = course_progress(person=person, course=course, lesson_ids=lesson_ids)
    may_enrol = progress.enrolment is None and can(person, Action.COURSE_ENROL, course)
    rated_highly = (
        feedback_rated_highly(course_ids=[course.pk]) if can(person, Action.COURSE_FEEDBACK_VIEW, course) else None
    )
    return {
        "progress": progress,
        "may_enrol": may_enrol,
        "course_code": course.code,
        "feedback_editable": progress.feedback is not None and feedback_editable(progress.feedback),
        "rated_highly": rated_highly,
    }


@register.simple_tag(takes_context=True)
def lesson_state_for(context: Any, page: LessonPage) -> LessonState:
    """Whether the reader is enrolled in the lesson's course and has done the lesson."""
    return lesson_state(person=context["request"].user, lesson=page.lesson, course_id=page.course.course.pk)
