"""Reads for personal-data rights: everything held about one person, for the copy they download.

One collector per app, each reading that app's models (imported inside the function, as every read
against the direction of the apps' dependencies is) and returning plain JSON-ready values. Each
collector makes a fixed number of queries whatever the number of rows, so a copy costs the same
number of queries for a newcomer and for a master teacher with years of records (a test counts them).

What goes in is what concerns the person: their own records, what others wrote about them (reviews,
mentoring notes, endorsements of their work, career reviews), and what they wrote about others
(the sessions they logged as a mentor, the nominations they made, the endorsements they gave).
Mentoring notes are shared by the pair (docs/cascade.md: "seen only by the pair and coordinators"),
so there are no notes a mentee may not read and all of them are in the mentee's copy. Secrets never
go in: password hashes, API token hashes, two-factor keys, salts other than the credential's own.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import F, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from erdem.people.models import ConsentRecord, DataExport, DeletionRequest, Person
from erdem.people.services import PROFILE_FIELDS as EDITABLE_PROFILE_FIELDS

FORMAT = "erdem-personal-data/1"

Collector = Callable[[Person], dict[str, Any]]


def _rows(queryset: QuerySet[Any], *fields: str, **expressions: Any) -> list[dict[str, Any]]:
    return list(queryset.values(*fields, **expressions))


def _name(prefix: str) -> dict[str, Any]:
    """Another person's name as two columns (never their e-mail address)."""
    return {
        f"{prefix}_family_name": F(f"{prefix}__family_name"),
        f"{prefix}_given_name": F(f"{prefix}__given_name"),
    }


# --- people ----------------------------------------------------------------------------------------------


# What the profile page edits, plus what the platform keeps about the account.
PROFILE_FIELDS = (
    "email",
    *EDITABLE_PROFILE_FIELDS,
    "consent_at",
    "consent_version",
    "email_confirmed_at",
    "date_joined",
    "last_login",
)


def collect_people(person: Person) -> dict[str, Any]:
    profile = {name: getattr(person, name) for name in PROFILE_FIELDS}
    profile["institution"] = (
        Person.objects.filter(pk=person.pk).values_list("institution__name_mn", flat=True).first() or ""
    )
    return {
        "profile": profile,
        "consents": _rows(
            ConsentRecord.objects.filter(person=person).order_by("given_at", "pk"),
            "kind",
            "version",
            "given_at",
            "withdrawn_at",
        ),
        "deletion_requests": _rows(
            DeletionRequest.objects.filter(person=person).order_by("requested_at", "pk"),
            "status",
            "reason",
            "requested_at",
            "due_at",
            "cancelled_at",
            "processed_at",
        ),
        "data_exports": _rows(
            DataExport.objects.filter(person=person).order_by("created_at"), "created_at", "ready_at", "expires_at"
        ),
    }


# --- access ----------------------------------------------------------------------------------------------


def collect_access(person: Person) -> dict[str, Any]:
    from erdem.access.models import RoleAssignment

    assignments = RoleAssignment.objects.filter(person=person).order_by("granted_at", "pk")
    return {
        "role_assignments": _rows(
            assignments,
            "role",
            "granted_at",
            "ended_at",
            programme_name=F("programme__name_mn"),
            institution_name=F("institution__name_mn"),
            region_code=F("region__iso_code"),
        )
    }


# --- learning and assessments ----------------------------------------------------------------------------


def collect_learning(person: Person) -> dict[str, Any]:
    from erdem.learning.models import CourseFeedback, Enrolment, LessonProgress

    return {
        "enrolments": _rows(
            Enrolment.objects.filter(person=person).order_by("enrolled_at", "pk"),
            "id",
            "source",
            "enrolled_at",
            "completed_at",
            "last_lesson_id",
            "last_visited_at",
            course_code=F("course__code"),
            cohort_name=F("cohort__name"),
        ),
        "lessons_completed": _rows(
            LessonProgress.objects.filter(enrolment__person=person).order_by("completed_at", "pk"),
            "enrolment_id",
            "lesson_id",
            "completed_at",
        ),
        "course_feedback": _rows(
            CourseFeedback.objects.filter(enrolment__person=person).order_by("submitted_at", "pk"),
            "enrolment_id",
            "rating",
            "usefulness",
            "comment",
            "language_code",
            "submitted_at",
            "updated_at",
        ),
    }


def collect_assessments(person: Person) -> dict[str, Any]:
    from erdem.assessments.models import Attempt

    return {
        "quiz_attempts": _rows(
            Attempt.objects.filter(person=person).order_by("started_at", "pk"),
            "id",
            "quiz_id",
            "started_at",
            "submitted_at",
            "question_ids",
            "answers",
            "results",
            "score",
            "passed",
            "expired",
            course_code=F("quiz__lesson__module__course__code"),
        )
    }


def collect_assignments(person: Person) -> dict[str, Any]:
    from erdem.assignments.models import CriterionScore, Review, Submission, SubmissionFile

    submissions = Submission.objects.filter(person=person)
    return {
        "submissions": _rows(
            submissions.order_by("submitted_at", "pk"),
            "id",
            "assignment_id",
            "number",
            "text",
            "submitted_at",
            "status",
            course_code=F("assignment__lesson__module__course__code"),
        ),
        "submission_files": _rows(
            SubmissionFile.objects.filter(submission__person=person).order_by("pk"),
            "id",
            "submission_id",
            "original_name",
            "kind",
            "size",
        ),
        "reviews": _rows(
            Review.objects.filter(submission__person=person).order_by("reviewed_at", "pk"),
            "submission_id",
            "decision",
            "comment",
            "reviewed_at",
            **_name("reviewer"),
        ),
        "review_scores": _rows(
            CriterionScore.objects.filter(review__submission__person=person).order_by("pk"),
            "criterion_id",
            submission_id=F("review__submission_id"),
            level_position=F("level__position"),
            points=F("level__points"),
        ),
    }


# --- workshops -------------------------------------------------------------------------------------------


def collect_workshops(person: Person) -> dict[str, Any]:
    from erdem.workshops.models import Attendance, Registration

    return {
        "registrations": _rows(
            Registration.objects.filter(person=person).order_by("registered_at", "pk"),
            "workshop_id",
            "status",
            "registered_at",
            "reminded_at",
            workshop_title=F("workshop__title_mn"),
            workshop_starts_at=F("workshop__starts_at"),
        ),
        "attendance": _rows(
            Attendance.objects.filter(person=person).order_by("marked_at", "pk"),
            "workshop_id",
            "status",
            "source",
            "marked_at",
            workshop_title=F("workshop__title_mn"),
        ),
    }


# --- credentials -----------------------------------------------------------------------------------------


def collect_credentials(person: Person) -> dict[str, Any]:
    """The credentials as signed (the JSON-LD document and the VC-JWT), with their status and history."""
    from erdem.credentials.models import Credential, CredentialEvent

    return {
        "credentials": _rows(
            Credential.objects.filter(person=person).order_by("issued_at", "pk"),
            "public_id",
            "verification_code",
            "status",
            "method",
            "issued_at",
            "awarded_at",
            "valid_until",
            "subject_did",
            "show_name",
            "document",
            "jwt",
            achievement_code=F("achievement__code"),
            achievement_name_mn=F("achievement__name_mn"),
            achievement_name_en=F("achievement__name_en"),
        ),
        "credential_events": _rows(
            CredentialEvent.objects.filter(credential__person=person).order_by("at", "pk"),
            "action",
            "reason",
            "at",
            credential_public_id=F("credential__public_id"),
        ),
    }


# --- the cascade and mentoring ---------------------------------------------------------------------------


def collect_cascade(person: Person) -> dict[str, Any]:
    from django.db.models import Q

    from erdem.cascade.models import (
        Appointment,
        LineageNode,
        MentorAssignment,
        MentoringFeedback,
        MentoringSession,
        Nomination,
    )

    pairs = MentorAssignment.objects.filter(Q(mentor=person) | Q(mentee=person))
    return {
        "appointments": _rows(
            Appointment.objects.filter(person=person).order_by("created_at", "pk"),
            "tier",
            "starts_on",
            "term_ends_on",
            "mentee_capacity",
            "reason",
            "created_at",
            "ended_at",
            "end_reason",
        ),
        "nominations_of_you": _rows(
            Nomination.objects.filter(nominee=person).order_by("nominated_at", "pk"),
            "tier",
            "statement",
            "nominated_at",
            "status",
            "decided_at",
            "decision_reason",
            **_name("nominated_by"),
        ),
        "nominations_you_made": _rows(
            Nomination.objects.filter(nominated_by=person).order_by("nominated_at", "pk"),
            "tier",
            "statement",
            "nominated_at",
            "status",
            **_name("nominee"),
        ),
        "lineage": _rows(
            LineageNode.objects.filter(person=person).order_by("pk"),
            "depth",
            "source",
            "trained_at",
            **_name("trainer"),
        ),
        "mentoring_pairs": _rows(
            pairs.order_by("started_at", "pk"),
            "id",
            "started_at",
            "ended_at",
            "reason",
            **_name("mentor"),
            **_name("mentee"),
        ),
        "mentoring_sessions": _rows(
            MentoringSession.objects.filter(assignment__in=pairs).order_by("held_on", "pk"),
            "assignment_id",
            "held_on",
            "mode",
            "minutes",
            "topics",
            "notes",
            "logged_at",
        ),
        # Feedback is the mentee's: the mentee's copy has the comment, the mentor's the rating only.
        "mentoring_feedback_given": _rows(
            MentoringFeedback.objects.filter(assignment__mentee=person).order_by("pk"),
            "assignment_id",
            "rating",
            "comment",
            "submitted_at",
        ),
        "mentoring_feedback_received": _rows(
            MentoringFeedback.objects.filter(assignment__mentor=person).order_by("pk"),
            "assignment_id",
            "rating",
            "submitted_at",
        ),
    }


# --- recognition -----------------------------------------------------------------------------------------


def collect_recognition(person: Person) -> dict[str, Any]:
    from erdem.recognition.models import RecognitionRequest, RequestCredential

    return {
        "credit_requests": _rows(
            RecognitionRequest.objects.filter(person=person).order_by("submitted_at", "pk"),
            "public_id",
            "rule_version",
            "rule_snapshot",
            "message",
            "status",
            "submitted_at",
            "decided_at",
            "decision_reason",
            "credits_granted",
            degree_name_mn=F("degree__name_mn"),
            degree_name_en=F("degree__name_en"),
        ),
        "credit_request_credentials": _rows(
            RequestCredential.objects.filter(request__person=person).order_by("pk"),
            "issuer_name",
            "achievement_name",
            "verdict",
            "counts",
            "external_document",
            "external_jwt",
            request_public_id=F("request__public_id"),
            credential_public_id=F("credential__public_id"),
        ),
    }


# --- the portfolio ---------------------------------------------------------------------------------------


def collect_portfolio(person: Person) -> dict[str, Any]:
    from erdem.portfolio.models import CareerReview, Endorsement, Entry, EntryFile, EntryLink, Portfolio

    return {
        "portfolio": _rows(
            Portfolio.objects.filter(person=person), "headline", "summary", "review_consent_at", "updated_at"
        ),
        "entries": _rows(
            Entry.objects.filter(person=person).order_by("created_at", "pk"),
            "public_id",
            "kind",
            "title",
            "body",
            "language",
            "course_taught",
            "started_on",
            "ended_on",
            "visibility",
            "created_at",
            "updated_at",
        ),
        "entry_links": _rows(
            EntryLink.objects.filter(entry__person=person).order_by("entry_id", "position"),
            "url",
            "title",
            entry_public_id=F("entry__public_id"),
        ),
        "entry_files": _rows(
            EntryFile.objects.filter(entry__person=person).order_by("pk"),
            "id",
            "name",
            "kind",
            "size",
            "uploaded_at",
            entry_public_id=F("entry__public_id"),
        ),
        "endorsements_of_your_work": _rows(
            Endorsement.objects.filter(entry__person=person).order_by("requested_at", "pk"),
            "relation",
            "status",
            "request_note",
            "comment",
            "requested_at",
            "answered_at",
            "document",
            entry_public_id=F("entry__public_id"),
            **_name("endorser"),
        ),
        "endorsements_you_gave": _rows(
            Endorsement.objects.filter(endorser=person).order_by("requested_at", "pk"),
            "relation",
            "status",
            "request_note",
            "comment",
            "requested_at",
            "answered_at",
            "document",
            **_name("entry__person"),
        ),
        "career_reviews": _rows(
            CareerReview.objects.filter(person=person).order_by("created_at", "pk"),
            "public_id",
            "consent_at",
            "recommendation",
            "position_sought",
            "summary",
            "created_at",
            **_name("reviewer"),
        ),
    }


# --- follow-up surveys -----------------------------------------------------------------------------------


def collect_insights(person: Person) -> dict[str, Any]:
    from erdem.insights.models import SurveyAnswer, SurveyInvitation

    return {
        "survey_invitations": _rows(
            SurveyInvitation.objects.filter(person=person).order_by("pk"),
            "id",
            "due_at",
            "sent_at",
            "reminders_sent",
            survey_title=F("survey__title_mn"),
            answered_at=F("response__submitted_at"),
        ),
        "survey_answers": _rows(
            SurveyAnswer.objects.filter(response__invitation__person=person).order_by("pk"),
            "scale",
            "text",
            invitation_id=F("response__invitation_id"),
            question_text=F("question__text_mn"),
            choice_label=F("choice__label_mn"),
        ),
    }


# --- the API, jobs and the audit log ---------------------------------------------------------------------


def collect_api(person: Person) -> dict[str, Any]:
    from erdem.api.models import ApiToken

    return {
        "api_tokens": _rows(
            ApiToken.objects.filter(person=person).order_by("created_at", "pk"),
            "name",
            "prefix",
            "created_at",
            "last_used_at",
            "expires_at",
            "revoked_at",
        )
    }


def collect_jobs(person: Person) -> dict[str, Any]:
    from erdem.jobs.models import Job

    return {"jobs": _rows(Job.objects.filter(started_by=person).order_by("created_at"), "kind", "status", "created_at")}


def collect_audit(person: Person) -> dict[str, Any]:
    """The audit events about the person (not those they caused as an administrator: those concern others)."""
    from erdem.audit.models import AuditEvent

    return {
        "audit_events": _rows(
            AuditEvent.objects.filter(subject=person).order_by("at", "pk"), "at", "action", "target", "summary"
        )
    }


COLLECTORS: tuple[tuple[str, Collector], ...] = (
    ("people", collect_people),
    ("access", collect_access),
    ("learning", collect_learning),
    ("assessments", collect_assessments),
    ("assignments", collect_assignments),
    ("workshops", collect_workshops),
    ("credentials", collect_credentials),
    ("cascade", collect_cascade),
    ("recognition", collect_recognition),
    ("portfolio", collect_portfolio),
    ("insights", collect_insights),
    ("api", collect_api),
    ("jobs", collect_jobs),
    ("audit", collect_audit),
)


def person_data(person: Person) -> dict[str, Any]:
    """Everything held about `person`, by app, as JSON-ready values (dates and UUIDs for DjangoJSONEncoder)."""
    data: dict[str, Any] = {"format": FORMAT, "generated_at": timezone.now(), "person_id": person.pk}
    for name, collect in COLLECTORS:
        data[name] = collect(person)
    return data


@dataclass(frozen=True)
class HeldFile:
    """One uploaded file to put in the copy: its path inside the ZIP and the stored file."""

    path: str
    stored: FieldFile


def person_files(person: Person) -> Iterator[HeldFile]:
    """The files the person uploaded: practical-task submissions and portfolio entries (two queries)."""
    from erdem.assignments.models import SubmissionFile
    from erdem.portfolio.models import EntryFile

    for submission_file in SubmissionFile.objects.filter(submission__person=person).order_by("pk").iterator():
        yield HeldFile(
            f"files/submissions/{submission_file.submission_id}/{submission_file.pk}-{_safe(submission_file.original_name)}",
            submission_file.file,
        )
    for entry_file in EntryFile.objects.filter(entry__person=person).order_by("pk").iterator():
        yield HeldFile(
            f"files/portfolio/{entry_file.entry_id}/{entry_file.pk}-{_safe(entry_file.name)}", entry_file.file
        )


def _safe(name: str) -> str:
    """A file name that cannot climb out of its folder in the ZIP."""
    cleaned = name.replace("\\", "/").rsplit("/", 1)[-1].strip(". ") or "file"
    return cleaned[:120]


# --- what the privacy page and the queue read ------------------------------------------------------------


def data_exports_of(person: Person) -> QuerySet[DataExport]:
    """The person's copies that have not expired, newest first, with their job."""
    return DataExport.objects.filter(person=person, expires_at__gt=timezone.now()).select_related("job")


def data_export_downloadable(*, person: Person, export_id: UUID | str) -> DataExport | None:
    """The person's own ready, unexpired copy; None for anyone else's, whoever asks (admins too)."""
    return (
        DataExport.objects.filter(pk=export_id, person=person, ready_at__isnull=False, expires_at__gt=timezone.now())
        .exclude(file="")
        .first()
    )


def deletion_request_pending(person: Person) -> DeletionRequest | None:
    return DeletionRequest.objects.filter(person=person, status=DeletionRequest.Status.PENDING).first()


def deletion_queue() -> QuerySet[DeletionRequest]:
    """Pending requests, the earliest due first, with what the queue shows of each person."""
    return (
        DeletionRequest.objects.filter(status=DeletionRequest.Status.PENDING)
        .select_related("person__institution")
        .order_by("due_at", "pk")
    )


def deletions_done(limit: int = 20) -> list[DeletionRequest]:
    return list(
        DeletionRequest.objects.filter(status=DeletionRequest.Status.DONE)
        .select_related("processed_by")
        .order_by("-processed_at")[:limit]
    )


def consent_history(person: Person) -> list[ConsentRecord]:
    return list(ConsentRecord.objects.filter(person=person).order_by("-given_at", "-pk"))
