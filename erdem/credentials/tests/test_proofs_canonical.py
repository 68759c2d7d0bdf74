import copy
import random

import pytest

from erdem.credentials.proofs.canonical import MAX_DEPTH, CanonicalizationError, canonize, json_ld_double
from erdem.credentials.proofs.contexts import CREDENTIALS_V2, OB_V3, UnknownContext
from erdem.credentials.proofs.samples import generated_credential, sample_credential

ENGINES = ["pyoxigraph", "pyld"]
GENERATED = 200


def test_both_engines_give_byte_identical_output_on_generated_credentials():
    rng = random.Random(20261128)
    blank_nodes = 0
    for number in range(GENERATED):
        credential = generated_credential(rng)
        fast = canonize(credential, engine="pyoxigraph")
        reference = canonize(credential, engine="pyld")
        assert fast == reference, f"credential {number} differs"
        blank_nodes += "_:c14n" in fast
    assert blank_nodes > GENERATED // 2  # the generator did exercise blank-node labelling


def test_output_is_sorted_n_quads_with_canonical_labels():
    nquads = canonize(sample_credential())
    lines = nquads.splitlines(keepends=True)
    assert lines == sorted(lines)
    assert all(line.endswith(" .\n") for line in lines)
    assert "_:c14n0" in nquads and "_:b" not in nquads
    assert '<https://schema.org/name> "Хиймэл оюун ухааныг сургалтад ашиглах — суурь түвшин" .' in nquads


@pytest.mark.parametrize("engine", ENGINES)
def test_strings_are_escaped_as_rdfc_1_0_requires(engine):
    credential = sample_credential()
    credential["name"] = 'a\tb\bc\fd\x01e"f\\g\nh\ri\x7fj ᠮᠣᠩᠭᠣᠯ 🎓'
    line = next(line for line in canonize(credential, engine=engine).splitlines() if 'schema.org/name> "a' in line)
    assert line.endswith('"a\\tb\\bc\\fd\\u0001e\\"f\\\\g\\nh\\ri\\u007Fj ᠮᠣᠩᠭᠣᠯ 🎓" .')


@pytest.mark.parametrize("engine", ENGINES)
def test_numbers_are_written_as_json_ld_processors_write_them(engine):
    credential = sample_credential()
    subject = credential["credentialSubject"]
    for value, expected in [(2.5, "2.5E0"), (100.0, "100"), (100, "100"), (456228.54203623463, "4.562285420362346E5")]:
        subject["creditsEarned"] = value
        assert f'creditsEarned> "{expected}"^^' in canonize(credential, engine=engine)
    subject["creditsEarned"] = 1e-7  # jsonld.js would write "0"
    with pytest.raises(CanonicalizationError):
        canonize(credential, engine=engine)


def test_json_ld_double_form():
    assert [json_ld_double(v) for v in (1.0, 2.5, -3.25, 1e21, 0.1, 1 / 3)] == [
        "1.0E0",
        "2.5E0",
        "-3.25E0",
        "1.0E21",
        "1.0E-1",
        "3.333333333333333E-1",
    ]


def _with(credential, path, value):
    changed = copy.deepcopy(credential)
    node = changed
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return changed


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("nickname",), "Бат", "no context defines: 'nickname'"),
        (("credentialSubject", "favouriteColour"), "blue", "no context defines: 'favouriteColour'"),
        (("credentialSubject", "achievement", "criteria", "extra"), 1, "no context defines: 'extra'"),
        (("type",), ["VerifiableCredential", "MadeUpCredential"], "no context defines: 'MadeUpCredential'"),
        (("id",), "credentials/1", "not an absolute IRI"),
        (("id",), "https://erdem.example/a b", "not an absolute IRI"),
        (("id",), "https://erdem.example/<script>", "not an absolute IRI"),
        (("issuer", "id"), "", "not an absolute IRI"),
        (("issuer",), "issuers/1", "relative IRI"),
        (("evidence",), ["evidence/1"], "relative IRI"),
    ],
)
def test_what_json_ld_would_silently_drop_is_refused(engine, path, value, message):
    with pytest.raises(CanonicalizationError, match=message):
        canonize(_with(sample_credential(), path, value), engine=engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_unknown_contexts_are_refused(engine):
    credential = sample_credential()
    credential["@context"] = [CREDENTIALS_V2, OB_V3, "https://example.com/my-context.json"]
    with pytest.raises(UnknownContext):
        canonize(credential, engine=engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_embedded_contexts_may_not_switch_off_the_checks(engine):
    credential = sample_credential()
    credential["@context"] = [CREDENTIALS_V2, OB_V3, {"@vocab": None}]
    with pytest.raises(CanonicalizationError):
        canonize(credential, engine=engine)
    credential["@context"] = [CREDENTIALS_V2, OB_V3]
    credential["credentialSubject"]["@context"] = None
    with pytest.raises(CanonicalizationError):
        canonize(credential, engine=engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_deeply_nested_documents_are_refused_cheaply(engine):
    credential = sample_credential()
    node = credential["credentialSubject"]["achievement"]["criteria"]
    for _ in range(MAX_DEPTH + 5):
        node["narrative"] = [{}]
        node = node["narrative"][0]
    with pytest.raises(CanonicalizationError, match="deeper than 64"):
        canonize(credential, engine=engine)
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    credential["description"] = deep  # deeper than the JSON encoder's own recursion limit
    with pytest.raises(CanonicalizationError):
        canonize(credential, engine=engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_documents_over_one_megabyte_are_refused(engine):
    credential = sample_credential()
    credential["description"] = "ᠮ" * 400_000  # 3 bytes each in UTF-8
    with pytest.raises(CanonicalizationError, match="larger than"):
        canonize(credential, engine=engine)


@pytest.mark.parametrize("value", [[1, 2], "text", None, {"name": "no context"}])
def test_only_json_ld_objects_are_canonicalized(value):
    with pytest.raises(CanonicalizationError):
        canonize(value)


def test_an_embedded_context_with_a_prefix_reads_alike_in_both_engines():
    credential = sample_credential()
    credential["@context"] = [CREDENTIALS_V2, OB_V3, {"ex": "https://example.org/vocab#", "motto": "ex:motto"}]
    credential["motto"] = "Эрдэм ном"
    credential["ex:level"] = "B2"
    fast = canonize(credential, engine="pyoxigraph")
    assert fast == canonize(credential, engine="pyld")
    assert '<https://example.org/vocab#motto> "Эрдэм ном" .' in fast
    assert '<https://example.org/vocab#level> "B2" .' in fast
