"""Checking a DID a learner gives for their credentials, before anything is reissued to it.

The syntax is W3C DID Core's (`did:<method>:<method-specific id>`, no path, query or fragment);
`did:key` must decode to a public key of a kind wallets use (Ed25519, P-256, secp256k1), and
`did:web` must name a real host name. Other methods are accepted on syntax alone.
"""

import re

import base58
from django.utils.translation import gettext as _

MAX_LENGTH = 300
_SYNTAX = re.compile(r"did:[a-z0-9]+:(?:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+")
# multicodec prefix (varint) and key length of the did:key kinds wallets use
_KEY_KINDS = {b"\xed\x01": 32, b"\x80\x24": 33, b"\xe7\x01": 33}
_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


class DidError(ValueError):
    """The DID cannot be used; the message says why, in the reader's language."""


def did_check(did: str) -> str:
    """The DID, trimmed, or DidError."""
    did = did.strip()
    if len(did) > MAX_LENGTH or not _SYNTAX.fullmatch(did):
        raise DidError(_("This is not a DID. A DID looks like did:key:z6Mk… or did:web:example.mn, with no spaces."))
    method, identifier = did[4:].split(":", 1)
    if method == "key":
        _key_check(identifier)
    elif method == "web":
        _web_check(identifier)
    return did


def _key_check(identifier: str) -> None:
    message = _("This did:key does not hold a public key: copy it again from your wallet.")
    if not identifier.startswith("z"):
        raise DidError(message)
    try:
        raw = base58.b58decode(identifier[1:])
    except ValueError as exc:
        raise DidError(message) from exc
    for prefix, length in _KEY_KINDS.items():
        if raw.startswith(prefix) and len(raw) == len(prefix) + length:
            return
    raise DidError(message)


def _web_check(identifier: str) -> None:
    host = identifier.split(":", 1)[0].replace("%3A", ":").replace("%3a", ":")
    name, _colon, port = host.partition(":")
    labels = name.split(".")
    if (
        len(labels) < 2
        or not all(_HOST_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
        or (port and not (port.isdigit() and 0 < int(port) < 65536))
    ):
        raise DidError(_("This did:web does not name a web address, such as did:web:example.mn."))
