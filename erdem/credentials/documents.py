"""The Open Badges 3.0 `OpenBadgeCredential` as issued, before it is secured.

Open Badges 3.0 gives each text one string, so bilingual texts carry both languages in the
credential's order ("Монгол / English" for names, paragraphs one after the other for
descriptions). The EU micro-credential elements that Open Badges has no property for are
written into the criteria narrative, in both languages.
"""

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from erdem.credentials.identity import achievement_url, credential_url, issuer_profile
from erdem.credentials.models import Achievement
from erdem.credentials.proofs.contexts import CREDENTIALS_V2, OB_EXTENSIONS, OB_V3
from erdem.credentials.rules import RuleOutcome
from erdem.credentials.status import status_entry_document

OB3_SCHEMA_ID = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
ACHIEVEMENT_TYPES = {
    Achievement.Kind.MICRO_CERTIFICATE: "MicroCredential",
    Achievement.Kind.TRAINER_CERTIFICATION: "Certification",
    Achievement.Kind.AWARD: "Award",
    Achievement.Kind.PARTICIPATION: "Certificate",
}


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 IdentityHash of an e-mail address: "sha256$" and the hex digest of address + salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def _both(achievement: Achievement, field: str, separator: str) -> str:
    texts = [getattr(achievement, f"{field}_{code}") for code in achievement.languages]
    texts = [text.strip() for text in texts if text.strip()]
    unique = list(dict.fromkeys(texts))
    return separator.join(unique)


def _number(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _eu_elements(achievement: Achievement, language: str) -> str:
    with translation.override(language):
        lines = [
            _("Notional workload: %(hours)s hours") % {"hours": _number(achievement.workload_hours)},
        ]
        if achievement.ects is not None:
            lines.append(_("ECTS credits: %(ects)s") % {"ects": _number(achievement.ects)})
        if achievement.mn_credits is not None:
            lines.append(_("Mongolian credits: %(credits)s") % {"credits": _number(achievement.mn_credits)})
        if achievement.eqf_level:
            lines.append(_("EQF level: %(level)s") % {"level": achievement.eqf_level})
        if achievement.nqf_level:
            lines.append(_("Mongolian qualification framework level: %(level)s") % {"level": achievement.nqf_level})
        lines.append(_("Type of assessment: %(type)s") % {"type": achievement.get_assessment_type_display()})
        lines.append(_("Form of participation: %(form)s") % {"form": achievement.get_participation_display()})
        quality = getattr(achievement, f"quality_assurance_{language}").strip()
        if quality:
            lines.append(_("Quality assurance: %(text)s") % {"text": quality})
        prerequisites = getattr(achievement, f"prerequisites_{language}").strip()
        if prerequisites:
            lines.append(_("Prerequisites: %(text)s") % {"text": prerequisites})
        outcomes = [line.strip() for line in getattr(achievement, f"outcomes_{language}").splitlines() if line.strip()]
        text = getattr(achievement, f"criteria_{language}").strip() + "\n\n" + "\n".join(f"- {line}" for line in lines)
        if outcomes:
            text += "\n\n" + _("Learning outcomes:") + "\n" + "\n".join(f"- {line}" for line in outcomes)
    return text


def achievement_document(achievement: Achievement, outcomes: list[RuleOutcome] | None = None) -> dict[str, Any]:
    """The OB 3.0 Achievement: identity, texts in both languages, credits, alignments, result descriptions."""
    url = achievement_url(achievement)
    document: dict[str, Any] = {
        "id": url,
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES[Achievement.Kind(achievement.kind)],
        "name": _both(achievement, "name", " / "),
        "description": _both(achievement, "description", "\n\n"),
        "criteria": {
            "id": url + "#criteria",
            "narrative": "\n\n---\n\n".join(_eu_elements(achievement, code) for code in achievement.languages),
        },
        "humanCode": achievement.code,
        "inLanguage": achievement.languages[0] if achievement.languages else "mn",
    }
    if achievement.image:
        document["image"] = {"id": url + "/image", "type": "Image"}
    if achievement.ects is not None:
        document["creditsAvailable"] = float(achievement.ects)
    alignments = [
        {
            "type": ["Alignment"],
            "targetName": competency.name_en or competency.name_mn,
            "targetCode": competency.code,
            "targetFramework": competency.framework.name_en or competency.framework.name_mn,
            "targetUrl": f"{url}#competency-{competency.framework.code}-{competency.code}",
            "targetType": "ext:Competency",
        }
        for competency in achievement.competencies.select_related("framework").order_by("framework__code", "code")
    ]
    if alignments:
        document["alignment"] = alignments
    scored = [outcome for outcome in outcomes or [] if outcome.score is not None]
    if scored:
        document["resultDescription"] = [
            {
                "id": f"{url}#result-{outcome.rule.pk}",
                "type": ["ResultDescription"],
                "name": outcome.label,
                "resultType": "Percent",
                "requiredValue": str(outcome.rule.threshold),
                "valueMin": "0",
                "valueMax": "100",
            }
            for outcome in scored
        ]
    return document


def credential_document(
    *,
    public_id: object,
    achievement: Achievement,
    email: str,
    salt: str,
    subject_did: str,
    issued_at: dt.datetime,
    awarded_at: dt.datetime,
    valid_until: dt.datetime | None,
    status_list_number: int,
    status_index: int,
    outcomes: list[RuleOutcome],
    evidence: list[dict[str, Any]],
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential; `outcomes` give results, `evidence` the reviewed tasks."""
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(email, salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            }
        ],
        "achievement": achievement_document(achievement, outcomes),
    }
    if subject_did:
        subject = {"id": subject_did, **subject}
    results = [
        {
            "type": ["Result"],
            "resultDescription": f"{achievement_url(achievement)}#result-{outcome.rule.pk}",
            "value": str(outcome.score),
        }
        for outcome in outcomes
        if outcome.score is not None
    ]
    if results:
        subject["result"] = results
    if achievement.ects is not None:
        subject["creditsEarned"] = float(achievement.ects)
    document: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OB_V3, OB_EXTENSIONS],
        "id": credential_url(public_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": _both(achievement, "name", " / "),
        "issuer": issuer_profile(achievement.programme),
        "validFrom": iso(issued_at),
        "awardedDate": iso(awarded_at),
        "credentialSubject": subject,
        "credentialSchema": [{"id": OB3_SCHEMA_ID, "type": "1EdTechJsonSchemaValidator2019"}],
        "credentialStatus": status_entry_document(status_list_number, status_index),
    }
    if valid_until is not None:
        document["validUntil"] = iso(valid_until)
    if evidence:
        document["evidence"] = evidence
    return document
