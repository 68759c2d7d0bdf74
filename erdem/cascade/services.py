"""Writes of the cascade: appointments and their terms, nominations, the lineage, mentoring.

Every function is keyword-only and raises `CascadeError` with a message for the person who asked,
in their language. The lineage is kept as a materialised path per person (docs/decisions/0016):
attaching a person below a trainer is refused when the trainer is the person or one of the
person's own descendants (a cycle), and moving a person moves their whole branch in one UPDATE.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from erdem.access.models import Role, RoleAssignment
from erdem.access.policy import forget_grants
from erdem.audit.models import AuditAction
from erdem.audit.services import audit_record
from erdem.cascade.models import (
    Appointment,
    LineageNode,
    MentorAssignment,
    MentoringFeedback,
    MentoringSession,
    Nomination,
    Tier,
)
from erdem.people.models import Person
from erdem.programmes.models import Programme

TIER_ROLES = {Tier.MASTER_TEACHER: Role.MASTER_TEACHER, Tier.REGIONAL_TRAINER: Role.TRAINER, Tier.MENTOR: Role.MENTOR}
REASON_MAX_LENGTH = 2000


class CascadeError(Exception):
    """A refusal to show to the person who asked, in their language."""

    def __init__(self, message: str, *, field: str | None = None, details: list[Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details or []


def _text(value: str, *, required: bool, what: str) -> str:
    value = value.strip()
    if required and not value:
        raise CascadeError(_("Please give %(what)s.") % {"what": what}, field="reason")
    if len(value) > REASON_MAX_LENGTH:
        raise CascadeError(_("Please keep it to %(limit)s characters.") % {"limit": REASON_MAX_LENGTH})
    return value


# --- the lineage -------------------------------------------------------------------------------------------------


def _path_of(node: LineageNode | None, person_id: int) -> str:
    return f"{node.path if node else '/'}{person_id}/"


def lineage_attach(
    *,
    programme: Programme,
    person: Person,
    trainer: Person | None,
    source: str,
    at: dt.datetime | None = None,
    workshop: Any = None,
) -> LineageNode:
    """Place `person` below `trainer` (None: a root, for a master teacher). A person already placed keeps
    their place (the first training counts); use `lineage_move` to change it. Refuses a cycle."""
    existing = LineageNode.objects.filter(programme=programme, person=person).first()
    if existing is not None:
        return existing
    parent = None
    if trainer is not None:
        if trainer.pk == person.pk:
            raise CascadeError(_("Nobody can be their own trainer."))
        parent = LineageNode.objects.filter(programme=programme, person=trainer).first()
        if parent is None:
            raise CascadeError(
                _("%(trainer)s is not in the cascade yet: place them first.") % {"trainer": trainer.full_name}
            )
    node = LineageNode(
        programme=programme,
        person=person,
        trainer=trainer,
        root_id=parent.root_id if parent is not None else person.pk,
        depth=parent.depth + 1 if parent is not None else 0,
        path=_path_of(parent, person.pk),
        source=source,
        workshop=workshop,
        trained_at=at or timezone.now(),
    )
    try:
        with transaction.atomic():
            node.save()
    except IntegrityError:
        return LineageNode.objects.get(programme=programme, person=person)
    return node


def lineage_move(*, programme: Programme, person: Person, trainer: Person | None) -> LineageNode:
    """Give `person` another trainer; their whole branch moves with them. A trainer inside the branch
    (A trained B trained A) is refused."""
    with transaction.atomic():
        node = LineageNode.objects.select_for_update().get(programme=programme, person=person)
        parent = None
        if trainer is not None:
            parent = LineageNode.objects.filter(programme=programme, person=trainer).first()
            if parent is None:
                raise CascadeError(
                    _("%(trainer)s is not in the cascade yet: place them first.") % {"trainer": trainer.full_name}
                )
            if parent.path.startswith(node.path):
                raise CascadeError(
                    _(
                        "%(trainer)s was trained, directly or through others, by %(person)s: the cascade "
                        "cannot go round in a circle."
                    )
                    % {"trainer": trainer.full_name, "person": person.full_name}
                )
        old_path, new_path = node.path, _path_of(parent, person.pk)
        depth_change = (parent.depth + 1 if parent else 0) - node.depth
        root_id = parent.root_id if parent is not None else person.pk
        branch = LineageNode.objects.filter(programme=programme, path__startswith=old_path)
        branch.update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + depth_change,
            root_id=root_id,
        )
        LineageNode.objects.filter(pk=node.pk).update(trainer=trainer, source=LineageNode.Source.MANUAL)
        node.refresh_from_db()
    return node


# --- appointments --------------------------------------------------------------------------------------------------


def prerequisite_label(check: dict[str, Any]) -> str:
    """A check's requirement in the reader's language (stored as a code, so a record reads in either language);
    an override's label is the reason as written."""
    from erdem.credentials.models import Achievement

    labels: dict[str, str] = {
        Achievement.Kind.TRAINER_CERTIFICATION: _("a trainer certification of the programme"),
        Achievement.Kind.MICRO_CERTIFICATE: _("a micro-certificate of the programme"),
    }
    return labels.get(str(check.get("requirement", "")), str(check.get("label", "")))


def appointment_prerequisites(*, programme: Programme, person: Person, tier: str) -> list[dict[str, Any]]:
    """What an appointment to `tier` requires of `person`, each with whether it is met: a master teacher
    holds a trainer certification; a regional trainer and a mentor hold a micro-certificate of the programme."""
    from erdem.credentials.models import Achievement, Credential

    kind = Achievement.Kind.TRAINER_CERTIFICATION if tier == Tier.MASTER_TEACHER else Achievement.Kind.MICRO_CERTIFICATE
    held = Credential.objects.filter(
        person=person,
        achievement__programme=programme,
        achievement__kind=kind,
        status=Credential.Status.ACTIVE,
    ).exists()
    check = {"requirement": kind, "met": held}
    return [check | {"label": prerequisite_label(check)}]


def appointment_create(
    *,
    programme: Programme,
    person: Person,
    tier: str,
    starts_on: dt.date,
    term_ends_on: dt.date,
    appointed_by: Person | None,
    regions: Iterable[Any] = (),
    institutions: Iterable[Any] = (),
    courses: Iterable[Any] = (),
    mentee_capacity: int = 8,
    reason: str = "",
    override_reason: str = "",
    nomination: Nomination | None = None,
    trained_by: Person | None = None,
) -> Appointment:
    """Appoint `person`. Refused when a prerequisite is not met, unless the national centre gives a reason
    to appoint anyway (recorded with the checks). Grants the matching role and places the person in the
    lineage (a master teacher as a root, others below `trained_by` when given)."""
    if tier not in Tier.values:
        raise CascadeError(_("Choose the tier."), field="tier")
    if term_ends_on <= starts_on:
        raise CascadeError(_("The term must end after it starts."), field="term_ends_on")
    reason = _text(reason, required=False, what=_("a reason"))
    override_reason = _text(override_reason, required=False, what=_("a reason"))
    checks = appointment_prerequisites(programme=programme, person=person, tier=tier)
    missing = [check for check in checks if not check["met"]]
    if missing and not override_reason:
        raise CascadeError(
            _("The prerequisites are not met (%(person)s). Missing: %(missing)s.")
            % {"person": person.full_name, "missing": "; ".join(prerequisite_label(check) for check in missing)},
            field="person",
            details=missing,
        )
    if override_reason:
        checks.append({"requirement": "override", "label": override_reason, "met": bool(missing)})
    regions, institutions, courses = list(regions), list(institutions), list(courses)
    with transaction.atomic():
        if Appointment.objects.filter(person=person, programme=programme, tier=tier, ended_at__isnull=True).exists():
            raise CascadeError(
                _("%(person)s already holds a current appointment of this tier.") % {"person": person.full_name}
            )
        # A role granted before the cascade was recorded (by the role pages) becomes this appointment's.
        scope = {"region": regions[0] if len(regions) == 1 and tier != Tier.MASTER_TEACHER else None}
        role = (
            RoleAssignment.objects.current()
            .filter(person=person, role=TIER_ROLES[Tier(tier)], programme=programme, institution=None, **scope)
            .filter(appointment__isnull=True)
            .first()
        )
        if role is None:
            role = RoleAssignment.objects.create(
                person=person, role=TIER_ROLES[Tier(tier)], programme=programme, granted_by=appointed_by, **scope
            )
            audit_record(
                action=AuditAction.ROLE_GRANT,
                actor=appointed_by,
                subject=person,
                target=role,
                summary=f"Role {role.role} granted by an appointment ({tier})",
                details={"role": role.role, "programme": programme.pk, "region": role.region_id, "tier": tier},
            )
        appointment = Appointment.objects.create(
            person=person,
            programme=programme,
            tier=tier,
            starts_on=starts_on,
            term_ends_on=term_ends_on,
            mentee_capacity=mentee_capacity,
            prerequisites=checks,
            reason=reason,
            appointed_by=appointed_by,
            nomination=nomination,
            role_assignment=role,
        )
        appointment.regions.set(regions)
        appointment.institutions.set(institutions)
        appointment.courses.set(courses)
        if tier == Tier.MASTER_TEACHER:
            lineage_attach(programme=programme, person=person, trainer=None, source=LineageNode.Source.APPOINTMENT)
        elif trained_by is not None:
            lineage_attach(programme=programme, person=person, trainer=trained_by, source=LineageNode.Source.MANUAL)
    forget_grants(person)
    return appointment


def appointment_end(
    *,
    appointment: Appointment,
    actor: Person | None,
    reason: str,
    reassign_to: dict[int, Person] | None = None,
) -> Appointment:
    """End a term (and its role). A mentor with current mentees must have each one reassigned: without
    `reassign_to` ({mentee id: new mentor}) the call is refused and lists them; nothing is lost — sessions
    stay with the old pair, which is ended, not deleted."""
    reason = _text(reason, required=True, what=_("a reason"))
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.ended_at is not None:
            raise CascadeError(_("This appointment has already ended."))
        pairs = list(
            MentorAssignment.objects.filter(
                programme=locked.programme, mentor=locked.person, ended_at__isnull=True
            ).select_related("mentee")
        )
        if pairs and locked.tier == Tier.MENTOR:
            unassigned = [pair.mentee for pair in pairs if pair.mentee_id not in (reassign_to or {})]
            if unassigned:
                raise CascadeError(
                    _("%(count)s mentees still have this mentor: choose a new mentor for each first.")
                    % {"count": len(unassigned)},
                    details=unassigned,
                )
            for pair in pairs:
                mentor_assign(
                    programme=locked.programme,
                    mentor=(reassign_to or {})[pair.mentee_id],
                    mentee=pair.mentee,
                    actor=actor,
                    reason=_("Reassigned: the previous mentor's term ended."),
                )
        now = timezone.now()
        locked.ended_at, locked.end_reason = now, reason
        locked.save(update_fields=["ended_at", "end_reason"])
        if RoleAssignment.objects.filter(pk=locked.role_assignment_id, ended_at__isnull=True).update(ended_at=now):
            audit_record(
                action=AuditAction.ROLE_END,
                actor=actor,
                subject=locked.person_id,
                target=f"access.roleassignment:{locked.role_assignment_id}",
                summary=f"Role ended with the appointment ({locked.tier})",
                details={"tier": locked.tier, "programme": locked.programme_id, "reason": reason},
            )
    forget_grants(locked.person)
    return locked


# --- nominations --------------------------------------------------------------------------------------------------


def nomination_create(
    *, programme: Programme, nominee: Person, nominated_by: Person, statement: str, regions: Iterable[Any] = ()
) -> Nomination:
    statement = _text(statement, required=True, what=_("why you nominate this person"))
    if nominee.pk == nominated_by.pk:
        raise CascadeError(_("You cannot nominate yourself."), field="nominee")
    trains = (
        Appointment.objects.filter(
            programme=programme,
            person=nominee,
            tier__in=[Tier.MASTER_TEACHER, Tier.REGIONAL_TRAINER],
            ended_at__isnull=True,
        )
        .values_list("tier", flat=True)
        .first()
    )
    if trains is not None:
        raise CascadeError(
            _("%(person)s is already a trainer of the programme (%(tier)s).")
            % {"person": nominee.full_name, "tier": Tier(trains).label},
            field="nominee",
        )
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                programme=programme, nominee=nominee, nominated_by=nominated_by, statement=statement
            )
            nomination.regions.set(list(regions))
    except IntegrityError as exc:
        raise CascadeError(
            _("%(person)s is already nominated and waiting for a decision.") % {"person": nominee.full_name},
            field="nominee",
        ) from exc
    return nomination


def nomination_decide(
    *,
    nomination: Nomination,
    actor: Person,
    approve: bool,
    reason: str,
    term_ends_on: dt.date | None = None,
    override_reason: str = "",
) -> Nomination:
    """Approve (appointing the nominee as a regional trainer, trained by the nominator) or decline, with a reason."""
    reason = _text(reason, required=not approve, what=_("a reason"))
    with transaction.atomic():
        locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if locked.status != Nomination.Status.PENDING:
            raise CascadeError(_("This nomination has already been decided."))
        if approve:
            today = timezone.localdate()
            # A nomination names the regions to train in; without them, the nominator's, else where the
            # nominee works: a regional trainer always covers a region.
            regions = list(locked.regions.all())
            if not regions:
                nominator = Appointment.objects.filter(
                    programme=locked.programme, person=locked.nominated_by, ended_at__isnull=True
                ).first()
                regions = list(nominator.regions.all()) if nominator is not None else []
            if not regions and locked.nominee.institution is not None:
                regions = [locked.nominee.institution.region]
            appointment_create(
                programme=locked.programme,
                person=locked.nominee,
                tier=locked.tier,
                starts_on=today,
                term_ends_on=term_ends_on or today.replace(year=today.year + 2),
                appointed_by=actor,
                regions=regions,
                reason=reason,
                override_reason=override_reason,
                nomination=locked,
                trained_by=locked.nominated_by,
            )
        locked.status = Nomination.Status.APPROVED if approve else Nomination.Status.DECLINED
        locked.decided_by, locked.decided_at, locked.decision_reason = actor, timezone.now(), reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    return locked


# --- mentoring ---------------------------------------------------------------------------------------------------


def mentor_capacity_left(*, programme: Programme, mentor: Person) -> int:
    appointment = Appointment.objects.filter(
        programme=programme, person=mentor, tier=Tier.MENTOR, ended_at__isnull=True
    ).first()
    if appointment is None:
        return 0
    taken = MentorAssignment.objects.filter(programme=programme, mentor=mentor, ended_at__isnull=True).count()
    return appointment.mentee_capacity - taken


def mentor_assign(
    *, programme: Programme, mentor: Person, mentee: Person, actor: Person | None, reason: str = ""
) -> MentorAssignment:
    """Pair `mentee` with `mentor` (ending the mentee's current pair, if any). The mentor must hold a current
    mentor appointment with room left; the mentee joins the lineage below the mentor if not placed yet."""
    reason = _text(reason, required=False, what=_("a reason"))
    if mentor.pk == mentee.pk:
        raise CascadeError(_("Nobody can mentor themselves."), field="mentor")
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update()
            .filter(programme=programme, person=mentor, tier=Tier.MENTOR, ended_at__isnull=True)
            .first()
        )
        if appointment is None:
            raise CascadeError(
                _("%(mentor)s is not a mentor of the programme.") % {"mentor": mentor.full_name}, field="mentor"
            )
        current = MentorAssignment.objects.filter(programme=programme, mentee=mentee, ended_at__isnull=True).first()
        if current is not None and current.mentor_id == mentor.pk:
            return current
        taken = MentorAssignment.objects.filter(programme=programme, mentor=mentor, ended_at__isnull=True).count()
        if taken >= appointment.mentee_capacity:
            raise CascadeError(
                _("%(mentor)s already mentors %(count)s people, their capacity. Choose another mentor.")
                % {"mentor": mentor.full_name, "count": taken},
                field="mentor",
            )
        if current is not None:
            MentorAssignment.objects.filter(pk=current.pk).update(ended_at=timezone.now())
        pair = MentorAssignment.objects.create(
            programme=programme, mentor=mentor, mentee=mentee, assigned_by=actor, reason=reason
        )
        if LineageNode.objects.filter(programme=programme, person=mentor).exists():
            lineage_attach(programme=programme, person=mentee, trainer=mentor, source=LineageNode.Source.MENTORING)
    return pair


def mentor_unassign(*, pair: MentorAssignment) -> None:
    MentorAssignment.objects.filter(pk=pair.pk, ended_at__isnull=True).update(ended_at=timezone.now())


def session_log(
    *,
    pair: MentorAssignment,
    by: Person,
    held_on: dt.date,
    mode: str,
    topics: str,
    notes: str = "",
    minutes: int = 60,
) -> MentoringSession:
    if by.pk not in (pair.mentor_id, pair.mentee_id):
        raise CascadeError(_("Only the mentor and the mentee log their sessions."))
    if held_on > timezone.localdate():
        raise CascadeError(
            _("A session is logged once it has taken place: the date is in the future."), field="held_on"
        )
    if held_on < timezone.localtime(pair.started_at).date():
        raise CascadeError(_("The date is before this mentoring began."), field="held_on")
    if mode not in MentoringSession.Mode.values:
        raise CascadeError(_("Choose how you met."), field="mode")
    topics = _text(topics, required=True, what=_("the topics"))[:300]
    notes = _text(notes, required=False, what=_("notes"))
    return MentoringSession.objects.create(
        assignment=pair, held_on=held_on, mode=mode, minutes=minutes, topics=topics, notes=notes, logged_by=by
    )


def mentoring_feedback_submit(
    *, pair: MentorAssignment, by: Person, rating: int, comment: str = ""
) -> MentoringFeedback:
    if by.pk != pair.mentee_id:
        raise CascadeError(_("Only the mentee gives feedback on their mentoring."))
    if not 1 <= rating <= 5:
        raise CascadeError(_("Choose from 1 to 5."), field="rating")
    comment = _text(comment, required=False, what=_("a comment"))
    feedback, _created = MentoringFeedback.objects.update_or_create(
        assignment=pair, defaults={"rating": rating, "comment": comment, "submitted_at": timezone.now()}
    )
    return feedback


# --- lineage from records ----------------------------------------------------------------------------------------

LINEAGE_BATCH = 2000
_ATTENDED = ("present", "late")


_Parent = tuple[int | None, str, int | None, dt.datetime]  # trainer (None: a root), source, workshop, trained at


def _lineage_parents(*, programme: Programme) -> tuple[dict[int, _Parent], set[int], int]:
    """Who trained whom, read from the records: {person: (trainer, source, workshop, trained at)}, the
    regional trainers among them, and how many regional trainers no master teacher could be found for."""
    from erdem.workshops.models import Attendance, Workshop

    # Every appointment ever made, ended ones too: whom a master teacher trained stays true after their term.
    current = Appointment.objects.filter(programme=programme)

    def day_start(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    parents: dict[int, _Parent] = {}
    for person_id, starts_on in (
        current.filter(tier=Tier.MASTER_TEACHER).order_by("starts_on", "pk").values_list("person_id", "starts_on")
    ):
        parents.setdefault(person_id, (None, LineageNode.Source.APPOINTMENT, None, day_start(starts_on)))
    masters = set(parents)
    # A trainer chosen by the national centre (lineage_move, an approved nomination) is kept over the
    # records, except for a master teacher, who is a root.
    manual: dict[int, _Parent] = {
        person_id: (trainer_id, LineageNode.Source.MANUAL, workshop_id, trained_at)
        for person_id, trainer_id, workshop_id, trained_at in LineageNode.objects.filter(
            programme=programme, source=LineageNode.Source.MANUAL, trainer__isnull=False
        ).values_list("person_id", "trainer_id", "workshop_id", "trained_at")
        if person_id not in masters and trainer_id != person_id
    }

    trainers_of: dict[int, list[int]] = {}  # workshop: its trainers, lowest id first
    for workshop_id, trainer_id in (
        Workshop.trainers.through.objects.filter(workshop__programme=programme)
        .order_by("workshop_id", "person_id")
        .values_list("workshop_id", "person_id")
    ):
        trainers_of.setdefault(workshop_id, []).append(trainer_id)
    attended: dict[int, list[tuple[int, dt.datetime]]] = {}  # person: workshops with trainers, earliest first
    for person_id, workshop_id, starts_at in (
        Attendance.objects.filter(workshop__programme=programme, status__in=_ATTENDED)
        .order_by("workshop__starts_at", "workshop_id")
        .values_list("person_id", "workshop_id", "workshop__starts_at")
    ):
        if workshop_id in trainers_of and person_id not in trainers_of[workshop_id]:
            attended.setdefault(person_id, []).append((workshop_id, starts_at))

    def led_by_master(workshops: list[tuple[int, dt.datetime]]) -> _Parent | None:
        for workshop_id, starts_at in workshops:
            led_by = [trainer for trainer in trainers_of[workshop_id] if trainer in masters]
            if led_by:
                return (led_by[0], LineageNode.Source.WORKSHOP, workshop_id, starts_at)
        return None

    left_out: set[int] = set()
    for person_id, starts_on, appointed_by, nominated_by in (
        current.filter(tier=Tier.REGIONAL_TRAINER)
        .order_by("starts_on", "pk")
        .values_list("person_id", "starts_on", "appointed_by_id", "nomination__nominated_by_id")
    ):
        if person_id in parents:
            continue
        placed = manual.get(person_id) or led_by_master(attended.get(person_id, []))
        if placed is None:
            known = next((p for p in (appointed_by, nominated_by) if p in masters and p != person_id), None)
            if known is not None:
                placed = (known, LineageNode.Source.APPOINTMENT, None, day_start(starts_on))
        if placed is None:
            left_out.add(person_id)
        else:
            parents[person_id] = placed
    trainers = set(parents) - masters

    for person_id, found in manual.items():
        if person_id not in left_out:
            parents.setdefault(person_id, found)
    for person_id, workshops in attended.items():
        if person_id not in parents and person_id not in left_out:
            workshop_id, starts_at = workshops[0]
            parents[person_id] = (trainers_of[workshop_id][0], LineageNode.Source.WORKSHOP, workshop_id, starts_at)
    from erdem.learning.models import Enrolment

    # Else the trainer of the person's first cohort (lowest id), then their current mentor.
    for person_id, trainer_id, enrolled_at in (
        Enrolment.objects.filter(cohort__programme=programme, cohort__trainers__isnull=False)
        .order_by("enrolled_at", "pk", "cohort__trainers")
        .values_list("person_id", "cohort__trainers", "enrolled_at")
    ):
        if person_id not in parents and person_id not in left_out and trainer_id != person_id:
            parents[person_id] = (trainer_id, LineageNode.Source.WORKSHOP, None, enrolled_at)
    for mentee_id, mentor_id, started_at in MentorAssignment.objects.filter(
        programme=programme, ended_at__isnull=True
    ).values_list("mentee_id", "mentor_id", "started_at"):
        if mentee_id not in left_out:
            parents.setdefault(mentee_id, (mentor_id, LineageNode.Source.MENTORING, None, started_at))
    return parents, trainers, len(left_out)


def lineage_build(*, programme: Programme, dry_run: bool = False) -> dict[str, int]:
    """(Re)build the lineage of `programme` from its records, in bulk; running it again changes nothing.

    Master teachers (every appointment, ended ones too) are the roots. A regional trainer goes below the
    master teacher who led the earliest workshop they attended (present or late), else below the master
    teacher who appointed or nominated them; with neither they are left out (counted). Everyone else goes
    below the first trainer (lowest id) of the earliest workshop they attended, else below the trainer of
    their first cohort, else below their current mentor. A trainer set by the national centre (source
    "manual") is kept. People whose chain of trainers does not reach a master teacher are left out, and a
    chain that goes round in a circle is refused (both counted). Nodes no record supports any more are
    removed.

    Returns the counts: roots, trainers, others (placed), trainers_left_out, unplaced, cycles, created,
    updated, unchanged, removed."""
    parents, trainers, trainers_left_out = _lineage_parents(programme=programme)
    children: dict[int, list[int]] = {}
    roots = []
    for person_id, (trainer_id, _source, _workshop, _at) in parents.items():
        if trainer_id is None:
            roots.append(person_id)
        else:
            children.setdefault(trainer_id, []).append(person_id)
    # Paths from the roots down (breadth first): whoever is not reached has no chain to a master teacher.
    placed: dict[int, tuple[int, str, int]] = {}  # person: (root, path, depth)
    path_limit = LineageNode._meta.get_field("path").max_length or 400
    queue = [(root, root, f"/{root}/", 0) for root in sorted(roots)]
    while queue:
        person_id, root_id, path, depth = queue.pop()
        if person_id in placed or len(path) > path_limit:  # too deep to store: left out
            continue
        placed[person_id] = (root_id, path, depth)
        for child in sorted(children.get(person_id, ()), reverse=True):
            queue.append((child, root_id, f"{path}{child}/", depth + 1))
    cycles = 0
    for person_id in parents.keys() - placed.keys():
        seen: set[int] = set()
        current: int | None = person_id
        while current is not None and current in parents and current not in seen and current not in placed:
            seen.add(current)
            current = parents[current][0]
        cycles += current in seen
    unplaced = len(parents) - len(placed) - cycles

    wanted = {
        person_id: LineageNode(
            programme=programme,
            person_id=person_id,
            trainer_id=parents[person_id][0],
            root_id=root_id,
            depth=depth,
            path=path,
            source=parents[person_id][1],
            workshop_id=parents[person_id][2],
            trained_at=parents[person_id][3],
        )
        for person_id, (root_id, path, depth) in placed.items()
    }
    fields = ("trainer_id", "root_id", "depth", "path", "source", "workshop_id", "trained_at")
    existing = {
        node.person_id: node
        for node in LineageNode.objects.filter(programme=programme).only(
            "person", "trainer", "root", "depth", "path", "source", "workshop", "trained_at"
        )
    }
    changed = []
    for person_id, node in existing.items():
        target = wanted.get(person_id)
        if target is not None and any(getattr(node, name) != getattr(target, name) for name in fields):
            for name in fields:
                setattr(node, name, getattr(target, name))
            changed.append(node)
    new = [node for person_id, node in wanted.items() if person_id not in existing]
    gone = [node.pk for person_id, node in existing.items() if person_id not in wanted]
    if not dry_run:
        with transaction.atomic():
            for start in range(0, len(gone), LINEAGE_BATCH):
                LineageNode.objects.filter(pk__in=gone[start : start + LINEAGE_BATCH]).delete()
            LineageNode.objects.bulk_update(
                changed,
                ["trainer", "root", "depth", "path", "source", "workshop", "trained_at"],
                batch_size=LINEAGE_BATCH,
            )
            LineageNode.objects.bulk_create(new, batch_size=LINEAGE_BATCH)
    masters = len(roots)
    trainer_count = len(trainers & placed.keys())
    return {
        "roots": masters,
        "trainers": trainer_count,
        "others": len(placed) - masters - trainer_count,
        "trainers_left_out": trainers_left_out,
        "unplaced": unplaced,
        "cycles": cycles,
        "created": len(new),
        "updated": len(changed),
        "unchanged": len(existing) - len(changed) - len(gone),
        "removed": len(gone),
    }
