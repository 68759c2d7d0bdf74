"""The demo step for recognition: the national teacher qualification standards with the programme's
achievements aligned to them, a stackable pathway (and a draft of a second), and a master's programme at
the national centre's university with its recognition rules and credit requests in every state.

The degree. The national centre's university (the programme's `national_centre`) runs a Master of
Education in Educational Technology: 32 credits, five core modules, three electives of which two are taken,
and the thesis. Its academic council approved four recognition rules in January 2025: the national
micro-certificate (itself the stack of the three AI courses, a reviewed task and a seminar) counts for the
core module "AI in education" (6 credits); the master trainer certification for an elective; two
Open Badges 3.0 credentials of an open-learning provider for another elective, and one credential of an
open-education network for the third. The provider's rule was tightened two months before the demo's
reference day (three of its credentials instead of two): requests made before are decided on the rule as
it stood (the office sees that it changed since). The centre's coordinator (the demo coordinator) decides
the requests; a professor of the centre sits in the programme office too.

The external credentials are signed here with throwaway did:key issuers whose keys come from fixed seeds,
so they verify offline like any other issuer's; they name their learner by a hashed e-mail address, as
erdem's own do.

The "AI teaching leader" pathway stacks the two certifications, with a milestone for each; those holding
both received its credential when it was published (issued here, dated). A second pathway is a draft.

Requests: REQUEST_SHARE of the educators holding an active micro-certificate (at most REQUESTS_MAX) ask
for the core module;
most were approved, some wait, a few were rejected with the reason or withdrawn; two or three master
teachers ask for the trainer elective; a few educators bring external credentials. Every request goes
through `request_submit` (which verifies each credential) and `request_decide` / `request_withdraw`.
The demo educator, who holds no micro-certificate, withdrew a first request with the provider's
credentials, made it again (approved after the rule changed), and waits on a request for the third
elective: the demo coordinator can decide it.

The decisions were announced long ago: they are made with `notify=False`, so loading the demo sends no e-mail.
"""

import datetime as dt
import hashlib
import json
import random
import uuid
import zoneinfo
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from erdem.access.models import Role
from erdem.credentials.documents import identity_hash, iso
from erdem.credentials.models import Achievement, Credential
from erdem.credentials.proofs.contexts import CREDENTIALS_V2, OB_V3
from erdem.credentials.proofs.data_integrity import document_sign
from erdem.credentials.proofs.multikey import did_key
from erdem.credentials.rules import rules_evaluate
from erdem.credentials.services import credential_issue
from erdem.frameworks.selectors import competencies_by_qualified_codes
from erdem.people.models import Person
from erdem.recognition.models import (
    DegreeModule,
    DegreeProgramme,
    RecognitionRequest,
    RecognitionRule,
    StandardDescriptor,
)
from erdem.recognition.pathway_services import (
    MilestoneDefinition,
    PathwayDefinition,
    pathway_publish,
    pathway_save,
)
from erdem.recognition.services import (
    degree_create,
    degree_office_add,
    module_save,
    request_decide,
    request_submit,
    request_withdraw,
    rule_save,
)
from erdem.recognition.standard_services import alignment_set, standards_default_create

if TYPE_CHECKING:
    from erdem.demo.services import DemoRun

_LOCAL = zoneinfo.ZoneInfo("Asia/Ulaanbaatar")

REQUEST_SHARE = Fraction(1, 10)  # of the educators holding an active micro-certificate
REQUESTS_MIN = 4
REQUESTS_MAX = 250  # each is verified and stored through the service: large demos stay quick
# The outcome of the requests for the core module (weights); the first four cover every state.
OUTCOMES = {"approved": 50, "submitted": 25, "rejected": 12, "withdrawn": 13}
TRAINER_REQUESTS = 3
EXTERNAL_REQUESTERS = Fraction(1, 400)  # of the educators, at least two
COUNCIL_APPROVED = dt.datetime(2025, 1, 28, 15, 0, tzinfo=_LOCAL)
RULES_FROM = dt.date(2025, 2, 1)
RULE_CHANGED_DAYS = 60  # before the reference day
# What happened to the requests with the provider's credentials, in turn: the first four cover every case.
EXTERNAL_PLANS = ("approved", "approved_after_change", "rejected", "submitted")

DEGREE = {
    "code": "med-edtech",
    "name_mn": "Боловсролын технологийн магистр",
    "name_en": "Master of Education in Educational Technology",
    "level": DegreeProgramme.Level.MASTER,
    "total_credits": Decimal("32"),
    "description_mn": (
        "Сургалтын дизайн, цахим сургалт, боловсрол дахь хиймэл оюуны хэрэглээгээр мэргэшсэн багш, "
        "сургалтын технологич бэлтгэх хоёр жилийн хөтөлбөр. Үндэсний хөтөлбөрийн бичил гэрчилгээ "
        "болон хүлээн зөвшөөрөгдсөн байгууллагын Open Badges 3.0 гэрчилгээг кредитэд тооцно."
    ),
    "description_en": (
        "A two-year programme for teachers and learning technologists in instructional design, online "
        "learning and AI in education. The national programme's micro-certificate and Open Badges 3.0 "
        "credentials of accepted issuers count toward its credits."
    ),
    "is_active": True,
}
# code, Mongolian, English, credits, elective
MODULES = (
    ("EDT501", "Боловсролын технологийн онол, чиг хандлага", "Theories and trends in educational technology", "4",
     False),
    ("EDT502", "Сургалтын дизайн", "Instructional design", "4", False),
    ("EDT503", "Боловсрол дахь хиймэл оюун", "AI in education", "6", False),
    ("EDT504", "Цахим сургалтын орчин ба платформ", "Learning platforms and online environments", "3", False),
    ("EDT505", "Боловсролын судалгааны арга зүй", "Research methods in education", "3", False),
    ("EDT610", "Сонгон: Онлайн хичээл зохиох", "Elective: Designing online courses", "3", True),
    ("EDT611", "Сонгон: Багшийн мэргэжлийн хөгжлийг манлайлах",
     "Elective: Leading teachers' professional development", "3", True),
    ("EDT612", "Сонгон: Нээлттэй боловсролын нөөц", "Elective: Open educational resources", "3", True),
    ("EDT690", "Магистрын бүтээл", "Master's thesis", "6", False),
)  # fmt: skip
APPROVAL = "АТШУТИС-ийн Эрдмийн зөвлөлийн 2025 оны 1 дүгээр сарын 28-ны өдрийн 03 тоот тогтоол"
APPROVAL_CHANGED = "АТШУТИС-ийн Эрдмийн зөвлөлийн 2026 оны 4 дүгээр сарын 29-ний өдрийн 11 тоот тогтоол"


@dataclass(frozen=True)
class ExternalIssuer:
    """A throwaway did:key issuer of Open Badges 3.0 credentials, its key derived from a fixed seed."""

    seed: str
    name: str
    url: str
    courses: tuple[tuple[str, str], ...]  # (name, description)

    @property
    def private_key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(self.seed.encode()).digest())

    @property
    def did(self) -> str:
        return did_key(self.private_key.public_key())


OPEN_LEARNING = ExternalIssuer(
    seed="erdem-demo: open learning academy",
    name="Нээлттэй сургалтын академи (жишээ байгууллага)",
    url="https://open-learning.example.org/",
    courses=(
        ("Онлайн хичээл зохиох үндэс",
         "Онлайн хичээлийн бүтэц, суралцахуйн үр дүн, идэвхтэй даалгавар зохиох 30 цагийн сургалт."),
        ("Цахим үнэлгээ ба санал зөвлөмж",
         "Цахим сорил, рубрик, автомат санал зөвлөмж боловсруулах 24 цагийн сургалт."),
        ("Видео лекц бэлтгэх", "Богино видео лекц төлөвлөх, бичих, засварлах 20 цагийн сургалт."),
        ("Сургалтын удирдлагын систем", "Moodle дээр хичээл байршуулах, оюутны ахицыг хянах 20 цагийн сургалт."),
    ),
)  # fmt: skip
OPEN_EDUCATION = ExternalIssuer(
    seed="erdem-demo: open education network",
    name="Asia-Pacific Open Education Network (demo issuer)",
    url="https://oer-network.example.org/",
    courses=(
        ("Creating open educational resources",
         "A 40-hour course on designing, licensing and sharing open educational resources."),
        ("Open licensing with Creative Commons",
         "A 16-hour course on choosing and applying open licences to teaching materials."),
    ),
)  # fmt: skip

MESSAGES = (
    "Бичил гэрчилгээгээ хавсаргав. Магистрын хөтөлбөрт энэ улиралд элссэн.",
    "Энэ модулийг бичил гэрчилгээгээр тооцуулах хүсэлтэй байна.",
    "",
    "Сургалтаа 2025 онд дүүргэсэн; гэрчилгээг тооцож өгнө үү.",
    "",
)
APPROVED_REASONS = (
    "Бичил гэрчилгээ модулийн суралцахуйн үр дүнг бүрэн хангаж байна.",
    "",
    "Дүрмийн дагуу кредитийг тооцов.",
)
REJECTED_REASONS = (
    "Магистрын хөтөлбөрт элсэлтийн бүртгэл тань баталгаажаагүй байна. Элсэлтээ баталгаажуулсны дараа дахин хүсэлт "
    "гаргана уу.",
    "Та «Боловсрол дахь хиймэл оюун» модулийг өмнөх улиралд судалж дүн авсан тул кредитийг давхар тооцох боломжгүй.",
    "Хүсэлтэд дурдсан сургалт хөтөлбөрийн өөр модульд хамаарах тул энэ модульд тооцох боломжгүй; сонгон судлах "
    "модулийн дүрмээр дахин хүсэлт гаргана уу.",
)
DECIDED_ON_EARLIER_RULE = "Хүсэлт гаргах үед хүчинтэй байсан дүрмээр (хоёр гэрчилгээ) шийдвэрлэв."
EXTERNAL_REJECTED = (
    "Гэрчилгээнүүдийн сургалтын нийт цаг модулийн 3 кредитэд (90 цаг) хүрэхгүй байна; "
    "нэмэлт гэрчилгээтэйгээр дахин хүсэлт гаргана уу."
)


def demo_requests_target(certified: int) -> int:
    """How many of `certified` holders of an active micro-certificate ask for the core module in the demo."""
    return min(REQUESTS_MAX, max(REQUESTS_MIN, round(certified * REQUEST_SHARE)))


def demo_recognition_create(*, run: "DemoRun") -> None:
    from erdem.insights.demo import demo_reference_moment

    rng = random.Random(run.rng.random())  # noqa: S311 - demo data; its own stream
    programme = run.current_programme
    achievements = {a.code: a for a in Achievement.objects.filter(programme=programme)}
    micro, trainer = achievements.get("AI-TEACH-MC"), achievements.get("AI-TEACH-TRAINER")
    admin = run.granted_by
    if micro is None or trainer is None or admin is None:
        return
    reference = demo_reference_moment(programme=programme)
    _standards_create(run, micro, trainer)
    _pathways_create(run, micro, trainer, admin)

    centre = programme.national_centre or run.institutions[0]
    coordinator = (
        Person.objects.filter(
            role_assignments__programme=programme,
            role_assignments__role=Role.COORDINATOR,
            role_assignments__institution=centre,
        )
        .order_by("pk")
        .first()
    )
    decider = coordinator or admin
    degree = degree_create(institution=centre, actor=admin, **DEGREE)
    DegreeProgramme.objects.filter(pk=degree.pk).update(created_at=COUNCIL_APPROVED - dt.timedelta(days=40))
    professor = (
        Person.objects.filter(institution=centre, academic_position="professor", email_confirmed_at__isnull=False)
        .exclude(pk=decider.pk)
        .order_by("pk")
        .first()
    )
    if professor is not None:
        degree_office_add(degree=degree, actor=admin, email=professor.email)
    modules = {
        code: module_save(
            degree=degree, actor=admin, code=code, name_mn=name_mn, name_en=name_en,
            credits=Decimal(credits), is_elective=elective, position=position,
        )
        for position, (code, name_mn, name_en, credits, elective) in enumerate(MODULES, start=1)
    }  # fmt: skip
    rules = _rules_create(degree, modules, micro, trainer, decider)
    run.counts["degree_modules"] = len(modules)
    run.counts["recognition_rules"] = len(rules)

    changed_at = reference - dt.timedelta(days=RULE_CHANGED_DAYS)
    logins = set(run.logins.values())
    counts: dict[str, int] = {}

    def record(status: str) -> None:
        counts[status] = counts.get(status, 0) + 1

    # --- the core module, with the micro-certificate ------------------------------------------------------------
    holders = list(
        Credential.objects.filter(achievement=micro, status=Credential.Status.ACTIVE)
        .exclude(person__email__in=logins)
        .select_related("person", "achievement")
        .order_by("person_id")
    )
    chosen = sorted(
        rng.sample(holders, min(len(holders), demo_requests_target(len(holders)))), key=lambda c: c.person_id
    )
    outcomes = list(OUTCOMES)
    for number, credential in enumerate(chosen):
        outcome = outcomes[number] if number < len(outcomes) else rng.choices(outcomes, list(OUTCOMES.values()))[0]
        issued = max(credential.issued_at, dt.datetime.combine(RULES_FROM, dt.time(9), tzinfo=_LOCAL))
        submitted = _submitted_at(rng, issued, reference, waiting=outcome == "submitted")
        request = request_submit(
            notify=False,
            person=credential.person, degree=degree, rule=rules["core"], credentials=[credential], external=[],
            message=rng.choice(MESSAGES), at=submitted,
        )  # fmt: skip
        _conclude(rng, request, outcome, decider, submitted, reference, rejected=REJECTED_REASONS)
        record(outcome)

    # --- the trainer elective, with the master trainer certification ---------------------------------------------
    trainers = list(
        Credential.objects.filter(achievement=trainer, status=Credential.Status.ACTIVE)
        .exclude(person__email__in=logins)
        .select_related("person", "achievement")
        .order_by("person_id")
    )
    for number, credential in enumerate(rng.sample(trainers, min(len(trainers), TRAINER_REQUESTS))):
        outcome = "submitted" if number == 2 else "approved"
        submitted = _submitted_at(rng, max(credential.issued_at, changed_at - dt.timedelta(days=200)), reference,
                                  waiting=outcome == "submitted")  # fmt: skip
        request = request_submit(
            notify=False,
            person=credential.person, degree=degree, rule=rules["trainer"], credentials=[credential], external=[],
            message="Мастер сургагч багшийн гэрчилгээгээ хавсаргав.", at=submitted,
        )  # fmt: skip
        _conclude(rng, request, outcome, decider, submitted, reference, rejected=REJECTED_REASONS)
        record(outcome)

    # --- external credentials: before the provider's rule changed, then after ----------------------------------
    requested = {credential.person_id for credential in chosen} | {credential.person_id for credential in trainers}
    educators = list(
        Person.objects.filter(
            role_assignments__programme=programme,
            role_assignments__role=Role.EDUCATOR,
            email_confirmed_at__isnull=False,
        )
        .exclude(email__in=logins)
        .exclude(pk__in=requested)
        .order_by("pk")
    )
    count = min(40, max(len(EXTERNAL_PLANS), round(run.size.educators * EXTERNAL_REQUESTERS)))
    external_people = rng.sample(educators, min(len(educators), count))
    plans = [EXTERNAL_PLANS[n] if n < len(EXTERNAL_PLANS) else rng.choice(EXTERNAL_PLANS) for n in range(count)]
    signed = 0
    decide_after_change: list[RecognitionRequest] = []
    for person, outcome in zip(external_people, plans, strict=False):
        if outcome == "submitted":
            continue  # made under the rule as it stands now, below
        submitted = working_hours(rng, changed_at - dt.timedelta(days=rng.randint(15, 150)))
        texts = _external_credentials(
            rng, person, OPEN_LEARNING, 2, submitted - dt.timedelta(days=rng.randint(20, 120))
        )
        signed += len(texts)
        request = request_submit(
            notify=False,
            person=person, degree=degree, rule=rules["open_learning"], credentials=[], external=texts,
            message="Гадны байгууллагын гэрчилгээгээ хавсаргав.", at=submitted,
        )  # fmt: skip
        if outcome == "approved_after_change":
            decide_after_change.append(request)
        else:
            _conclude(rng, request, outcome, decider, submitted, changed_at - dt.timedelta(days=1),
                      rejected=(EXTERNAL_REJECTED,))  # fmt: skip
        record("approved" if outcome == "approved_after_change" else outcome)
    educator = Person.objects.filter(email=run.logins.get(Role.EDUCATOR, "")).first()
    educator_requests: list[RecognitionRequest] = []
    if educator is not None:
        educator_requests = _demo_educator_before(rng, educator, degree, rules, changed_at)
        signed += 2
        record("withdrawn")

    # The council tightened the provider's rule: three of its credentials from now on.
    rule = rule_save(
        degree=degree, actor=decider, rule=rules["open_learning"], external_count=3,
        approval_reference=APPROVAL_CHANGED,
    )  # fmt: skip
    RecognitionRule.objects.filter(pk=rule.pk).update(updated_at=changed_at)
    rule.refresh_from_db()
    for request in [*decide_after_change, *educator_requests]:
        request_decide(
            request=request,
            actor=decider,
            approve=True,
            reason=DECIDED_ON_EARLIER_RULE,
            at=working_hours(rng, changed_at + dt.timedelta(days=rng.randint(3, 20))),
            notify=False,
        )
    if educator_requests:
        record("approved")
    for person, outcome in zip(external_people, plans, strict=False):
        if outcome != "submitted":
            continue
        submitted = working_hours(rng, reference - dt.timedelta(days=rng.randint(2, RULE_CHANGED_DAYS - 5)))
        texts = _external_credentials(rng, person, OPEN_LEARNING, 3, submitted - dt.timedelta(days=rng.randint(20, 90)))
        signed += len(texts)
        request_submit(
            notify=False,
            person=person, degree=degree, rule=rule, credentials=[], external=texts,
            message="Гадны байгууллагын гурван гэрчилгээгээ хавсаргав.", at=submitted,
        )  # fmt: skip
        record("submitted")
    if educator is not None:
        texts = _external_credentials(rng, educator, OPEN_EDUCATION, 1, reference - dt.timedelta(days=40))
        signed += len(texts)
        request_submit(
            notify=False,
            person=educator, degree=degree, rule=rules["open_education"], credentials=[], external=texts,
            message="Нээлттэй боловсролын нөөцийн сургалтын гэрчилгээгээ хавсаргав.",
            at=working_hours(rng, reference - dt.timedelta(days=4)),
        )  # fmt: skip
        record("submitted")

    for status, number in counts.items():
        run.counts[f"recognition_requests_{status}"] = number
    run.counts["recognition_requests"] = sum(counts.values())
    run.counts["external_credentials_signed"] = signed


def _rules_create(
    degree: DegreeProgramme,
    modules: dict[str, DegreeModule],
    micro: Achievement,
    trainer: Achievement,
    approver: Person,
) -> dict[str, RecognitionRule]:
    """The four rules the academic council approved in January 2025."""
    common: dict[str, Any] = {
        "valid_from": RULES_FROM, "valid_to": None, "approved_by": approver, "approval_reference": APPROVAL,
    }  # fmt: skip
    rules = {
        "core": rule_save(
            degree=degree, actor=approver, achievements=[micro], module=modules["EDT503"], credits=Decimal("6"),
            name_mn="Үндэсний бичил гэрчилгээ → Боловсрол дахь хиймэл оюун",
            name_en="National micro-certificate → AI in education", external_count=0, external_issuers="", **common,
        ),
        "trainer": rule_save(
            degree=degree, actor=approver, achievements=[trainer], module=modules["EDT611"], credits=Decimal("3"),
            name_mn="Мастер сургагч багшийн гэрчилгээ → Сонгон: Багшийн мэргэжлийн хөгжлийг манлайлах",
            name_en="Master trainer certification → Elective: Leading teachers' professional development",
            external_count=0, external_issuers="", **common,
        ),
        "open_learning": rule_save(
            degree=degree, actor=approver, achievements=[], module=modules["EDT610"], credits=Decimal("3"),
            name_mn="Нээлттэй сургалтын академийн гэрчилгээ → Сонгон: Онлайн хичээл зохиох",
            name_en="Open learning academy credentials → Elective: Designing online courses",
            external_count=2, external_issuers=OPEN_LEARNING.did, **common,
        ),
        "open_education": rule_save(
            degree=degree, actor=approver, achievements=[], module=modules["EDT612"], credits=Decimal("3"),
            name_mn="Нээлттэй боловсролын сүлжээний гэрчилгээ → Сонгон: Нээлттэй боловсролын нөөц",
            name_en="Open education network credential → Elective: Open educational resources",
            external_count=1, external_issuers=OPEN_EDUCATION.did, **common,
        ),
    }  # fmt: skip
    RecognitionRule.objects.filter(degree=degree).update(created_at=COUNCIL_APPROVED, updated_at=COUNCIL_APPROVED)
    for rule in rules.values():
        rule.refresh_from_db()
    return rules


def working_hours(rng: random.Random, moment: dt.datetime) -> dt.datetime:
    """The same day, at a believable hour (local time)."""
    return moment.astimezone(_LOCAL).replace(hour=rng.randint(9, 20), minute=rng.randint(0, 59), second=0)


def _submitted_at(rng: random.Random, earliest: dt.datetime, reference: dt.datetime, *, waiting: bool) -> dt.datetime:
    """Soon after the credential for a request decided since; in the last month for one still waiting."""
    if waiting:
        moment = working_hours(rng, reference - dt.timedelta(days=rng.randint(2, 30)))
    else:
        moment = earliest + dt.timedelta(days=rng.randint(10, 200))
        moment = working_hours(rng, min(moment, reference - dt.timedelta(days=rng.randint(35, 60))))
    return min(max(moment, earliest + dt.timedelta(hours=1)), reference - dt.timedelta(hours=1))


def _conclude(
    rng: random.Random,
    request: RecognitionRequest,
    outcome: str,
    decider: Person,
    submitted: dt.datetime,
    reference: dt.datetime,
    *,
    rejected: tuple[str, ...],
) -> None:
    decided = min(working_hours(rng, submitted + dt.timedelta(days=rng.randint(3, 25))), reference)
    if outcome == "approved":
        reason = rng.choice(APPROVED_REASONS)
        request_decide(request=request, actor=decider, approve=True, reason=reason, at=decided, notify=False)
    elif outcome == "rejected":
        reason = rng.choice(rejected)
        request_decide(request=request, actor=decider, approve=False, reason=reason, at=decided, notify=False)
    elif outcome == "withdrawn":
        request_withdraw(request=request, person=request.person)


def _external_credentials(
    rng: random.Random, person: Person, issuer: ExternalIssuer, count: int, issued: dt.datetime
) -> list[str]:
    """`count` signed credentials of `issuer` for `person`, as pasted JSON texts."""
    key, did = issuer.private_key, issuer.did
    texts = []
    for name, description in rng.sample(issuer.courses, min(count, len(issuer.courses))):
        salt = f"{rng.getrandbits(64):016x}"
        moment = (issued + dt.timedelta(days=rng.randint(0, 15))).replace(microsecond=0)
        document = {
            "@context": [CREDENTIALS_V2, OB_V3],
            "id": f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": did, "type": ["Profile"], "name": issuer.name, "url": issuer.url},
            "name": name,
            "validFrom": iso(moment),
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "identifier": [
                    {
                        "type": "IdentityObject",
                        "identityHash": identity_hash(person.email, salt),
                        "identityType": "emailAddress",
                        "hashed": True,
                        "salt": salt,
                    }
                ],
                "achievement": {
                    "id": f"{issuer.url}achievements/{hashlib.sha256(name.encode()).hexdigest()[:12]}",
                    "type": ["Achievement"],
                    "name": name,
                    "description": description,
                    "criteria": {"narrative": description},
                },
            },
        }
        signed = document_sign(
            document, private_key=key, verification_method=f"{did}#{did.removeprefix('did:key:')}", created=moment
        )
        texts.append(json.dumps(signed, ensure_ascii=False))
    return texts


def _demo_educator_before(
    rng: random.Random,
    educator: Person,
    degree: DegreeProgramme,
    rules: dict[str, RecognitionRule],
    changed_at: dt.datetime,
) -> list[RecognitionRequest]:
    """The demo educator's requests before the provider's rule changed: one withdrawn, then the same credentials
    again (decided after the change, on the rule as it stood)."""
    first = working_hours(rng, changed_at - dt.timedelta(days=45))
    texts = _external_credentials(rng, educator, OPEN_LEARNING, 2, first - dt.timedelta(days=90))
    withdrawn = request_submit(
        notify=False,
        person=educator, degree=degree, rule=rules["open_learning"], credentials=[], external=texts,
        message="Гэрчилгээгээ хавсаргав.", at=first,
    )  # fmt: skip
    request_withdraw(request=withdrawn, person=educator)
    again = request_submit(
        notify=False,
        person=educator, degree=degree, rule=rules["open_learning"], credentials=[], external=texts,
        message="Өмнөх хүсэлтээ буцаасан: элсэлтийн бичиг баримтаа бүрдүүлээд дахин илгээж байна.",
        at=first + dt.timedelta(days=12),
    )  # fmt: skip
    return [again]


# --- standards and pathways ---------------------------------------------------------------------------------------

# (standard code, level code) the achievements evidence
ALIGNMENTS = {
    "AI-TEACH-MC": (("S5", "L2"), ("S2", "L2"), ("S3", "L2"), ("S4", "L1")),
    "AI-TEACH-TRAINER": (("S5", "L3"), ("S6", "L3"), ("S2", "L3")),
    "AI-TEACH-LEADER": (("S5", "L3"), ("S6", "L2")),
}
LEADER: dict[str, Any] = {
    "code": "AI-TEACH-LEADER",
    "kind": Achievement.Kind.AWARD,
    "auto_issue": True,
    "name_mn": "Хиймэл оюуны манлайлагч багш",
    "name_en": "AI Teaching Leader",
    "description_mn": (
        "Бичил гэрчилгээ болон мастер сургагч багшийн гэрчилгээг хоёуланг нь эзэмшсэн, хиймэл оюуны "
        "хэрэглээгээр хамт олноо манлайлдаг багшийг гэрчилнэ."
    ),
    "description_en": (
        "Certifies a teacher who holds both the micro-certificate and the master trainer certification and "
        "leads colleagues in using AI."
    ),
    "criteria_mn": "«Хиймэл оюуны манлайлагч багшийн зам»-ын бүх шатыг дүүргэсэн.",
    "criteria_en": "Completed every step of the “AI teaching leader” pathway.",
    "outcomes_mn": "Хиймэл оюуны хэрэглээгээр хамт олноо чиглүүлэх\nБагш нарыг бэлтгэх, дагалдуулах",
    "outcomes_en": "Guide colleagues in using AI\nPrepare and mentor teachers",
    # manglayilaγči baγsi; the case suffix follows a narrow no-break space.
    "name_traditional": "ᠬᠢᠮᠡᠯ ᠣᠶᠤᠨ ᠤᠬᠠᠭᠠᠨ\u202fᠤ ᠮᠠᠩᠯᠠᠢᠯᠠᠭᠴᠢ ᠪᠠᠭᠰᠢ",
    "quality_assurance_mn": (
        "Замын шатуудыг үндэсний төвийн эрдмийн зөвлөл баталсан; гэрчилгээг шатуудын гэрчилгээнд үндэслэн "
        "автоматаар олгодог."
    ),
    "quality_assurance_en": (
        "The pathway's steps are approved by the national centre's academic council; the credential is issued "
        "automatically on the steps' credentials."
    ),
    "prerequisites_mn": "Их, дээд сургуульд багшилдаг байх.",
    "prerequisites_en": "Teaching at a university or college.",
    "workload_hours": Decimal("124"),  # the two certifications' workloads together
    "ects": Decimal("4.5"),
    "mn_credits": Decimal("3"),
    "eqf_level": 7,
    "nqf_level": 7,
    "assessment_type": Achievement.AssessmentType.PORTFOLIO,
    "participation": Achievement.Participation.HYBRID,
}
SPECIALIST: dict[str, Any] = {
    **LEADER,
    "code": "DIGITAL-LEARNING-SPECIALIST",
    # Not issued automatically yet: the pathway is a draft, not published.
    "auto_issue": False,
    "name_traditional": "ᠴᠠᠬᠢᠮ ᠰᠤᠷᠭᠠᠯᠲᠠ\u202fᠶᠢᠨ ᠮᠡᠷᠭᠡᠵᠢᠯᠲᠡᠨ",  # čakim surγalta-yin mergejilten
    "name_mn": "Цахим сургалтын мэргэжилтэн",
    "name_en": "Digital Learning Specialist",
    "description_mn": "Бичил гэрчилгээний дээр цахим сургалтын нэмэлт гэрчилгээ эзэмшсэн багшийг гэрчилнэ (төсөл).",
    "description_en": "Certifies a teacher with a digital-learning credential on top of the micro-certificate (draft).",
    "criteria_mn": "«Цахим сургалтын мэргэжилтний зам»-ын шатуудыг дүүргэсэн.",
    "criteria_en": "Completed the steps of the “digital learning specialist” pathway.",
}


def _pathway_credentials_issue(credential: Achievement, steps: list[Achievement], *, published: dt.datetime) -> None:
    """Those who already completed the pathway when it was published received its credential then (the job
    `pathway_publish` queues finds them served), dated and without an e-mail, like the other demo credentials."""
    completed: dict[int, dt.datetime] = {}
    held = Credential.objects.filter(achievement__in=steps, status=Credential.Status.ACTIVE)
    for person_id, issued_at in held.order_by("person_id").values_list("person_id", "issued_at"):
        completed[person_id] = max(completed.get(person_id, issued_at), issued_at)
    counts = Counter(held.values_list("person_id", flat=True))
    ready = sorted(person_id for person_id, number in counts.items() if number == len(steps))
    qualifications = rules_evaluate(credential, ready)
    people = Person.objects.in_bulk(ready)
    for person_id in ready:
        if qualifications[person_id].qualifies:
            credential_issue(
                achievement=credential,
                person=people[person_id],
                method=Credential.Method.AUTOMATIC,
                outcomes=qualifications[person_id].outcomes,
                at=max(completed[person_id], published),
                notify=False,
            )


def _standards_create(run: "DemoRun", micro: Achievement, trainer: Achievement) -> None:
    programme = run.current_programme
    standards_default_create(programme=programme)
    descriptors = {
        (d.standard.code, d.level.code): d
        for d in StandardDescriptor.objects.filter(standard__programme=programme).select_related("standard", "level")
    }
    aligned: dict[int, list[Achievement]] = {}
    for achievement in (micro, trainer):
        for key in ALIGNMENTS[achievement.code]:
            if key in descriptors:
                aligned.setdefault(descriptors[key].pk, []).append(achievement)
    by_pk = {d.pk: d for d in descriptors.values()}
    for pk, achievements in sorted(aligned.items()):
        alignment_set(descriptor=by_pk[pk], achievements=achievements)
    run.counts["standard_descriptors"] = len(descriptors)


def _pathways_create(run: "DemoRun", micro: Achievement, trainer: Achievement, admin: Person) -> None:
    """The published "AI teaching leader" pathway (both certifications) and a draft of a second one."""
    programme = run.current_programme
    created = dt.datetime(2025, 9, 15, 10, 0, tzinfo=_LOCAL)
    leader = Achievement.objects.create(
        programme=programme, status=Achievement.Status.ACTIVE, created_at=created, updated_at=created, **LEADER
    )
    leader.competencies.set(
        competencies_by_qualified_codes(["unesco-ai-cft:4.3", "unesco-ai-cft:5.2", "unesco-ai-cft:5.3"]).values()
    )
    pathway = pathway_save(
        programme=programme,
        actor=admin,
        definition=PathwayDefinition(
            code="ai-teaching-leader",
            name_mn="Хиймэл оюуны манлайлагч багшийн зам",
            name_en="AI teaching leader pathway",
            description_mn="Бичил гэрчилгээнээс мастер сургагч багш хүртэлх зам: хоёуланг нь эзэмшвэл "
            "«Хиймэл оюуны манлайлагч багш» гэрчилгээ автоматаар олгогдоно.",
            description_en="From the micro-certificate to master trainer: holding both issues the “AI Teaching "
            "Leader” credential automatically.",
            achievement=leader,
            required=[micro, trainer],
            electives=[],
            electives_required=0,
            milestones=[
                MilestoneDefinition(name_mn="Гэрчилгээтэй багш", name_en="Certified teacher", achievements=[micro]),
                MilestoneDefinition(name_mn="Сургагч багш", name_en="Trainer", achievements=[trainer]),
            ],
        ),
    )
    pathway_publish(pathway=pathway, actor=admin, published=True)
    _pathway_credentials_issue(leader, [micro, trainer], published=created)
    specialist = Achievement.objects.create(
        programme=programme, status=Achievement.Status.ACTIVE, created_at=created, updated_at=created, **SPECIALIST
    )
    specialist.competencies.set(
        competencies_by_qualified_codes(["unesco-ai-cft:3.2", "unesco-ai-cft:4.2", "unesco-ai-cft:5.1"]).values()
    )
    pathway_save(
        programme=programme,
        actor=admin,
        definition=PathwayDefinition(
            code="digital-learning-specialist",
            name_mn="Цахим сургалтын мэргэжилтний зам",
            name_en="Digital learning specialist pathway",
            description_mn="Төсөл: бичил гэрчилгээ ба сонгон гэрчилгээ.",
            description_en="Draft: the micro-certificate and an elective credential.",
            achievement=specialist,
            required=[micro],
            electives=[trainer, leader],
            electives_required=1,
        ),
    )
    descriptors = {
        (d.standard.code, d.level.code): d
        for d in StandardDescriptor.objects.filter(standard__programme=programme).select_related("standard", "level")
    }
    for key in ALIGNMENTS["AI-TEACH-LEADER"]:
        if key in descriptors:
            descriptor = descriptors[key]
            alignment_set(descriptor=descriptor, achievements=[*descriptor.achievements.all(), leader])
    run.counts["pathways"] = 2
