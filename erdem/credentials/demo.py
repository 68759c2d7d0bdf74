"""The demo step that defines the programme's credentials and issues them from the learning records.

The programme's account says that 580 of its 2,054 registered educators were certified, out of
the 1,698 who completed all three AI courses. The demo defines one national micro-certificate,
"Teachers' AI competency", whose rules are: the three AI courses completed (which already needs
every lesson done, every quiz passed and every practical task approved), at least 80 % in the
final quiz of the third course, its practical task approved, and at least two workshops of the
third course attended: the two days of a regional certification seminar, where candidates
present their practical task. The records before this step never give anyone two workshops of
the third course (one regional workshop per region and course; the cohorts follow the first two
courses), so the certified set is decided up front, drawn among those who meet every other rule,
and the seminars are written for them: they attend both days; a few other candidates registered
and did not come. The credentials are then issued through the real service (rules checked, signed,
status entries allocated), dated when the last rule was met, and a few are revoked or suspended
by the national admin. The set is as many more than `demo_certified_target` (CERTIFIED_SHARE of
the registered educators) as are revoked or suspended, so that exactly that many hold an active
micro-certificate, the programme's "certified" figure. Every holder meets every rule and nobody
else meets them all.

Each master teacher holds the trainer certification, issued by hand by the national admin when
they were appointed after the national training of trainers: it predates the courses, so no rule
of the platform's records decides it.
"""

import datetime as dt
import uuid
import zoneinfo
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db.models import Min

from erdem.access.models import Role, RoleAssignment
from erdem.assessments.models import Attempt, Quiz
from erdem.assignments.models import Assignment, Review, Submission
from erdem.catalog.models import Course
from erdem.credentials.keys import key_active
from erdem.credentials.models import Achievement, AchievementRule, Credential, IssuerKey
from erdem.credentials.rules import achievement_rules, rules_evaluate
from erdem.credentials.services import credential_issue, credential_revoke, credential_suspend
from erdem.frameworks.selectors import competencies_by_qualified_codes
from erdem.learning.demo import AI_COURSES
from erdem.learning.models import Enrolment
from erdem.organisations.models import Institution
from erdem.people.models import Person
from erdem.workshops.demo import ROOMS, TOWN_HALL
from erdem.workshops.models import Attendance, AttendanceMark, Registration, Workshop

if TYPE_CHECKING:
    import random

    from erdem.demo.services import DemoRun

_LOCAL = zoneinfo.ZoneInfo("Asia/Ulaanbaatar")
# The programme's account: 580 of its 2,054 registered educators were certified.
CERTIFIED_SHARE = Fraction(580, 2054)
FINAL_QUIZ_THRESHOLD = 80  # per cent, in the last quiz of the third course (its pass mark is 70)
SEMINAR_DAYS = 2
SEMINAR_SIZE = 30
NO_SHOWS = (0, 3)  # other candidates who registered for a seminar and did not come, per seminar
# Reasons are written by the national centre's staff, in Mongolian.
REVOCATIONS = (
    "Практик даалгаварт хулгайн шинж илэрсэн тул хянан үзээд хүчингүй болгов.",
    "Буруу хүнд олгосон: давхар бүртгэл.",
    "Практик даалгаварт хулгайн шинж илэрсэн тул хянан үзээд хүчингүй болгов.",
)
SUSPENSION = "Практик даалгаврын талаарх гомдлыг шалгаж байгаа тул түр түдгэлзүүлэв."
TRAINER_REASON = "Сургагч багш бэлтгэх үндэсний сургалтын дараа мастер багшаар томилогдсон."
SEMINAR_TITLE = (
    "Бичил гэрчилгээний семинар: практик даалгаврын танилцуулга ({day}-р өдөр)",
    "Micro-certificate seminar: presenting the practical task (day {day})",
)

MICRO_CERTIFICATE: dict[str, Any] = {
    "code": "AI-TEACH-MC",
    "kind": Achievement.Kind.MICRO_CERTIFICATE,
    "auto_issue": True,
    "name_mn": "Багшийн хиймэл оюун ухааны чадамж",
    "name_en": "AI Competency for Higher Education Teachers",
    # baγsi-yin qimel oyun uqaγan-u čidamji; the case suffixes follow a narrow no-break space.
    "name_traditional": "ᠪᠠᠭᠰᠢ\u202fᠶᠢᠨ ᠬᠢᠮᠡᠯ ᠣᠶᠤᠨ ᠤᠬᠠᠭᠠᠨ\u202fᠤ ᠴᠢᠳᠠᠮᠵᠢ",
    "description_mn": (
        "Их, дээд сургуулийн багш үүсгэгч хиймэл оюун ухааныг сургалт, үнэлгээндээ ёс зүйтэй, "
        "үр дүнтэй ашиглаж, хамт олондоо түгээх чадвартайг гэрчилнэ. Үндэсний хөтөлбөрийн гурван "
        "сургалт, практик даалгавар, бүсийн семинарт үндэслэн олгоно."
    ),
    "description_en": (
        "Certifies that a university teacher uses generative AI in teaching and assessment "
        "effectively and ethically, and can lead colleagues in doing so. Awarded on the national "
        "programme's three courses, a reviewed practical task and a regional seminar."
    ),
    "criteria_mn": (
        "«Дээд боловсрол дахь үүсгэгч хиймэл оюун ухааны үндэс», «Хиймэл оюун ухаантай заах нь: "
        "практик зөвлөмж ба хүсэлтүүд», «Ирээдүйн анги танхимаар аялах нь» сургалтуудыг бүрэн "
        "дүүргэсэн; гурав дахь сургалтын төгсгөлийн сорилд 80-аас доошгүй хувийн оноо авсан; "
        "түүний практик даалгавар рубрикаар үнэлэгдэж батлагдсан; бүсийн бичил гэрчилгээний "
        "семинарын хоёр өдөрт биечлэн оролцож, практик даалгавраа танилцуулсан."
    ),
    "criteria_en": (
        "Completed the courses “Fundamentals of Generative AI in Higher Education”, “Teaching with AI: "
        "Practical Tips and Prompts” and “A Journey through the Future Classroom”; scored at least 80% in "
        "the final quiz of the third course; had its practical task reviewed against the rubric and "
        "approved; attended both days of a regional micro-certificate seminar and presented the task there."
    ),
    "outcomes_mn": (
        "Үүсгэгч хиймэл оюун ухаан, том хэлний загварын ажиллах зарчим, хязгаарлалтыг тайлбарлах\n"
        "Хиймэл оюун ухааны хэрэглээний ёс зүй, эрдэм шинжилгээний шударга байдлын эрсдэлийг үнэлэх\n"
        "Монгол, англи хэлээр үр дүнтэй хүсэлт бичиж, гарсан үр дүнг шалгах\n"
        "Хиймэл оюун ухаанаар хичээл, материал, санал хүсэлтийг бэлтгэж, оюутан төвтэй хэрэглэх\n"
        "Сургалт, үнэлгээний өөрчлөлтийг хамт олонтойгоо төлөвлөж удирдах"
    ),
    "outcomes_en": (
        "Explain how generative AI and large language models work, and where they fail\n"
        "Assess the ethical and academic-integrity risks of using AI\n"
        "Write effective prompts in Mongolian and English and check what comes back\n"
        "Prepare lessons, materials and feedback with AI, with students at the centre\n"
        "Plan and lead changes in teaching and assessment with colleagues"
    ),
    "workload_hours": Decimal("44"),  # 10 + 12 + 10 hours of courses, 12 hours of seminar and task
    "ects": Decimal("1.5"),
    "mn_credits": Decimal("1"),
    "eqf_level": 7,
    "nqf_level": 7,
    "assessment_type": Achievement.AssessmentType.QUIZ_AND_PRACTICAL,
    "participation": Achievement.Participation.HYBRID,
    "quality_assurance_mn": (
        "Сургалтын агуулгыг үндэсний төвийн эрдмийн зөвлөл баталсан; практик даалгаврыг сургагч "
        "багш, зөвлөх багш рубрикаар үнэлдэг; гэрчилгээний шалгуурыг жил бүр хянадаг."
    ),
    "quality_assurance_en": (
        "Course content approved by the national centre's academic council; practical tasks assessed "
        "against a rubric by trainers and mentors; the certification rules reviewed every year."
    ),
    "prerequisites_mn": "Их, дээд сургуульд багшилдаг байх.",
    "prerequisites_en": "Teaching at a university or college.",
}
# The competencies of the three courses.
MICRO_CERTIFICATE_COMPETENCIES = (
    "unesco-ai-cft:1.1", "unesco-ai-cft:1.3", "unesco-ai-cft:2.1", "unesco-ai-cft:2.3", "unesco-ai-cft:3.1",
    "unesco-ai-cft:3.2", "unesco-ai-cft:4.1", "unesco-ai-cft:4.2", "unesco-ai-cft:4.3", "unesco-ai-cft:5.3",
)  # fmt: skip

TRAINER_CERTIFICATION: dict[str, Any] = {
    "code": "AI-TEACH-TRAINER",
    "kind": Achievement.Kind.TRAINER_CERTIFICATION,
    "auto_issue": False,
    "name_mn": "Мастер сургагч багш",
    "name_en": "Master Trainer",
    "name_traditional": "ᠰᠤᠷᠭᠠᠭᠴᠢ ᠪᠠᠭᠰᠢ",  # surγaγči baγsi
    "description_mn": (
        "Үндэсний хөтөлбөрийн сургалтыг бүс нутагт удирдан явуулах, сургагч багш нарыг бэлтгэх, "
        "хамт олондоо зөвлөх эрхтэй мастер багшийг гэрчилнэ."
    ),
    "description_en": (
        "Certifies a master teacher entitled to lead the national programme's training in the regions, "
        "to prepare trainers and to mentor colleagues."
    ),
    "criteria_mn": (
        "Үндэсний төвийн сургагч багш бэлтгэх сургалтыг дүүргэж, сургалтын агуулгыг нутагшуулахад "
        "оролцож, үндэсний төвөөс мастер багшаар томилогдсон."
    ),
    "criteria_en": (
        "Completed the national centre's training of trainers, took part in localising the courses and "
        "was appointed master teacher by the national centre."
    ),
    "outcomes_mn": (
        "Хиймэл оюун ухааны сургалтыг танхим болон цахимаар удирдан явуулах\n"
        "Бусад багшийн практик даалгаврыг рубрикаар үнэлж, санал өгөх\n"
        "Сургагч багш нарыг бэлтгэж, зөвлөх"
    ),
    "outcomes_en": (
        "Lead AI training face to face and online\n"
        "Assess colleagues' practical tasks against a rubric and give feedback\n"
        "Prepare and mentor trainers"
    ),
    "workload_hours": Decimal("80"),
    "ects": Decimal("3"),
    "mn_credits": Decimal("2"),
    "eqf_level": 7,
    "nqf_level": 7,
    "assessment_type": Achievement.AssessmentType.OBSERVATION,
    "participation": Achievement.Participation.IN_PERSON,
    "quality_assurance_mn": "Үндэсний төвийн эрдмийн зөвлөл сургагч багш бэлтгэх сургалтыг баталж, томилгоог хянадаг.",
    "quality_assurance_en": (
        "The national centre's academic council approves the training of trainers and reviews each appointment."
    ),
    "prerequisites_mn": "Их, дээд сургуульд багшилдаг байх.",
    "prerequisites_en": "Teaching at a university or college.",
}
TRAINER_COMPETENCIES = ("unesco-ai-cft:4.3", "unesco-ai-cft:5.1", "unesco-ai-cft:5.2", "unesco-ai-cft:5.3")


def demo_certified_target(educators: int) -> int:
    """How many of `educators` registered educators hold the micro-certificate in the demo."""
    return round(educators * CERTIFIED_SHARE)


def demo_credentials_create(*, run: "DemoRun") -> None:
    """The two achievements, the certification seminars of the certified, their credentials, the
    revocations and the master teachers' trainer certifications."""
    from erdem.demo.services import APPOINTED_ON

    programme = run.current_programme
    courses = {c.code: c for c in Course.objects.filter(programme=programme, code__in=AI_COURSES)}
    if len(courses) < len(AI_COURSES):
        return
    rng = run.rng
    # The centre's signing key dates from the programme's start, before anything it signed.
    key = key_active()
    IssuerKey.objects.filter(pk=key.pk).update(
        created_at=dt.datetime.combine(programme.starts_on, dt.time(9), tzinfo=dt.UTC)
    )
    micro = _achievement_create(run, MICRO_CERTIFICATE, MICRO_CERTIFICATE_COMPETENCIES)
    final_course = courses[AI_COURSES[-1]]
    _rules_create(micro, courses, final_course)
    rules = achievement_rules(micro)
    seminar_rule = next(rule for rule in rules if rule.kind == AchievementRule.Kind.WORKSHOPS_ATTENDED)

    educators = list(
        RoleAssignment.objects.filter(programme=programme, role=Role.EDUCATOR, person__email_confirmed_at__isnull=False)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    evaluated = rules_evaluate(micro, educators, rules=[rule for rule in rules if rule is not seminar_rule])
    candidates = [person_id for person_id, qualification in evaluated.items() if qualification.qualifies]
    # A few of those issued are revoked or suspended below: issue that many more, so that exactly
    # `target` people hold an active micro-certificate in the end.
    target, withdrawn = demo_certified_target(run.size.educators), len(REVOCATIONS) + 1
    certified = sorted(rng.sample(candidates, min(target + withdrawn, len(candidates))))
    _seminars_create(run, rng, final_course, certified, sorted(set(candidates) - set(certified)))

    qualifications = rules_evaluate(micro, certified, rules=rules)
    met_at = _last_rule_met(micro, certified)
    people = Person.objects.in_bulk(certified)
    issued = [
        credential_issue(
            achievement=micro,
            person=people[person_id],
            method=Credential.Method.AUTOMATIC,
            outcomes=qualifications[person_id].outcomes,
            at=met_at[person_id],
            notify=False,
        )
        for person_id in certified
    ]
    logins = set(run.logins.values())
    changeable = [credential for credential in issued if credential.person.email not in logins]
    chosen = rng.sample(changeable, min(withdrawn, len(changeable), max(0, len(issued) - target)))
    for credential, reason in zip(chosen, REVOCATIONS, strict=False):
        credential_revoke(credential=credential, actor=run.granted_by, reason=reason)
    if len(chosen) > len(REVOCATIONS):
        credential_suspend(credential=chosen[-1], actor=run.granted_by, reason=SUSPENSION)

    trainer = _achievement_create(run, TRAINER_CERTIFICATION, TRAINER_COMPETENCIES)
    masters = Person.objects.filter(
        role_assignments__programme=programme, role_assignments__role=Role.MASTER_TEACHER
    ).order_by("pk")
    for master in masters:
        credential_issue(
            achievement=trainer,
            person=master,
            method=Credential.Method.MANUAL,
            actor=run.granted_by,
            reason=TRAINER_REASON,
            outcomes=[],  # no rules: issued by hand
            at=APPOINTED_ON[Role.MASTER_TEACHER],
            notify=False,
        )
    run.counts["achievements"] = 2
    run.counts["credentials"] = Credential.objects.filter(achievement__programme=programme).count()
    run.counts["credentials_certified"] = len(issued)  # revoked and suspended ones included
    run.counts["certified"] = len(issued) - len(chosen)  # holding an active micro-certificate
    run.counts["credentials_revoked"] = min(len(REVOCATIONS), len(chosen))


def _achievement_create(run: "DemoRun", fields: dict[str, Any], competency_codes: tuple[str, ...]) -> Achievement:
    """Active, dated when the programme opened its courses."""
    created = dt.datetime(2024, 9, 20, 10, 0, tzinfo=_LOCAL)
    achievement = Achievement.objects.create(
        programme=run.current_programme,
        status=Achievement.Status.ACTIVE,
        created_at=created,
        updated_at=created,
        **fields,
    )
    achievement.competencies.set(competencies_by_qualified_codes(list(competency_codes)).values())
    return achievement


def _rules_create(micro: Achievement, courses: dict[str, Course], final_course: Course) -> None:
    final_quiz = (
        Quiz.objects.filter(lesson__module__course=final_course)
        .order_by("-lesson__module__position", "-lesson__position")
        .first()
    )
    task = Assignment.objects.filter(lesson__module__course=final_course, required=True).order_by("pk").first()
    kind = AchievementRule.Kind
    rules = [AchievementRule(kind=kind.COURSE_COMPLETED, course=courses[code]) for code in AI_COURSES]
    if final_quiz is not None:
        rules.append(AchievementRule(kind=kind.QUIZ_SCORE, quiz=final_quiz, threshold=FINAL_QUIZ_THRESHOLD))
    if task is not None:
        rules.append(AchievementRule(kind=kind.ASSIGNMENT_APPROVED, assignment=task))
    rules.append(AchievementRule(kind=kind.WORKSHOPS_ATTENDED, course=final_course, threshold=SEMINAR_DAYS))
    for position, rule in enumerate(rules, start=1):
        rule.achievement, rule.position = micro, position
    AchievementRule.objects.bulk_create(rules)


def _seminars_create(
    run: "DemoRun", rng: "random.Random", course: Course, certified: list[int], others: list[int]
) -> None:
    """Per region, the certified in order of completing the final course, SEMINAR_SIZE a seminar of
    SEMINAR_DAYS days, one to three weeks after the last of them completed; a few other candidates
    of the region registered and did not come."""
    programme = run.current_programme
    completed: dict[int, dt.datetime] = {
        person_id: at
        for person_id, at in Enrolment.objects.filter(course=course, person_id__in=[*certified, *others])
        .order_by()
        .values_list("person_id", "completed_at")
        if at is not None
    }
    region_of = dict(Person.objects.filter(pk__in=[*certified, *others]).values_list("pk", "institution__region_id"))
    by_region: dict[int | None, list[int]] = defaultdict(list)
    for person_id in sorted(certified, key=lambda pk: (completed[pk], pk)):
        by_region[region_of[person_id]].append(person_id)
    absent_pool: dict[int | None, list[int]] = defaultdict(list)
    for person_id in others:
        absent_pool[region_of[person_id]].append(person_id)
    cascade: dict[int | None, list[int]] = defaultdict(list)
    for person_id, cascade_region in (
        RoleAssignment.objects.current()
        .filter(programme=programme, role__in=(Role.TRAINER, Role.MASTER_TEACHER))
        .order_by("person_id")
        .values_list("person_id", "region_id")
    ):
        cascade[cascade_region].append(person_id)
    everyone = sorted({pk for people in cascade.values() for pk in people})
    places: dict[int | None, list[Institution]] = defaultdict(list)
    for institution in run.institutions:
        places[institution.region_id].append(institution)

    workshops: list[Workshop] = []
    trainer_links: list[tuple[int, list[int]]] = []
    registrations: list[tuple[int, int, dt.datetime]] = []
    marks: list[tuple[int, int, str, dt.datetime, int]] = []  # (workshop, person, status, at, by)
    for region_id in sorted(by_region, key=lambda pk: pk or 0):
        group = by_region[region_id]
        for start in range(0, len(group), SEMINAR_SIZE):
            members = group[start : start + SEMINAR_SIZE]
            last = max(completed[pk] for pk in members).astimezone(_LOCAL).date()
            first_day = last + dt.timedelta(days=rng.randint(7, 21))
            pool = [pk for pk in absent_pool[region_id] if pk in completed and completed[pk].date() < first_day]
            no_shows = rng.sample(pool, min(len(pool), rng.randint(*NO_SHOWS)))
            for person_id in no_shows:
                absent_pool[region_id].remove(person_id)
            local = cascade.get(region_id) or everyone
            trainers = rng.sample(local, min(2, len(local)))
            venue = rng.choice(places[region_id]) if places.get(region_id) else None
            place = rng.choice(ROOMS) if venue else TOWN_HALL
            for day in range(1, SEMINAR_DAYS + 1):
                date = first_day + dt.timedelta(days=day - 1)
                starts = dt.datetime(date.year, date.month, date.day, 10, 0, tzinfo=_LOCAL)
                title_mn, title_en = (title.format(day=day) for title in SEMINAR_TITLE)
                workshops.append(
                    Workshop(
                        programme=programme, course=course, mode=Workshop.Mode.IN_PERSON,
                        title_mn=title_mn, title_en=title_en, region_id=region_id, institution=venue,
                        place=place, starts_at=starts, ends_at=starts + dt.timedelta(hours=6),
                        capacity=max(SEMINAR_SIZE, len(members) + len(no_shows)), counts_for_completion=False,
                        created_at=starts - dt.timedelta(days=30),
                    )
                )  # fmt: skip
                index = len(workshops) - 1
                trainer_links.append((index, trainers))
                for person_id in [*members, *no_shows]:
                    registrations.append((index, person_id, starts - dt.timedelta(days=rng.randint(3, 14))))
                for person_id in members:
                    marks.append((index, person_id, "present", starts + dt.timedelta(minutes=rng.randint(0, 10)),
                                  trainers[0]))  # fmt: skip
                if day == 1:
                    for person_id in no_shows:
                        marks.append((index, person_id, "absent", starts + dt.timedelta(minutes=30), trainers[0]))
    Workshop.objects.bulk_create(workshops)
    through = Workshop.trainers.through
    through.objects.bulk_create(
        through(workshop_id=workshops[index].pk, person_id=person_id)
        for index, people in trainer_links
        for person_id in people
    )
    Registration.objects.bulk_create(
        Registration(workshop=workshops[index], person_id=person_id, status="registered", registered_at=at)
        for index, person_id, at in registrations
    )
    Attendance.objects.bulk_create(
        Attendance(workshop=workshops[index], person_id=person_id, status=status, source="roster", marked_at=at,
                   marked_by_id=by)
        for index, person_id, status, at, by in marks
    )  # fmt: skip
    AttendanceMark.objects.bulk_create(
        AttendanceMark(
            id=uuid.UUID(int=rng.getrandbits(128), version=4), workshop=workshops[index], person_id=person_id,
            status=status, source="roster", marked_at=at, received_at=at, marked_by_id=by,
            outcome=AttendanceMark.Outcome.APPLIED,
        )
        for index, person_id, status, at, by in marks
    )  # fmt: skip
    run.counts["workshops"] += len(workshops)
    run.counts["workshop_registrations"] += len(registrations)
    run.counts["attendance"] += len(marks)


def _last_rule_met(micro: Achievement, person_ids: list[int]) -> dict[int, dt.datetime]:
    """When each person met the last of the micro-certificate's rules: the latest of the courses'
    completions, the first quiz attempt at the threshold, the approval of the task and the attendance
    that made the workshops count."""
    moments: dict[int, list[dt.datetime]] = defaultdict(list)
    kind = AchievementRule.Kind
    for rule in micro.rules.all():
        rows: list[tuple[int, dt.datetime | None]]
        if rule.kind == kind.COURSE_COMPLETED and rule.course_id is not None:
            rows = list(
                Enrolment.objects.filter(course_id=rule.course_id, person_id__in=person_ids).values_list(
                    "person_id", "completed_at"
                )
            )
        elif rule.kind == kind.QUIZ_SCORE and rule.quiz_id is not None:
            rows = list(
                Attempt.objects.filter(quiz_id=rule.quiz_id, person_id__in=person_ids, score__gte=rule.threshold)
                .values("person_id")
                .annotate(at=Min("submitted_at"))
                .values_list("person_id", "at")
            )
        elif rule.kind == kind.ASSIGNMENT_APPROVED and rule.assignment_id is not None:
            rows = list(
                Review.objects.filter(
                    submission__assignment_id=rule.assignment_id,
                    submission__person_id__in=person_ids,
                    submission__status=Submission.Status.APPROVED,
                    decision=Review.Decision.APPROVE,
                ).values_list("submission__person_id", "reviewed_at")
            )
        elif rule.kind == kind.WORKSHOPS_ATTENDED and rule.course_id is not None:
            attended: dict[int, list[dt.datetime]] = defaultdict(list)
            for person_id, marked_at in (
                Attendance.objects.filter(
                    person_id__in=person_ids, status="present", workshop__course_id=rule.course_id
                )
                .order_by("marked_at")
                .values_list("person_id", "marked_at")
            ):
                attended[person_id].append(marked_at)
            needed = rule.threshold or 1
            rows = [(pk, ats[needed - 1]) for pk, ats in attended.items() if len(ats) >= needed]
        else:
            continue
        for person_id, at in rows:
            if at is not None:
                moments[person_id].append(at)
    return {person_id: max(moments[person_id]) for person_id in person_ids}
