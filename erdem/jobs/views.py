from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from erdem.access.policy import Action, can
from erdem.jobs.models import Job
from erdem.jobs.selectors import job_status, jobs_of


def _visible_job(request: HttpRequest, pk: UUID) -> Job:
    job = get_object_or_404(Job.objects.select_related("started_by"), pk=pk)
    if not can(request.user, Action.JOB_VIEW, job):
        raise Http404
    return job


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/list.html", {"jobs": jobs_of(request.user)[:50]})


@login_required
def job_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    job = _visible_job(request, pk)
    return render(request, "jobs/detail.html", {"job": job, "result_template": _result_template(job)})


def _result_template(job: Job) -> str | None:
    """The app that owns a kind of job may describe its result in `jobs/results/<kind>.html`,
    rendered in the reader's language (the stored result holds figures, not sentences)."""
    name = f"jobs/results/{job.kind}.html"
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    return name


@login_required
def job_status_json(request: HttpRequest, pk: UUID) -> JsonResponse:
    return JsonResponse(job_status(_visible_job(request, pk)))
