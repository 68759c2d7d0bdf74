"""A person with records in every app, for the tests of the copy of one's data and of erasure."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from django.utils import timezone

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.assessments.models import Attempt
from erdem.assessments.tests.factories import quiz_build
from erdem.assignments.services import review_submit, submission_create
from erdem.assignments.tests.factories import assignment_build, pdf, rubric_levels
from erdem.cascade.models import MentoringFeedback, Nomination, Tier
from erdem.cascade.services import mentor_assign, session_log
from erdem.cascade.tests.factories import appoint
from erdem.catalog.models import Course
from erdem.catalog.tests.factories import course_build, first_lesson
from erdem.credentials.models import Credential
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.learning.models import Cohort, CourseFeedback, Enrolment
from erdem.learning.services import cohort_enrol
from erdem.people.models import Person, StaffImport
from erdem.portfolio.models import CareerReview, Endorsement
from erdem.portfolio.services import entry_create, portfolio_review_consent_set
from erdem.portfolio.tests.factories import EndorsementFactory, make_entry
from erdem.programmes.models import Programme
from erdem.programmes.tests.factories import ProgrammeFactory
from erdem.recognition.models import RecognitionRequest
from erdem.recognition.tests.factories import degree_create, rule_create
from erdem.workshops.models import Attendance, AttendanceStatus
from erdem.workshops.tests.factories import register, workshop_build

EMAIL = "oyunchimeg.erdenebileg@example.mn"
PASSWORD = "correct-horse-battery"
# Names no other test record carries, so a scan of the database finds only this person's.
NAMES = ("Эрдэнэбилэг", "Оюунчимэг", "Erdenebileg", "Oyunchimeg")


@dataclass
class World:
    programme: Programme
    course: Course
    person: Person
    trainer: Person
    mentor: Person
    credential: Credential
    # What the erasure tests note before erasing.
    figures: list[tuple[str, int]] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)
    outcome: dict[str, int] = field(default_factory=dict)


def person_everywhere(*, submissions: int = 1, entries: int = 1, email: str = EMAIL) -> World:
    """`person` (an educator) with an enrolment, quiz attempts, reviewed submissions with files, a workshop
    attended, a credential, a mentor with sessions and feedback, a nomination, a credit request, portfolio
    entries with files and endorsements both ways, a career review, and an invitation file naming them."""
    programme = cast(Programme, ProgrammeFactory())
    person = person_with_role(
        Role.EDUCATOR,
        programme=programme,
        email=email,
        family_name=NAMES[0],
        given_name=NAMES[1],
        family_name_latin=NAMES[2],
        given_name_latin=NAMES[3],
        department="Мэдээллийн технологийн тэнхим",
        preferred_language="en",
    )
    trainer = person_with_role(Role.TRAINER, programme=programme, institution=person.institution)
    course = course_build(programme=programme, code=f"ai-{programme.pk}", modules=1, lessons=1)
    cohort = Cohort.objects.create(
        programme=programme, name="2026 хавар", course=course, institution=person.institution
    )
    cohort_enrol(cohort=cohort, people=[person])
    enrolment = Enrolment.objects.get(person=person, course=course)
    CourseFeedback.objects.create(enrolment=enrolment, rating=5, usefulness=5, comment=f"Written by {EMAIL}")
    lesson = first_lesson(course)

    quiz = quiz_build(lesson=lesson)
    Attempt.objects.create(
        person=person,
        quiz=quiz,
        started_at=timezone.now(),
        submitted_at=timezone.now(),
        answers={"1": "my own words"},
        score=80,
        passed=True,
    )

    for _number in range(submissions):
        assignment = assignment_build(lesson=lesson)
        outcome = submission_create(
            person=person, assignment=assignment, text=f"My plan, {NAMES[1]}", files=[pdf()], number=1
        )
        review_submit(
            reviewer=trainer,
            submission_id=outcome.submission.pk,
            decision="approve",
            comment=f"Good work, {NAMES[1]}",
            levels=rubric_levels(assignment),
        )

    workshop = workshop_build(course=course, cohort=cohort, starts_at=timezone.now() - dt.timedelta(days=2))
    register(workshop, person)
    Attendance.objects.create(
        workshop=workshop, person=person, status=AttendanceStatus.PRESENT, marked_at=timezone.now(), marked_by=trainer
    )

    achievement = achievement_create(programme=programme, course=course, code=f"AI-{programme.pk}")
    credential = credential_create(achievement=achievement, person=person)

    mentor = appoint(programme=programme, tier=Tier.MENTOR).person
    pair = mentor_assign(programme=programme, mentor=mentor, mentee=person, actor=None, reason=f"Asked by {NAMES[1]}")
    session_log(
        pair=pair,
        by=mentor,
        held_on=timezone.localdate(),
        mode="online",
        topics="Prompts",
        notes=f"{NAMES[1]} plans a class.",
    )
    MentoringFeedback.objects.create(assignment=pair, rating=4, comment="Helpful.")
    Nomination.objects.create(
        programme=programme,
        nominee=person,
        tier=Tier.REGIONAL_TRAINER,
        statement=f"{NAMES[1]} leads",
        nominated_by=mentor,
    )

    degree = degree_create(institution=person.institution)
    RecognitionRequest.objects.create(
        person=person,
        degree=degree,
        rule=rule_create(degree=degree),
        rule_version=1,
        rule_snapshot={"credits": "6"},
        message=f"Please count it, {NAMES[1]}",
    )

    for number in range(entries):
        entry_create(person=person, kind="lesson_plan", title=f"Plan {number} by {NAMES[1]}", files=[pdf()])
    portfolio_review_consent_set(person=person, consent=True)
    CareerReview.objects.create(
        person=person,
        reviewer=trainer,
        institution=person.institution,
        consent_at=timezone.now(),
        recommendation="recommended",
        position_sought="Associate professor",
        summary=f"{NAMES[1]} is ready.",
    )
    colleague_entry = make_entry()
    EndorsementFactory(
        entry=colleague_entry,
        endorser=person,
        status=Endorsement.Status.GIVEN,
        comment="Well done.",
        document={"name": f"Endorsement by {NAMES[0]} {NAMES[1]}"},
    )
    EndorsementFactory(entry=make_entry(person=person), endorser=mentor)

    StaffImport.objects.create(
        institution=person.institution,
        file_name="staff.csv",
        file_format="csv",
        rows=[{"line": 2, "email": EMAIL, "family_name": NAMES[0], "given_name": NAMES[1]}],
        report=[{"line": 2, "email": EMAIL, "status": "invite"}],
    )
    return World(programme, course, person, trainer, mentor, credential)


def text_columns_containing(needles: tuple[str, ...]) -> list[str]:
    """Every text, character and JSON column of every model that holds one of `needles` (without case):
    "<model>.<field>: <needle>"."""
    from django.apps import apps
    from django.db.models import CharField, JSONField, Q, TextField
    from django.db.models.functions import Cast

    found: list[str] = []
    for model in apps.get_models():
        for column in model._meta.concrete_fields:
            if isinstance(column, CharField | TextField):
                lookup: Any = column.name
                queryset = model._default_manager.all()
            elif isinstance(column, JSONField):
                lookup = f"{column.name}_as_text"
                queryset = model._default_manager.annotate(**{lookup: Cast(column.name, TextField())})
            else:
                continue
            for needle in needles:
                for form in {needle, needle.lower(), needle.upper()}:
                    if queryset.filter(Q(**{f"{lookup}__contains": form})).exists():
                        found.append(f"{model._meta.label}.{column.name}: {needle}")
                        break
    return found
