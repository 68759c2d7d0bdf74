"""Who meets an achievement's rules, and why the others do not.

`rules_evaluate` answers for many people at once with one query per rule, whatever their
number: the automatic check after a learner's progress, the bulk preview of a cohort and the
bulk job all call it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Prefetch
from django.utils.translation import gettext as _

from erdem.catalog.translations import READER_STATUSES, translation_pick
from erdem.core.i18n import active_language, localized
from erdem.credentials.models import Achievement, AchievementRule, Credential


@dataclass(frozen=True)
class RuleOutcome:
    rule: AchievementRule
    met: bool
    label: str
    detail: str
    score: int | None = None  # the best quiz score, for the credential's result


@dataclass
class Qualification:
    person_id: int
    outcomes: list[RuleOutcome] = field(default_factory=list)

    @property
    def qualifies(self) -> bool:
        return bool(self.outcomes) and all(outcome.met for outcome in self.outcomes)

    @property
    def missing(self) -> list[RuleOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.met]


# What an administrator reads of a unit's texts: drafts too, since rules are named before texts are published.
AUTHOR_STATUSES = READER_STATUSES | {"draft", "review"}


def unit_title(unit: Any) -> str:
    """The title of a course, lesson or practical task in the active language (drafts included:
    an administrator names the rules before the texts are published)."""
    if unit is None:
        return ""
    picked = translation_pick(unit.translations.all(), language=active_language(), statuses=AUTHOR_STATUSES)
    return picked.translation.title if picked else ""


def achievement_rules(achievement: Achievement) -> list[AchievementRule]:
    """The rules with what their labels need, in a handful of queries whatever their number."""
    return list(
        achievement.rules.select_related(
            "course", "quiz__lesson", "assignment", "required_achievement"
        ).prefetch_related(
            "course__translations",
            "quiz__lesson__translations",
            "assignment__translations",
            Prefetch("any_of", queryset=Achievement.objects.order_by("code")),
        )
    )


def rule_label(rule: AchievementRule) -> str:
    kind = AchievementRule.Kind
    if rule.kind == kind.COURSE_COMPLETED:
        return _("Complete the course “%(course)s”") % {"course": unit_title(rule.course)}
    if rule.kind == kind.QUIZ_SCORE:
        return _("Score at least %(score)s%% in the quiz of “%(lesson)s”") % {
            "score": rule.threshold,
            "lesson": unit_title(rule.quiz.lesson if rule.quiz else None),
        }
    if rule.kind == kind.WORKSHOPS_ATTENDED:
        if rule.course is not None:
            return _("Attend at least %(count)s workshops of “%(course)s”") % {
                "count": rule.threshold,
                "course": unit_title(rule.course),
            }
        return _("Attend at least %(count)s workshops") % {"count": rule.threshold}
    if rule.kind == kind.ASSIGNMENT_APPROVED:
        return _("Have the practical task “%(task)s” approved") % {"task": unit_title(rule.assignment)}
    if rule.kind == kind.CREDENTIALS_HELD_ANY:
        names = ", ".join(f"“{localized(achievement, 'name')}”" for achievement in rule.any_of.all())
        return _("Hold at least %(count)s of these credentials: %(achievements)s") % {
            "count": rule.threshold,
            "achievements": names,
        }
    return _("Hold the credential “%(achievement)s”") % {"achievement": localized(rule.required_achievement, "name")}


def _rule_values(rule: AchievementRule, person_ids: list[int]) -> dict[int, int]:
    """Per person, the value the rule compares: 1 for done, a best score, a number of workshops."""
    from erdem.assessments.models import Attempt
    from erdem.assignments.models import Submission
    from erdem.learning.models import Enrolment
    from erdem.workshops.models import Attendance, Workshop
    from erdem.workshops.selectors import ATTENDED

    kind = AchievementRule.Kind
    # Which target is set follows from the kind (a check constraint); `or 0` only satisfies the type checker.
    course_id, quiz_id = rule.course_id or 0, rule.quiz_id or 0
    assignment_id, required_id = rule.assignment_id or 0, rule.required_achievement_id or 0
    if rule.kind == kind.COURSE_COMPLETED:
        done = Enrolment.objects.filter(course_id=course_id, person_id__in=person_ids, completed_at__isnull=False)
        return dict.fromkeys(done.values_list("person_id", flat=True), 1)
    if rule.kind == kind.QUIZ_SCORE:
        best = (
            Attempt.objects.filter(quiz_id=quiz_id, person_id__in=person_ids, submitted_at__isnull=False)
            .values("person_id")
            .annotate(best=Max("score"))
        )
        return {row["person_id"]: row["best"] or 0 for row in best}
    if rule.kind == kind.WORKSHOPS_ATTENDED:
        attended = Attendance.objects.filter(person_id__in=person_ids, status__in=ATTENDED).exclude(
            workshop__status=Workshop.Status.CANCELLED
        )
        if course_id:
            attended = attended.filter(workshop__course_id=course_id)
        counts = attended.values("person_id").annotate(count=Count("workshop_id", distinct=True))
        return {row["person_id"]: row["count"] for row in counts}
    if rule.kind == kind.ASSIGNMENT_APPROVED:
        approved = Submission.objects.filter(
            assignment_id=assignment_id, person_id__in=person_ids, status=Submission.Status.APPROVED
        )
        return dict.fromkeys(approved.values_list("person_id", flat=True), 1)
    if rule.kind == kind.CREDENTIALS_HELD_ANY:
        # How many different credentials of the list each person holds (one query, the list as a subquery).
        counted = AchievementRule.any_of.through.objects.filter(achievementrule_id=rule.pk).values("achievement_id")
        held_among = (
            Credential.objects.filter(
                achievement_id__in=counted, person_id__in=person_ids, status=Credential.Status.ACTIVE
            )
            .values("person_id")
            .annotate(count=Count("achievement_id", distinct=True))
        )
        return {row["person_id"]: row["count"] for row in held_among}
    held = Credential.objects.filter(
        achievement_id=required_id, person_id__in=person_ids, status=Credential.Status.ACTIVE
    )
    return dict.fromkeys(held.values_list("person_id", flat=True), 1)


def _outcome(rule: AchievementRule, label: str, value: int | None) -> RuleOutcome:
    kind = AchievementRule.Kind
    if rule.kind == kind.QUIZ_SCORE:
        threshold = rule.threshold or 0
        if value is None:
            return RuleOutcome(rule, False, label, _("Not attempted yet."))
        detail = _("Best score %(score)s%%.") % {"score": value}
        return RuleOutcome(rule, value >= threshold, label, detail, score=value)
    if rule.kind == kind.WORKSHOPS_ATTENDED:
        count = value or 0
        detail = _("Attended %(count)s of %(needed)s.") % {"count": count, "needed": rule.threshold}
        return RuleOutcome(rule, count >= (rule.threshold or 1), label, detail)
    if rule.kind == kind.CREDENTIALS_HELD_ANY:
        count = value or 0
        detail = _("Holds %(count)s of the %(needed)s needed.") % {"count": count, "needed": rule.threshold}
        return RuleOutcome(rule, count >= (rule.threshold or 1), label, detail)
    met = bool(value)
    messages = {
        kind.COURSE_COMPLETED: (_("Completed."), _("Not completed yet.")),
        kind.ASSIGNMENT_APPROVED: (_("Approved."), _("Not approved yet.")),
        kind.CREDENTIAL_HELD: (_("Held."), _("Not held.")),
    }
    done, not_done = messages[AchievementRule.Kind(rule.kind)]
    return RuleOutcome(rule, met, label, done if met else not_done)


def rules_evaluate(
    achievement: Achievement, person_ids: Iterable[int], *, rules: list[AchievementRule] | None = None
) -> dict[int, Qualification]:
    """Each person's outcome on every rule. An achievement without rules qualifies nobody automatically."""
    ids = sorted(set(person_ids))
    rules = achievement_rules(achievement) if rules is None else rules
    results = {person_id: Qualification(person_id) for person_id in ids}
    for rule in rules:
        label = rule_label(rule)
        values = _rule_values(rule, ids)
        for person_id in ids:
            results[person_id].outcomes.append(_outcome(rule, label, values.get(person_id)))
    return results
