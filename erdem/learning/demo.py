"""The demo step that enrols the demo educators in the four courses, with their progress,
completions and two cohorts followed by demo trainers, in a few bulk inserts."""

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING

from erdem.access.models import Role, RoleAssignment
from erdem.assessments.demo import demo_passes_ensure
from erdem.catalog.models import Course
from erdem.catalog.selectors import published_lessons
from erdem.learning.models import Cohort, Enrolment, LessonProgress
from erdem.people.models import Person

if TYPE_CHECKING:
    from erdem.demo.services import DemoRun

_LOCAL = zoneinfo.ZoneInfo("Asia/Ulaanbaatar")
BATCH_SIZE = 5000
# Per course code: (share of registered educators enrolled, share of those who completed).
# The AI courses were the programme's core; most who started one finished it.
TAKE_UP = {"ai-101": (0.88, 0.9), "ai-102": (0.84, 0.88), "ai-103": (0.8, 0.86), "dig-201": (0.35, 0.6)}
COURSE_OPENS = dt.datetime(2024, 10, 1, 9, 0, tzinfo=_LOCAL)
COHORT_SIZE = 25
COHORTS = (
    # (course code, institution index in the demo, name)
    ("ai-101", 1, "Үүсгэгч хиймэл оюуны үндэс — 2024 оны намар"),
    ("ai-102", 2, "Хиймэл оюуныг заах үйлсэд — 2025 оны хавар"),
)


def demo_enrolments_create(*, run: "DemoRun") -> None:
    """Each registered educator takes the AI courses in order, each with the TAKE_UP odds,
    and the digital-assessment course on its own; lessons are done in order a few days apart.
    The educator demo login has finished the first course and is halfway through the second."""
    rng, programme = run.rng, run.current_programme
    courses = list(Course.objects.filter(programme=programme, code__in=TAKE_UP).order_by("code"))
    lessons = {
        course.pk: list(
            published_lessons(course_id=course.pk).order_by("module__position", "position").values_list("pk", flat=True)
        )
        for course in courses
    }
    educators = list(
        RoleAssignment.objects.filter(programme=programme, role=Role.EDUCATOR, person__email_confirmed_at__isnull=False)
        .order_by("person_id")
        .values_list("person_id", "person__institution_id", "person__date_joined", "person__email")
    )
    cohorts = _cohorts_create(run, courses)
    members: dict[tuple[int, int | None], int] = {}  # (course, institution) -> members so far
    demo_login = run.logins.get(Role.EDUCATOR)

    enrolments: list[Enrolment] = []
    plans: list[tuple[int, list[int], list[dt.datetime]]] = []  # (enrolment index, lessons done, their dates)
    for person_id, institution_id, joined, email in educators:
        still_going = True  # an educator who stops one AI course does not start the next
        for course in courses:
            share, completing = TAKE_UP[course.code]
            course_lessons = lessons[course.pk]
            if not course_lessons:
                continue
            is_ai = course.code.startswith("ai-")
            if email == demo_login:
                done = len(course_lessons) if course.code == "ai-101" else len(course_lessons) // 2
                if course.code not in ("ai-101", "ai-102"):
                    continue
            else:
                if (is_ai and not still_going) or rng.random() >= share:
                    if is_ai:
                        still_going = False
                    continue
                done = len(course_lessons) if rng.random() < completing else rng.randrange(len(course_lessons))
                if is_ai and done < len(course_lessons):
                    still_going = False
            start = max(joined, COURSE_OPENS) + dt.timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 12))
            dates = []
            moment = start
            for _lesson in range(done):
                moment += dt.timedelta(days=rng.randint(0, 4), minutes=rng.randint(20, 600))
                dates.append(moment)
            cohort = cohorts.get(course.pk)
            in_cohort = cohort is not None and cohort.institution_id == institution_id
            if in_cohort and members.get((course.pk, institution_id), 0) < COHORT_SIZE:
                members[(course.pk, institution_id)] = members.get((course.pk, institution_id), 0) + 1
            else:
                cohort = None
            enrolments.append(
                Enrolment(
                    person_id=person_id,
                    course=course,
                    source=Enrolment.Source.COHORT if cohort else Enrolment.Source.SELF,
                    cohort=cohort,
                    enrolled_at=start,
                    completed_at=dates[-1] if done == len(course_lessons) else None,
                    last_lesson_id=course_lessons[min(done, len(course_lessons) - 1)] if done else None,
                    last_visited_at=dates[-1] if dates else None,
                )
            )
            plans.append((len(enrolments) - 1, course_lessons[:done], dates))
    _quizzes_passed_by_completers(run, enrolments, plans)
    Enrolment.objects.bulk_create(enrolments, batch_size=BATCH_SIZE)
    LessonProgress.objects.bulk_create(
        (
            LessonProgress(enrolment=enrolments[index], lesson_id=lesson_id, completed_at=at)
            for index, done_lessons, dates in plans
            for lesson_id, at in zip(done_lessons, dates, strict=True)
        ),
        batch_size=BATCH_SIZE,
    )
    run.counts["enrolments"] = len(enrolments)
    run.counts["completions"] = sum(1 for enrolment in enrolments if enrolment.completed_at is not None)
    run.counts["cohorts"] = len(cohorts)


def _quizzes_passed_by_completers(
    run: "DemoRun", enrolments: list[Enrolment], plans: list[tuple[int, list[int], list[dt.datetime]]]
) -> None:
    """A completed course needs every quiz passed (the completion rules): those who finished the
    lessons pass the quizzes they had not passed yet, and complete once the last one is passed;
    someone who used up a quiz's attempts does not complete."""
    completers = [(index, lessons, dates) for index, lessons, dates in plans if enrolments[index].completed_at]
    finished = demo_passes_ensure(
        run=run,
        wanted=[
            (enrolments[index].person_id, enrolments[index].course_id, dict(zip(lessons, dates, strict=True)))
            for index, lessons, dates in completers
        ],
    )
    for (index, _lessons, dates), (passed, passed_at) in zip(completers, finished, strict=True):
        enrolment = enrolments[index]
        if not passed:
            enrolment.completed_at = None
        elif passed_at is not None:
            enrolment.completed_at = max(dates[-1], passed_at)
            enrolment.last_visited_at = enrolment.completed_at


def _cohorts_create(run: "DemoRun", courses: list[Course]) -> dict[int, Cohort]:
    """Two cohorts at the first institutions after the national centre; the trainer demo login
    trains both, with one more trainer each."""
    by_code = {course.code: course for course in courses}
    trainer_ids = list(
        RoleAssignment.objects.filter(programme=run.current_programme, role=Role.TRAINER)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    login = run.logins.get(Role.TRAINER)
    lead = Person.objects.filter(email=login).values_list("pk", flat=True).first() if login else None
    cohorts: dict[int, Cohort] = {}
    for number, (code, institution_index, name) in enumerate(COHORTS):
        course = by_code.get(code)
        if course is None or institution_index >= len(run.institutions):
            continue
        cohort = Cohort.objects.create(
            programme=run.current_programme,
            name=name,
            course=course,
            institution=run.institutions[institution_index],
            created_at=COURSE_OPENS,
        )
        others = [pk for pk in trainer_ids if pk != lead]
        team = ([lead] if lead else []) + others[number : number + 1]
        cohort.trainers.add(*team)
        cohorts[course.pk] = cohort
    return cohorts
