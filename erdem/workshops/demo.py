"""The demo step for workshops: the demo cohorts' counting workshops, and workshops across the
regions, past and upcoming, with trainers from the demo's cascade, registrations and attendance.

Runs after the learning step and derives from the enrolments in the database, so that the
completion rule for workshops holds: every completed enrolment in a cohort attended each of
its cohort's counting workshops, which are dated before the cohort's first completion; the
cohort's other members attended some. Regional workshops have no cohort and count for no
one's completion. Past dates are fixed; upcoming workshops are dated from today, so the
demo always has some to register for (and one today for the demo trainer, to show check-in).
"""

import datetime as dt
import random
import uuid
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone

from erdem.access.models import Role, RoleAssignment
from erdem.catalog.models import Course
from erdem.learning.models import Cohort, Enrolment
from erdem.organisations.models import Institution, Region
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.workshops.models import Attendance, AttendanceMark, Registration, Workshop

if TYPE_CHECKING:
    from erdem.demo.services import DemoRun

_LOCAL = zoneinfo.ZoneInfo("Asia/Ulaanbaatar")
BATCH_SIZE = 5000
TITLES = {
    "ai-101": ("Үүсгэгч хиймэл оюун: танхимын семинар", "Generative AI: a hands-on workshop"),
    "ai-102": ("Хиймэл оюунтай хичээл: промпт бичих дадлага", "Teaching with AI: prompt-writing practice"),
    "ai-103": ("Ирээдүйн анги: туршлага солилцох уулзалт", "The future classroom: sharing practice"),
    "dig-201": ("Цахим үнэлгээ: дадлагын семинар", "Digital assessment: a practice session"),
}
ROOMS = ("Хурлын танхим", "Сургалтын танхим 2", "Компьютерийн лаб 305", "Номын сангийн уншлагын танхим")
TOWN_HALL = "Аймгийн Засаг даргын Тамгын газар, хурлын танхим"  # where a region without a university meets
PAST_REGIONAL_DAYS = (2024, 11, 2)  # the first regional round, one region a day from this date
CAPACITY = 30


@dataclass
class _Plan:
    """The rows to write, kept as plain tuples until the workshops have their ids."""

    rng: random.Random
    trainers_by_region: dict[int | None, list[int]]
    all_trainers: list[int]
    workshops: list[Workshop] = field(default_factory=list)
    trainer_links: list[list[int]] = field(default_factory=list)
    registrations: list[tuple[int, int, str, dt.datetime]] = field(
        default_factory=list
    )  # (workshop, person, status, at)
    attendance: list[tuple[int, int, str, dt.datetime, int]] = field(
        default_factory=list
    )  # (workshop, person, status, at, by)

    def add(self, workshop: Workshop, trainers: list[int]) -> int:
        self.workshops.append(workshop)
        self.trainer_links.append(trainers)
        return len(self.workshops) - 1

    def trainers_for(self, region_id: int | None, count: int = 2) -> list[int]:
        local = self.trainers_by_region.get(region_id) or self.all_trainers
        return self.rng.sample(local, min(count, len(local)))


def demo_workshops_create(*, run: "DemoRun") -> None:
    rng = random.Random(run.rng.random())  # noqa: S311 - demo data; its own stream keeps later steps' draws
    programme = run.current_programme
    courses = {c.code: c for c in Course.objects.filter(programme=programme, code__in=TITLES)}
    if not courses:
        return
    cascade = list(
        RoleAssignment.objects.current()
        .filter(programme=programme, role__in=(Role.TRAINER, Role.MASTER_TEACHER))
        .order_by("person_id")
        .values_list("person_id", "region_id")
    )
    trainers_by_region: dict[int | None, list[int]] = defaultdict(list)
    for person_id, region_id in cascade:
        trainers_by_region[region_id].append(person_id)
    all_trainers = sorted({person_id for person_id, _region in cascade})
    if not all_trainers:
        return
    plan = _Plan(rng=rng, trainers_by_region=trainers_by_region, all_trainers=all_trainers)
    _cohort_workshops(plan, programme)
    _regional_workshops(plan, run, courses)

    workshops = plan.workshops
    Workshop.objects.bulk_create(workshops, batch_size=BATCH_SIZE)
    through = Workshop.trainers.through
    through.objects.bulk_create(
        [
            through(workshop_id=workshops[i].pk, person_id=p)
            for i, people in enumerate(plan.trainer_links)
            for p in people
        ],
        batch_size=BATCH_SIZE,
    )
    Registration.objects.bulk_create(
        [
            Registration(workshop=workshops[i], person_id=p, status=status, registered_at=at)
            for i, p, status, at in plan.registrations
        ],
        batch_size=BATCH_SIZE,
    )
    marks = _with_sources(rng, plan.attendance)
    Attendance.objects.bulk_create(
        [
            Attendance(workshop=workshops[i], person_id=p, status=status, source=source, marked_at=at, marked_by_id=by)
            for i, p, status, at, by, source in marks
        ],
        batch_size=BATCH_SIZE,
    )
    AttendanceMark.objects.bulk_create(
        [
            AttendanceMark(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                workshop=workshops[i],
                person_id=p,
                status=status,
                source=source,
                marked_at=at,
                received_at=at,
                marked_by_id=p if source == "checkin" else by,
                outcome=AttendanceMark.Outcome.APPLIED,
            )
            for i, p, status, at, by, source in marks
        ],
        batch_size=BATCH_SIZE,
    )
    registrations, attendance = plan.registrations, plan.attendance
    run.counts["workshops"] = len(workshops)
    run.counts["workshop_registrations"] = len(registrations)
    run.counts["attendance"] = len(attendance)


def _with_sources(
    rng: random.Random, attendance: list[tuple[int, int, str, dt.datetime, int]]
) -> list[tuple[int, int, str, dt.datetime, int, str]]:
    """Most marks come from the roster, some from self check-in and paper sheets; deterministic
    for a given stream, so the log and the current state agree."""
    sources = ("roster", "roster", "roster", "checkin", "checkin", "paper", "offline")
    return [(*mark, sources[rng.randrange(len(sources))]) for mark in attendance]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=_LOCAL)


def _cohort_workshops(plan: _Plan, programme: Programme) -> None:
    """Two counting workshops per cohort, before its first completion; completed members attended both."""
    rng = plan.rng
    for cohort in Cohort.objects.filter(programme=programme).select_related("institution").prefetch_related("trainers"):
        members = list(
            Enrolment.objects.filter(cohort=cohort)
            .order_by("person_id")
            .values_list("person_id", "enrolled_at", "completed_at")
        )
        if not members:
            continue
        first_enrolled = min(enrolled for _p, enrolled, _c in members)
        completions = [completed for _p, _e, completed in members if completed is not None]
        deadline = min(completions) if completions else first_enrolled + dt.timedelta(days=60)
        second_day = max(
            first_enrolled.astimezone(_LOCAL).date(), (deadline - dt.timedelta(days=2)).astimezone(_LOCAL).date()
        )
        first_day = max(first_enrolled.astimezone(_LOCAL).date(), second_day - dt.timedelta(days=7))
        institution = cohort.institution
        region_id = institution.region_id if institution else None
        trainers = [t.pk for t in cohort.trainers.all()] or plan.trainers_for(region_id)
        title_mn, title_en = TITLES.get(cohort.course.code, ("Когортын семинар", "Cohort workshop"))
        plans = [(first_day, Workshop.Mode.IN_PERSON, "1"), (second_day, Workshop.Mode.ONLINE, "2")]
        for day, mode, number in plans:
            online = mode == Workshop.Mode.ONLINE
            starts = _at(day, 10) if _at(day, 12) < deadline else deadline - dt.timedelta(hours=4)
            index = plan.add(
                Workshop(
                    programme=programme, course_id=cohort.course_id, cohort=cohort, mode=mode,
                    title_mn=f"{title_mn} ({number})", title_en=f"{title_en} ({number})",
                    region_id=region_id if mode == Workshop.Mode.IN_PERSON else None,
                    institution=institution if mode == Workshop.Mode.IN_PERSON else None,
                    place=rng.choice(ROOMS) if mode == Workshop.Mode.IN_PERSON else "",
                    online_url=f"https://meet.erdem.mn/cohort-{cohort.pk}-{number}" if online else "",
                    starts_at=starts, ends_at=starts + dt.timedelta(hours=2), capacity=max(CAPACITY, len(members)),
                    counts_for_completion=True, created_at=first_enrolled,
                ),
                trainers,
            )  # fmt: skip
            for person_id, _enrolled, completed in members:
                if completed is not None:
                    status = "late" if rng.random() < 0.1 else "present"
                else:
                    status = rng.choices(("present", "late", "absent", ""), weights=(45, 10, 30, 15))[0]
                if status:
                    marked = starts + dt.timedelta(minutes=rng.randint(0, 25 if status == "late" else 10))
                    plan.attendance.append((index, person_id, status, marked, trainers[0]))


def _regional_workshops(plan: _Plan, run: "DemoRun", courses: dict[str, Course]) -> None:
    """In every region: one past workshop with attendance, one upcoming with registrations; every
    fourth region's upcoming one is online. Educators register where they work, for courses they take."""
    rng = plan.rng
    programme = run.current_programme
    institutions_by_region: dict[int, list[Institution]] = defaultdict(list)
    for active in Institution.objects.filter(is_active=True).order_by("pk"):
        institutions_by_region[active.region_id].append(active)
    learners: dict[tuple[int, int | None], list[int]] = defaultdict(list)  # (course, region) -> people
    for person_id, course_id, region_id in (
        Enrolment.objects.filter(course__in=courses.values())
        .order_by("person_id", "course_id")
        .values_list("person_id", "course_id", "person__institution__region_id")
    ):
        learners[(course_id, region_id)].append(person_id)
    codes = [code for code in TITLES if code in courses]
    today = timezone.localtime().date()
    first_round = dt.date(*PAST_REGIONAL_DAYS)
    regions = list(Region.objects.order_by("iso_code"))
    for number, region in enumerate(regions):
        course = courses[codes[number % len(codes)]]
        title_mn, title_en = TITLES[course.code]
        places = institutions_by_region.get(region.pk, [])
        people = learners.get((course.pk, region.pk), [])
        for past in (True, False):
            online = not past and number % 4 == 3
            institution = rng.choice(places) if places and not online else None
            day = first_round + dt.timedelta(days=number) if past else today + dt.timedelta(days=3 + number)
            starts = _at(day, rng.choice((9, 10, 14)))
            trainers = plan.trainers_for(region.pk)
            capacity = CAPACITY if number % 7 else 8  # a few small ones fill up and have a waiting list
            place = rng.choice(ROOMS) if institution else TOWN_HALL
            index = plan.add(
                Workshop(
                    programme=programme, course=course,
                    mode=Workshop.Mode.ONLINE if online else Workshop.Mode.IN_PERSON,
                    title_mn=f"{title_mn} — {region.name_mn}", title_en=f"{title_en} — {region.name_en}",
                    region=None if online else region, institution=institution, place="" if online else place,
                    online_url=f"https://meet.erdem.mn/{region.iso_code.lower()}-{course.code}" if online else "",
                    starts_at=starts, ends_at=starts + dt.timedelta(hours=3), capacity=capacity,
                    counts_for_completion=False, created_at=starts - dt.timedelta(days=21),
                ),
                trainers,
            )  # fmt: skip
            wanting = rng.sample(people, min(len(people), capacity + (3 if capacity < CAPACITY else 0)))
            for position, person_id in enumerate(wanting):
                status = "registered" if position < capacity else "waitlisted"
                plan.registrations.append((index, person_id, status, starts - dt.timedelta(days=14, minutes=-position)))
                if past and status == "registered":
                    mark = rng.choices(("present", "late", "absent", ""), weights=(70, 10, 10, 10))[0]
                    if mark:
                        plan.attendance.append(
                            (index, person_id, mark, starts + dt.timedelta(minutes=rng.randint(0, 30)), trainers[0])
                        )
    _demo_logins_join(plan, run, courses, today)


def _demo_logins_join(plan: _Plan, run: "DemoRun", courses: dict[str, Course], today: dt.date) -> None:
    """The demo trainer leads a workshop today (to show the roster and check-in) that the demo
    educator is registered for."""
    trainer = Person.objects.filter(email=run.logins.get(Role.TRAINER)).first()
    educator = Person.objects.select_related("institution").filter(email=run.logins.get(Role.EDUCATOR)).first()
    if trainer is None:
        return
    course = courses.get("ai-102") or next(iter(courses.values()))
    title_mn, title_en = TITLES[course.code]
    starts = _at(today, 9)
    institution = educator.institution if educator is not None else None
    index = plan.add(
        Workshop(
            programme=run.current_programme, course=course, mode=Workshop.Mode.IN_PERSON,
            title_mn=f"{title_mn} — өнөөдөр", title_en=f"{title_en} — today",
            region_id=institution.region_id if institution else None, institution=institution,
            place=plan.rng.choice(ROOMS), starts_at=starts, ends_at=_at(today, 20), capacity=CAPACITY,
            counts_for_completion=False, created_at=starts - dt.timedelta(days=10),
        ),
        [trainer.pk],
    )  # fmt: skip
    if educator is not None:
        plan.registrations.append((index, educator.pk, "registered", starts - dt.timedelta(days=5)))
