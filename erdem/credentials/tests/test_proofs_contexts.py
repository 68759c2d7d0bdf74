import json
import shutil
from pathlib import Path

import pytest
from django.test import override_settings

from erdem.credentials.proofs import contexts
from erdem.credentials.proofs.contexts import (
    CREDENTIALS_V1,
    CREDENTIALS_V2,
    OB_EXTENSIONS,
    OB_V3,
    PINNED_SHA256,
    UnknownContext,
    canonical_sha256,
    context_document,
    contexts_available,
    document_loader,
)


@pytest.fixture
def fresh_cache():
    contexts.cache_clear()
    yield
    contexts.cache_clear()


def test_every_pinned_context_is_installed_and_intact():
    assert contexts_available(), "run scripts/setup: the JSON-LD contexts are missing or altered"
    for url in (CREDENTIALS_V2, CREDENTIALS_V1, OB_V3, OB_EXTENSIONS):
        document = context_document(url)
        assert "@context" in document
        assert canonical_sha256(document) == PINNED_SHA256[url]


def test_the_loader_answers_as_pyld_expects():
    loaded = document_loader(OB_V3)
    assert loaded["documentUrl"] == OB_V3
    assert loaded["document"]["@context"]["OpenBadgeCredential"]["@id"].endswith("#OpenBadgeCredential")


@pytest.mark.parametrize(
    "url",
    ["https://example.com/context.json", "https://schema.org/", "file:///etc/passwd", "", OB_V3 + "#x"],
)
def test_anything_not_pinned_is_refused_without_a_lookup(url):
    with pytest.raises(UnknownContext) as caught:
        context_document(url)
    assert caught.value.url == url


def test_an_altered_context_file_is_refused(tmp_path: Path, fresh_cache):
    source = contexts.contexts_directory()
    copy = tmp_path / "build"
    shutil.copytree(source, copy)
    index = json.loads((copy / "index.json").read_text())
    altered = copy / index[OB_V3]
    document = json.loads(altered.read_text())
    document["@context"]["OpenBadgeCredential"]["@id"] = "https://attacker.example/#OpenBadgeCredential"
    altered.write_text(json.dumps(document))
    with override_settings(ERDEM_JSONLD_CONTEXTS_DIR=str(copy)):
        with pytest.raises(UnknownContext, match="does not match its pinned SHA-256"):
            context_document(OB_V3)
        assert context_document(CREDENTIALS_V2)["@context"]  # the others still load
        assert not contexts_available()


def test_a_missing_directory_says_how_to_fix_it(tmp_path: Path, fresh_cache):
    with override_settings(ERDEM_JSONLD_CONTEXTS_DIR=str(tmp_path / "nowhere")):
        with pytest.raises(UnknownContext, match="scripts/setup"):
            context_document(CREDENTIALS_V2)
        assert not contexts_available()


def test_an_index_may_not_point_outside_its_directory(tmp_path: Path, fresh_cache):
    copy = tmp_path / "build"
    shutil.copytree(contexts.contexts_directory(), copy)
    index = json.loads((copy / "index.json").read_text())
    index[CREDENTIALS_V2] = "../../outside.json"
    (copy / "index.json").write_text(json.dumps(index))
    with override_settings(ERDEM_JSONLD_CONTEXTS_DIR=str(copy)), pytest.raises(UnknownContext, match="unsafe file"):
        context_document(CREDENTIALS_V2)
