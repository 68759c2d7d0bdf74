"""Reads for the credentials pages: achievements with their figures, the credentials issued, the
people of a programme, what a rule may point at, the audit log, the signing keys.

Lists come with their figures in one query (annotations), never one query per row.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from erdem.catalog.models import Course, CourseTranslation
from erdem.core.i18n import localized
from erdem.credentials.models import Achievement, AchievementRule, Credential, CredentialEvent, IssuerKey
from erdem.credentials.rules import Qualification, RuleOutcome, rules_evaluate, unit_title
from erdem.programmes.models import Programme

# What a manager may see of texts that are not published yet: a rule can point at a course in review.
CURRENT_STATUSES = (Credential.Status.ACTIVE, Credential.Status.SUSPENDED)


# --- achievements ----------------------------------------------------------------------------------------


def achievements_with_counts(*, programme: Programme) -> QuerySet[Achievement]:
    """The programme's achievements, each with `active_count` and `revoked_count`: one query."""
    return (
        Achievement.objects.filter(programme=programme)
        .annotate(
            active_count=Count("credentials", filter=Q(credentials__status=Credential.Status.ACTIVE)),
            revoked_count=Count("credentials", filter=Q(credentials__status=Credential.Status.REVOKED)),
        )
        .order_by("code")
    )


def achievement_by_public_id(*, public_id: Any) -> Achievement | None:
    return (
        Achievement.objects.filter(public_id=public_id)
        .select_related("programme__national_centre")
        .prefetch_related("competencies__framework")
        .first()
    )


def achievement_credential_count(*, achievement: Achievement) -> int:
    return Credential.objects.filter(achievement=achievement).count()


def achievement_credentials(*, achievement: Achievement, status: str = "", search: str = "") -> QuerySet[Credential]:
    """The credentials of an achievement, newest first, narrowed by status and by the holder's name or e-mail."""
    credentials = Credential.objects.filter(achievement=achievement).select_related("person")
    if status:
        credentials = credentials.filter(status=status)
    for word in search.split()[:5]:
        credentials = credentials.filter(
            Q(person__email__icontains=word)
            | Q(person__given_name__icontains=word)
            | Q(person__family_name__icontains=word)
            | Q(person__given_name_latin__icontains=word)
            | Q(person__family_name_latin__icontains=word)
        )
    return credentials.order_by("-issued_at", "-id")


def credential_by_public_id(*, public_id: Any) -> Credential | None:
    return (
        Credential.objects.filter(public_id=public_id)
        .select_related("achievement__programme", "person", "key", "replaces")
        .first()
    )


def credential_successor(*, credential: Credential) -> Credential | None:
    return Credential.objects.filter(replaces=credential).only("public_id", "status").first()


def credential_history(*, credential: Credential) -> list[CredentialEvent]:
    return list(credential.events.select_related("actor").order_by("at", "id"))


def credential_held(*, achievement: Achievement, person: Any) -> Credential | None:
    """The person's current (active or suspended) credential of the achievement, if any."""
    return (
        Credential.objects.filter(achievement=achievement, person=person, status__in=CURRENT_STATUSES)
        .only("public_id", "status", "issued_at")
        .order_by("-issued_at", "-id")
        .first()
    )


def credential_revoked(*, achievement: Achievement, person: Any) -> Credential | None:
    """The person's latest revoked credential of the achievement, with `revoked_at` (when it was revoked;
    None when the history lacks the event), or None."""
    revocations = CredentialEvent.objects.filter(credential=OuterRef("pk"), action=CredentialEvent.Action.REVOKE)
    return (
        Credential.objects.filter(achievement=achievement, person=person, status=Credential.Status.REVOKED)
        .annotate(revoked_at=Subquery(revocations.order_by("-at", "-id").values("at")[:1]))
        .only("public_id", "status", "issued_at")
        .order_by("-issued_at", "-id")
        .first()
    )


def credential_held_requirements(*, programme: Programme) -> dict[int, set[int]]:
    """For each achievement of the programme, the achievements its credential rules require or count
    (credential_held, and every credential an "at least N of these" rule counts: a loop through one of
    them is refused too, even when the others could still be held)."""
    edges: dict[int, set[int]] = {}
    rows = AchievementRule.objects.filter(
        achievement__programme=programme, kind=AchievementRule.Kind.CREDENTIAL_HELD
    ).values_list("achievement_id", "required_achievement_id")
    counted = AchievementRule.any_of.through.objects.filter(
        achievementrule__achievement__programme=programme,
        achievementrule__kind=AchievementRule.Kind.CREDENTIALS_HELD_ANY,
    ).values_list("achievementrule__achievement_id", "achievement_id")
    for source, target in [*rows, *counted]:
        edges.setdefault(source, set()).add(target)
    return edges


def credential_held_cycle(*, achievement: Achievement, required: Achievement) -> bool:
    """True when requiring `required` for `achievement` closes a loop (nobody could ever earn either)."""
    if required.pk == achievement.pk:
        return True
    edges = credential_held_requirements(programme=achievement.programme)
    seen: set[int] = set()
    stack = [required.pk]
    while stack:
        current = stack.pop()
        if current == achievement.pk:
            return True
        if current in seen:
            continue
        seen.add(current)
        stack.extend(edges.get(current, ()))
    return False


# --- what a rule may point at ----------------------------------------------------------------------------


@dataclass
class RuleTargets:
    """The programme's courses, quizzes, practical tasks and achievements as (pk, label) choices."""

    courses: list[tuple[int, str]] = field(default_factory=list)
    quizzes: list[tuple[int, str]] = field(default_factory=list)
    assignments: list[tuple[int, str]] = field(default_factory=list)
    achievements: list[tuple[int, str]] = field(default_factory=list)


def rule_targets(*, programme: Programme, achievement: Achievement) -> RuleTargets:
    """Labels read "course › lesson" for quizzes and practical tasks, in the reader's language."""
    from erdem.assessments.models import Quiz
    from erdem.assignments.models import Assignment

    targets = RuleTargets()
    courses = Course.objects.filter(programme=programme).prefetch_related("translations").order_by("code")
    for course in courses:
        targets.courses.append((course.pk, unit_title(course) or course.code))
    lesson_related = ("lesson__module__course",)
    lesson_prefetch = ("lesson__translations", "lesson__module__course__translations")
    quizzes = (
        Quiz.objects.filter(lesson__module__course__programme=programme)
        .select_related(*lesson_related)
        .prefetch_related(*lesson_prefetch, "translations")
        .order_by("lesson__module__course__code", "lesson__module__position", "lesson__position", "pk")
    )
    for quiz in quizzes:
        lesson = quiz.lesson
        course = lesson.module.course
        course_title = unit_title(course) or course.code
        targets.quizzes.append((quiz.pk, f"{course_title} › {unit_title(lesson)}"))
    assignments = (
        Assignment.objects.filter(lesson__module__course__programme=programme)
        .select_related(*lesson_related)
        .prefetch_related(*lesson_prefetch, "translations")
        .order_by("lesson__module__course__code", "lesson__module__position", "lesson__position", "pk")
    )
    for assignment in assignments:
        course = assignment.lesson.module.course
        course_title = unit_title(course) or course.code
        task_title = unit_title(assignment) or unit_title(assignment.lesson)
        targets.assignments.append((assignment.pk, f"{course_title} › {task_title}"))
    for other in Achievement.objects.filter(programme=programme).exclude(pk=achievement.pk).order_by("code"):
        name = localized(other, "name")
        targets.achievements.append((other.pk, f"{name} ({other.code})"))
    return targets


# --- people ----------------------------------------------------------------------------------------------


def programme_people(*, programme: Programme) -> QuerySet[Any]:
    """Everyone taking part in the programme: holding a role in it, or enrolled in one of its courses."""
    from erdem.access.models import RoleAssignment
    from erdem.learning.models import Enrolment
    from erdem.people.models import Person

    role = RoleAssignment.objects.current().filter(programme=programme, person_id=OuterRef("pk"))
    enrolled = Enrolment.objects.filter(course__programme=programme, person_id=OuterRef("pk"))
    return Person.objects.filter(Q(Exists(role)) | Q(Exists(enrolled)), is_active=True)


def programme_person_by_email(*, programme: Programme, email: str) -> Any:
    """The programme's person with exactly this e-mail address (case aside), or None."""
    email = email.strip()
    if not email:
        return None
    return programme_people(programme=programme).filter(email__iexact=email).first()


def programme_people_by_emails(*, programme: Programme, emails: Iterable[str]) -> dict[str, Any]:
    """{lower-case e-mail: person} for the addresses that belong to people of the programme."""
    wanted = {email.strip().lower() for email in emails if email.strip()}
    found: dict[str, Any] = {}
    people = programme_people(programme=programme)
    listed = sorted(wanted)
    for start in range(0, len(listed), 500):
        for person in people.filter(email__in=listed[start : start + 500]):
            found[person.email.lower()] = person
    return found


def programme_person_ids_in_scope(*, programme: Programme, person_ids: Iterable[int]) -> list[int]:
    """Those of `person_ids` who still take part in the programme (ids sent back by a browser are re-checked)."""
    ids = sorted({int(pk) for pk in person_ids})
    kept: list[int] = []
    people = programme_people(programme=programme)
    for start in range(0, len(ids), 500):
        kept.extend(people.filter(pk__in=ids[start : start + 500]).values_list("pk", flat=True))
    return sorted(kept)


def programme_cohorts(*, programme: Programme) -> QuerySet[Any]:
    from erdem.learning.models import Cohort

    return Cohort.objects.filter(programme=programme).select_related("institution").order_by("name")


def cohort_person_ids(*, cohort: Any) -> list[int]:
    from erdem.learning.models import Enrolment

    return sorted(set(Enrolment.objects.filter(cohort=cohort).values_list("person_id", flat=True)))


# --- the bulk preview ------------------------------------------------------------------------------------


@dataclass
class PreviewRow:
    person: Any
    missing: list[RuleOutcome] = field(default_factory=list)


@dataclass
class BulkPreview:
    """Who of the people chosen would receive the credential, who holds it, who does not qualify and why."""

    qualifies: list[PreviewRow] = field(default_factory=list)
    holds: list[PreviewRow] = field(default_factory=list)
    revoked: list[PreviewRow] = field(default_factory=list)
    missing: list[PreviewRow] = field(default_factory=list)

    @property
    def qualifying_ids(self) -> list[int]:
        return [row.person.pk for row in self.qualifies]


def bulk_preview(*, achievement: Achievement, person_ids: Iterable[int]) -> BulkPreview:
    """A bounded number of queries whatever the number of people: one per rule, plus two."""
    from erdem.people.models import Person

    ids = sorted(set(person_ids))
    people = {person.pk: person for person in Person.objects.filter(pk__in=ids)}
    holding = set(
        Credential.objects.filter(achievement=achievement, person_id__in=ids, status__in=CURRENT_STATUSES).values_list(
            "person_id", flat=True
        )
    )
    revoked = set(
        Credential.objects.filter(achievement=achievement, person_id__in=ids, status=Credential.Status.REVOKED)
        .exclude(person_id__in=holding)
        .values_list("person_id", flat=True)
    )
    pending = [pk for pk in ids if pk in people and pk not in holding and pk not in revoked]
    qualifications: dict[int, Qualification] = rules_evaluate(achievement, pending) if pending else {}
    preview = BulkPreview()
    order = sorted(people.values(), key=lambda person: (person.family_name, person.given_name, person.email))
    for person in order:
        if person.pk in holding:
            preview.holds.append(PreviewRow(person))
        elif person.pk in revoked:
            preview.revoked.append(PreviewRow(person))
        elif qualifications[person.pk].qualifies:
            preview.qualifies.append(PreviewRow(person))
        else:
            preview.missing.append(PreviewRow(person, qualifications[person.pk].missing))
    return preview


# --- the audit log and the keys --------------------------------------------------------------------------


def credential_events(
    *,
    programme: Programme,
    action: str = "",
    achievement: Achievement | None = None,
    actor_email: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[CredentialEvent]:
    """The programme's credential events, newest first, with what a row shows (no query per row)."""
    events = CredentialEvent.objects.filter(credential__achievement__programme=programme).select_related(
        "credential__achievement", "credential__person", "actor"
    )
    if action:
        events = events.filter(action=action)
    if achievement is not None:
        events = events.filter(credential__achievement=achievement)
    if actor_email.strip():
        events = events.filter(actor__email__icontains=actor_email.strip())
    if date_from is not None:
        events = events.filter(at__date__gte=date_from)
    if date_to is not None:
        events = events.filter(at__date__lte=date_to)
    return events.order_by("-at", "-id")


def issuer_keys() -> QuerySet[IssuerKey]:
    """Every signing key with the number of credentials it signed; the encrypted private half is not even read."""
    return IssuerKey.objects.defer("private_encrypted").annotate(signed=Count("credentials")).order_by("-created_at")


def competencies_grouped() -> list[tuple[str, list[tuple[int, str]]]]:
    """Competencies as (framework name, [(pk, "code name")]) for grouped checkboxes."""
    from erdem.frameworks.models import Competency

    groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for competency in Competency.objects.select_related("framework").order_by(
        "framework__code", "dimension__position", "level__position", "code"
    ):
        label = f"{competency.code} {competency.name}".strip()
        groups.setdefault(competency.framework_id, (competency.framework.name, []))[1].append((competency.pk, label))
    return list(groups.values())


def course_titles(*, programme: Programme) -> dict[int, str]:
    courses = Course.objects.filter(programme=programme).prefetch_related(
        Prefetch("translations", queryset=CourseTranslation.objects.all())
    )
    return {course.pk: unit_title(course) or course.code for course in courses}
