"""Every URL pattern × every role: the outcome the table in tests/permissions_matrix_data.py expects.

One world is built per module (inside a transaction that is rolled back at the end); each
test runs in a savepoint on top of it, so a write by one case is undone before the next.
Unsafe requests carry a valid CSRF token, so a refusal comes from the permission checks;
a refused request must leave the database and the outbox as they were. The ministry viewer
must never receive anyone else's e-mail address from the world.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from erdem.access.models import Role, RoleAssignment
from erdem.access.tests.factories import RoleAssignmentFactory
from erdem.api.models import ApiToken
from erdem.api.services import api_token_create
from erdem.assessments.models import Attempt, Choice, Question, Quiz
from erdem.assessments.tests.factories import matrix_quizzes_create, question_add, quiz_build
from erdem.assignments.models import Assignment, Review, Submission, SubmissionFile
from erdem.assignments.tests.factories import assignment_build, matrix_assignments_create, rubric_form
from erdem.audit.models import AuditEvent
from erdem.cascade.models import (
    Appointment,
    LineageNode,
    MentorAssignment,
    MentoringFeedback,
    MentoringSession,
    Nomination,
    Tier,
)
from erdem.cascade.services import lineage_attach, mentor_assign, nomination_create, session_log
from erdem.cascade.tests.factories import appoint
from erdem.catalog.media_samples import pdf_document, png_bar_chart
from erdem.catalog.models import Course, LessonAttachment, LessonImage, LessonMedia, Module
from erdem.catalog.packages import course_package_export
from erdem.catalog.tests.factories import course_build, first_lesson, matrix_courses_create
from erdem.catalog.xliff import xliff_export
from erdem.credentials.models import (
    Achievement,
    AchievementRule,
    Credential,
    CredentialEvent,
    IssuanceRun,
    IssuerKey,
)
from erdem.credentials.services import credential_show_name_set, credential_suspend
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.insights.models import Report, Survey, SurveyInvitation, SurveyQuestion, SurveyResponse
from erdem.insights.surveys import question_save, survey_activate, survey_create, survey_token
from erdem.jobs.models import Job
from erdem.learning.models import Cohort, CourseFeedback, Enrolment, LessonProgress
from erdem.learning.services import cohort_enrol
from erdem.organisations.models import Institution, Region
from erdem.organisations.tests.factories import InstitutionFactory, region
from erdem.outbox.models import OutgoingEmail
from erdem.people import two_factor
from erdem.people.models import ConsentRecord, DataExport, DeletionRequest, Person, StaffImport
from erdem.people.privacy_services import data_export_build, data_export_request, deletion_request_create
from erdem.people.services import email_confirmation_token, staff_import_create
from erdem.people.tests.factories import PersonFactory
from erdem.portfolio.endorsements import endorsement_give, endorsement_request
from erdem.portfolio.models import CareerReview, Endorsement, Entry, EntryFile, EntryLink, Portfolio
from erdem.portfolio.services import (
    entry_create,
    entry_file_add,
    portfolio_public_link_set,
    portfolio_review_consent_set,
)
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.recognition.models import (
    DegreeModule,
    DegreeProgramme,
    Pathway,
    PathwayStep,
    QualificationLevel,
    QualificationStandard,
    RecognitionRequest,
    RecognitionRule,
    RequestCredential,
    StandardDescriptor,
)
from erdem.recognition.pathway_services import PathwayDefinition, pathway_publish, pathway_save
from erdem.recognition.services import request_submit
from erdem.recognition.standard_services import descriptor_save, level_save, standard_save
from erdem.recognition.tests.factories import degree_create, module_create, rule_create
from erdem.workshops.models import AttendanceMark, Registration, Workshop
from erdem.workshops.tests.factories import MATRIX_SHEET, matrix_workshop_create
from tests.permissions_matrix_data import HTML_UNDER_API, KNOWN_DEFECTS, REFUSALS, ROLES, ROWS, Outcome, Row

PASSWORD = "correct-horse-battery"  # PersonFactory's
CSRF_SECRET = "matrixCsrfSecretMatrixCsrfSecret"  # 32 characters, as Django's CSRF secrets are
STAFF_CSV = (
    "email;family_name;given_name\n"
    "new.teacher.one@inst-a.example.mn;Бат;Туяа\n"
    "new.teacher.two@inst-a.example.mn;Сүх;Дорж\n"
).encode()
INVITEE_EMAILS = ("new.teacher.one@inst-a.example.mn", "new.teacher.two@inst-a.example.mn")
BACKUP_CODE = "matrix-backup-code"  # one of the educator's two-factor backup codes


# --- the URL patterns of the project -------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # the namespaced name, or the full route for a pattern without a name
    route: str
    name: str | None
    arguments: tuple[str, ...]


def _walk(
    resolver: URLResolver, prefix: str = "", namespace: str = "", arguments: tuple[str, ...] = ()
) -> Iterator[Pattern]:
    for entry in resolver.url_patterns:
        # As ResolverMatch.route spells it: a regex's "^" is dropped after a prefix.
        route = prefix + (str(entry.pattern).removeprefix("^") if prefix else str(entry.pattern))
        names = (*arguments, *entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from _walk(entry, route, inner or "", names)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Pattern(key=name or route, route=route, name=name, arguments=names)


def _is_skipped(pattern: Pattern) -> bool:
    """Django admin's own pages (its index stands for them) and static / media serving."""
    if pattern.route.startswith("admin/") and pattern.route != "admin/":
        return True
    served = [url.lstrip("/") for url in (settings.STATIC_URL, settings.MEDIA_URL) if url]
    return any(served_url and pattern.route.startswith(served_url) for served_url in served)


def project_patterns() -> dict[str, Pattern]:
    patterns: dict[str, Pattern] = {}
    for pattern in _walk(get_resolver()):
        if _is_skipped(pattern):
            continue
        assert pattern.key not in patterns, f"two URL patterns share the key {pattern.key!r}"
        patterns[pattern.key] = pattern
    return patterns


PATTERNS = project_patterns()


def test_every_url_pattern_has_a_row() -> None:
    """A new endpoint fails here until tests/permissions_matrix_data.py says who may use it."""
    with_get_row = {row.pattern for row in ROWS if row.method == "GET"}
    missing = sorted(key for key in PATTERNS if key not in with_get_row)
    assert not missing, "URL patterns without a GET row in tests/permissions_matrix_data.py: " + ", ".join(
        f"{key} (/{PATTERNS[key].route})" for key in missing
    )


def test_every_row_names_a_url_pattern() -> None:
    stale = sorted({row.pattern for row in ROWS} - set(PATTERNS))
    assert not stale, "rows for URL patterns that no longer exist: " + ", ".join(stale)
    labels = [row.label for row in ROWS]
    assert len(labels) == len(set(labels)), "duplicate rows: " + ", ".join({x for x in labels if labels.count(x) > 1})


# --- the world -----------------------------------------------------------------------------------------------


@dataclass
class World:
    programme: Programme
    programme_2: Programme
    inst_a: Institution
    inst_b: Institution
    people: dict[str, Person]  # one per signed-in role
    outsider: Person  # works at institution B, holds a role in programme_2 only
    assignment: RoleAssignment  # the educator's role in the programme
    assignment_p2: RoleAssignment  # the outsider's role in programme_2
    staff_import: StaffImport  # uploaded by the coordinator for institution A, waiting for confirmation
    job: Job  # started by the coordinator
    educator_token: ApiToken  # a second token of the educator, for the revoke page
    colleague: Person  # an educator at institution A who consents to a career review
    leaver: Person  # an educator at institution A whose deletion request is due
    tokens: dict[str, str] = field(default_factory=dict)  # role -> plain API token
    sessions: dict[str, str] = field(default_factory=dict)  # role -> session key

    def emails_hidden_from_viewer(self) -> list[str]:
        viewer = self.people["ministry_viewer"]
        people = [*self.people.values(), self.outsider, self.colleague, self.leaver]
        return [person.email for person in people if person.pk != viewer.pk] + list(INVITEE_EMAILS)


def _person(role: str | None, programme: Programme, institution: Institution | None, **fields: Any) -> Person:
    person = PersonFactory.create(institution=institution, **fields)
    if role is not None:
        RoleAssignmentFactory.create(
            person=person,
            role=role,
            programme=programme,
            institution=institution if role == Role.COORDINATOR else None,
        )
    return person


def build_world() -> World:
    centre, inst_a, inst_b = InstitutionFactory.create(), InstitutionFactory.create(), InstitutionFactory.create()
    programme = ProgrammeFactory.create(national_centre=centre)
    programme_2 = ProgrammeFactory.create(national_centre=centre)
    people = {
        "educator": _person(Role.EDUCATOR, programme, inst_a),
        "coordinator": _person(Role.COORDINATOR, programme, inst_a),
        "other_coordinator": _person(Role.COORDINATOR, programme, inst_b),
        "master_teacher": _person(Role.MASTER_TEACHER, programme, inst_a),
        "trainer": _person(Role.TRAINER, programme, inst_a),
        "mentor": _person(Role.MENTOR, programme, inst_a),
        "ministry_viewer": _person(Role.MINISTRY_VIEWER, programme, None),
        "national_admin": _person(Role.NATIONAL_ADMIN, programme, centre),
        "superuser": _person(None, programme, None, is_staff=True, is_superuser=True),
    }
    RoleAssignmentFactory.create(
        person=people["trainer"], role=Role.TRAINER, programme=programme, region=region("MN-1")
    )
    outsider = _person(Role.EDUCATOR, programme_2, inst_b)
    staff_import = staff_import_create(
        institution=inst_a, uploaded_by=people["coordinator"], file=SimpleUploadedFile("staff.csv", STAFF_CSV)
    )
    assert staff_import.invite_count == len(INVITEE_EMAILS)
    job = Job.objects.create(
        kind=Job.Kind.STAFF_INVITATION, started_by=people["coordinator"], status=Job.Status.SUCCEEDED
    )
    educator_token, _raw = api_token_create(person=people["educator"], name="to revoke")
    matrix_courses_create(programme=programme)
    authoring = course_build(programme=programme, code="matrix-authoring", modules=2, lessons=2)
    authoring.team.add(people["master_teacher"])
    assignment_build(lesson=first_lesson(authoring), criteria=1)
    question_add(quiz_build(lesson=first_lesson(authoring)), Question.Kind.SINGLE, choices=(True, False))
    matrix_quizzes_create(educator=people["educator"])
    published = Course.objects.get(code="matrix-published")
    cohort = Cohort.objects.create(programme=programme, name="matrix cohort", course=published, institution=inst_a)
    cohort.trainers.add(people["trainer"])
    cohort_enrol(cohort=cohort, people=[people["educator"]])
    # The educator has completed the course, so its feedback survey is open to them.
    Enrolment.objects.filter(person=people["educator"], course=published).update(completed_at=published.created_at)
    matrix_assignments_create(educator=people["educator"], trainer=people["trainer"], cohort=cohort)
    matrix_workshop_create(course=published, cohort=cohort, trainer=people["trainer"], institution=inst_a)
    _matrix_credentials_create(programme=programme, course=published, educator=people["educator"])
    _matrix_cascade_create(programme=programme, people=people)
    _matrix_insights_create(programme=programme, people=people)
    _matrix_recognition_create(programme=programme, institution=inst_a, people=people)
    colleague = _person(Role.EDUCATOR, programme, inst_a)
    _matrix_portfolio_create(people=people, colleague=colleague)
    leaver = _person(Role.EDUCATOR, programme, inst_a)
    _matrix_privacy_create(educator=people["educator"], leaver=leaver)
    _matrix_two_factor_create(educator=people["educator"])
    world = World(
        programme=programme,
        programme_2=programme_2,
        inst_a=inst_a,
        inst_b=inst_b,
        people=people,
        outsider=outsider,
        assignment=RoleAssignment.objects.get(person=people["educator"], programme=programme),
        assignment_p2=RoleAssignment.objects.get(person=outsider),
        staff_import=staff_import,
        job=job,
        educator_token=educator_token,
        colleague=colleague,
        leaver=leaver,
    )
    for role, person in people.items():
        world.tokens[role] = api_token_create(person=person, name="matrix")[1]
        client = Client()
        client.force_login(person)
        world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return world


def _matrix_credentials_create(*, programme: Programme, course: Course, educator: Person) -> None:
    """An active achievement on the course (the educator holds it, name shown), one the educator holds with the
    name hidden, one the educator holds suspended, and a draft nobody can earn yet."""
    achievement = achievement_create(programme=programme, course=course, code="matrix-achievement")
    credential_create(achievement=achievement, person=educator)
    hidden = credential_create(
        achievement=achievement_create(programme=programme, code="matrix-hidden"), person=educator
    )
    credential_show_name_set(credential=hidden, show_name=False)
    suspended = credential_create(
        achievement=achievement_create(programme=programme, code="matrix-suspended"), person=educator
    )
    credential_suspend(credential=suspended, actor=None, reason="Matrix world.")
    achievement_create(programme=programme, code="matrix-draft", status=Achievement.Status.DRAFT)


def _matrix_cascade_create(*, programme: Programme, people: dict[str, Person]) -> None:
    """The master teacher at the root, the trainer (region MN-1) below, the educator below the trainer; the
    mentor mentors the educator (one session); the trainer nominated the coordinator."""
    master, trainer, mentor, educator = (people[r] for r in ("master_teacher", "trainer", "mentor", "educator"))
    appoint(programme=programme, tier=Tier.MASTER_TEACHER, person=master)
    appoint(
        programme=programme, tier=Tier.REGIONAL_TRAINER, person=trainer, regions=[region("MN-1")], trained_by=master
    )
    appoint(programme=programme, tier=Tier.MENTOR, person=mentor, trained_by=master)
    lineage_attach(programme=programme, person=educator, trainer=trainer, source=LineageNode.Source.WORKSHOP)
    pair = mentor_assign(programme=programme, mentor=mentor, mentee=educator, actor=None)
    session_log(pair=pair, by=mentor, held_on=timezone.localdate(), mode="online", topics="Matrix session")
    nomination_create(
        programme=programme, nominee=people["coordinator"], nominated_by=trainer, statement="Matrix nomination."
    )


def _matrix_insights_create(*, programme: Programme, people: dict[str, Person]) -> None:
    """An active follow-up survey the educator was invited to, and a national report ready to download."""
    survey = survey_create(
        programme=programme, created_by=people["national_admin"], title_mn="Судалгаа", title_en="matrix survey"
    )
    question_save(
        survey=survey,
        kind=SurveyQuestion.Kind.CHOICE,
        text_mn="Хэрэглэж байна уу?",
        text_en="Do you use it?",
        choices_mn=["Тийм", "Үгүй"],
        choices_en=["Yes", "No"],
        integrating=[0],
    )
    survey_activate(survey=survey)
    now = timezone.now()
    SurveyInvitation.objects.create(
        survey=survey, person=people["educator"], certified_at=now, due_at=now, sent_at=now, last_sent_at=now
    )
    month = timezone.localdate().replace(day=1)
    report = Report.objects.create(
        programme=programme, first_month=month, last_month=month, status=Report.Status.READY, finished_at=now
    )
    report.file_mn.save("matrix-mn.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    report.file_en.save("matrix-en.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    report.save()


def _matrix_recognition_create(*, programme: Programme, institution: Institution, people: dict[str, Person]) -> None:
    """A degree programme at institution A with two modules and a rule for each (M1: the matrix achievement,
    M2: the hidden one), the master teacher in its office; the educator's request for M1, waiting; a published
    pathway; the framework: a standard, a level and their descriptor (the matrix achievement aligned)."""
    educator, admin = people["educator"], people["national_admin"]
    degree = degree_create(institution=institution, code="matrix-degree")
    degree.office.add(people["master_teacher"])
    achievement = Achievement.objects.get(code="matrix-achievement")
    hidden = Achievement.objects.get(code="matrix-hidden")
    for code, position, required in (("M1", 1, achievement), ("M2", 2, hidden)):
        module = module_create(degree=degree, code=code, position=position)
        rule_create(
            degree=degree,
            module=module,
            achievements=[required],
            approved_by=admin,
            name_en=f"matrix rule {code}",
            valid_from=dt.date(2020, 1, 1),
        )
    rule = RecognitionRule.objects.get(name_en="matrix rule M1")
    request_submit(
        person=educator,
        degree=degree,
        rule=rule,
        credentials=[Credential.objects.get(achievement=achievement, person=educator)],
        external=[],
        message="Matrix request.",
    )
    pathway = pathway_save(
        programme=programme,
        actor=admin,
        definition=PathwayDefinition(
            code="matrix-pathway",
            name_mn="Зам",
            name_en="matrix pathway",
            achievement=achievement_create(programme=programme, code="matrix-pathway-credential"),
            required=[achievement],
            electives=[],
            electives_required=0,
        ),
    )
    pathway_publish(pathway=pathway, actor=admin, published=True)
    part = {"description_mn": "", "description_en": "", "position": 1}
    standard = standard_save(programme=programme, code="S1", name_mn="Стандарт", name_en="matrix standard", **part)
    level = level_save(programme=programme, code="L1", name_mn="Түвшин", name_en="matrix level", **part)
    descriptor_save(
        standard=standard, level=level, text_mn="Тодорхойлолт", text_en="matrix descriptor", achievements=[achievement]
    )


def _matrix_portfolio_create(*, people: dict[str, Person], colleague: Person) -> None:
    """The educator's entries (private with a file, institution, public with a file) and public link; the mentor
    is asked to endorse the private entry and has endorsed the institution and public ones; the colleague
    consents to a career review."""
    educator, mentor = people["educator"], people["mentor"]
    entries = {}
    for visibility in Entry.Visibility.values:
        entries[visibility] = entry_create(
            person=educator,
            kind=Entry.Kind.LESSON_PLAN,
            title=f"matrix {visibility} entry",
            body="Matrix **entry**.",
            language="en",
            visibility=visibility,
        )
    for visibility in (Entry.Visibility.PRIVATE, Entry.Visibility.PUBLIC):
        entry_file_add(
            entry=entries[visibility],
            person=educator,
            upload=SimpleUploadedFile(f"{visibility}.pdf", pdf_document(f"matrix {visibility}", [])),
        )
    portfolio_public_link_set(person=educator, enabled=True)
    for visibility in (Entry.Visibility.PRIVATE, Entry.Visibility.INSTITUTION, Entry.Visibility.PUBLIC):
        endorsement_request(
            entry=entries[visibility],
            owner=educator,
            endorser_email=mentor.email,
            relation=Endorsement.Relation.MENTOR,
            note="Matrix.",
            notify=False,
        )
    for visibility in (Entry.Visibility.INSTITUTION, Entry.Visibility.PUBLIC):
        given = Endorsement.objects.get(entry=entries[visibility])
        endorsement_give(endorsement=given, endorser=mentor, comment="Matrix endorsement.", notify=False)
    portfolio_review_consent_set(person=colleague, consent=True)


def _matrix_privacy_create(*, educator: Person, leaver: Person) -> None:
    """The educator's copy of their data, built and ready to download; the leaver's deletion request, past its
    cooling-off period."""
    export = data_export_request(person=educator)  # its job would be queued after a commit the world never makes
    data_export_build(job=export.job, export_id=str(export.pk))
    request = deletion_request_create(person=leaver, password=PASSWORD, reason="Matrix.")
    DeletionRequest.objects.filter(pk=request.pk).update(due_at=timezone.now() - dt.timedelta(days=1))


def _matrix_two_factor_create(*, educator: Person) -> None:
    """Two-factor sign-in is on for the educator: an authenticator app and one backup code (BACKUP_CODE).
    The world's sessions were opened without the code page (force_login), so none of them owes a code."""
    TOTPDevice.objects.create(user=educator, name=two_factor.TOTP_DEVICE_NAME, confirmed=True)
    backup = StaticDevice.objects.create(user=educator, name=two_factor.BACKUP_DEVICE_NAME, confirmed=True)
    StaticToken.objects.create(device=backup, token=BACKUP_CODE.replace("-", ""))


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


# --- what fills the URLs and the bodies ------------------------------------------------------------------------


def _uid(person: Person) -> str:
    return urlsafe_base64_encode(force_bytes(person.pk))


# A target gives either an object (its pk, code, slug or ISO code fills the URL's arguments) or the arguments.
TARGETS: dict[str, Callable[[World], Any]] = {
    "": lambda w: {},
    "inst_a": lambda w: w.inst_a,
    "staff_import": lambda w: w.staff_import,
    "job": lambda w: w.job,
    "assignment": lambda w: w.assignment,
    "assignment_p2": lambda w: w.assignment_p2,
    "educator": lambda w: w.people["educator"],
    "outsider": lambda w: w.outsider,
    "programme_2": lambda w: {},
    "educator_token": lambda w: w.educator_token,
    "programme": lambda w: w.programme,
    "region": lambda w: Region.objects.get(iso_code="MN-1"),
    "confirm": lambda w: {
        "uidb64": _uid(w.people["educator"]),
        "token": email_confirmation_token.make_token(w.people["educator"]),
    },
    "reset": lambda w: {
        "uidb64": _uid(w.people["educator"]),
        "token": default_token_generator.make_token(w.people["educator"]),
    },
    "unmatched": lambda w: {"unmatched": "no/such/endpoint"},
    "course": lambda w: Course.objects.get(code="matrix-published"),
    "draft_course": lambda w: Course.objects.get(code="matrix-draft"),
    "lesson": lambda w: _lesson_arguments("matrix-published"),
    "draft_lesson": lambda w: _lesson_arguments("matrix-draft"),
    "quiz": lambda w: Quiz.objects.get(lesson__module__course__code="matrix-published"),
    "draft_quiz": lambda w: Quiz.objects.get(lesson__module__course__code="matrix-draft"),
    "attempt": lambda w: Attempt.objects.get(person=w.people["educator"]),
    "cohort": lambda w: Cohort.objects.get(name="matrix cohort"),
    "workshop": lambda w: Workshop.objects.get(title_en="matrix workshop"),
    "enrolment": lambda w: Enrolment.objects.get(person=w.people["educator"], course__code="matrix-published"),
    "enrolment_lesson": lambda w: {
        "enrolment_id": Enrolment.objects.get(person=w.people["educator"], course__code="matrix-published").pk,
        "lesson_id": first_lesson(Course.objects.get(code="matrix-published")).pk,
    },
    "practical": lambda w: Assignment.objects.get(lesson__module__course__code="matrix-published"),
    "draft_practical": lambda w: Assignment.objects.get(lesson__module__course__code="matrix-draft"),
    "waiting_submission": lambda w: Submission.objects.get(status=Submission.Status.SUBMITTED),
    "submission_file": lambda w: SubmissionFile.objects.get(submission__person=w.people["educator"]),
    "authoring_course": lambda w: Course.objects.get(code="matrix-authoring"),
    "authoring_module": lambda w: {
        "code": "matrix-authoring",
        "pk": Module.objects.filter(course__code="matrix-authoring").order_by("position").first().pk,  # type: ignore[union-attr]
    },
    "authoring_lesson": lambda w: _lesson_arguments("matrix-authoring"),
    "authoring_practical": lambda w: Assignment.objects.get(lesson__module__course__code="matrix-authoring"),
    "authoring_practical_lesson": lambda w: {"lesson_pk": first_lesson(_course("matrix-authoring")).pk},
    "authoring_quiz": lambda w: {
        "code": "matrix-authoring",
        "pk": Quiz.objects.get(lesson__module__course__code="matrix-authoring").pk,
    },
    "authoring_question": lambda w: {
        "code": "matrix-authoring",
        "pk": Question.objects.filter(quiz__lesson__module__course__code="matrix-authoring").first().pk,  # type: ignore[union-attr]
    },
    "authoring_choice": lambda w: {
        "code": "matrix-authoring",
        "pk": Choice.objects.filter(question__quiz__lesson__module__course__code="matrix-authoring").first().pk,  # type: ignore[union-attr]
    },
    "draft_course_quiz": lambda w: {
        "code": "matrix-draft",
        "pk": Quiz.objects.get(lesson__module__course__code="matrix-draft").pk,
    },
    "appointment": lambda w: Appointment.objects.get(person=w.people["trainer"]),
    "nomination": lambda w: Nomination.objects.get(nominee=w.people["coordinator"]),
    "pair": lambda w: MentorAssignment.objects.get(mentee=w.people["educator"]),
    "trainer_person": lambda w: {"person_id": w.people["trainer"].pk},
    "csv": lambda w: {"fmt": "csv"},
    "status_list": lambda w: {
        "number": Credential.objects.get(achievement__code="matrix-achievement").status_list.number
    },
    "achievement": lambda w: Achievement.objects.get(code="matrix-achievement"),
    "draft_achievement": lambda w: Achievement.objects.get(code="matrix-draft"),
    "credential": lambda w: Credential.objects.get(achievement__code="matrix-achievement"),
    "credential_hidden": lambda w: Credential.objects.get(achievement__code="matrix-hidden"),
    "suspended_credential": lambda w: Credential.objects.get(achievement__code="matrix-suspended"),
    "inst_a_csv": lambda w: {"pk": w.inst_a.pk, "fmt": "csv"},
    "survey": lambda w: Survey.objects.get(title_en="matrix survey"),
    "survey_question": lambda w: {
        "pk": Survey.objects.get(title_en="matrix survey").pk,
        "question_id": SurveyQuestion.objects.get(survey__title_en="matrix survey").pk,
    },
    "survey_token": lambda w: {
        "token": survey_token(invitation=SurveyInvitation.objects.get(person=w.people["educator"]))
    },
    "report": lambda w: {"pk": Report.objects.get(programme=w.programme).pk, "language": "mn"},
    "degree": lambda w: DegreeProgramme.objects.get(code="matrix-degree"),
    "degree_csv": lambda w: {"pk": DegreeProgramme.objects.get(code="matrix-degree").pk, "fmt": "csv"},
    "degree_module": lambda w: {
        "pk": DegreeProgramme.objects.get(code="matrix-degree").pk,
        "module_pk": DegreeModule.objects.get(degree__code="matrix-degree", code="M1").pk,
    },
    "degree_rule": lambda w: {
        "pk": DegreeProgramme.objects.get(code="matrix-degree").pk,
        "rule_pk": RecognitionRule.objects.get(name_en="matrix rule M1").pk,
    },
    "recognition_request": lambda w: RecognitionRequest.objects.get(person=w.people["educator"]),
    "pathway": lambda w: Pathway.objects.get(code="matrix-pathway"),
    "standard": lambda w: QualificationStandard.objects.get(name_en="matrix standard"),
    "level": lambda w: QualificationLevel.objects.get(name_en="matrix level"),
    "descriptor": lambda w: {
        "standard": QualificationStandard.objects.get(name_en="matrix standard").pk,
        "level": QualificationLevel.objects.get(name_en="matrix level").pk,
    },
    "entry_private": lambda w: _entry("private"),
    "entry_institution": lambda w: _entry("institution"),
    "entry_public": lambda w: _entry("public"),
    "entry_file": lambda w: {"public_id": _entry("private").public_id, "file_id": _entry_file("private").pk},
    "public_token": lambda w: {"token": _public_token(w)},
    "unknown_token": lambda w: {"token": "no-such-link"},
    "public_entry": lambda w: {"token": _public_token(w), "public_id": _entry("public").public_id},
    "public_entry_private": lambda w: {"token": _public_token(w), "public_id": _entry("private").public_id},
    "public_entry_institution": lambda w: {"token": _public_token(w), "public_id": _entry("institution").public_id},
    "public_entry_file": lambda w: {
        "token": _public_token(w),
        "public_id": _entry("public").public_id,
        "file_id": _entry_file("public").pk,
    },
    "public_entry_private_file": lambda w: {
        "token": _public_token(w),
        "public_id": _entry("private").public_id,
        "file_id": _entry_file("private").pk,
    },
    "endorsement_asked": lambda w: Endorsement.objects.get(status=Endorsement.Status.REQUESTED),
    "endorsement_given": lambda w: Endorsement.objects.get(entry=_entry("institution")),
    "endorsement_public": lambda w: Endorsement.objects.get(entry=_entry("public")),
    "degree_pdf": lambda w: {"pk": DegreeProgramme.objects.get(code="matrix-degree").pk, "fmt": "pdf"},
    "colleague": lambda w: w.colleague,
    "data_export": lambda w: DataExport.objects.get(person=w.people["educator"]),
    "deletion_request": lambda w: DeletionRequest.objects.get(person=w.leaver),
    "unknown_deletion_request": lambda w: {"pk": 2_000_000_000},
    "unknown_format": lambda w: {"fmt": "pdf"},
    **{
        f"{prefix}{name}": (lambda w, code=code, name=name: _lesson_content_arguments(code, name))
        for prefix, code in (("", "matrix-published"), ("draft_", "matrix-draft"))
        for name in ("play", "captions", "image", "attachment", "media", "image_row", "attachment_row")
    },
}


def _lesson_content_arguments(code: str, name: str) -> dict[str, Any]:
    """A medium, image or attachment of the course's first lesson (erdem.catalog.tests.factories)."""
    arguments = _lesson_arguments(code)
    media = LessonMedia.objects.get(lesson_id=arguments["pk"])
    image = LessonImage.objects.get(lesson_id=arguments["pk"])
    attachment = LessonAttachment.objects.get(lesson_id=arguments["pk"])
    extras: dict[str, dict[str, Any]] = {
        "play": {"media_pk": media.pk, "variant": "main"},
        "captions": {"media_pk": media.pk, "language": "mn"},
        "image": {"key": image.key},
        "attachment": {"attachment_pk": attachment.pk},
        "media": {"media_pk": media.pk},
        "image_row": {"image_pk": image.pk},
        "attachment_row": {"attachment_pk": attachment.pk},
    }
    return arguments | extras[name]


def _entry(visibility: str) -> Entry:
    return Entry.objects.get(title=f"matrix {visibility} entry")


def _entry_file(visibility: str) -> EntryFile:
    return EntryFile.objects.get(entry__title=f"matrix {visibility} entry")


def _public_token(world: World) -> str:
    token = Portfolio.objects.get(person=world.people["educator"]).public_token
    assert token, "the educator's portfolio has no public link"
    return token


def _lesson_arguments(code: str) -> dict[str, Any]:
    return {"code": code, "pk": first_lesson(Course.objects.get(code=code)).pk}


OBJECT_ARGUMENTS = {"code": "code", "slug": "slug", "iso_code": "iso_code", "public_id": "public_id"}


def url_for(row: Row, world: World) -> str:
    pattern = PATTERNS[row.pattern]
    target = TARGETS[row.target](world)
    if isinstance(target, dict):
        kwargs = target
    else:
        kwargs = {name: getattr(target, OBJECT_ARGUMENTS.get(name, "pk")) for name in pattern.arguments}
    if pattern.name:
        url = reverse(pattern.name, kwargs=kwargs)
    else:
        url = "/" + pattern.route.split("(", 1)[0] + "/".join(str(value) for value in kwargs.values())
    assert resolve(url).route == pattern.route, f"{url} does not resolve to {pattern.route}"
    return url


def _course(code: str) -> Course:
    return Course.objects.get(code=code)


def _course_package(code: str) -> bytes:
    return course_package_export(course=_course(code)).read()


def payload_for(name: str, world: World) -> tuple[Any, str | None]:
    """The request body and its content type (None: a form)."""
    educator = world.people["educator"]
    forms: dict[str, Callable[[], Any]] = {
        "": dict,
        "empty": dict,
        "quiz_empty_confirmed": lambda: {"confirm_empty": "1"},
        "language": lambda: {"language": "en", "next": "/"},
        "login": lambda: {"username": educator.email, "password": PASSWORD},
        "unknown_email": lambda: {"email": "nobody@example.mn"},
        "password_change": lambda: {
            "old_password": PASSWORD,
            "new_password1": "a-longer-passphrase-2026",
            "new_password2": "a-longer-passphrase-2026",
        },
        "staff_file": lambda: {"file": SimpleUploadedFile("staff.csv", STAFF_CSV)},
        "role_assign": lambda: {
            "email": world.people["mentor"].email,
            "role": Role.TRAINER,
            "programme": world.programme.pk,
            "institution": "",
            "region": "",
        },
        "token": lambda: {"name": "report script", "lifetime": "30"},
        "workshop_form": lambda: {
            "course": Course.objects.get(code="matrix-published").pk,
            "title_mn": "Семинар",
            "title_en": "Seminar",
            "mode": "in_person",
            "region": Region.objects.get(iso_code="MN-1").pk,
            "institution": world.inst_a.pk,
            "place": "Room 1",
            "starts_at": "2030-05-01T10:00",
            "ends_at": "2030-05-01T12:00",
            "capacity": "20",
            "trainers": [world.people["trainer"].pk],
        },
        "roster_marks": lambda: {f"status-{educator.pk}": "present"},
        "checkin_code": lambda: {"code": "000000"},
        "sign_in_sheet": lambda: {"file": SimpleUploadedFile("sheet.csv", MATRIX_SHEET)},
        "feedback": lambda: {"rating": "5", "usefulness": "4", "comment": "Useful"},
        "report_period": lambda: {"first": "2025-03", "last": "2025-05"},
        "survey_form": lambda: {
            "title_mn": "Шинэ судалгаа",
            "title_en": "New survey",
            "months_after": "6",
            "reminder_days": "14",
            "reminders_max": "2",
        },
        "cohort_enrol": lambda: {"emails": educator.email},
        "cohort_form": lambda: {
            "name": "matrix cohort, changed",
            "course": Course.objects.get(code="matrix-published").pk,
            "institution": world.inst_a.pk,
            "trainers": [world.people["trainer"].pk],
        },
        "submission": lambda: {"text": "A revised plan", "number": "2"},
        "review": lambda: {
            **rubric_form(Assignment.objects.get(lesson__module__course__code="matrix-published")),
            "comment": "Well argued",
            "decision": "approve",
        },
        "move_down": lambda: {"direction": "down"},
        **_recognition_forms(world),
        **_portfolio_forms(world),
        "package": lambda: {"file": SimpleUploadedFile("course.zip", _course_package("matrix-published"))},
        "translations": lambda: {
            "language": "en",
            "file": SimpleUploadedFile("en.xlf", xliff_export(course=_course("matrix-published"), language="en")),
        },
        "media_upload": lambda: {
            "kind": "video",
            "position": "1",
            "external_url": "https://cdn.example.org/new.mp4",
            **{
                f"{field}_{code}": value
                for code in ("mn", "en")
                for field, value in (("title", "New"), ("status", "published"), ("transcript", ""))
            },
        },
        "image_upload": lambda: {
            "key": "new-chart",
            "alt_mn": "Шинэ",
            "alt_en": "New",
            "file": SimpleUploadedFile("c.png", png_bar_chart([0.5], width=8, height=8)),
        },
        "deletion_confirmed": lambda: {"password": PASSWORD, "reason": "", "understood": "on"},
        "consent": lambda: {"accept": "on"},
        "backup_code": lambda: {"code": BACKUP_CODE},
        "wrong_code": lambda: {"code": "not-a-code"},
        "attachment_upload": lambda: {
            "position": "2",
            "title_mn": "Шинэ",
            "title_en": "New",
            "file": SimpleUploadedFile("w.pdf", pdf_document("New", [])),
        },
    }
    if name == "attendance_json":
        mark = {
            "id": "6f1c2b9e-0d4a-4c1e-9a57-3b8e2f7d4c10",
            "person": educator.pk,
            "status": "present",
            "marked_at": timezone.now().isoformat(),
        }
        return {"marks": [mark]}, "application/json"
    if name == "session_json":
        return {"held_on": timezone.localdate().isoformat(), "mode": "online", "topics": "Matrix"}, "application/json"
    if name == "reason_json":
        return {"reason": "Matrix test."}, "application/json"
    if name == "verify_json":
        credential = Credential.objects.get(achievement__code="matrix-achievement")
        return {
            "url": settings.SITE_URL + reverse("credentials:public", args=[credential.public_id])
        }, "application/json"
    if name == "request_json":
        return {
            "rule": RecognitionRule.objects.get(name_en="matrix rule M2").pk,
            "credentials": [str(Credential.objects.get(achievement__code="matrix-hidden").public_id)],
            "message": "Please count it.",
        }, "application/json"
    if name == "decision_json":
        return {"decision": "approve", "reason": ""}, "application/json"
    if name == "enrol_json":
        return {"course": "matrix-published"}, "application/json"
    if name == "feedback_json":
        return {"rating": 5, "usefulness": 4, "comment": "Useful"}, "application/json"
    if name in ("role_json", "role_json_p2"):
        programme = world.programme if name == "role_json" else world.programme_2
        body = {"person_id": world.people["mentor"].pk, "role": Role.TRAINER, "programme": programme.slug}
        return body, "application/json"
    return forms[name](), None


def _recognition_forms(world: World) -> dict[str, Callable[[], Any]]:
    part = {"description_mn": "", "description_en": "", "position": "5"}
    return {
        "degree_form": lambda: {
            "institution": world.inst_a.pk,
            "code": "matrix-new-degree",
            "name_mn": "Шинэ магистр",
            "name_en": "A new master's",
            "level": DegreeProgramme.Level.MASTER,
            "total_credits": "30",
            "description_mn": "",
            "description_en": "",
            "is_active": "on",
        },
        "office_add": lambda: {"action": "office_add", "email": world.people["trainer"].email},
        "module_form": lambda: {
            "code": "M9",
            "name_mn": "Шинэ модуль",
            "name_en": "A new module",
            "credits": "6",  # what the rule of M1 grants: a module is worth at least that
            "position": "9",
        },
        "rule_form": lambda: {
            "module": DegreeModule.objects.get(degree__code="matrix-degree", code="M1").pk,
            "name_mn": "Шинэ дүрэм",
            "name_en": "matrix rule M1, changed",
            "credits": "6",
            "achievements": [Achievement.objects.get(code="matrix-achievement").pk],
            "external_count": "0",
            "external_issuers": "",
            "valid_from": "2020-01-01",
            "valid_to": "",
            "approval_reference": "Council decision 1",
            "approved_by_email": world.people["national_admin"].email,
        },
        "request_form": lambda: {
            "rule": RecognitionRule.objects.get(name_en="matrix rule M2").pk,
            "credentials": [Credential.objects.get(achievement__code="matrix-hidden").pk],
            "external": "",
            "message": "Please count it.",
        },
        "approve": lambda: {"decision": "approve", "reason": ""},
        "pathway_form": lambda: {
            "code": "matrix-new-pathway",
            "name_mn": "Шинэ зам",
            "name_en": "A new pathway",
            "achievement": Achievement.objects.get(code="matrix-draft").pk,
            "required": [Achievement.objects.get(code="matrix-hidden").pk],
            "electives_required": "0",
        },
        "unpublish": lambda: {"publish": "0"},
        "standard_form": lambda: {"code": "S9", "name_mn": "Шинэ стандарт", "name_en": "A new standard", **part},
        "level_form": lambda: {"code": "L9", "name_mn": "Шинэ түвшин", "name_en": "A new level", **part},
        "descriptor_form": lambda: {
            "text_mn": "Шинэ тодорхойлолт",
            "text_en": "A new descriptor",
            "achievements": [Achievement.objects.get(code="matrix-hidden").pk],
        },
    }


def _portfolio_forms(world: World) -> dict[str, Callable[[], Any]]:
    return {
        "entry_form": lambda: {
            "kind": Entry.Kind.REFLECTION,
            "title": "A new entry",
            "body": "What I learnt.",
            "language": "en",
            "course_taught": "",
            "started_on": "",
            "ended_on": "",
            "visibility": Entry.Visibility.PRIVATE,
            "links": "",
        },
        "portfolio_settings": lambda: {"headline": "Teacher of science", "summary": "", "public_link": "on"},
        "endorsement_ask": lambda: {
            "email": world.people["master_teacher"].email,
            "relation": Endorsement.Relation.PEER,
            "note": "",
        },
        "endorsement_give": lambda: {"answer-comment": "A careful plan."},
        "career_review": lambda: {
            "recommendation": CareerReview.Recommendation.RECOMMENDED,
            "position_sought": "",
            "summary": "A strong portfolio.",
        },
    }


def client_for(role: str, row: Row, world: World) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if role == "anonymous":
        return client
    ninja_get = PATTERNS[row.pattern].route.startswith("api/v1/") and row.pattern not in HTML_UNDER_API
    if ninja_get and row.method == "GET":
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[role]}"
    else:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


# --- judging the answer --------------------------------------------------------------------------------------


def outcome_of(response: Any, url: str) -> Outcome | str:
    """The table's name for the response, or a description of what it was instead."""
    status = response.status_code
    if status != 302:
        try:
            return Outcome(str(status))
        except ValueError:
            return f"{status}"
    location = urlsplit(response["Location"])
    if location.scheme or location.netloc:
        return f"302 off the app to {response['Location']}"
    next_url = parse_qs(location.query).get("next", [""])[0]
    if location.path == reverse("people:login") and next_url:
        return Outcome.LOGIN if next_url == url else f"302 to login with next={next_url}"
    if location.path == reverse("admin:login"):
        return Outcome.ADMIN_LOGIN if next_url == url else f"302 to admin login with next={next_url}"
    try:
        resolve(location.path)
    except Resolver404:
        return f"302 to {response['Location']}, which is not a page of the app"
    return Outcome.REDIRECT


def snapshot() -> dict[str, Any]:
    """What an unsafe request could change."""
    return {
        "people": list(
            Person.objects.order_by("pk").values_list(
                "pk",
                "email",
                "password",
                "preferred_language",
                "email_confirmed_at",
                "is_active",
                "institution_id",
                "consent_version",
            )
        ),
        "roles": list(RoleAssignment.objects.order_by("pk").values_list("pk", "role", "programme_id", "ended_at")),
        "imports": list(StaffImport.objects.order_by("pk").values_list("pk", "status", "job_id")),
        "jobs": list(Job.objects.order_by("pk").values_list("pk", "status")),
        "tokens": list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at", "expires_at")),
        "attempts": list(Attempt.objects.order_by("pk").values_list("pk", "submitted_at", "score")),
        "enrolments": list(Enrolment.objects.order_by("pk").values_list("pk", "cohort_id", "completed_at")),
        "cohorts": list(Cohort.objects.order_by("pk").values_list("pk", "name", "course_id", "institution_id")),
        "cohort_trainers": list(Cohort.trainers.through.objects.order_by("pk").values_list("cohort_id", "person_id")),
        "lessons_done": list(LessonProgress.objects.order_by("pk").values_list("pk", "enrolment_id", "lesson_id")),
        "feedback": list(CourseFeedback.objects.order_by("pk").values_list("pk", "rating", "comment")),
        "submissions": list(Submission.objects.order_by("pk").values_list("pk", "status")),
        "reviews": list(Review.objects.order_by("pk").values_list("pk", "decision")),
        "lesson_media": list(LessonMedia.objects.order_by("pk").values_list("pk", "file", "external_url")),
        "lesson_images": list(LessonImage.objects.order_by("pk").values_list("pk", "key", "file")),
        "lesson_files": list(LessonAttachment.objects.order_by("pk").values_list("pk", "position", "file")),
        "workshops": list(Workshop.objects.order_by("pk").values_list("pk", "status", "title_en", "starts_at")),
        "registrations": list(Registration.objects.order_by("pk").values_list("pk", "status")),
        "attendance_marks": AttendanceMark.objects.count(),
        "achievements": list(Achievement.objects.order_by("pk").values_list("pk", "status", "name_en", "updated_at")),
        "achievement_rules": list(AchievementRule.objects.order_by("pk").values_list("pk", "kind", "threshold")),
        "credentials": list(Credential.objects.order_by("pk").values_list("pk", "status", "show_name", "subject_did")),
        "credential_events": CredentialEvent.objects.count(),
        "issuer_keys": list(IssuerKey.objects.order_by("pk").values_list("pk", "status")),
        "issuance_runs": IssuanceRun.objects.count(),
        "appointments": list(Appointment.objects.order_by("pk").values_list("pk", "ended_at", "term_ends_on")),
        "nominations": list(Nomination.objects.order_by("pk").values_list("pk", "status")),
        "lineage": list(LineageNode.objects.order_by("pk").values_list("pk", "trainer_id", "path")),
        "mentor_pairs": list(MentorAssignment.objects.order_by("pk").values_list("pk", "mentor_id", "ended_at")),
        "mentoring_sessions": MentoringSession.objects.count(),
        "mentoring_feedback": list(MentoringFeedback.objects.order_by("pk").values_list("pk", "rating")),
        "surveys": list(Survey.objects.order_by("pk").values_list("pk", "status", "title_en")),
        "survey_questions": list(SurveyQuestion.objects.order_by("pk").values_list("pk", "position", "text_en")),
        "survey_invitations": list(SurveyInvitation.objects.order_by("pk").values_list("pk", "sent_at")),
        "survey_responses": SurveyResponse.objects.count(),
        "reports": Report.objects.count(),
        "degrees": list(
            DegreeProgramme.objects.order_by("pk").values_list("pk", "code", "name_en", "total_credits", "is_active")
        ),
        "degree_offices": list(
            DegreeProgramme.office.through.objects.order_by("pk").values_list("degreeprogramme_id", "person_id")
        ),
        "degree_modules": list(DegreeModule.objects.order_by("pk").values_list("pk", "code", "name_en", "credits")),
        "recognition_rules": list(
            RecognitionRule.objects.order_by("pk").values_list("pk", "version", "name_en", "credits", "valid_to")
        ),
        "recognition_requests": list(
            RecognitionRequest.objects.order_by("pk").values_list("pk", "status", "decided_by_id", "credits_granted")
        ),
        "request_credentials": list(RequestCredential.objects.order_by("pk").values_list("pk", "counts")),
        "pathways": list(Pathway.objects.order_by("pk").values_list("pk", "code", "name_en", "is_published")),
        "pathway_steps": list(PathwayStep.objects.order_by("pk").values_list("pk", "achievement_id")),
        "standards": list(QualificationStandard.objects.order_by("pk").values_list("pk", "code", "name_en")),
        "levels": list(QualificationLevel.objects.order_by("pk").values_list("pk", "code", "name_en")),
        "descriptors": list(StandardDescriptor.objects.order_by("pk").values_list("pk", "text_en")),
        "alignments": list(
            StandardDescriptor.achievements.through.objects.order_by("pk").values_list(
                "standarddescriptor_id", "achievement_id"
            )
        ),
        "portfolios": list(
            Portfolio.objects.order_by("pk").values_list("pk", "headline", "public_token", "review_consent_at")
        ),
        "entries": list(Entry.objects.order_by("pk").values_list("pk", "title", "visibility", "updated_at")),
        "entry_files": list(EntryFile.objects.order_by("pk").values_list("pk", "file")),
        "entry_links": list(EntryLink.objects.order_by("pk").values_list("pk", "url")),
        "endorsements": list(Endorsement.objects.order_by("pk").values_list("pk", "status", "comment")),
        "career_reviews": CareerReview.objects.count(),
        "consents": list(ConsentRecord.objects.order_by("pk").values_list("pk", "version", "withdrawn_at")),
        "data_exports": list(DataExport.objects.order_by("pk").values_list("pk", "ready_at", "file")),
        "deletion_requests": list(DeletionRequest.objects.order_by("pk").values_list("pk", "status", "due_at")),
        "audit_events": AuditEvent.objects.count(),
        "two_factor_apps": list(
            TOTPDevice.objects.order_by("pk").values_list("pk", "confirmed", "throttling_failure_count")
        ),
        "backup_codes": list(StaticToken.objects.order_by("pk").values_list("pk", "device_id")),
        "backup_devices": list(StaticDevice.objects.order_by("pk").values_list("pk", "throttling_failure_count")),
        "outbox": len(mail.outbox),
        "outgoing_emails": list(OutgoingEmail.objects.order_by("pk").values_list("pk", "status")),
    }


CASES = [
    pytest.param(
        row,
        role,
        id=f"{row.label} | {role}",
        marks=[pytest.mark.xfail(strict=True, reason=KNOWN_DEFECTS[row.label, role])]
        if (row.label, role) in KNOWN_DEFECTS
        else [],
    )
    for row in ROWS
    for role in ROLES
]


def test_known_defects_name_cases() -> None:
    cases = {(row.label, role) for row in ROWS for role in ROLES}
    stale = sorted(set(KNOWN_DEFECTS) - cases)
    assert not stale, f"KNOWN_DEFECTS names cases the table does not have: {stale}"


@pytest.mark.parametrize(("row", "role"), CASES)
def test_permission(world: World, db: None, row: Row, role: str) -> None:
    url = url_for(row, world)
    client = client_for(role, row, world)
    expected = row.expected[role]
    before = snapshot() if expected in REFUSALS else None
    response = _send(client, row, url, world, headers={"X-CSRFToken": CSRF_SECRET})

    actual = outcome_of(response, url)
    assert actual == expected, f"{row.label} as {role} ({url}): expected {expected}, got {actual}"
    if before is not None:
        assert snapshot() == before, f"{row.label} as {role} was refused but changed the data"
    if role == "ministry_viewer" and response.status_code < 300:
        body = b"".join(response.streaming_content) if response.streaming else response.content  # files stream
        page = body.decode(errors="replace").lower()
        leaked = [email for email in world.emails_hidden_from_viewer() if email.lower() in page]
        assert not leaked, f"{row.label} shows the ministry viewer e-mail addresses of people: {leaked}"


def _send(client: Client, row: Row, url: str, world: World, headers: dict[str, str]) -> Any:
    if row.method == "GET":
        return client.get(url, headers=headers)
    data, content_type = payload_for(row.payload, world)
    send = client.post if row.method == "POST" else client.delete
    extra = {"content_type": content_type} if content_type else {}
    return send(url, data, headers=headers, **extra)


def _first_allowed_role(row: Row) -> str | None:
    return next((role for role in ROLES[1:] if row.expected[role] not in REFUSALS), None)


UNSAFE_ALLOWED = [(row, role) for row in ROWS if row.method != "GET" and (role := _first_allowed_role(row)) is not None]
CSRF_CASES = [pytest.param(row, role, id=f"{row.label} | {role}") for row, role in UNSAFE_ALLOWED]


@pytest.mark.parametrize(("row", "role"), CSRF_CASES)
def test_unsafe_request_without_csrf_token_is_refused(world: World, db: None, row: Row, role: str) -> None:
    """The first role the table allows, signed in by session but without the CSRF token: 403, nothing written."""
    url = url_for(row, world)
    before = snapshot()
    response = _send(client_for(role, row, world), row, url, world, headers={})
    assert response.status_code == 403, f"{row.label} as {role} without a CSRF token: {response.status_code}"
    assert snapshot() == before


# Unsafe rows whose request writes when an allowed role sends it; the others only show a form or a notice.
WRITING_ROWS = {
    "POST api:mentoring_session_create @pair",
    "POST api:credential_revoke_api @credential",
    "POST api:credential_suspend_api @credential",
    "POST api:credential_reinstate_api @suspended_credential",
    "POST web:language",
    "POST workshops:new",
    "POST workshops:edit @workshop",
    "POST workshops:cancel @workshop",
    "POST workshops:register @workshop",
    "POST api:workshop_attendance @workshop",
    "POST api:workshop_register @workshop",
    "POST workshops:roster @workshop",
    "POST people:password_change",
    "POST people:institution_invite @inst_a",
    "POST people:staff_import_commit @staff_import",
    "POST access:assign",
    "POST access:end @assignment",
    "POST access:end @assignment_p2",
    "POST api:tokens",
    "POST assessments:attempt @attempt",
    "POST learning:feedback @course",
    "POST api:enrolment_lesson_done @enrolment_lesson",
    "POST api:enrolment_feedback_submit @enrolment",
    "POST assignments:detail @practical",
    "POST assignments:review @waiting_submission",
    "POST catalog:lesson_media_add @lesson",
    "POST catalog:lesson_media_edit @media",
    "POST catalog:lesson_media_delete @media",
    "POST catalog:lesson_media_delete @draft_media",
    "POST catalog:lesson_image_add @lesson",
    "POST catalog:lesson_image_edit @image_row",
    "POST catalog:lesson_image_delete @image_row",
    "POST catalog:lesson_attachment_add @lesson",
    "POST catalog:lesson_attachment_edit @attachment_row",
    "POST catalog:lesson_attachment_delete @attachment_row",
    "POST api:token-revoke @educator_token",
    "POST api:role_create",
    "POST api:role_create @programme_2",
    "DELETE api:role_delete @assignment",
    "DELETE api:role_delete @assignment_p2",
    "POST insights:reports",
    "POST insights:refresh",
    "POST insights:survey_create",
    "POST insights:survey_send @survey",
    "POST recognition:request_new",
    "POST api:recognition_request_submit",
    "POST api:recognition_request_withdraw @recognition_request",
    "POST api:recognition_request_decide @recognition_request",
    "POST recognition:request_withdraw @recognition_request",
    "POST recognition:decide @recognition_request",
    "POST recognition:degrees",
    "POST recognition:degree @degree",
    "POST recognition:degree_edit @degree",
    "POST recognition:module_new @degree",
    "POST recognition:module_edit @degree_module",
    "POST recognition:rule_new @degree",
    "POST recognition:rule_edit @degree_rule",
    "POST recognition:pathway_new",
    "POST recognition:pathway_edit @pathway",
    "POST recognition:standard_new",
    "POST recognition:standard_edit @standard",
    "POST recognition:level_new",
    "POST recognition:level_edit @level",
    "POST recognition:descriptor_edit @descriptor",
    "POST portfolio:settings",
    "POST portfolio:public_link_renew",
    "POST portfolio:entry_new",
    "POST portfolio:entry_edit @entry_private",
    "POST portfolio:entry_edit @entry_institution",
    "POST portfolio:entry_delete @entry_private",
    "POST portfolio:entry_delete @entry_institution",
    "POST portfolio:endorsement_request @entry_private",
    "POST portfolio:endorsement @endorsement_asked",
    "POST portfolio:review @colleague",
    "POST privacy:export",
    "POST privacy:delete",
    "POST privacy:deletion_process @deletion_request",
    "POST people:two_factor_verify",
    "POST people:two_factor_remove",
}
WRITE_CASES = [
    pytest.param(row, role, id=f"{row.label} | {role}") for row, role in UNSAFE_ALLOWED if row.label in WRITING_ROWS
]


def test_writing_rows_are_known() -> None:
    unknown = WRITING_ROWS - {row.label for row, _role in UNSAFE_ALLOWED}
    assert not unknown, f"not unsafe rows with an allowed role: {sorted(unknown)}"


@pytest.mark.parametrize(("row", "role"), WRITE_CASES)
def test_allowed_unsafe_request_writes(world: World, db: None, row: Row, role: str) -> None:
    """The payloads are real: sent by a role the table allows, they change the data the refusals leave alone."""
    url = url_for(row, world)
    before = snapshot()
    _send(client_for(role, row, world), row, url, world, headers={"X-CSRFToken": CSRF_SECRET})
    assert snapshot() != before, f"{row.label} as {role} wrote nothing"


def test_the_email_check_would_see_a_leak(world: World, db: None) -> None:
    """The e-mail assertion above is not vacuous: the same addresses do appear where people are listed."""
    client = Client(headers={"Authorization": f"Bearer {world.tokens['national_admin']}"})
    page = client.get(reverse("api:person_list"), {"page_size": 100}).content.decode()
    assert all(email in page for email in world.emails_hidden_from_viewer() if email not in INVITEE_EMAILS)
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["coordinator"]
    page = client.get(reverse("people:staff_import_detail", args=[world.staff_import.pk])).content.decode()
    assert all(email in page for email in INVITEE_EMAILS)
