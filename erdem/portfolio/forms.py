"""Forms of the portfolio pages. They parse input only; the rules (limits, kinds of files, owner) are the
services'. The tag checkboxes are grouped for the template: AI CFT competencies by aspect and level,
standard descriptors by standard."""

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundWidget
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from erdem.core.i18n import localized
from erdem.frameworks.models import Dimension
from erdem.portfolio.models import Entry, EntryFile
from erdem.portfolio.selectors import ai_cft_competencies
from erdem.portfolio.services import LINKS_MAX, LinkInput, PortfolioError, file_limits_text, links_check
from erdem.recognition.models import QualificationStandard, StandardDescriptor


def _links_help() -> str:
    """Formatted each time it is shown, in the reader's language: a `%` on the lazy text at import time would
    fix it in the language active then."""
    return gettext("One a line: the address (https://…), then optionally a space and a title. At most %(count)d.") % {
        "count": LINKS_MAX
    }


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class CompetencyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {localized(obj, 'name')}"


class DescriptorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{localized(obj.level, 'name')}: {localized(obj, 'text')}"


class FileChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


@dataclass(frozen=True)
class CompetencyGroup:
    dimension: Dimension
    boxes: list[BoundWidget]


@dataclass(frozen=True)
class DescriptorGroup:
    standard: QualificationStandard
    boxes: list[BoundWidget]


def links_parse(text: str) -> list[LinkInput]:
    """One link a line: the address, then optionally a space and a title."""
    links = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            url, _space, title = line.partition(" ")
            links.append(LinkInput(url=url, title=title.strip()))
    return links


def links_text(links: Any) -> str:
    return "\n".join(f"{link.url} {link.title}".strip() for link in links)


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of entry"), choices=[(value, capfirst(label)) for value, label in Entry.Kind.choices]
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Markdown: **bold**, *italic*, lists with -, links as [text](https://…). HTML is shown as plain text."
        ),
    )
    language = forms.ChoiceField(label=_("Language of the text"), choices=settings.LANGUAGES)
    course_taught = forms.CharField(label=_("Course taught"), max_length=200, required=False)
    started_on = forms.DateField(label=_("From"), required=False, widget=DateInput())
    ended_on = forms.DateField(label=_("To"), required=False, widget=DateInput())
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=Entry.Visibility.choices, widget=forms.RadioSelect
    )
    competencies = CompetencyChoiceField(
        label=_("UNESCO AI CFT competencies this entry shows"),
        queryset=ai_cft_competencies(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    descriptors = DescriptorChoiceField(
        label=_("Qualification standards this entry gives evidence of"),
        queryset=StandardDescriptor.objects.select_related("standard", "level").order_by(
            "standard__position", "standard_id", "level__position", "id"
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=lazy(_links_help, str)(),
    )
    new_files = MultipleFileField(label=_("Add files"), required=False)
    files_removed = FileChoiceField(
        label=_("Remove files"), queryset=EntryFile.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, entry: Entry | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_files"].help_text = file_limits_text()
        if entry is not None:
            cast(FileChoiceField, self.fields["files_removed"]).queryset = EntryFile.objects.filter(entry=entry)
        else:
            del self.fields["files_removed"]

    def clean_links(self) -> list[LinkInput]:
        try:
            return links_check(links_parse(self.cleaned_data.get("links", "")))
        except PortfolioError as error:
            raise ValidationError(error.message) from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        started, ended = cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", ValidationError(_("The end date comes before the start date.")))
        return cleaned

    def competency_groups(self) -> list[CompetencyGroup]:
        """The competency checkboxes by aspect, in level order (Acquire, Deepen, Create)."""
        groups: dict[int, CompetencyGroup] = {}
        for box in self["competencies"]:
            competency = box.data["value"].instance
            group = groups.setdefault(competency.dimension_id, CompetencyGroup(competency.dimension, []))
            group.boxes.append(box)
        return list(groups.values())

    def descriptor_groups(self) -> list[DescriptorGroup]:
        groups: dict[int, DescriptorGroup] = {}
        for box in self["descriptors"]:
            descriptor = box.data["value"].instance
            group = groups.setdefault(descriptor.standard_id, DescriptorGroup(descriptor.standard, []))
            group.boxes.append(box)
        return list(groups.values())


class SettingsForm(forms.Form):
    headline = forms.CharField(
        label=_("Headline"),
        max_length=200,
        required=False,
        help_text=_("One line under your name, for example your subject and school."),
    )
    summary = forms.CharField(
        label=_("About me"), required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    public_link = forms.BooleanField(
        label=_("Public link on"),
        required=False,
        help_text=_(
            "Anyone with the link sees your name, institution, credentials and the entries you made public. "
            "Turning it off and on again makes a new link; the old one stops working."
        ),
    )
    review_consent = forms.BooleanField(
        label=_("Coordinators of my institution may review my portfolio for career progression"),
        required=False,
        help_text=_(
            "While this is on, the coordinators of your institution can read your whole portfolio, private "
            "entries included, and record a review for promotion. You can turn it off at any time."
        ),
    )
