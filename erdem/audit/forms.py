"""The audit log page's filters: a GET form, so a filtered list has an address and works without JavaScript."""

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from erdem.audit.models import AuditAction
from erdem.credentials.forms import DateInput, DateRangeMixin, PageDateField

SEARCH_MAX_LENGTH = 100


class AuditFilterForm(DateRangeMixin, forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False, choices=())
    actor = forms.CharField(label=_("By (name or e-mail)"), required=False, max_length=SEARCH_MAX_LENGTH)
    subject = forms.CharField(label=_("About (name or e-mail)"), required=False, max_length=SEARCH_MAX_LENGTH)
    target = forms.CharField(label=_("Object contains"), required=False, max_length=SEARCH_MAX_LENGTH)
    date_from = PageDateField(label=_("From"), required=False, localize=True, widget=DateInput())
    date_to = PageDateField(label=_("To"), required=False, localize=True, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["action"]).choices = [
            ("", _("All actions")),
            *((value, capfirst(label)) for value, label in AuditAction.choices),
        ]

    def criteria(self) -> dict[str, Any]:
        """The valid filters as `audit_events` takes them (none when the form is unbound or invalid)."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "action": data["action"],
            "actor": data["actor"].strip(),
            "subject": data["subject"].strip(),
            "target": data["target"].strip(),
            "date_from": cast(dt.date | None, data["date_from"]),
            "date_to": cast(dt.date | None, data["date_to"]),
        }
