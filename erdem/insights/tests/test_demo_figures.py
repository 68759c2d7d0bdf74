"""The demo reproduces the real programme's published figures, counted from its generated records by the
rollup: 2,054 registered educators from 38 institutions, 1,698 who completed the three AI courses, 580
certified, over 90 % rating the courses highly, about 30 % of the follow-up survey's respondents
integrating AI, and the national centre's institution first in new registrations in March–April 2025.
The national dashboard shows them, and they move when the records do."""

import datetime as dt
from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from erdem.catalog.models import Course
from erdem.credentials.models import Achievement, Credential
from erdem.credentials.services import credential_revoke
from erdem.demo.services import DemoSize, demo_load
from erdem.insights import periods, rollups, selectors
from erdem.insights.demo import (
    INTEGRATING_SHARE,
    MONTHS_AFTER,
    RESPONSE_SHARE,
    demo_integrating_target,
    demo_reference_moment,
    demo_respondents_target,
)
from erdem.insights.models import Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion, SurveyResponse
from erdem.insights.periods import Period
from erdem.insights.selectors import Scope
from erdem.insights.surveys import months_later
from erdem.learning.demo import AI_COURSES
from erdem.people.models import Person
from erdem.programmes.models import Programme

pytestmark = pytest.mark.django_db

MARCH_APRIL_2025 = Period(dt.date(2025, 3, 1), dt.date(2025, 4, 1))


def figures(programme: Programme) -> dict[str, selectors.Figure]:
    period = periods.programme_months(programme)
    return {figure.key: figure for figure in selectors.headline(programme=programme, period=period, scope=Scope())}


def survey_counts() -> tuple[int, int, int]:
    """(invited, respondents, integrating), counted from the survey's records."""
    responses = SurveyResponse.objects.all()
    return SurveyInvitation.objects.count(), responses.count(), responses.filter(integrating=True).count()


def test_a_smaller_demo_keeps_the_shares() -> None:
    """First in the module: the shared demo below is not loaded yet."""
    size = DemoSize(educators=300, institutions=12)
    result = demo_load(educators=size.educators, institutions=size.institutions)

    figure = figures(result.programme)
    assert figure["registered"].to_date.value == 300  # type: ignore[union-attr]
    assert figure["core_completed"].to_date.value == round(300 * 1698 / 2054)  # type: ignore[union-attr]
    assert figure["certified"].to_date.value == round(300 * 580 / 2054)  # type: ignore[union-attr]
    invited, respondents, integrating = survey_counts()
    assert 0 < invited <= figure["certified"].to_date.value  # type: ignore[union-attr]
    assert respondents == demo_respondents_target(invited) == round(invited * RESPONSE_SHARE)
    assert integrating == demo_integrating_target(respondents) == round(respondents * INTEGRATING_SHARE)
    assert figure["integrating"].to_date.value == integrating / respondents  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Any:
    """The default-size demo, loaded once for this module and rolled back afterwards."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load()
        transaction.set_rollback(True)


# --- the figures, from the selectors ---------------------------------------------------------------------------


def test_the_rollup_gives_the_programmes_published_figures(demo: Any, db: None) -> None:
    programme = demo.programme
    assert rollups.core_course_ids(programme=programme) == sorted(
        Course.objects.filter(programme=programme, code__in=AI_COURSES).values_list("pk", flat=True)
    )
    figure = figures(programme)
    assert figure["registered"].current.value == figure["registered"].to_date.value == 2054  # type: ignore[union-attr]
    assert figure["institutions"].current.value == 38
    assert figure["core_completed"].to_date.value == 1698  # type: ignore[union-attr]
    assert figure["certified"].to_date.value == 580  # type: ignore[union-attr]
    rated = figure["rated_high"].to_date
    assert rated is not None and isinstance(rated.value, float) and rated.value > 0.9
    integrating = figure["integrating"].to_date
    assert integrating is not None and isinstance(integrating.value, float)
    assert 0.295 <= integrating.value <= 0.305
    # Whatever the figures, every one comes from the records.
    _invited, respondents, integrating_count = survey_counts()
    assert integrating.value == integrating_count / respondents
    active = Credential.objects.filter(
        achievement__kind=Achievement.Kind.MICRO_CERTIFICATE, status=Credential.Status.ACTIVE
    )
    assert active.count() == 580 == demo.counts["certified"]


def test_the_national_centre_leads_new_registrations_in_march_and_april_2025(demo: Any, db: None) -> None:
    programme = demo.programme
    ranking = selectors.ranking(programme=programme, period=MARCH_APRIL_2025, scope=Scope(), by="institution")
    assert ranking[0].key == programme.national_centre_id
    assert ranking[0].rank == 1
    assert ranking[1].rank == 2 and ranking[0].current.value > ranking[1].current.value  # type: ignore[operator]
    assert (
        ranking[0].label == programme.national_centre.name_mn or ranking[0].label == programme.national_centre.name_en
    )


# --- the follow-up survey ----------------------------------------------------------------------------------------


def test_the_follow_up_survey_is_built_in_both_languages(demo: Any, db: None) -> None:
    survey = Survey.objects.get()
    assert survey.status == Survey.Status.ACTIVE
    assert (survey.months_after, survey.reminder_days, survey.reminders_max) == (MONTHS_AFTER, 14, 2)
    assert survey.title_mn and survey.title_en and survey.intro_mn and survey.intro_en
    questions = list(survey.questions.order_by("position"))
    kind = SurveyQuestion.Kind
    assert [question.kind for question in questions] == [kind.CHOICE, kind.SCALE, kind.TEXT]
    assert questions[0].text_en == "How do you use AI in your teaching now?"
    assert questions[2].text_en == "What changed in your teaching?" and not questions[2].required
    assert all(question.text_mn and question.text_en for question in questions)
    choices = list(questions[0].choices.order_by("position"))
    assert [choice.integrating for choice in choices] == [True, True, False, False]
    assert all(choice.label_en.startswith("Regularly") for choice in choices if choice.integrating)
    assert choices[-1].label_en == "Not yet"


def test_everyone_certified_long_enough_ago_is_invited_when_due(demo: Any, db: None) -> None:
    programme = demo.programme
    survey = Survey.objects.get()
    reference = demo_reference_moment(programme=programme)
    awarded = dict(
        Credential.objects.filter(
            achievement__kind=Achievement.Kind.MICRO_CERTIFICATE, status=Credential.Status.ACTIVE
        ).values_list("person_id", "awarded_at")
    )
    invitations = list(SurveyInvitation.objects.all())
    due = {person_id for person_id, at in awarded.items() if months_later(at, MONTHS_AFTER) <= reference}
    assert {invitation.person_id for invitation in invitations} == due
    assert due
    for invitation in invitations:
        assert invitation.certified_at == awarded[invitation.person_id]
        assert invitation.due_at == invitation.sent_at == months_later(invitation.certified_at, MONTHS_AFTER)
        assert 0 <= invitation.reminders_sent <= survey.reminders_max
        assert invitation.last_sent_at == invitation.sent_at + dt.timedelta(
            days=survey.reminder_days * invitation.reminders_sent
        )
    assert survey.created_at < min(invitation.due_at for invitation in invitations)


def test_about_seventy_percent_answered_and_thirty_percent_of_them_integrate_ai(demo: Any, db: None) -> None:
    programme = demo.programme
    invited, respondents, integrating = survey_counts()
    assert respondents == demo_respondents_target(invited) == round(invited * RESPONSE_SHARE)
    assert integrating == demo_integrating_target(respondents) == round(respondents * INTEGRATING_SHARE)
    assert 0.295 <= integrating / respondents <= 0.305
    assert (demo.counts["survey_responses"], demo.counts["survey_integrating"]) == (respondents, integrating)

    language = dict(Person.objects.values_list("pk", "preferred_language"))
    reference = demo_reference_moment(programme=programme)
    answers: Counter[str] = Counter()
    for response in SurveyResponse.objects.select_related("invitation").prefetch_related(
        "answers__question", "answers__choice"
    ):
        invitation = response.invitation
        assert invitation.sent_at < response.submitted_at <= reference  # type: ignore[operator]
        # Reminders went out only before the answer.
        assert invitation.last_sent_at <= response.submitted_at  # type: ignore[operator]
        assert response.language_code == language[invitation.person_id]
        by_kind = {answer.question.kind: answer for answer in response.answers.all()}
        choice = by_kind[SurveyQuestion.Kind.CHOICE].choice
        assert choice is not None and response.integrating == choice.integrating
        assert by_kind[SurveyQuestion.Kind.SCALE].scale in range(1, 6)
        if SurveyQuestion.Kind.TEXT in by_kind:
            answers[response.language_code] += 1
    assert answers["mn"] > answers["en"] > 0
    assert not SurveyAnswer.objects.filter(question__kind=SurveyQuestion.Kind.TEXT, text="").exists()


# --- the national dashboard ---------------------------------------------------------------------------------------


class FigureParser(HTMLParser):
    """The text of each `data-figure` element's `.figure-value` and `.figure-to-date` descendants."""

    VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, dict[str, str]] = {}
        self.stack: list[tuple[str, str, str]] = []  # (tag, figure key, class read) per open element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        attributes = dict(attrs)
        key, reading = self.stack[-1][1:] if self.stack else ("", "")
        key = attributes.get("data-figure") or key
        classes = (attributes.get("class") or "").split()
        reading = next((name for name in ("figure-value", "figure-to-date") if name in classes), reading)
        self.stack.append((tag, key, reading))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        return

    def handle_endtag(self, tag: str) -> None:
        if any(open_tag == tag for open_tag, _key, _reading in self.stack):
            while self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][1] and self.stack[-1][2]:
            _tag, key, reading = self.stack[-1]
            entry = self.values.setdefault(key, {})
            entry[reading] = entry.get(reading, "") + data


def number(text: str) -> int:
    """A count or a percentage as shown, whatever the locale groups digits with."""
    digits = "".join(ch for ch in text if ch.isdigit())
    assert digits, text
    return int(digits)


def dashboard(client: Client, query: str = "period=all") -> dict[str, dict[str, str]]:
    client.force_login(Person.objects.get(email="admin@demo.erdem.mn"))
    response = client.get(f"/insights/?{query}")
    assert response.status_code == 200
    parser = FigureParser()
    parser.feed(response.content.decode())
    return parser.values


def test_the_national_dashboard_shows_the_figures(demo: Any, db: None, client: Client) -> None:
    shown = dashboard(client)
    assert number(shown["registered"]["figure-value"]) == number(shown["registered"]["figure-to-date"]) == 2054
    assert number(shown["institutions"]["figure-value"]) == 38
    assert number(shown["core_completed"]["figure-to-date"]) == 1698
    assert number(shown["certified"]["figure-to-date"]) == 580
    assert "%" in shown["rated_high"]["figure-value"] and number(shown["rated_high"]["figure-value"]) >= 90
    assert "%" in shown["integrating"]["figure-value"] and 29 <= number(shown["integrating"]["figure-value"]) <= 31


def test_the_figures_move_with_the_records(demo: Any, db: None, client: Client) -> None:
    programme = demo.programme
    credential = (
        Credential.objects.filter(achievement__kind=Achievement.Kind.MICRO_CERTIFICATE, status=Credential.Status.ACTIVE)
        .order_by("pk")
        .first()
    )
    assert credential is not None
    credential_revoke(credential=credential, actor=None, reason="Давхар бүртгэл.")
    SurveyResponse.objects.filter(integrating=True).order_by("pk")[:1].get().delete()
    rollups.rollup_refresh(programme=programme)

    figure = figures(programme)
    assert figure["certified"].to_date.value == 579  # type: ignore[union-attr]
    _invited, respondents, integrating = survey_counts()
    assert figure["integrating"].to_date.value == integrating / respondents  # type: ignore[union-attr]
    shown = dashboard(client)
    assert number(shown["certified"]["figure-to-date"]) == 579
    assert number(shown["registered"]["figure-to-date"]) == 2054
