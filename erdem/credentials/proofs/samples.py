"""Open Badges 3.0 credentials for tests and benchmarks: one realistic credential, and a
generator of varied ones (Mongolian in Cyrillic and in the traditional script, emoji,
quotes, backslashes and control characters in strings, numbers, dates, nested arrays,
evidence, results, alignments, blank nodes)."""

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from erdem.credentials.proofs.contexts import CREDENTIALS_V2, OB_V3

ISSUER_DID = "did:web:erdem.example"
ISSUER_KEY_SEED = bytes.fromhex("9b1c4a3f0e2d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6978695a4b")


def sample_credential(*, number: int = 1) -> dict[str, Any]:
    """A realistic OpenBadgeCredential for a completed micro-credential (without proof)."""
    return {
        "@context": [CREDENTIALS_V2, OB_V3],
        "id": f"https://erdem.example/credentials/{number:08d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": ISSUER_DID,
            "type": ["Profile"],
            "name": "Боловсролын ерөнхий газар",
            "url": "https://erdem.example/",
            "email": "credentials@erdem.example",
        },
        "name": "Хиймэл оюун ухааныг сургалтад ашиглах — суурь түвшин",
        "description": "Багш хиймэл оюун ухааны хэрэгслийг хичээлийн төлөвлөлт, үнэлгээнд ашиглах чадвар.",
        "validFrom": "2026-11-28T09:30:00Z",
        "validUntil": "2031-11-28T09:30:00Z",
        "awardedDate": "2026-11-28T09:30:00Z",
        "credentialSubject": {
            "id": f"urn:uuid:3b5d4c1e-8f2a-4e6b-9c7d-{number:012d}",
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$28d4a2b3c9e3a0f1d8c1f7b6e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "not-a-real-salt",
                }
            ],
            "activityStartDate": "2026-09-01",
            "activityEndDate": "2026-11-20",
            "creditsEarned": 2.5,
            "result": [
                {
                    "type": ["Result"],
                    "resultDescription": "urn:uuid:9f1e0d2c-1b3a-4c5d-8e7f-000000000001",
                    "value": "92",
                },
            ],
            "achievement": {
                "id": "https://erdem.example/achievements/ai-101",
                "type": ["Achievement"],
                "achievementType": "MicroCredential",
                "name": "Хиймэл оюун ухааныг сургалтад ашиглах",
                "description": "Дөрвөн модуль, практик даалгавар, үнэлгээ.",
                "criteria": {
                    "narrative": "Бүх модулийн тестийг 80%-иас дээш оноотой давж, практик даалгаврыг рубрикаар "
                    "«хангалттай»-аас дээш үнэлгээ авсан байх."
                },
                "creditsAvailable": 2.5,
                "fieldOfStudy": "Боловсрол",
                "humanCode": "AI-101",
                "inLanguage": "mn",
                "image": {
                    "id": "https://erdem.example/static/badges/ai-101.png",
                    "type": "Image",
                    "caption": "AI-101 тэмдэг",
                },
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "Багшийн мэргэжлийн стандарт 3.2",
                        "targetUrl": "https://erdem.example/standards/3.2",
                        "targetFramework": "Багшийн мэргэжлийн стандарт",
                        "targetCode": "3.2",
                    }
                ],
                "resultDescription": [
                    {
                        "id": "urn:uuid:9f1e0d2c-1b3a-4c5d-8e7f-000000000001",
                        "type": ["ResultDescription"],
                        "name": "Эцсийн оноо",
                        "resultType": "Percent",
                        "valueMin": "0",
                        "valueMax": "100",
                        "requiredValue": "80",
                    }
                ],
                "tag": ["хиймэл оюун ухаан", "багш", "микро-кредит"],
            },
        },
        "evidence": [
            {
                "id": f"https://erdem.example/evidence/{number:08d}/practical",
                "type": ["Evidence"],
                "name": "Практик даалгавар",
                "narrative": "Хичээлийн төлөвлөгөө, хиймэл оюун ухаанаар бэлтгэсэн даалгаврын жишээ.",
                "genre": "Хичээлийн төлөвлөгөө",
            }
        ],
        "credentialStatus": {
            "id": f"https://erdem.example/status/1#{number}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(number),
            "statusListCredential": "https://erdem.example/status/1",
        },
    }


_CYRILLIC = "АБВГДЕЁЖЗИЙКЛМНОӨПРСТУҮФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмноөпрстуүфхцчшщъыьэюя"
_TRADITIONAL = "".join(chr(code) for code in range(0x1820, 0x1878)) + "\u180b\u180e\u202f"
_EMOJI = ["🎓", "🏅", "✅", "👩🏽‍🏫", "🇲🇳", "📚", "🧠", "❤️"]
_TRICKY = [
    '"',
    "\\",
    "\n",
    "\r",
    "\t",
    "\b",
    "\f",
    "\u0001",
    "\u007f",
    "'",
    "<",
    ">",
    "&",
    "\u00a0",
    "\u2028",
    "\ufeff",
]


def _text(rng: random.Random, length: int = 24) -> str:
    parts = []
    for _ in range(rng.randint(1, length)):
        kind = rng.random()
        if kind < 0.45:
            parts.append(rng.choice(_CYRILLIC))
        elif kind < 0.65:
            parts.append(rng.choice(_TRADITIONAL))
        elif kind < 0.72:
            parts.append(rng.choice(_EMOJI))
        elif kind < 0.82:
            parts.append(rng.choice(_TRICKY))
        elif kind < 0.92:
            parts.append(" ")
        else:
            parts.append(rng.choice("abcXYZ0123456789.,;:!?-_/"))
    return "".join(parts)


def _number(rng: random.Random) -> int | float:
    return rng.choice(
        [
            0,
            1,
            -1,
            7,
            2**31,
            2**53,
            0.5,
            2.5,
            -3.25,
            1.5e-6,
            1.0e21,
            2e22,
            123456.789,
            0.1,
            1 / 3,
            100.0,
            rng.uniform(-1e6, 1e6),
        ]
    )


def _date(rng: random.Random) -> str:
    moment = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 400_000_000))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _maybe_id(rng: random.Random, prefix: str) -> dict[str, str]:
    """An id half of the time; a blank node otherwise."""
    roll = rng.random()
    if roll < 0.4:
        return {"id": f"https://erdem.example/{prefix}/{rng.randint(1, 10**9)}"}
    if roll < 0.5:
        return {"id": f"urn:uuid:00000000-0000-4000-8000-{rng.randint(0, 10**12):012d}"}
    return {}


def generated_credential(rng: random.Random) -> dict[str, Any]:
    """A varied, valid OpenBadgeCredential (without proof) drawn from rng."""
    credential = sample_credential(number=rng.randint(1, 10**7))
    credential["name"] = _text(rng)
    credential["description"] = _text(rng, 120)
    credential["validFrom"] = _date(rng)
    if rng.random() < 0.5:
        del credential["validUntil"]
    else:
        credential["validUntil"] = _date(rng)
    subject = credential["credentialSubject"]
    subject["creditsEarned"] = _number(rng)
    subject["activityStartDate"] = f"20{rng.randint(10, 30)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    if rng.random() < 0.3:
        del subject["id"]  # the subject becomes a blank node
    subject["result"] = [
        {"type": ["Result"], "value": _text(rng, 6), "status": rng.choice(["Completed", "Enrolled", "Passed"])}
        for _ in range(rng.randint(0, 4))
    ]
    achievement = subject["achievement"]
    achievement["name"] = _text(rng)
    achievement["description"] = _text(rng, 200)
    achievement["criteria"] = {
        "narrative": _text(rng, 300),
        **({"id": "https://erdem.example/c"} if rng.random() < 0.2 else {}),
    }
    achievement["creditsAvailable"] = _number(rng)
    achievement["tag"] = [_text(rng, 8) for _ in range(rng.randint(0, 6))]
    achievement["alignment"] = [
        {
            "type": ["Alignment"],
            "targetName": _text(rng, 20),
            "targetUrl": f"https://erdem.example/standards/{rng.randint(1, 99)}.{rng.randint(1, 9)}",
            "targetCode": _text(rng, 5),
            "targetDescription": _text(rng, 60),
        }
        for _ in range(rng.randint(0, 5))
    ]
    achievement["resultDescription"] = [
        {
            "id": f"urn:uuid:9f1e0d2c-1b3a-4c5d-8e7f-{index:012d}",
            "type": ["ResultDescription"],
            "name": _text(rng, 12),
            "resultType": rng.choice(["Percent", "GradePointAverage", "RubricScore", "ext:Custom"]),
            "allowedValue": [_text(rng, 4) for _ in range(rng.randint(0, 3))],
            "rubricCriterionLevel": [
                {
                    "id": f"urn:uuid:level-{index}-{level}",
                    "type": ["RubricCriterionLevel"],
                    "name": _text(rng, 6),
                    "level": _text(rng, 4),
                    "points": str(level),
                }
                for level in range(rng.randint(0, 3))
            ],
        }
        for index in range(rng.randint(0, 3))
    ]
    credential["evidence"] = [
        {
            **_maybe_id(rng, "evidence"),
            "type": ["Evidence"],
            "name": _text(rng, 16),
            "narrative": _text(rng, 160),
            "description": _text(rng, 40),
            "audience": _text(rng, 8),
        }
        for _ in range(rng.randint(0, 4))
    ]
    issuer = credential["issuer"]
    issuer["name"] = _text(rng, 30)
    if rng.random() < 0.5:
        issuer["address"] = {
            "type": ["Address"],
            "addressCountry": "Монгол Улс",
            "addressLocality": _text(rng, 10),
            "streetAddress": _text(rng, 30),
            "geo": {"type": "GeoCoordinates", "latitude": _number(rng), "longitude": _number(rng)},
        }
    return credential
