"""Background jobs of the insights app: each takes ids and calls a service."""

from typing import Any

from erdem.jobs.models import Job
from erdem.jobs.services import job_task
from erdem.programmes.models import Programme


@job_task
def rollup_refresh_task(*, job: Job, programme_id: int) -> dict[str, Any]:
    from erdem.insights.rollups import rollup_refresh

    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        return {}
    return {"rows": rollup_refresh(programme=programme)}


@job_task
def survey_sending_task(*, job: Job, programme_id: int) -> dict[str, Any]:
    from erdem.insights.surveys import surveys_send_due

    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        return {}
    return surveys_send_due(programme=programme, job=job)


@job_task
def national_report_task(*, job: Job, report_id: int) -> dict[str, Any]:
    from erdem.insights.reports import report_build

    return report_build(report_id=report_id, job=job)
