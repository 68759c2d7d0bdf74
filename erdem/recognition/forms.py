"""Forms of the degree programme and credit request pages. They parse input only; the rules (what a rule needs,
double counting, verification) are the services'."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from erdem.access.policy import Action, can
from erdem.core.i18n import localized
from erdem.core.uploads import upload_check
from erdem.credentials.models import Achievement, Credential
from erdem.organisations.models import Institution
from erdem.people.models import Person
from erdem.recognition.models import DegreeModule, DegreeProgramme, RecognitionRule
from erdem.recognition.selectors import rule_names_module, rule_needs
from erdem.recognition.services import DEGREE_FIELDS, external_issuers, issuer_identifier_valid, rule_snapshot

EXTERNAL_FILE_MAX_BYTES = 1024 * 1024
MESSAGE_MAX_LENGTH = 4000
REASON_MAX_LENGTH = 4000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _more_than_zero(value: Decimal | None, message: StrOrPromise) -> Decimal | None:
    if value is not None and value <= 0:
        raise ValidationError(message, code="min_value")
    return value


class InstitutionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return localized(obj, "name")


class DegreeForm(forms.ModelForm):
    class Meta:
        model = DegreeProgramme
        fields = list(DEGREE_FIELDS)
        widgets = {
            "description_mn": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"total_credits": _("A master's programme has about 30 to 32 credits.")}

    def __init__(self, *args: Any, institutions: QuerySet[Institution] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if institutions is not None:
            self.fields["institution"] = InstitutionChoiceField(
                label=_("Institution"), queryset=institutions, empty_label=None
            )
            self.order_fields(["institution"])

    def clean_total_credits(self) -> Decimal | None:
        return _more_than_zero(
            self.cleaned_data.get("total_credits"),
            _("A degree programme has more than 0 credits: enter its credits in all."),
        )

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ModuleForm(forms.ModelForm):
    class Meta:
        model = DegreeModule
        fields = ["code", "name_mn", "name_en", "credits", "is_elective", "position"]
        labels = {"position": _("Display order")}
        help_texts = {"position": _("Smaller numbers come first.")}

    def clean_credits(self) -> Decimal | None:
        return _more_than_zero(self.cleaned_data.get("credits"), _("A module is worth more than 0 credits."))

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ModuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {localized(obj, 'name')} ({obj.credits})"


class AchievementChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code}: {localized(obj, 'name')}"


class RuleForm(forms.ModelForm):
    module = ModuleChoiceField(label=_("Module"), queryset=DegreeModule.objects.none(), empty_label=None)
    achievements = AchievementChoiceField(
        label=_("erdem credentials required (all of them)"),
        queryset=Achievement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    approved_by_email = forms.EmailField(
        label=_("Approved by (e-mail address)"),
        help_text=_(
            "The person who approved the rule: a coordinator of the degree's institution, a member of its "
            "programme office or a national admin."
        ),
    )
    service_fields = {"approved_by": "approved_by_email"}

    class Meta:
        model = RecognitionRule
        fields = [
            "module",
            "name_mn",
            "name_en",
            "credits",
            "achievements",
            "external_count",
            "external_issuers",
            "valid_from",
            "valid_to",
            "approval_reference",
        ]
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "external_issuers": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, degree: DegreeProgramme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.degree = degree
        self.fields["external_issuers"].help_text = _(
            "One issuer identifier per line: a DID (did:method:…) or an https:// address."
        )
        cast(forms.ModelChoiceField, self.fields["module"]).queryset = DegreeModule.objects.filter(degree=degree)
        cast(forms.ModelMultipleChoiceField, self.fields["achievements"]).queryset = Achievement.objects.filter(
            status=Achievement.Status.ACTIVE
        ).order_by("code")
        if self.instance.pk and self.instance.approved_by_id and not self.is_bound:
            self.initial["approved_by_email"] = self.instance.approved_by.email

    def clean_approved_by_email(self) -> Person:
        email = self.cleaned_data["approved_by_email"]
        person = Person.objects.filter(email__iexact=email).first()
        if person is None:
            raise ValidationError(_("Nobody has this e-mail address on erdem."))
        unchanged = self.instance.pk is not None and person.pk == self.instance.approved_by_id
        if not unchanged and not can(person, Action.DEGREE_MANAGE, self.degree):
            raise ValidationError(
                _(
                    "%(name)s cannot approve this programme's rules: choose a coordinator of %(institution)s, "
                    "a member of the programme office or a national admin."
                ),
                params={"name": person.full_name, "institution": localized(self.degree.institution, "name")},
            )
        return person

    def clean_credits(self) -> Decimal | None:
        return _more_than_zero(self.cleaned_data.get("credits"), _("A rule grants more than 0 credits."))

    def clean_external_issuers(self) -> str:
        text = self.cleaned_data.get("external_issuers") or ""
        wrong = [line for line in external_issuers(text) if not issuer_identifier_valid(line)]
        if wrong:
            raise ValidationError(
                _(
                    "“%(line)s” is not an issuer identifier: write one DID (did:method:…) or one https:// address "
                    "on each line."
                ),
                params={"line": wrong[0][:100]},
            )
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        module, credits = data.get("module"), data.get("credits")
        if module is not None and credits is not None and credits > module.credits:
            self.add_error(
                "credits",
                _("A rule grants at most what its module is worth: %(credits)s credits.")
                % {"credits": floatformat(module.credits, -1)},
            )
        start, end = data.get("valid_from"), data.get("valid_to")
        if start is not None and end is not None and end < start:
            self.add_error("valid_to", _("The rule cannot end before it starts."))
        count = data.get("external_count") or 0
        issuers = external_issuers(data.get("external_issuers") or "")
        if count and not issuers and "external_issuers" not in self.errors:
            self.add_error("external_issuers", _("Name at least one accepted issuer for the external credentials."))
        if not count and not data.get("achievements"):
            self.add_error("achievements", _("A rule needs at least one credential: erdem's or external."))
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {name: data[name] for name in self.Meta.fields if name != "achievements"}
        values["approved_by"] = data["approved_by_email"]
        values["achievements"] = list(data["achievements"])
        return values


class OfficeAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), help_text=_("Someone who works at this institution."))


class RuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        values = {
            "degree": localized(obj.degree, "name"),
            "rule": localized(obj, "name"),
            "module": localized(obj.module, "name"),
            "credits": floatformat(obj.credits, -1),
            "needs": rule_needs(rule_snapshot(obj)),
        }
        if rule_names_module(values["rule"], values["module"]):
            return gettext("%(degree)s: %(rule)s (%(credits)s credits). %(needs)s") % values
        return gettext("%(degree)s: %(rule)s, for the module %(module)s (%(credits)s credits). %(needs)s") % values


class CredentialChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{localized(obj.achievement, 'name')} ({obj.achievement.code})"


class RequestForm(forms.Form):
    rule = RuleChoiceField(
        label=_("Degree programme and rule"), queryset=RecognitionRule.objects.none(), widget=forms.RadioSelect
    )
    credentials = CredentialChoiceField(
        label=_("Your erdem credentials"),
        queryset=Credential.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only your active credentials that have not expired are listed."),
    )
    external = forms.CharField(
        label=_("External Open Badges 3.0 credentials"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_("Paste each credential as JSON or as a VC-JWT; several one after another."),
    )
    external_file = forms.FileField(
        label=_("Or a credential file (.json)"),
        required=False,
        help_text=_("A JSON or JWT file of at most 1 MB."),
    )
    message = forms.CharField(
        label=_("Message to the programme office"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, rules: list[RecognitionRule], credentials: QuerySet[Credential], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.rules = rules
        field = cast(RuleChoiceField, self.fields["rule"])
        field.queryset = RecognitionRule.objects.filter(pk__in=[rule.pk for rule in rules])
        field.choices = [(rule.pk, field.label_from_instance(rule)) for rule in rules]
        cast(forms.ModelMultipleChoiceField, self.fields["credentials"]).queryset = credentials

    def clean_rule(self) -> RecognitionRule:
        chosen = self.cleaned_data["rule"]
        return next(rule for rule in self.rules if rule.pk == chosen.pk)

    def clean_external_file(self) -> str:
        upload = self.cleaned_data.get("external_file")
        if not upload:
            return ""
        try:
            upload_check(upload, kinds=("json", "jwt", "txt"), max_bytes=EXTERNAL_FILE_MAX_BYTES)
        except ValidationError as error:
            if error.code in ("kind", "disguised"):
                raise ValidationError(
                    _("%(name)s is not a credential file: choose a JSON or JWT text file."),
                    code=error.code,
                    params={"name": upload.name},
                ) from error
            raise
        try:
            return bytes(upload.read(EXTERNAL_FILE_MAX_BYTES + 1)).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(_("This file is not text (JSON or a JWT).")) from error


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to reject; the learner reads it."),
    )
