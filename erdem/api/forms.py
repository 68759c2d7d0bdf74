import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LIFETIME_CHOICES = [
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("one year")),
    ("", _("no expiry")),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “institution report script”."),
    )
    lifetime = forms.ChoiceField(label=_("Valid for"), choices=LIFETIME_CHOICES, initial="90", required=False)

    def expires_at(self) -> datetime.datetime | None:
        days = self.cleaned_data.get("lifetime")
        return timezone.now() + datetime.timedelta(days=int(days)) if days else None
