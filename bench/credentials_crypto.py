"""Signing and verifying Open Badges 3.0 credentials on one core, as ratios to raw Ed25519.

Signs and verifies a realistic credential (erdem.credentials.proofs.samples.sample_credential,
Mongolian texts, evidence, results, alignments, a status entry) with the Data Integrity
eddsa-rdfc-2022 cryptosuite, once canonicalizing with pyoxigraph and once with PyLD, and as
a VC-JWT. Each is compared with the bare Ed25519 operation it wraps (sign or verify of
64 bytes), measured in one-second slices alternating with it in this process: the machine is
noisy and its speed drifts, so the ratios are what compares between runs. No database.
"""

import argparse
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


@dataclass
class Variant:
    name: str
    work: Callable[[], object]
    count: int = 0
    elapsed: float = 0.0

    @property
    def ms(self) -> float:
        return 1000 * self.elapsed / self.count if self.count else 0.0


def drive(variant: Variant, seconds: float) -> None:
    """Calls `variant.work` for about `seconds` (at least once)."""
    start = time.perf_counter()
    deadline = start + seconds
    count = 0
    while True:
        variant.work()
        count += 1
        if time.perf_counter() >= deadline:
            break
    variant.count += count
    variant.elapsed += time.perf_counter() - start


def run(*, seconds: float) -> bool:
    """Measures each operation and prints the table; false when a signature does not verify."""
    from erdem.credentials.proofs.data_integrity import document_sign, proof_verify
    from erdem.credentials.proofs.jwt import jwt_decode, jwt_encode
    from erdem.credentials.proofs.multikey import ed25519_public_multibase
    from erdem.credentials.proofs.samples import ISSUER_DID, ISSUER_KEY_SEED, sample_credential

    key = Ed25519PrivateKey.from_private_bytes(ISSUER_KEY_SEED)
    public_key = key.public_key()
    method = f"{ISSUER_DID}#{ed25519_public_multibase(public_key)}"
    created = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    credential = sample_credential()
    message = bytes(range(64))  # what eddsa-rdfc-2022 signs: two SHA-256 hashes
    raw_signature = key.sign(message)

    def resolve(verification_method: str):
        return public_key

    signed = {
        engine: document_sign(credential, private_key=key, verification_method=method, created=created, engine=engine)
        for engine in ("pyoxigraph", "pyld")
    }
    token = jwt_encode(credential, private_key=key, kid=method)
    ok = True
    for document in signed.values():
        for verifier in ("pyoxigraph", "pyld"):
            ok &= proof_verify(document, resolve_key=resolve, engine=verifier).verification_method == method
    ok &= jwt_decode(token, resolve_key=resolve) == credential
    ok &= signed["pyoxigraph"] == signed["pyld"]

    raw_sign = Variant("raw Ed25519 sign, 64 bytes (baseline)", lambda: key.sign(message))
    raw_verify = Variant("raw Ed25519 verify, 64 bytes (baseline)", lambda: public_key.verify(raw_signature, message))
    kinds = {
        "sign": (
            raw_sign,
            [
                Variant(
                    "eddsa-rdfc-2022 sign, pyoxigraph",
                    lambda: document_sign(credential, private_key=key, verification_method=method, created=created),
                ),
                Variant(
                    "eddsa-rdfc-2022 sign, PyLD",
                    lambda: document_sign(
                        credential, private_key=key, verification_method=method, created=created, engine="pyld"
                    ),
                ),
                Variant("VC-JWT sign", lambda: jwt_encode(credential, private_key=key, kid=method)),
            ],
        ),
        "verify": (
            raw_verify,
            [
                Variant(
                    "eddsa-rdfc-2022 verify, pyoxigraph",
                    lambda: proof_verify(signed["pyoxigraph"], resolve_key=resolve),
                ),
                Variant(
                    "eddsa-rdfc-2022 verify, PyLD",
                    lambda: proof_verify(signed["pyoxigraph"], resolve_key=resolve, engine="pyld"),
                ),
                Variant("VC-JWT verify", lambda: jwt_decode(token, resolve_key=resolve)),
            ],
        ),
    }
    rows: list[tuple[Variant, Variant]] = []
    slices = max(1, round(seconds))
    for baseline, variants in kinds.values():
        for variant in [baseline, *variants]:  # warm up imports and caches
            drive(Variant(variant.name, variant.work), 0.3)
        for variant in variants:
            paired = Variant(baseline.name, baseline.work)
            for _ in range(slices):
                drive(paired, 1.0)
                drive(variant, 1.0)
            baseline.count += paired.count
            baseline.elapsed += paired.elapsed
            rows.append((variant, paired))
        rows.insert(len(rows) - len(variants), (baseline, baseline))

    print()
    print(
        f"Credential signatures · one process, one thread · {seconds:g} s per operation in 1 s slices alternating "
        "with raw Ed25519 · a signed credential of "
        f"{len(json.dumps(signed['pyoxigraph'], ensure_ascii=False).encode()):,} bytes, its VC-JWT {len(token):,}"
    )
    header = f"{'operation':<40} {'per s':>8} {'ms':>8} {'raw per s':>10} {'x raw':>8}"
    print(header)
    print("-" * len(header))
    for variant, paired in rows:
        per_s = variant.count / variant.elapsed
        raw_per_s = paired.count / paired.elapsed
        print(f"{variant.name:<40} {per_s:>8.0f} {variant.ms:>8.3f} {raw_per_s:>10.0f} {raw_per_s / per_s:>8.1f}")
    print(
        "ms: wall time per operation; x raw: how many raw Ed25519 operations of the same kind (sign or verify) "
        "fit in the time of one, over the slices they alternated."
    )
    print(f"Load average (1 min) of this machine ({os.cpu_count()} cores): {os.getloadavg()[0]:.1f} after the run.")
    if not ok:
        print("FAIL: a signature did not verify, or the two canonicalization engines signed differently.")
    return bool(ok)


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--crypto-seconds", type=float, default=3.0, help="per signing or verifying operation")


def django_setup() -> None:
    """Django without a database: the contexts directory may come from the settings."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    arguments(parser)
    args = parser.parse_args()
    django_setup()
    raise SystemExit(0 if run(seconds=args.crypto_seconds) else 1)


if __name__ == "__main__":
    main()
