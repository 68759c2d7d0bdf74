from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from erdem.catalog.models import Course
from erdem.learning.models import Cohort
from erdem.organisations.models import Institution, Region
from erdem.people.models import Person
from erdem.workshops.models import Workshop


class NamedChoiceField(forms.ModelChoiceField):
    """Shows reference data and courses by their name in the reader's language."""

    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, "name", None) or obj)


class TrainerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name


class TrainerGroupsWidget(forms.CheckboxSelectMultiple):
    """Trainers as one collapsible group per region: the workshop's region first and open, as
    is any group with someone chosen; the others closed, so a long list stays short."""

    template_name = "workshops/widgets/trainer_groups.html"
    open_all_below = 16

    def __init__(self) -> None:
        super().__init__()
        self.first_group = ""

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        groups = context["widget"]["optgroups"]
        total = sum(len(options) for _group, options, _index in groups)
        context["widget"]["groups"] = [
            {
                "label": group,
                "options": options,
                "first": group == self.first_group and bool(self.first_group),
                "open": total < self.open_all_below
                or (group == self.first_group and bool(self.first_group))
                or any(option["selected"] for option in options),
                "chosen": sum(1 for option in options if option["selected"]),
            }
            for group, options, _index in groups
        ]
        return context


def trainer_groups(trainers: Iterable[Person], *, first_region_id: int | None) -> tuple[list[Any], str]:
    """(region name, [(pk, "Name · institution")]) per region, the region `first_region_id`
    first, then the others by name, then trainers whose institution is not known; and the
    first group's name when it is that region ("" otherwise)."""
    regions: dict[int | None, tuple[str, list[tuple[str, str]]]] = {}
    for person in trainers:
        institution = person.institution
        region = institution.region if institution is not None else None
        key = region.pk if region is not None else None
        label = region.name if region is not None else str(_("Institution not given"))
        name = person.full_name + (f" · {institution.short_name}" if institution is not None else "")
        regions.setdefault(key, (label, []))[1].append((str(person.pk), name))

    def order(item: tuple[int | None, tuple[str, list[tuple[str, str]]]]) -> tuple[int, str]:
        key, (label, _options) = item
        return (0 if key == first_region_id and key is not None else 2 if key is None else 1, label)

    groups = sorted(regions.items(), key=order)
    first = groups[0][1][0] if groups and first_region_id is not None and groups[0][0] == first_region_id else ""
    return [(label, options) for _key, (label, options) in groups], first


class CourseChoiceField(forms.ModelChoiceField):
    def __init__(self, *args: Any, titles: dict[int, str] | None = None, **kwargs: Any) -> None:
        self.titles = titles or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return self.titles.get(obj.pk, obj.code)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class WorkshopForm(forms.ModelForm):
    """Create or change a workshop; times are in the platform's time zone."""

    online_url = forms.URLField(
        label=_("Online link"), required=False, assume_scheme="https",
        help_text=_("Shown only to people registered and to the trainers."),
    )  # fmt: skip

    class Meta:
        model = Workshop
        fields = (
            "course",
            "cohort",
            "title_mn",
            "title_en",
            "mode",
            "region",
            "institution",
            "place",
            "online_url",
            "starts_at",
            "ends_at",
            "capacity",
            "trainers",
            "counts_for_completion",
        )
        widgets = {"mode": forms.RadioSelect, "starts_at": LocalDateTimeInput(), "ends_at": LocalDateTimeInput()}
        help_texts = {
            "cohort": _("The cohort's members are on the roster without registering."),
            "counts_for_completion": _("Attending is required to complete the course, for the cohort's members."),
        }

    def __init__(
        self,
        *args: Any,
        courses: QuerySet[Course],
        course_titles: dict[int, str],
        cohorts: QuerySet[Cohort],
        institutions: QuerySet[Institution],
        trainers: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"] = CourseChoiceField(courses, titles=course_titles, label=_("Course"))
        self.fields["cohort"] = NamedChoiceField(cohorts, required=False, label=_("Cohort (optional)"))
        self.fields["region"] = NamedChoiceField(Region.objects.all(), required=False, label=_("Region"))
        self.fields["institution"] = NamedChoiceField(institutions, required=False, label=_("Institution"))
        widget = TrainerGroupsWidget()
        self.fields["trainers"] = TrainerChoiceField(
            trainers, label=_("Trainers"), widget=widget,
            help_text=_(
                "People holding the trainer or master teacher role in the programme, by the region of their "
                "institution; the workshop's region comes first."
            ),
        )  # fmt: skip
        widget = cast(TrainerGroupsWidget, self.fields["trainers"].widget)  # the field's own copy
        widget.choices, widget.first_group = trainer_groups(trainers, first_region_id=self._region_id())
        self.fields["capacity"] = forms.IntegerField(label=_("Capacity"), min_value=1)
        mode = cast(forms.ChoiceField, self.fields["mode"])
        mode.choices = [(value, capfirst(label)) for value, label in Workshop.Mode.choices]

    def _region_id(self) -> int | None:
        """The workshop's region: as chosen in the form being sent, else as saved, else as asked
        for in the address (?region=)."""
        if self.is_bound:
            value = self.data.get("region")
        elif self.instance.pk is not None:
            value = self.instance.region_id
        else:
            value = self.initial.get("region")
        try:
            return int(value) if value else None
        except (TypeError, ValueError):
            return None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The workshop must end after it starts."))
        mode = data.get("mode")
        if mode == Workshop.Mode.IN_PERSON:
            if not data.get("place"):
                self.add_error("place", _("Say where the workshop takes place."))
            if not data.get("region"):
                self.add_error("region", _("Choose the region where the workshop takes place."))
        elif mode == Workshop.Mode.ONLINE and not data.get("online_url"):
            self.add_error("online_url", _("Give the link to join the online workshop."))
        cohort, course = data.get("cohort"), data.get("course")
        if cohort is not None and course is not None and cohort.course_id != course.pk:
            self.add_error("cohort", _("This cohort takes another course."))
        return data


class FilterForm(forms.Form):
    course = CourseChoiceField(Course.objects.none(), required=False, label=_("Course"), empty_label=_("All courses"))
    region = NamedChoiceField(Region.objects.all(), required=False, label=_("Region"), empty_label=_("All regions"))
    mode = forms.ChoiceField(
        choices=[("", _("In person and online")), *((v, capfirst(label)) for v, label in Workshop.Mode.choices)],
        required=False,
        label=_("Mode"),
    )

    def __init__(self, *args: Any, courses: QuerySet[Course], course_titles: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(CourseChoiceField, self.fields["course"])
        field.queryset, field.titles = courses, course_titles


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code on the screen"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "class": "code-input", "pattern": "[0-9 ]*"}
        ),
    )


class SheetForm(forms.Form):
    file = forms.FileField(
        label=_("Sign-in sheet (CSV or Excel .xlsx)"),
        help_text=_(
            "Columns: email (or name), status (present, late or absent; ирсэн, хоцорсон, ирээгүй), "
            "optionally time (09:30)."
        ),
    )
