from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        error_messages={"required": _("Type the code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false", "autofocus": True}
        ),
    )

    def __init__(self, data: Any = None, *, help_text: str = "") -> None:
        super().__init__(data)
        self.fields["code"].help_text = help_text


class AppCodeForm(CodeForm):
    """The six digits of the app being set up."""

    def __init__(self, data: Any = None) -> None:
        super().__init__(data)
        self.fields["code"].label = _("Six-digit code from the app")
        self.fields["code"].widget.attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*", "maxlength": 7})
