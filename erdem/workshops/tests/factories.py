import datetime as dt
from typing import Any

from django.utils import timezone

from erdem.catalog.models import Course
from erdem.learning.models import Cohort
from erdem.organisations.models import Institution
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.workshops.models import Registration, Workshop


def workshop_build(
    *,
    course: Course,
    programme: Programme | None = None,
    starts_at: dt.datetime | None = None,
    hours: int = 2,
    capacity: int = 20,
    trainers: list[Person] | None = None,
    cohort: Cohort | None = None,
    **fields: Any,
) -> Workshop:
    """A scheduled in-person workshop of `course` starting in an hour unless told otherwise."""
    starts = starts_at or timezone.now() + dt.timedelta(hours=1)
    workshop = Workshop.objects.create(
        programme=programme or course.programme,
        course=course,
        cohort=cohort,
        title_mn=fields.pop("title_mn", "Семинар"),
        title_en=fields.pop("title_en", "Workshop"),
        place=fields.pop("place", "Room 101"),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
        capacity=capacity,
        **fields,
    )
    if trainers:
        workshop.trainers.set(trainers)
    return workshop


def register(workshop: Workshop, *people: Person, status: str = Registration.Status.REGISTERED) -> None:
    Registration.objects.bulk_create([Registration(workshop=workshop, person=p, status=status) for p in people])


MATRIX_SHEET = b"email;status\nnobody@example.mn;present\n"


def matrix_workshop_create(*, course: Course, cohort: Cohort, trainer: Person, institution: Institution) -> Workshop:
    """The permissions matrix's workshop: of the cohort (its educator is on the roster), led by
    the trainer, at the coordinator's institution, started ten minutes ago."""
    from erdem.organisations.models import Region

    return workshop_build(
        course=course,
        cohort=cohort,
        trainers=[trainer],
        institution=institution,
        region=Region.objects.get(iso_code="MN-1"),
        title_en="matrix workshop",
        starts_at=timezone.now() - dt.timedelta(minutes=10),
    )
