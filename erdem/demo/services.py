"""A believable national programme, generated from a seed.

The default size mirrors the real programme the platform is modelled on (38
institutions, 2,054 registered educators, 22 master teachers); about 1.5 % more
people, invited by their coordinator, have not registered yet and come in addition.
`demo_load` runs DEMO_STEPS in order inside one transaction; each step reads and extends a DemoRun. Later
features (courses, workshops, credentials) add their own step to the tuple.

Everything is written with bulk_create in bounded batches and every demo person
shares one password hash, so 100,000 educators load in about a minute.
"""

import datetime as dt
import random
import time
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import OuterRef, Subquery

from erdem.access.models import Role, RoleAssignment
from erdem.assessments.demo import demo_quizzes_create
from erdem.assignments.demo import demo_assignments_create
from erdem.cascade.demo import demo_cascade_create
from erdem.catalog.demo import demo_courses_create
from erdem.credentials.demo import demo_credentials_create
from erdem.demo import data
from erdem.demo.names import FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, transliterate
from erdem.insights.demo import demo_insights_create
from erdem.learning.demo import demo_enrolments_create
from erdem.organisations.models import Institution, Region
from erdem.people.models import Person
from erdem.portfolio.demo import demo_portfolios_create
from erdem.programmes.models import Programme
from erdem.recognition.demo import demo_recognition_create
from erdem.workshops.demo import demo_workshops_create

INVITED_SHARE = 0.015  # people a coordinator invited who have not registered yet, beyond the educators
DEMO_PASSWORD = "erdem-demo-2026"  # noqa: S105 - a published demo dataset, never a real account
DEMO_EMAIL_DOMAIN = "demo.erdem.mn"
DEFAULT_SEED = 2025
DEFAULT_EDUCATORS = 2054
DEFAULT_INSTITUTIONS = 38
BATCH_SIZE = 2000

# The role each demo login shows, most powerful first; `<key>@demo.erdem.mn`.
DEMO_LOGINS = {
    Role.NATIONAL_ADMIN: "admin",
    Role.COORDINATOR: "coordinator",
    Role.MASTER_TEACHER: "master",
    Role.TRAINER: "trainer",
    Role.MENTOR: "mentor",
    Role.EDUCATOR: "educator",
    Role.MINISTRY_VIEWER: "ministry",
}

_LOCAL = zoneinfo.ZoneInfo("Asia/Ulaanbaatar")
_CAPITAL = "MN-1"

# When the national centre appointed each role (the cascade after its members registered in
# early September 2024); an educator's role dates from their registration or invitation.
APPOINTED_ON = {
    Role.NATIONAL_ADMIN: dt.datetime(2024, 8, 21, 10, 0, tzinfo=_LOCAL),
    Role.MINISTRY_VIEWER: dt.datetime(2024, 8, 21, 10, 0, tzinfo=_LOCAL),
    Role.COORDINATOR: dt.datetime(2024, 9, 16, 10, 0, tzinfo=_LOCAL),
    Role.MASTER_TEACHER: dt.datetime(2024, 9, 23, 10, 0, tzinfo=_LOCAL),
    Role.TRAINER: dt.datetime(2024, 10, 14, 10, 0, tzinfo=_LOCAL),
    Role.MENTOR: dt.datetime(2024, 11, 4, 10, 0, tzinfo=_LOCAL),
}


@dataclass(frozen=True)
class DemoSize:
    """How many of everything; the cascade roles scale with the number of educators.

    `educators` counts registered educators; the `invited` come in addition."""

    educators: int = DEFAULT_EDUCATORS
    institutions: int = DEFAULT_INSTITUTIONS

    @property
    def invited(self) -> int:
        return round(self.educators * INVITED_SHARE)

    @property
    def people(self) -> int:
        """Educators and invited people, numbered 0..people-1 (the invited last)."""
        return self.educators + self.invited

    @property
    def master_teachers(self) -> int:
        return min(22, max(1, self.educators // 20))

    @property
    def trainers(self) -> int:
        return max(1, round(self.educators * 100 / DEFAULT_EDUCATORS))

    @property
    def mentors(self) -> int:
        return max(1, round(self.educators * 40 / DEFAULT_EDUCATORS))

    @property
    def national_admins(self) -> int:
        return 2

    @property
    def ministry_viewers(self) -> int:
        return 1

    def check(self) -> None:
        if self.institutions < 1:
            raise ValueError("The demo needs at least one institution.")
        cascade = self.master_teachers + self.trainers + self.mentors + self.institutions + 1
        if self.educators < cascade:
            raise ValueError(f"{self.institutions} institutions need at least {cascade} educators.")


@dataclass
class PeoplePlan:
    """Who is where and who holds which cascade role, decided before any row is written.

    Registered educators are numbered 0..N-1 and invited people N..N+I-1; only these
    integer lists stay in memory, never rows.
    """

    institution_of: list[int]
    roles: dict[int, list[tuple[str, int | None, int | None]]]  # index -> (role, institution index, region pk)
    login_of: dict[int, str]  # index -> demo login e-mail


@dataclass
class DemoRun:
    size: DemoSize
    rng: random.Random
    password_hash: str
    unusable_password: str
    programme: Programme | None = None
    institutions: list[Institution] = field(default_factory=list)
    regions: dict[str, Region] = field(default_factory=dict)
    plan: PeoplePlan | None = None
    granted_by: Person | None = None
    used_emails: set[str] = field(default_factory=set)
    logins: dict[str, str] = field(default_factory=dict)  # role -> e-mail
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def current_programme(self) -> Programme:
        if self.programme is None:
            raise RuntimeError("The programme step has not run.")
        return self.programme

    @property
    def current_plan(self) -> PeoplePlan:
        if self.plan is None:
            raise RuntimeError("The planning step has not run.")
        return self.plan


@dataclass(frozen=True)
class DemoResult:
    loaded: bool
    programme: Programme
    counts: dict[str, int]
    logins: dict[str, str]
    seconds: float


def demo_login_email(*, role: str) -> str:
    return f"{DEMO_LOGINS[Role(role)]}@{DEMO_EMAIL_DOMAIN}"


# --- steps -----------------------------------------------------------------------------------


def demo_institutions_create(*, run: DemoRun) -> None:
    """The national centre first, then capital and regional institutions interleaved,
    so that a small demo still spans several regions."""
    run.regions = {region.iso_code: region for region in Region.objects.all()}
    seeds = [data.NATIONAL_CENTRE, *_interleave(data.REGIONAL_INSTITUTIONS, data.CAPITAL_INSTITUTIONS)]
    seeds.extend(_extra_colleges(run.size.institutions - len(seeds)))
    institutions = [
        Institution(
            code=seed.code,
            name_en=seed.name_en,
            name_mn=seed.name_mn,
            short_name_en=seed.short_en,
            short_name_mn=seed.short_mn,
            kind=seed.kind,
            ownership=seed.ownership,
            region=run.regions[seed.region],
        )
        for seed in seeds[: run.size.institutions]
    ]
    run.institutions = Institution.objects.bulk_create(institutions)
    run.counts["institutions"] = len(run.institutions)


def demo_programme_create(*, run: DemoRun) -> None:
    run.programme = Programme.objects.create(
        **data.PROGRAMME,
        national_centre=run.institutions[0],
        starts_on=dt.date(2024, 9, 1),
        ends_on=dt.date(2026, 6, 30),
    )


def demo_national_staff_create(*, run: DemoRun) -> None:
    """National admins at the centre and a ministry viewer: they run or watch, they do not study."""
    programme, centre = run.current_programme, run.institutions[0]
    joined = dt.datetime(2024, 8, 20, 10, 0, tzinfo=_LOCAL)
    people, roles = [], []
    for number in range(run.size.national_admins):
        email = demo_login_email(role=Role.NATIONAL_ADMIN) if number == 0 else None
        people.append(_person(run, institution=centre, joined=joined, email=email))
        roles.append(Role.NATIONAL_ADMIN)
    for number in range(run.size.ministry_viewers):
        email = demo_login_email(role=Role.MINISTRY_VIEWER) if number == 0 else None
        viewer = _person(run, institution=None, joined=joined, email=email)
        viewer.department = "Боловсролын яам, Дээд боловсролын газар"
        people.append(viewer)
        roles.append(Role.MINISTRY_VIEWER)
    Person.objects.bulk_create(people)
    RoleAssignment.objects.bulk_create(
        RoleAssignment(person=person, role=role, programme=programme)
        for person, role in zip(people, roles, strict=True)
    )
    run.granted_by = people[0]
    run.logins[Role.NATIONAL_ADMIN] = people[0].email
    run.logins[Role.MINISTRY_VIEWER] = people[run.size.national_admins].email
    run.counts["people"] += len(people)


def demo_people_plan(*, run: DemoRun) -> None:
    """Place every educator at an institution and pick the cascade: one coordinator per
    institution, master teachers and trainers covering every region, mentors at random."""
    size, rng, institutions = run.size, run.rng, run.institutions
    weights = [_seed_for(institution).size for institution in institutions]
    # Every institution has at least one educator (its coordinator), the rest by weight.
    institution_of = list(range(len(institutions)))
    institution_of += rng.choices(range(len(institutions)), weights=weights, k=size.educators - len(institutions))
    by_region: dict[int, list[int]] = defaultdict(list)
    for index, institution_index in enumerate(institution_of):
        by_region[institutions[institution_index].region_id].append(index)
    # Invited, not registered yet: in addition to the educators, never in the cascade.
    institution_of += rng.choices(range(len(institutions)), weights=weights, k=size.invited)
    regions = sorted(by_region, key=lambda region_id: (-len(by_region[region_id]), region_id))

    roles: dict[int, list[tuple[str, int | None, int | None]]] = {}
    for institution_index in range(len(institutions)):
        roles[institution_index] = [(Role.COORDINATOR, institution_index, None)]

    def pick(region_id: int | None) -> int:
        pool = by_region[region_id] if region_id is not None else range(size.educators)
        for _attempt in range(50):
            index = rng.choice(pool)
            if index not in roles:
                return index
        return next(index for index in range(size.educators) if index not in roles)

    cascade: dict[str, list[int]] = {}
    for role, count in ((Role.MASTER_TEACHER, size.master_teachers), (Role.TRAINER, size.trainers)):
        cascade[role] = []
        for number in range(count):
            # Cover every region once, then follow where the educators are.
            region_id = regions[number] if number < len(regions) else None
            index = pick(region_id)
            roles[index] = [(role, None, institutions[institution_of[index]].region_id)]
            cascade[role].append(index)
    cascade[Role.MENTOR] = []
    for _number in range(size.mentors):
        index = pick(None)
        roles[index] = [(Role.MENTOR, institution_of[index], None)]
        cascade[Role.MENTOR].append(index)

    login_of = {
        0: demo_login_email(role=Role.COORDINATOR),
        cascade[Role.MASTER_TEACHER][0]: demo_login_email(role=Role.MASTER_TEACHER),
        cascade[Role.TRAINER][0]: demo_login_email(role=Role.TRAINER),
        cascade[Role.MENTOR][0]: demo_login_email(role=Role.MENTOR),
        next(index for index in range(size.educators) if index not in roles): demo_login_email(role=Role.EDUCATOR),
    }
    run.plan = PeoplePlan(institution_of=institution_of, roles=roles, login_of=login_of)


def demo_educators_create(*, run: DemoRun) -> None:
    """Educators, then invited people, in batches: people, then their educator role and any
    cascade role. The roles' dates are set afterwards (`demo_role_dates_set`)."""
    programme, plan = run.current_programme, run.current_plan
    for start in range(0, run.size.people, BATCH_SIZE):
        indices = range(start, min(start + BATCH_SIZE, run.size.people))
        people = [_educator(run, index) for index in indices]
        Person.objects.bulk_create(people, batch_size=500)
        assignments = []
        for index, person in zip(indices, people, strict=True):
            assignments.append(RoleAssignment(person=person, role=Role.EDUCATOR, programme=programme))
            for role, institution_index, region_id in plan.roles.get(index, ()):
                assignments.append(
                    RoleAssignment(
                        person=person,
                        role=role,
                        programme=programme,
                        institution=run.institutions[institution_index] if institution_index is not None else None,
                        region_id=region_id,
                        granted_by=run.granted_by,
                    )
                )
                run.counts[role] += 1
            if index in plan.login_of:
                run.logins[plan.roles[index][0][0] if index in plan.roles else Role.EDUCATOR] = person.email
        RoleAssignment.objects.bulk_create(assignments, batch_size=500)
        registered = sum(1 for person in people if person.email_confirmed_at is not None)
        run.counts[Role.EDUCATOR] += registered
        run.counts["people"] += len(people)


def demo_role_dates_set(*, run: DemoRun) -> None:
    """granted_at is auto_now_add, so bulk_create stamps every role with today: date them
    in a few updates. An educator's role dates from their registration (or invitation), the
    appointments from autumn 2024."""
    assignments = RoleAssignment.objects.filter(programme=run.current_programme)
    joined = Person.objects.filter(pk=OuterRef("person_id")).values("date_joined")[:1]
    assignments.filter(role=Role.EDUCATOR).update(granted_at=Subquery(joined))
    for role, appointed_on in APPOINTED_ON.items():
        assignments.filter(role=role).update(granted_at=appointed_on)


Step = Callable[..., None]

DEMO_STEPS: tuple[Step, ...] = (
    demo_institutions_create,
    demo_programme_create,
    demo_national_staff_create,
    demo_people_plan,
    demo_educators_create,
    demo_role_dates_set,
    demo_courses_create,
    demo_quizzes_create,
    demo_enrolments_create,
    demo_assignments_create,  # after the enrolments: approved submissions follow completions
    demo_workshops_create,  # after the enrolments: cohort attendance follows completions
    demo_credentials_create,  # issued from the completions, approvals and attendance
    demo_cascade_create,  # after the credentials: appointments check them; the lineage follows attendance
    demo_recognition_create,  # after the credentials: standards, pathways, the master's degree and credit requests
    demo_portfolios_create,  # after the cascade (mentors endorse their mentees) and the standards (entries' tags)
    demo_insights_create,  # last: the follow-up survey of the certified, then the rollup of every record
)


def demo_load(
    *,
    educators: int = DEFAULT_EDUCATORS,
    institutions: int = DEFAULT_INSTITUTIONS,
    seed: int = DEFAULT_SEED,
    if_empty: bool = False,
) -> DemoResult:
    """Generate the demo programme; with `if_empty`, leave a database that has a programme alone.

    Raises ValueError when a programme already exists (and `if_empty` is not set) or
    the size is impossible.
    """
    started = time.monotonic()
    existing = Programme.objects.order_by("pk").first()
    if existing is not None:
        if if_empty:
            return DemoResult(loaded=False, programme=existing, counts={}, logins=demo_logins_existing(), seconds=0.0)
        raise ValueError("This database already holds a programme; load the demo into an empty database.")
    size = DemoSize(educators=educators, institutions=institutions)
    size.check()
    run = DemoRun(
        size=size,
        rng=random.Random(seed),
        password_hash=make_password(DEMO_PASSWORD),
        unusable_password=make_password(None),
    )
    with transaction.atomic():
        for step in DEMO_STEPS:
            step(run=run)
    return DemoResult(
        loaded=True,
        programme=run.current_programme,
        counts=dict(run.counts),
        logins={role: run.logins[role] for role in DEMO_LOGINS if role in run.logins},
        seconds=time.monotonic() - started,
    )


def demo_logins_existing() -> dict[str, str]:
    """The demo logins present in this database, by role."""
    emails = {demo_login_email(role=role): role for role in DEMO_LOGINS}
    present = set(Person.objects.filter(email__in=emails).values_list("email", flat=True))
    return {role: email for email, role in emails.items() if email in present}


# --- helpers -----------------------------------------------------------------------------------

_SEEDS_BY_CODE = {
    seed.code: seed for seed in (data.NATIONAL_CENTRE, *data.CAPITAL_INSTITUTIONS, *data.REGIONAL_INSTITUTIONS)
}
_LATIN_NAMES = {name: transliterate(name) for name in (*MALE_GIVEN_NAMES, *FEMALE_GIVEN_NAMES)}
_DISCIPLINES = list(data.DEPARTMENTS)
_POSITIONS, _POSITION_WEIGHTS = zip(*data.ACADEMIC_POSITIONS.items(), strict=True)
_MONTHS, _MONTH_WEIGHTS = zip(*data.REGISTRATION_MONTHS.items(), strict=True)


def _interleave(*sequences: tuple[data.InstitutionSeed, ...]) -> Iterator[data.InstitutionSeed]:
    longest = max(len(sequence) for sequence in sequences)
    for position in range(longest):
        for sequence in sequences:
            if position < len(sequence):
                yield sequence[position]


def _extra_colleges(count: int) -> Iterator[data.InstitutionSeed]:
    regions = {code: (name_en, name_mn) for code, name_en, name_mn in _region_names()}
    for number in range(1, count + 1):
        code = data.EXTRA_COLLEGE_REGIONS[(number - 1) % len(data.EXTRA_COLLEGE_REGIONS)]
        name_en, name_mn = regions[code]
        yield data.InstitutionSeed(
            f"college-{number}", f"{name_en} Community College No. {number}",
            f"{name_mn} аймгийн {number}-р коллеж", f"CC{number}", f"К{number}",
            "college", "state", code, 1, _DISCIPLINES[number % len(_DISCIPLINES)],
        )  # fmt: skip


def _region_names() -> list[tuple[str, str, str]]:
    return list(Region.objects.values_list("iso_code", "name_en", "name_mn"))


def _seed_for(institution: Institution) -> data.InstitutionSeed:
    seed = _SEEDS_BY_CODE.get(institution.code)
    if seed is not None:
        return seed
    return data.InstitutionSeed(institution.code, "", "", "", "", "college", "state", "", 1, _DISCIPLINES[0])


def _moment(rng: random.Random, month: tuple[int, int], *, last_day: int | None = None) -> dt.datetime:
    year, number = month
    first = dt.date(year, number, 1)
    days = last_day or ((first + dt.timedelta(days=32)).replace(day=1) - first).days
    return dt.datetime(
        year, number, rng.randint(1, days), rng.randint(8, 22), rng.randint(0, 59), rng.randint(0, 59), tzinfo=_LOCAL
    )


def _email(run: DemoRun, given_latin: str, family_latin: str, domain: str) -> str:
    local = f"{given_latin}.{family_latin[:1]}".lower().replace("-", "")
    email, number = f"{local}@{domain}", 1
    while email in run.used_emails:
        number += 1
        email = f"{local}{number}@{domain}"
    run.used_emails.add(email)
    return email


def _person(run: DemoRun, *, institution: Institution | None, joined: dt.datetime, email: str | None = None) -> Person:
    """A person with a believable name, confirmed and consenting, sharing the demo password."""
    rng = run.rng
    female = rng.random() < 0.58
    given = rng.choice(FEMALE_GIVEN_NAMES if female else MALE_GIVEN_NAMES)
    family = rng.choice(MALE_GIVEN_NAMES)  # the father's given name
    given_latin, family_latin = _LATIN_NAMES[given], _LATIN_NAMES[family]
    domain = f"{institution.code}.{DEMO_EMAIL_DOMAIN}" if institution else f"moe.{DEMO_EMAIL_DOMAIN}"
    if email is None:
        email = _email(run, given_latin, family_latin, domain)
    else:
        run.used_emails.add(email)
    return Person(
        email=email,
        password=run.password_hash,
        family_name=family,
        given_name=given,
        family_name_latin=family_latin,
        given_name_latin=given_latin,
        institution=institution,
        gender="female" if female else "male",
        preferred_language="en" if rng.random() < 0.1 else "mn",
        consent_at=joined,
        consent_version=settings.ERDEM_CONSENT_VERSION,
        email_confirmed_at=joined + dt.timedelta(minutes=rng.randint(1, 600)),
        date_joined=joined,
    )


def _educator(run: DemoRun, index: int) -> Person:
    rng, plan = run.rng, run.current_plan
    institution = run.institutions[plan.institution_of[index]]
    seed = _seed_for(institution)
    if index in plan.roles:
        # The cascade was trained first: its members registered in the programme's first two
        # weeks, before the national centre appointed them (APPOINTED_ON).
        joined = _moment(rng, (2024, 9), last_day=14)
    else:
        joined = _moment(rng, rng.choices(_MONTHS, _MONTH_WEIGHTS)[0])
    person = _person(run, institution=institution, joined=joined, email=plan.login_of.get(index))
    discipline = seed.focus if rng.random() < 0.45 else rng.choice(_DISCIPLINES)
    person.discipline = discipline if rng.random() > 0.07 else ""
    person.department = rng.choice(data.DEPARTMENTS[discipline]) if rng.random() > 0.05 else ""
    person.academic_position = rng.choices(_POSITIONS, _POSITION_WEIGHTS)[0] if rng.random() > 0.06 else ""
    if rng.random() < 0.04:
        person.family_name_latin = person.given_name_latin = ""
    outside_capital = seed.region != _CAPITAL
    person.low_bandwidth = rng.random() < (0.4 if outside_capital else 0.08)
    if index >= run.size.educators:
        # Invited by their coordinator in the last weeks; they have not set a password yet.
        invited_on = _moment(rng, rng.choice([(2025, 5), (2025, 6)]))
        person.date_joined = invited_on
        person.password = run.unusable_password
        person.email_confirmed_at = person.consent_at = None
        person.consent_version = ""
        run.counts["invited"] += 1
    return person
