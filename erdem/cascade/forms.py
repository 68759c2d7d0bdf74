"""Forms of the national centre's cascade pages: appointing, ending a term, deciding a nomination, and the
filters of the appointments list. They parse input only; the rules (prerequisites, mentees to reassign)
are the services'."""

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erdem.cascade.mentoring_selectors import programme_person_by_email
from erdem.cascade.models import Tier
from erdem.cascade.services import REASON_MAX_LENGTH
from erdem.catalog.models import Course
from erdem.organisations.models import Institution, Region
from erdem.people.models import Person
from erdem.programmes.models import Programme

TERM_YEARS = 2


def term_end_default(start: dt.date) -> dt.date:
    """Two years after `start` (28 February when `start` is a 29 February)."""
    try:
        return start.replace(year=start.year + TERM_YEARS)
    except ValueError:
        return start.replace(year=start.year + TERM_YEARS, day=28)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _reason_field(label: Any, *, required: bool, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=REASON_MAX_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RegionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class InstitutionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.region.name})"


class AppointmentForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the person"),
        help_text=_("Someone who already holds a role in the programme."),
    )
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices, initial=Tier.REGIONAL_TRAINER)
    starts_on = forms.DateField(label=_("Term starts on"), widget=DateInput())
    term_ends_on = forms.DateField(label=_("Term ends on"), widget=DateInput())
    regions = RegionChoiceField(
        label=_("Regions"),
        queryset=Region.objects.order_by("kind", "name_en"),
        to_field_name="iso_code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    institutions = InstitutionChoiceField(
        label=_("Institutions"),
        queryset=Institution.objects.none(),
        required=False,
        help_text=_("Hold Ctrl (or ⌘) to choose more than one."),
    )
    courses = forms.ModelMultipleChoiceField(
        label=_("Courses"), queryset=Course.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    mentee_capacity = forms.IntegerField(
        label=_("Mentees at most"),
        min_value=1,
        max_value=50,
        initial=8,
        help_text=_("For a mentor: how many people they mentor at once."),
    )
    reason = _reason_field(_("Reason"), required=False, help_text=_("Why this person, for the record."))
    override_reason = _reason_field(
        _("Appoint anyway: why"),
        required=False,
        help_text=_("Only when a prerequisite is not met. The reason is recorded with the checks."),
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.person: Person | None = None
        institutions = cast(forms.ModelMultipleChoiceField, self.fields["institutions"])
        institutions.queryset = (
            Institution.objects.filter(is_active=True).select_related("region").order_by("region__name_en", "name_en")
        )
        courses = cast(forms.ModelMultipleChoiceField, self.fields["courses"])
        courses.queryset = Course.objects.filter(programme=programme).exclude(status=Course.Status.ARCHIVED)

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        self.person = programme_person_by_email(programme=self.programme, email=email)
        if self.person is None:
            raise forms.ValidationError(
                _("Nobody in the programme has this e-mail address. They need a role in the programme first.")
            )
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, term_ends_on = cleaned.get("starts_on"), cleaned.get("term_ends_on")
        if starts_on and term_ends_on and term_ends_on <= starts_on:
            self.add_error("term_ends_on", _("The term must end after it starts."))
        return cleaned


class AppointmentEndForm(forms.Form):
    """The reason, and for a mentor one new mentor per current mentee (`reassign_<mentee id>`)."""

    reason = _reason_field(_("Why the term ends"), required=True)

    def __init__(self, *args: Any, mentees: list[tuple[Person, list[tuple[int, str]]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mentees = mentees
        for mentee, choices in mentees:
            self.fields[f"reassign_{mentee.pk}"] = forms.TypedChoiceField(
                label=_("New mentor for %(mentee)s") % {"mentee": mentee.full_name},
                choices=[("", _("Choose a mentor"))] + [(str(pk), label) for pk, label in choices],
                coerce=int,
                required=False,
            )

    def reassignment_fields(self) -> list[tuple[Person, forms.BoundField]]:
        return [(mentee, self[f"reassign_{mentee.pk}"]) for mentee, _choices in self.mentees]

    def reassign_to(self) -> dict[int, int]:
        """{mentee id: chosen mentor id} for the mentees given one."""
        chosen = {}
        for mentee, _choices in self.mentees:
            value = self.cleaned_data.get(f"reassign_{mentee.pk}")
            if value not in (None, ""):
                chosen[mentee.pk] = int(value)
        return chosen


class NominationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: appoint the nominee")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    term_ends_on = forms.DateField(
        label=_("Term ends on"), required=False, widget=DateInput(), help_text=_("When approving.")
    )
    reason = _reason_field(_("Reason"), required=False, help_text=_("Required when declining."))
    override_reason = _reason_field(
        _("Approve anyway: why"),
        required=False,
        help_text=_("Only when the nominee does not meet a prerequisite."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "decline" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Please give the reason for declining: the nominator will read it."))
        term_ends_on = cleaned.get("term_ends_on")
        if cleaned.get("decision") == "approve" and term_ends_on and term_ends_on <= timezone.localdate():
            self.add_error("term_ends_on", _("The term must end after today."))
        return cleaned


class AppointmentFilterForm(forms.Form):
    STATUS_CHOICES = [("current", _("Current")), ("ended", _("Ended")), ("all", _("All"))]

    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    tier = forms.ChoiceField(label=_("Tier"), choices=[("", _("All tiers")), *Tier.choices], required=False)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("kind", "name_en"),
        to_field_name="iso_code",
        required=False,
        empty_label=_("All regions"),
    )
    ending_soon = forms.BooleanField(label=_("Term ends within 60 days"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = cast(forms.ModelChoiceField, self.fields["region"])
        region.label_from_instance = lambda obj: str(obj.name)  # type: ignore[method-assign]
