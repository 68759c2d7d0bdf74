"""Test data for credentials: an active achievement on a course, and credentials issued through the service."""

from decimal import Decimal
from typing import Any

from erdem.credentials.models import Achievement, AchievementRule, Credential
from erdem.credentials.services import credential_issue
from erdem.people.models import Person


def achievement_create(*, programme: Any, course: Any = None, code: str = "AI-101-MC", **fields: Any) -> Achievement:
    """An active micro-certificate; with `course`, one rule: the course completed."""
    values: dict[str, Any] = {
        "programme": programme,
        "code": code,
        "status": Achievement.Status.ACTIVE,
        "name_mn": "Боловсролд хиймэл оюун ашиглах үндэс",
        "name_en": "Foundations of AI in Education",
        "name_traditional": "ᠪᠣᠯᠪᠠᠰᠤᠷᠠᠯ",
        "description_mn": "Багш боловсролд хиймэл оюуныг хариуцлагатай ашиглах чадвартайг гэрчилнэ.",
        "description_en": "Certifies that the teacher can use AI responsibly in education.",
        "criteria_mn": "Гурван модулийг дүүргэж, шалгалтад тэнцсэн.",
        "criteria_en": "Completed the three modules and passed the quizzes.",
        "outcomes_mn": "Хиймэл оюуны хэрэгслийг сонгох\nЁс зүйн эрсдэлийг үнэлэх",
        "outcomes_en": "Choose AI tools\nAssess ethical risks",
        "workload_hours": Decimal("30"),
        "ects": Decimal("1"),
        "mn_credits": Decimal("1"),
        "eqf_level": 6,
        "quality_assurance_en": "Reviewed by the national centre's academic council.",
        "quality_assurance_mn": "Үндэсний төвийн эрдмийн зөвлөл хянасан.",
    }
    values.update(fields)
    achievement = Achievement.objects.create(**values)
    if course is not None:
        AchievementRule.objects.create(
            achievement=achievement, kind=AchievementRule.Kind.COURSE_COMPLETED, course=course
        )
    return achievement


def credential_create(*, achievement: Achievement, person: Person, **fields: Any) -> Credential:
    """A credential issued by an administrator's hand (the rules are not checked), without e-mail."""
    fields.setdefault("method", Credential.Method.MANUAL)
    fields.setdefault("reason", "Issued for a test.")
    return credential_issue(achievement=achievement, person=person, notify=False, **fields)
