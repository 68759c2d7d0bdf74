"""Cascade API: reach by master teacher, the region table, one trainer's reach, and mentoring pairs.

The same rules as the pages (erdem.access.policy): reach by master teacher is for national admins (no
e-mail addresses); the region table also for ministry viewers, who get small counts (1 to 4 people)
suppressed as null with a flag; one trainer's reach for national admins, the coordinator of the trainer's
institution and the trainer (404 for anyone else). Mentors and mentees list their pairs and log sessions.
"""

import datetime as dt
from typing import Any, cast

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from erdem.access.policy import Action, can
from erdem.access.selectors import programme_for_action
from erdem.api.auth import caller
from erdem.api.errors import ApiProblem, Forbidden, NotFound
from erdem.api.schemas import ErrorOut, Id, ValidationErrorOut
from erdem.cascade import selectors
from erdem.cascade.models import LineageNode, MentorAssignment, MentoringSession
from erdem.cascade.services import CascadeError, session_log
from erdem.cascade.trainer_views import direct_trainees, may_view_trainer, programme_for
from erdem.core.privacy import small
from erdem.people.models import Person
from erdem.programmes.models import Programme

router = Router(tags=["cascade"])


class BadRequest(ApiProblem):
    def __init__(self, message: str) -> None:
        super().__init__(400, message)


# --- schemas ------------------------------------------------------------------------------------------------------


class ReachOut(Schema):
    person_id: int
    name: str
    institution: str | None
    direct: int = Field(description="People this person trained themselves.")
    total: int = Field(description="Everyone below them in the lineage, at any depth.")
    generations: int
    certified: int = Field(description="People of the branch holding an active micro-certificate of the programme.")
    certified_share: float | None
    regions: int
    institutions: int
    median_days_to_certification: int | None


class TraineeOut(Schema):
    person_id: int
    name: str
    institution: str | None
    trained_at: dt.datetime
    source: str
    certified: bool
    reach: int


class TrainerOut(Schema):
    reach: ReachOut
    in_lineage: bool
    trainees: list[TraineeOut]


class RegionRowOut(Schema):
    iso_code: str
    name: str
    institutions: int
    teachers: int | None = Field(description="Null when suppressed (fewer than 5 people, ministry viewers).")
    reached: int | None
    reached_share: float | None
    active_trainers: int | None
    institutions_without_trainer: int
    gap: bool
    suppressed: bool = Field(description="True when at least one count of this row was suppressed.")


class PairOut(Schema):
    id: int
    programme_id: int
    mentor_id: int
    mentor_name: str
    mentee_id: int
    mentee_name: str
    role: str = Field(description="Whether the caller is the `mentor` or the `mentee` of the pair.")
    started_at: dt.datetime
    ended_at: dt.datetime | None
    sessions: int


class SessionIn(Schema):
    held_on: dt.date
    mode: str = Field(description="in_person, online or phone.")
    topics: str = Field(max_length=300)
    notes: str = Field("", max_length=2000)
    minutes: int = Field(60, ge=5, le=600)


class SessionOut(Schema):
    id: int
    pair_id: int
    held_on: dt.date
    mode: str
    minutes: int
    topics: str
    notes: str
    logged_by_id: int
    logged_at: dt.datetime


# --- helpers ------------------------------------------------------------------------------------------------------


def _programme(person: Any, action: Action) -> Programme:
    """The current programme, else the latest active one in which the caller may do `action` (403 when none)."""
    programme = programme_for_action(person, action)
    if programme is None:
        raise NotFound(_("There is no active programme."))
    if not can(person, action, programme):
        raise Forbidden()
    return programme


def _reach_out(reach: selectors.Reach) -> ReachOut:
    person = reach.person
    institution = person.institution.short_name if person.institution_id and person.institution else None
    return ReachOut(
        person_id=person.pk,
        name=person.full_name,
        institution=institution,
        direct=reach.direct,
        total=reach.total,
        generations=reach.generations,
        certified=reach.certified,
        certified_share=reach.certified_share,
        regions=reach.regions,
        institutions=reach.institutions,
        median_days_to_certification=reach.median_days_to_certification,
    )


# --- endpoints ----------------------------------------------------------------------------------------------------


@router.get("/reach", response={200: list[ReachOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def cascade_reach(request: HttpRequest) -> list[ReachOut]:
    """The reach of every master teacher of the current programme, widest first (national admins)."""
    programme = _programme(caller(request), Action.CASCADE_NATIONAL_VIEW)
    return [_reach_out(row) for row in selectors.reach_by_master(programme=programme)]


@router.get("/regions", response={200: list[RegionRowOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def cascade_regions(request: HttpRequest) -> list[RegionRowOut]:
    """One row per region: educators, people reached, active trainers and gaps (national admins and
    ministry viewers; for the ministry, counts of 1 to 4 people are null and the row is flagged)."""
    person = caller(request)
    programme = _programme(person, Action.CASCADE_AGGREGATES_VIEW)
    suppress = not can(person, Action.CASCADE_NATIONAL_VIEW, programme)
    rows = []
    for row in selectors.region_table(programme=programme):
        counts: dict[str, int | None] = {
            "teachers": row.teachers,
            "reached": row.reached,
            "active_trainers": row.active_trainers,
        }
        hidden = suppress and any(small(value) for value in counts.values() if value is not None)
        if suppress:
            counts = {key: None if value is not None and small(value) else value for key, value in counts.items()}
        share = row.reached_share if counts["teachers"] is not None and counts["reached"] is not None else None
        rows.append(
            RegionRowOut(
                iso_code=row.region.iso_code,
                name=str(row.region.name),
                institutions=row.institutions,
                teachers=counts["teachers"],
                reached=counts["reached"],
                reached_share=share,
                active_trainers=counts["active_trainers"],
                institutions_without_trainer=row.institutions_without_trainer,
                gap=row.gap,
                suppressed=hidden,
            )
        )
    return rows


@router.get("/trainers/{person_id}", response={200: TrainerOut, 401: ErrorOut, 404: ErrorOut})
def cascade_trainer(request: HttpRequest, person_id: Id) -> TrainerOut:
    """One trainer's reach and the people they trained directly: for national admins, the coordinator
    of the trainer's institution and the trainer. Anyone else gets 404."""
    viewer = caller(request)
    programme = programme_for(viewer)
    person = Person.objects.select_related("institution").filter(pk=person_id, is_active=True).first()
    if programme is None or person is None or not may_view_trainer(viewer, programme, person):
        raise NotFound()
    reach = selectors.reach_of(programme=programme, person=person)
    trainees = direct_trainees(programme=programme, person=person)
    in_lineage = LineageNode.objects.filter(programme=programme, person=person).exists()
    return TrainerOut(
        reach=_reach_out(reach),
        in_lineage=in_lineage,
        trainees=[
            TraineeOut(
                person_id=trainee.person.pk,
                name=trainee.person.full_name,
                institution=trainee.person.institution.short_name if trainee.person.institution else None,
                trained_at=trainee.trained_at,
                source=trainee.source,
                certified=trainee.certified,
                reach=trainee.reach,
            )
            for trainee in trainees
        ],
    )


@router.get("/mentoring/pairs", response={200: list[PairOut], 401: ErrorOut})
def mentoring_pairs(request: HttpRequest) -> list[PairOut]:
    """The caller's mentoring pairs, as mentor or mentee, current ones first."""
    person = caller(request)
    mine = MentorAssignment.objects.filter(Q(mentor=person) | Q(mentee=person)).select_related("mentor", "mentee")
    rows = sorted(mine, key=lambda pair: (pair.ended_at is not None, -pair.started_at.timestamp(), pair.pk))
    counts = dict(
        MentoringSession.objects.filter(assignment__in=[pair.pk for pair in rows])
        .values_list("assignment_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        PairOut(
            id=pair.pk,
            programme_id=pair.programme_id,
            mentor_id=pair.mentor_id,
            mentor_name=pair.mentor.full_name,
            mentee_id=pair.mentee_id,
            mentee_name=pair.mentee.full_name,
            role="mentor" if pair.mentor_id == person.pk else "mentee",
            started_at=pair.started_at,
            ended_at=pair.ended_at,
            sessions=counts.get(pair.pk, 0),
        )
        for pair in rows
    ]


@router.post(
    "/mentoring/pairs/{pk}/sessions",
    response={201: SessionOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def mentoring_session_create(request: HttpRequest, pk: Id, body: SessionIn) -> Status:
    """Log a session of a current pair (its mentor or mentee). A refusal comes back as 400 with the reason."""
    person = cast(Person, caller(request))
    pair = MentorAssignment.objects.select_related("mentor", "mentee").filter(pk=pk).first()
    if pair is None or not can(person, Action.MENTORING_PAIR_VIEW, pair):
        raise NotFound()
    if person.pk not in (pair.mentor_id, pair.mentee_id) or not can(person, Action.MENTORING_SESSION_LOG, pair):
        raise Forbidden(_("Only the mentor and the mentee of a current pair log its sessions."))
    try:
        session = session_log(
            pair=pair,
            by=person,
            held_on=body.held_on,
            mode=body.mode,
            topics=body.topics,
            notes=body.notes,
            minutes=body.minutes,
        )
    except CascadeError as error:
        raise BadRequest(error.message) from error
    return Status(
        201,
        SessionOut(
            id=session.pk,
            pair_id=pair.pk,
            held_on=session.held_on,
            mode=session.mode,
            minutes=session.minutes,
            topics=session.topics,
            notes=session.notes,
            logged_by_id=session.logged_by_id,
            logged_at=session.logged_at,
        ),
    )
