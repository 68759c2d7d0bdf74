"""Writes of the dashboards' settings."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from erdem.catalog.models import Course
from erdem.insights.models import ProgrammeInsights
from erdem.insights.rollups import programme_insights, rollup_refresh_queue
from erdem.programmes.models import Programme


class InsightsError(Exception):
    """A refusal to show to the person who asked, in their language."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def insights_settings_save(*, programme: Programme, core_course_ids: Iterable[int], actor: Any) -> ProgrammeInsights:
    """Make `core_course_ids` (courses of the programme) its core courses and queue a refresh of the
    figures, which count completions of the core courses."""
    wanted = set(core_course_ids)
    courses = list(Course.objects.filter(programme=programme, pk__in=wanted))
    if len(courses) != len(wanted):
        raise InsightsError(_("Choose courses of this programme."), field="core_courses")
    with transaction.atomic():
        settings_row = programme_insights(programme=programme)
        settings_row.core_courses.set(courses)
        rollup_refresh_queue(programme=programme, started_by=actor)
    return settings_row
