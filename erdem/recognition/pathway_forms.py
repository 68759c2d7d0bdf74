"""The pathway definition form: the pathway credential, required and elective steps, milestones.

Milestones have a fixed number of slots (no JavaScript); an empty slot is ignored. The checks a definition
must pass are pathway_services'; the form only shapes the input.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from erdem.core.i18n import localized
from erdem.credentials.models import Achievement
from erdem.recognition.models import Pathway
from erdem.recognition.pathway_services import MilestoneDefinition, PathwayDefinition

MILESTONE_SLOTS = 4


class AchievementChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {localized(obj, 'name')}"


class AchievementChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {localized(obj, 'name')}"


class PathwayForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=60, help_text=_("Short code, e.g. AI-TEACHER-PATHWAY."))
    name_mn = forms.CharField(label=_("Name (Mongolian)"), max_length=255)
    name_en = forms.CharField(label=_("Name (English)"), max_length=255)
    description_mn = forms.CharField(
        label=_("Description (Mongolian)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    achievement = AchievementChoice(
        None,
        label=_("Pathway credential"),
        empty_label=_("Choose an achievement"),
        help_text=_("Issued automatically when the pathway is complete. It must be active and issued automatically."),
    )
    required = AchievementChoices(None, required=False, label=_("Required steps"))
    electives = AchievementChoices(None, required=False, label=_("Elective steps"))
    electives_required = forms.IntegerField(
        label=_("Electives needed"), min_value=0, initial=0, help_text=_("How many of the elective steps are needed.")
    )

    def __init__(self, *args: Any, achievements: QuerySet[Achievement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("achievement", "required", "electives"):
            self.fields[name].queryset = achievements  # type: ignore[attr-defined]
        for slot in range(1, MILESTONE_SLOTS + 1):
            self.fields[f"milestone_{slot}_name_mn"] = forms.CharField(
                label=_("Name (Mongolian)"), max_length=255, required=False
            )
            self.fields[f"milestone_{slot}_name_en"] = forms.CharField(
                label=_("Name (English)"), max_length=255, required=False
            )
            self.fields[f"milestone_{slot}_steps"] = AchievementChoices(
                achievements, required=False, label=_("Steps of the milestone")
            )

    def milestone_slots(self) -> list[tuple[int, list[forms.BoundField]]]:
        return [
            (slot, [self[f"milestone_{slot}_{name}"] for name in ("name_mn", "name_en", "steps")])
            for slot in range(1, MILESTONE_SLOTS + 1)
        ]

    def definition(self) -> PathwayDefinition:
        data = self.cleaned_data
        milestones = []
        for slot in range(1, MILESTONE_SLOTS + 1):
            name_mn = data.get(f"milestone_{slot}_name_mn", "")
            name_en = data.get(f"milestone_{slot}_name_en", "")
            steps = list(data.get(f"milestone_{slot}_steps") or [])
            if name_mn or name_en or steps:
                milestones.append(MilestoneDefinition(name_mn=name_mn, name_en=name_en, achievements=steps))
        return PathwayDefinition(
            code=data["code"],
            name_mn=data["name_mn"],
            name_en=data["name_en"],
            description_mn=data.get("description_mn", ""),
            description_en=data.get("description_en", ""),
            achievement=data["achievement"],
            required=list(data.get("required") or []),
            electives=list(data.get("electives") or []),
            electives_required=data["electives_required"],
            milestones=milestones,
        )

    def service_error_field(self, field: str) -> str | None:
        """The form field a pathway_services error concerns (milestones by their slot number)."""
        if field.startswith("milestone_"):
            slot = field.removeprefix("milestone_")
            field = f"milestone_{slot}_name_en"
        return field if field in self.fields else None


def pathway_initial(pathway: Pathway) -> dict[str, Any]:
    """The form's initial values from a saved pathway (its steps and milestones as achievements)."""
    steps = list(pathway.steps.all())
    initial: dict[str, Any] = {
        "code": pathway.code,
        "name_mn": pathway.name_mn,
        "name_en": pathway.name_en,
        "description_mn": pathway.description_mn,
        "description_en": pathway.description_en,
        "achievement": pathway.achievement_id,
        "required": [step.achievement_id for step in steps if not step.is_elective],
        "electives": [step.achievement_id for step in steps if step.is_elective],
        "electives_required": pathway.electives_required,
    }
    for slot, milestone in enumerate(list(pathway.milestones.all())[:MILESTONE_SLOTS], start=1):
        initial[f"milestone_{slot}_name_mn"] = milestone.name_mn
        initial[f"milestone_{slot}_name_en"] = milestone.name_en
        initial[f"milestone_{slot}_steps"] = [step.achievement_id for step in milestone.steps.all()]
    return initial
