"""The demo step for national insight: the follow-up impact survey and its answers, the programme's core
courses, and the rollup the dashboards read. Runs last, after every record the figures count.

The programme's account says that about 30 % of the certified educators who answered the follow-up
survey integrate AI in their teaching. The national centre built the survey in spring 2025 (through
the survey services, in both languages) and it has been sent ever since, MONTHS_AFTER months after each
award of the micro-certificate. Who is invited is decided as the sending job decides it
(`surveys.invitations_create_due`), on the demo's reference day: today, or the programme's last day
if it has ended, so that every answer falls within the programme's months. Each invitation went out
when it was due, with a reminder every REMINDER_DAYS days to those who had not answered yet.

RESPONSE_SHARE of the invited answered (the demo logins leave theirs unanswered, so that the survey
can be tried), and exactly INTEGRATING_SHARE of the respondents, rounded, picked a choice marked as
integrating AI: regular use in most of their courses or in some of their lessons. Trying AI once or
twice, or not yet, does not count. Answers are in the person's language; some wrote what changed.

The three AI courses are the programme's core courses; the rollup is then rebuilt from the records,
so the dashboards show the programme's figures as soon as the demo is loaded.
"""

import datetime as dt
import random
import zoneinfo
from fractions import Fraction
from typing import TYPE_CHECKING

from django.db.models import F
from django.utils import timezone

from erdem.catalog.models import Course
from erdem.insights import rollups
from erdem.insights.models import Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion, SurveyResponse
from erdem.insights.surveys import invitations_create_due, question_save, survey_activate, survey_create
from erdem.learning.demo import AI_COURSES
from erdem.people.models import Person
from erdem.programmes.models import Programme

if TYPE_CHECKING:
    from erdem.demo.services import DemoRun

_LOCAL = zoneinfo.ZoneInfo("Asia/Ulaanbaatar")
BATCH_SIZE = 5000
MONTHS_AFTER = 3
REMINDER_DAYS = 14
REMINDERS_MAX = 2
# The programme's account: about 30 % of the respondents integrate AI in their teaching.
RESPONSE_SHARE = Fraction(7, 10)
INTEGRATING_SHARE = Fraction(3, 10)
SURVEY_CREATED = dt.datetime(2025, 3, 17, 11, 0, tzinfo=_LOCAL)
# When respondents answered: before the first reminder, after it, or after the second (weights).
ANSWERED_AFTER = {0: 60, 1: 27, 2: 13}
TEXT_SHARE = 0.45  # respondents who wrote what changed

SURVEY = {
    "title_mn": "Хиймэл оюун таны багшлахад: гэрчилгээ авснаас хойш гурван сарын дараа",
    "title_en": "AI in your teaching: three months after your micro-certificate",
    "intro_mn": (
        "Та «Багшийн хиймэл оюун ухааны чадамж» бичил гэрчилгээ авснаас хойш гурван сар өнгөрлөө. "
        "Хиймэл оюуныг хичээлдээ хэрхэн ашиглаж байгаагаа хуваалцана уу: гурван асуулт, хоёр минут. "
        "Хариултыг нэгтгэн зөвхөн хөтөлбөрийн үр нөлөөг үнэлэхэд ашиглана."
    ),
    "intro_en": (
        "Three months have passed since you were awarded the micro-certificate “AI Competency for Higher "
        "Education Teachers”. Please tell us how you use AI in your teaching: three questions, two minutes. "
        "Answers are only used, put together, to assess the programme's impact."
    ),
    "months_after": MONTHS_AFTER,
    "reminder_days": REMINDER_DAYS,
    "reminders_max": REMINDERS_MAX,
}
USE_QUESTION = ("Та одоо хиймэл оюуныг багшлахдаа хэрхэн ашиглаж байна вэ?", "How do you use AI in your teaching now?")
# (Mongolian, English, counts as integrating AI, weight among the integrating or among the others)
USE_CHOICES = (
    ("Тогтмол, ихэнх хичээлдээ", "Regularly, in most of my courses", True, 1),
    ("Тогтмол, зарим хичээлдээ", "Regularly, in some of my lessons", True, 2),
    ("Нэг хоёр удаа туршиж үзсэн", "I have tried it once or twice", False, 3),
    ("Одоохондоо ашиглаагүй", "Not yet", False, 2),
)
CONFIDENCE_QUESTION = (
    "Хиймэл оюуныг багшлахдаа ашиглахдаа хэр итгэлтэй байна вэ? (1 — огт итгэлгүй, 5 — бүрэн итгэлтэй)",
    "How confident are you using AI in your teaching? (1 — not at all, 5 — fully confident)",
)
# The confidence given (weights of 1..5) by the choice picked.
CONFIDENCE = {0: (0, 0, 1, 4, 5), 1: (0, 1, 3, 5, 2), 2: (1, 4, 5, 2, 0), 3: (3, 4, 3, 1, 0)}
CHANGE_QUESTION = ("Таны багшлахад юу өөрчлөгдсөн бэ?", "What changed in your teaching?")
# What respondents wrote, by whether their choice counts as integrating AI.
CHANGES = {
    ("mn", True): (
        "Лекцийн материал, жишээ бодлогоо хиймэл оюунаар бэлтгэж, цаг их хэмнэж байна.",
        "Оюутнуудтайгаа хамт хүсэлт бичиж, хариултыг нь шүүмжлэлтэй шалгах дасгал хийдэг болсон.",
        "Бие даалтын даалгавраа өөрчилж, хиймэл оюуныг ил тод ашиглах журам гаргасан.",
        "Сорилын асуултын санг хиймэл оюунаар өргөтгөж, өөрөө хянаж засдаг.",
        "Оюутан бүрт илүү дэлгэрэнгүй санал өгч чаддаг боллоо.",
        "Тэнхимийнхээ багш нарт туршлагаа хуваалцаж, хамтдаа хичээл төлөвлөж байна.",
    ),
    ("mn", False): (
        "Цаг зав багатай байгаа ч дараагийн улиралд туршиж үзэхээр төлөвлөж байна.",
        "Сургуулийн интернэт сул байгаа тул хичээл дээр ашиглахад хэцүү байна.",
        "Хичээлээ бэлтгэхдээ хааяа ашигладаг ч оюутнуудтай хараахан хэрэглээгүй.",
        "Шударга байдлын асуудлаас болгоомжилж байна, тэнхимийн журам хэрэгтэй.",
    ),
    ("en", True): (
        "I prepare examples and exercises with AI and check them myself; it saves hours each week.",
        "My students now write prompts in class and critique what comes back.",
        "I rewrote my assignments with clear rules on using AI openly.",
        "I give each student more detailed feedback than before.",
    ),
    ("en", False): (
        "I have not had time yet, but I plan to try it next semester.",
        "The connection at my campus makes it hard to use in class.",
        "I use it to prepare lessons now and then, not yet with students.",
    ),
}


CHANGE_LANGUAGES = ("mn", "en")


def demo_insights_create(*, run: "DemoRun") -> None:
    """The follow-up survey with its invitations and answers, the core courses and a fresh rollup."""
    rng = random.Random(run.rng.random())  # noqa: S311 - demo data; its own stream
    programme = run.current_programme
    survey = _survey_create(run)
    reference = demo_reference_moment(programme=programme)
    invitations_create_due(survey=survey, now=reference)
    # (invitation, person, due, the person's language)
    invitations: list[tuple[int, int, dt.datetime, str]] = list(
        SurveyInvitation.objects.filter(survey=survey)
        .order_by("pk")
        .values_list("pk", "person_id", "due_at", "person__preferred_language")
    )
    first_due = min((row[2] for row in invitations), default=SURVEY_CREATED)
    Survey.objects.filter(pk=survey.pk).update(created_at=min(SURVEY_CREATED, first_due - dt.timedelta(days=14)))
    # Sent when due; a reminder every REMINDER_DAYS days until answered (or REMINDERS_MAX were sent).
    SurveyInvitation.objects.filter(survey=survey).update(sent_at=F("due_at"), last_sent_at=F("due_at"))

    logins = set(Person.objects.filter(email__in=run.logins.values()).values_list("pk", flat=True))
    able = [row for row in invitations if row[1] not in logins]
    respondents = sorted(rng.sample(able, min(demo_respondents_target(len(invitations)), len(able))))
    integrating = set(rng.sample(range(len(respondents)), demo_integrating_target(len(respondents))))
    reminders: dict[int, list[int]] = {count: [] for count in range(1, REMINDERS_MAX + 1)}
    answered_at: dict[int, dt.datetime] = {}
    for pk, _person_id, due_at, _language in respondents:
        answered_at[pk] = _answer_moment(rng, due_at, reference)
        count = min(REMINDERS_MAX, (answered_at[pk] - due_at) // dt.timedelta(days=REMINDER_DAYS))
        if count:
            reminders[count].append(pk)
    for pk, _person_id, due_at, _language in invitations:
        if pk not in answered_at:
            count = min(REMINDERS_MAX, max(0, (reference - due_at) // dt.timedelta(days=REMINDER_DAYS)))
            if count:
                reminders[count].append(pk)
    for count, pks in reminders.items():
        for start in range(0, len(pks), 900):
            SurveyInvitation.objects.filter(pk__in=pks[start : start + 900]).update(
                reminders_sent=count, last_sent_at=F("due_at") + dt.timedelta(days=REMINDER_DAYS * count)
            )
    _responses_create(run, rng, survey, respondents, integrating, answered_at)

    settings_row = rollups.programme_insights(programme=programme)
    settings_row.core_courses.set(Course.objects.filter(programme=programme, code__in=AI_COURSES))
    rollups.rollup_refresh(programme=programme)
    run.counts["survey_invitations"] = len(invitations)
    run.counts["survey_responses"] = len(respondents)
    run.counts["survey_integrating"] = len(integrating)


def demo_respondents_target(invited: int) -> int:
    """How many of `invited` people answer the follow-up survey in the demo."""
    return round(invited * RESPONSE_SHARE)


def demo_integrating_target(respondents: int) -> int:
    """How many of `respondents` say they integrate AI in their teaching."""
    return round(respondents * INTEGRATING_SHARE)


def demo_reference_moment(*, programme: Programme) -> dt.datetime:
    """The demo's "now" for the survey: today, or the programme's last moment once it has ended."""
    now = timezone.now()
    if programme.ends_on is None:
        return now
    return min(now, dt.datetime.combine(programme.ends_on, dt.time(23, 59), tzinfo=_LOCAL))


def _survey_create(run: "DemoRun") -> Survey:
    """Built by the national admin through the survey services, then activated."""
    survey = survey_create(programme=run.current_programme, created_by=run.granted_by, **SURVEY)
    kind = SurveyQuestion.Kind
    question_save(
        survey=survey,
        kind=kind.CHOICE,
        text_mn=USE_QUESTION[0],
        text_en=USE_QUESTION[1],
        required=True,
        choices_mn=[choice[0] for choice in USE_CHOICES],
        choices_en=[choice[1] for choice in USE_CHOICES],
        integrating=[index for index, choice in enumerate(USE_CHOICES) if choice[2]],
    )
    question_save(
        survey=survey, kind=kind.SCALE, text_mn=CONFIDENCE_QUESTION[0], text_en=CONFIDENCE_QUESTION[1], required=True
    )
    question_save(survey=survey, kind=kind.TEXT, text_mn=CHANGE_QUESTION[0], text_en=CHANGE_QUESTION[1], required=False)
    return survey_activate(survey=survey)


def _answer_moment(rng: random.Random, sent_at: dt.datetime, reference: dt.datetime) -> dt.datetime:
    """Within REMINDER_DAYS days of the e-mail or of a reminder, never after the reference moment."""
    reminders = rng.choices(list(ANSWERED_AFTER), weights=list(ANSWERED_AFTER.values()))[0]
    window = dt.timedelta(days=REMINDER_DAYS)
    moment = sent_at + reminders * window + dt.timedelta(seconds=rng.randint(600, int(window.total_seconds())))
    if moment > reference:
        moment = sent_at + (reference - sent_at) * rng.random()
    return moment


def _responses_create(
    run: "DemoRun",
    rng: random.Random,
    survey: Survey,
    respondents: list[tuple[int, int, dt.datetime, str]],
    integrating: set[int],
    answered_at: dict[int, dt.datetime],
) -> None:
    questions = {question.kind: question for question in survey.questions.prefetch_related("choices")}
    choices = list(questions[SurveyQuestion.Kind.CHOICE].choices.order_by("position"))
    picks: list[int] = []  # the index of the choice each respondent picked
    responses = []
    for number, (pk, _person_id, _due_at, language) in enumerate(respondents):
        counts = number in integrating
        options = [index for index, choice in enumerate(USE_CHOICES) if choice[2] == counts]
        picks.append(rng.choices(options, weights=[USE_CHOICES[index][3] for index in options])[0])
        responses.append(
            SurveyResponse(
                invitation_id=pk,
                submitted_at=answered_at[pk],
                language_code=language if language in CHANGE_LANGUAGES else "mn",
                integrating=counts,
            )
        )
    SurveyResponse.objects.bulk_create(responses, batch_size=BATCH_SIZE)
    answers = []
    for response, pick in zip(responses, picks, strict=True):
        choice = choices[pick]
        answers.append(SurveyAnswer(response=response, question=questions[SurveyQuestion.Kind.CHOICE], choice=choice))
        scale = rng.choices((1, 2, 3, 4, 5), weights=CONFIDENCE[pick])[0]
        answers.append(SurveyAnswer(response=response, question=questions[SurveyQuestion.Kind.SCALE], scale=scale))
        if rng.random() < TEXT_SHARE:
            text = rng.choice(CHANGES[(response.language_code, choice.integrating)])
            answers.append(SurveyAnswer(response=response, question=questions[SurveyQuestion.Kind.TEXT], text=text))
    SurveyAnswer.objects.bulk_create(answers, batch_size=BATCH_SIZE)
    run.counts["survey_answers"] = len(answers)
