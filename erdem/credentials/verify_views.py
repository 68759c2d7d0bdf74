"""The public verifier page: anyone checks a credential (a link, JSON, a JWT, a certificate PDF).

GET shows the form; GET with ?url= checks that link (so a QR code or a link can point here);
POST checks what was pasted or uploaded, or whether an e-mail address matches a credential's
hashed identifier. Nothing is stored. Works without JavaScript.
"""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from erdem.credentials.verification import (
    MAX_FILE_BYTES,
    MAX_JSON_BYTES,
    identity_matches,
    verify_file,
    verify_input,
    verify_url,
)

FILE_TOO_LARGE = gettext_lazy("This file is larger than 10 MB; a credential or certificate is much smaller.")


class VerifyForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("A link, a verification code, or the credential itself (JSON or JWT)"),
        required=False,
        max_length=MAX_JSON_BYTES,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
    )
    file = forms.FileField(
        label=gettext_lazy("Or upload a file: a certificate PDF, or a credential as JSON or JWT"),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("text") and not data.get("file"):
            raise forms.ValidationError(gettext_lazy("Paste a link or a credential, or choose a file."))
        if data.get("text") and data.get("file"):
            raise forms.ValidationError(gettext_lazy("Paste something or choose a file, not both."))
        upload = data.get("file")
        if upload is not None and upload.size > MAX_FILE_BYTES:
            self.add_error(
                "file", gettext_lazy("This file is larger than 10 MB; a credential or certificate is much smaller.")
            )
        return data


class EmailCheckForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)
    identity_hash = forms.CharField(max_length=300, widget=forms.HiddenInput)
    salt = forms.CharField(max_length=300, required=False, widget=forms.HiddenInput)


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"form": VerifyForm(), "result": None, "email_result": None}
    if request.method == "POST" and request.POST.get("action") == "email":
        email_form = EmailCheckForm(request.POST)
        if email_form.is_valid():
            context["email_result"] = identity_matches(
                email=email_form.cleaned_data["email"],
                identity_hash=email_form.cleaned_data["identity_hash"],
                salt=email_form.cleaned_data["salt"],
            )
        context["email_form"] = email_form
    elif request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            context["result"] = verify_file(upload) if upload else verify_input(form.cleaned_data["text"])
    elif request.GET.get("url"):
        url = request.GET["url"][:2000]
        context["form"] = VerifyForm(initial={"text": url})
        context["result"] = verify_url(url)
    return render(request, "credentials/verify.html", context)
