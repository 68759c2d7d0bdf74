"""The world the API fuzzing runs against: the permissions matrix's people and objects, their credentials, and
the identifiers of real objects for the generated paths."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from erdem.access.models import RoleAssignment
from erdem.cascade.models import MentorAssignment
from erdem.catalog.models import Course, Lesson
from erdem.credentials.models import Achievement, Credential
from erdem.jobs.models import Job
from erdem.learning.models import Cohort, Enrolment
from erdem.organisations.models import Institution, Region
from erdem.portfolio.models import Entry, Portfolio
from erdem.programmes.models import Programme
from erdem.recognition.models import RecognitionRequest
from erdem.workshops.models import Workshop
from tests.test_permissions_matrix import World


@dataclass
class FuzzWorld:
    """The matrix world, the credentials of each caller, and the values of real objects for each path parameter."""

    world: World
    credentials: dict[str, dict[str, dict[str, str]]]  # caller -> {"headers": ..., "cookies": ...}
    path_values: dict[str, list[str]]  # path parameter name -> identifiers of existing objects


def credentials_of(world: World) -> dict[str, dict[str, dict[str, str]]]:
    """Each caller's headers and cookies. Hypothesis draws the first ones more often: the people who can do most."""
    callers: dict[str, dict[str, dict[str, str]]] = {}
    for role in (
        "educator",
        "national_admin",
        "coordinator",
        "mentor",
        "master_teacher",
        "other_coordinator",
        "ministry_viewer",
    ):
        callers[role] = {"headers": {"Authorization": f"Bearer {world.tokens[role]}"}, "cookies": {}}
    # A browser session without the CSRF token: reads work, writes are refused.
    callers["educator_session"] = {
        "headers": {},
        "cookies": {settings.SESSION_COOKIE_NAME: world.sessions["educator"]},
    }
    # A token that is not valid is refused everywhere, public endpoints included.
    callers["invalid_token"] = {"headers": {"Authorization": "Bearer erdem_not-a-valid-token"}, "cookies": {}}
    callers["anonymous"] = {"headers": {}, "cookies": {}}
    return callers


def _strings(values: Any) -> list[str]:
    return sorted({str(value) for value in values if value})


def path_values() -> dict[str, list[str]]:
    public_ids = [
        *Achievement.objects.values_list("public_id", flat=True),
        *Credential.objects.values_list("public_id", flat=True),
        *RecognitionRequest.objects.values_list("public_id", flat=True),
        *Entry.objects.values_list("public_id", flat=True),
    ]
    return {
        "person_id": _strings(RoleAssignment.objects.values_list("person_id", flat=True)),
        "assignment_id": _strings(RoleAssignment.objects.values_list("pk", flat=True)),
        "job_id": _strings(Job.objects.values_list("pk", flat=True)),
        "enrolment_id": _strings(Enrolment.objects.values_list("pk", flat=True)),
        "lesson_id": _strings(Lesson.objects.values_list("pk", flat=True)),
        "cohort_id": _strings(Cohort.objects.values_list("pk", flat=True)),
        "workshop_id": _strings(Workshop.objects.values_list("pk", flat=True)),
        "pk": _strings(MentorAssignment.objects.values_list("pk", flat=True)),
        "public_id": _strings(public_ids),
        "code": _strings(
            [*Institution.objects.values_list("code", flat=True), *Course.objects.values_list("code", flat=True)]
        ),
        "iso_code": _strings(Region.objects.values_list("iso_code", flat=True)[:5]),
        "slug": _strings(Programme.objects.values_list("slug", flat=True)),
        "token": _strings(Portfolio.objects.values_list("public_token", flat=True)),
    }
