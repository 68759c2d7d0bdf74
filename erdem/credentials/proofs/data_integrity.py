"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C VC Data Integrity EdDSA 1.0).

Signing: the proof configuration (the proof without proofValue, with the document's
@context) and the document without its proof are canonicalized (RDFC-1.0); the Ed25519
signature covers sha256(configuration) followed by sha256(document).
"""

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from erdem.credentials.proofs.canonical import CanonicalizationError, Engine, canonize
from erdem.credentials.proofs.contexts import UnknownContext
from erdem.credentials.proofs.multikey import base58btc_decode, base58btc_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
MAX_PROOFS = 8


class ProofError(Exception):
    """A proof that cannot be made or does not verify.

    `code` is short and stable, for callers to choose a translated message: missing,
    malformed, unsupported-cryptosuite, unknown-context, unknown-key, wrong-purpose,
    bad-signature, expired (and, for VC-JWT, alg-not-allowed and bad-header). The message
    is plain English, for logs.
    """

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")


@dataclass(frozen=True)
class VerifiedProof:
    verification_method: str
    created: datetime | None
    cryptosuite: str


def _timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("created must be an aware datetime.")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_timestamp(value: Any, name: str) -> datetime:
    if not isinstance(value, str) or len(value) > 64:
        raise ProofError("malformed", f"The proof's {name} is not a date and time.")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ProofError("malformed", f"The proof's {name} is not a date and time.") from None
    if moment.tzinfo is None:
        raise ProofError("malformed", f"The proof's {name} has no time zone.")
    return moment


def _hash_data(document: dict[str, Any], proof_config: dict[str, Any], engine: Engine) -> bytes:
    config_hash = hashlib.sha256(canonize(proof_config, engine=engine).encode("utf-8")).digest()
    document_hash = hashlib.sha256(canonize(document, engine=engine).encode("utf-8")).digest()
    return config_hash + document_hash


def proof_create(
    document: dict[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime,
    proof_purpose: str = "assertionMethod",
    engine: Engine = "pyoxigraph",
) -> dict[str, Any]:
    """The eddsa-rdfc-2022 proof object for the document (which is not modified).

    Raises CanonicalizationError or UnknownContext for a document that cannot be signed.
    """
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": _timestamp(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    config = {"@context": unsecured.get("@context"), **proof}
    signature = private_key.sign(_hash_data(unsecured, config, engine))
    proof["proofValue"] = base58btc_encode(signature)
    return proof


def document_sign(
    document: dict[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime,
    proof_purpose: str = "assertionMethod",
    engine: Engine = "pyoxigraph",
) -> dict[str, Any]:
    """A copy of the document with "proof": [its eddsa-rdfc-2022 proof] (any earlier proof replaced)."""
    signed = copy.deepcopy({key: value for key, value in document.items() if key != "proof"})
    signed["proof"] = [
        proof_create(
            signed,
            private_key=private_key,
            verification_method=verification_method,
            created=created,
            proof_purpose=proof_purpose,
            engine=engine,
        )
    ]
    return signed


def _verify_one(
    unsecured: dict[str, Any],
    proof: Any,
    resolve_key: Callable[[str], Ed25519PublicKey],
    expected_purpose: str,
    engine: Engine,
    now: datetime,
) -> VerifiedProof:
    if not isinstance(proof, dict):
        raise ProofError("malformed", "The proof is not a JSON object.")
    proof_type = proof.get("type")
    cryptosuite = proof.get("cryptosuite")
    if proof_type != PROOF_TYPE or cryptosuite != CRYPTOSUITE:
        raise ProofError(
            "unsupported-cryptosuite",
            f"Only {PROOF_TYPE} proofs with the {CRYPTOSUITE} cryptosuite are supported "
            f"(this one: {str(proof_type)[:80]}, {str(cryptosuite)[:80]}).",
        )
    verification_method = proof.get("verificationMethod")
    if not isinstance(verification_method, str) or not verification_method:
        raise ProofError("malformed", "The proof has no verificationMethod.")
    purpose = proof.get("proofPurpose")
    if purpose != expected_purpose:
        raise ProofError("wrong-purpose", f"The proof's purpose is {str(purpose)[:80]!r}, not {expected_purpose!r}.")
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str):
        raise ProofError("malformed", "The proof has no proofValue.")
    try:
        signature = base58btc_decode(proof_value)
    except ValueError:
        raise ProofError("malformed", "The proofValue is not base58btc multibase.") from None
    if len(signature) != 64:
        raise ProofError("malformed", "The proofValue is not an Ed25519 signature (64 bytes).")
    created = _parse_timestamp(proof["created"], "created") if "created" in proof else None
    if "expires" in proof and _parse_timestamp(proof["expires"], "expires") < now:
        raise ProofError("expired", "The proof has expired.")
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    document = unsecured
    if "@context" in options:
        # The proof's own context must begin the document's, in order; it then stands for it.
        proof_context = options["@context"] if isinstance(options["@context"], list) else [options["@context"]]
        document_context = unsecured.get("@context")
        document_context = document_context if isinstance(document_context, list) else [document_context]
        if document_context[: len(proof_context)] != proof_context:
            raise ProofError("malformed", "The proof's @context does not match the document's.")
        document = {**unsecured, "@context": options["@context"]}
    config = {**options, "@context": document.get("@context")}
    try:
        hash_data = _hash_data(document, config, engine)
    except UnknownContext as error:
        raise ProofError("unknown-context", str(error)) from error
    except (CanonicalizationError, ValueError, TypeError, RecursionError) as error:
        raise ProofError("malformed", f"The credential cannot be canonicalized: {error}") from error
    try:
        public_key = resolve_key(verification_method)
    except ProofError:
        raise
    except Exception as error:
        raise ProofError("unknown-key", f"The verification method cannot be resolved: {error}") from error
    if not isinstance(public_key, Ed25519PublicKey):
        raise ProofError("unknown-key", "The verification method is not an Ed25519 key.")
    try:
        public_key.verify(signature, hash_data)
    except InvalidSignature:
        raise ProofError("bad-signature", "The signature does not match the credential.") from None
    return VerifiedProof(verification_method=verification_method, created=created, cryptosuite=CRYPTOSUITE)


def proof_verify(
    document: dict[str, Any],
    *,
    resolve_key: Callable[[str], Ed25519PublicKey],
    expected_purpose: str = "assertionMethod",
    engine: Engine = "pyoxigraph",
    now: datetime | None = None,
) -> VerifiedProof:
    """Verifies every proof of the document (all must pass); returns the first.

    resolve_key(verificationMethod) returns the Ed25519 public key that the controller
    authorises for the purpose, or raises. Raises only ProofError.
    """
    try:
        if not isinstance(document, dict):
            raise ProofError("malformed", "The credential is not a JSON object.")
        proofs = document.get("proof")
        if proofs is None or proofs == []:
            raise ProofError("missing", "The credential has no proof.")
        if not isinstance(proofs, list):
            proofs = [proofs]
        if len(proofs) > MAX_PROOFS:
            raise ProofError("malformed", f"The credential has more than {MAX_PROOFS} proofs.")
        unsecured = {key: value for key, value in document.items() if key != "proof"}
        moment = now or datetime.now(UTC)
        results = [_verify_one(unsecured, proof, resolve_key, expected_purpose, engine, moment) for proof in proofs]
        return results[0]
    except ProofError:
        raise
    except UnknownContext as error:
        raise ProofError("unknown-context", str(error)) from error
    except Exception as error:  # never let a crafted document surface as anything but ProofError
        raise ProofError("malformed", f"The credential cannot be verified: {error}") from error
