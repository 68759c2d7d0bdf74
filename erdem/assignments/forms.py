"""Forms of the authoring pages: an assignment's settings, and the texts of an assignment, a
criterion or a level in one language (one form per language, prefixed with its code)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from erdem.assignments.models import MEGABYTE
from erdem.catalog.models import TranslationStatus
from erdem.core.uploads import KINDS


class AssignmentSettingsForm(forms.Form):
    required = forms.BooleanField(
        label=_("Required for completion"),
        required=False,
        help_text=_("The course completes only once it is approved."),
    )
    max_files = forms.IntegerField(
        label=_("Files per submission (at most)"), min_value=0, max_value=20, help_text=_("0: text only.")
    )
    max_file_megabytes = forms.IntegerField(label=_("Size per file (at most, MB)"), min_value=1, max_value=100)
    allowed_kinds = forms.MultipleChoiceField(
        label=_("Kinds of file accepted"),
        choices=[(key, key.upper()) for key in KINDS],
        widget=forms.CheckboxSelectMultiple,
    )

    def settings(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "required": data["required"],
            "max_files": data["max_files"],
            "max_file_bytes": data["max_file_megabytes"] * MEGABYTE,
            "allowed_kinds": data["allowed_kinds"],
        }


class _TextsForm(forms.Form):
    status = forms.ChoiceField(label=_("Translation status"), choices=TranslationStatus.choices)

    def texts(self) -> dict[str, str]:
        return {name: str(value) for name, value in self.cleaned_data.items()}


class AssignmentTextsForm(_TextsForm):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    instructions = forms.CharField(
        label=_("Instructions (Markdown)"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class CriterionTextsForm(_TextsForm):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class LevelTextsForm(_TextsForm):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    descriptor = forms.CharField(label=_("Descriptor"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WeightForm(forms.Form):
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100)


class PointsForm(forms.Form):
    points = forms.IntegerField(label=_("Points"), min_value=0, max_value=1000)
