"""Pages to measure and the signed-in sessions to measure them with (runs inside Django)."""

import random
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from erdem.access.models import Role, RoleAssignment
from erdem.assessments.models import Attempt, Question, Quiz
from erdem.catalog.models import Lesson
from erdem.demo.services import demo_login_email
from erdem.learning.models import Enrolment

# One CSRF secret for every benchmark client: the cookie and the form field carry it unmasked.
CSRF_SECRET = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)


def typical_lesson() -> Lesson:
    """The lesson the demo educator comes back to: where they left off in a course they are
    still taking, else the first lesson of the first course."""
    educator = get_user_model().objects.get(email=demo_login_email(role=Role.EDUCATOR))
    enrolment = (
        Enrolment.objects.filter(person=educator, completed_at__isnull=True, last_lesson__isnull=False)
        .select_related("last_lesson__module__course")
        .order_by("enrolled_at")
        .first()
    )
    if enrolment is not None and enrolment.last_lesson is not None:
        return enrolment.last_lesson
    return Lesson.objects.select_related("module__course").order_by("module__course__code", "module__position")[0]


def lessons_to_weigh() -> list[tuple[str, Lesson]]:
    """The typical lesson, and the first lesson of its course, which introduces the course and
    carries its media (video or audio with captions and transcript) when the course has any."""
    typical = typical_lesson()
    first = (
        Lesson.objects.filter(module__course_id=typical.module.course_id)
        .select_related("module__course")
        .order_by("module__position", "position")
        .first()
    )
    chosen = [("where the educator left off", typical)]
    if first is not None and first.pk != typical.pk:
        chosen.append(("the course's first lesson", first))
    return chosen


def lesson_path(lesson: Lesson) -> str:
    return reverse("catalog:lesson", args=[lesson.module.course.code, lesson.pk])


def page_targets() -> list[tuple[str, str, str | None]]:
    """(name, path, login email or None) of the pages read with GET; the first is the baseline."""
    coordinator = get_user_model().objects.get(email=demo_login_email(role=Role.COORDINATOR))
    institution_id = (
        RoleAssignment.objects.filter(person=coordinator, role=Role.COORDINATOR)
        .values_list("institution_id", flat=True)
        .first()
    )
    people_list = reverse("people:institution_people", args=[institution_id])
    educator = demo_login_email(role=Role.EDUCATOR)
    lesson = typical_lesson()
    return [
        ("bare Django view (baseline)", "/bench/bare/", None),
        ("landing page (anonymous)", reverse("web:landing"), None),
        ("home: educator", reverse("web:home"), educator),
        ("home: coordinator", reverse("web:home"), demo_login_email(role=Role.COORDINATOR)),
        ("home: national admin", reverse("web:home"), demo_login_email(role=Role.NATIONAL_ADMIN)),
        ("institution people list", people_list, demo_login_email(role=Role.COORDINATOR)),
        ("people list, page 10", f"{people_list}?page=10", demo_login_email(role=Role.NATIONAL_ADMIN)),
        ("catalogue (anonymous)", reverse("catalog:list"), None),
        ("catalogue: educator", reverse("catalog:list"), educator),
        ("course page: educator", reverse("catalog:course", args=[lesson.module.course.code]), educator),
        ("lesson page: educator", lesson_path(lesson), educator),
        *credential_targets(),
        *recognition_targets(),
    ]


def recognition_targets() -> list[tuple[str, str, str | None]]:
    """The Faculty AI Portfolio (with its grid) and credit recognition pages of the demo's people."""
    from erdem.portfolio.models import Portfolio

    educator = demo_login_email(role=Role.EDUCATOR)
    coordinator = demo_login_email(role=Role.COORDINATOR)
    targets: list[tuple[str, str, str | None]] = [
        ("portfolio and grid: educator", reverse("portfolio:mine"), educator),
        ("credit requests: educator", reverse("recognition:mine"), educator),
        ("credit requests to decide", reverse("recognition:office"), coordinator),
    ]
    token = Portfolio.objects.filter(person__email=educator).values_list("public_token", flat=True).first()
    if token:
        targets.append(("public portfolio (anonymous)", reverse("portfolio:public", args=[token]), None))
    return targets


def credential_targets() -> list[tuple[str, str, str | None]]:
    """The verification pages a QR code or a link leads to: each verifies a signed credential in full."""
    from django.conf import settings
    from django.utils.http import urlencode

    from erdem.credentials.models import Credential

    credential = Credential.objects.filter(status=Credential.Status.ACTIVE).order_by("pk").first()
    if credential is None:
        return []
    public = reverse("credentials:public", args=[credential.public_id])
    verify = reverse("credentials:verify") + "?" + urlencode({"url": settings.SITE_URL + public})
    return [
        ("credential public page (anonymous)", public, None),
        ("verifier, a link (anonymous)", verify, None),
        ("status list credential", reverse("credentials:status_list", args=[credential.status_list.number]), None),
    ]


def session_key(person_id: int) -> str:
    person = get_user_model().objects.get(pk=person_id)
    session = SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    session.create()
    assert session.session_key is not None
    return session.session_key


def session_cookie(email: str) -> str:
    return f"sessionid={session_key(get_user_model().objects.get(email=email).pk)}; csrftoken={CSRF_SECRET}"


def query_count(path: str, email: str | None) -> int:
    client = Client(SERVER_NAME="127.0.0.1")
    if email:
        client.force_login(get_user_model().objects.get(email=email))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


# --- quiz submissions ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    """One POST that submits an open attempt with every answer right."""

    person_id: int
    path: str
    body: bytes


def _right_answers(questions: list[Question]) -> dict[str, str | list[str]]:
    answers: dict[str, str | list[str]] = {}
    for question in questions:
        correct = [str(choice.pk) for choice in question.choices.all() if choice.is_correct]
        name = f"q{question.pk}"
        if question.kind == Question.Kind.SINGLE:
            answers[name] = correct[0]
        elif question.kind == Question.Kind.MULTIPLE:
            answers[name] = correct
        elif question.kind == Question.Kind.TRUE_FALSE:
            answers[name] = "true" if question.true_false_answer else "false"
        elif question.kind == Question.Kind.NUMERIC:
            answers[name] = str(question.numeric_answer)
        else:
            answers[name] = next((t.accepted_answer for t in question.translations.all() if t.accepted_answer), "")
    return answers


def quiz_submissions(count: int, seed: int = 2025) -> list[Submission]:
    """`count` open attempts, written straight to the database, with their form bodies.

    Each attempt belongs to a demo educator enrolled in the quiz's course who has not completed
    it, so every submission that passes also re-checks the course's completion, the heavier path;
    attempts are spread over as many people as the demo has, so that no two clients wait on the
    same enrolment's lock more than real learners would."""
    rng = random.Random(seed)
    quizzes = list(Quiz.objects.select_related("lesson__module").order_by("pk"))
    questions = {
        quiz.pk: list(
            Question.objects.filter(quiz=quiz).order_by("position").prefetch_related("choices", "translations")
        )
        for quiz in quizzes
    }
    by_course: dict[int, list[Quiz]] = {}
    for quiz in quizzes:
        by_course.setdefault(quiz.lesson.module.course_id, []).append(quiz)
    pairs = [
        (person_id, quiz)
        for person_id, course_id in Enrolment.objects.filter(completed_at__isnull=True)
        .order_by("pk")
        .values_list("person_id", "course_id")
        for quiz in by_course.get(course_id, [])
        if questions[quiz.pk]
    ]
    rng.shuffle(pairs)
    # A small demo has fewer (person, quiz) pairs than a fast run needs: a person then holds more
    # than one open attempt at a quiz, which the service would not allow but grading does not mind.
    chosen = (pairs * (count // len(pairs) + 1))[:count] if pairs else []
    now = timezone.now()
    attempts = []
    for person_id, quiz in chosen:
        bank = [question.pk for question in questions[quiz.pk]]
        drawn = rng.sample(bank, quiz.draw_count) if 0 < quiz.draw_count < len(bank) else bank
        attempts.append(Attempt(person_id=person_id, quiz=quiz, started_at=now, question_ids=drawn))
    Attempt.objects.bulk_create(attempts, batch_size=2000)
    submissions = []
    for attempt in attempts:  # bulk_create sets their ids on PostgreSQL and SQLite alike
        drawn_ids = set(attempt.question_ids)
        drawn_questions = [question for question in questions[attempt.quiz_id] if question.pk in drawn_ids]
        body = {"csrfmiddlewaretoken": CSRF_SECRET, **_right_answers(drawn_questions)}
        submissions.append(
            Submission(
                attempt.person_id,
                reverse("assessments:attempt", args=[attempt.pk]),
                urlencode(body, doseq=True).encode(),
            )
        )
    rng.shuffle(submissions)
    return submissions


def submission_query_count(submission: Submission) -> int:
    """The SQL queries of one submission, in-process (the attempt is submitted)."""
    client = Client(SERVER_NAME="127.0.0.1", enforce_csrf_checks=False)
    client.force_login(get_user_model().objects.get(pk=submission.person_id))
    with CaptureQueriesContext(connection) as queries:
        response = client.post(submission.path, submission.body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302, (submission.path, response.status_code)
    return len(queries)
