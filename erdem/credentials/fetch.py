"""Fetching other issuers' public documents (DID documents, status lists, credentials) safely.

The verifier reads what other issuers publish, at addresses chosen by whoever pasted the
credential, so every request is guarded against server-side request forgery: https only, the
host's addresses are resolved first and private, loopback, link-local, multicast and reserved
ones are refused, the connection goes to the address that was checked (a second DNS answer
cannot swap it), redirects are followed by hand (at most three, each checked again), a slow
server is cut off after five seconds and a large answer after one megabyte. Our own site is
never fetched: callers resolve its addresses locally.
"""

import http.client
import ipaddress
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

from django.conf import settings

TIMEOUT_SECONDS = 5
MAX_BYTES = 1024 * 1024
MAX_REDIRECTS = 3
MAX_DEPTH = 64
REDIRECT_CODES = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """A document that could not be fetched. `code`: not-allowed, own-site, unsafe-address,
    unreachable, http-error (with the HTTP `status` when there was one), too-many-redirects, too-large,
    not-json. The message is English, for logs; people read `verification.fetch_reason(error)`."""

    def __init__(self, code: str, message: str, *, status: int | None = None) -> None:
        self.code = code
        self.message = message
        self.status = status
        super().__init__(f"{code}: {message}")


class InputTooDeep(ValueError):
    """JSON nested deeper than the limit."""


def nesting_depth_exceeds(text: str, limit: int = MAX_DEPTH) -> bool:
    """True when the JSON text nests arrays and objects deeper than `limit` (strings are skipped).

    Checked before parsing, so a hostile document never reaches the parser's recursion.
    """
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def json_parse(text: str | bytes, *, max_bytes: int = MAX_BYTES) -> Any:
    """JSON within the size and nesting limits; ValueError (InputTooDeep for nesting) otherwise."""
    if isinstance(text, bytes):
        if len(text) > max_bytes:
            raise ValueError("too-large")
        text = text.decode("utf-8-sig")
    if len(text.encode("utf-8")) > max_bytes:
        raise ValueError("too-large")
    if nesting_depth_exceeds(text):
        raise InputTooDeep("too-deep")
    try:
        return json.loads(text)
    except RecursionError as error:
        raise InputTooDeep("too-deep") from error


def did_web_url(did: str) -> str:
    """The https address of a did:web's DID document (W3C did:web method, "Read (Resolve)").

    did:web:example.com → https://example.com/.well-known/did.json;
    did:web:example.com:user:alice → https://example.com/user/alice/did.json;
    did:web:example.com%3A8443 → https://example.com:8443/.well-known/did.json.
    A fragment or query is ignored. ValueError for anything that is not a did:web.
    """
    if not isinstance(did, str) or not did.startswith("did:web:"):
        raise ValueError("Not a did:web identifier.")
    identifier = did[len("did:web:") :].split("#", 1)[0].split("?", 1)[0]
    parts = identifier.split(":")
    host = unquote(parts[0])
    if not host or any(char in host for char in "/@?#\\ ") or not all(parts):
        raise ValueError("The did:web has no valid host.")
    path = "/".join(quote(unquote(part), safe="") for part in parts[1:])
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


def address_allowed(address: str) -> bool:
    """False for addresses a public document can never be at: private, loopback, link-local,
    multicast, reserved, unspecified (IPv4-mapped IPv6 judged as the IPv4 address)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def own_host(url: str) -> bool:
    """The address is on this platform's own site (SITE_URL's host and port)."""
    return urlsplit(url).netloc.lower() == urlsplit(settings.SITE_URL).netloc.lower()


def _resolve(host: str, port: int) -> list[str]:
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise FetchError("unreachable", f"The host {host!r} cannot be resolved: {error}") from error
    return list(dict.fromkeys(str(answer[4][0]) for answer in answers))


def _checked_address(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and own_host(url):
        raise FetchError("own-site", "This platform's own documents are read locally, not fetched.")
    if parts.scheme != "https":
        raise FetchError("not-allowed", "Only https addresses are fetched.")
    if not parts.hostname or parts.username or parts.password:
        raise FetchError("not-allowed", "The address has no host, or carries a user name.")
    try:
        port = parts.port or 443
    except ValueError as error:
        raise FetchError("not-allowed", "The address's port is not a number.") from error
    addresses = _resolve(parts.hostname, port)
    if not addresses or not all(address_allowed(address) for address in addresses):
        raise FetchError("unsafe-address", f"The host {parts.hostname!r} resolves to an address that is not public.")
    return addresses[0]


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the address that was checked, while TLS still verifies the host's name."""

    pinned_address = ""

    def connect(self) -> None:
        sock = socket.create_connection((self.pinned_address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, address: str) -> None:
        super().__init__()
        self.address = address

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        address = self.address

        class Connection(_PinnedHTTPSConnection):
            pinned_address = address

        return self.do_open(Connection, req, context=self._context)  # type: ignore[attr-defined]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # redirects are followed by fetch_json, which checks each new address


@dataclass
class _Answer:
    status: int
    headers: Any
    body: bytes


def _request(url: str, *, accept: str, address: str) -> _Answer:
    """One GET to `address` for `url`, reading at most MAX_BYTES + 1 bytes. Tests replace this."""
    opener = urllib.request.build_opener(_PinnedHTTPSHandler(address), _NoRedirect())
    # The scheme was checked (https only) by _checked_address before any request.
    request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": "erdem-verifier"})  # noqa: S310
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return _Answer(response.status, response.headers, response.read(MAX_BYTES + 1))
    except urllib.error.HTTPError as error:
        return _Answer(error.code, error.headers, b"")
    except (OSError, http.client.HTTPException) as error:
        raise FetchError("unreachable", f"{urlsplit(url).hostname} could not be reached: {error}") from error


def fetch_json(url: str, *, accept: str = "application/json") -> dict[str, Any]:
    """The JSON object at an https address of another site; FetchError for anything else."""
    if not getattr(settings, "ERDEM_VERIFIER_FETCH", False):
        raise FetchError("not-allowed", "This server does not fetch documents from other sites.")
    for _hop in range(MAX_REDIRECTS + 1):
        address = _checked_address(url)
        answer = _request(url, accept=accept, address=address)
        if answer.status in REDIRECT_CODES:
            location = answer.headers.get("Location") if answer.headers is not None else None
            if not location:
                raise FetchError("http-error", f"A redirect from {url} names no address.")
            url = urljoin(url, location)
            continue
        if answer.status != 200:
            raise FetchError("http-error", f"{url} answered {answer.status}.", status=answer.status)
        if len(answer.body) > MAX_BYTES:
            raise FetchError("too-large", f"{url} sent more than {MAX_BYTES} bytes.")
        content_type = (answer.headers.get("Content-Type") or "") if answer.headers is not None else ""
        if "json" not in content_type.lower():
            raise FetchError("not-json", f"{url} did not answer with JSON ({content_type[:60]!r}).")
        try:
            document = json_parse(answer.body)
        except (ValueError, UnicodeDecodeError) as error:
            raise FetchError("not-json", f"{url} did not answer with valid JSON: {error}") from error
        if not isinstance(document, dict):
            raise FetchError("not-json", f"{url} did not answer with a JSON object.")
        return document
    raise FetchError("too-many-redirects", f"More than {MAX_REDIRECTS} redirects.")
