"""The two-factor sign-in pages (erdem.people.two_factor): entering a code, setting up an app with its
backup codes, turning it off; and the Django admin's sign-in, which goes through erdem's own."""

from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from erdem.people import two_factor
from erdem.people.models import Person
from erdem.people.two_factor_forms import AppCodeForm, CodeForm


def _next_url(request: HttpRequest) -> str:
    """Where to go once the code is entered: the page asked for, if it is on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _refusal(check: two_factor.CodeCheck) -> str:
    if check.wait_seconds:
        return ngettext(
            "Too many wrong codes. Wait %(seconds)d second, then type the code your app shows now.",
            "Too many wrong codes. Wait %(seconds)d seconds, then type the code your app shows now.",
            check.wait_seconds,
        ) % {"seconds": check.wait_seconds}
    return _("This code is wrong or has expired. Type the code your app shows now, or one of your backup codes.")


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    person = cast(Person, request.user)
    next_url = _next_url(request)
    if request.user.is_verified():  # type: ignore[union-attr]
        return HttpResponseRedirect(next_url)
    if not two_factor.two_factor_enabled(person=person):
        if two_factor.two_factor_required(person=person):
            return HttpResponseRedirect(_with_next("people:two_factor_enrol", next_url))
        request.session.pop(two_factor.SESSION_PENDING_KEY, None)
        return HttpResponseRedirect(next_url)
    form = CodeForm(
        request.POST or None,
        help_text=_("The six digits your authenticator app shows for erdem, or one of your backup codes."),
    )
    if request.method == "POST" and form.is_valid():
        check = two_factor.two_factor_verify(request=request, person=person, code=form.cleaned_data["code"])
        if check.accepted:
            return HttpResponseRedirect(next_url)
        form.add_error("code", _refusal(check))
    return render(request, "people/two_factor/verify.html", {"form": form, "next": next_url})


@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    person = cast(Person, request.user)
    next_url = _next_url(request)
    if two_factor.two_factor_enabled(person=person):
        if request.user.is_verified():  # type: ignore[union-attr]
            messages.info(request, _("Two-factor sign-in is already on."))
            return redirect("people:profile")
        return HttpResponseRedirect(_with_next("people:two_factor_verify", next_url))
    device = two_factor.totp_device_start(request=request, person=person)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = two_factor.totp_device_confirm(
            request=request, person=person, device=device, code=form.cleaned_data["code"]
        )
        if check.accepted:
            return HttpResponseRedirect(_with_next("people:two_factor_backup_codes", next_url))
        form.add_error("code", _refusal(check))
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": two_factor.totp_qr_svg(device=device),
        "key_text": two_factor.totp_key_text(device=device),
        "required": two_factor.two_factor_required(person=person),
    }
    return render(request, "people/two_factor/enrol.html", context)


@login_required
def two_factor_backup_codes(request: HttpRequest) -> HttpResponse:
    """The backup codes just made, shown this once."""
    codes = request.session.pop(two_factor.SESSION_BACKUP_CODES_KEY, None)
    if not codes:
        return redirect("people:profile")
    return render(request, "people/two_factor/backup_codes.html", {"codes": codes, "next": _next_url(request)})


@login_required
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    person = cast(Person, request.user)
    if not two_factor.two_factor_enabled(person=person):
        return redirect("people:profile")
    form = CodeForm(
        request.POST or None,
        help_text=_("The six digits your authenticator app shows for erdem now, or one of your backup codes."),
    )
    if request.method == "POST" and form.is_valid():
        check = two_factor.two_factor_remove(request=request, person=person, code=form.cleaned_data["code"])
        if check.accepted:
            messages.success(request, _("Two-factor sign-in is off, and your backup codes no longer work."))
            return redirect("people:profile")
        form.add_error("code", _refusal(check))
    context = {"form": form, "required": two_factor.two_factor_required(person=person)}
    return render(request, "people/two_factor/remove.html", context)


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The Django admin's sign-in page: erdem's own, with its throttling and its two-factor step."""
    next_url = request.GET.get("next") or reverse("admin:index")
    if not request.user.is_authenticated:
        return HttpResponseRedirect(_with_next(settings.LOGIN_URL, next_url))
    if two_factor.two_factor_pending(request=request):
        return HttpResponseRedirect(_with_next("people:two_factor_verify", next_url))
    raise PermissionDenied("admin")


def admin_site_protect(site: AdminSite) -> None:
    """Sign in to `site` through erdem's pages, and let in only sessions that owe no two-factor code."""
    plain_has_permission = site.has_permission

    def has_permission(request: HttpRequest) -> bool:
        return plain_has_permission(request) and not two_factor.two_factor_pending(request=request)

    setattr(site, "has_permission", has_permission)  # noqa: B010  # an instance's method, replaced
    setattr(site, "login", admin_login)  # noqa: B010
