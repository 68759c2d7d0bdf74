"""What learners and the public see of a credential.

- `mine`: the holder's credentials, with every way to take them elsewhere (PDF, Open Badges
  JSON and JWT for wallets, a share link, LinkedIn), their choices for the public page, and
  the achievements they are working towards.
- `public`: the page a QR code opens. The verdict comes first; the holder's name only when
  they chose to show it. The same URL answers `Accept: application/ld+json` (or
  `application/json`, or `?format=json`) with the signed credential, since the URL is the
  credential's id.
- `download_json` / `download_jwt`: the signed files. Anyone with the link may have them: the
  credential names nobody, it carries only a salted hash of the e-mail address.
- `achievement`: the public description of what can be earned (HTML or the OB 3.0 Achievement).

A revocation's reason is internal (it may name a misconduct case); the public page says when,
never why. Permissions come from erdem.access.policy; writes go through the services.
"""

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlencode
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from erdem.access.policy import Action, can, require
from erdem.core.i18n import LANGUAGE_CODES, active_language, localized
from erdem.core.uploads import IMAGES, SNIFF_BYTES, content_disposition, file_response, sniff
from erdem.credentials.certificate_data import CERTIFICATE_TIME_ZONE, credential_json
from erdem.credentials.certificate_views import certificate_pdf_allowed
from erdem.credentials.documents import achievement_document
from erdem.credentials.identity import credential_url
from erdem.credentials.models import Achievement, Credential, CredentialEvent
from erdem.credentials.rules import RuleOutcome, rules_evaluate
from erdem.credentials.services import IssuanceError, credential_show_name_set, credential_subject_did_set
from erdem.credentials.verification import INVALID, credential_verify
from erdem.people.models import Person

# The media types a client may ask the public page for instead of HTML; the first is the default.
JSON_TYPES = ("application/ld+json", "application/vc+ld+json", "application/json")
HTML_TYPE = "text/html"
# A few automatic achievements at most; the bound keeps `mine` cheap whatever the programme defines.
PROGRESS_ACHIEVEMENTS_MAX = 12
LINKEDIN_ADD_URL = "https://www.linkedin.com/profile/add"


# --- helpers ---------------------------------------------------------------------------------------------


def _person(request: HttpRequest) -> Person:
    return cast(Person, request.user)


def _credential(public_id: UUID) -> Credential:
    found = (
        Credential.objects.filter(public_id=public_id)
        .select_related("achievement__programme__national_centre", "person", "replaced_by", "replaces")
        .first()
    )
    if found is None:
        raise Http404
    return found


def _json_type(request: HttpRequest) -> str | None:
    """The JSON media type to answer with, or None for the HTML page."""
    if request.GET.get("format") == "json":
        return JSON_TYPES[0]
    preferred = request.get_preferred_type([HTML_TYPE, *JSON_TYPES])
    if preferred is None:
        # A type with parameters (application/ld+json;profile="…") matches none of ours exactly.
        for accepted in request.accepted_types:
            bare = f"{accepted.main_type}/{accepted.sub_type}"
            if bare in JSON_TYPES:
                return bare
    return preferred if preferred in JSON_TYPES else None


def _json_response(body: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-cache"
    return response


def issued_on(credential: Credential) -> dt.date:
    """The day of issue where the programme runs, as on the certificate."""
    return timezone.localtime(credential.issued_at, CERTIFICATE_TIME_ZONE).date()


def download_name(credential: Credential, extension: str) -> str:
    """ "AI-101-MC_2026-11-28.json": the achievement's code and the day of issue."""
    return f"{credential.achievement.code}_{issued_on(credential).isoformat()}.{extension}"


@dataclass(frozen=True)
class Text:
    """A text and the language it is written in, for the `lang` attribute."""

    value: str
    language: str


def _text(obj: Any, name: str) -> Text:
    """`obj.<name>_<language>` in the reader's language, else the other one."""
    language = active_language()
    for code in (language, *(code for code in LANGUAGE_CODES if code != language)):
        value = str(getattr(obj, f"{name}_{code}", "") or "").strip()
        if value:
            return Text(value, code)
    return Text("", language)


def holder_names(person: Person) -> list[Text]:
    """The holder's name, the form in the reader's script first (Latin on English pages, where
    there is one), then the other form when it differs."""
    forms_ = [Text(person.full_name, "mn"), Text(person.full_name_latin, "en")]
    if active_language() == "en":
        forms_.reverse()
    names: list[Text] = []
    for name in forms_:
        if name.value and all(name.value != other.value for other in names):
            names.append(name)
    return names


# --- the verdict -----------------------------------------------------------------------------------------


class Verdict:
    VALID = "valid"
    INVALID = "invalid"  # recorded as valid, but its checks fail (a damaged record, a lost key)
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    REPLACED = "replaced"


def credential_state(credential: Credential, now: dt.datetime | None = None) -> str:
    """What a verifier should conclude, from the stored status and the expiry date."""
    if credential.status == Credential.Status.REVOKED:
        return Verdict.REVOKED
    if credential.status == Credential.Status.REPLACED:
        return Verdict.REPLACED
    if credential.status == Credential.Status.SUSPENDED:
        return Verdict.SUSPENDED
    if credential.valid_until is not None and credential.valid_until <= (now or timezone.now()):
        return Verdict.EXPIRED
    return Verdict.VALID


@dataclass(frozen=True)
class VerdictView:
    state: str
    since: dt.datetime | None  # when the credential became what the verdict says
    replacement: Credential | None = None


_STATE_EVENTS = {Verdict.REVOKED: CredentialEvent.Action.REVOKE, Verdict.SUSPENDED: CredentialEvent.Action.SUSPEND}


def credential_verdict(credential: Credential) -> VerdictView:
    state = credential_state(credential)
    if state in _STATE_EVENTS:
        event = credential.events.filter(action=_STATE_EVENTS[state]).order_by("-at", "-id").first()
        return VerdictView(state, event.at if event else None)
    if state == Verdict.REPLACED:
        replacement = getattr(credential, "replaced_by", None)
        return VerdictView(state, replacement.issued_at if replacement else None, replacement)
    if state == Verdict.EXPIRED:
        return VerdictView(state, credential.valid_until)
    return VerdictView(state, credential.issued_at)


# --- the achievement, as the public reads it -------------------------------------------------------------


def _number(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


@dataclass
class AchievementView:
    """What the public pages show of an achievement, in the reader's language where there is a choice."""

    achievement: Achievement
    names: list[Text]  # the reader's language first; each with its `lang`
    traditional: Text | None  # the name in the traditional Mongolian script, shown apart (it runs vertically)
    description: Text
    criteria: Text
    outcomes: Text
    elements: list[tuple[str, Text]]  # the EU micro-credential elements: (term, value and its language)
    competencies: list[tuple[str, str, str, str]]  # (framework, framework code, code, name)


def achievement_view(achievement: Achievement) -> AchievementView:
    language = active_language()
    names = [
        Text(value, code)
        for code in sorted(achievement.languages, key=lambda code: code != language)
        if (value := str(getattr(achievement, f"name_{code}", "") or "").strip())
    ]
    traditional = Text(achievement.name_traditional, "mn-Mong") if achievement.name_traditional.strip() else None

    def element(term: str, value: str) -> tuple[str, Text]:
        return term, Text(value, language)

    elements: list[tuple[str, Text]] = [
        element(_("Notional workload"), _("%(hours)s hours") % {"hours": _number(achievement.workload_hours)})
    ]
    if achievement.ects is not None:
        elements.append(element(_("ECTS credits"), _number(achievement.ects)))
    if achievement.mn_credits is not None:
        elements.append(element(_("Mongolian credits"), _number(achievement.mn_credits)))
    if achievement.eqf_level:
        elements.append(element(_("EQF level"), str(achievement.eqf_level)))
    if achievement.nqf_level:
        elements.append(element(_("Mongolian qualification framework level"), str(achievement.nqf_level)))
    elements.append(element(_("Type of assessment"), achievement.get_assessment_type_display()))
    elements.append(element(_("Form of participation"), achievement.get_participation_display()))
    if (quality := _text(achievement, "quality_assurance")).value:
        elements.append((_("Quality assurance"), quality))
    if (prerequisites := _text(achievement, "prerequisites")).value:
        elements.append((_("Prerequisites"), prerequisites))
    elements.append(
        element(
            _("Validity"),
            _("%(months)s months from the date of issue") % {"months": achievement.valid_months}
            if achievement.valid_months
            else _("Does not expire"),
        )
    )
    competencies = [
        (competency.framework.name, competency.framework.code, competency.code, competency.name)
        for competency in achievement.competencies.select_related("framework").order_by("framework__code", "code")
    ]
    return AchievementView(
        achievement=achievement,
        names=names,
        traditional=traditional,
        description=_text(achievement, "description"),
        criteria=_text(achievement, "criteria"),
        outcomes=_text(achievement, "outcomes"),
        elements=elements,
        competencies=competencies,
    )


# --- the holder's list -----------------------------------------------------------------------------------


def linkedin_url(credential: Credential) -> str:
    """LinkedIn's "add a licence or certification" form, filled in (a plain link: no LinkedIn script)."""
    achievement = credential.achievement
    issued = timezone.localtime(credential.awarded_at, CERTIFICATE_TIME_ZONE)  # when it was earned
    parameters: dict[str, Any] = {
        "startTask": "CERTIFICATION_NAME",
        "name": localized(achievement, "name"),
        "organizationName": achievement.programme.national_centre.name,
        "issueYear": issued.year,
        "issueMonth": issued.month,
    }
    if credential.valid_until is not None:
        expires = timezone.localtime(credential.valid_until, CERTIFICATE_TIME_ZONE)
        parameters.update(expirationYear=expires.year, expirationMonth=expires.month)
    parameters.update(certUrl=credential_url(credential.public_id), certId=credential.verification_code)
    return f"{LINKEDIN_ADD_URL}?{urlencode(parameters)}"


@dataclass
class CredentialCard:
    credential: Credential
    name: Text
    state: str
    share_url: str
    linkedin_url: str
    did_form: "DidForm | None" = None  # a refused attempt to link a DID, shown again with its errors

    @property
    def anchor(self) -> str:
        return f"credential-{self.credential.public_id}"


@dataclass
class Progress:
    """An automatic achievement the person has started on: what is met and what is missing."""

    achievement: Achievement
    name: Text
    met: int
    total: int
    missing: list[RuleOutcome] = field(default_factory=list)


def _holder_credentials(person: Person) -> QuerySet[Credential]:
    return (
        Credential.objects.filter(person=person)
        .select_related("achievement__programme__national_centre", "replaced_by")
        .order_by("-issued_at", "-id")
    )


def _working_towards(person: Person, held: set[int]) -> list[Progress]:
    """Active automatic achievements the person does not hold and meets at least one rule of.
    A fixed number of queries per achievement (its rules), none per credential."""
    achievements = (
        Achievement.objects.filter(status=Achievement.Status.ACTIVE, auto_issue=True, rules__isnull=False)
        .exclude(pk__in=held)
        .distinct()
        .order_by("programme_id", "code")[:PROGRESS_ACHIEVEMENTS_MAX]
    )
    rows = []
    for achievement in achievements:
        outcomes = rules_evaluate(achievement, [person.pk])[person.pk].outcomes
        met = sum(1 for outcome in outcomes if outcome.met)
        if met:
            missing = [outcome for outcome in outcomes if not outcome.met]
            rows.append(Progress(achievement, _text(achievement, "name"), met, len(outcomes), missing))
    return rows


def _mine_response(
    request: HttpRequest, *, refused: "DidForm | None" = None, refused_id: int | None = None
) -> HttpResponse:
    """The holder's page; `refused` is a DID form to show again, with its errors, on the card of `refused_id`."""
    person = _person(request)
    current: list[CredentialCard] = []
    history: list[CredentialCard] = []
    for credential in _holder_credentials(person):
        card = CredentialCard(
            credential=credential,
            name=_text(credential.achievement, "name"),
            state=credential_state(credential),
            share_url=credential_url(credential.public_id),
            linkedin_url=linkedin_url(credential),
            did_form=refused if credential.pk == refused_id else None,
        )
        (current if credential.is_current else history).append(card)
    held = {card.credential.achievement_id for card in current}
    context = {
        "current": current,
        "history": history,
        "progress": _working_towards(person, held),
    }
    return render(request, "credentials/mine.html", context, status=400 if refused is not None else 200)


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    return _mine_response(request)


class ShowNameForm(forms.Form):
    show_name = forms.BooleanField(label=gettext_lazy("Show my name on the public page"), required=False)


class DidForm(forms.Form):
    did = forms.CharField(
        label=gettext_lazy("Your DID"),
        max_length=300,
        help_text=gettext_lazy("For example did:key:z6Mk… from your digital wallet."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand: the current link, QR code and LinkedIn entry will stop verifying; "
            "the new credential replaces it."
        ),
        error_messages={"required": gettext_lazy("Please confirm that the new credential replaces the current one.")},
    )


@login_required
@require_POST
def holder_settings(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The holder's choices for one credential: whether the public page shows their name, and
    linking their DID (which reissues the credential to it, once they confirm that the current
    link stops verifying). A refused DID shows the form again with the reason next to the field."""
    credential = _credential(public_id)
    require(request.user, Action.CREDENTIAL_OWN, credential)
    back = f"{reverse('credentials:mine')}#credential-{credential.public_id}"
    change = request.POST.get("change")
    if change == "show_name":
        form = ShowNameForm(request.POST)
        form.is_valid()  # a checkbox: absent means off
        show_name = bool(form.cleaned_data.get("show_name"))
        credential_show_name_set(credential=credential, show_name=show_name)
        if show_name:
            messages.success(request, _("The public page of this credential now shows your name."))
        else:
            messages.success(request, _("The public page of this credential no longer shows your name."))
        return redirect(back)
    if change == "did":
        did_form = DidForm(request.POST)
        if not did_form.is_valid():
            return _mine_response(request, refused=did_form, refused_id=credential.pk)
        did = did_form.cleaned_data["did"].strip()
        if did == credential.subject_did:
            messages.info(request, _("This credential is already linked to that DID."))
            return redirect(back)
        try:
            new = credential_subject_did_set(credential=credential, person=_person(request), did=did)
        except IssuanceError as error:
            did_form.add_error("did", str(error))
            return _mine_response(request, refused=did_form, refused_id=credential.pk)
        messages.success(
            request,
            _(
                "Your credential was reissued to your DID. The previous one is kept in your history as "
                "replaced; share the new link from now on."
            ),
        )
        return redirect(f"{reverse('credentials:mine')}#credential-{new.public_id}")
    messages.error(request, _("Nothing was changed: the form was incomplete. Please try again."))
    return redirect(back)


# --- the public page and the signed files ----------------------------------------------------------------


@require_safe
def public(request: HttpRequest, public_id: UUID) -> HttpResponse:
    credential = _credential(public_id)
    json_type = _json_type(request)
    response: HttpResponse
    if json_type is not None:
        response = _json_response(credential_json(credential), json_type)
    else:
        viewer = request.user
        holder = viewer.is_authenticated and credential.person_id == viewer.pk
        verdict = credential_verdict(credential)
        verification = credential_verify(credential.document)
        if verdict.state == Verdict.VALID and verification.verdict == INVALID:
            verdict = VerdictView(Verdict.INVALID, None)
        context = {
            "credential": credential,
            "verdict": verdict,
            "checks": verification.checks,
            "achievement": achievement_view(credential.achievement),
            "issuer": _text(credential.achievement.programme.national_centre, "name"),
            "holder_names": holder_names(credential.person),
            "reissued": credential.issued_at != credential.awarded_at,
            "holder": holder,
            "pdf_allowed": certificate_pdf_allowed(viewer, credential),
            "may_manage": can(viewer, Action.CREDENTIAL_REVOKE, credential.achievement.programme),
            "share_url": credential_url(credential.public_id),
            "verify_url": f"{reverse('credentials:verify')}?{urlencode({'url': credential_url(credential.public_id)})}",
        }
        response = render(request, "credentials/public.html", context)
        response["Cache-Control"] = "no-cache"  # a revocation must show at once
    patch_vary_headers(response, ["Accept"])
    return response


def _download(credential: Credential, body: bytes, *, content_type: str, extension: str) -> HttpResponse:
    response = _json_response(body, content_type)
    response["Content-Disposition"] = content_disposition(download_name(credential, extension), inline=False)
    return response


@require_safe
def download_json(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The signed credential, Data Integrity form (Open Badges 3.0 JSON-LD), for wallets and verifiers."""
    credential = _credential(public_id)
    return _download(credential, credential_json(credential), content_type="application/vc+ld+json", extension="json")


@require_safe
def download_jwt(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The signed credential, VC-JWT form."""
    credential = _credential(public_id)
    return _download(credential, credential.jwt.encode(), content_type="application/vc+jwt", extension="jwt")


# --- achievements ----------------------------------------------------------------------------------------


def _achievement(request: HttpRequest, public_id: UUID) -> Achievement:
    """A published (active or retired) achievement; a draft only for those who manage it."""
    found = Achievement.objects.filter(public_id=public_id).select_related("programme__national_centre").first()
    if found is None:
        raise Http404
    if found.status == Achievement.Status.DRAFT and not can(request.user, Action.ACHIEVEMENT_MANAGE, found.programme):
        raise Http404
    return found


@require_safe
def achievement(request: HttpRequest, public_id: UUID) -> HttpResponse:
    found = _achievement(request, public_id)
    json_type = _json_type(request)
    response: HttpResponse
    if json_type is not None:
        body = json.dumps(achievement_document(found), ensure_ascii=False, indent=2).encode()
        response = _json_response(body, json_type)
    else:
        context = {"achievement": achievement_view(found), "issuer": _text(found.programme.national_centre, "name")}
        response = render(request, "credentials/achievement.html", context)
    patch_vary_headers(response, ["Accept"])
    return response


@require_safe
def achievement_image(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    found = _achievement(request, public_id)
    if not found.image:
        raise Http404
    try:
        with found.image.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as error:  # the row names a file the storage no longer has
        raise Http404 from error
    kind = sniff(head)
    if kind is None or kind.key not in IMAGES:
        raise Http404  # never serve as an image what is not one
    return file_response(
        request,
        found.image,
        filename=f"{found.code}.{kind.extensions[0]}",
        content_type=kind.mime,
        inline=True,
        max_age=3600,
    )
