"""Stackable pathways: defining and publishing them (national admins, Action.PATHWAY_MANAGE).

A pathway is kept as credential rules on its pathway credential's achievement: one "credential held" rule
per required step and one "at least N of these credentials held" rule for the electives. The credentials
app then issues the pathway credential by itself (credentials_award_due after a learner's progress, and
achievement_award_existing for the people who already qualify when the definition changes).
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from erdem.credentials.models import Achievement, AchievementRule
from erdem.credentials.selectors import credential_held_cycle
from erdem.credentials.services import achievement_award_existing
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.recognition.models import Pathway, PathwayMilestone, PathwayStep

# The rule kinds a pathway keeps on its credential's achievement; any other rule there is left alone.
PATHWAY_RULE_KINDS = (AchievementRule.Kind.CREDENTIAL_HELD, AchievementRule.Kind.CREDENTIALS_HELD_ANY)


class PathwayError(Exception):
    """A definition that cannot be saved, with the reason in the asker's language and the field it concerns."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class MilestoneDefinition:
    name_mn: str
    name_en: str
    achievements: list[Achievement] = field(default_factory=list)


@dataclass
class PathwayDefinition:
    code: str
    name_mn: str
    name_en: str
    achievement: Achievement
    required: list[Achievement]
    electives: list[Achievement]
    electives_required: int
    description_mn: str = ""
    description_en: str = ""
    milestones: list[MilestoneDefinition] = field(default_factory=list)


def _unique(achievements: list[Achievement]) -> list[Achievement]:
    return list({achievement.pk: achievement for achievement in achievements}.values())


def _check(*, programme: Programme, definition: PathwayDefinition, pathway: Pathway | None) -> None:
    """Refuse a definition nobody could complete or that contradicts itself."""
    code = definition.code.strip()
    if not code:
        raise PathwayError(_("Give the pathway a code."), field="code")
    others = Pathway.objects.exclude(pk=pathway.pk) if pathway is not None else Pathway.objects.all()
    if others.filter(programme=programme, code=code).exists():
        raise PathwayError(_("Another pathway of the programme has this code."), field="code")
    if not definition.name_mn.strip() or not definition.name_en.strip():
        raise PathwayError(_("Give the pathway's name in both languages."), field="name_en")
    credential = definition.achievement
    if credential.programme_id != programme.pk:
        raise PathwayError(_("The pathway credential must be an achievement of the programme."), field="achievement")
    other = others.filter(achievement=credential).first()
    if other is not None:
        raise PathwayError(
            _("This achievement is already the credential of the pathway “%(pathway)s”.") % {"pathway": other.code},
            field="achievement",
        )
    required, electives = definition.required, definition.electives
    steps = [*required, *electives]
    if any(step.programme_id != programme.pk for step in steps):
        raise PathwayError(_("Every step must be an achievement of the programme."), field="required")
    if any(step.pk == credential.pk for step in steps):
        raise PathwayError(
            _("The pathway credential cannot be one of its own steps: nobody could ever earn it."),
            field="required" if any(step.pk == credential.pk for step in required) else "electives",
        )
    both = {step.pk for step in required} & {step.pk for step in electives}
    if both:
        codes = ", ".join(sorted(step.code for step in required if step.pk in both))
        raise PathwayError(
            _("A step is either required or elective, not both: %(codes)s.") % {"codes": codes}, field="electives"
        )
    if definition.electives_required > len(electives):
        raise PathwayError(
            _("%(needed)s electives are needed but only %(listed)s are listed: list more electives or need fewer.")
            % {"needed": definition.electives_required, "listed": len(electives)},
            field="electives_required",
        )
    if not required and definition.electives_required < 1:
        raise PathwayError(_("A pathway needs at least one required step or at least one elective."), field="required")
    step_ids = {step.pk for step in steps}
    for position, milestone in enumerate(definition.milestones, start=1):
        if not milestone.name_mn.strip() or not milestone.name_en.strip():
            raise PathwayError(
                _("Give milestone %(number)s a name in both languages.") % {"number": position},
                field=f"milestone_{position}",
            )
        if not milestone.achievements:
            raise PathwayError(
                _("Choose the steps of milestone %(number)s.") % {"number": position}, field=f"milestone_{position}"
            )
        if any(achievement.pk not in step_ids for achievement in milestone.achievements):
            raise PathwayError(
                _("Milestone %(number)s may only group steps of this pathway.") % {"number": position},
                field=f"milestone_{position}",
            )


def _loop_check(*, credential: Achievement, steps: list[Achievement]) -> None:
    """Called once the pathway's previous rules are gone, so only the other achievements' rules count."""
    for step in steps:
        if credential_held_cycle(achievement=credential, required=step):
            raise PathwayError(
                _(
                    "This would make a loop: the step “%(step)s” already requires the pathway credential (directly "
                    "or through others), so nobody could ever earn either."
                )
                % {"step": step.code},
                field="required",
            )


def _rules_sync(*, pathway: Pathway, required: list[Achievement], electives: list[Achievement]) -> None:
    credential = pathway.achievement
    position = 0
    for step in required:
        position += 1
        AchievementRule.objects.create(
            achievement=credential,
            kind=AchievementRule.Kind.CREDENTIAL_HELD,
            required_achievement=step,
            position=position,
        )
    if pathway.electives_required:
        rule = AchievementRule.objects.create(
            achievement=credential,
            kind=AchievementRule.Kind.CREDENTIALS_HELD_ANY,
            threshold=pathway.electives_required,
            position=position + 1,
        )
        rule.any_of.set(electives)


def pathway_save(
    *, programme: Programme, actor: Person, definition: PathwayDefinition, pathway: Pathway | None = None
) -> Pathway:
    """Create or replace a pathway's definition, and its credential's rules with it.

    The steps and milestones are written anew; the credential's other rules (a course, a practical task)
    stay. People who already qualify receive the pathway credential after the commit, when it is active
    and issued automatically."""
    definition.required = _unique(definition.required)
    definition.electives = _unique(definition.electives)
    _check(programme=programme, definition=definition, pathway=pathway)
    credential = definition.achievement
    with transaction.atomic():
        # Lock the programme's achievements, so two definitions saved at once cannot close a loop between them.
        list(Achievement.objects.select_for_update().filter(programme=programme).values_list("pk", flat=True))
        previous_credential = pathway.achievement if pathway is not None else None
        if previous_credential is not None:
            previous_credential.rules.filter(kind__in=PATHWAY_RULE_KINDS).delete()
        credential.rules.filter(kind__in=PATHWAY_RULE_KINDS).delete()
        _loop_check(credential=credential, steps=[*definition.required, *definition.electives])
        values: dict[str, Any] = {
            "code": definition.code.strip(),
            "name_mn": definition.name_mn.strip(),
            "name_en": definition.name_en.strip(),
            "description_mn": definition.description_mn.strip(),
            "description_en": definition.description_en.strip(),
            "achievement": credential,
            "electives_required": definition.electives_required,
        }
        if pathway is None:
            pathway = Pathway.objects.create(programme=programme, created_at=timezone.now(), **values)
        else:
            for name, value in values.items():
                setattr(pathway, name, value)
            pathway.save(update_fields=list(values))
            pathway.milestones.all().delete()
            pathway.steps.all().delete()
        steps: dict[int, PathwayStep] = {}
        ordered = [(step, False) for step in definition.required] + [(step, True) for step in definition.electives]
        for position, (achievement, is_elective) in enumerate(ordered, start=1):
            steps[achievement.pk] = PathwayStep.objects.create(
                pathway=pathway, achievement=achievement, is_elective=is_elective, position=position
            )
        for position, milestone in enumerate(definition.milestones, start=1):
            created = PathwayMilestone.objects.create(
                pathway=pathway,
                name_mn=milestone.name_mn.strip(),
                name_en=milestone.name_en.strip(),
                position=position,
            )
            created.steps.set([steps[achievement.pk] for achievement in _unique(milestone.achievements)])
        _rules_sync(pathway=pathway, required=definition.required, electives=definition.electives)
        achievement_award_existing(achievement=credential)
    return pathway


def pathway_publish(*, pathway: Pathway, actor: Person, published: bool) -> Pathway:
    """Show the pathway to everyone (or take it back to a draft). Publishing needs a pathway credential that
    is active and issued automatically, so completing the pathway really issues it."""
    if published:
        credential = pathway.achievement
        if credential.status != Achievement.Status.ACTIVE or not credential.auto_issue:
            raise PathwayError(
                _(
                    "Before publishing, make the pathway credential “%(code)s” active and issued automatically "
                    "on its achievement page."
                )
                % {"code": credential.code},
                field="achievement",
            )
        if not pathway.steps.exists():
            raise PathwayError(_("A pathway without steps cannot be published."), field="required")
    with transaction.atomic():
        pathway.is_published = published
        pathway.save(update_fields=["is_published"])
        if published:
            achievement_award_existing(achievement=pathway.achievement)
    return pathway
