"""Follow-up impact surveys: building them, sending them months after certification, answering them and
reading their results.

A national admin builds a survey (questions in both languages; a choice question's choices, some of which
count as "integrating AI") and activates it. The daily sending job (`surveys_send_due`) invites each person
who holds an active micro-certificate of the programme awarded at least `months_after` months ago (the
invitation is due that many months after the earliest award), sends the first e-mail once due, then a
reminder every `reminder_days` until `reminders_max`, only to people who have not answered. Each e-mail is in
the recipient's language and carries a signed link (`survey_link`); the link does not expire, it works until
the survey is closed.

Sending is safe to run twice at once: each invitation is claimed by a conditional UPDATE before its e-mail
is built; the e-mail then waits in the outbox (erdem.outbox), which retries it while the mail server is down.

A response is given once per invitation (the one-to-one constraint decides between two at once); its
`integrating` flag, set at submission, feeds the impact figure when the rollup is next refreshed.
"""

import calendar
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.db.models.expressions import NegatedExpression
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from erdem.core.i18n import localized
from erdem.core.mail import email_render, emails_send
from erdem.core.privacy import hidden_cells, share_hidden, small
from erdem.credentials.models import Achievement, Credential
from erdem.insights.models import (
    Survey,
    SurveyAnswer,
    SurveyChoice,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from erdem.jobs.models import Job
from erdem.jobs.services import job_progress
from erdem.people.models import Person
from erdem.programmes.models import Programme

LINK_SALT = "erdem.insights.survey-invitation"
TEXT_MAX_LENGTH = 5000
CHOICES_MAX = 20
SCALE = (1, 2, 3, 4, 5)
SEND_BATCH = 50  # e-mails sent over one connection
TEXTS_SHOWN = 300  # text answers listed per question on the results page

SURVEY_FIELDS = ("title_mn", "title_en", "intro_mn", "intro_en", "months_after", "reminder_days", "reminders_max")
QUESTION_FIELDS = ("kind", "text_mn", "text_en", "required")


class SurveyError(Exception):
    """A refusal to show to the national admin or the respondent."""


class SurveyAnswered(SurveyError):
    """The invitation already has its response."""

    def __init__(self, response: SurveyResponse) -> None:
        super().__init__(_("This survey has already been answered."))
        self.response = response


# --- building -----------------------------------------------------------------------------------------------


def survey_create(*, programme: Programme, created_by: Person | None, **fields: Any) -> Survey:
    """A draft survey of `programme` (fields: SURVEY_FIELDS)."""
    _fields_check(fields, SURVEY_FIELDS)
    return Survey.objects.create(programme=programme, created_by=created_by, **fields)


def survey_update(*, survey: Survey, **fields: Any) -> Survey:
    """Change a survey's texts and timing; a closed survey's too (its texts are read on the results page)."""
    _fields_check(fields, SURVEY_FIELDS)
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.save(update_fields=list(fields))
    return survey


def survey_problems(*, survey: Survey) -> list[str]:
    """Why `survey` may not be sent yet, one sentence each; empty when it may."""
    problems = []
    if not (survey.title_mn and survey.title_en):
        problems.append(_("The survey's title needs both languages."))
    questions = list(survey.questions.prefetch_related("choices"))
    if not questions:
        problems.append(_("The survey has no questions."))
    integrating = False
    for number, question in enumerate(questions, start=1):
        if not (question.text_mn and question.text_en):
            problems.append(_("Question %(number)s needs its text in both languages.") % {"number": number})
        if question.kind == SurveyQuestion.Kind.CHOICE:
            choices = list(question.choices.all())
            if len(choices) < 2:
                problems.append(_("Question %(number)s needs at least two choices.") % {"number": number})
            integrating = integrating or any(choice.integrating for choice in choices)
    if questions and not integrating:
        problems.append(
            _(
                "No choice counts as integrating AI: mark at least one choice, or the impact figure cannot be "
                "computed from this survey."
            )
        )
    return problems


def survey_activate(*, survey: Survey) -> Survey:
    """Start sending `survey` (a draft, or a closed survey reopened); refused while it is incomplete."""
    problems = survey_problems(survey=survey)
    if problems:
        raise SurveyError(" ".join(problems))
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.ACTIVE)
    survey.status = Survey.Status.ACTIVE
    return survey


def survey_close(*, survey: Survey) -> Survey:
    """Stop sending `survey`; its links then show that it is closed. Answers already given stay."""
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    survey.status = Survey.Status.CLOSED
    return survey


def question_save(
    *,
    survey: Survey,
    question: SurveyQuestion | None = None,
    choices_mn: Sequence[str] | None = None,
    choices_en: Sequence[str] | None = None,
    integrating: Iterable[int] = (),
    **fields: Any,
) -> SurveyQuestion:
    """Add a question to `survey` (at the end) or change `question` (fields: QUESTION_FIELDS); a choice
    question's choices are saved with it (`choices_save`). A question that has answers keeps its kind."""
    _fields_check(fields, QUESTION_FIELDS)
    with transaction.atomic():
        if question is None:
            last = survey.questions.order_by("-position").values_list("position", flat=True).first()
            question = SurveyQuestion(survey=survey, position=(last or 0) + 1, **fields)
            question.save()
        else:
            kind = fields.get("kind", question.kind)
            if kind != question.kind and question.answers.exists():
                raise SurveyError(
                    _("This question has answers, so its kind cannot change: add a new question instead.")
                )
            for name, value in fields.items():
                setattr(question, name, value)
            question.save(update_fields=list(fields))
        if question.kind == SurveyQuestion.Kind.CHOICE and choices_mn is not None and choices_en is not None:
            choices_save(question=question, labels_mn=choices_mn, labels_en=choices_en, integrating=integrating)
        elif question.kind != SurveyQuestion.Kind.CHOICE:
            choices_save(question=question, labels_mn=[], labels_en=[], integrating=())
        _survey_still_complete(survey)
    return question


def _survey_still_complete(survey: Survey) -> None:
    """A survey being sent stays complete: a change that would have prevented its activation is refused
    (the caller's transaction is rolled back)."""
    if survey.status != Survey.Status.ACTIVE:
        return
    problems = survey_problems(survey=survey)
    if problems:
        raise SurveyError(
            _("The survey is being sent, so it must stay complete: %(problems)s") % {"problems": " ".join(problems)}
        )


def choices_save(
    *, question: SurveyQuestion, labels_mn: Sequence[str], labels_en: Sequence[str], integrating: Iterable[int]
) -> list[SurveyChoice]:
    """Make `question`'s choices the lines given, in that order (`integrating`: the 0-based lines that count
    as integrating AI). A line keeps the choice whose Mongolian or English text it repeats, so fixing a
    typo or reordering keeps the answers given; a choice left out is removed, refused when it has answers."""
    labels_mn = [label.strip() for label in labels_mn]
    labels_en = [label.strip() for label in labels_en]
    if len(labels_mn) != len(labels_en):
        raise SurveyError(_("Give each choice in both languages: the two lists need the same number of lines."))
    if any(not label for label in (*labels_mn, *labels_en)):
        raise SurveyError(_("Every choice needs its text in both languages."))
    if len(labels_mn) > CHOICES_MAX:
        raise SurveyError(_("A question may have at most %(count)s choices.") % {"count": CHOICES_MAX})
    marked = set(integrating)
    with transaction.atomic():
        existing = list(question.choices.all())
        unmatched = list(existing)
        kept: list[SurveyChoice | None] = []
        for label_mn, label_en in zip(labels_mn, labels_en, strict=True):
            match = next((c for c in unmatched if c.label_mn == label_mn or c.label_en == label_en), None)
            if match is not None:
                unmatched.remove(match)
            kept.append(match)
        # Lines matching nothing take the place of choices whose both texts changed, in order.
        for index, choice in enumerate(kept):
            if choice is None and unmatched:
                kept[index] = unmatched.pop(0)
        answered = set(SurveyAnswer.objects.filter(choice__in=unmatched).values_list("choice_id", flat=True).distinct())
        if answered:
            labels = ", ".join(localized(c, "label") for c in unmatched if c.pk in answered)
            raise SurveyError(
                _("These choices have answers and cannot be removed: %(choices)s. Change their text instead.")
                % {"choices": labels}
            )
        SurveyChoice.objects.filter(pk__in=[c.pk for c in unmatched]).delete()
        saved = []
        for index, (choice, label_mn, label_en) in enumerate(zip(kept, labels_mn, labels_en, strict=True)):
            choice = choice or SurveyChoice(question=question)
            choice.position, choice.label_mn, choice.label_en = index + 1, label_mn, label_en
            choice.integrating = index in marked
            choice.save()
            saved.append(choice)
        _survey_still_complete(question.survey)
    return saved


def question_delete(*, question: SurveyQuestion) -> None:
    """Remove a question and its choices; refused when it has answers."""
    if question.answers.exists():
        raise SurveyError(_("This question has answers and cannot be removed; its text can still be changed."))
    with transaction.atomic():
        survey = question.survey
        question.delete()
        _survey_still_complete(survey)


def question_move(*, question: SurveyQuestion, direction: Literal["up", "down"]) -> None:
    """Swap `question` with the one before (up) or after (down) it; nothing at either end."""
    with transaction.atomic():
        Survey.objects.select_for_update().filter(pk=question.survey_id).first()
        questions = list(SurveyQuestion.objects.filter(survey_id=question.survey_id).order_by("position", "pk"))
        index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(questions):
            return
        questions[index], questions[other] = questions[other], questions[index]
        for position, item in enumerate(questions, start=1):
            if item.position != position:
                SurveyQuestion.objects.filter(pk=item.pk).update(position=position)


def _fields_check(fields: Mapping[str, Any], allowed: Sequence[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


# --- reading the builder -------------------------------------------------------------------------------------


def surveys_of(*, programme: Programme) -> QuerySet[Survey]:
    """The programme's surveys with their counts: invited, sent, answered (one query)."""
    return Survey.objects.filter(programme=programme).annotate(
        invited=Count("invitations", distinct=True),
        sent=Count("invitations", filter=Q(invitations__sent_at__isnull=False), distinct=True),
        answered=Count("invitations__response", distinct=True),
    )


def response_rate(*, answered: int, sent: int) -> float | None:
    return answered / sent if sent else None


def response_percent(*, answered: int, sent: int) -> int | None:
    """The response rate in whole per cent; None before anything was sent."""
    return round(answered * 100 / sent) if sent else None


# --- links -----------------------------------------------------------------------------------------------------


def survey_token(*, invitation: SurveyInvitation) -> str:
    return signing.dumps(invitation.pk, salt=LINK_SALT)


def survey_link(*, invitation: SurveyInvitation) -> str:
    """The invitation's address for an e-mail; it does not expire (the survey's closing ends it)."""
    return settings.SITE_URL + reverse("insights:survey_answer", args=[survey_token(invitation=invitation)])


def invitation_from_token(*, token: str) -> SurveyInvitation | None:
    """The invitation a link names; None when the token is not one we signed."""
    try:
        pk = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return SurveyInvitation.objects.select_related("survey", "person", "response").filter(pk=pk).first()


def survey_pending_for(*, person: Person) -> SurveyInvitation | None:
    """The person's invitation already sent, not answered, of a survey still being sent; the oldest first."""
    if not getattr(person, "is_authenticated", False):
        return None
    return (
        SurveyInvitation.objects.select_related("survey")
        .filter(person_id=person.pk, sent_at__isnull=False, survey__status=Survey.Status.ACTIVE)
        .filter(~Exists(SurveyResponse.objects.filter(invitation=OuterRef("pk"))))
        .order_by("due_at", "pk")
        .first()
    )


# --- sending ---------------------------------------------------------------------------------------------------


def months_later(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` later (or earlier), on the month's last day when it is shorter."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def invitations_create_due(*, survey: Survey, now: dt.datetime | None = None) -> int:
    """Invite everyone certified long enough ago and not invited yet; the number of invitations created.

    Certified: holds an active micro-certificate of the survey's programme; the invitation is due
    `months_after` months after the earliest such award."""
    now = now or timezone.now()
    cutoff = months_later(now, -survey.months_after)
    certified = (
        Credential.objects.filter(
            status=Credential.Status.ACTIVE,
            achievement__programme_id=survey.programme_id,
            achievement__kind=Achievement.Kind.MICRO_CERTIFICATE,
            person__is_active=True,
        )
        .values("person_id")
        .annotate(certified_at=Min("awarded_at"))
        .filter(certified_at__lte=cutoff)
        .filter(~Exists(SurveyInvitation.objects.filter(survey=survey, person_id=OuterRef("person_id"))))
        .order_by("person_id")
    )
    invitations = [
        SurveyInvitation(
            survey=survey,
            person_id=row["person_id"],
            certified_at=row["certified_at"],
            due_at=months_later(row["certified_at"], survey.months_after),
        )
        for row in certified
    ]
    if not invitations:
        return 0
    before = SurveyInvitation.objects.filter(survey=survey).count()
    # Two runs at once may both find a person; the unique constraint keeps one invitation.
    SurveyInvitation.objects.bulk_create(invitations, batch_size=1000, ignore_conflicts=True)
    return max(SurveyInvitation.objects.filter(survey=survey).count() - before, 0)


def _unanswered() -> NegatedExpression[Any]:
    return ~Exists(SurveyResponse.objects.filter(invitation=OuterRef("pk")))


@dataclass
class _Claim:
    invitation: SurveyInvitation
    reminder: bool


def _first_claim(invitation: SurveyInvitation, now: dt.datetime) -> bool:
    return bool(
        SurveyInvitation.objects.filter(pk=invitation.pk, sent_at__isnull=True)
        .filter(_unanswered())
        .update(sent_at=now, last_sent_at=now)
    )


def _reminder_claim(invitation: SurveyInvitation, now: dt.datetime) -> bool:
    return bool(
        SurveyInvitation.objects.filter(
            pk=invitation.pk,
            reminders_sent=invitation.reminders_sent,
            last_sent_at=invitation.last_sent_at,
        )
        .filter(_unanswered())
        .update(reminders_sent=F("reminders_sent") + 1, last_sent_at=now)
    )


def _email_build(invitation: SurveyInvitation, *, reminder: bool) -> EmailMessage:
    person = invitation.person
    with translation.override(person.preferred_language):
        survey = invitation.survey
        context = {
            "survey": survey,
            "title": localized(survey, "title"),
            "intro": localized(survey, "intro"),
            "link": survey_link(invitation=invitation),
            "reminder": reminder,
            "first_name": person.given_name,
            "certified_at": timezone.localtime(invitation.certified_at),
        }
        return email_render(to=person, template="insights/emails/survey_invitation", context=context, html=False)


def _send(claims: list[_Claim]) -> int:
    """Queue the claimed invitations' e-mails in the outbox (erdem.outbox), which retries them while the
    mail server is down; the number queued."""
    sent = 0
    for start in range(0, len(claims), SEND_BATCH):
        batch = claims[start : start + SEND_BATCH]
        sent += emails_send([_email_build(claim.invitation, reminder=claim.reminder) for claim in batch])
    return sent


def survey_send_due(*, survey: Survey, now: dt.datetime | None = None, job: Job | None = None) -> dict[str, int]:
    """Invite, send the first e-mails due and the reminders due of one active survey."""
    now = now or timezone.now()
    if survey.status != Survey.Status.ACTIVE:
        return {"invited": 0, "sent": 0, "reminded": 0}
    invited = invitations_create_due(survey=survey, now=now)
    base = (
        SurveyInvitation.objects.select_related("person", "survey")
        .filter(survey=survey, person__is_active=True)
        .filter(_unanswered())
    )
    first = base.filter(sent_at__isnull=True, due_at__lte=now).order_by("pk")
    reminders = base.filter(
        sent_at__isnull=False,
        reminders_sent__lt=survey.reminders_max,
        last_sent_at__lte=now - dt.timedelta(days=survey.reminder_days),
    ).order_by("pk")
    counts = {"invited": invited, "sent": 0, "reminded": 0}
    if job is not None:
        job_progress(job=job, done=job.progress_done, total=job.progress_total + first.count() + reminders.count())
    for key, rows, reminder in (("sent", first, False), ("reminded", reminders, True)):
        last_pk = 0
        while True:
            chunk = list(rows.filter(pk__gt=last_pk)[:500])
            if not chunk:
                break
            last_pk = chunk[-1].pk
            claims = []
            for invitation in chunk:
                claimed = _reminder_claim(invitation, now) if reminder else _first_claim(invitation, now)
                if claimed:
                    claims.append(_Claim(invitation, reminder))
            counts[key] += _send(claims)
            if job is not None:
                job_progress(job=job, done=job.progress_done + len(chunk))
    return counts


def surveys_send_due(*, programme: Programme, job: Job | None = None, now: dt.datetime | None = None) -> dict[str, int]:
    """Send what is due of every active survey of `programme`; idempotent. Counts: invited, sent, reminded."""
    totals = {"invited": 0, "sent": 0, "reminded": 0}
    surveys = list(Survey.objects.filter(programme=programme, status=Survey.Status.ACTIVE).order_by("pk"))
    for survey in surveys:
        for key, value in survey_send_due(survey=survey, now=now, job=job).items():
            totals[key] += value
    return totals


# --- answering -------------------------------------------------------------------------------------------------


def survey_questions(*, survey: Survey) -> list[SurveyQuestion]:
    return list(survey.questions.prefetch_related("choices").order_by("position", "pk"))


def response_submit(
    *,
    invitation: SurveyInvitation,
    answers: Mapping[int, int | str | None],
    language_code: str,
    now: dt.datetime | None = None,
) -> SurveyResponse:
    """Record the answers (question id → choice id, scale 1–5 or text) as the invitation's one response.

    Refused (SurveyError) when the survey is not being sent, an answer does not fit its question or a
    required one is missing; SurveyAnswered when the invitation already has its response, even one
    given at the same moment. Nothing is saved when refused."""
    survey = Survey.objects.get(pk=invitation.survey_id)
    if survey.status != Survey.Status.ACTIVE:
        raise SurveyError(_("This survey is closed."))
    existing = SurveyResponse.objects.filter(invitation=invitation).first()
    if existing is not None:
        raise SurveyAnswered(existing)
    rows: list[SurveyAnswer] = []
    integrating = False
    for question in survey_questions(survey=survey):
        value = answers.get(question.pk)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if question.required:
                raise SurveyError(_("Please answer every required question."))
            continue
        answer = SurveyAnswer(question=question)
        if question.kind == SurveyQuestion.Kind.CHOICE:
            choice = next((c for c in question.choices.all() if c.pk == _as_int(value)), None)
            if choice is None:
                raise SurveyError(_("Choose one of the question's choices."))
            answer.choice = choice
            integrating = integrating or choice.integrating
        elif question.kind == SurveyQuestion.Kind.SCALE:
            if _as_int(value) not in SCALE:
                raise SurveyError(_("Choose a number from 1 to 5."))
            answer.scale = _as_int(value)
        else:
            text = str(value)
            if len(text) > TEXT_MAX_LENGTH:
                raise SurveyError(_("An answer may be at most %(count)s characters long.") % {"count": TEXT_MAX_LENGTH})
            answer.text = text
        rows.append(answer)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                invitation=invitation,
                submitted_at=now or timezone.now(),
                language_code=language_code,
                integrating=integrating,
            )
            for answer in rows:
                answer.response = response
            SurveyAnswer.objects.bulk_create(rows)
    except IntegrityError:
        raise SurveyAnswered(SurveyResponse.objects.get(invitation=invitation)) from None
    return response


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- results ---------------------------------------------------------------------------------------------------


@dataclass
class Share:
    """A count of people and its share of the question's respondents; hidden when small."""

    label: str
    count: int
    share: float | None
    hidden: bool
    integrating: bool = False

    @property
    def percent(self) -> int | None:
        return _percent(self.share)


def _percent(share: float | None) -> int | None:
    return None if share is None else round(share * 100)


@dataclass
class QuestionResult:
    question: SurveyQuestion
    number: int
    text: str
    answered: int
    rows: list[Share] = field(default_factory=list)  # choices, or the scale's five values
    mean: float | None = None
    mean_hidden: bool = False
    texts: list[str] = field(default_factory=list)


@dataclass
class SurveyResults:
    invited: int
    sent: int
    respondents: int
    integrating: int
    questions: list[QuestionResult]

    @property
    def response_rate(self) -> float | None:
        return response_rate(answered=self.respondents, sent=self.sent)

    @property
    def impact(self) -> float | None:
        return self.integrating / self.respondents if self.respondents else None

    @property
    def response_percent(self) -> int | None:
        return _percent(self.response_rate)

    @property
    def impact_percent(self) -> int | None:
        return _percent(self.impact)

    @property
    def impact_hidden(self) -> bool:
        return share_hidden(self.integrating, self.respondents)


def _shares(labels: Sequence[str], counts: Sequence[int], answered: int, flags: Sequence[bool]) -> list[Share]:
    hidden = hidden_cells(counts)
    return [
        Share(
            label=label,
            count=count,
            share=None if hidden[i] or not answered else count / answered,
            hidden=hidden[i],
            integrating=flags[i],
        )
        for i, (label, count) in enumerate(zip(labels, counts, strict=True))
    ]


def survey_results(*, survey: Survey) -> SurveyResults:
    """Each question's aggregates (choice counts and shares, the scale's distribution and mean, the texts
    without names), the impact share and the response rate; counts of 1 to 4 people are hidden."""
    invitations = SurveyInvitation.objects.filter(survey=survey).aggregate(
        invited=Count("pk"),
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        respondents=Count("response"),
        integrating=Count("response", filter=Q(response__integrating=True)),
    )
    answers = SurveyAnswer.objects.filter(response__invitation__survey=survey)
    choice_counts = Counter(
        {
            row["choice_id"]: row["n"]
            for row in answers.filter(choice__isnull=False).values("choice_id").annotate(n=Count("pk"))
        }
    )
    scale_counts: dict[int, Counter[int]] = defaultdict(Counter)
    for row in answers.filter(scale__isnull=False).values("question_id", "scale").annotate(n=Count("pk")):
        scale_counts[row["question_id"]][row["scale"]] = row["n"]
    answered = Counter({row["question_id"]: row["n"] for row in answers.values("question_id").annotate(n=Count("pk"))})
    questions = survey_questions(survey=survey)
    texts: dict[int, list[str]] = defaultdict(list)
    for question_id in [q.pk for q in questions if q.kind == SurveyQuestion.Kind.TEXT]:
        texts[question_id] = list(
            answers.filter(question_id=question_id)
            .exclude(text="")
            .order_by("text")
            .values_list("text", flat=True)[:TEXTS_SHOWN]
        )
    results = []
    for number, question in enumerate(questions, start=1):
        count = answered[question.pk]
        result = QuestionResult(question=question, number=number, text=localized(question, "text"), answered=count)
        if question.kind == SurveyQuestion.Kind.CHOICE:
            choices = list(question.choices.all())
            result.rows = _shares(
                [localized(c, "label") for c in choices],
                [choice_counts[c.pk] for c in choices],
                count,
                [c.integrating for c in choices],
            )
        elif question.kind == SurveyQuestion.Kind.SCALE:
            values = scale_counts[question.pk]
            result.rows = _shares([str(v) for v in SCALE], [values[v] for v in SCALE], count, [False] * len(SCALE))
            result.mean = sum(v * n for v, n in values.items()) / count if count else None
            result.mean_hidden = small(count)
        else:
            result.texts = texts[question.pk]
        results.append(result)
    return SurveyResults(
        invited=invitations["invited"],
        sent=invitations["sent"],
        respondents=invitations["respondents"],
        integrating=invitations["integrating"],
        questions=results,
    )
