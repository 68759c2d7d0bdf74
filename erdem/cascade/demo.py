"""The demo step for the cascade: appointments, the lineage, mentoring pairs and nominations.

Runs last, after the credentials, and derives everything from the records already in the database.

Appointments. The people step already gave the master teachers, regional trainers and mentors their
`RoleAssignment`s (with the APPOINTED_ON dates the other demo figures and tests rely on). The
appointment service creates a role of its own, so the appointments are written here directly, each
linked to the person's existing role (`Appointment.role_assignment`): one role per appointment, as the
service would leave it, and no role added or removed. Their prerequisites are checked with
`appointment_prerequisites`, exactly as the service records them. The first regional trainers and
mentors were appointed before the micro-certificate existed, so most do not hold it: their appointment
records the unmet check and the national centre's reason (as `appointment_create` does with
`override_reason`). Terms last two years from APPOINTED_ON and were renewed for two more when they ran
out before the day the demo is loaded, so that the cascade is current.

Scope and gaps. A regional trainer's appointment names the region of their role, a mentor's their
institution, and a master teacher's the regions of the trainers in their branch. In a few small aimags,
away from the demo logins, the trainers have left (their appointments ended through `appointment_end`,
dated in the past) and no master teacher answers for the aimag: the regions page shows it without an
active trainer. Their workshops after they left are led by the nearest master teacher.

The lineage: master teachers at the roots; each regional trainer below the master teacher nearest to
their region (4–5 each at the default size); each other educator below the trainer of the earliest
workshop they attended, else their cohort's trainer, else their mentor. Mentors without any of these
are placed below a trainer of their region by the national centre. Written in bulk, paths computed
from the parent's path as `lineage_attach` does; `lineage_build` finds the same lineage from the records,
except for the few placed below their cohort's trainer, which it does not read.

Mentoring: each mentor with 3 to 8 colleagues of their institution (or region), 0 to 6 sessions each
over the past months, and feedback from some mentees. Nominations: a few trainers nominated people they
trained; most wait for a decision, some were declined (`nomination_create`, `nomination_decide`).
"""

import datetime as dt
import math
import random
import zoneinfo
from collections import defaultdict
from typing import TYPE_CHECKING

from django.utils import timezone, translation

from erdem.access.models import Role, RoleAssignment
from erdem.cascade.models import (
    Appointment,
    LineageNode,
    MentorAssignment,
    MentoringFeedback,
    MentoringSession,
    Nomination,
    Tier,
)
from erdem.cascade.services import (
    TIER_ROLES,
    appointment_end,
    appointment_prerequisites,
    nomination_create,
    nomination_decide,
)
from erdem.learning.models import Cohort, Enrolment
from erdem.organisations.models import Region
from erdem.people.models import Person
from erdem.workshops.models import Attendance, AttendanceStatus, Workshop

if TYPE_CHECKING:
    from erdem.demo.services import DemoRun

_LOCAL = zoneinfo.ZoneInfo("Asia/Ulaanbaatar")
TERM_YEARS = 2
MENTEE_CAPACITY = 8
MENTEES = (3, 8)
SESSIONS = (0, 6)
GAP_REGIONS = 3  # at most, at the default size

FIRST_TRAINERS_REASON = "Анхны сургагч багш нар: бичил гэрчилгээ гарахаас өмнө томилогдсон"
MASTER_REASON = "Үндэсний төвийн сургагч багш бэлтгэх сургалтыг дүүргэсэн тул мастер багшаар томилов."
TRAINER_REASON = "Аймаг, нийслэлд хөтөлбөрийн сургалтыг удирдан явуулах сургагч багшаар томилов."
MENTOR_REASON = "Хамт олондоо хиймэл оюуны хэрэглээгээр зөвлөх багшаар томилов."
RENEWED = "Хоёр жилийн хугацаа дуусахад дахин хоёр жилээр сунгасан."
END_REASONS = (
    "Өөр байгууллагад ажилд шилжсэн тул томилгоо дуусгавар болов.",
    "Тэтгэвэрт гарсан тул томилгоо дуусгавар болов.",
    "Өөрийн хүсэлтээр сургагч багшийн үүргээс чөлөөлөгдсөн.",
)
TRAINERS_PLACED = "Үндэсний төв сургагч багшийг ойр байрлах мастер багшийн салбарт хуваарилсан."

TOPICS = (
    "Промпт бичих дадлага, хичээлийн төлөвлөгөөнд хэрэглэх",
    "Оюутны бие даалтад хиймэл оюун ашиглах журам",
    "Эрдмийн шударга байдал: хуулбарыг хэрхэн илрүүлэх, урьдчилан сэргийлэх",
    "Цахим үнэлгээний даалгавар боловсруулах",
    "Лекцийн материалыг хиймэл оюунаар шинэчлэх",
    "Практик даалгаврын рубрик, санал өгөх",
    "Хиймэл оюуны хариултыг шалгах, эх сурвалж нягтлах",
    "Монгол хэл дээрх промпт ба орчуулгын асуудал",
    "Хамт олондоо туршлага хуваалцах семинар бэлтгэх",
    "Оюутан төвтэй хичээлийн үйл ажиллагаа төлөвлөх",
)
NOTES = (
    "Дараагийн уулзалтаар хичээлийн төлөвлөгөөний төслийг хамт үзэхээр тохиров.",
    "Даалгаврын рубрикийг засаж, оюутнуудад туршихаар болов.",
    "Промптын жишээнүүдийг хуваалцаж, хичээлдээ турших санал гаргав.",
    "Оюутны санал асуулгын дүнг дараагийн удаа ярилцана.",
)
FEEDBACK = {
    5: ("Маш их тус болсон, хичээлдээ шууд хэрэглэж байна.", "Зөвлөгөө бүр тодорхой, практик байсан."),
    4: ("Хэрэгтэй зөвлөгөө авсан, уулзалт арай цөөхөн байсан.", "Сайн байлаа, дахиад онлайнаар уулзмаар байна."),
    3: ("Зарим зөвлөгөө хэрэгтэй байсан, цаг олоход хэцүү байлаа.", ""),
    2: ("Уулзалт ховор байсан.", ""),
}
NOMINATION_STATEMENTS = (
    "Семинарт идэвхтэй оролцож, тэнхимийнхээ багш нарт хиймэл оюуны хэрэглээг заан туршлага хуваалцаж байна.",
    "Бичил гэрчилгээгээ амжилттай авч, сургуулийнхаа багш нарт сургалт зохион байгуулахад туслаж байгаа.",
    "Практик даалгавраа өндөр түвшинд гүйцэтгэсэн, бусдад зөвлөх чадвартай.",
)
DECLINE_REASON = "Энэ удаад аймагт сургагч багшийн орон тоо хүрэлцээтэй тул татгалзав; дараагийн шатанд дахин авч үзнэ."

# The aimag centres (and Ulaanbaatar), latitude and longitude, to place each trainer near a master teacher.
REGION_CENTRES: dict[str, tuple[float, float]] = {
    "MN-1": (47.92, 106.92),
    "MN-035": (49.03, 104.08),
    "MN-037": (49.47, 105.97),
    "MN-039": (47.32, 110.66),
    "MN-041": (49.64, 100.16),
    "MN-043": (48.01, 91.64),
    "MN-046": (49.98, 92.07),
    "MN-047": (47.71, 106.95),
    "MN-049": (50.23, 106.21),
    "MN-051": (46.68, 113.28),
    "MN-053": (43.57, 104.42),
    "MN-055": (46.27, 102.78),
    "MN-057": (47.74, 96.84),
    "MN-059": (45.76, 106.27),
    "MN-061": (48.07, 114.53),
    "MN-063": (44.89, 110.14),
    "MN-064": (46.36, 108.36),
    "MN-065": (46.37, 96.26),
    "MN-067": (48.81, 103.53),
    "MN-069": (46.19, 100.72),
    "MN-071": (48.97, 89.96),
    "MN-073": (47.47, 101.45),
}


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Kilometres along the ground, close enough to rank neighbours."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    x = (lon2 - lon1) * math.cos((lat1 + lat2) / 2)
    return 6371 * math.hypot(x, lat2 - lat1)


def _term_end(starts_on: dt.date, today: dt.date) -> tuple[dt.date, bool]:
    """Two years from the start, renewed for two more while that is already past."""
    years, renewed = TERM_YEARS, False
    while starts_on.replace(year=starts_on.year + years) < today:
        years, renewed = years + TERM_YEARS, True
    return starts_on.replace(year=starts_on.year + years), renewed


def demo_cascade_create(*, run: "DemoRun") -> None:
    from erdem.demo.services import APPOINTED_ON

    rng = random.Random(run.rng.random())  # noqa: S311 - demo data; its own stream
    programme = run.current_programme
    today = timezone.localdate()
    now = timezone.now()
    roles = list(
        RoleAssignment.objects.current()
        .filter(programme=programme, role__in=(Role.MASTER_TEACHER, Role.TRAINER, Role.MENTOR))
        .order_by("person_id", "role")
        .values_list("pk", "person_id", "role", "region_id", "institution_id", "person__institution__region_id")
    )
    if not roles:
        return
    regions = {region.pk: region for region in Region.objects.all()}
    centres = {pk: REGION_CENTRES.get(region.iso_code, REGION_CENTRES["MN-1"]) for pk, region in regions.items()}

    def centre(region_id: int | None) -> tuple[float, float]:
        return centres.get(region_id, REGION_CENTRES["MN-1"]) if region_id is not None else REGION_CENTRES["MN-1"]

    masters = [
        (pk, person, region or home) for pk, person, role, region, _i, home in roles if role == Role.MASTER_TEACHER
    ]
    trainers = [(pk, person, region or home) for pk, person, role, region, _i, home in roles if role == Role.TRAINER]
    mentors = [(pk, person, inst, home) for pk, person, role, _r, inst, home in roles if role == Role.MENTOR]
    logins = set(Person.objects.filter(email__in=run.logins.values()).values_list("pk", flat=True))

    # --- appointments, linked to the roles the people step created -------------------------------------------------
    people = Person.objects.in_bulk([person for _pk, person, *_rest in roles])
    appointments: list[Appointment] = []
    named_regions: list[tuple[int, int]] = []  # (appointment index, region)
    named_institutions: list[tuple[int, int]] = []
    with translation.override("mn"):
        for tier, group, reason in (
            (Tier.MASTER_TEACHER, masters, MASTER_REASON),
            (Tier.REGIONAL_TRAINER, trainers, TRAINER_REASON),
            (Tier.MENTOR, mentors, MENTOR_REASON),
        ):
            role = TIER_ROLES[tier]
            starts_on = APPOINTED_ON[role].date()
            term_ends_on, renewed = _term_end(starts_on, today)
            for role_pk, person_id, scope, *_rest in group:
                checks = appointment_prerequisites(programme=programme, person=people[person_id], tier=tier)
                if any(not check["met"] for check in checks):
                    checks.append({"requirement": "override", "label": FIRST_TRAINERS_REASON, "met": True})
                appointments.append(
                    Appointment(
                        person_id=person_id, programme=programme, tier=tier, starts_on=starts_on,
                        term_ends_on=term_ends_on, mentee_capacity=MENTEE_CAPACITY, prerequisites=checks,
                        reason=f"{reason} {RENEWED}" if renewed else reason, appointed_by=run.granted_by,
                        role_assignment_id=role_pk, created_at=APPOINTED_ON[role],
                    )
                )  # fmt: skip
                if tier == Tier.REGIONAL_TRAINER and scope is not None:
                    named_regions.append((len(appointments) - 1, scope))
                if tier == Tier.MENTOR and scope is not None:
                    named_institutions.append((len(appointments) - 1, scope))
    Appointment.objects.bulk_create(appointments)
    Appointment.regions.through.objects.bulk_create(
        Appointment.regions.through(appointment_id=appointments[i].pk, region_id=region) for i, region in named_regions
    )
    Appointment.institutions.through.objects.bulk_create(
        Appointment.institutions.through(appointment_id=appointments[i].pk, institution_id=institution)
        for i, institution in named_institutions
    )
    run.counts["appointments"] = len(appointments)

    # --- the lineage ---------------------------------------------------------------------------------------------
    nodes: dict[int, LineageNode] = {}

    def place(
        person_id: int, trainer_id: int | None, source: str, at: dt.datetime, workshop_id: int | None = None
    ) -> None:
        parent = nodes[trainer_id] if trainer_id is not None else None
        nodes[person_id] = LineageNode(
            programme=programme, person_id=person_id, trainer_id=trainer_id,
            root_id=parent.root_id if parent is not None else person_id,
            depth=parent.depth + 1 if parent is not None else 0,
            path=f"{parent.path if parent is not None else '/'}{person_id}/",
            source=source, workshop_id=workshop_id, trained_at=at,
        )  # fmt: skip

    for _pk, person_id, _region in masters:
        # From the start of the day the term began, as `lineage_build` dates the roots.
        starts = timezone.make_aware(dt.datetime.combine(APPOINTED_ON[Role.MASTER_TEACHER].date(), dt.time.min))
        place(person_id, None, LineageNode.Source.APPOINTMENT, starts)
    # Each trainer below the nearest master teacher with room, farthest-flung trainers first; every master
    # teacher takes `even` before any takes one more, so the branches differ by one trainer at most.
    even = len(trainers) // max(1, len(masters))
    below: dict[int, int] = defaultdict(int)

    def nearest_master(region_id: int | None, exclude: frozenset[int] | set[int] = frozenset()) -> int:
        here = centre(region_id)
        ranked = sorted(
            (m for m in masters if m[1] not in exclude),
            key=lambda m: (_distance(here, centre(m[2])), m[1]),
        )
        return ranked[0][1]

    def remoteness(trainer: tuple[int, int, int | None]) -> tuple[float, int]:
        here = centre(trainer[2])
        return (-min(_distance(here, centre(m[2])) for m in masters), trainer[1])

    for placed, (_pk, person_id, region_id) in enumerate(sorted(trainers, key=remoteness)):
        room = even if placed < even * len(masters) else even + 1
        master_id = nearest_master(region_id, {m[1] for m in masters if below[m[1]] >= room})
        below[master_id] += 1
        place(person_id, master_id, LineageNode.Source.MANUAL, APPOINTED_ON[Role.TRAINER])

    # Everyone else: the earliest workshop attended as a participant, else the cohort's trainer.
    leaders: dict[int, list[int]] = defaultdict(list)
    for workshop_id, person_id in (
        Workshop.trainers.through.objects.filter(workshop__programme=programme)
        .order_by("workshop_id", "person_id")
        .values_list("workshop_id", "person_id")
    ):
        leaders[workshop_id].append(person_id)
    first_workshop: dict[int, tuple[dt.datetime, int, int]] = {}
    for person_id, workshop_id, starts_at in (
        Attendance.objects.filter(
            workshop__programme=programme, status__in=(AttendanceStatus.PRESENT, AttendanceStatus.LATE)
        )
        .order_by("workshop__starts_at", "workshop_id")
        .values_list("person_id", "workshop_id", "workshop__starts_at")
    ):
        if person_id in first_workshop or person_id in nodes:
            continue
        trainer = next((t for t in leaders[workshop_id] if t != person_id and t in nodes), None)
        if trainer is not None:
            first_workshop[person_id] = (starts_at, workshop_id, trainer)
    for person_id, (starts_at, workshop_id, trainer) in sorted(first_workshop.items()):
        place(person_id, trainer, LineageNode.Source.WORKSHOP, starts_at, workshop_id)
    cohort_trainers: dict[int, list[int]] = defaultdict(list)
    for cohort_id, person_id in (
        Cohort.trainers.through.objects.filter(cohort__programme=programme)
        .order_by("cohort_id", "person_id")
        .values_list("cohort_id", "person_id")
    ):
        cohort_trainers[cohort_id].append(person_id)
    for person_id, cohort_id, enrolled_at in (
        Enrolment.objects.filter(cohort__programme=programme)
        .order_by("enrolled_at", "pk")
        .values_list("person_id", "cohort_id", "enrolled_at")
    ):
        if person_id in nodes:
            continue
        trainer = next((t for t in cohort_trainers[cohort_id] if t != person_id and t in nodes), None)
        if trainer is not None:
            place(person_id, trainer, LineageNode.Source.WORKSHOP, enrolled_at)
    # Mentors the records do not place: the national centre puts them below a trainer of their region.
    trainers_of_region: dict[int | None, list[int]] = defaultdict(list)
    for _pk, person_id, region_id in trainers:
        trainers_of_region[region_id].append(person_id)
    for _pk, person_id, _institution, region_id in mentors:
        if person_id not in nodes:
            local = trainers_of_region.get(region_id) or [nearest_master(region_id)]
            place(person_id, rng.choice(local), LineageNode.Source.MANUAL, APPOINTED_ON[Role.MENTOR])

    # --- mentoring -----------------------------------------------------------------------------------------------
    cascade_people = {person_id for _pk, person_id, *_rest in roles}
    staff = set(
        RoleAssignment.objects.filter(
            programme=programme, role__in=(Role.COORDINATOR, Role.NATIONAL_ADMIN, Role.MINISTRY_VIEWER)
        ).values_list("person_id", flat=True)
    )
    colleagues: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for person_id, institution_id, region_id in (
        RoleAssignment.objects.current()
        .filter(programme=programme, role=Role.EDUCATOR, person__email_confirmed_at__isnull=False)
        .order_by("person_id")
        .values_list("person_id", "person__institution_id", "person__institution__region_id")
    ):
        if person_id not in cascade_people and person_id not in staff and person_id not in logins:
            colleagues[("institution", institution_id)].append(person_id)
            colleagues[("region", region_id)].append(person_id)
    taken: set[int] = set()
    pairs: list[MentorAssignment] = []
    for _pk, mentor_id, institution_id, region_id in mentors:
        wanted = rng.randint(*MENTEES)
        chosen: list[int] = []
        for key in (("institution", institution_id), ("region", region_id)):
            pool = [p for p in colleagues.get(key, []) if p not in taken and p not in chosen]
            chosen += rng.sample(pool, min(len(pool), wanted - len(chosen)))
        for mentee_id in chosen:
            taken.add(mentee_id)
            started = now - dt.timedelta(days=rng.randint(45, 300), hours=rng.randint(0, 8))
            pairs.append(
                MentorAssignment(
                    programme=programme, mentor_id=mentor_id, mentee_id=mentee_id, assigned_by=run.granted_by,
                    started_at=started,
                )
            )  # fmt: skip
    MentorAssignment.objects.bulk_create(pairs)
    sessions: list[MentoringSession] = []
    feedback: list[MentoringFeedback] = []
    modes = (MentoringSession.Mode.IN_PERSON, MentoringSession.Mode.ONLINE, MentoringSession.Mode.PHONE)
    for pair in pairs:
        start = timezone.localtime(pair.started_at).date()
        span = (today - start).days
        held = sorted(rng.sample(range(span + 1), min(span + 1, rng.randint(*SESSIONS))))
        for offset in held:
            day = start + dt.timedelta(days=offset)
            sessions.append(
                MentoringSession(
                    assignment=pair, held_on=day, mode=rng.choices(modes, weights=(5, 4, 1))[0],
                    minutes=rng.choice((30, 45, 60, 60, 90)), topics=rng.choice(TOPICS),
                    notes=rng.choice(NOTES) if rng.random() < 0.5 else "",
                    logged_by_id=pair.mentor_id if rng.random() < 0.75 else pair.mentee_id,
                    logged_at=dt.datetime.combine(day, dt.time(18), tzinfo=_LOCAL),
                )
            )  # fmt: skip
        if len(held) >= 2 and rng.random() < 0.6:
            rating = rng.choices((5, 4, 3, 2), weights=(5, 4, 2, 1))[0]
            last = start + dt.timedelta(days=held[-1])
            feedback.append(
                MentoringFeedback(
                    assignment=pair, rating=rating, comment=rng.choice(FEEDBACK[rating]),
                    submitted_at=dt.datetime.combine(last, dt.time(20), tzinfo=_LOCAL),
                )
            )  # fmt: skip
    MentoringSession.objects.bulk_create(sessions)
    MentoringFeedback.objects.bulk_create(feedback)
    for pair in pairs:
        if pair.mentee_id not in nodes and pair.mentor_id in nodes:
            place(pair.mentee_id, pair.mentor_id, LineageNode.Source.MENTORING, pair.started_at)
    LineageNode.objects.bulk_create(sorted(nodes.values(), key=lambda node: node.path), batch_size=2000)
    run.counts["lineage"] = len(nodes)
    run.counts["mentoring_pairs"] = len(pairs)
    run.counts["mentoring_sessions"] = len(sessions)

    # --- gaps: a few small aimags whose trainers have left; the regions each master teacher answers for --------
    trainers_in: dict[int | None, list[int]] = defaultdict(list)
    for _pk, person_id, region_id in trainers:
        trainers_in[region_id].append(person_id)
    size_of: dict[int | None, int] = defaultdict(int)
    for (kind, area), members in colleagues.items():
        if kind == "region":
            size_of[area] = len(members)
    candidates = sorted(
        (
            region_id
            for region_id, members in trainers_in.items()
            if region_id in regions and regions[region_id].kind == Region.Kind.AIMAG and not logins & set(members)
        ),
        key=lambda region_id: (size_of[region_id], regions[region_id].iso_code),
    )
    gaps = candidates[: min(GAP_REGIONS, max(1, len(candidates) // 3))]
    if len(gaps) == len(trainers_in):
        gaps = []  # never every region
    ended: dict[int, dt.datetime] = {}
    for appointment in Appointment.objects.filter(
        programme=programme,
        person_id__in=sorted(person for region_id in gaps for person in trainers_in[region_id]),
        tier=Tier.REGIONAL_TRAINER,
    ).order_by("person_id"):
        appointment_end(appointment=appointment, actor=run.granted_by, reason=rng.choice(END_REASONS))
        ended[appointment.person_id] = now - dt.timedelta(days=rng.randint(60, 150))
    for person_id, at in ended.items():
        Appointment.objects.filter(programme=programme, person_id=person_id, tier=Tier.REGIONAL_TRAINER).update(
            ended_at=at
        )
        RoleAssignment.objects.filter(programme=programme, person_id=person_id, role=Role.TRAINER).update(ended_at=at)
    # A master teacher answers for the regions of the trainers in their branch that still have one (else
    # the nearest such region): a region whose trainers left is covered by nobody.
    covered = sorted(region_id for region_id in trainers_in if region_id is not None and region_id not in gaps)
    region_of = {person_id: region_id for _pk, person_id, region_id in (*masters, *trainers)}
    answers_for: dict[int, set[int]] = defaultdict(set)
    for _pk, person_id, region_id in trainers:
        trainer_id = nodes[person_id].trainer_id
        if region_id is not None and region_id not in gaps and trainer_id is not None:
            answers_for[trainer_id].add(region_id)
    master_appointments = dict(
        Appointment.objects.filter(programme=programme, tier=Tier.MASTER_TEACHER).values_list("person_id", "pk")
    )
    through = Appointment.regions.through
    rows = []
    for _pk, person_id, region_id in masters:
        named = answers_for[person_id]
        if not named and covered:
            here = centre(region_id)
            named = {min(covered, key=lambda other: (_distance(here, centre(other)), other))}
        rows += [through(appointment_id=master_appointments[person_id], region_id=named_id) for named_id in named]
    through.objects.bulk_create(rows)
    # The leavers' later workshops are led by the nearest master teacher.
    links = Workshop.trainers.through.objects.filter(person_id__in=list(ended), workshop__programme=programme)
    for link in links.select_related("workshop").order_by("pk"):
        if link.workshop.starts_at > ended[link.person_id]:
            substitute = nearest_master(region_of[link.person_id])
            if Workshop.trainers.through.objects.filter(workshop_id=link.workshop_id, person_id=substitute).exists():
                link.delete()
            else:
                Workshop.trainers.through.objects.filter(pk=link.pk).update(person_id=substitute)
    run.counts["cascade_gaps"] = len(gaps)

    # --- nominations: trainers propose people they trained -----------------------------------------------------
    trained_by: dict[int, list[int]] = defaultdict(list)
    for node in nodes.values():
        if (
            node.trainer_id is not None
            and node.source == LineageNode.Source.WORKSHOP
            and node.person_id not in cascade_people
            and node.person_id not in staff
            and node.person_id not in logins
        ):
            trained_by[node.trainer_id].append(node.person_id)
    nominators = [p for _pk, p, _r in trainers if p not in ended and trained_by.get(p)]
    count = min(len(nominators), max(2, len(trainers) // 20))
    home = dict(Person.objects.filter(pk__in=[*nominators]).values_list("pk", "institution__region_id"))
    nominated: set[int] = set()
    for number, nominator in enumerate(sorted(rng.sample(nominators, count))):
        choices = [person for person in trained_by[nominator] if person not in nominated]
        if not choices:
            continue
        nominee = rng.choice(choices)
        nominated.add(nominee)
        at = now - dt.timedelta(days=rng.randint(5, 50))
        nomination = nomination_create(
            programme=programme,
            nominee=Person.objects.get(pk=nominee),
            nominated_by=Person.objects.get(pk=nominator),
            statement=rng.choice(NOMINATION_STATEMENTS),
            regions=[home[nominator]] if home.get(nominator) else [],
        )
        Nomination.objects.filter(pk=nomination.pk).update(nominated_at=at)
        if number % 3 == 1 and run.granted_by is not None:  # about a third decided: declined, with the reason
            nomination_decide(nomination=nomination, actor=run.granted_by, approve=False, reason=DECLINE_REASON)
            Nomination.objects.filter(pk=nomination.pk).update(decided_at=at + dt.timedelta(days=rng.randint(2, 5)))
    run.counts["nominations"] = len(nominated)
