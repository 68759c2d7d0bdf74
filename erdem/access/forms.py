"""Forms of the role pages: they parse input; role_assign decides what is allowed."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from erdem.access.models import Role
from erdem.core.i18n import localized_order
from erdem.organisations.models import Institution, Region
from erdem.people.selectors import person_by_email
from erdem.programmes.models import Programme


class NamedChoiceField(forms.ModelChoiceField):
    """Shows programmes, institutions and regions by their name in the active language."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class RoleFormBase(forms.Form):
    """Institution and region choices, and a programme choice when the admin runs several
    programmes (with one, it is implied and not shown)."""

    def __init__(self, *args: Any, programmes: QuerySet[Programme], choose_programme: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = Institution.objects.filter(
            is_active=True
        ).order_by(localized_order("name"), "pk")
        cast(forms.ModelChoiceField, self.fields["region"]).queryset = Region.objects.order_by(
            "kind", localized_order("name")
        )
        if choose_programme:
            programme = NamedChoiceField(label=_("Programme"), queryset=programmes, empty_label=None)
            self.fields = {"programme": programme, **self.fields}


class RoleFilterForm(RoleFormBase):
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("All roles")), *Role.choices], required=False)
    institution = NamedChoiceField(
        label=_("Institution"), queryset=Institution.objects.none(), required=False, empty_label=_("All institutions")
    )
    region = NamedChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False, empty_label=_("All regions")
    )
    q = forms.CharField(
        label=_("Name or e-mail"), max_length=100, required=False, widget=forms.TextInput(attrs={"type": "search"})
    )

    def filters(self) -> dict[str, Any]:
        """The valid filters; a value that does not parse (a stale link) is ignored, not an error page."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "programme": cleaned.get("programme"),
            "role": cleaned.get("role") or None,
            "institution": cleaned.get("institution"),
            "region": cleaned.get("region"),
            "query": cleaned.get("q", "").strip(),
        }


class RoleAssignForm(RoleFormBase):
    email = forms.EmailField(
        label=_("E-mail address of the person"),
        help_text=_("The person needs an account on erdem."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    institution = NamedChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.none(),
        required=False,
        empty_label=_("No institution"),
        help_text=_("Required for an institution coordinator."),
    )
    region = NamedChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("No region"),
        help_text=_("Optional. Usually given for trainers and master teachers, who serve a region."),
    )

    def clean_email(self) -> Any:
        """The person with this address."""
        email = self.cleaned_data["email"]
        person = person_by_email(email)
        if person is None:
            raise forms.ValidationError(
                _("Nobody has an account with the e-mail address %(email)s."),
                code="unknown_person",
                params={"email": email},
            )
        return person
