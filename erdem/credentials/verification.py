"""Verifying a credential, ours or another issuer's, and saying what was found in plain words.

`credential_verify` takes an Open Badges 3.0 credential as JSON-LD (a dict, secured with a Data
Integrity eddsa-rdfc-2022 proof) or as a VC-JWT (a string) and runs six checks in order:
format, signature, issuer, status, dates, schema. Each ends "pass", "fail" or "not-checked"
with a sentence for someone who is not a specialist. The verdict is "invalid" when a check
fails, "incomplete" when one could not be made, else "valid"; the schema check is reported
but does not decide the verdict (it says whether the file follows the official format to the
letter, not whether the credential is genuine). A credential that names one of this platform's achievements
but was signed by someone else gets a seventh, failed check ("achievement"): anyone can copy an achievement's
address into a credential they sign themselves.

Our own credentials are checked against the database (keys, status lists) without any
request, so a revocation shows at once; other issuers' keys and status lists are fetched over
https through `fetch.py` when settings.ERDEM_VERIFIER_FETCH allows it. Nothing here raises:
anything malformed or hostile becomes a failed check.
"""

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from erdem.core.i18n import LANGUAGE_CODES, active_language, localized
from erdem.credentials.fetch import FetchError, InputTooDeep, did_web_url, fetch_json, json_parse, own_host
from erdem.credentials.identity import credential_url, issuer_did
from erdem.credentials.models import Credential, CredentialEvent, IssuerKey, StatusList
from erdem.credentials.proofs.contexts import UnknownContext, context_document
from erdem.credentials.proofs.data_integrity import ProofError, proof_verify
from erdem.credentials.proofs.jwt import MAX_TOKEN_BYTES, jwt_decode
from erdem.credentials.proofs.multikey import did_key_public, ed25519_public_from_multibase
from erdem.credentials.proofs.schema import ob3_schema, schema_errors
from erdem.credentials.proofs.status_list import bitstring_decode

MAX_JSON_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_STATUS_ENTRIES = 4
CREDENTIAL_TYPES = {"OpenBadgeCredential", "AchievementCredential", "EndorsementCredential"}
# The official schema erdem holds is the one for achievement credentials; endorsements have their own.
ACHIEVEMENT_TYPES = {"OpenBadgeCredential", "AchievementCredential"}
VC_CONTEXTS = {"https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1"}
DID_ACCEPT = "application/did+json, application/did+ld+json, application/ld+json, application/json"
CREDENTIAL_ACCEPT = "application/ld+json, application/json"
STATUS_ACCEPT = "application/vc+ld+json, application/ld+json, application/json"
_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
_CODE = re.compile(r"^[0-9A-Z]{8}$")
# What people type between and around the two halves of a code: spaces, hyphens and dashes (not dots: a
# text with dots is a JWT).
_CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_]+")
# The codes use Crockford's base 32 (no I, L, O, U), so the letters people mistake for digits are read as them.
_CODE_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Our own addresses that name a credential by its public id.
CREDENTIAL_VIEWS = (
    "credentials:public",
    "credentials:download_json",
    "credentials:download_jwt",
    "credentials:certificate_pdf",
    "credentials:holder_settings",
    "credentials:credential_manage",
)

PASS, FAIL, NOT_CHECKED = "pass", "fail", "not-checked"
VALID, INVALID, INCOMPLETE = "valid", "invalid", "incomplete"
CHECK_ORDER = ("format", "signature", "issuer", "status", "dates", "schema")
# The checks that read what the credential says about itself: worthless unless the signature holds.
CLAIM_CHECKS = ("issuer", "status", "dates", "schema")
ADVISORY = {"schema"}


@dataclass(frozen=True)
class Check:
    code: str
    status: str
    title: str
    message: str
    reason: str = ""  # for a failed signature: the proof library's code ("bad-signature", "missing", …)


@dataclass(frozen=True)
class Identity:
    """How the credential names its learner: an e-mail address, usually hashed with a salt."""

    identity_type: str
    hashed: bool
    value: str  # the hash ("sha256$…") or the plain value
    salt: str


@dataclass(frozen=True)
class LocalText:
    """A text and the language it is written in ("" when unknown), for the page's `lang` attribute."""

    value: str
    language: str = ""


@dataclass
class Verification:
    verdict: str
    format: str  # "data-integrity", "vc-jwt", or "" when nothing could be read
    credential: dict[str, Any] | None
    checks: list[Check]
    summary: str = ""
    issuer_id: str = ""
    issuer_name: str = ""
    issuer_name_language: str = ""
    achievement_name: str = ""
    achievement_names: list[LocalText] = field(default_factory=list)  # for the page: the reader's language first
    achievement_description: str = ""
    subject_id: str = ""
    identities: list[Identity] = field(default_factory=list)
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    status: str = ""  # "active", "revoked", "suspended", "replaced" or "" when unknown
    issued_here: bool = False  # signed with this platform's key, naming this platform as its issuer
    ours: Credential | None = None
    replaced_by_url: str = ""
    schema_errors: list[str] = field(default_factory=list)
    source: str = ""  # what to check again to get this result: a link, a code, or the credential's text

    def check(self, code: str) -> Check | None:
        return next((check for check in self.checks if check.code == code), None)

    @property
    def signature_status(self) -> str:
        signature = self.check("signature")
        return signature.status if signature is not None else NOT_CHECKED

    @property
    def trusted(self) -> bool:
        """Whether what the credential says can be believed: its signature was confirmed."""
        return self.signature_status == PASS


# --- titles and sentences -----------------------------------------------------------------------------------------


def _titles() -> dict[str, str]:
    return {
        "format": _("What it is"),
        "signature": _("Signature"),
        "issuer": _("Issuer"),
        "status": _("Status"),
        "dates": _("Dates"),
        "schema": _("Official format"),
        "achievement": _("Achievement"),
        "certificate": _("Certificate file"),
    }


def _check(code: str, status: str, message: str, reason: str = "") -> Check:
    return Check(code=code, status=status, title=_titles()[code], message=message, reason=reason)


def _not_reached(code: str) -> Check:
    return _check(code, NOT_CHECKED, _("Not checked, because the credential itself could not be read."))


def _untrusted(code: str, signature: Check) -> Check:
    """A check of the credential's own claims, not made because its signature did not hold."""
    if signature.status == FAIL and signature.reason == "bad-signature":
        message = _("Not checked: the signature does not match, so nothing the credential says can be trusted.")
    elif signature.status == FAIL:
        message = _("Not checked: the signature is not valid, so nothing the credential says can be trusted.")
    else:
        message = _("Not checked: the signature could not be checked, so nothing the credential says can be trusted.")
    return _check(code, NOT_CHECKED, message)


def fetch_reason(error: FetchError) -> str:
    """Why another site's document could not be read, as a sentence for anyone (never the code itself)."""
    if error.code == "http-error" and error.status in (404, 410):
        return _("Nothing was found at that address (HTTP %(status)s).") % {"status": error.status}
    if error.code == "http-error" and error.status:
        return _("The website answered with an error (HTTP %(status)s).") % {"status": error.status}
    reasons = {
        "not-allowed": _("Only public https addresses are read."),
        "own-site": _("It is an address of this platform, which is read directly."),
        "unsafe-address": _("The address does not lead to a public website."),
        "unreachable": _("The website could not be reached."),
        "http-error": _("The website answered with an error."),
        "too-many-redirects": _("The website sent the request on too many times."),
        "too-large": _("The website's answer is larger than 1 MB."),
        "not-json": _("The website's answer is not a JSON document."),
    }
    return reasons.get(error.code, _("The website's answer could not be read."))


def refused(message: str) -> Verification:
    """The result for input that is not a credential at all (too large, not JSON, unknown address)."""
    result = Verification(verdict=INVALID, format="", credential=None, checks=[_check("format", FAIL, message)])
    result.checks += [_not_reached(code) for code in CHECK_ORDER[1:]]
    result.summary = _("This is not a credential that can be checked.")
    return result


# --- small readers ------------------------------------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _id_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return ""


def _text(value: Any, limit: int = 500) -> str:
    if isinstance(value, str):
        return value[:limit]
    if isinstance(value, dict):  # a language map, {"@value": …} or {"mn": …, "en": …}
        for item in value.values():
            if isinstance(item, str):
                return item[:limit]
    if isinstance(value, list) and value:
        return _text(value[0], limit)
    return ""


_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def _script_language(text: str) -> str:
    """The language of a text whose credential does not say it, only where a guess is safe: Mongolian
    Cyrillic (it has ө or ү), or Latin letters alone, read as English; "" otherwise."""
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return ""
    if all(char.isascii() for char in letters):
        return "en"
    if all("\u0400" <= char <= "\u04ff" for char in letters) and any(char in "өүӨҮ" for char in letters):
        return "mn"
    return ""


def _texts(value: Any, language: str = "", limit: int = 500) -> list[LocalText]:
    """A text as a credential gives it (a string, a language map {"mn": …, "en": …}, a JSON-LD value
    {"@value": …, "@language": …}, or a list of these), each with its language where known."""
    if isinstance(value, str):
        text = value.strip()[:limit]
        return [LocalText(text, language or _script_language(text))] if text else []
    if isinstance(value, list):
        return [text for item in value[:10] for text in _texts(item, language, limit)]
    if not isinstance(value, dict):
        return []
    if "@value" in value:
        tag = value.get("@language")
        return _texts(value["@value"], tag if isinstance(tag, str) and _LANGUAGE_TAG.match(tag) else language, limit)
    found: list[LocalText] = []
    for key, item in list(value.items())[:10]:
        if isinstance(item, str) and isinstance(key, str) and _LANGUAGE_TAG.match(key):
            found += _texts(item, key, limit)
    return found


def _reader_first(texts: list[LocalText]) -> list[LocalText]:
    """The texts in the reader's language first, then the others in the credential's order."""
    reader = active_language()
    return sorted(texts, key=lambda text: text.language.split("-")[0].lower() != reader)


def _localized_text(obj: Any, field_name: str) -> LocalText:
    """`localized(obj, field_name)`, with the language it turned out to be in."""
    value = localized(obj, field_name)
    languages = (active_language(), *LANGUAGE_CODES)
    language = next((code for code in languages if getattr(obj, f"{field_name}_{code}", "") == value), "")
    return LocalText(value, language)


def _moment(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _depth_exceeds(value: Any, limit: int = MAX_DEPTH) -> bool:
    """For already-parsed data (the API's objects): iterative, so no recursion to exhaust."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _day(moment: dt.datetime) -> str:
    return timezone.localtime(moment).date().isoformat()


# --- keys -----------------------------------------------------------------------------------------------------------


class KeysOffline(Exception):
    """The key is published at an address this server does not fetch from."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(url)


class KeyNotFound(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class KeyResolver:
    """resolve(verificationMethod) → the Ed25519 key its controller lists under assertionMethod.

    Remembers the controller of the last key it gave, for the issuer check."""

    def __init__(self) -> None:
        self.controller = ""
        self.ours = False

    def __call__(self, method: str) -> Ed25519PublicKey:
        if not isinstance(method, str) or not method or len(method) > 2000:
            raise KeyNotFound(_("The signature names no key."))
        controller = method.split("#", 1)[0]
        if controller == issuer_did():
            key = self._ours(method)
        elif controller.startswith("did:key:"):
            try:
                key = did_key_public(method)
            except ValueError as error:
                raise KeyNotFound(_("The did:key that signed it is not an Ed25519 key.")) from error
        elif controller.startswith("did:web:"):
            try:
                url = did_web_url(controller)
            except ValueError as error:
                raise KeyNotFound(_("The signing key's address (a did:web) is not valid.")) from error
            key = self._published(method, controller, url)
        elif controller.startswith("https://"):
            key = self._published(method, controller, controller)
        else:
            raise KeyNotFound(_("The signing key is named in a way this verifier does not know."))
        self.controller = controller
        return key

    def _ours(self, method: str) -> Ed25519PublicKey:
        fragment = method.partition("#")[2]
        keys = IssuerKey.objects.filter(public_multibase=fragment) if fragment else IssuerKey.objects.all()
        found = list(keys[:2])
        if len(found) != 1:
            raise KeyNotFound(_("The key that signed it is not one of this platform's keys."))
        self.ours = True
        return ed25519_public_from_multibase(found[0].public_multibase)

    def _published(self, method: str, controller: str, url: str) -> Ed25519PublicKey:
        if not settings.ERDEM_VERIFIER_FETCH:
            raise KeysOffline(url)
        try:
            document = fetch_json(url, accept=DID_ACCEPT)
        except FetchError as error:
            raise KeyNotFound(
                _("The issuer's keys could not be read from %(url)s.") % {"url": url} + " " + fetch_reason(error)
            ) from error
        if document.get("id") != controller:
            raise KeyNotFound(_("The document at %(url)s is not the signing key's controller.") % {"url": url})
        fragment = method.partition("#")[2]

        def absolute(value: Any) -> str:
            value = _id_of(value)
            return controller + value if value.startswith("#") else value

        methods = {absolute(entry): entry for entry in _as_list(document.get("verificationMethod")) if absolute(entry)}
        authorised = []
        for entry in _as_list(document.get("assertionMethod")):
            if isinstance(entry, dict) and absolute(entry):
                methods.setdefault(absolute(entry), entry)
            authorised.append(absolute(entry))
        if not fragment and len(authorised) == 1:
            method = authorised[0]
        if method not in authorised or method not in methods:
            raise KeyNotFound(_("The issuer does not list the signing key as one it issues credentials with."))
        entry = methods[method]
        if not isinstance(entry, dict) or entry.get("controller", controller) != controller:
            raise KeyNotFound(_("The signing key is controlled by someone other than the issuer."))
        return _public_key(entry)


def _public_key(entry: dict[str, Any]) -> Ed25519PublicKey:
    import base64

    try:
        if isinstance(entry.get("publicKeyMultibase"), str):
            return ed25519_public_from_multibase(entry["publicKeyMultibase"])
        jwk = entry.get("publicKeyJwk")
        if isinstance(jwk, dict) and jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
            raw = base64.urlsafe_b64decode(str(jwk.get("x", "")) + "==")
            return Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, TypeError) as error:
        raise KeyNotFound(_("The signing key is not an Ed25519 key.")) from error
    raise KeyNotFound(_("The signing key is not an Ed25519 key."))


def _cause(error: BaseException) -> BaseException | None:
    seen = 0
    cause = error.__cause__
    while cause is not None and seen < 5:
        if isinstance(cause, KeysOffline | KeyNotFound):
            return cause
        cause = cause.__cause__
        seen += 1
    return None


# --- the checks ---------------------------------------------------------------------------------------------------


def _format_check(credential: Any) -> tuple[Check, bool]:
    """The check, and whether the credential can be read further."""
    if not isinstance(credential, dict):
        return _check("format", FAIL, _("This is not a credential: it is not a JSON object.")), False
    contexts = _as_list(credential.get("@context"))
    types = {value for value in _as_list(credential.get("type")) if isinstance(value, str)}
    if not contexts or contexts[0] not in VC_CONTEXTS or "VerifiableCredential" not in types:
        return _check("format", FAIL, _("This is not a verifiable credential (W3C Verifiable Credentials).")), False
    for context in contexts:
        if isinstance(context, str):
            try:
                context_document(context)
            except UnknownContext:
                return (
                    _check(
                        "format",
                        FAIL,
                        _(
                            "The credential uses a vocabulary this verifier does not know (%(context)s), so what it "
                            "says cannot be read reliably."
                        )
                        % {"context": context[:200]},
                    ),
                    False,
                )
        elif not isinstance(context, dict):
            return _check("format", FAIL, _("The credential's vocabulary list (@context) is malformed.")), False
    if not types & CREDENTIAL_TYPES:
        return (
            _check("format", FAIL, _("This verifiable credential is not an Open Badge (Open Badges 3.0).")),
            False,
        )
    return _check("format", PASS, _("It is an Open Badges 3.0 credential, in a form that can be read.")), True


def _signature_problem(code: str) -> str:
    messages = {
        "missing": _("The credential has no signature, so nothing shows who issued it or that it is unchanged."),
        "bad-signature": _(
            "The signature does not match: the credential was changed after it was issued, "
            "or it was not issued by who it says."
        ),
        "wrong-purpose": _("The signature was not made for issuing credentials."),
        "alg-not-allowed": _("The credential's signature uses a method that is not safe or not accepted here."),
        "bad-header": _("The credential's signature is wrapped in a way that is not accepted here."),
        "expired": _("The signature has expired."),
    }
    return messages.get(code, _("The signature cannot be read: the credential is damaged or incomplete."))


def _signature_from_error(error: ProofError) -> Check:
    cause = _cause(error)
    if isinstance(cause, KeysOffline):
        return _check(
            "signature",
            NOT_CHECKED,
            _("This could not be checked offline: the issuer's keys are published at %(url)s.") % {"url": cause.url},
        )
    if isinstance(cause, KeyNotFound):
        return _check(
            "signature",
            FAIL,
            _("The key that signed it cannot be found: %(reason)s") % {"reason": cause.message},
            reason="unknown-key",
        )
    if error.code == "unsupported-cryptosuite":
        return _check(
            "signature",
            NOT_CHECKED,
            _("The credential is signed with a method this verifier does not support (it supports eddsa-rdfc-2022)."),
        )
    if error.code == "unknown-key":
        return _check("signature", FAIL, _("The key that signed it cannot be found."), reason=error.code)
    return _check("signature", FAIL, _signature_problem(error.code), reason=error.code)


def _signature_genuine() -> Check:
    return _check(
        "signature", PASS, _("The signature is genuine: nothing in the credential was changed since it was issued.")
    )


def _issuer_check(result: Verification, resolver: KeyResolver) -> Check:
    """Made only once the signature holds: does the key that signed it belong to the issuer it names?"""
    result.issued_here = resolver.ours and result.issuer_id == issuer_did()
    if not result.issuer_id:
        return _check("issuer", FAIL, _("The credential does not say who issued it."))
    if resolver.controller != result.issuer_id:
        return _check(
            "issuer",
            FAIL,
            _("It was signed with a key of %(signer)s, not of the issuer it names (%(issuer)s).")
            % {"signer": resolver.controller[:200], "issuer": result.issuer_id[:200]},
        )
    if resolver.ours:
        return _check(
            "issuer",
            PASS,
            _("It was issued by %(name)s, the national centre that runs this platform.")
            % {"name": result.issuer_name or result.issuer_id},
        )
    if not result.issuer_name:
        return _check(
            "issuer",
            PASS,
            _("It was issued by %(id)s, who holds the key that signed it.") % {"id": result.issuer_id[:200]},
        )
    # The identifier first: the name is whatever the signer chose to write, this platform's centre's included.
    return _check(
        "issuer",
        PASS,
        _("It was issued by %(id)s, who holds the key that signed it; the name “%(name)s” is its own claim.")
        % {"id": result.issuer_id[:200], "name": result.issuer_name},
    )


def _on_this_site(url: str) -> bool:
    """Whether an address names this platform's host, however it is spelt (capitals, a final dot, another
    scheme or port): a claim to be ours, whichever way it is written."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    own = urlsplit(settings.SITE_URL).hostname
    return host is not None and own is not None and host.rstrip(".") == own.rstrip(".")


def _achievement_check(result: Verification, credential: dict[str, Any]) -> Check | None:
    """Made only for a credential that names one of this platform's achievements: only this platform may
    award them. None for every other credential."""
    subjects = [subject for subject in _as_list(credential.get("credentialSubject"))[:10] if isinstance(subject, dict)]
    if result.issued_here or not any(_on_this_site(_id_of(subject.get("achievement"))) for subject in subjects):
        return None
    return _check(
        "achievement",
        FAIL,
        _(
            "This achievement is one of this platform's, but the credential was not issued by this platform: it was "
            "signed by %(signer)s."
        )
        % {"signer": result.issuer_id[:200] or _("an unnamed issuer")},
    )


def _entry_value(bits: bytes, index: int, size: int) -> int:
    if size < 1 or size > 8 or index < 0 or (index + 1) * size > len(bits) * 8:
        raise IndexError(index)
    value = 0
    for bit in range(index * size, (index + 1) * size):
        value = value << 1 | (bits[bit // 8] >> (7 - bit % 8) & 1)
    return value


def _our_status_list(url: str) -> StatusList | None:
    if not own_host(url):
        return None
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    if match.view_name != "credentials:status_list":
        return None
    return StatusList.objects.filter(number=match.kwargs["number"]).first()


class ForeignStatusList(Exception):
    """The status list was published by someone other than the credential's issuer."""


def _their_status_bits(url: str, issuer_id: str, purpose: str) -> bytes:
    """The bitstring of another issuer's status list credential, after checking its issuer and signature."""
    document = fetch_json(url, accept=STATUS_ACCEPT)
    if _id_of(document.get("issuer")) != issuer_id:
        raise ForeignStatusList(url)
    resolver = KeyResolver()
    proof_verify(document, resolve_key=resolver)
    if resolver.controller != issuer_id:
        raise ProofError("wrong-issuer", "The status list is not signed by the credential's issuer.")
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if not isinstance(subject, dict):
        raise ValueError("The status list has no subject.")
    if subject.get("statusPurpose") not in (purpose, [purpose]) and purpose not in _as_list(
        subject.get("statusPurpose")
    ):
        raise ValueError("The status list is for another purpose.")
    return bitstring_decode(str(subject.get("encodedList", "")))


def _status_said(purpose: str, value: int, messages: list[Any]) -> str:
    """ "valid", "revoked", "suspended", "unknown" (a value the issuer does not explain), or the issuer's own
    message."""
    if purpose == "revocation":
        return "revoked" if value else "valid"
    if purpose == "suspension":
        return "suspended" if value else "valid"
    for entry in messages:
        if isinstance(entry, dict) and isinstance(entry.get("status"), str):
            try:
                code = int(entry["status"], 16)
            except ValueError:
                continue
            if code == value:
                return str(entry.get("message", ""))[:200] or ("valid" if value == 0 else "unknown")
    return "valid" if value == 0 else "unknown"


def _our_state_sentence(result: Verification, said: str) -> str:
    """For our own credentials: when it changed, and where its replacement is."""
    ours = result.ours
    if ours is None:
        return ""
    if ours.status == Credential.Status.REPLACED:
        replacement = getattr(ours, "replaced_by", None)
        event = ours.events.filter(action=CredentialEvent.Action.REISSUE).order_by("-at").first()
        if replacement is not None:
            result.replaced_by_url = credential_url(replacement.public_id)
        return _("It was replaced by a newer credential on %(date)s.") % {
            "date": _day(event.at if event else ours.issued_at)
        }
    action = {"revoked": CredentialEvent.Action.REVOKE, "suspended": CredentialEvent.Action.SUSPEND}.get(said)
    if action is None:
        return ""
    event = ours.events.filter(action=action).order_by("-at").first()
    if event is None:
        return ""
    if said == "revoked":
        return _("It was revoked on %(date)s.") % {"date": _day(event.at)}
    return _("It was suspended on %(date)s.") % {"date": _day(event.at)}


def _status_check(result: Verification, credential: dict[str, Any]) -> Check:
    entries = _as_list(credential.get("credentialStatus"))
    if not entries:
        return _check("status", PASS, _("This issuer publishes no status for it (it cannot be revoked online)."))
    if len(entries) > MAX_STATUS_ENTRIES:
        return _check("status", FAIL, _("The credential lists too many status entries."))
    states: list[str] = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            return _check(
                "status", NOT_CHECKED, _("The credential's status is published in a way this verifier does not read.")
            )
        url = entry.get("statusListCredential")
        purpose = entry.get("statusPurpose")
        try:
            index = int(str(entry.get("statusListIndex")))
            size = int(entry.get("statusSize", 1))
        except ValueError:
            return _check("status", FAIL, _("The credential's status entry is malformed."))
        if not isinstance(url, str) or purpose not in ("revocation", "suspension", "message"):
            return _check(
                "status", NOT_CHECKED, _("The credential's status is published in a way this verifier does not read.")
            )
        ours = _our_status_list(url)
        # Anyone can point at a public status list whose entry reads "valid": it counts only when the list's
        # issuer is the credential's.
        if ours is not None and result.issuer_id != issuer_did():
            return _check("status", FAIL, _("The status list belongs to another issuer."))
        try:
            if ours is not None:
                bits = bytes(ours.bits)
            elif own_host(url):
                return _check("status", FAIL, _("The status list it points to does not exist on this platform."))
            elif not settings.ERDEM_VERIFIER_FETCH:
                return _check(
                    "status",
                    NOT_CHECKED,
                    _("This could not be checked offline: the issuer publishes the status at %(url)s.") % {"url": url},
                )
            else:
                bits = _their_status_bits(url, result.issuer_id, purpose)
            value = _entry_value(bits, index, size)
        except ForeignStatusList:
            return _check("status", FAIL, _("The status list belongs to another issuer."))
        except (FetchError, ProofError, ValueError, IndexError, KeyError, TypeError):
            return _check(
                "status",
                NOT_CHECKED,
                _("The issuer's status list at %(url)s could not be read or trusted.") % {"url": url},
            )
        states.append(_status_said(purpose, value, _as_list(entry.get("statusMessage"))))
    if "revoked" in states:
        result.status = "replaced" if result.ours and result.ours.status == Credential.Status.REPLACED else "revoked"
        detail = _our_state_sentence(result, "revoked")
        if result.status == "replaced":
            return _check("status", FAIL, _("It is no longer valid.") + " " + detail)
        return _check("status", FAIL, " ".join([_("The issuer has revoked this credential."), detail]).strip())
    if "suspended" in states:
        result.status = "suspended"
        detail = _our_state_sentence(result, "suspended")
        return _check(
            "status",
            FAIL,
            " ".join([_("The issuer has suspended this credential for now."), detail]).strip(),
        )
    unknown = [state for state in states if state != "valid"]
    if unknown and unknown[0] == "unknown":
        return _check("status", FAIL, _("The issuer gives it a status that this verifier cannot interpret."))
    if unknown:
        return _check("status", FAIL, _("The issuer's status for it is: “%(status)s”.") % {"status": unknown[0]})
    result.status = "active"
    return _check("status", PASS, _("The issuer has not revoked or suspended it."))


def _dates_check(result: Verification, credential: dict[str, Any], now: dt.datetime) -> Check:
    valid_from_text = credential.get("validFrom", credential.get("issuanceDate"))
    valid_until_text = credential.get("validUntil", credential.get("expirationDate"))
    if (valid_from_text is not None and result.valid_from is None) or (
        valid_until_text is not None and result.valid_until is None
    ):
        return _check("dates", FAIL, _("A date in the credential cannot be read."))
    if result.valid_from is not None and result.valid_from > now:
        return _check(
            "dates", FAIL, _("It is not valid yet: it becomes valid on %(date)s.") % {"date": _day(result.valid_from)}
        )
    if result.valid_until is not None and result.valid_until < now:
        return _check(
            "dates", FAIL, _("It has expired: it was valid until %(date)s.") % {"date": _day(result.valid_until)}
        )
    if result.valid_until is not None:
        return _check(
            "dates", PASS, _("It is within its dates: valid until %(date)s.") % {"date": _day(result.valid_until)}
        )
    return _check("dates", PASS, _("It is in force and has no end date."))


def _schema_check(result: Verification, credential: dict[str, Any]) -> Check:
    if not {str(kind) for kind in _as_list(credential.get("type"))} & ACHIEVEMENT_TYPES:
        return _check(
            "schema",
            NOT_CHECKED,
            _("Not checked: this server holds the official schema of achievement credentials only."),
        )
    try:
        schema = ob3_schema()
    except (OSError, ValueError):
        schema = None
    if schema is None:
        return _check("schema", NOT_CHECKED, _("Not checked: this server has no copy of the official schema."))
    try:
        errors = schema_errors(credential, schema)
    except Exception:  # a hostile document must never break the page
        errors = ["$: the document cannot be checked against the schema"]
    if errors:
        result.schema_errors = errors
        message = _("It does not follow the official Open Badges 3.0 format exactly (%(count)s differences).")
        detail = _("The first: %(error)s") % {"error": errors[0]}
        return _check("schema", FAIL, message % {"count": len(errors)} + " " + detail)
    return _check("schema", PASS, _("It follows the official Open Badges 3.0 format."))


# --- facts --------------------------------------------------------------------------------------------------------


def _facts(result: Verification, credential: dict[str, Any]) -> None:
    """What the credential says about itself: believed only when its signature holds (`result.trusted`)."""
    issuer = credential.get("issuer")
    result.issuer_id = _id_of(issuer)[:500]
    issuer_names = _texts(issuer.get("name")) if isinstance(issuer, dict) else []
    if issuer_names:
        result.issuer_name, result.issuer_name_language = issuer_names[0].value, issuer_names[0].language
    subjects = _as_list(credential.get("credentialSubject"))
    subject = subjects[0] if subjects and isinstance(subjects[0], dict) else {}
    result.subject_id = _id_of(subject)[:500]
    achievement = subject.get("achievement")
    if isinstance(achievement, dict):
        language = achievement.get("inLanguage", credential.get("inLanguage"))
        language = language if isinstance(language, str) and _LANGUAGE_TAG.match(language) else ""
        result.achievement_name = _text(achievement.get("name"))
        result.achievement_names = _texts(achievement.get("name"), language)
        result.achievement_description = _text(achievement.get("description"), 2000)
    if not result.achievement_name:
        result.achievement_name = _text(credential.get("name"))
        result.achievement_names = _texts(credential.get("name"))
    result.achievement_names = _reader_first(result.achievement_names)
    result.valid_from = _moment(credential.get("validFrom", credential.get("issuanceDate")))
    result.valid_until = _moment(credential.get("validUntil", credential.get("expirationDate")))
    for identifier in _as_list(subject.get("identifier"))[:10]:
        if isinstance(identifier, dict) and isinstance(identifier.get("identityHash"), str):
            result.identities.append(
                Identity(
                    identity_type=str(identifier.get("identityType", ""))[:100],
                    hashed=identifier.get("hashed") is True,
                    value=identifier["identityHash"][:300],
                    salt=str(identifier.get("salt", ""))[:300],
                )
            )


def _our_credential(credential: dict[str, Any]) -> Credential | None:
    identifier = credential.get("id")
    if not isinstance(identifier, str) or not own_host(identifier):
        return None
    try:
        match = resolve(urlsplit(identifier).path)
    except Resolver404:
        return None
    if match.view_name != "credentials:public":
        return None
    return (
        Credential.objects.select_related("achievement__programme__national_centre", "replaced_by")
        .filter(public_id=match.kwargs["public_id"])
        .first()
    )


def _our_facts(result: Verification, ours: Credential) -> None:
    """Our own credential, its signature confirmed: the national centre named in the reader's language (the
    document carries its Mongolian name), and the achievement's names, one per language, when they are the
    ones it was issued with."""
    centre = _localized_text(ours.achievement.programme.national_centre, "name")
    if centre.value:
        result.issuer_name, result.issuer_name_language = centre.value, centre.language
    achievement = ours.achievement
    names = {
        getattr(achievement, f"name_{code}").strip(): code
        for code in achievement.languages
        if getattr(achievement, f"name_{code}").strip()
    }
    if names and " / ".join(names) == result.achievement_name:
        result.achievement_names = _reader_first([LocalText(name, code) for name, code in names.items()])


# --- the verifier -------------------------------------------------------------------------------------------------


def _verdict(result: Verification) -> None:
    deciding = [check for check in result.checks if check.code not in ADVISORY]
    if any(check.status == FAIL for check in deciding):
        result.verdict = INVALID
    elif any(check.status == NOT_CHECKED for check in deciding):
        result.verdict = INCOMPLETE
    else:
        result.verdict = VALID
    if result.verdict == VALID:
        result.summary = _("This credential is valid: it is genuine, unchanged, and in force.")
    elif result.verdict == INCOMPLETE:
        result.summary = _(
            "Nothing wrong was found, but this credential could not be fully checked: see the checks below."
        )
    elif result.status == "replaced":
        result.summary = _("This credential is no longer valid: it was replaced by a newer one.")
    elif result.signature_status == FAIL:
        result.summary = _(
            "This credential is not valid: its signature could not be confirmed, so nothing it says can be trusted."
        )
    elif any(check.code == "achievement" and check.status == FAIL for check in result.checks):
        result.summary = _(
            "This credential is not valid: it names an achievement of this platform, which did not issue it."
        )
    elif result.status in ("revoked", "suspended"):
        result.summary = (
            _("This credential is not valid: its issuer has revoked it.")
            if result.status == "revoked"
            else _("This credential is not valid at the moment: its issuer has suspended it.")
        )
    else:
        result.summary = _("This credential is not valid: see the checks below for why.")


def _verify(
    credential: Any,
    *,
    fmt: str,
    signature: Callable[[KeyResolver], tuple[Check, dict[str, Any] | None]],
    now: dt.datetime,
) -> Verification:
    result = Verification(
        verdict=INVALID, format=fmt, credential=credential if isinstance(credential, dict) else None, checks=[]
    )
    format_check, readable = _format_check(credential)
    result.checks.append(format_check)
    if not readable:
        result.checks += [_not_reached(code) for code in CHECK_ORDER[1:]]
        if isinstance(credential, dict):
            _facts(result, credential)
        _verdict(result)
        return result
    resolver = KeyResolver()
    signature_check, verified = signature(resolver)
    if verified is not None:
        credential = verified
        result.credential = verified
    _facts(result, credential)
    result.checks.append(signature_check)
    if signature_check.status != PASS:
        result.checks += [_untrusted(code, signature_check) for code in CLAIM_CHECKS]
        _verdict(result)
        return result
    if resolver.ours:
        result.ours = _our_credential(credential)
        if result.ours is not None:
            _our_facts(result, result.ours)
    result.checks.append(_issuer_check(result, resolver))
    achievement = _achievement_check(result, credential)
    if achievement is not None:
        result.checks.append(achievement)
    result.checks.append(_status_check(result, credential))
    result.checks.append(_dates_check(result, credential, now))
    result.checks.append(_schema_check(result, credential))
    _verdict(result)
    return result


def _jwt_payload(token: str) -> Any:
    """The JWT's payload as the credential it carries, unverified: for the format check and the facts."""
    import base64

    payload_part = token.split(".")[1]
    payload = json_parse(
        base64.urlsafe_b64decode(payload_part + "=" * (-len(payload_part) % 4)), max_bytes=MAX_TOKEN_BYTES
    )
    if isinstance(payload, dict) and isinstance(payload.get("vc"), dict):
        return payload["vc"]
    if isinstance(payload, dict):
        return {key: value for key, value in payload.items() if key not in ("iss", "jti", "nbf", "iat", "exp", "sub")}
    return payload


def credential_verify(data: dict[str, Any] | str, *, now: dt.datetime | None = None) -> Verification:
    """Verify a JSON-LD credential (dict) or a VC-JWT (str). Never raises."""
    moment = now or timezone.now()
    try:
        if isinstance(data, str):
            return _verify_jwt(data, now=moment)
        if _depth_exceeds(data):
            return refused(
                _("The credential is nested too deeply to be read (more than %(limit)s levels).") % {"limit": MAX_DEPTH}
            )

        def signature(resolver: KeyResolver) -> tuple[Check, dict[str, Any] | None]:
            try:
                proof_verify(data, resolve_key=resolver, now=moment)
            except ProofError as error:
                if error.code == "unknown-context":
                    return _check(
                        "signature", NOT_CHECKED, _("Not checked, because the credential itself could not be read.")
                    ), None
                return _signature_from_error(error), None
            return _signature_genuine(), None

        return _verify(data, fmt="data-integrity", signature=signature, now=moment)
    except Exception:  # the last line of defence: a verifier must answer, whatever it is given
        import logging

        logging.getLogger(__name__).exception("verification failed unexpectedly")
        return refused(_("The credential could not be read."))


def _verify_jwt(token: str, *, now: dt.datetime) -> Verification:
    token = token.strip()
    if len(token.encode("utf-8")) > MAX_TOKEN_BYTES:
        return refused(
            _("The JWT is larger than %(limit)s KB; a credential is much smaller.") % {"limit": MAX_TOKEN_BYTES // 1024}
        )
    if not _JWT.match(token):
        return refused(_("This is not a JWT: it should be three parts separated by dots."))
    try:
        unverified = _jwt_payload(token)
    except InputTooDeep:
        return refused(
            _("The credential is nested too deeply to be read (more than %(limit)s levels).") % {"limit": MAX_DEPTH}
        )
    except (ValueError, UnicodeDecodeError):
        return refused(_("This JWT does not carry a credential: its content is not JSON."))

    def signature(resolver: KeyResolver) -> tuple[Check, dict[str, Any] | None]:
        try:
            decoded = jwt_decode(token, resolve_key=resolver)
        except ProofError as error:
            if error.code in ("expired", "not-yet-valid"):
                return _signature_genuine(), None  # the signature was verified first; the dates check explains
            return _signature_from_error(error), None
        return _signature_genuine(), decoded

    return _verify(unverified, fmt="vc-jwt", signature=signature, now=now)


# --- input: text, links, files ------------------------------------------------------------------------------------


def _own_match(url: str) -> Any:
    """The view of one of our own addresses, forgiving a missing trailing slash and capital letters."""
    path = urlsplit(url).path.lower()
    for candidate in (path, path + "/") if not path.endswith("/") else (path,):
        try:
            return resolve(candidate)
        except Resolver404:
            continue
    return None


def _own_document(url: str, *, hops: int = 1) -> dict[str, Any] | str | None:
    """The stored credential behind one of our own addresses (its page, its files, its certificate, or this
    verifier's own link to it); None when there is none."""
    match = _own_match(url)
    if match is None:
        return None
    if match.view_name == "credentials:verify" and hops > 0:
        inner = parse_qs(urlsplit(url).query).get("url", [""])[0].strip()
        return _own_document(inner, hops=hops - 1) if inner and own_host(inner) else None
    if match.view_name not in CREDENTIAL_VIEWS:
        return None
    credential = Credential.objects.filter(public_id=match.kwargs["public_id"]).only("document", "jwt").first()
    if credential is None:
        return None
    return credential.jwt if match.view_name == "credentials:download_jwt" else credential.document


def _link(text: str) -> str:
    """A pasted link as meant: without the quotes or angle brackets around it, and with https:// added to
    an address of this platform typed without it."""
    link = text.strip().strip("<>\"'").strip()
    own = urlsplit(settings.SITE_URL)
    if link.lower().startswith(own.netloc.lower() + "/"):
        link = f"{own.scheme}://{link}"
    return link


def verify_url(url: str, *, now: dt.datetime | None = None) -> Verification:
    url = _link(url)
    if len(url) > 2000 or any(char.isspace() for char in url):
        return refused(_("This link is not valid."))
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return refused(_("This link is not valid."))
    if own_host(url):
        document = _own_document(url)
        if document is None:
            return refused(_("There is no credential at this link on this platform."))
        result = credential_verify(document, now=now)
    elif not settings.ERDEM_VERIFIER_FETCH:
        return refused(_("This server does not fetch credentials from other websites: paste the credential itself."))
    else:
        try:
            fetched = fetch_json(url, accept=CREDENTIAL_ACCEPT)
        except FetchError as error:
            if error.code in ("not-allowed", "unsafe-address"):
                return refused(_("Credentials are fetched only from public https addresses."))
            return refused(_("No credential could be read at this link.") + " " + fetch_reason(error))
        result = credential_verify(fetched, now=now)
    result.source = url
    return result


def code_normalized(text: str) -> str:
    """A verification code as stored ("Q80T-GEXZ") from what was typed ("q80t gexz", "Q80TGEXZ"); "" when
    the text cannot be a code."""
    if not isinstance(text, str) or len(text) > 40:
        return ""
    code = _CODE_SEPARATORS.sub("", text).upper().translate(_CODE_LOOKALIKES)
    return f"{code[:4]}-{code[4:]}" if _CODE.match(code) else ""


def verify_code(code: str, *, now: dt.datetime | None = None) -> Verification:
    """A verification code as printed on a certificate, e.g. K7QM-4XD2, however it was typed."""
    normalized = code_normalized(code)
    credential = (
        Credential.objects.filter(verification_code=normalized).only("document").first() if normalized else None
    )
    if credential is None:
        return refused(_("No credential of this platform has this verification code."))
    result = credential_verify(credential.document, now=now)
    result.source = normalized
    return result


def verify_input(text: str, *, now: dt.datetime | None = None, pointers: bool = True) -> Verification:
    """Whatever someone pasted: a credential in JSON, a VC-JWT, a link, or a verification code.

    pointers=False (a file's content) reads only a credential itself, never a link or a code in its place."""
    if not isinstance(text, str):
        return refused(_("Nothing to check."))
    if len(text) > MAX_JSON_BYTES or len(text.encode("utf-8")) > MAX_JSON_BYTES:
        return refused(_("This is larger than 1 MB; a credential is much smaller."))
    text = text.strip().lstrip("\ufeff").strip()
    if not text:
        return refused(_("Nothing to check."))
    if text[0] in "{[":
        try:
            data = json_parse(text)
        except InputTooDeep:
            return refused(
                _("The credential is nested too deeply to be read (more than %(limit)s levels).") % {"limit": MAX_DEPTH}
            )
        except ValueError:
            return refused(_("This is not valid JSON."))
        if not isinstance(data, dict):
            return refused(_("This is not a credential: it is not a JSON object."))
        result = credential_verify(data, now=now)
    elif pointers and _link(text).lower().startswith(("http://", "https://")):
        return verify_url(text, now=now)
    elif pointers and code_normalized(text):
        return verify_code(text, now=now)
    elif text.count(".") == 2:
        result = credential_verify(text, now=now)
    else:
        return refused(_("This is neither a credential (JSON or JWT) nor a link to one."))
    result.source = text
    return result


def _certificate(content: bytes, now: dt.datetime | None) -> Verification:
    from erdem.credentials.certificates import CertificateError, certificate_attachments

    try:
        attachments = certificate_attachments(content)
    except CertificateError as error:
        if error.code == "no-attachment":
            return refused(_("This PDF carries no credential: only certificates from this platform hold one inside."))
        if error.code == "too-large":
            return refused(_("This PDF is too large to be a certificate."))
        return refused(_("This file is not a readable PDF."))
    document = attachments.get("credential.json")
    token = attachments.get("credential.jwt")
    if document is None and token is None:
        return refused(_("This PDF carries no credential: only certificates from this platform hold one inside."))
    try:
        result = verify_input(document.decode("utf-8-sig"), now=now, pointers=False) if document is not None else None
        jwt_result = verify_input(token.decode("ascii"), now=now, pointers=False) if token is not None else None
    except UnicodeDecodeError:
        return refused(_("The credential inside this PDF cannot be read."))
    if result is None:
        return jwt_result or refused(_("The credential inside this PDF cannot be read."))
    if jwt_result is not None:
        same = (
            jwt_result.credential is not None
            and result.credential is not None
            and {key: value for key, value in result.credential.items() if key != "proof"} == jwt_result.credential
            and jwt_result.check("signature").status == PASS  # type: ignore[union-attr]
        )
        if same:
            result.checks.append(
                _check("certificate", PASS, _("The two copies of the credential inside the PDF (JSON and JWT) agree."))
            )
        else:
            result.checks.append(
                _check(
                    "certificate",
                    FAIL,
                    _("The two copies of the credential inside the PDF (JSON and JWT) disagree: the file was altered."),
                )
            )
            _verdict(result)
    return result


def verify_file(upload: Any, *, now: dt.datetime | None = None) -> Verification:
    """An uploaded file: a certificate PDF, or a credential as JSON or JWT text. The content decides, not the name."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        return refused(_("This file is larger than 10 MB; a credential or certificate is much smaller."))
    content = upload.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        return refused(_("This file is larger than 10 MB; a credential or certificate is much smaller."))
    if b"%PDF-" in content[:1024]:
        return _certificate(content, now)
    if len(content) > MAX_JSON_BYTES:
        return refused(_("This is larger than 1 MB; a credential is much smaller."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return refused(_("This file is neither a certificate PDF nor a credential (JSON or JWT)."))
    if text.strip().lower().startswith(("http://", "https://")):
        return refused(_("This file is neither a certificate PDF nor a credential (JSON or JWT)."))
    return verify_input(text, now=now, pointers=False)


def identity_matches(*, email: str, identity_hash: str, salt: str) -> bool:
    """Whether an e-mail address is the one a hashed identifier stands for (OB 3.0 IdentityHash)."""
    algorithm, _sep, expected = identity_hash.partition("$")
    if algorithm.lower() != "sha256" or not expected:
        return False
    digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
    return hmac.compare_digest(digest, expected.lower())
