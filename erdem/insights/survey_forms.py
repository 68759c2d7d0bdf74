"""Forms of the survey builder and of the answering page; the rules themselves are in erdem.insights.surveys."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from erdem.core.i18n import localized
from erdem.insights.models import Survey, SurveyQuestion
from erdem.insights.surveys import CHOICES_MAX, SCALE, TEXT_MAX_LENGTH

INTEGRATING_MARK = "*"


class SurveyForm(forms.ModelForm[Survey]):
    class Meta:
        model = Survey
        fields = ["title_mn", "title_en", "intro_mn", "intro_en", "months_after", "reminder_days", "reminders_max"]
        widgets = {
            "intro_mn": forms.Textarea(attrs={"rows": 3}),
            "intro_en": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "reminder_days": gettext_lazy(
                "A reminder goes to people who have not answered this many days after the last e-mail."
            ),
            "reminders_max": gettext_lazy("0 sends no reminder."),
        }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def choice_lines(question: SurveyQuestion | None, language: str) -> str:
    """A question's choices as the builder's text area shows them: one a line, marked when integrating."""
    if question is None:
        return ""
    return "\n".join(
        (f"{INTEGRATING_MARK} " if choice.integrating else "") + getattr(choice, f"label_{language}")
        for choice in question.choices.all()
    )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=SurveyQuestion.Kind.choices)
    text_mn = forms.CharField(label=gettext_lazy("Question (Mongolian)"), max_length=500, required=False)
    text_en = forms.CharField(label=gettext_lazy("Question (English)"), max_length=500, required=False)
    required = forms.BooleanField(label=gettext_lazy("An answer is required"), required=False, initial=True)
    choices_mn = forms.CharField(
        label=gettext_lazy("Choices in Mongolian, one per line"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    choices_en = forms.CharField(
        label=gettext_lazy("Choices in English, one per line, in the same order"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )

    def __init__(self, *args: Any, question: SurveyQuestion | None = None, **kwargs: Any) -> None:
        if question is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": question.kind,
                    "text_mn": question.text_mn,
                    "text_en": question.text_en,
                    "required": question.required,
                    "choices_mn": choice_lines(question, "mn"),
                    "choices_en": choice_lines(question, "en"),
                },
            )
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("text_mn") or data.get("text_en")):
            raise forms.ValidationError(_("Write the question in at least one language."))
        data["labels_mn"], data["labels_en"], data["integrating"] = [], [], set()
        if data.get("kind") != SurveyQuestion.Kind.CHOICE:
            return data
        lines_mn, lines_en = _lines(data.get("choices_mn", "")), _lines(data.get("choices_en", ""))
        if len(lines_mn) != len(lines_en):
            self.add_error(
                "choices_en",
                _(
                    "The Mongolian list has %(mn)s choices and the English list %(en)s: give each choice in both "
                    "languages, one per line, in the same order."
                )
                % {"mn": len(lines_mn), "en": len(lines_en)},
            )
            return data
        if len(lines_mn) > CHOICES_MAX:
            self.add_error("choices_mn", _("A question may have at most %(count)s choices.") % {"count": CHOICES_MAX})
            return data
        for index, (line_mn, line_en) in enumerate(zip(lines_mn, lines_en, strict=True)):
            if line_mn.startswith(INTEGRATING_MARK) or line_en.startswith(INTEGRATING_MARK):
                data["integrating"].add(index)
            label_mn, label_en = line_mn.lstrip(INTEGRATING_MARK).strip(), line_en.lstrip(INTEGRATING_MARK).strip()
            if not (label_mn and label_en):
                self.add_error("choices_mn", _("Line %(number)s is empty in one of the lists.") % {"number": index + 1})
                return data
            if len(label_mn) > 300 or len(label_en) > 300:
                self.add_error(
                    "choices_mn", _("Line %(number)s is longer than 300 characters.") % {"number": index + 1}
                )
                return data
            data["labels_mn"].append(label_mn)
            data["labels_en"].append(label_en)
        return data


class AnswerForm(forms.Form):
    """One field per question (`q<id>`), labelled in the active language (the other when it is missing)."""

    def __init__(self, *args: Any, questions: list[SurveyQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            label = f"{number}. {localized(question, 'text')}"
            field: forms.Field
            if question.kind == SurveyQuestion.Kind.CHOICE:
                field = forms.TypedChoiceField(
                    choices=[(choice.pk, localized(choice, "label")) for choice in question.choices.all()],
                    coerce=int,
                    widget=forms.RadioSelect,
                )
            elif question.kind == SurveyQuestion.Kind.SCALE:
                field = forms.TypedChoiceField(
                    choices=[(value, str(value)) for value in SCALE],
                    coerce=int,
                    widget=forms.RadioSelect(attrs={"class": "scale"}),
                    help_text=_("1 = not at all, 5 = very much"),
                )
            else:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX_LENGTH, strip=True
                )
            field.label = label
            field.required = question.required
            field.error_messages["required"] = _("Please answer this question.")
            field.error_messages["invalid_choice"] = _("Choose one of the answers shown.")
            self.fields[f"q{question.pk}"] = field

    def answers(self) -> dict[int, int | str | None]:
        return {question.pk: self.cleaned_data.get(f"q{question.pk}") for question in self.questions}
