"""Certificate files: one credential's PDF, and a cohort's certificates in one ZIP.

The PDF is a copy of what was issued, drawn on request (it takes a fraction of a second) in
the credential's own languages. It carries the holder's name, so it goes to the holder, to
those who may see the credential's record (CREDENTIAL_VIEW), and to anyone else only while
the credential is active and its holder shows their name on the public page: a revoked,
suspended or replaced credential's certificate is not handed out afresh to the public; the
public page tells its status instead.
"""

import logging
from types import SimpleNamespace
from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from erdem.access.policy import Action, can, require
from erdem.core.uploads import content_disposition, file_response
from erdem.credentials.archives import (
    ArchiveError,
    archive_cohorts,
    archive_download_name,
    archive_jobs_of,
    certificate_archive_start,
)
from erdem.credentials.certificate_data import CERTIFICATE_TIME_ZONE, certificate_render
from erdem.credentials.certificates import CertificateError
from erdem.credentials.models import Achievement, Credential
from erdem.jobs.models import Job
from erdem.people.models import Person

logger = logging.getLogger(__name__)


def certificate_pdf_allowed(viewer: Any, credential: Credential) -> bool:
    """The holder and those who see the credential's record always; others while it is active and named."""
    if can(viewer, Action.CREDENTIAL_VIEW, credential):
        return True
    return credential.show_name and credential.status == Credential.Status.ACTIVE


@require_safe
def certificate_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    credential = (
        Credential.objects.filter(public_id=public_id)
        .select_related("achievement__programme__national_centre", "person")
        .first()
    )
    if credential is None:
        raise Http404
    if not certificate_pdf_allowed(request.user, credential):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied(Action.CREDENTIAL_VIEW.value)
    try:
        pdf = certificate_render(credential)
    except CertificateError:
        logger.exception("certificate of credential %s could not be drawn", credential.pk)
        messages.error(
            request,
            _("The certificate could not be drawn. The credential itself is not affected; please tell the programme."),
        )
        return redirect("credentials:public", public_id=credential.public_id)
    issued = timezone.localtime(credential.issued_at, CERTIFICATE_TIME_ZONE).date()
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{credential.achievement.code}_{issued.isoformat()}.pdf"
    response["Content-Disposition"] = content_disposition(filename, inline=True)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


# --- a cohort's certificates -----------------------------------------------------------------------------


def _achievement(public_id: UUID) -> Achievement:
    found = Achievement.objects.filter(public_id=public_id).select_related("programme").first()
    if found is None:
        raise Http404
    return found


def _archive_download(request: HttpRequest, achievement: Achievement, job_id: str) -> HttpResponseBase:
    """The ZIP of a finished archive job: only for the person who started it."""
    try:
        job_uuid = UUID(job_id)
    except ValueError as error:
        raise Http404 from error
    job = Job.objects.filter(
        pk=job_uuid, kind=Job.Kind.CERTIFICATE_ARCHIVE, status=Job.Status.SUCCEEDED, started_by_id=request.user.pk
    ).first()
    if job is None or job.result.get("achievement") != str(achievement.public_id):
        raise Http404
    path = str(job.result.get("path", ""))
    if not path or not default_storage.exists(path):
        raise Http404
    stored = SimpleNamespace(name=path, storage=default_storage, size=default_storage.size(path))
    return file_response(
        request,
        stored,
        filename=archive_download_name(achievement, str(job.result.get("cohort_name", ""))),
        content_type="application/zip",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def certificate_archive(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    """National admins: choose a cohort, and a background job gathers its certificates in one ZIP."""
    achievement = _achievement(public_id)
    require(request.user, Action.CREDENTIAL_ISSUE, achievement.programme)
    person = cast(Person, request.user)
    if request.method != "POST" and "download" in request.GET:
        return _archive_download(request, achievement, request.GET["download"])
    cohorts = archive_cohorts(achievement=achievement)
    error = ""
    if request.method == "POST":
        chosen = next((cohort for cohort in cohorts if str(cohort.pk) == request.POST.get("cohort", "")), None)
        if chosen is None:
            error = _("Please choose one of the cohorts listed.")
        else:
            try:
                job = certificate_archive_start(achievement=achievement, cohort=chosen, actor=person)
            except ArchiveError as refusal:
                error = str(refusal)
            else:
                return redirect("jobs:detail", pk=job.pk)
    context = {
        "achievement": achievement,
        "cohorts": cohorts,
        "error": error,
        "chosen": request.POST.get("cohort", ""),
        "archives": archive_jobs_of(person=person, achievement=achievement),
    }
    return render(request, "credentials/certificate_archive.html", context)
