"""The public verifier page: anyone checks a credential (a link, a code, JSON, a JWT, a certificate PDF).

GET shows the form; GET with ?url= checks that link or code (so a QR code or a link can point here);
POST checks what was pasted or uploaded, or whether an e-mail address matches a credential's
hashed identifier. The e-mail form carries what to check again (`Verification.source`: the
credential's link or code, or the credential itself when it is small), so its answer is shown
next to the full result. A CLR 2.0 learning record, pasted or uploaded as JSON, is checked as a
record (clr_verification.py): its own verdict, then each credential inside. Nothing is stored.
Works without JavaScript.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from erdem.credentials.clr_verification import (
    ClrVerification,
    clr_verify,
    credential_kind,
    endorsement_comment,
    record_in_text,
)
from erdem.credentials.identity import credential_url
from erdem.credentials.verification import (
    MAX_FILE_BYTES,
    MAX_JSON_BYTES,
    Verification,
    identity_matches,
    refused,
    verify_file,
    verify_input,
)

FILE_TOO_LARGE = gettext_lazy("This file is larger than 10 MB; a credential or certificate is much smaller.")
# What the e-mail form carries back to check the credential again: beyond this, only the hashed identifier.
MAX_SOURCE_CHARS = 64 * 1024


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
            self.add_error("file", FILE_TOO_LARGE)
        return data


class EmailCheckForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        max_length=254,
        error_messages={
            "required": gettext_lazy("Enter the e-mail address you want to compare."),
            "invalid": gettext_lazy("Enter a valid e-mail address."),
        },
    )
    source = forms.CharField(max_length=MAX_SOURCE_CHARS, required=False, strip=True, widget=forms.HiddenInput)
    identity = forms.IntegerField(min_value=0, max_value=9, required=False, widget=forms.HiddenInput)
    identity_hash = forms.CharField(max_length=300, required=False, widget=forms.HiddenInput)
    salt = forms.CharField(max_length=300, required=False, widget=forms.HiddenInput)


@dataclass(frozen=True)
class EmailAnswer:
    """The e-mail check's answer: `matches` is None when no comparison could be made (`error` says why)."""

    identity: int
    email: str
    matches: bool | None
    error: str = ""


def source_for(result: Verification) -> str:
    """What to check again to get this result; "" when it is too large to carry in a form."""
    if result.ours is not None:
        link = credential_url(result.ours.public_id)
        return link + "credential.jwt" if result.format == "vc-jwt" else link
    return result.source if len(result.source) <= MAX_SOURCE_CHARS else ""


Checked = Verification | ClrVerification


def _text_check(text: str, *, pointers: bool = True) -> Checked:
    """A pasted text (or a file's content, pointers=False): a learning record, or whatever verify_input reads."""
    record = record_in_text(text)
    return verify_input(text, pointers=pointers) if record is None else clr_verify(record)


def _file_check(upload: Any) -> Checked:
    """An uploaded file: a learning record as JSON, or whatever verify_file reads (it reads the file again)."""
    if upload.size <= MAX_JSON_BYTES:
        content = upload.read(MAX_JSON_BYTES + 1)
        upload.seek(0)
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = ""
        if record_in_text(text) is not None:
            return _text_check(text, pointers=False)
    return verify_file(upload)


def _email_check(request: HttpRequest) -> tuple[Checked | None, EmailAnswer]:
    """The credential checked again from the form's source, and whether the address is its holder's."""
    form = EmailCheckForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    index = data.get("identity") or 0
    source = data.get("source") or ""
    checked = _text_check(source) if source else None
    result = checked.record if isinstance(checked, ClrVerification) else checked
    if "email" not in data:
        error = str(form.errors["email"][0]) if "email" in form.errors else _("Enter a valid e-mail address.")
        return checked, EmailAnswer(index, request.POST.get("email", "")[:254], None, error)
    email = data["email"]
    if result is not None:
        if not result.trusted or index >= len(result.identities):
            unusable = _("The address cannot be compared: the credential's signature could not be confirmed.")
            return checked, EmailAnswer(index, email, None, unusable)
        identity_hash, salt = result.identities[index].value, result.identities[index].salt
    else:
        identity_hash, salt = data.get("identity_hash") or "", data.get("salt") or ""
        if not identity_hash:
            return None, EmailAnswer(index, email, None, _("There is no credential to compare with."))
    return checked, EmailAnswer(index, email, identity_matches(email=email, identity_hash=identity_hash, salt=salt))


def _result_context(checked: Checked) -> dict[str, Any]:
    """For the template: `result` is the verification whose verdict, checks and learner it shows (a record's
    own), `record` the learning record when it is one, `kind` and `comment` what a single credential is,
    `source` what the e-mail check checks again."""
    if isinstance(checked, ClrVerification):
        # A record is large: its e-mail check carries the hashed identifier only, to keep the page light.
        return {"result": checked.record, "record": checked, "source": ""}
    document = checked.credential
    return {
        "result": checked,
        "record": None,
        "source": source_for(checked),
        "kind": credential_kind(document),
        "comment": endorsement_comment(document),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"form": VerifyForm(), "result": None, "record": None, "email_answer": None}
    checked: Checked | None = None
    if request.method == "POST" and request.POST.get("action") == "email":
        checked, context["email_answer"] = _email_check(request)
    elif request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            checked = _file_check(upload) if upload else _text_check(form.cleaned_data["text"])
    elif request.GET.get("url"):
        given = request.GET["url"].strip()
        context["form"] = VerifyForm(initial={"text": given[:2000]})
        checked = verify_input(given) if len(given) <= 2000 else refused(_("This link is not valid."))
    if checked is not None:
        context.update(_result_context(checked))
    return render(request, "credentials/verify.html", context)
