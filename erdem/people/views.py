from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erdem.access.policy import Action, require
from erdem.access.selectors import roles_of
from erdem.organisations.models import Institution
from erdem.people import forms, imports, lockout, services, two_factor
from erdem.people.models import Person, StaffImport
from erdem.people.selectors import institution_people as institution_people_list
from erdem.people.selectors import person_by_email, staff_imports_of

PEOPLE_PER_PAGE = 50


def _signed_in(request: HttpRequest) -> Person:
    """The signed-in person; only for views behind login_required."""
    return cast(Person, request.user)


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = forms.RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_register_request(**form.registration_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # The same answer whether the address was new or already had an account.
            request.session["registered_email"] = form.cleaned_data["email"]
            return redirect("people:register_done")
    return render(request, "people/register.html", {"form": form})


def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "people/register_done.html", {"email": request.session.get("registered_email", "")})


def _person_from_uid(uidb64: str) -> Person | None:
    try:
        return Person.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, Person.DoesNotExist):
        return None


def confirm_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    person = _person_from_uid(uidb64)
    if person is not None and person.email_confirmed_at is not None:
        messages.info(request, _("Your e-mail address is already confirmed. You can log in."))
        return redirect("people:login")
    if person is None or not services.email_confirmation_token.check_token(person, token):
        form = forms.ResendConfirmationForm()
        return render(request, "people/confirm_email_invalid.html", {"form": form}, status=400)
    services.person_confirm_email(person=person)
    messages.success(request, _("Thank you, your e-mail address is confirmed. You can log in now."))
    return redirect("people:login")


def resend_confirmation(request: HttpRequest) -> HttpResponse:
    form = forms.ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = person_by_email(form.cleaned_data["email"])
        if person is not None:
            with transaction.atomic():
                services.person_confirmation_send(person=person)
        # The same answer whether or not the address is known, so the form tells nobody who has an account.
        messages.info(
            request,
            _("If an account with this address is waiting for confirmation, we have sent it a new link."),
        )
        return redirect("people:login")
    return render(request, "people/resend_confirmation.html", {"form": form})


class LoginView(auth_views.LoginView):
    template_name = "people/login.html"
    form_class = forms.EmailLoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        if form.is_bound and form.has_error(NON_FIELD_ERRORS, code="unconfirmed"):
            context["resend_form"] = forms.ResendConfirmationForm(initial={"email": form.cleaned_data["username"]})
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        two_factor.two_factor_sign_in(request=self.request, person=form.get_user())
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.PasswordResetForm
    template_name = "people/password_reset_form.html"
    email_template_name = "people/emails/password_reset.txt"
    html_email_template_name = "people/emails/password_reset.html"
    subject_template_name = "people/emails/password_reset_subject.txt"
    success_url = reverse_lazy("people:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Also where invited people choose their first password; following the link confirms the address."""

    form_class = forms.SetPasswordForm
    template_name = "people/password_reset_confirm.html"
    success_url = reverse_lazy("people:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.person_confirm_email(person=form.user, consent_given=bool(form.cleaned_data.get("consent")))
        lockout.sign_in_unlock(person=form.user, request=self.request)
        return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    person = _signed_in(request)
    initial = model_to_dict(person, fields=services.PROFILE_FIELDS)
    # Unbound from `person`, so the service sees what changed and the page keeps the saved values on errors.
    form = forms.ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.person_update_profile(person=person, **{name: form.cleaned_data[name] for name in form.changed_data})
        messages.success(request, _("Your profile is saved."))
        response = redirect("people:profile")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            person.preferred_language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
        return response
    context = {"form": form, "roles": roles_of(person), "two_factor_on": two_factor.two_factor_enabled(person=person)}
    return render(request, "people/profile.html", context)


@login_required
def institution_people(request: HttpRequest, pk: int) -> HttpResponse:
    institution = get_object_or_404(Institution, pk=pk)
    require(request.user, Action.INSTITUTION_PEOPLE_VIEW, institution)
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(institution_people_list(institution=institution, search=search), PEOPLE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"institution": institution, "page": page, "search": search}
    return render(request, "people/institution_people.html", context)


@login_required
def staff_import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    institution = get_object_or_404(Institution, pk=pk)
    require(request.user, Action.INSTITUTION_STAFF_INVITE, institution)
    form = forms.StaffImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            staff_import = services.staff_import_create(
                institution=institution, uploaded_by=_signed_in(request), file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("people:staff_import_detail", pk=staff_import.pk)
    context = {
        "institution": institution,
        "form": form,
        "recent_imports": staff_imports_of(institution=institution)[:10],
        "columns": imports.COLUMNS,
        "required_columns": imports.REQUIRED_COLUMNS,
        "max_rows": settings.ERDEM_IMPORT_MAX_ROWS,
        "max_bytes": settings.ERDEM_IMPORT_MAX_BYTES,
    }
    return render(request, "people/staff_import_upload.html", context)


def _staff_import_for(request: HttpRequest, pk: int) -> StaffImport:
    staff_import = get_object_or_404(StaffImport.objects.select_related("institution", "uploaded_by", "job"), pk=pk)
    require(request.user, Action.INSTITUTION_STAFF_INVITE, staff_import.institution)
    return staff_import


@login_required
def staff_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff_import = services.staff_import_recount(staff_import=_staff_import_for(request, pk))
    rows = [
        {**row, "messages": [imports.problem_message(problem) for problem in row["problems"]]}
        for row in staff_import.report
    ]
    context = {
        "staff_import": staff_import,
        "institution": staff_import.institution,
        "rows": rows,
        "lost_letters_count": sum(1 for row in staff_import.report if imports.has_lost_letters(row)),
        "can_commit": staff_import.invite_count > 0 and staff_import.status in services.STAFF_IMPORT_OPEN,
    }
    return render(request, "people/staff_import_detail.html", context)


@login_required
@require_POST
def staff_import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    staff_import = services.staff_import_recount(staff_import=_staff_import_for(request, pk))
    if staff_import.invite_count == 0:
        messages.error(request, _("There is nobody to invite in this file."))
        return redirect("people:staff_import_detail", pk=staff_import.pk)
    job = services.staff_import_commit(staff_import=staff_import, by=_signed_in(request))
    return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))
