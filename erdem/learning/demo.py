"""The demo step that enrols the demo educators in the four courses, with their progress,
completions, feedback and two cohorts followed by demo trainers, in a few bulk inserts.

The programme's account says that of 2,054 registered educators, 1,698 completed all three
Mongolian-language AI courses, and that over 90% rated the courses 4 or 5. The generator
decides up front who completes all three (that share of the registered educators, exactly),
writes the lessons done and the quiz passes that make those completions true under the
completion rules, then lets a share of those who completed a course answer its survey.
Every figure is then counted from these records, never stored. Later demo steps (practical
assignments, workshops) derive from the completed enrolments written here.
"""

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from erdem.access.models import Role, RoleAssignment
from erdem.assessments.demo import demo_passes_ensure
from erdem.assessments.models import Attempt
from erdem.catalog.models import Course
from erdem.catalog.selectors import published_lessons
from erdem.learning.models import Cohort, CourseFeedback, Enrolment, LessonProgress
from erdem.people.models import Person

if TYPE_CHECKING:
    import random

    from erdem.demo.services import DemoRun

_LOCAL = zoneinfo.ZoneInfo("Asia/Ulaanbaatar")
BATCH_SIZE = 5000
AI_COURSES = ("ai-101", "ai-102", "ai-103")  # taken in this order
OTHER_COURSES = {"dig-201": (0.35, 0.6)}  # code: (share of educators enrolled, share of those who completed)
# The programme's account: 1,698 of its 2,054 registered educators completed all three AI courses.
ALL_AI_COMPLETED_SHARE = Fraction(1698, 2054)
# Where the others stopped: (weight, AI courses completed before stopping, started the next one).
STOPPED = ((30, 0, False), (25, 0, True), (12, 1, False), (13, 1, True), (8, 2, False), (12, 2, True))
COURSE_OPENS = dt.datetime(2024, 10, 1, 9, 0, tzinfo=_LOCAL)
COHORT_SIZE = 25
COHORTS = (
    # (course code, institution index in the demo, name)
    ("ai-101", 1, "Үүсгэгч хиймэл оюуны үндэс — 2024 оны намар"),
    ("ai-102", 2, "Хиймэл оюуныг заах үйлсэд — 2025 оны хавар"),
)
FEEDBACK_RESPONSE = 0.82  # share of completions whose learner answers the survey
RATINGS = {5: 60, 4: 33, 3: 5, 2: 1.5, 1: 0.5}  # the survey's answers: over 90% give 4 or 5
COMMENT_SHARE = 0.3
COMMENTS = {
    "mn": (
        "Монгол хэл дээрх жишээнүүд маш ойлгомжтой байлаа.",
        "Хичээлийн дараа оюутнуудтайгаа шууд туршиж үзсэн.",
        "Видео бичлэгүүд сул интернэттэй үед ч нээгдэж байсан нь таалагдсан.",
        "Сорил арай хэцүү байсан ч их зүйл сурлаа.",
        "Хамтран ажиллагсаддаа санал болгоно.",
        "Практик даалгавар илүү олон байвал сайн байна.",
    ),
    "en": (
        "The local examples made the ideas easy to apply.",
        "I tried the prompts with my students the next week.",
        "The audio-only option helped on my slow connection.",
        "The quizzes were hard but fair.",
        "I would recommend it to my colleagues.",
        "More practical tasks would be welcome.",
    ),
}


def demo_enrolments_create(*, run: "DemoRun") -> None:
    """Exactly ALL_AI_COMPLETED_SHARE of the registered educators complete the three AI courses in
    order; the others stop somewhere along the way (STOPPED); the digital-assessment course is taken
    on its own. Lessons are done in order a few days apart. The educator demo login has finished the
    first course and is halfway through the second, with the survey still to answer."""
    rng, programme = run.rng, run.current_programme
    courses = {
        course.code: course
        for course in Course.objects.filter(programme=programme, code__in=(*AI_COURSES, *OTHER_COURSES))
    }
    lessons = {
        course.pk: list(
            published_lessons(course_id=course.pk).order_by("module__position", "position").values_list("pk", flat=True)
        )
        for course in courses.values()
    }
    educators = list(
        RoleAssignment.objects.filter(programme=programme, role=Role.EDUCATOR, person__email_confirmed_at__isnull=False)
        .order_by("person_id")
        .values_list("person_id", "person__institution_id", "person__date_joined", "person__email")
    )
    ai_courses = [courses[code] for code in AI_COURSES if code in courses and lessons[courses[code].pk]]
    finishers = _finishers_pick(run, educators, ai_courses)
    cohorts = _cohorts_create(run, list(courses.values()))
    members: dict[tuple[int, int | None], int] = {}  # (course, institution) -> members so far
    demo_login = run.logins.get(Role.EDUCATOR)

    enrolments: list[Enrolment] = []
    plans: list[tuple[int, list[int], list[dt.datetime]]] = []  # (enrolment index, lessons done, their dates)

    def enrol(person_id: int, institution_id: int | None, course: Course, done: int, start: dt.datetime) -> dt.datetime:
        """Add the enrolment with `done` lessons done from `start`; returns when the last one was done."""
        course_lessons = lessons[course.pk]
        dates, moment = [], start
        for _lesson in range(done):
            moment += dt.timedelta(days=rng.randint(0, 4), minutes=rng.randint(20, 600))
            dates.append(moment)
        cohort = cohorts.get(course.pk)
        key = (course.pk, institution_id)
        if cohort is not None and cohort.institution_id == institution_id and members.get(key, 0) < COHORT_SIZE:
            members[key] = members.get(key, 0) + 1
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
        return moment

    for person_id, institution_id, joined, email in educators:
        moment = max(joined, COURSE_OPENS)
        if email == demo_login:
            completed, started_next = 1, True
        elif person_id in finishers:
            completed, started_next = len(ai_courses), False
        else:
            _weight, completed, started_next = rng.choices(STOPPED, weights=[s[0] for s in STOPPED])[0]
            completed = min(completed, len(ai_courses))
        for position, course in enumerate(ai_courses):
            size = len(lessons[course.pk])
            if position < completed:
                done = size
            elif position == completed and started_next:
                done = size // 2 if email == demo_login else rng.randrange(size)
            else:
                break
            start = moment + dt.timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 12))
            moment = enrol(person_id, institution_id, course, done, start)
        for code, (share, completing) in OTHER_COURSES.items():
            other = courses.get(code)
            if other is None or not lessons[other.pk] or email == demo_login or rng.random() >= share:
                continue
            size = len(lessons[other.pk])
            done = size if rng.random() < completing else rng.randrange(size)
            start = max(joined, COURSE_OPENS) + dt.timedelta(days=rng.randint(0, 120), hours=rng.randint(0, 12))
            enrol(person_id, institution_id, other, done, start)
    _quizzes_passed_by_completers(run, enrolments, plans)
    Enrolment.objects.bulk_create(enrolments, batch_size=BATCH_SIZE)
    LessonProgress.objects.bulk_create(
        (
            LessonProgress(enrolment_id=enrolments[index].pk, lesson_id=lesson_id, completed_at=at)
            for index, done_lessons, dates in plans
            for lesson_id, at in zip(done_lessons, dates, strict=True)
        ),
        batch_size=BATCH_SIZE,
    )
    _feedback_create(run, enrolments, skip=demo_login)
    run.counts["enrolments"] = len(enrolments)
    run.counts["completions"] = sum(1 for enrolment in enrolments if enrolment.completed_at is not None)
    run.counts["cohorts"] = len(cohorts)


def demo_all_ai_completed_target(educators: int) -> int:
    """How many of `educators` registered educators complete all three AI courses in the demo."""
    return round(educators * ALL_AI_COMPLETED_SHARE)


def _finishers_pick(
    run: "DemoRun", educators: Sequence[tuple[int, int | None, dt.datetime, str]], ai_courses: list[Course]
) -> set[int]:
    """The educators who complete every AI course: demo_all_ai_completed_target of them, drawn at
    random among those who can (not the educator demo login, and nobody who used up a quiz's attempts
    in these courses without passing it, since they cannot pass it any more)."""
    if not ai_courses:
        return set()
    blocked = set(
        Attempt.objects.filter(quiz__lesson__module__course__in=ai_courses)
        .values("person_id", "quiz_id", "quiz__attempt_limit")
        .annotate(tries=Count("pk"), passes=Count("pk", filter=Q(passed=True)))
        .filter(passes=0, quiz__attempt_limit__isnull=False)
        .values_list("person_id", "tries", "quiz__attempt_limit")
        .order_by()
    )
    used_up = {person_id for person_id, tries, limit in blocked if tries >= limit}
    demo_login = run.logins.get(Role.EDUCATOR)
    able = [person_id for person_id, _i, _j, email in educators if email != demo_login and person_id not in used_up]
    target = min(demo_all_ai_completed_target(run.size.educators), len(able))
    return set(run.rng.sample(able, target))


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


def _feedback_create(run: "DemoRun", enrolments: list[Enrolment], *, skip: str | None) -> None:
    """FEEDBACK_RESPONSE of the completed enrolments get an answer to the survey, a few hours to days
    after completing, in the learner's language; the educator demo login has not answered yet."""
    rng = run.rng
    completed = [(enrolment, enrolment.completed_at) for enrolment in enrolments if enrolment.completed_at]
    people = dict(
        Person.objects.filter(pk__in={enrolment.person_id for enrolment, _at in completed}).values_list(
            "pk", "preferred_language"
        )
    )
    skipped = Person.objects.filter(email=skip).values_list("pk", flat=True).first() if skip else None
    scores, weights = list(RATINGS), list(RATINGS.values())
    answers = []
    for enrolment, completed_at in completed:
        if enrolment.person_id == skipped or rng.random() >= FEEDBACK_RESPONSE:
            continue
        rating = rng.choices(scores, weights=weights)[0]
        language = people.get(enrolment.person_id) or "mn"
        language = language if language in COMMENTS else "mn"
        at = completed_at + dt.timedelta(minutes=rng.randint(2, 4 * 24 * 60))
        answers.append(
            CourseFeedback(
                enrolment_id=enrolment.pk,
                rating=rating,
                usefulness=_usefulness(rng, rating),
                comment=rng.choice(COMMENTS[language]) if rng.random() < COMMENT_SHARE else "",
                language_code=language,
                submitted_at=at,
                updated_at=at,
            )
        )
    CourseFeedback.objects.bulk_create(answers, batch_size=BATCH_SIZE)
    run.counts["feedback"] = len(answers)


def _usefulness(rng: "random.Random", rating: int) -> int:
    """Close to the overall rating: the same, or one step either way."""
    return min(5, max(1, rating + rng.choice((-1, 0, 0, 0, 1))))


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
