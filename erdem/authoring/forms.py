"""Forms of the authoring pages: they parse input; the services decide what is allowed."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from erdem.assessments.grading import ANSWER_MAX_LENGTH, PATTERN_MAX_LENGTH, pattern_validate
from erdem.assessments.models import Question, Quiz
from erdem.authoring.services import ChoiceDraft, QuestionDraft, UnitKind, team_members_resolve
from erdem.catalog.models import Course, TranslationStatus
from erdem.catalog.unit_status import translation_problems
from erdem.core.i18n import LANGUAGE_CODES, language_choices, language_name, localized_order
from erdem.frameworks.models import Competency
from erdem.organisations.models import Institution
from erdem.people.models import Person
from erdem.programmes.models import Programme

MAX_MINUTES = 600
MAX_WORKLOAD_HOURS = 1000
RESERVED_CODES = frozenset({"new"})  # "authoring/new/" is the page that creates a course


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class NamedMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _title_fields(form: forms.Form, *, required: bool = False) -> None:
    for code in LANGUAGE_CODES:
        form.fields[f"title_{code}"] = forms.CharField(
            label=_("Title in %(language)s") % {"language": language_name(code)}, max_length=200, required=required
        )


def titles_of(cleaned: dict[str, Any]) -> dict[str, str]:
    return {code: cleaned.get(f"title_{code}", "") for code in LANGUAGE_CODES}


class CourseFieldsForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Letters, digits and hyphens; it appears in the course's address.")
    )
    level = forms.ChoiceField(label=_("Level"), choices=Course.Level.choices)
    workload_hours = forms.IntegerField(label=_("Notional workload (hours)"), min_value=1, max_value=MAX_WORKLOAD_HOURS)
    languages = forms.MultipleChoiceField(
        label=_("Languages offered"), choices=language_choices, widget=forms.CheckboxSelectMultiple
    )

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).lower()
        if code in RESERVED_CODES:
            raise ValidationError(_("This code is reserved; choose another."))
        return code


class CourseCreateForm(CourseFieldsForm):
    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if programmes.count() > 1:
            field = NamedChoiceField(label=_("Programme"), queryset=programmes, empty_label=None)
            self.fields = {"programme": field, **self.fields}
        self.programmes = programmes
        _title_fields(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "programme" not in self.fields:
            cleaned["programme"] = self.programmes.first()
        if not any(titles_of(cleaned).values()):
            raise ValidationError(_("Give the course a title in at least one language."))
        return cleaned


class CourseSettingsForm(CourseFieldsForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Course.Status.choices,
        help_text=_(
            "Readers see a course once it is published. To publish it, in every language it offers, its title "
            "and at least one lesson must be published. Archived courses stay readable by their team only."
        ),
    )
    competencies = forms.ModelMultipleChoiceField(
        label=_("Competencies"), queryset=Competency.objects.all(), required=False
    )
    institutions = NamedMultipleChoiceField(
        label=_("Authoring institutions"),
        queryset=Institution.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )
    team = forms.CharField(
        label=_("Course team"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One e-mail address per line. Team members may edit the course; they must hold a role in the "
            "course's programme."
        ),
    )

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.course = course
        chosen = course.authoring_institutions.values("pk")
        cast(forms.ModelMultipleChoiceField, self.fields["institutions"]).queryset = Institution.objects.filter(
            Q(is_active=True) | Q(pk__in=chosen)
        ).order_by(localized_order("name"), "pk")

    def clean_team(self) -> list[Person]:
        emails = self.cleaned_data["team"].split()
        return team_members_resolve(programme=self.course.programme, emails=emails)


class ModuleAddForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _title_fields(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(titles_of(cleaned).values()):
            raise ValidationError(_("Give it a title in at least one language."))
        return cleaned


class LessonAddForm(ModuleAddForm):
    estimated_minutes = forms.IntegerField(label=_("Estimated minutes"), min_value=1, max_value=MAX_MINUTES)


FIELD_LABELS = {
    "title": _("Title"),
    "summary": _("Summary"),
    "body": _("Text (Markdown)"),
    "instructions": _("Instructions"),
    "text": _("Text"),
    "accepted_answer": _("Accepted answer"),
    "accepted_pattern": _("Accepted pattern (regular expression)"),
}
TEXTAREA_ROWS = {"body": 18, "summary": 4, "instructions": 4, "text": 3}


def _text_field(name: str, max_length: int | None) -> forms.Field:
    """A text field sized as its column: a title or a choice is limited, a body is not."""
    validators = [pattern_validate] if name == "accepted_pattern" else []
    widget = forms.Textarea(attrs={"rows": TEXTAREA_ROWS[name]}) if name in TEXTAREA_ROWS else None
    return forms.CharField(
        label=FIELD_LABELS[name],
        required=False,
        strip=name not in TEXTAREA_ROWS,
        max_length=max_length,
        validators=validators,
        widget=widget,
    )


class UnitTextsForm(forms.Form):
    """One column per platform language: the unit's fields, the translation status, and the
    version of the stored text the form was loaded from (hidden)."""

    def __init__(
        self,
        *args: Any,
        kind: UnitKind,
        fields: tuple[str, ...] | None = None,
        with_minutes: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.text_fields = fields or kind.fields
        for code in LANGUAGE_CODES:
            for name in self.text_fields:
                self.fields[f"{code}-{name}"] = _text_field(name, kind.model._meta.get_field(name).max_length)
            self.fields[f"{code}-status"] = forms.ChoiceField(
                label=_("Translation status"), choices=TranslationStatus.choices
            )
            self.fields[f"{code}-version"] = forms.CharField(widget=forms.HiddenInput, max_length=64)
        if with_minutes:
            self.fields["estimated_minutes"] = forms.IntegerField(
                label=_("Estimated minutes"), min_value=1, max_value=MAX_MINUTES
            )

    def column(self, code: str) -> list[forms.BoundField]:
        return [self[f"{code}-{name}"] for name in self.text_fields]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for code in LANGUAGE_CODES:
            status = cleaned.get(f"{code}-status")
            if status is None:
                continue
            problems = translation_problems(kind=self.kind.name, status=status, texts=self.values(code))
            for name, message in problems.items():
                self.add_error(f"{code}-{name}" if name in self.text_fields else f"{code}-status", message)
        return cleaned

    def values(self, code: str) -> dict[str, str]:
        return {name: self.cleaned_data.get(f"{code}-{name}", "") for name in self.text_fields}


class QuizSettingsForm(forms.Form):
    pass_mark = forms.IntegerField(label=_("Pass mark (%)"), min_value=0, max_value=100)
    attempt_limit = forms.IntegerField(
        label=_("Attempt limit"), min_value=0, max_value=100, help_text=_("0: unlimited.")
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"), min_value=1, max_value=MAX_MINUTES, required=False,
        help_text=_("Leave empty for no time limit."),
    )  # fmt: skip
    feedback = forms.ChoiceField(label=_("Feedback"), choices=Quiz.Feedback.choices)
    draw_count = forms.IntegerField(
        label=_("Questions per attempt"), min_value=0, max_value=1000,
        help_text=_("Drawn at random from the questions below; 0: every question."),
    )  # fmt: skip


class QuizCreateForm(QuizSettingsForm):
    """A new quiz: its title per language and settings; how many questions to draw is set on the
    quiz's page once it has questions."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["draw_count"]
        titles = forms.Form()
        _title_fields(titles)
        self.fields = {**titles.fields, **self.fields}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(titles_of(cleaned).values()):
            raise ValidationError(_("Give it a title in at least one language."))
        return cleaned


CHOICE_ROWS = 5
TRUE_FALSE_CHOICES = [("", "—"), ("true", _("True")), ("false", _("False"))]


class QuestionAddForm(forms.Form):
    """A new question of any kind. Every kind's fields are on the page (it works without scripts);
    only those of the chosen kind are used."""

    kind = forms.ChoiceField(label=_("Kind of question"), choices=Question.Kind.choices, widget=forms.RadioSelect)
    true_false_answer = forms.ChoiceField(label=_("The statement is"), choices=TRUE_FALSE_CHOICES, required=False)
    numeric_answer = forms.DecimalField(label=_("The answer"), max_digits=14, decimal_places=4, required=False)
    numeric_tolerance = forms.DecimalField(
        label=_("Tolerance (±)"), max_digits=14, decimal_places=4, min_value=0, required=False, initial=0
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in LANGUAGE_CODES:
            language = language_name(code)
            self.fields[f"text_{code}"] = forms.CharField(
                label=_("Question in %(language)s") % {"language": language},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        for number in range(1, CHOICE_ROWS + 1):
            for code in LANGUAGE_CODES:
                self.fields[f"choice_{number}_{code}"] = forms.CharField(
                    label=_("Choice %(number)s in %(language)s") % {"number": number, "language": language_name(code)},
                    max_length=500,
                    required=False,
                )
            self.fields[f"choice_{number}_correct"] = forms.BooleanField(
                label=_("Choice %(number)s is correct") % {"number": number}, required=False
            )
        for code in LANGUAGE_CODES:
            language = language_name(code)
            self.fields[f"accepted_answer_{code}"] = forms.CharField(
                label=_("Accepted answer in %(language)s") % {"language": language},
                max_length=ANSWER_MAX_LENGTH,
                required=False,
                help_text=_("Compared ignoring case and extra spaces."),
            )
            self.fields[f"accepted_pattern_{code}"] = forms.CharField(
                label=_("Accepted pattern in %(language)s (regular expression)") % {"language": language},
                max_length=PATTERN_MAX_LENGTH,
                required=False,
                validators=[pattern_validate],
            )

    def group(self, prefix: str) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(prefix)]

    def texts(self) -> list[forms.BoundField]:
        return self.group("text_")

    def choice_rows(self) -> list[list[forms.BoundField]]:
        return [self.group(f"choice_{number}_") for number in range(1, CHOICE_ROWS + 1)]

    def short_text(self) -> list[forms.BoundField]:
        return self.group("accepted_")

    def draft(self) -> QuestionDraft:
        data = self.cleaned_data
        answer = data.get("true_false_answer")
        return QuestionDraft(
            kind=data["kind"],
            texts={code: data.get(f"text_{code}", "") for code in LANGUAGE_CODES},
            choices=[
                ChoiceDraft(
                    texts={code: data.get(f"choice_{number}_{code}", "") for code in LANGUAGE_CODES},
                    is_correct=bool(data.get(f"choice_{number}_correct")),
                )
                for number in range(1, CHOICE_ROWS + 1)
            ],
            true_false_answer=None if not answer else answer == "true",
            numeric_answer=data.get("numeric_answer"),
            numeric_tolerance=data.get("numeric_tolerance") or Decimal(0),
            accepted_answers={code: data.get(f"accepted_answer_{code}", "") for code in LANGUAGE_CODES},
            accepted_patterns={code: data.get(f"accepted_pattern_{code}", "") for code in LANGUAGE_CODES},
        )
