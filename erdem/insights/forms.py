"""The dashboards' forms: the period (read by `periods.period_from_params`, the form only shows it) and the
programme's core courses."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from erdem.catalog.models import Course
from erdem.programmes.models import Programme


def month_input(example: str) -> forms.TextInput:
    """A year-month field: the browser's month picker where it has one, else text like `example`."""
    return forms.TextInput(attrs={"type": "month", "placeholder": example, "pattern": r"\d{4}-\d{2}", "size": 8})


class PeriodForm(forms.Form):
    """`?from=YYYY-MM&to=YYYY-MM`; a month input where the browser has one, else text with an example."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in (("from", _("From (year-month)")), ("to", _("To (year-month)"))):
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                max_length=7,
                widget=month_input("2025-03"),
            )


class CourseChoiceField(forms.ModelMultipleChoiceField):
    """Courses named by their title in the reader's language, with their code."""

    titles: dict[int, str]

    def label_from_instance(self, obj: Any) -> str:
        return f"{getattr(self, 'titles', {}).get(obj.pk, obj.code)} ({obj.code})"


class CoreCoursesForm(forms.Form):
    core_courses = CourseChoiceField(
        label=_("Core courses"),
        queryset=Course.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one core course: the programme's completion figures count them.")
        },
        help_text=_(
            "The courses whose completion, all together, the programme reports (for example the three AI courses)."
        ),
    )

    def __init__(self, *args: Any, programme: Programme, titles: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(CourseChoiceField, self.fields["core_courses"])
        field.queryset = Course.objects.filter(programme=programme).order_by("code", "pk")
        field.titles = titles
