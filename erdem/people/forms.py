from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erdem.core.i18n import active_language
from erdem.core.mail import emails_send
from erdem.organisations.models import Institution
from erdem.people.models import Gender, Person
from erdem.people.selectors import institutions_for_registration
from erdem.people.validators import NameScriptValidator

NAME_FIELDS = ("family_name", "given_name", "family_name_latin", "given_name_latin", "name_traditional")
WORK_FIELDS = ("department", "discipline", "academic_position", "gender")
PREFERENCE_FIELDS = ("preferred_language", "low_bandwidth")

NAME_HELP = {
    "family_name": _("In Cyrillic, as in your passport."),
    "given_name": _("In Cyrillic, as in your passport."),
    "family_name_latin": _("In Latin letters, as on international documents."),
    "given_name_latin": _("In Latin letters, as on international documents."),
    "name_traditional": _("Your name in the traditional Mongolian script, as you write it."),
}

# Our own words for messages whose Mongolian in Django's catalogue is missing or awkward.
# "Password" has its own context: Django's auth catalogue, which takes precedence over
# ours, translates it with a trailing space, which showed as "Нууц үг :".
PASSWORD_LABEL = pgettext_lazy("form label", "Password")
EMAIL_ERRORS = {"invalid": _("Enter a valid e-mail address, such as name@example.mn.")}
PASSWORD_MISMATCH = _("The two passwords differ.")
PASSWORD_AGAIN_HELP = _("Type the same password again, to check it.")
TEXT_ERRORS = {"max_length": _("Use at most %(limit_value)d characters (this has %(show_value)d).")}


class InstitutionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PersonFieldsForm(forms.ModelForm):
    """The fields a person fills in about themselves, shared by registration and profile."""

    class Meta:
        model = Person
        fields: tuple[str, ...] = (*NAME_FIELDS, *WORK_FIELDS, *PREFERENCE_FIELDS)
        widgets = {"preferred_language": forms.RadioSelect}
        labels = {
            "name_traditional": _("Name in traditional script (optional)"),
            "department": _("Department (optional)"),
            "discipline": _("Discipline (optional)"),
            "academic_position": _("Academic position (optional)"),
            "gender": _("Gender (optional)"),
            "low_bandwidth": _("I have a slow or expensive connection"),
        }
        help_texts = NAME_HELP

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family_name_latin"].required = True
        self.fields["given_name_latin"].required = True
        for name in NAME_FIELDS:
            self.fields[name].validators.append(NameScriptValidator(name))
        for name in (*NAME_FIELDS, "department"):
            self.fields[name].error_messages.update(TEXT_ERRORS)
        self.fields["name_traditional"].widget.attrs.update({"lang": "mn-Mong", "class": "mong-input"})
        gender = cast(forms.ChoiceField, self.fields["gender"])
        gender.choices = [("", _("Prefer not to say")), *Gender.choices]


class RegistrationForm(PersonFieldsForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=Person._meta.get_field("email").max_length,
        error_messages={**EMAIL_ERRORS, **TEXT_ERRORS},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=PASSWORD_LABEL,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        help_text=PASSWORD_AGAIN_HELP,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    institution = InstitutionChoiceField(
        label=_("Institution"), queryset=Institution.objects.none(), empty_label=_("Choose your institution")
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data as described above."),
        error_messages={"required": _("You need to agree to the terms to register.")},
    )

    class Meta(PersonFieldsForm.Meta):
        # Not the e-mail: the model's checks would answer that an address is taken (see validate_unique).
        fields = (*NAME_FIELDS, "institution", *WORK_FIELDS, *PREFERENCE_FIELDS)

    field_order = ("email", "password1", "password2", *NAME_FIELDS, "institution", *WORK_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        institution_field = cast(InstitutionChoiceField, self.fields["institution"])
        institution_field.queryset = institutions_for_registration()
        self.fields["preferred_language"].initial = active_language()
        self.consent_version = settings.ERDEM_CONSENT_VERSION

    def clean_email(self) -> str:
        """Normalised only: whether the address is taken is not the form's answer to give (see the view)."""
        return str(self.cleaned_data["email"]).strip().lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", ValidationError(PASSWORD_MISMATCH, code="password_mismatch"))
        elif password1:
            candidate = Person(
                email=cleaned.get("email", ""),
                family_name=cleaned.get("family_name", ""),
                given_name=cleaned.get("given_name", ""),
                family_name_latin=cleaned.get("family_name_latin", ""),
                given_name_latin=cleaned.get("given_name_latin", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def validate_unique(self) -> None:
        """A taken e-mail address is handled by the service, which answers as for a new one."""

    def registration_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["email"] = self.cleaned_data["email"]
        data["password"] = self.cleaned_data["password1"]
        data["consent"] = self.cleaned_data["consent"]
        return data


class ProfileForm(PersonFieldsForm):
    pass


class EmailLoginForm(auth_forms.AuthenticationForm):
    """Log in with e-mail and password; an address not yet confirmed is refused with a way forward."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail address or the password is wrong."),
        "unconfirmed": _(
            "You have not confirmed your e-mail address yet. Open the link we sent you, or ask for a new one below."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail address")
        # type="email" brings the e-mail keyboard on phones.
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none", "maxlength": 254}
        )
        self.fields["password"].label = PASSWORD_LABEL

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if user.email_confirmed_at is None:
            raise ValidationError(self.error_messages["unconfirmed"], code="unconfirmed")


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), error_messages=EMAIL_ERRORS, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Also reaches invited people, who have no password yet; the e-mail is in the person's language."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email: str) -> Any:
        return Person.objects.filter(email__iexact=email.strip(), is_active=True)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Django's message, through the outbox (erdem.core.mail) so that it survives a mail server outage."""
        with translation.override(context["user"].preferred_language):
            subject = "".join(render_to_string(subject_template_name, context).splitlines())
            message = EmailMultiAlternatives(
                subject, render_to_string(email_template_name, context), from_email, [to_email]
            )
            if html_email_template_name is not None:
                message.attach_alternative(render_to_string(html_email_template_name, context), "text/html")
        emails_send([message])


def _password_fields_reword(form: forms.Form) -> None:
    """Our labels and help for Django's new-password fields, consistent with registration."""
    form.fields["new_password1"].label = _("New password")
    form.fields["new_password2"].label = _("New password again")
    form.fields["new_password2"].help_text = PASSWORD_AGAIN_HELP


class SetPasswordForm(auth_forms.SetPasswordForm):
    """Choosing a password from an e-mailed link; people invited by their institution also give consent here."""

    error_messages = {**auth_forms.SetPasswordForm.error_messages, "password_mismatch": PASSWORD_MISMATCH}

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        _password_fields_reword(self)
        self.consent_version = settings.ERDEM_CONSENT_VERSION
        if user.consent_at is None:
            self.fields["consent"] = forms.BooleanField(
                label=_("I agree to the processing of my personal data as described above."),
                error_messages={"required": _("You need to agree to the terms to use erdem.")},
            )

    @property
    def needs_consent(self) -> bool:
        return "consent" in self.fields


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_mismatch": PASSWORD_MISMATCH,
        "password_incorrect": _("Your current password is wrong. Type it again."),
    }

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = _("Current password")
        _password_fields_reword(self)


class StaffImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Staff list (CSV or Excel .xlsx)"),
        allow_empty_file=True,  # the service explains an empty file in its own words
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
