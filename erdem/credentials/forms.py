"""Forms of the national centre's credential pages. They check what a person typed and say what is
wrong next to the field; the decisions (activation, loops of rules, issuing) are the services'."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from erdem.core.uploads import upload_check
from erdem.credentials.models import Achievement, AchievementRule, Credential, CredentialEvent
from erdem.credentials.services import (
    ACHIEVEMENT_FIELDS,
    ACHIEVEMENT_IMAGE_KINDS,
    ACHIEVEMENT_IMAGE_MAX_BYTES,
    REASON_MAX_LENGTH,
    achievement_activation_problems,
)
from erdem.credentials.templatetags.credentials_manage import number_text

# The texts shown side by side, Mongolian | English, in this order.
BILINGUAL_FIELDS = ("name", "description", "criteria", "outcomes", "quality_assurance", "prerequisites")
EU_FIELDS = (
    "workload_hours",
    "ects",
    "mn_credits",
    "eqf_level",
    "nqf_level",
    "assessment_type",
    "participation",
    "valid_months",
)
TEXTS_NOT_REQUIRED = (
    "name_mn",
    "name_en",
    "description_mn",
    "description_en",
    "criteria_mn",
    "criteria_en",
)


class LabelledChoiceField(forms.ModelChoiceField):
    """A choice among objects named by labels computed beforehand (titles in the reader's language)."""

    def __init__(self, *args: Any, labels: dict[int, str] | None = None, **kwargs: Any) -> None:
        self.labels = labels or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return self.labels.get(obj.pk, str(obj))


class CompetencyField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class AchievementForm(forms.ModelForm):
    """The definition of an achievement. A draft may be incomplete; an active one may not."""

    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_("A PNG or JPEG image of at most 1 MB, shown on the credential and its public page."),
    )
    image_remove = forms.BooleanField(label=_("Remove the current image"), required=False)

    class Meta:
        model = Achievement
        fields = (*ACHIEVEMENT_FIELDS, "competencies")
        widgets = {
            "description_mn": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "criteria_mn": forms.Textarea(attrs={"rows": 4}),
            "criteria_en": forms.Textarea(attrs={"rows": 4}),
            "outcomes_mn": forms.Textarea(attrs={"rows": 4}),
            "outcomes_en": forms.Textarea(attrs={"rows": 4}),
            "quality_assurance_mn": forms.Textarea(attrs={"rows": 3}),
            "quality_assurance_en": forms.Textarea(attrs={"rows": 3}),
            "prerequisites_mn": forms.Textarea(attrs={"rows": 3}),
            "prerequisites_en": forms.Textarea(attrs={"rows": 3}),
            "status": forms.RadioSelect,
        }

    def __init__(
        self, *args: Any, programme: Any, competency_groups: list[tuple[str, list[tuple[int, str]]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        for name in TEXTS_NOT_REQUIRED:
            self.fields[name].required = False
        for name in ("ects", "mn_credits"):
            cast(forms.DecimalField, self.fields[name]).min_value = 0
            self.fields[name].validators.append(_min_zero)
        self.fields["workload_hours"].validators.append(_more_than_zero)
        self.fields["eqf_level"].help_text = _("From 1 to 8, as in the European Qualifications Framework.")
        self.fields["nqf_level"].help_text = _("From 1 to 8.")
        model_choices = {
            "kind": Achievement.Kind.choices,
            "status": Achievement.Status.choices,
            "assessment_type": Achievement.AssessmentType.choices,
            "participation": Achievement.Participation.choices,
        }
        for name, choices in model_choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = [(value, capfirst(label)) for value, label in choices]
        self.fields["status"].help_text = _(
            "Draft: being written, nobody receives it. Active: issued. Retired: no longer issued; "
            "credentials already issued stay valid."
        )
        self.fields["auto_issue"].help_text = _(
            "On: the platform issues the credential by itself as soon as a person meets every rule (for a "
            "participation certificate, for example, on attending the workshops the rules ask for). Off: only "
            "an administrator issues it, to one person or in bulk. Without rules nothing is issued automatically."
        )
        if self.instance.pk is None:
            # A new achievement's type of assessment follows its kind unless the person chooses one:
            # a participation certificate has none, the others are assessed by online quizzes.
            assessment = cast(forms.ChoiceField, self.fields["assessment_type"])
            assessment.required = False
            assessment.choices = [("", _("As the kind suggests: none for participation, online quizzes otherwise"))]
            assessment.choices += [(value, capfirst(label)) for value, label in Achievement.AssessmentType.choices]
            self.initial["assessment_type"] = ""
        else:
            # Decimals as people write them: 44, not 44.0.
            for name in ("workload_hours", "ects", "mn_credits"):
                if self.initial.get(name) is not None:
                    self.initial[name] = number_text(self.initial[name])
        queryset = cast(forms.ModelMultipleChoiceField, self.fields["competencies"]).queryset
        competencies = CompetencyField(
            queryset,
            required=False,
            label=_("Competencies"),
            widget=forms.CheckboxSelectMultiple,
            help_text=_("The competencies the credential certifies, by framework."),
        )
        cast(forms.CheckboxSelectMultiple, competencies.widget).choices = competency_groups
        self.fields["competencies"] = competencies

    def bilingual_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"{name}_mn"], self[f"{name}_en"]) for name in BILINGUAL_FIELDS]

    def eu_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in EU_FIELDS]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        taken = Achievement.objects.filter(programme=self.programme, code=code)
        if self.instance.pk is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("Another achievement of the programme has this code."), code="taken")
        return code

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if image:
            upload_check(image, kinds=ACHIEVEMENT_IMAGE_KINDS, max_bytes=ACHIEVEMENT_IMAGE_MAX_BYTES)
        return image

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is None and not data.get("assessment_type") and "assessment_type" not in self.errors:
            participation = data.get("kind") == Achievement.Kind.PARTICIPATION
            data["assessment_type"] = (
                Achievement.AssessmentType.NONE if participation else Achievement.AssessmentType.QUIZ
            )
        if "name_mn" in data and "name_en" in data and not (data["name_mn"].strip() or data["name_en"].strip()):
            self.add_error("name_mn", _("Give the achievement a name in at least one language."))
        for name, message in achievement_activation_problems(values=data).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ACHIEVEMENT_FIELDS}


def _min_zero(value: Any) -> None:
    if value is not None and value < 0:
        raise ValidationError(_("Give a number of zero or more."), code="min_value")


def _more_than_zero(value: Any) -> None:
    if value is not None and value <= 0:
        raise ValidationError(_("Give the workload in hours: more than zero."), code="min_value")


class RuleForm(forms.Form):
    """A rule to add: what it checks, its target in the programme, and the threshold when it has one."""

    kind = forms.ChoiceField(label=_("The rule"), choices=())
    course = LabelledChoiceField(
        None,
        required=False,
        label=_("Course"),
        empty_label=_("Choose a course"),
        help_text=_("For “course completed”; for workshops, optional: count only that course's workshops."),
    )
    quiz = LabelledChoiceField(None, required=False, label=_("Quiz"), empty_label=_("Choose a quiz"))
    assignment = LabelledChoiceField(
        None, required=False, label=_("Practical task"), empty_label=_("Choose a practical task")
    )
    required_achievement = LabelledChoiceField(
        None, required=False, label=_("Credential required"), empty_label=_("Choose an achievement")
    )
    threshold = forms.IntegerField(
        label=_("At least"),
        required=False,
        min_value=0,
        help_text=_("For a quiz: the score in per cent (0 to 100). For workshops: how many (1 or more)."),
    )

    def __init__(
        self,
        *args: Any,
        querysets: dict[str, QuerySet[Any]],
        labels: dict[str, dict[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            (value, capfirst(label))
            for value, label in AchievementRule.Kind.choices
            if value != AchievementRule.Kind.CREDENTIALS_HELD_ANY  # kept by a stackable pathway's page
        ]
        for name in ("course", "quiz", "assignment", "required_achievement"):
            field = cast(LabelledChoiceField, self.fields[name])
            field.queryset = querysets[name]
            field.labels = labels[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        kinds = AchievementRule.Kind
        target = {
            kinds.COURSE_COMPLETED: ("course", _("Choose the course.")),
            kinds.QUIZ_SCORE: ("quiz", _("Choose the quiz.")),
            kinds.ASSIGNMENT_APPROVED: ("assignment", _("Choose the practical task.")),
            kinds.CREDENTIAL_HELD: ("required_achievement", _("Choose the credential required.")),
        }
        if kind in target:
            name, message = target[AchievementRule.Kind(kind)]
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        threshold = data.get("threshold")
        if "threshold" not in self.errors:
            if kind == kinds.QUIZ_SCORE and (threshold is None or not 0 <= threshold <= 100):
                self.add_error("threshold", _("Give the score needed, from 0 to 100 per cent."))
            if kind == kinds.WORKSHOPS_ATTENDED and (threshold is None or threshold < 1):
                self.add_error("threshold", _("Give the number of workshops needed: 1 or more."))
        return data


class ReasonField(forms.CharField):
    def __init__(self, *, required: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Reason"))
        kwargs.setdefault("help_text", _("Kept in the credential's history."))
        super().__init__(
            required=required,
            max_length=REASON_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": _("Please give a reason: it is kept in the credential's history.")},
            **kwargs,
        )


class ManualIssueForm(forms.Form):
    """Step 1 finds the person; step 2 (with the reason) issues."""

    email = forms.EmailField(
        label=_("The person's e-mail address"),
        help_text=_("Exactly as the person registered it on the platform."),
        error_messages={"required": _("Enter the person's e-mail address.")},
    )
    reason = ReasonField(required=False)

    def __init__(self, *args: Any, programme: Any, issuing: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.person: Any = None
        if issuing:
            self.fields["reason"].required = True

    def clean_email(self) -> str:
        from erdem.credentials.selectors import programme_person_by_email

        email = self.cleaned_data["email"].strip()
        self.person = programme_person_by_email(programme=self.programme, email=email)
        if self.person is None:
            raise ValidationError(
                _("Nobody taking part in the programme has the e-mail address %(email)s. Check the spelling."),
                code="unknown",
                params={"email": email},
            )
        return email


class BulkChooseForm(forms.Form):
    cohort: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        None, required=False, label=_("A cohort"), empty_label=_("Choose a cohort")
    )
    file = forms.FileField(
        label=_("Or a list of e-mail addresses (CSV or Excel .xlsx)"),
        required=False,
        help_text=_("One person per row, in a column named “email”."),
    )

    def __init__(self, *args: Any, cohorts: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["cohort"]).queryset = cohorts

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        if bool(data.get("cohort")) == bool(data.get("file")):
            self.add_error("cohort", _("Choose a cohort or upload a list, not both and not neither."))
        return data


class BulkIssueForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    reason = ReasonField(required=False, help_text=_("Optional; kept in each credential's history."))


class CredentialActionForm(forms.Form):
    """Suspend, reinstate, revoke or reissue: always with a reason; revoking also with a confirmation."""

    reason = ReasonField()
    confirm = forms.BooleanField(
        label=_("I understand that a revoked credential cannot be reinstated. This cannot be undone."),
        required=False,
    )

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        kwargs["prefix"] = action
        super().__init__(*args, **kwargs)
        self.action = action
        if action == "revoke":
            self.fields["confirm"].required = True
            self.fields["confirm"].error_messages["required"] = _("Tick the box to confirm: revoking cannot be undone.")
        else:
            del self.fields["confirm"]


class KeyRotateForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, start signing with a new key"),
        error_messages={"required": _("Tick the box to confirm the rotation.")},
    )


class CredentialFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=())
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("Any status")),
            *((value, capfirst(label)) for value, label in Credential.Status.choices),
        ]


class DateInput(forms.DateInput):
    """A date typed in the page's own format (2026.11.29 on Mongolian pages), the format of the dates the
    page shows; a browser's date picker would show it in the browser's format instead."""

    def __init__(self) -> None:
        super().__init__(attrs={"placeholder": _("YYYY-MM-DD"), "inputmode": "numeric", "autocomplete": "off"})


class PageDateField(forms.DateField):
    """A date field that shows back a valid date in the page's format, whichever accepted format was typed."""

    def bound_data(self, data: Any, initial: Any) -> Any:
        try:
            return self.to_python(data) or data
        except ValidationError:
            return data


class DateRangeMixin(forms.Form):
    """For a filter form with `date_from` and `date_to`: the end may not come before the start."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data


class AuditFilterForm(DateRangeMixin, forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False, choices=())
    achievement: forms.ModelChoiceField[Achievement] = forms.ModelChoiceField(
        None, required=False, label=_("Achievement"), to_field_name="public_id", empty_label=_("All achievements")
    )
    actor = forms.CharField(label=_("By (e-mail)"), required=False, max_length=254)
    date_from = PageDateField(label=_("From"), required=False, localize=True, widget=DateInput())
    date_to = PageDateField(label=_("To"), required=False, localize=True, widget=DateInput())

    def __init__(self, *args: Any, achievements: QuerySet[Achievement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["action"]).choices = [
            ("", _("All actions")),
            *((value, capfirst(label)) for value, label in CredentialEvent.Action.choices),
        ]
        cast(forms.ModelChoiceField, self.fields["achievement"]).queryset = achievements
