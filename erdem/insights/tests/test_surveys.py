"""Follow-up impact surveys: building, activating, sending with reminders, answering once, results."""

import datetime as dt
import time
from typing import Any, cast

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import reverse

from erdem.access.models import Role, RoleAssignment
from erdem.access.tests.factories import person_with_role
from erdem.core.tests.concurrency import at_once
from erdem.credentials.models import Achievement, Credential
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.insights import surveys
from erdem.insights.models import Survey, SurveyChoice, SurveyInvitation, SurveyQuestion, SurveyResponse
from erdem.insights.survey_forms import QuestionForm
from erdem.jobs.models import Job
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)
PASSWORD = "correct-horse-battery"
DOWN_BACKEND = "erdem.outbox.tests.test_outbox._DownBackend"


# --- the world ------------------------------------------------------------------------------------------------


@pytest.fixture
def programme() -> Programme:
    return cast(Programme, ProgrammeFactory())


@pytest.fixture
def admin(programme: Programme) -> Person:
    return person_with_role(Role.NATIONAL_ADMIN, programme=programme, preferred_language="en")


@pytest.fixture
def client() -> Client:
    """A visitor not signed in who chose English."""
    return in_language(Client(), "en")


def in_language(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def achievement(programme: Programme) -> Achievement:
    return achievement_create(programme=programme)


def certified(achievement: Achievement, at: dt.datetime, **fields: Any) -> Person:
    person = make_person(**fields)
    credential_create(achievement=achievement, person=person, at=at)
    return person


def survey_build(programme: Programme, *, activate: bool = True, **fields: Any) -> Survey:
    """A survey of three questions: a choice (the first choice integrating), a scale, an optional text."""
    fields.setdefault("title_mn", "Хиймэл оюуны хэрэглээ")
    fields.setdefault("title_en", "Using AI")
    fields.setdefault("months_after", 6)
    fields.setdefault("reminder_days", 14)
    fields.setdefault("reminders_max", 2)
    survey = surveys.survey_create(programme=programme, created_by=None, **fields)
    surveys.question_save(
        survey=survey,
        kind=SurveyQuestion.Kind.CHOICE,
        text_mn="Хичээлдээ хиймэл оюун ашигладаг уу?",
        text_en="Do you use AI in your teaching?",
        required=True,
        choices_mn=["Тийм, долоо хоног бүр", "Заримдаа", "Үгүй"],
        choices_en=["Yes, every week", "Sometimes", "No"],
        integrating={0},
    )
    surveys.question_save(
        survey=survey, kind=SurveyQuestion.Kind.SCALE, text_mn="Хэр хэрэгтэй вэ?", text_en="How useful?", required=True
    )
    surveys.question_save(
        survey=survey, kind=SurveyQuestion.Kind.TEXT, text_mn="Санал", text_en="Comments", required=False
    )
    if activate:
        surveys.survey_activate(survey=survey)
    return survey


def questions(survey: Survey) -> tuple[SurveyQuestion, SurveyQuestion, SurveyQuestion]:
    choice, scale, text = surveys.survey_questions(survey=survey)
    return choice, scale, text


def invitation_sent(survey: Survey, person: Person, *, at: dt.datetime = NOW) -> SurveyInvitation:
    return SurveyInvitation.objects.create(
        survey=survey, person=person, certified_at=at - dt.timedelta(days=200), due_at=at, sent_at=at, last_sent_at=at
    )


def answers_for(survey: Survey, *, choice_index: int = 0, scale: int = 4, text: str = "") -> dict[str, str]:
    choice, scale_question, text_question = questions(survey)
    return {
        f"q{choice.pk}": str(list(choice.choices.all())[choice_index].pk),
        f"q{scale_question.pk}": str(scale),
        f"q{text_question.pk}": text,
    }


def signed_in(person: Person) -> Client:
    client = Client()
    assert client.login(email=person.email, password=PASSWORD)
    return client


# --- building ---------------------------------------------------------------------------------------------------


def test_the_choice_lists_need_the_same_number_of_lines_in_both_languages() -> None:
    form = QuestionForm(
        data={"kind": "choice", "text_en": "Q", "choices_mn": "Тийм\nҮгүй", "choices_en": "Yes\nNo\nMaybe"}
    )
    assert not form.is_valid()
    assert "The Mongolian list has 2 choices and the English list 3" in str(form.errors["choices_en"])


def test_a_marked_line_counts_as_integrating_and_a_question_needs_some_text() -> None:
    form = QuestionForm(data={"kind": "choice", "text_mn": "А", "choices_mn": "* Тийм\nҮгүй", "choices_en": "Yes\nNo"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["labels_mn"] == ["Тийм", "Үгүй"]
    assert form.cleaned_data["integrating"] == {0}
    empty = QuestionForm(data={"kind": "text"})
    assert not empty.is_valid()
    assert "Write the question in at least one language." in str(empty.errors)


def test_activation_says_what_is_missing(programme: Programme) -> None:
    survey = surveys.survey_create(programme=programme, created_by=None, title_mn="Судалгаа", title_en="Survey")
    question = surveys.question_save(
        survey=survey,
        kind=SurveyQuestion.Kind.CHOICE,
        text_mn="Асуулт",
        text_en="",
        required=True,
        choices_mn=["Тийм"],
        choices_en=["Yes"],
        integrating=set(),
    )
    with pytest.raises(surveys.SurveyError) as refused:
        surveys.survey_activate(survey=survey)
    message = str(refused.value)
    assert "Question 1 needs its text in both languages." in message
    assert "Question 1 needs at least two choices." in message
    assert "No choice counts as integrating AI" in message
    assert Survey.objects.get(pk=survey.pk).status == Survey.Status.DRAFT
    surveys.question_save(
        survey=survey,
        question=question,
        text_en="Question",
        choices_mn=["Тийм", "Үгүй"],
        choices_en=["Yes", "No"],
        integrating={0},
    )
    surveys.survey_activate(survey=survey)
    assert Survey.objects.get(pk=survey.pk).status == Survey.Status.ACTIVE


def test_the_activate_button_shows_the_reasons(client: Client, programme: Programme, admin: Person) -> None:
    survey = surveys.survey_create(programme=programme, created_by=admin, title_mn="Судалгаа", title_en="Survey")
    client = signed_in(admin)
    response = client.post(reverse("insights:survey", args=[survey.pk]), {"action": "activate"}, follow=True)
    assert "The survey has no questions." in response.content.decode()
    assert Survey.objects.get(pk=survey.pk).status == Survey.Status.DRAFT


def test_answered_questions_and_choices_cannot_be_removed_but_their_text_can_change(programme: Programme) -> None:
    survey = survey_build(programme)
    person = make_person()
    invitation = invitation_sent(survey, person)
    choice, scale, _text = questions(survey)
    yes = choice.choices.first()
    assert yes is not None
    surveys.response_submit(invitation=invitation, answers={choice.pk: yes.pk, scale.pk: 5}, language_code="en")

    with pytest.raises(surveys.SurveyError, match="has answers and cannot be removed"):
        surveys.question_delete(question=choice)
    with pytest.raises(surveys.SurveyError, match="Yes, every week"):
        surveys.choices_save(
            question=choice, labels_mn=["Заримдаа", "Үгүй"], labels_en=["Sometimes", "No"], integrating=()
        )
    # A typo fixed in English, the choices reordered: the answered choice keeps its answers.
    surveys.choices_save(
        question=choice,
        labels_mn=["Үгүй", "Тийм, долоо хоног бүр", "Заримдаа"],
        labels_en=["No", "Yes, each week", "Sometimes"],
        integrating={1},
    )
    yes.refresh_from_db()
    assert (yes.position, yes.label_en, yes.integrating) == (2, "Yes, each week", True)
    # An unanswered choice may go; a question with answers keeps its kind.
    surveys.choices_save(
        question=choice,
        labels_mn=["Тийм, долоо хоног бүр", "Үгүй"],
        labels_en=["Yes, each week", "No"],
        integrating={0},
    )
    assert list(choice.choices.values_list("label_en", flat=True)) == ["Yes, each week", "No"]
    with pytest.raises(surveys.SurveyError, match="kind cannot change"):
        surveys.question_save(survey=survey, question=scale, kind=SurveyQuestion.Kind.TEXT)


def test_a_survey_being_sent_stays_complete(programme: Programme) -> None:
    survey = survey_build(programme)
    choice, scale, _text = questions(survey)
    with pytest.raises(surveys.SurveyError, match="Question 2 needs its text in both languages"):
        surveys.question_save(survey=survey, question=scale, text_en="")
    with pytest.raises(surveys.SurveyError, match="No choice counts as integrating AI"):
        surveys.choices_save(question=choice, labels_mn=["Тийм", "Үгүй"], labels_en=["Yes", "No"], integrating=())
    scale.refresh_from_db()
    assert scale.text_en == "How useful?"
    assert choice.choices.count() == 3 and choice.choices.filter(integrating=True).count() == 1


def test_questions_move_up_and_down(programme: Programme) -> None:
    survey = survey_build(programme, activate=False)
    choice, scale, text = questions(survey)
    surveys.question_move(question=text, direction="up")
    assert [q.pk for q in questions(survey)] == [choice.pk, text.pk, scale.pk]
    surveys.question_move(question=choice, direction="up")  # already first: nothing
    surveys.question_move(question=choice, direction="down")
    assert [q.pk for q in questions(survey)] == [text.pk, choice.pk, scale.pk]


def test_the_builder_pages_create_a_survey_and_its_questions(programme: Programme, admin: Person) -> None:
    client = signed_in(admin)
    response = client.post(
        reverse("insights:survey_create"),
        {"title_mn": "Судалгаа", "title_en": "Survey", "months_after": 6, "reminder_days": 14, "reminders_max": 2},
    )
    survey = Survey.objects.get(programme=programme)
    assert response.status_code == 302 and response["Location"] == reverse("insights:survey", args=[survey.pk])
    response = client.post(
        reverse("insights:question_create", args=[survey.pk]),
        {
            "kind": "choice",
            "text_mn": "Ашигладаг уу?",
            "text_en": "Do you use it?",
            "required": "on",
            "choices_mn": "* Тийм\nҮгүй\n",
            "choices_en": "Yes\nNo",
        },
    )
    assert response.status_code == 302
    question = survey.questions.get()
    assert [(c.label_en, c.integrating) for c in question.choices.all()] == [("Yes", True), ("No", False)]
    page = client.get(reverse("insights:question", args=[survey.pk, question.pk])).content.decode()
    assert "* Тийм" in page
    client.post(reverse("insights:survey", args=[survey.pk]), {"action": "activate"})
    assert Survey.objects.get(pk=survey.pk).status == Survey.Status.ACTIVE
    removal = {"action": "delete", "question": question.pk}
    page = client.post(reverse("insights:survey", args=[survey.pk]), removal, follow=True).content.decode()
    assert "The survey is being sent, so it must stay complete: The survey has no questions." in page
    assert survey.questions.exists()
    client.post(reverse("insights:survey", args=[survey.pk]), {"action": "close"})
    client.post(reverse("insights:survey", args=[survey.pk]), removal)
    assert not survey.questions.exists()  # no answers: it may go once the survey is not being sent


# --- sending ----------------------------------------------------------------------------------------------------


def test_people_are_invited_months_after_their_earliest_certificate(
    programme: Programme, achievement: Achievement
) -> None:
    survey_build(programme)
    due = certified(achievement, NOW - dt.timedelta(days=200))
    second = achievement_create(programme=programme, code="AI-102-MC")
    credential_create(achievement=second, person=due, at=NOW - dt.timedelta(days=30))
    certified(achievement, NOW - dt.timedelta(days=150))  # five months: not yet
    revoked = certified(achievement, NOW - dt.timedelta(days=300))
    Credential.objects.filter(person=revoked).update(status=Credential.Status.REVOKED)
    other_kind = achievement_create(programme=programme, code="PART", kind=Achievement.Kind.PARTICIPATION)
    credential_create(achievement=other_kind, person=make_person(), at=NOW - dt.timedelta(days=300))
    elsewhere = achievement_create(programme=ProgrammeFactory(), code="ELSE")
    credential_create(achievement=elsewhere, person=make_person(), at=NOW - dt.timedelta(days=300))

    assert surveys.surveys_send_due(programme=programme, now=NOW) == {"invited": 1, "sent": 1, "reminded": 0}
    invitation = SurveyInvitation.objects.get()
    awarded = Credential.objects.get(person=due, achievement=achievement).awarded_at
    assert invitation.person == due
    assert invitation.certified_at == awarded
    assert invitation.due_at == surveys.months_later(awarded, 6)
    assert invitation.sent_at == NOW and invitation.reminders_sent == 0
    assert [message.to for message in mail.outbox] == [[due.email]]


def test_sending_twice_sends_nothing_twice(programme: Programme, achievement: Achievement) -> None:
    survey_build(programme)
    for _ in range(3):
        certified(achievement, NOW - dt.timedelta(days=365))
    assert surveys.surveys_send_due(programme=programme, now=NOW) == {"invited": 3, "sent": 3, "reminded": 0}
    assert surveys.surveys_send_due(programme=programme, now=NOW) == {"invited": 0, "sent": 0, "reminded": 0}
    assert len(mail.outbox) == 3


def test_a_draft_or_closed_survey_sends_nothing(programme: Programme, achievement: Achievement) -> None:
    survey_build(programme, activate=False)
    closed = survey_build(programme)
    surveys.survey_close(survey=closed)
    certified(achievement, NOW - dt.timedelta(days=365))
    assert surveys.surveys_send_due(programme=programme, now=NOW) == {"invited": 0, "sent": 0, "reminded": 0}
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_sendings_at_once_send_each_e_mail_once() -> None:
    programme = ProgrammeFactory()
    achievement = achievement_create(programme=programme)
    survey_build(programme)
    people = [certified(achievement, NOW - dt.timedelta(days=365)) for _ in range(6)]

    def send() -> dict[str, int]:
        return surveys.surveys_send_due(programme=programme, now=NOW)

    results, errors = at_once([send, send])
    assert errors == []
    assert sum(result["sent"] for result in results) == 6
    assert sorted(message.to[0] for message in mail.outbox) == sorted(person.email for person in people)
    assert SurveyInvitation.objects.filter(sent_at=NOW).count() == 6


def test_reminders_every_few_days_up_to_the_maximum_only_to_those_who_have_not_answered(
    programme: Programme, achievement: Achievement
) -> None:
    survey = survey_build(programme, reminder_days=14, reminders_max=2)
    quiet = certified(achievement, NOW - dt.timedelta(days=365), preferred_language="en")
    answering = certified(achievement, NOW - dt.timedelta(days=365))
    assert surveys.surveys_send_due(programme=programme, now=NOW)["sent"] == 2
    invitation = SurveyInvitation.objects.get(person=answering)
    choice, scale, _text = questions(survey)
    surveys.response_submit(
        invitation=invitation,
        answers={choice.pk: choice.choices.all()[0].pk, scale.pk: 3},
        language_code="en",
    )
    mail.outbox.clear()

    def run(days: int) -> int:
        return surveys.surveys_send_due(programme=programme, now=NOW + dt.timedelta(days=days))["reminded"]

    assert run(13) == 0
    assert run(14) == 1
    assert [message.to for message in mail.outbox] == [[quiet.email]]
    assert "Reminder:" in mail.outbox[0].subject
    assert run(20) == 0  # fourteen days after the reminder, not after the first e-mail
    assert run(28) == 1
    assert run(60) == 0  # two reminders at most
    reminded = SurveyInvitation.objects.get(person=quiet)
    assert reminded.reminders_sent == 2 and reminded.last_sent_at == NOW + dt.timedelta(days=28)


def test_each_e_mail_is_in_the_recipients_language_with_their_link(
    programme: Programme, achievement: Achievement
) -> None:
    survey_build(programme)
    mongolian = certified(achievement, NOW - dt.timedelta(days=365), preferred_language="mn")
    english = certified(achievement, NOW - dt.timedelta(days=365), preferred_language="en")
    surveys.surveys_send_due(programme=programme, now=NOW)
    by_person = {message.to[0]: message for message in mail.outbox}
    assert by_person[mongolian.email].subject == "Хиймэл оюуны хэрэглээ"
    assert by_person[english.email].subject == "Using AI"
    for person in (mongolian, english):
        invitation = SurveyInvitation.objects.get(person=person)
        body = str(by_person[person.email].body)
        assert surveys.survey_link(invitation=invitation) in body
        assert person.given_name in body


def test_a_mail_server_that_is_down_loses_nothing(programme: Programme, achievement: Achievement) -> None:
    """The e-mails wait in the outbox (erdem.outbox) and go when the server is back."""
    from erdem.outbox.models import OutgoingEmail
    from erdem.outbox.services import outbox_deliver

    survey_build(programme, reminders_max=1)
    certified(achievement, NOW - dt.timedelta(days=365))
    with override_settings(EMAIL_BACKEND=DOWN_BACKEND):
        assert surveys.surveys_send_due(programme=programme, now=NOW) == {"invited": 1, "sent": 1, "reminded": 0}
        assert surveys.surveys_send_due(programme=programme, now=NOW + dt.timedelta(days=30))["reminded"] == 1
    assert mail.outbox == []
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).count() == 2
    outbox_deliver(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1))
    assert len(mail.outbox) == 2


def test_the_send_button_queues_the_job_and_shows_it(
    programme: Programme, admin: Person, achievement: Achievement, django_capture_on_commit_callbacks: Any
) -> None:
    survey = survey_build(programme, months_after=1)
    certified(achievement, NOW - dt.timedelta(days=400))
    client = signed_in(admin)
    assert client.get(reverse("insights:survey_send", args=[survey.pk])).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("insights:survey_send", args=[survey.pk]))
    job = Job.objects.get(kind=Job.Kind.SURVEY_SENDING)
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"invited": 1, "sent": 1, "reminded": 0}
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "1 invitation sent." in page


def test_the_daily_command_queues_one_job_per_programme_sending_a_survey(
    programme: Programme, django_capture_on_commit_callbacks: Any
) -> None:
    survey_build(programme)
    survey_build(programme)
    survey_build(ProgrammeFactory(), activate=False)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("surveys_send", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Job.objects.filter(kind=Job.Kind.SURVEY_SENDING).count() == 1


# --- answering --------------------------------------------------------------------------------------------------


@pytest.fixture
def invited(programme: Programme) -> SurveyInvitation:
    survey = survey_build(programme)
    person = make_person(given_name="Сараа", family_name="Должинсүрэн", preferred_language="mn")
    return invitation_sent(survey, person)


def answer_url(invitation: SurveyInvitation) -> str:
    return reverse("insights:survey_answer", args=[surveys.survey_token(invitation=invitation)])


def test_the_page_shows_the_survey_in_the_readers_language_and_only_the_first_name(
    client: Client, invited: SurveyInvitation
) -> None:
    page = in_language(Client(), "mn").get(answer_url(invited)).content.decode()
    assert "Хичээлдээ хиймэл оюун ашигладаг уу?" in page and "Сараа" in page
    assert "Должинсүрэн" not in page and invited.person.email not in page
    page = client.get(answer_url(invited)).content.decode()
    assert "Do you use AI in your teaching?" in page
    # A question without its English text is shown in Mongolian.
    SurveyQuestion.objects.filter(text_en="How useful?").update(text_en="")
    assert "Хэр хэрэгтэй вэ?" in client.get(answer_url(invited)).content.decode()


def test_an_answer_is_recorded_with_the_integrating_flag(client: Client, invited: SurveyInvitation) -> None:
    response = client.post(answer_url(invited), answers_for(invited.survey, choice_index=0, text="<b>Сайн</b>"))
    assert response.status_code == 302
    recorded = SurveyResponse.objects.get(invitation=invited)
    assert recorded.integrating is True
    assert recorded.answers.count() == 3
    assert recorded.answers.get(text__startswith="<b>").text == "<b>Сайн</b>"  # stored as written
    assert "You answered this survey on" in client.get(answer_url(invited)).content.decode()


def test_a_choice_not_counted_as_integrating_leaves_the_flag_off(client: Client, invited: SurveyInvitation) -> None:
    client.post(answer_url(invited), answers_for(invited.survey, choice_index=2))
    assert SurveyResponse.objects.get(invitation=invited).integrating is False


def test_a_missing_required_answer_or_a_choice_of_another_question_is_refused(
    client: Client, invited: SurveyInvitation, programme: Programme
) -> None:
    data = answers_for(invited.survey)
    choice, scale, _text = questions(invited.survey)
    missing = {**data, f"q{scale.pk}": ""}
    page = client.post(answer_url(invited), missing).content.decode()
    assert "Please answer this question." in page
    other = survey_build(programme, title_en="Other")
    foreign = questions(other)[0].choices.first()
    assert foreign is not None
    page = client.post(answer_url(invited), {**data, f"q{choice.pk}": str(foreign.pk)}).content.decode()
    assert "Choose one of the answers shown." in page
    page = client.post(answer_url(invited), {**data, f"q{scale.pk}": "6"}).content.decode()
    assert "Choose one of the answers shown." in page
    page = client.post(answer_url(invited), {**data, f"q{_text.pk}": "x" * 5001}).content.decode()
    assert "5000" in page.replace(",", "").replace("\u00a0", "")
    assert not SurveyResponse.objects.exists()
    with pytest.raises(surveys.SurveyError):
        surveys.response_submit(invitation=invited, answers={choice.pk: foreign.pk, scale.pk: 3}, language_code="en")


def test_answering_twice_is_refused_and_changes_nothing(client: Client, invited: SurveyInvitation) -> None:
    client.post(answer_url(invited), answers_for(invited.survey, choice_index=0))
    response = client.post(answer_url(invited), answers_for(invited.survey, choice_index=2))
    assert response.status_code == 200
    assert "You answered this survey on" in response.content.decode()
    recorded = SurveyResponse.objects.get()
    assert recorded.integrating is True and recorded.answers.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_answers_at_once_record_one() -> None:
    programme = ProgrammeFactory()
    survey = survey_build(programme)
    invitation = invitation_sent(survey, make_person())
    choice, scale, _text = questions(survey)
    first, _sometimes, last = list(choice.choices.all())

    def submit(picked: SurveyChoice) -> Any:
        def call() -> str:
            for _try in range(100):
                try:
                    surveys.response_submit(
                        invitation=invitation, answers={choice.pk: picked.pk, scale.pk: 4}, language_code="en"
                    )
                    return "recorded"
                except surveys.SurveyAnswered:
                    return "refused"
                except OperationalError as exc:  # SQLite's shared in-memory database: try again
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
            raise AssertionError("the database stayed locked")

        return call

    results, errors = at_once([submit(first), submit(last)])
    assert errors == []
    assert sorted(results) == ["recorded", "refused"]
    assert SurveyResponse.objects.count() == 1


def test_a_tampered_token_is_not_found(client: Client, invited: SurveyInvitation) -> None:
    token = surveys.survey_token(invitation=invited)
    assert client.get(reverse("insights:survey_answer", args=[token[:-2] + "xx"])).status_code == 404
    assert client.get(reverse("insights:survey_answer", args=["12345"])).status_code == 404


def test_someone_else_signed_in_is_refused_the_person_themselves_may_answer(invited: SurveyInvitation) -> None:
    assert signed_in(make_person()).get(answer_url(invited)).status_code == 403
    own = signed_in(invited.person)
    assert own.get(answer_url(invited)).status_code == 200
    assert own.post(answer_url(invited), answers_for(invited.survey)).status_code == 302
    assert SurveyResponse.objects.filter(invitation=invited).exists()


def test_a_closed_survey_says_so(client: Client, invited: SurveyInvitation) -> None:
    surveys.survey_close(survey=invited.survey)
    page = client.get(answer_url(invited)).content.decode()
    assert "This survey is closed" in page
    client.post(answer_url(invited), answers_for(invited.survey))
    assert not SurveyResponse.objects.exists()


def test_the_pending_invitation_is_the_sent_unanswered_one_of_an_active_survey(invited: SurveyInvitation) -> None:
    person = invited.person
    assert surveys.survey_pending_for(person=person) == invited
    surveys.survey_close(survey=invited.survey)
    assert surveys.survey_pending_for(person=person) is None
    surveys.survey_activate(survey=invited.survey)
    choice, scale, _text = questions(invited.survey)
    surveys.response_submit(
        invitation=invited,
        answers={choice.pk: choice.choices.all()[0].pk, scale.pk: 2},
        language_code="mn",
    )
    assert surveys.survey_pending_for(person=person) is None


def test_the_home_page_links_the_invited_educator_to_the_survey_until_answered(invited: SurveyInvitation) -> None:
    person = invited.person
    RoleAssignment.objects.get_or_create(person=person, programme=invited.survey.programme, role=Role.EDUCATOR)
    page = signed_in(person).get(reverse("web:home")).content.decode()
    link = page.split('href="/insights/s/', 1)[1].split('"', 1)[0]
    assert surveys.invitation_from_token(token=link.rstrip("/")) == invited
    choice, scale, _text = questions(invited.survey)
    surveys.response_submit(
        invitation=invited, answers={choice.pk: choice.choices.all()[0].pk, scale.pk: 2}, language_code="mn"
    )
    assert "/insights/s/" not in signed_in(person).get(reverse("web:home")).content.decode()


# --- results ----------------------------------------------------------------------------------------------------


def test_results_hide_small_cells_and_show_no_names(programme: Programme, admin: Person) -> None:
    survey = survey_build(programme)
    choice, scale, text = questions(survey)
    yes, sometimes, no = list(choice.choices.all())
    picks = [yes] * 6 + [sometimes] * 2 + [no] * 7
    people = []
    for index, picked in enumerate(picks):
        person = make_person(given_name=f"Нэр{index}", family_name=f"Овог{index}")
        people.append(person)
        surveys.response_submit(
            invitation=invitation_sent(survey, person),
            answers={choice.pk: picked.pk, scale.pk: 5 if index < 10 else 1, text.pk: "<script>x</script>"},
            language_code="en",
        )
    invitation_sent(survey, make_person())  # sent, not answered

    results = surveys.survey_results(survey=survey)
    assert (results.sent, results.respondents, results.integrating) == (16, 15, 6)
    assert results.response_percent == 94 and results.impact_percent == 40
    rows = results.questions[0].rows
    assert [(row.count, row.hidden) for row in rows] == [(6, True), (2, True), (7, False)]  # 2 hidden, 6 with it
    assert results.questions[1].mean == pytest.approx((10 * 5 + 5 * 1) / 15)

    page = signed_in(admin).get(reverse("insights:survey_results", args=[survey.pk])).content.decode()
    assert "&lt;5" in page and ">7<" in page and "40%" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page
    for person in people:
        assert person.family_name not in page and person.email not in page


def test_pages_read_a_bounded_number_of_rows(
    programme: Programme, admin: Person, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(admin)
    for number in range(4):
        survey = survey_build(programme, title_en=f"Survey {number}")
        for _ in range(3):
            invitation_sent(survey, make_person())
    with django_assert_max_num_queries(6):
        assert client.get(reverse("insights:surveys")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("insights:survey_results", args=[survey.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("insights:survey", args=[survey.pk])).status_code == 200


def test_only_national_admins_of_the_programme_build_surveys(programme: Programme) -> None:
    survey = survey_build(programme)
    educator = person_with_role(Role.EDUCATOR, programme=programme)
    other_admin = person_with_role(Role.NATIONAL_ADMIN, programme=ProgrammeFactory())
    assert signed_in(educator).get(reverse("insights:surveys")).status_code == 403
    for url in (
        reverse("insights:survey", args=[survey.pk]),
        reverse("insights:survey_results", args=[survey.pk]),
        reverse("insights:question_create", args=[survey.pk]),
    ):
        assert signed_in(educator).get(url).status_code == 403
        assert signed_in(other_admin).get(url).status_code == 403
    assert Client().get(reverse("insights:surveys")).status_code == 302
