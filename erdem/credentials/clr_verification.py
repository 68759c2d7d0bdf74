"""Verifying a CLR 2.0 learning record (a `ClrCredential`): the record itself, then each credential inside.

The record goes through the checks a credential does (verification.py's signature, issuer, status and
dates, in the same words) with its own format check, since it is not an Open Badge. Each credential it
holds is then checked on its own with `credential_verify`, Open Badges credentials and EndorsementCredentials
alike, even when the record's own signature fails: a credential inside stands on its own signature, and
the page says that the list around it cannot be trusted. Nothing here raises.

Checking another issuer's credential may read its keys and status list from their website, so a record
that would make this server fetch for many credentials has only the first few of those checked; a record
from this platform is checked entirely locally.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from erdem.credentials.fetch import InputTooDeep, json_parse, own_host
from erdem.credentials.identity import issuer_did
from erdem.credentials.proofs.contexts import UnknownContext, context_document
from erdem.credentials.proofs.data_integrity import ProofError, proof_verify
from erdem.credentials.verification import (
    ADVISORY,
    FAIL,
    INCOMPLETE,
    INVALID,
    MAX_DEPTH,
    MAX_JSON_BYTES,
    NOT_CHECKED,
    PASS,
    VALID,
    VC_CONTEXTS,
    Check,
    KeyResolver,
    Verification,
    _check,
    _dates_check,
    _depth_exceeds,
    _facts,
    _issuer_check,
    _signature_from_error,
    _status_check,
    credential_verify,
)

RECORD_TYPE = "ClrCredential"
ENDORSEMENT_TYPE = "EndorsementCredential"
CREDENTIAL, ENDORSEMENT = "credential", "endorsement"
# Enough for any teacher's record; beyond it the rest are counted, not checked.
MAX_INNER_CREDENTIALS = 100
# Credentials inside one record whose check may fetch from other websites (keys, status lists).
MAX_FETCHING_CREDENTIALS = 5
MAX_COMMENT_CHARS = 3000


@dataclass(frozen=True)
class InnerCredential:
    """A credential inside a record, checked on its own."""

    kind: str  # CREDENTIAL (an Open Badge or anything else) or ENDORSEMENT
    verification: Verification
    comment: str = ""  # an endorsement's comment

    @property
    def genuine(self) -> bool:
        """Signed by its issuer and unchanged (whatever its status and dates)."""
        return _genuine(self.verification)

    @property
    def problems(self) -> list[str]:
        """Why it is not valid, in the checks' words: what could not be read or the signature's problem when
        there is one (the other checks then only repeat it), else each deciding check that did not pass."""
        for code in ("format", "signature"):
            check = self.verification.check(code)
            if check is not None and check.status != PASS:
                return [check.message]
        return [
            check.message for check in self.verification.checks if check.code not in ADVISORY and check.status != PASS
        ]


@dataclass
class ClrVerification:
    """A record checked: `record` is its own verification (its checks and what it says, as for a credential,
    without an achievement); `items` the credentials inside, each with its own verdict."""

    record: Verification
    items: list[InnerCredential] = field(default_factory=list)
    not_checked: int = 0  # credentials inside beyond MAX_INNER_CREDENTIALS

    @property
    def genuine(self) -> bool:
        return _genuine(self.record)

    @property
    def message(self) -> str:
        return self.record.summary

    @property
    def credentials(self) -> list[Verification]:
        return [item.verification for item in self.items if item.kind == CREDENTIAL]

    @property
    def endorsements(self) -> list[InnerCredential]:
        return [item for item in self.items if item.kind == ENDORSEMENT]

    @property
    def not_checked_note(self) -> str:
        if not self.not_checked:
            return ""
        return ngettext(
            "%(count)s more credential in the learning record was not checked: this verifier checks the first "
            "%(limit)s.",
            "%(count)s more credentials in the learning record were not checked: this verifier checks the first "
            "%(limit)s.",
            self.not_checked,
        ) % {"count": self.not_checked, "limit": MAX_INNER_CREDENTIALS}

    @property
    def all_valid(self) -> bool:
        return (
            self.record.verdict == VALID
            and not self.not_checked
            and all(item.verification.verdict == VALID for item in self.items)
        )


def _genuine(result: Verification) -> bool:
    issuer = result.check("issuer")
    return result.trusted and issuer is not None and issuer.status == PASS


def _types(document: Any) -> list[str]:
    value = document.get("type") if isinstance(document, dict) else None
    return [value] if isinstance(value, str) else [item for item in value or [] if isinstance(item, str)]


def is_record(document: Any) -> bool:
    """Whether a parsed document presents itself as a CLR 2.0 learning record."""
    return RECORD_TYPE in _types(document)


def record_in_text(text: str) -> dict[str, Any] | None:
    """The learning record a pasted text or a file's content holds, or None when it holds anything else (which
    the credential verifier then reads and, when it is not a credential, explains)."""
    if not isinstance(text, str) or len(text) > MAX_JSON_BYTES or RECORD_TYPE not in text:
        return None
    text = text.strip().lstrip("\ufeff").strip()
    if not text.startswith("{"):
        return None
    try:
        data = json_parse(text)
    except (InputTooDeep, ValueError):
        return None
    return data if isinstance(data, dict) and is_record(data) else None


def endorsement_comment(document: Any) -> str:
    """An EndorsementCredential's comment; "" for anything else."""
    if ENDORSEMENT_TYPE not in _types(document):
        return ""
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    comment = subject.get("endorsementComment") if isinstance(subject, dict) else None
    return comment.strip()[:MAX_COMMENT_CHARS] if isinstance(comment, str) else ""


def credential_kind(document: Any) -> str:
    return ENDORSEMENT if ENDORSEMENT_TYPE in _types(document) else CREDENTIAL


# --- the record ---------------------------------------------------------------------------------------------------


def _record_format(document: Any) -> Check:
    if not isinstance(document, dict):
        return _check("format", FAIL, _("This is not a credential: it is not a JSON object."))
    contexts = document.get("@context")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    if (
        not is_record(document)
        or not contexts
        or contexts[0] not in VC_CONTEXTS
        or "VerifiableCredential" not in _types(document)
    ):
        return _check("format", FAIL, _("This is not a CLR 2.0 learning record."))
    for context in contexts:
        if isinstance(context, str):
            try:
                context_document(context)
            except UnknownContext:
                message = _(
                    "The learning record uses a vocabulary this verifier does not know (%(context)s), so what it "
                    "says cannot be read reliably."
                )
                return _check("format", FAIL, message % {"context": context[:200]})
        elif not isinstance(context, dict):
            return _check("format", FAIL, _("The learning record's vocabulary list (@context) is malformed."))
    return _check("format", PASS, _("It is a CLR 2.0 learning record, in a form that can be read."))


def _record_signature(document: dict[str, Any], resolver: KeyResolver, now: dt.datetime) -> Check:
    try:
        proof_verify(document, resolve_key=resolver, now=now)
    except ProofError as error:
        if error.code == "bad-signature":
            message = _(
                "The signature does not match: the learning record was changed after it was issued, or it was not "
                "issued by who it says."
            )
            return _check("signature", FAIL, message, reason=error.code)
        if error.code == "missing":
            message = _("The learning record has no signature, so nothing shows who issued it or that it is unchanged.")
            return _check("signature", FAIL, message, reason=error.code)
        return _signature_from_error(error)
    return _check(
        "signature",
        PASS,
        _("The signature is genuine: nothing in the learning record was changed since it was issued."),
    )


def _record_summary(result: Verification) -> str:
    if result.verdict == VALID:
        return _("This learning record is genuine, unchanged and in force. Each credential in it is checked below.")
    if result.verdict == INCOMPLETE:
        return _("Nothing wrong was found, but this learning record could not be fully checked: see the checks below.")
    if result.signature_status == FAIL:
        return _(
            "This learning record is not valid: its signature could not be confirmed, so nothing it says can be "
            "trusted. The credentials in it are checked below, each on its own."
        )
    return _("This learning record is not valid: see the checks below for why.")


def _record_check(document: Any, now: dt.datetime) -> Verification:
    result = Verification(verdict=INVALID, format="data-integrity", credential=None, checks=[])
    format_check = _record_format(document)
    result.checks.append(format_check)
    if format_check.status != PASS or not isinstance(document, dict):
        result.format = ""
        result.summary = _("This is not a CLR 2.0 learning record.")
        return result
    result.credential = document
    _facts(result, document)
    # A record is not an achievement: its name (the learner's) is not one of its facts.
    result.achievement_name, result.achievement_names, result.achievement_description = "", [], ""
    resolver = KeyResolver()
    signature = _record_signature(document, resolver, now)
    result.checks.append(signature)
    if signature.status == PASS:
        result.checks += [
            _issuer_check(result, resolver),
            _status_check(result, document),
            _dates_check(result, document, now),
        ]
    else:
        unchecked = _("Not checked: the signature does not hold, so nothing the learning record says can be trusted.")
        result.checks += [_check(code, NOT_CHECKED, unchecked) for code in ("issuer", "status", "dates")]
    if any(check.status == FAIL for check in result.checks):
        result.verdict = INVALID
    elif any(check.status == NOT_CHECKED for check in result.checks):
        result.verdict = INCOMPLETE
    else:
        result.verdict = VALID
    result.summary = _record_summary(result)
    return result


# --- the credentials inside ---------------------------------------------------------------------------------------


def _may_fetch(item: Any) -> bool:
    """Whether checking this credential may fetch from other websites: its key or a status list lives elsewhere
    (a VC-JWT names its key in a header: counted as one that may)."""
    if not settings.ERDEM_VERIFIER_FETCH:
        return False
    if isinstance(item, str):
        return True
    if not isinstance(item, dict):
        return False
    proofs = item.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs]
    methods = [proof.get("verificationMethod") for proof in proofs if isinstance(proof, dict)]
    ours = issuer_did()
    keys_here = all(
        isinstance(method, str) and (method.split("#", 1)[0] == ours or method.startswith("did:key:"))
        for method in methods
        if method is not None
    )
    entries = item.get("credentialStatus")
    entries = entries if isinstance(entries, list) else [entries] if entries is not None else []
    lists_here = all(isinstance(entry, dict) and own_host(str(entry.get("statusListCredential"))) for entry in entries)
    return not (keys_here and lists_here)


def _left_unchecked(item: Any) -> Verification:
    result = Verification(verdict=INCOMPLETE, format="", credential=item if isinstance(item, dict) else None, checks=[])
    if isinstance(item, dict):
        _facts(result, item)
    message = _(
        "Not checked here: this verifier reads other websites for at most %(limit)s credentials of one learning "
        "record. Check this credential on its own."
    ) % {"limit": MAX_FETCHING_CREDENTIALS}
    result.checks.append(_check("signature", NOT_CHECKED, message))
    result.summary = message
    return result


def _inner_check(item: Any, now: dt.datetime, *, checked_here: bool) -> InnerCredential:
    verification = credential_verify(item, now=now) if checked_here else _left_unchecked(item)
    document = verification.credential if verification.credential is not None else item
    kind = credential_kind(document)
    return InnerCredential(
        kind=kind, verification=verification, comment=endorsement_comment(document) if kind == ENDORSEMENT else ""
    )


def clr_verify(document: Any, *, now: dt.datetime | None = None) -> ClrVerification:
    """Check a ClrCredential (Data Integrity form) and each credential inside. Never raises."""
    moment = now or timezone.now()
    try:
        if isinstance(document, dict) and _depth_exceeds(document):
            record = Verification(
                verdict=INVALID,
                format="",
                credential=None,
                checks=[_check("format", FAIL, _("This is not a CLR 2.0 learning record."))],
                summary=_("The learning record is nested too deeply to be read (more than %(limit)s levels).")
                % {"limit": MAX_DEPTH},
            )
            return ClrVerification(record=record)
        result = ClrVerification(record=_record_check(document, moment))
        if result.record.credential is None:
            return result
        subject = document.get("credentialSubject")
        inner = subject.get("verifiableCredential") if isinstance(subject, dict) else None
        inner = inner if isinstance(inner, list) else [inner] if inner is not None else []
        fetching = 0
        for item in inner[:MAX_INNER_CREDENTIALS]:
            may_fetch = _may_fetch(item)
            checked_here = not may_fetch or fetching < MAX_FETCHING_CREDENTIALS
            result.items.append(_inner_check(item, moment, checked_here=checked_here))
            fetching += may_fetch
        result.not_checked = max(len(inner) - MAX_INNER_CREDENTIALS, 0)
        return result
    except Exception:  # like the credential verifier: whatever it is given, it answers
        logging.getLogger(__name__).exception("learning record verification failed unexpectedly")
        record = Verification(
            verdict=INVALID,
            format="",
            credential=None,
            checks=[_check("format", FAIL, _("The learning record could not be read."))],
            summary=_("The learning record could not be read."),
        )
        return ClrVerification(record=record)
