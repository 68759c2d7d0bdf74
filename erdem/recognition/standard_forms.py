"""Forms of the qualification framework's edit pages; the checks are standard_services'."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from erdem.core.i18n import localized
from erdem.credentials.models import Achievement


class FrameworkPartForm(forms.Form):
    """A level or a standard: code, names and descriptions in both languages, display order."""

    code = forms.CharField(label=_("Code"), max_length=20)
    name_mn = forms.CharField(label=_("Name (Mongolian)"), max_length=255)
    name_en = forms.CharField(label=_("Name (English)"), max_length=255)
    description_mn = forms.CharField(
        label=_("Description (Mongolian)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    position = forms.IntegerField(
        label=_("Display order"), min_value=0, initial=0, help_text=_("Smaller numbers come first.")
    )


class AchievementChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {localized(obj, 'name')}"


class DescriptorForm(forms.Form):
    text_mn = forms.CharField(label=_("Descriptor (Mongolian)"), widget=forms.Textarea(attrs={"rows": 4}))
    text_en = forms.CharField(label=_("Descriptor (English)"), widget=forms.Textarea(attrs={"rows": 4}))
    achievements = AchievementChoices(
        None,
        required=False,
        label=_("Achievements aligned"),
        help_text=_("A credential of any of these evidences the descriptor on its holder's standards map."),
    )

    def __init__(self, *args: Any, achievements: QuerySet[Achievement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["achievements"].queryset = achievements  # type: ignore[attr-defined]
