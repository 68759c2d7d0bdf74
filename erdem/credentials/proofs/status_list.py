"""Bitstring Status List v1.0: the compressed, encoded bitstring of a status list credential.

Bit 0 is the left-most (most significant) bit of the first byte. The encoded list is the
GZIP-compressed bitstring in multibase base64url without padding ('u' prefix).
"""

import base64
import binascii
import gzip
import zlib

STATUS_LIST_LENGTH = 131072  # bits: the specification's minimum, 16 KB, for herd privacy
MAX_DECODED_BYTES = 16 * 1024 * 1024
MAX_ENCODED_CHARS = 4 * 1024 * 1024


def bitstring_encode(bits: bytes) -> str:
    """'u' + base64url (no padding) of the GZIP-compressed bitstring."""
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def bitstring_decode(encoded: str) -> bytes:
    """The bitstring of an encodedList (with or without the 'u' prefix); ValueError when malformed.

    Refuses lists that expand beyond 16 MiB (decompression bombs).
    """
    if not isinstance(encoded, str) or not encoded:
        raise ValueError("An encoded status list is a non-empty string.")
    if len(encoded) > MAX_ENCODED_CHARS:
        raise ValueError("The encoded status list is too long.")
    text = encoded[1:] if encoded.startswith("u") else encoded
    if not text or any(char not in _BASE64URL for char in text) or len(text) % 4 == 1:
        raise ValueError("The encoded status list is not base64url.")
    try:
        compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError(f"The encoded status list is not base64url: {error}") from error
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP framing only
    try:
        bits = decompressor.decompress(compressed, MAX_DECODED_BYTES)
        if decompressor.unconsumed_tail:
            raise ValueError(f"The status list expands beyond {MAX_DECODED_BYTES} bytes.")
        bits += decompressor.flush()
    except zlib.error as error:
        raise ValueError(f"The encoded status list is not GZIP data: {error}") from error
    if not decompressor.eof:
        raise ValueError("The encoded status list is truncated.")
    if len(bits) > MAX_DECODED_BYTES:
        raise ValueError(f"The status list expands beyond {MAX_DECODED_BYTES} bytes.")
    return bits


_BASE64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _position(bits: bytes | bytearray, index: int) -> tuple[int, int]:
    if not isinstance(index, int) or isinstance(index, bool) or index < 0 or index >= len(bits) * 8:
        raise IndexError(f"Status list index {index!r} is outside the list of {len(bits) * 8} entries.")
    return index // 8, 7 - index % 8


def bit_get(bits: bytes | bytearray, index: int) -> bool:
    """The bit at index (0 = the first byte's most significant bit)."""
    byte, shift = _position(bits, index)
    return bool(bits[byte] >> shift & 1)


def bit_set(bits: bytearray, index: int, value: bool) -> None:
    """Sets the bit at index in place."""
    byte, shift = _position(bits, index)
    if value:
        bits[byte] |= 1 << shift
    else:
        bits[byte] &= ~(1 << shift) & 0xFF
