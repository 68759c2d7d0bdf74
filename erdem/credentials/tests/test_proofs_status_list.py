import base64
import gzip

import pytest

from erdem.credentials.proofs.status_list import (
    STATUS_LIST_LENGTH,
    bit_get,
    bit_set,
    bitstring_decode,
    bitstring_encode,
)


def test_round_trip_of_a_full_list():
    bits = bytearray(STATUS_LIST_LENGTH // 8)
    for index in (0, 1, 7, 8, 12345, STATUS_LIST_LENGTH - 1):
        bit_set(bits, index, True)
    encoded = bitstring_encode(bytes(bits))
    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded and "/" not in encoded
    assert len(encoded) < 200  # a mostly empty list compresses to almost nothing
    decoded = bitstring_decode(encoded)
    assert decoded == bits
    assert bitstring_decode(encoded[1:]) == bits  # without the multibase prefix
    assert [bit_get(decoded, i) for i in (0, 1, 2, 7, 8, 9, 12345, STATUS_LIST_LENGTH - 1)] == [
        True,
        True,
        False,
        True,
        True,
        False,
        True,
        True,
    ]
    bit_set(bits, 1, False)
    assert not bit_get(bits, 1) and bit_get(bits, 0)


def test_index_zero_is_the_most_significant_bit_of_the_first_byte():
    bits = bytearray(2)
    bit_set(bits, 0, True)
    assert bits == bytearray(b"\x80\x00")
    bit_set(bits, 15, True)
    assert bits == bytearray(b"\x80\x01")


def test_the_specification_example_decodes():
    # Bitstring Status List v1.0, example 1: an empty 16 KB list.
    encoded = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
    decoded = bitstring_decode(encoded)
    assert len(decoded) * 8 == STATUS_LIST_LENGTH
    assert not any(decoded)


@pytest.mark.parametrize("index", [-1, STATUS_LIST_LENGTH, 10**9, True])
def test_indices_outside_the_list_are_refused(index):
    bits = bytearray(STATUS_LIST_LENGTH // 8)
    with pytest.raises(IndexError):
        bit_get(bits, index)
    with pytest.raises(IndexError):
        bit_set(bits, index, True)


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "u",
        "u!!!!",
        "uAAAA+/",  # standard base64, not base64url
        "u" + base64.urlsafe_b64encode(b"not gzip").decode().rstrip("="),
        "u" + base64.urlsafe_b64encode(gzip.compress(b"\0" * 100)[:-6]).decode().rstrip("="),  # truncated
        "uA",
    ],
)
def test_malformed_lists_are_refused(encoded):
    with pytest.raises(ValueError):
        bitstring_decode(encoded)


def test_decompression_bombs_are_refused():
    bomb = "u" + base64.urlsafe_b64encode(gzip.compress(b"\0" * (17 * 1024 * 1024))).decode().rstrip("=")
    assert len(bomb) < 40_000
    with pytest.raises(ValueError, match="16777216"):
        bitstring_decode(bomb)
