"""The verifier's outbound fetch: nothing here touches the network (the resolver and the request are replaced)."""

from typing import Any
from unittest import mock

import pytest
from django.test import override_settings

from erdem.credentials import fetch
from erdem.credentials.fetch import FetchError, address_allowed, did_web_url, fetch_json, json_parse


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"),
        ("did:web:example.com%3A3000:issuers:1", "https://example.com:3000/issuers/1/did.json"),
        ("did:web:example.com#key-1", "https://example.com/.well-known/did.json"),
    ],
)
def test_did_web_to_url(did, url):
    assert did_web_url(did) == url


@pytest.mark.parametrize("did", ["did:key:z6Mk", "did:web:", "did:web:example.com::x", "did:web:ex%2Fample.com"])
def test_did_web_that_is_not_valid(did):
    with pytest.raises(ValueError):
        did_web_url(did)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",  # noqa: S104
        "224.0.0.1",
        "240.0.0.1",
        "100.64.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "not an address",
    ],
)
def test_addresses_that_are_refused(address):
    assert not address_allowed(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"])
def test_public_addresses_are_allowed(address):
    assert address_allowed(address)


class Answer:
    def __init__(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers if headers is not None else {"Content-Type": "application/json"}


def _world(answers: dict[str, Any], addresses: dict[str, list[str]] | None = None):
    """Patches the resolver and the request; returns the list of (url, address) requested."""
    requested: list[tuple[str, str]] = []
    addresses = addresses or {}

    def resolve(host: str, port: int) -> list[str]:
        return addresses.get(host, ["93.184.216.34"])

    def request(url: str, *, accept: str, address: str) -> Any:
        requested.append((url, address))
        return answers[url]

    return requested, mock.patch.object(fetch, "_resolve", resolve), mock.patch.object(fetch, "_request", request)


def test_fetches_json_from_a_public_address():
    requested, resolve, request = _world({"https://issuer.example/did.json": Answer(200, b'{"id": "did:web:x"}')})
    with resolve, request:
        assert fetch_json("https://issuer.example/did.json") == {"id": "did:web:x"}
    assert requested == [("https://issuer.example/did.json", "93.184.216.34")]


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://issuer.example/did.json", "not-allowed"),
        ("file:///etc/passwd", "not-allowed"),
        ("https://user:pw@issuer.example/x", "not-allowed"),
        ("https://internal.example/x", "unsafe-address"),
        ("http://127.0.0.1:8000/credentials/verify/", "own-site"),
    ],
)
def test_refused_addresses_are_never_requested(url, code):
    requested, resolve, request = _world({}, {"internal.example": ["93.184.216.34", "10.0.0.5"]})
    with resolve, request, pytest.raises(FetchError) as error:
        fetch_json(url)
    assert error.value.code == code
    assert requested == []


def test_redirects_are_followed_and_checked_again():
    answers = {
        "https://a.example/x": Answer(302, headers={"Location": "https://b.example/y"}),
        "https://b.example/y": Answer(301, headers={"Location": "https://metadata.example/latest"}),
    }
    requested, resolve, request = _world(answers, {"metadata.example": ["169.254.169.254"]})
    with resolve, request, pytest.raises(FetchError) as error:
        fetch_json("https://a.example/x")
    assert error.value.code == "unsafe-address"
    assert [url for url, _address in requested] == ["https://a.example/x", "https://b.example/y"]


def test_at_most_three_redirects():
    answers = {f"https://a.example/{n}": Answer(302, headers={"Location": f"/{n + 1}"}) for n in range(10)}
    requested, resolve, request = _world(answers)
    with resolve, request, pytest.raises(FetchError) as error:
        fetch_json("https://a.example/0")
    assert error.value.code == "too-many-redirects"
    assert len(requested) == 4


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (Answer(404), "http-error"),
        (Answer(200, b"x" * (1024 * 1024 + 1)), "too-large"),
        (Answer(200, b"<html></html>", {"Content-Type": "text/html"}), "not-json"),
        (Answer(200, b"[1, 2]"), "not-json"),
        (Answer(200, b"[" * 1000 + b"]" * 1000), "not-json"),
        (Answer(200, b"{broken"), "not-json"),
    ],
)
def test_answers_that_are_refused(answer, code):
    _requested, resolve, request = _world({"https://a.example/x": answer})
    with resolve, request, pytest.raises(FetchError) as error:
        fetch_json("https://a.example/x")
    assert error.value.code == code


@override_settings(ERDEM_VERIFIER_FETCH=False)
def test_nothing_is_fetched_when_fetching_is_off():
    requested, resolve, request = _world({})
    with resolve, request, pytest.raises(FetchError) as error:
        fetch_json("https://a.example/x")
    assert error.value.code == "not-allowed"
    assert requested == []


def test_json_parse_limits():
    assert json_parse('{"a": "[[[[ not nesting"}') == {"a": "[[[[ not nesting"}
    with pytest.raises(fetch.InputTooDeep):
        json_parse("[" * 65 + "]" * 65)
    assert json_parse("[" * 64 + "]" * 64) is not None
    with pytest.raises(ValueError):
        json_parse(b"x" * 11, max_bytes=10)
