"""The one place that answers "may this person do this to this object".

Every view, API endpoint, admin action and job asks `can()` (or `require()`),
and list pages narrow their querysets with the `*_visible_to` selectors in
erdem.access.selectors, which read the same grants. A rule is a function of
(grants, person, object); adding an action means adding one entry to RULES.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from erdem.access.models import Role, RoleAssignment


class Action(StrEnum):
    PROGRAMME_MANAGE = "programme.manage"
    ROLES_ASSIGN = "roles.assign"
    AGGREGATES_VIEW = "aggregates.view"
    INSTITUTION_PEOPLE_VIEW = "institution.people.view"
    INSTITUTION_STAFF_INVITE = "institution.staff.invite"
    PERSON_VIEW = "person.view"
    PERSON_EDIT = "person.edit"
    PERSON_ROLES_VIEW = "person.roles.view"
    JOB_VIEW = "job.view"
    COURSE_VIEW_UNPUBLISHED = "course.view_unpublished"
    COURSE_ENROL = "course.enrol"
    COURSE_EDIT = "course.edit"
    COURSE_CREATE = "course.create"
    COHORT_PROGRESS_VIEW = "cohort.progress.view"
    COHORT_ENROL = "cohort.enrol"
    COHORT_MANAGE = "cohort.manage"
    COHORT_LIST_VIEW = "cohort.list.view"
    COURSE_FEEDBACK_VIEW = "course.feedback.view"
    WORKSHOP_CREATE = "workshop.create"
    WORKSHOP_EDIT = "workshop.edit"
    WORKSHOP_REGISTER = "workshop.register"
    WORKSHOP_ATTENDANCE_TAKE = "workshop.attendance.take"
    WORKSHOP_ATTENDANCE_VIEW = "workshop.attendance.view"
    SUBMISSION_VIEW = "submission.view"
    SUBMISSION_REVIEW = "submission.review"
    SUBMISSION_QUEUE_VIEW = "submission.queue.view"
    ACHIEVEMENT_MANAGE = "achievement.manage"
    CREDENTIAL_ISSUE = "credential.issue"
    CREDENTIAL_REVOKE = "credential.revoke"
    CREDENTIAL_VIEW = "credential.view"
    CREDENTIAL_OWN = "credential.own"
    ISSUER_KEYS_MANAGE = "issuer.keys.manage"
    CASCADE_OWN_VIEW = "cascade.own.view"
    CASCADE_NATIONAL_VIEW = "cascade.national.view"
    CASCADE_AGGREGATES_VIEW = "cascade.aggregates.view"
    CASCADE_INSTITUTION_VIEW = "cascade.institution.view"
    APPOINTMENT_MANAGE = "appointment.manage"
    NOMINATION_CREATE = "nomination.create"
    MENTOR_ASSIGN = "mentor.assign"
    MENTORING_PAIR_VIEW = "mentoring.pair.view"
    MENTORING_SESSION_LOG = "mentoring.session.log"
    STANDARDS_MANAGE = "standards.manage"
    PATHWAY_MANAGE = "pathway.manage"
    DEGREE_CREATE = "degree.create"
    DEGREE_MANAGE = "degree.manage"
    DEGREE_OFFICE = "degree.office"
    RECOGNITION_REQUEST = "recognition.request"
    PORTFOLIO_KEEP = "portfolio.keep"
    PORTFOLIO_REVIEW = "portfolio.review"
    ENTRY_VIEW = "portfolio.entry.view"
    ENDORSEMENT_ANSWER = "endorsement.answer"
    PERSON_ERASE = "person.erase"
    AUDIT_VIEW = "audit.view"


@dataclass(frozen=True)
class Grant:
    role: str
    programme_id: int
    institution_id: int | None
    region_id: int | None


class Grants:
    """A person's current role assignments, loaded once per request."""

    def __init__(self, grants: list[Grant]) -> None:
        self.grants = grants

    def has(self, role: str, *, programme_id: int | None = None) -> bool:
        return any(g.role == role and (programme_id is None or g.programme_id == programme_id) for g in self.grants)

    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def programme_ids(self, role: str) -> set[int]:
        return {g.programme_id for g in self.grants if g.role == role}

    def institution_ids(self, role: str) -> set[int]:
        return {g.institution_id for g in self.grants if g.role == role and g.institution_id is not None}

    def region_ids(self, role: str) -> set[int]:
        return {g.region_id for g in self.grants if g.role == role and g.region_id is not None}

    @property
    def is_national_admin(self) -> bool:
        return self.has(Role.NATIONAL_ADMIN)


Person = Any  # erdem.people.models.Person or AnonymousUser; kept loose to avoid an import cycle

_GRANTS_ATTRIBUTE = "_erdem_grants"


def grants_for(person: Person) -> Grants:
    if person is None or not person.is_authenticated:
        return Grants([])
    cached: Grants | None = getattr(person, _GRANTS_ATTRIBUTE, None)
    if cached is None:
        rows = RoleAssignment.objects.current().filter(person_id=person.pk)
        cached = Grants(
            [
                Grant(role, programme_id, institution_id, region_id)
                for role, programme_id, institution_id, region_id in rows.values_list(
                    "role", "programme_id", "institution_id", "region_id"
                )
            ]
        )
        setattr(person, _GRANTS_ATTRIBUTE, cached)
    return cached


def forget_grants(person: Person) -> None:
    """Drop the cached grants after the person's roles changed."""
    if hasattr(person, _GRANTS_ATTRIBUTE):
        delattr(person, _GRANTS_ATTRIBUTE)


def _programme_admin(grants: Grants, person: Person, programme: Any) -> bool:
    return programme is not None and grants.has(Role.NATIONAL_ADMIN, programme_id=programme.pk)


def _aggregates(grants: Grants, person: Person, programme: Any) -> bool:
    allowed = (Role.NATIONAL_ADMIN, Role.MINISTRY_VIEWER)
    if programme is None:
        return any(grants.has(role) for role in allowed)
    return any(grants.has(role, programme_id=programme.pk) for role in allowed)


def _institution_staff(grants: Grants, person: Person, institution: Any) -> bool:
    if institution is None:
        return False
    return grants.is_national_admin or institution.pk in grants.institution_ids(Role.COORDINATOR)


def _person_view(grants: Grants, person: Person, other: Any) -> bool:
    if other is None:
        return False
    if other.pk == person.pk or grants.is_national_admin:
        return True
    return other.institution_id is not None and other.institution_id in grants.institution_ids(Role.COORDINATOR)


def _national_admin(grants: Grants, person: Person, obj: Any) -> bool:
    return grants.is_national_admin


def _person_edit(grants: Grants, person: Person, other: Any) -> bool:
    return other is not None and (other.pk == person.pk or grants.is_national_admin)


def _job_view(grants: Grants, person: Person, job: Any) -> bool:
    return job is not None and job.started_by_id == person.pk


def _course_edit(grants: Grants, person: Person, course: Any) -> bool:
    """The course team, and national admins of the course's programme. Reads
    `course.team`, one query unless the caller prefetched it."""
    if course is None:
        return False
    if grants.has(Role.NATIONAL_ADMIN, programme_id=course.programme_id):
        return True
    return any(member.pk == person.pk for member in course.team.all())


def _course_enrol(grants: Grants, person: Person, course: Any) -> bool:
    """Educators of the course's programme enrol in its published courses."""
    return (
        course is not None
        and course.status == "published"
        and grants.has(Role.EDUCATOR, programme_id=course.programme_id)
    )


def _cohort_progress_view(grants: Grants, person: Person, cohort: Any) -> bool:
    """The cohort's trainers, national admins of its programme, the coordinator of its institution (in
    the cohort's programme). Reads `cohort.trainers.all()`, which the caller prefetches."""
    if cohort is None:
        return False
    if _cohort_manage(grants, person, cohort):
        return True
    return any(trainer.pk == person.pk for trainer in cohort.trainers.all())


def _cohort_manage(grants: Grants, person: Person, obj: Any) -> bool:
    """Create cohorts (`obj`: the programme) or change one (`obj`: the cohort): national admins of the
    programme, and its coordinators for cohorts of their own institution."""
    if obj is None:
        return False
    if not hasattr(obj, "course_id"):  # a programme: may this person create cohorts in it
        return grants.has(Role.NATIONAL_ADMIN, programme_id=obj.pk) or grants.has(Role.COORDINATOR, programme_id=obj.pk)
    if grants.has(Role.NATIONAL_ADMIN, programme_id=obj.programme_id):
        return True
    return obj.institution_id is not None and any(
        (g.role, g.programme_id, g.institution_id) == (Role.COORDINATOR, obj.programme_id, obj.institution_id)
        for g in grants.grants
    )


def _cohort_list_view(grants: Grants, person: Person, _obj: Any) -> bool:
    """The list of cohorts: those who manage cohorts, those who may be chosen to train one (trainers,
    master teachers, mentors), and anyone training a cohort. Each sees only their own (scoped selector)."""
    roles = (Role.NATIONAL_ADMIN, Role.COORDINATOR, Role.TRAINER, Role.MASTER_TEACHER, Role.MENTOR)
    if any(grants.has(role) for role in roles):
        return True
    return bool(person.trained_cohorts.exists())


def _submission_reviewer(grants: Grants, person: Person, submission: Any) -> bool:
    """Who may judge a practical assignment's submission (never its author): national admins of the
    course's programme, mentors of that programme whose scope covers the learner's institution (a
    mentor with neither institution nor region covers the whole programme), and the trainers of the
    learner's cohort in the course. Reads `submission.programme_id`, `submission.person.institution`
    and `submission.cohort_trainer_ids` (a query each unless the caller's selector loaded them)."""
    if submission is None or submission.person_id == person.pk:
        return False
    programme_id = submission.programme_id
    if grants.has(Role.NATIONAL_ADMIN, programme_id=programme_id):
        return True
    institution = submission.person.institution
    for grant in grants.grants:
        if grant.role != Role.MENTOR or grant.programme_id != programme_id:
            continue
        if grant.institution_id is None and grant.region_id is None:
            return True
        if institution is not None and (
            grant.institution_id == institution.pk or grant.region_id == institution.region_id
        ):
            return True
    if person.pk in submission.cohort_trainer_ids:
        return True
    # The learner's own mentor, wherever the mentor's scope lies (one query, only for mentors).
    if grants.has(Role.MENTOR, programme_id=programme_id):
        from erdem.cascade.models import MentorAssignment

        return MentorAssignment.objects.filter(
            programme_id=programme_id, mentor_id=person.pk, mentee_id=submission.person_id, ended_at__isnull=True
        ).exists()
    return False


def _submission_view(grants: Grants, person: Person, submission: Any) -> bool:
    """The learner who handed it in, and those who may review it."""
    return submission is not None and (
        submission.person_id == person.pk or _submission_reviewer(grants, person, submission)
    )


def _submission_queue_view(grants: Grants, person: Person, _obj: Any) -> bool:
    """A review queue for national admins, mentors, trainers and master teachers (their queue holds
    what they may review: it is empty until they train a cohort), and anyone training a cohort."""
    if any(grants.has(role) for role in (Role.NATIONAL_ADMIN, Role.MENTOR, Role.TRAINER, Role.MASTER_TEACHER)):
        return True
    return bool(person.trained_cohorts.exists())


def _workshop_create(grants: Grants, person: Person, programme: Any) -> bool:
    """National admins of the programme, and its coordinators (for their own institution)."""
    return programme is not None and (
        grants.has(Role.NATIONAL_ADMIN, programme_id=programme.pk)
        or grants.has(Role.COORDINATOR, programme_id=programme.pk)
    )


def _workshop_edit(grants: Grants, person: Person, workshop: Any) -> bool:
    """National admins of the workshop's programme; the coordinator of its institution."""
    if workshop is None:
        return False
    if grants.has(Role.NATIONAL_ADMIN, programme_id=workshop.programme_id):
        return True
    return workshop.institution_id is not None and any(
        (g.role, g.programme_id, g.institution_id) == (Role.COORDINATOR, workshop.programme_id, workshop.institution_id)
        for g in grants.grants
    )


def _workshop_register(grants: Grants, person: Person, workshop: Any) -> bool:
    """Educators of the workshop's programme register for its scheduled workshops."""
    return (
        workshop is not None
        and workshop.status == "scheduled"
        and grants.has(Role.EDUCATOR, programme_id=workshop.programme_id)
    )


def _workshop_attendance_take(grants: Grants, person: Person, workshop: Any) -> bool:
    """The workshop's trainers and national admins of its programme. Reads
    `workshop.trainers.all()`, which the caller prefetches."""
    if workshop is None:
        return False
    if grants.has(Role.NATIONAL_ADMIN, programme_id=workshop.programme_id):
        return True
    return any(trainer.pk == person.pk for trainer in workshop.trainers.all())


def _workshop_attendance_view(grants: Grants, person: Person, workshop: Any) -> bool:
    """Those who take attendance, and the coordinator of the workshop's institution."""
    return _workshop_attendance_take(grants, person, workshop) or _workshop_edit(grants, person, workshop)


def _course_feedback_view(grants: Grants, person: Person, course: Any) -> bool:
    """The course's feedback figures (aggregates, no one's answers): its team, national admins and
    ministry viewers of its programme."""
    if course is None:
        return False
    return _course_edit(grants, person, course) or grants.has(Role.MINISTRY_VIEWER, programme_id=course.programme_id)


Rule = Callable[[Grants, Person, Any], bool]


def _credential_own(grants: Grants, person: Person, credential: Any) -> bool:
    """The holder's own choices: downloads of every form, the public page's name, their DID."""
    return person is not None and person.is_authenticated and credential.person_id == person.pk


def _credential_view(grants: Grants, person: Person, credential: Any) -> bool:
    """A credential's full record (history, reasons): its holder, national admins, and the
    coordinators of the holder's institution."""
    if _credential_own(grants, person, credential):
        return True
    if grants.has(Role.NATIONAL_ADMIN, programme_id=credential.achievement.programme_id):
        return True
    institution_id = credential.person.institution_id
    return institution_id is not None and institution_id in grants.institution_ids(Role.COORDINATOR)


_CASCADE_ROLES = (Role.MASTER_TEACHER, Role.TRAINER, Role.MENTOR)


def _cascade_own(grants: Grants, person: Person, programme: Any) -> bool:
    """A trainer's own cascade: master teachers, trainers and mentors (obj: the programme, or None)."""
    return any(grants.has(role, programme_id=programme.pk if programme else None) for role in _CASCADE_ROLES)


def _nominate(grants: Grants, person: Person, programme: Any) -> bool:
    return any(grants.has(role, programme_id=programme.pk) for role in (Role.MASTER_TEACHER, Role.TRAINER))


def _mentor_assign(grants: Grants, person: Person, mentee: Any) -> bool:
    """National admins, and coordinators for the staff of their institution (obj: the mentee)."""
    if grants.has(Role.NATIONAL_ADMIN):
        return True
    return mentee.institution_id is not None and mentee.institution_id in grants.institution_ids(Role.COORDINATOR)


def _mentoring_pair_view(grants: Grants, person: Person, pair: Any) -> bool:
    """The pair themselves, national admins, and coordinators of either one's institution: they alone read
    the session notes."""
    if person is not None and person.is_authenticated and person.pk in (pair.mentor_id, pair.mentee_id):
        return True
    if grants.has(Role.NATIONAL_ADMIN, programme_id=pair.programme_id):
        return True
    coordinated = grants.institution_ids(Role.COORDINATOR)
    return bool(coordinated & {pair.mentor.institution_id, pair.mentee.institution_id})


def _mentoring_session_log(grants: Grants, person: Person, pair: Any) -> bool:
    return (
        person is not None
        and person.is_authenticated
        and pair.ended_at is None
        and person.pk in (pair.mentor_id, pair.mentee_id)
    )


def _degree_create(grants: Grants, person: Person, institution: Any) -> bool:
    """Degree programmes are set up by the institution's coordinators (and national admins)."""
    return institution is not None and _institution_staff(grants, person, institution)


def _degree_manage(grants: Grants, person: Person, degree: Any) -> bool:
    return _degree_create(grants, person, degree.institution) or _degree_office(grants, person, degree)


def _degree_office(grants: Grants, person: Person, degree: Any) -> bool:
    """The programme office decides credit requests: the people named on the degree programme and the
    coordinators of its institution."""
    if degree.institution_id in grants.institution_ids(Role.COORDINATOR):
        return True
    return degree.office.filter(pk=person.pk).exists()


def _recognition_request(grants: Grants, person: Person, degree: Any) -> bool:
    return degree.is_active and grants.has(Role.EDUCATOR)


def _portfolio_keep(grants: Grants, person: Person, _obj: Any) -> bool:
    """Every educator (and anyone with a role in a programme) keeps a portfolio."""
    return bool(grants.grants)


def _portfolio_review(grants: Grants, person: Person, owner: Any) -> bool:
    """A coordinator of the owner's institution reads the whole portfolio only while the owner consents."""
    if owner.pk == person.pk:
        return False
    portfolio = getattr(owner, "portfolio", None)
    if portfolio is None or portfolio.review_consent_at is None:
        return False
    return owner.institution_id is not None and owner.institution_id in grants.institution_ids(Role.COORDINATOR)


def _entry_view(grants: Grants, person: Person, entry: Any) -> bool:
    """The owner; an endorser asked about the entry; the owner's institution for entries shared with it; a
    coordinator reviewing with consent. Public entries are read through the public link, signed in or not."""
    if entry.person_id == person.pk:
        return True
    if entry.visibility in ("institution", "public") and (
        person.institution_id is not None and person.institution_id == entry.person.institution_id
    ):
        return True
    if entry.endorsements.filter(endorser_id=person.pk).exclude(status="withdrawn").exists():
        return True
    return _portfolio_review(grants, person, entry.person)


def _endorsement_answer(grants: Grants, person: Person, endorsement: Any) -> bool:
    return endorsement.endorser_id == person.pk and endorsement.status == "requested"


RULES: dict[Action, Rule] = {
    Action.PROGRAMME_MANAGE: _programme_admin,
    Action.ROLES_ASSIGN: _programme_admin,
    Action.AGGREGATES_VIEW: _aggregates,
    Action.INSTITUTION_PEOPLE_VIEW: _institution_staff,
    Action.INSTITUTION_STAFF_INVITE: _institution_staff,
    Action.PERSON_VIEW: _person_view,
    Action.PERSON_EDIT: _person_edit,
    Action.PERSON_ROLES_VIEW: _person_view,
    Action.JOB_VIEW: _job_view,
    Action.COURSE_VIEW_UNPUBLISHED: _course_edit,
    Action.COURSE_ENROL: _course_enrol,
    Action.COURSE_EDIT: _course_edit,
    Action.COURSE_CREATE: _programme_admin,  # national admins create the programme's courses
    Action.COHORT_PROGRESS_VIEW: _cohort_progress_view,
    Action.COHORT_ENROL: _cohort_progress_view,  # those who follow a cohort fill it
    Action.COHORT_MANAGE: _cohort_manage,
    Action.COHORT_LIST_VIEW: _cohort_list_view,
    Action.COURSE_FEEDBACK_VIEW: _course_feedback_view,
    Action.WORKSHOP_CREATE: _workshop_create,
    Action.WORKSHOP_EDIT: _workshop_edit,
    Action.WORKSHOP_REGISTER: _workshop_register,
    Action.WORKSHOP_ATTENDANCE_TAKE: _workshop_attendance_take,
    Action.WORKSHOP_ATTENDANCE_VIEW: _workshop_attendance_view,
    Action.SUBMISSION_VIEW: _submission_view,
    Action.SUBMISSION_REVIEW: _submission_reviewer,
    Action.SUBMISSION_QUEUE_VIEW: _submission_queue_view,
    # Credentials: national admins define achievements, issue, revoke and rotate keys (obj: the programme).
    Action.ACHIEVEMENT_MANAGE: _programme_admin,
    Action.CREDENTIAL_ISSUE: _programme_admin,
    Action.CREDENTIAL_REVOKE: _programme_admin,
    Action.ISSUER_KEYS_MANAGE: _programme_admin,
    Action.CREDENTIAL_VIEW: _credential_view,
    Action.CREDENTIAL_OWN: _credential_own,
    # The cascade (obj: the programme unless said otherwise).
    Action.CASCADE_OWN_VIEW: _cascade_own,
    Action.CASCADE_NATIONAL_VIEW: _programme_admin,
    Action.CASCADE_AGGREGATES_VIEW: _aggregates,  # the region table and map: no names, for the ministry too
    Action.CASCADE_INSTITUTION_VIEW: _institution_staff,  # obj: the institution
    Action.APPOINTMENT_MANAGE: _programme_admin,
    Action.NOMINATION_CREATE: _nominate,
    Action.MENTOR_ASSIGN: _mentor_assign,
    Action.MENTORING_PAIR_VIEW: _mentoring_pair_view,
    Action.MENTORING_SESSION_LOG: _mentoring_session_log,
    # Recognition (obj: the programme for standards and pathways; the institution for creating a degree
    # programme; the degree programme otherwise).
    Action.STANDARDS_MANAGE: _programme_admin,
    Action.PATHWAY_MANAGE: _programme_admin,
    Action.DEGREE_CREATE: _degree_create,
    Action.DEGREE_MANAGE: _degree_manage,
    Action.DEGREE_OFFICE: _degree_office,
    Action.RECOGNITION_REQUEST: _recognition_request,
    # The Faculty AI Portfolio (obj: none; the owner for a review; the entry; the endorsement).
    Action.PORTFOLIO_KEEP: _portfolio_keep,
    Action.PORTFOLIO_REVIEW: _portfolio_review,
    Action.ENTRY_VIEW: _entry_view,
    Action.ENDORSEMENT_ANSWER: _endorsement_answer,
    # Personal data: national admins see the deletion queue and carry out requests (obj: none).
    Action.PERSON_ERASE: _national_admin,
    # The platform's audit log (obj: the programme): its national admins, as for revoking credentials.
    Action.AUDIT_VIEW: _programme_admin,
}


def can(person: Person | AnonymousUser | None, action: Action, obj: Any = None) -> bool:
    """True when `person` may do `action` to `obj`. Anonymous visitors may do none of these."""
    if person is None or not person.is_authenticated or not person.is_active:
        return False
    if person.is_superuser:
        return True
    return RULES[action](grants_for(person), person, obj)


def require(person: Person | AnonymousUser | None, action: Action, obj: Any = None) -> None:
    """Raise PermissionDenied (403) unless `can()` allows it."""
    if not can(person, action, obj):
        raise PermissionDenied(action.value)
