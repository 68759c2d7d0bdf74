"""Reads for stackable pathways: which a person sees, and how far along each they are.

A step is done when the person holds an active credential of its achievement; the pathway is complete
when every required step and enough electives are done. Progress for a whole list is computed from one
query of the person's credentials, whatever the number of pathways.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from erdem.access.policy import Action, can
from erdem.credentials.models import Achievement, Credential
from erdem.programmes.models import Programme
from erdem.recognition.models import Pathway, PathwayMilestone, PathwayStep


@dataclass(frozen=True)
class StepProgress:
    step: PathwayStep
    credential: Credential | None

    @property
    def done(self) -> bool:
        return self.credential is not None


@dataclass(frozen=True)
class MilestoneProgress:
    milestone: PathwayMilestone
    done: int
    total: int

    @property
    def reached(self) -> bool:
        return self.total > 0 and self.done >= self.total


@dataclass
class PathwayProgress:
    pathway: Pathway
    required: list[StepProgress] = field(default_factory=list)
    electives: list[StepProgress] = field(default_factory=list)
    milestones: list[MilestoneProgress] = field(default_factory=list)
    credential: Credential | None = None  # the pathway credential, when the person holds it

    @property
    def required_done(self) -> int:
        return sum(step.done for step in self.required)

    @property
    def required_total(self) -> int:
        return len(self.required)

    @property
    def electives_done(self) -> int:
        return sum(step.done for step in self.electives)

    @property
    def electives_needed(self) -> int:
        return self.pathway.electives_required

    @property
    def electives_counted(self) -> int:
        """Electives beyond the number needed do not bring the pathway closer to completion."""
        return min(self.electives_done, self.electives_needed)

    @property
    def steps_done(self) -> int:
        return self.required_done + self.electives_counted

    @property
    def steps_needed(self) -> int:
        return self.required_total + self.electives_needed

    @property
    def percent(self) -> int:
        return round(100 * self.steps_done / self.steps_needed) if self.steps_needed else 0

    @property
    def complete(self) -> bool:
        return self.steps_needed > 0 and self.steps_done >= self.steps_needed

    @property
    def milestones_reached(self) -> list[MilestoneProgress]:
        return [milestone for milestone in self.milestones if milestone.reached]

    @property
    def credential_held(self) -> bool:
        return self.credential is not None


def pathways_queryset() -> QuerySet[Pathway]:
    """Pathways with their steps, milestones and credential's achievement, in four queries for any number."""
    return Pathway.objects.select_related("achievement").prefetch_related(
        Prefetch("steps", queryset=PathwayStep.objects.select_related("achievement").order_by("position", "id")),
        Prefetch(
            "milestones",
            queryset=PathwayMilestone.objects.prefetch_related(
                Prefetch("steps", queryset=PathwayStep.objects.select_related("achievement").order_by("position"))
            ).order_by("position", "id"),
        ),
    )


def pathways_visible(*, person: Any, programme: Programme) -> list[Pathway]:
    """The programme's published pathways; drafts too for those who manage pathways."""
    pathways = pathways_queryset().filter(programme=programme).order_by("code")
    if not can(person, Action.PATHWAY_MANAGE, programme):
        pathways = pathways.filter(is_published=True)
    return list(pathways)


def pathway_visible(*, person: Any, pk: int) -> Pathway | None:
    """The pathway when `person` may read it: published, or a draft for those who manage its programme."""
    pathway = pathways_queryset().select_related("programme").filter(pk=pk).first()
    if pathway is None:
        return None
    if not pathway.is_published and not can(person, Action.PATHWAY_MANAGE, pathway.programme):
        return None
    return pathway


def _held(*, person: Any, achievement_ids: Iterable[int]) -> dict[int, Credential]:
    """The person's active credentials of those achievements, the latest of each."""
    credentials = (
        Credential.objects.filter(
            person=person, achievement_id__in=set(achievement_ids), status=Credential.Status.ACTIVE
        )
        .only("pk", "public_id", "achievement_id", "issued_at", "status")
        .order_by("issued_at", "id")
    )
    return {credential.achievement_id: credential for credential in credentials}


def _progress(pathway: Pathway, held: dict[int, Credential]) -> PathwayProgress:
    progress = PathwayProgress(pathway=pathway, credential=held.get(pathway.achievement_id))
    done_steps: set[int] = set()
    for step in pathway.steps.all():
        step_progress = StepProgress(step=step, credential=held.get(step.achievement_id))
        (progress.electives if step.is_elective else progress.required).append(step_progress)
        if step_progress.done:
            done_steps.add(step.pk)
    for milestone in pathway.milestones.all():
        step_ids = [step.pk for step in milestone.steps.all()]
        done = sum(step_id in done_steps for step_id in step_ids)
        progress.milestones.append(MilestoneProgress(milestone=milestone, done=done, total=len(step_ids)))
    return progress


def pathways_progress(*, pathways: list[Pathway], person: Any) -> list[PathwayProgress]:
    """Each pathway's progress for `person`, with one query for their credentials (pathways from
    pathways_queryset, so the steps and milestones are already read)."""
    achievement_ids: set[int] = set()
    for pathway in pathways:
        achievement_ids.add(pathway.achievement_id)
        achievement_ids.update(step.achievement_id for step in pathway.steps.all())
    held = _held(person=person, achievement_ids=achievement_ids) if achievement_ids else {}
    return [_progress(pathway, held) for pathway in pathways]


def pathway_progress(*, pathway: Pathway, person: Any) -> PathwayProgress:
    """How far `person` is along `pathway`: steps done and needed, electives, milestones reached, complete,
    and the pathway credential when they hold it."""
    return pathways_progress(pathways=[pathway], person=person)[0]


def pathway_achievement_choices(*, programme: Programme, pathway: Pathway | None = None) -> QuerySet[Achievement]:
    """The achievements a pathway may use (as its credential or as steps): the programme's, not retired, and
    those `pathway` already uses (so editing it does not drop a step retired since)."""
    usable = Q(status__in=[Achievement.Status.DRAFT, Achievement.Status.ACTIVE])
    if pathway is not None:
        usable |= Q(pk=pathway.achievement_id) | Q(pathway_steps__pathway=pathway)
    return Achievement.objects.filter(usable, programme=programme).distinct().order_by("code")
