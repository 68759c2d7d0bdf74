"""Each change the log is for writes exactly one row, in its transaction, naming who acted, whom it concerns,
the object and the facts."""

import datetime as dt
import json
from typing import Any, cast

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erdem.access.models import Role, RoleAssignment
from erdem.access.services import role_assign, role_end
from erdem.access.tests.factories import RoleAssignmentFactory, person_with_role
from erdem.assignments.services import review_submit, submission_create
from erdem.assignments.tests.factories import assignment_build, rubric_levels
from erdem.audit.models import AuditAction, AuditEvent
from erdem.catalog.models import Lesson
from erdem.catalog.tests.factories import course_build
from erdem.credentials.services import credential_revoke
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.learning.models import Cohort
from erdem.learning.services import cohort_enrol
from erdem.people.models import Person
from erdem.people.tests.factories import make_person
from erdem.people.tests.test_staff import CSV, latest_import, upload
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.recognition.services import request_decide, request_submit
from erdem.recognition.tests.factories import ExternalIssuer, degree_create, rule_create
from erdem.workshops.services import attendance_mark
from erdem.workshops.tests.factories import register, workshop_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme() -> Programme:
    return cast(Programme, ProgrammeFactory())


@pytest.fixture
def admin(programme: Programme) -> Person:
    return cast(Person, person_with_role(Role.NATIONAL_ADMIN, programme=programme))


def _only(action: str) -> AuditEvent:
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, events
    return events[0]


# --- credentials ----------------------------------------------------------------------------------------------


def test_a_revocation_is_recorded_with_its_reason(programme: Programme, admin: Person) -> None:
    learner = make_person()
    credential = credential_create(achievement=achievement_create(programme=programme), person=learner)
    issued = _only(AuditAction.CREDENTIAL_ISSUE)
    assert (issued.actor_id, issued.subject_id, issued.details["method"]) == (None, learner.pk, "manual")
    credential_revoke(credential=credential, actor=admin, reason="Plagiarism found.")
    event = _only(AuditAction.CREDENTIAL_REVOKE)
    assert (event.actor_id, event.subject_id) == (admin.pk, learner.pk)
    assert event.target == f"credentials.credential:{credential.pk}"
    assert event.details == {
        "credential": str(credential.public_id),
        "before": "active",
        "after": "revoked",
        "reason": "Plagiarism found.",
    }
    assert event.summary == "Credential revoke: active to revoked"


# --- roles ----------------------------------------------------------------------------------------------------


def test_granting_and_ending_a_role_are_recorded(programme: Programme, admin: Person) -> None:
    person = make_person()
    assignment = role_assign(person=person, role=Role.TRAINER, programme=programme, granted_by=admin)
    granted = _only(AuditAction.ROLE_GRANT)
    assert (granted.actor_id, granted.subject_id, granted.target) == (
        admin.pk,
        person.pk,
        f"access.roleassignment:{assignment.pk}",
    )
    assert granted.details == {"role": "trainer", "programme": programme.pk, "institution": None, "region": None}
    role_end(assignment=assignment, ended_by=admin)
    ended = _only(AuditAction.ROLE_END)
    assert (ended.actor_id, ended.subject_id, ended.details["role"]) == (admin.pk, person.pk, "trainer")


def test_a_refused_change_records_nothing(programme: Programme, admin: Person) -> None:
    assignment = RoleAssignmentFactory(programme=programme, role=Role.TRAINER, ended_at=timezone.now())
    with pytest.raises(ValidationError):
        role_end(assignment=assignment, ended_by=admin)
    assert not AuditEvent.objects.filter(action=AuditAction.ROLE_END).exists()


def test_a_staff_import_records_each_educator_role_it_grants(
    client: Client, programme: Programme, django_capture_on_commit_callbacks: Any
) -> None:
    coordinator = person_with_role(Role.COORDINATOR, programme=programme, preferred_language="en")
    client.force_login(coordinator)
    upload(client, coordinator.institution, CSV.encode())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:staff_import_commit", args=[latest_import().pk]))
    invited = set(Person.objects.filter(email__endswith="@num.edu.mn").values_list("pk", flat=True))
    events = AuditEvent.objects.filter(action=AuditAction.ROLE_GRANT)
    assert len(invited) == 2 and {event.subject_id for event in events} == invited
    assert {(event.actor_id, event.details["role"]) for event in events} == {(coordinator.pk, "educator")}
    granted = RoleAssignment.objects.filter(person__in=invited).values_list("pk", flat=True)
    assert {event.target for event in events} == {f"access.roleassignment:{pk}" for pk in granted}


# --- grades ---------------------------------------------------------------------------------------------------


def test_a_reviewers_grade_is_recorded(programme: Programme) -> None:
    course = course_build(programme=programme, modules=1, lessons=1)
    assignment = assignment_build(lesson=Lesson.objects.get(module__course=course))
    learner = person_with_role(Role.EDUCATOR, programme=programme)
    trainer = person_with_role(Role.TRAINER, programme=programme)
    cohort = Cohort.objects.create(programme=programme, name="A", course=course, institution=learner.institution)
    cohort.trainers.add(trainer)
    cohort_enrol(cohort=cohort, people=[learner])
    submission = submission_create(person=learner, assignment=assignment, text="Plan", files=[], number=1).submission
    levels = rubric_levels(assignment)
    review = review_submit(
        reviewer=trainer, submission_id=submission.pk, decision="revise", comment="Add sources.", levels=levels
    )
    event = _only(AuditAction.GRADE_CHANGE)
    assert (event.actor_id, event.subject_id, event.target) == (
        trainer.pk,
        learner.pk,
        f"assignments.review:{review.pk}",
    )
    assert event.details["before"] == "submitted" and event.details["after"] == "revision_requested"
    assert event.details["levels"] == {str(criterion): level for criterion, level in levels.items()}
    assert event.details["commented"] is True and "Add sources." not in str(event.details)


def test_an_attendance_correction_is_recorded_and_a_first_mark_is_not(programme: Programme) -> None:
    course = course_build(programme=programme, modules=1, lessons=1)
    trainer = person_with_role(Role.TRAINER, programme=programme)
    learner = person_with_role(Role.EDUCATOR, programme=programme)
    workshop = workshop_build(course=course, trainers=[trainer], starts_at=timezone.now() - dt.timedelta(minutes=30))
    register(workshop, learner)
    mark = {"workshop": workshop, "person": learner, "source": "roster", "marked_by": trainer}
    attendance_mark(status="absent", marked_at=timezone.now() - dt.timedelta(minutes=5), **mark)
    assert not AuditEvent.objects.exists()
    attendance_mark(status="present", marked_at=timezone.now(), **mark)
    event = _only(AuditAction.ATTENDANCE_CORRECT)
    assert (event.actor_id, event.subject_id) == (trainer.pk, learner.pk)
    assert event.details == {"workshop": workshop.pk, "before": "absent", "after": "present", "source": "roster"}


# --- recognition ----------------------------------------------------------------------------------------------


@pytest.fixture
def requests(programme: Programme) -> dict[str, Any]:
    achievement = achievement_create(programme=programme)
    issuer = ExternalIssuer()
    degree = degree_create()
    rule = rule_create(degree=degree, achievements=[achievement], external_count=1, external_issuers=issuer.did)
    coordinator = person_with_role(Role.COORDINATOR, programme=programme, institution=degree.institution)
    made = []
    for number in (1, 2):
        learner = make_person()
        RoleAssignmentFactory(person=learner, role=Role.EDUCATOR, programme=programme)
        made.append(
            request_submit(
                person=learner,
                degree=degree,
                rule=rule,
                credentials=[credential_create(achievement=achievement, person=learner)],
                external=[json.dumps(issuer.credential(email=learner.email, number=number))],
            )
        )
    return {"coordinator": coordinator, "requests": made, "rule": rule}


def test_approving_and_rejecting_credit_are_recorded(requests: dict[str, Any]) -> None:
    coordinator = requests["coordinator"]
    approved, rejected = requests["requests"]
    request_decide(request=approved, actor=coordinator, approve=True, reason="", notify=False)
    request_decide(request=rejected, actor=coordinator, approve=False, reason="Too old.", notify=False)
    events = {event.target: event for event in AuditEvent.objects.filter(action=AuditAction.RECOGNITION_DECIDE)}
    assert len(events) == 2
    yes = events[f"recognition.recognitionrequest:{approved.pk}"]
    no = events[f"recognition.recognitionrequest:{rejected.pk}"]
    assert (yes.actor_id, yes.subject_id, yes.details["after"]) == (coordinator.pk, approved.person_id, "approved")
    assert yes.details["credits"] == str(approved.credits_granted) and yes.details["rule"] == requests["rule"].pk
    assert (no.subject_id, no.details["after"], no.details["credits"], no.details["reason"]) == (
        rejected.person_id,
        "rejected",
        None,
        "Too old.",
    )


# --- exports of personal data ---------------------------------------------------------------------------------


def test_a_staff_list_export_is_recorded_without_its_data(client: Client, programme: Programme) -> None:
    coordinator = person_with_role(Role.COORDINATOR, programme=programme, preferred_language="en")
    staff = make_person(institution=coordinator.institution, email="saraa@num.edu.mn")
    RoleAssignmentFactory(person=staff, role=Role.EDUCATOR, programme=programme)
    client.force_login(coordinator)
    response: Any = client.get(
        reverse("insights:staff_export", args=[coordinator.institution.pk, "csv"]), {"q": "saraa"}
    )
    assert response.status_code == 200
    assert "saraa@num.edu.mn" in b"".join(response.streaming_content).decode()
    event = _only(AuditAction.DATA_EXPORT)
    assert (event.actor_id, event.subject_id) == (coordinator.pk, None)
    assert event.target == f"organisations.institution:{coordinator.institution.pk}"
    assert event.details == {"table": "institution staff", "rows": 1, "format": "csv", "filters": {"q": "saraa"}}
    assert "saraa" not in event.summary
