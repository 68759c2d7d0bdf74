"""Bulk issuance from the page: the preview of a cohort or a list, the job, and its idempotence."""

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.assessments.models import Attempt
from erdem.assessments.tests.factories import quiz_build
from erdem.catalog.tests.factories import course_build, first_lesson
from erdem.credentials import services
from erdem.credentials.models import AchievementRule, Credential, IssuanceRun
from erdem.credentials.services import IssuanceError, issuance_run_create, issuance_run_execute
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.jobs.models import Job
from erdem.learning.models import Cohort, Enrolment
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


class World:
    """A cohort of six: three qualify, one holds the credential, two miss a rule (one each)."""

    def __init__(self) -> None:
        self.programme = ProgrammeFactory()
        self.course = course_build(programme=self.programme, modules=1, lessons=1)
        self.quiz = quiz_build(lesson=first_lesson(self.course))
        self.achievement = achievement_create(programme=self.programme, course=self.course)
        AchievementRule.objects.create(
            achievement=self.achievement, kind=AchievementRule.Kind.QUIZ_SCORE, quiz=self.quiz, threshold=60
        )
        self.cohort = Cohort.objects.create(programme=self.programme, course=self.course, name="Cohort A")
        self.admin = person_with_role(Role.NATIONAL_ADMIN, programme=self.programme)
        self.qualifying = [self.learner(completed=True, score=80) for _ in range(3)]
        self.holder = self.learner(completed=True, score=90)
        credential_create(achievement=self.achievement, person=self.holder)
        self.not_completed = self.learner(completed=False, score=80)
        self.low_score = self.learner(completed=True, score=40)

    def learner(self, *, completed: bool, score: int):
        person = make_person()
        now = timezone.now()
        Enrolment.objects.create(
            person=person, course=self.course, cohort=self.cohort, completed_at=now if completed else None
        )
        Attempt.objects.create(person=person, quiz=self.quiz, started_at=now, submitted_at=now, score=score)
        return person

    @property
    def url(self) -> str:
        return reverse("credentials:issue_bulk", args=[self.achievement.public_id])


@pytest.fixture
def world() -> World:
    return World()


def _login(client, person):
    person.preferred_language = "en"
    person.save(update_fields=["preferred_language"])
    client.force_login(person)
    return client


def _preview(client, world):
    return client.post(world.url, {"step": "preview", "cohort": str(world.cohort.pk)})


def _issue(client, world, reason=""):
    token = client.session["credentials-bulk"]["token"]
    return client.post(world.url, {"step": "issue", "token": token, "reason": reason})


def test_the_preview_of_a_cohort_counts_who_qualifies_holds_and_misses_what(client, world):
    response = _preview(_login(client, world.admin), world)

    context = response.context
    assert (context["qualifies_count"], context["holds_count"], context["missing_count"]) == (3, 1, 2)
    assert {row.person for row in context["qualifies"]} == set(world.qualifying)
    assert [row.person for row in context["holds"]] == [world.holder]
    missing = {row.person: [(o.label, o.detail) for o in row.missing] for row in context["missing"]}
    assert missing[world.not_completed] == [("Complete the course “Basics”", "Not completed yet.")]
    assert missing[world.low_score][0][1] == "Best score 40%."
    page = response.content.decode()
    assert "Issue 3 credentials" in page
    assert "Best score 40%." in page
    # The people chosen stay on the server (the session), not in the page.
    assert sorted(client.session["credentials-bulk"]["person_ids"]) == sorted(
        person.pk for person in [*world.qualifying, world.holder, world.not_completed, world.low_score]
    )
    assert 'name="person' not in page


def test_the_preview_of_an_uploaded_list_reports_each_row_not_used(client, world):
    outsider = make_person()  # not part of the programme
    rows = [
        "email",
        world.qualifying[0].email.upper(),
        world.not_completed.email,
        "nobody@example.mn",
        outsider.email,
        "not an address",
        world.qualifying[0].email,
        "",
    ]
    upload = SimpleUploadedFile("list.csv", "\n".join(rows).encode(), content_type="text/csv")

    response = _login(client, world.admin).post(world.url, {"step": "preview", "file": upload})

    assert (response.context["qualifies_count"], response.context["missing_count"]) == (1, 1)
    problems = {row["line"]: row["problem"] for row in response.context["report"]}
    assert problems[4] == problems[5] == "Nobody taking part in the programme has this address."
    assert problems[6] == "This is not a valid e-mail address."
    assert problems[7] == "Listed already on line 2."
    assert "Line 4 (nobody@example.mn)" in response.content.decode()


def test_a_list_without_an_email_column_or_not_a_table_is_refused_next_to_the_field(client, world):
    _login(client, world.admin)
    no_column = SimpleUploadedFile("list.csv", b"name\nSaraa\n", content_type="text/csv")
    response = client.post(world.url, {"step": "preview", "file": no_column})
    assert "file" in response.context["choose"].errors
    assert "no column named “email”" in response.content.decode()

    html = SimpleUploadedFile("list.csv", b"<html><body>hi</body></html>", content_type="text/csv")
    assert "file" in client.post(world.url, {"step": "preview", "file": html}).context["choose"].errors

    neither = client.post(world.url, {"step": "preview"})
    assert "cohort" in neither.context["choose"].errors
    assert "cohort" in client.post(world.url, {"step": "preview", "cohort": "x"}).context["choose"].errors


def test_a_cohort_of_another_programme_cannot_be_chosen(client, world):
    foreign = Cohort.objects.create(
        programme=ProgrammeFactory(starts_on=dt.date(2020, 1, 1)), course=world.course, name="Elsewhere"
    )
    response = _login(client, world.admin).post(world.url, {"step": "preview", "cohort": str(foreign.pk)})
    assert "cohort" in response.context["choose"].errors


def test_issuing_runs_the_job_for_exactly_those_who_qualify(client, world, django_capture_on_commit_callbacks):
    _login(client, world.admin)
    _preview(client, world)
    with django_capture_on_commit_callbacks(execute=True):
        response = _issue(client, world, reason="End of cohort A.")

    run = IssuanceRun.objects.get()
    assert run.job is not None
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[run.job.pk])
    assert sorted(run.person_ids) == sorted(person.pk for person in world.qualifying)
    assert run.cohort == world.cohort
    run.job.refresh_from_db()
    assert run.job.status == Job.Status.SUCCEEDED
    bulk = Credential.objects.filter(method=Credential.Method.BULK)
    assert set(bulk.values_list("person_id", flat=True)) == {person.pk for person in world.qualifying}
    assert {event.reason for credential in bulk for event in credential.events.all()} == {"End of cohort A."}
    assert "credentials-bulk" not in client.session

    # The same run again issues nothing more.
    again = issuance_run_execute(issuance_run_id=run.pk)
    public_id = str(world.achievement.public_id)
    assert again == {"issued": 0, "already_held": 3, "not_qualified": 0, "achievement_public_id": public_id}
    assert Credential.objects.count() == 4


def test_issuing_checks_the_rules_again(client, world, django_capture_on_commit_callbacks):
    _login(client, world.admin)
    _preview(client, world)
    Enrolment.objects.filter(person=world.qualifying[0]).update(completed_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        _issue(client, world)

    assert not Credential.objects.filter(person=world.qualifying[0]).exists()
    assert Credential.objects.filter(method=Credential.Method.BULK).count() == 2


def test_a_crash_mid_run_then_a_rerun_issues_everyone_once(world):
    people = world.qualifying + [make_person() for _ in range(3)]
    for person in people[3:]:
        Enrolment.objects.create(person=person, course=world.course, completed_at=timezone.now())
        now = timezone.now()
        Attempt.objects.create(person=person, quiz=world.quiz, started_at=now, submitted_at=now, score=99)
    run = issuance_run_create(
        achievement=world.achievement, person_ids=[person.pk for person in people], actor=world.admin
    )
    real_issue = services.credential_issue
    calls = {"count": 0}

    def crashing(**kwargs):
        if calls["count"] == 2:
            raise RuntimeError("the worker died")
        calls["count"] += 1
        return real_issue(**kwargs)

    with mock.patch.object(services, "credential_issue", side_effect=crashing), pytest.raises(RuntimeError):
        issuance_run_execute(issuance_run_id=run.pk)
    assert Credential.objects.filter(method=Credential.Method.BULK).count() == 2

    result = issuance_run_execute(issuance_run_id=run.pk)

    assert result == {
        "issued": 4,
        "already_held": 2,
        "not_qualified": 0,
        "achievement_public_id": str(world.achievement.public_id),
    }
    held = list(Credential.objects.filter(achievement=world.achievement).values_list("person_id", flat=True))
    assert len(held) == len(set(held))  # nobody twice
    assert set(held) >= {person.pk for person in people}  # nobody missed


def test_a_second_run_for_the_same_cohort_is_refused_while_the_first_is_queued(client, world):
    _login(client, world.admin)
    _preview(client, world)
    first = _issue(client, world)  # the job waits for the commit, which never comes in this test: it stays queued
    assert first.status_code == 302
    assert Job.objects.get().status == Job.Status.QUEUED

    _preview(client, world)
    second = _issue(client, world)

    assert second.status_code == 200
    assert "A bulk issuance for these people is already running" in second.content.decode()
    assert IssuanceRun.objects.count() == 1
    with pytest.raises(IssuanceError):
        issuance_run_create(
            achievement=world.achievement, person_ids=[world.low_score.pk], actor=world.admin, cohort=world.cohort
        )


def test_an_old_or_forged_preview_issues_nothing(client, world):
    _login(client, world.admin)
    response = client.post(world.url, {"step": "issue", "token": "forged", "reason": ""})
    assert response.status_code == 302
    _preview(client, world)
    assert client.post(world.url, {"step": "issue", "token": "forged"}).status_code == 302
    assert not IssuanceRun.objects.exists()


def test_people_who_left_the_programme_are_dropped_on_issuing(client, world, django_capture_on_commit_callbacks):
    _login(client, world.admin)
    _preview(client, world)
    Enrolment.objects.filter(person=world.qualifying[1]).delete()  # no longer in any course of the programme
    with django_capture_on_commit_callbacks(execute=True):
        _issue(client, world)
    assert not Credential.objects.filter(person=world.qualifying[1]).exists()
    assert Credential.objects.filter(method=Credential.Method.BULK).count() == 2


def test_a_run_whose_worker_was_killed_is_resumed_and_issues_the_rest_once(world, django_capture_on_commit_callbacks):
    people = world.qualifying
    run = issuance_run_create(
        achievement=world.achievement, person_ids=[person.pk for person in people], actor=world.admin
    )
    # The worker claimed the job, issued one credential and was killed: the job stays "running".
    Job.objects.filter(pk=run.job_id).update(status=Job.Status.RUNNING, started_at=timezone.now())
    services.credential_issue(
        achievement=world.achievement, person=people[0], method=Credential.Method.BULK, actor=world.admin, notify=False
    )
    with pytest.raises(IssuanceError):  # the same people cannot be queued twice meanwhile
        issuance_run_create(achievement=world.achievement, person_ids=[people[1].pk], actor=world.admin)

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("issuance_resume", stdout=out)

    assert "1 bulk issuance(s) queued again." in out.getvalue()
    assert Job.objects.get(pk=run.job_id).status == Job.Status.SUCCEEDED
    chosen = [person.pk for person in people]
    held = list(
        Credential.objects.filter(achievement=world.achievement, person_id__in=chosen).values_list(
            "person_id", flat=True
        )
    )
    assert sorted(held) == sorted(chosen)  # each exactly once
    assert Job.objects.get(pk=run.job_id).result == {
        "issued": len(people) - 1,
        "already_held": 1,
        "not_qualified": 0,
        "achievement_public_id": str(world.achievement.public_id),
    }


def test_the_job_page_says_what_the_bulk_issuance_did(client, world, django_capture_on_commit_callbacks):
    _login(client, world.admin)
    _preview(client, world)
    with django_capture_on_commit_callbacks(execute=True):
        response = _issue(client, world)
    page = client.get(response["Location"])

    assert page.status_code == 200
    html = page.content.decode()
    assert _figures(html) == ["3", "0", "0"]  # issued; left out as holders; left out as no longer qualifying
    assert "credentials issued" in html
    assert reverse("credentials:achievement_detail", args=[world.achievement.public_id]) in html


def test_the_job_page_of_an_older_bulk_issuance_without_the_achievement(client, world):
    job = Job.objects.create(
        kind=Job.Kind.CREDENTIAL_ISSUANCE,
        started_by=world.admin,
        status=Job.Status.SUCCEEDED,
        result={"issued": 1, "already_held": 2, "not_qualified": 3},
    )
    page = _login(client, world.admin).get(reverse("jobs:detail", args=[job.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert _figures(html) == ["1", "2", "3"]
    assert "credential issued" in html
    assert "they hold it already, or it was revoked" in html
    assert "they no longer meet every rule" in html
    assert reverse("credentials:manage") in html


def _figures(html: str) -> list[str]:
    return [figure.split("</span>")[0] for figure in html.split('<span class="figure">')[1:]]
