"""RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD credentials, as N-Quads.

Two engines give byte-identical output (tests/test_proofs_canonical.py proves it on
generated Open Badges 3.0 credentials): pyoxigraph (Rust, the default, several times
faster) and PyLD (pure Python, the reference). Contexts come only from the pinned local
files (contexts.py); pyoxigraph cannot load remote contexts, so their objects are put in
place of the URLs before parsing.

JSON-LD silently drops what it cannot map to RDF: a property or type no context defines,
a relative or malformed IRI. A signature would then not cover that part of the document,
so both engines refuse such documents instead: the document is processed with a sentinel
@vocab and a sentinel base IRI put in front of its own contexts, and any sentinel IRI in
the output means a term was undefined or an IRI relative. Values that become IRIs are
checked to be well-formed absolute IRIs before parsing.
"""

import json
import re
from collections.abc import Iterator
from typing import Any, Literal

import pyoxigraph
from cachetools import LRUCache
from pyld import jsonld
from pyld import nquads as pyld_nquads
from pyld.context_resolver import ContextResolver

from erdem.credentials.proofs.contexts import UnknownContext, context_document, document_loader

Engine = Literal["pyoxigraph", "pyld"]

MAX_DEPTH = 64
MAX_BYTES = 1024 * 1024

_UNDEFINED_VOCAB = "https://undefined-term.erdem.invalid/#"
_RELATIVE_BASE = "https://relative-iri.erdem.invalid/"
_UNDEFINED_TERM = re.compile("<" + re.escape(_UNDEFINED_VOCAB) + "([^>]*)>")
_RELATIVE_IRI = re.compile("<" + re.escape(_RELATIVE_BASE) + "([^>]*)>")

# An absolute IRI (RFC 3987 scheme, then no character N-Quads would have to escape) or a blank node.
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\\x7f]*")
_BLANK_NODE = re.compile(r"_:[A-Za-z0-9_][A-Za-z0-9_.\-]*")
_TERM = re.compile(r"[^\x00-\x20<>\"{}|^`\\:\x7f]+")


class CanonicalizationError(ValueError):
    """The document cannot be canonicalized without losing or misreading part of it."""


def _rdfc_escape(value: str) -> str:
    """RDFC-1.0's escaping of a literal's characters (PyLD 3.3 leaves \\b, \\f and other controls raw)."""
    out = []
    for char in value:
        code = ord(char)
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif char == "\b":
            out.append("\\b")
        elif char == "\f":
            out.append("\\f")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(char)
    return "".join(out)


_NEEDS_ESCAPE = re.compile(r"[\x00-\x1f\x7f\"\\]")


def _escape(value: str) -> str:
    return _rdfc_escape(value) if _NEEDS_ESCAPE.search(value) else value


# PyLD's N-Quads writer (used both for hashing blank nodes and for the output) looks the
# function up in its module at each call.
pyld_nquads.escape = _escape

# Terms whose string values the pinned contexts turn into IRIs ("@type": "@id" or "@vocab").
_iri_terms_cache: dict[str, frozenset[str]] = {}


def _iri_terms(url: str) -> frozenset[str]:
    terms = _iri_terms_cache.get(url)
    if terms is None:
        found: set[str] = set()
        _collect_iri_terms(context_document(url).get("@context"), found)
        terms = frozenset(found)
        _iri_terms_cache[url] = terms
    return terms


def _collect_iri_terms(context: Any, found: set[str]) -> None:
    if isinstance(context, list):
        for item in context:
            _collect_iri_terms(item, found)
    elif isinstance(context, dict):
        for term, definition in context.items():
            if isinstance(definition, dict):
                if definition.get("@type") in ("@id", "@vocab"):
                    found.add(term)
                _collect_iri_terms(definition.get("@context"), found)
            elif definition == "@id":
                found.add(term)


def _walk(document: dict[str, Any]) -> Iterator[tuple[str | None, Any, int]]:
    """(key, value, depth) for every value in the document, without recursion."""
    stack: list[tuple[str | None, Any, int]] = [(None, document, 0)]
    while stack:
        key, value, depth = stack.pop()
        yield key, value, depth
        if isinstance(value, dict):
            stack.extend((k, v, depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((key, v, depth + 1) for v in value)


def _number(value: int | float) -> int | float:
    """A JSON number as every JSON-LD processor reads it: a double, written as an integer when it is one.

    (JavaScript has only doubles; PyLD would otherwise treat 100.0 and 100 differently.)
    """
    try:
        number = float(value)
    except OverflowError:
        raise CanonicalizationError("A number in the document is too large.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise CanonicalizationError("A number in the document is not finite.")
    if number != 0 and abs(number) < 1e-6:
        # jsonld.js (the JavaScript implementation most verifiers use) writes 1e-7 as "0".
        raise CanonicalizationError("Numbers closer to zero than 0.000001 are not read alike by JSON-LD processors.")
    if number.is_integer() and abs(number) < 1e21:
        return int(number)
    return number


def _normalised(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: value if key == "@context" else _normalised(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_normalised(item) for item in node]
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        return _number(node)
    return node


def _prepare(document: Any) -> tuple[dict[str, Any], list[Any]]:
    """Checks the document; returns it with the sentinel context in front, and its context list."""
    if not isinstance(document, dict):
        raise CanonicalizationError("A JSON-LD document must be a JSON object.")
    try:
        size = len(json.dumps(document, ensure_ascii=False, allow_nan=False).encode("utf-8"))
    except (TypeError, ValueError, RecursionError) as error:
        raise CanonicalizationError(f"The document is not plain JSON: {error}") from error
    if size > MAX_BYTES:
        raise CanonicalizationError(f"The document is larger than {MAX_BYTES} bytes.")
    contexts = document.get("@context")
    if contexts is None:
        raise CanonicalizationError("The document has no @context.")
    if not isinstance(contexts, list):
        contexts = [contexts]
    iri_terms: set[str] = {"id", "@id"}
    for walked_key, value, depth in _walk(document):
        if depth > MAX_DEPTH:
            raise CanonicalizationError(f"The document is nested deeper than {MAX_DEPTH} levels.")
        if walked_key == "@context":
            items = value if isinstance(value, list) else [value]
            for item in items:
                if isinstance(item, str):
                    iri_terms |= _iri_terms(item)
                elif isinstance(item, dict):
                    if ("@vocab" in item and item["@vocab"] is None) or "@base" in item:
                        raise CanonicalizationError("An embedded context may not reset @vocab or set @base.")
                    _collect_iri_terms(item, iri_terms)
                elif isinstance(item, list):
                    continue  # walked on its own
                else:
                    raise CanonicalizationError("A null or malformed @context is not accepted.")
    for key, value, _depth in _walk(document):
        if key in iri_terms and isinstance(value, str) and key != "@context":
            if key in ("id", "@id"):
                ok = bool(_ABSOLUTE_IRI.fullmatch(value) or _BLANK_NODE.fullmatch(value))
            else:
                ok = bool(_ABSOLUTE_IRI.fullmatch(value) or _TERM.fullmatch(value))
            if not ok:
                raise CanonicalizationError(f"{key!r} is not an absolute IRI: {value[:200]!r}")
    prepared = _normalised(document)
    prepared["@context"] = [{"@vocab": _UNDEFINED_VOCAB}, *contexts]
    return prepared, contexts


def _check_output(nquads: str) -> str:
    undefined = _UNDEFINED_TERM.search(nquads)
    if undefined:
        raise CanonicalizationError(f"The document uses a term no context defines: {undefined.group(1)!r}.")
    relative = _RELATIVE_IRI.search(nquads)
    if relative:
        raise CanonicalizationError(f"The document uses a relative IRI: {relative.group(1)!r}.")
    return nquads


def _names(document: dict[str, Any]) -> set[str] | None:
    """Every key and string of the document, and the prefixes of compact IRIs among them.

    None when the document embeds a context of its own (then nothing is left out of the contexts).
    """
    names: set[str] = set()
    for key, value, _depth in _walk(document):
        if key == "@context" and isinstance(value, dict):
            return None
        for name in (key, value):
            if isinstance(name, str):
                names.add(name)
                if ":" in name:
                    names.add(name.split(":", 1)[0])
    return names


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key != "@context":
                yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _pruned(context: Any, names: set[str]) -> Any:
    """The context without the terms the document cannot use (pyoxigraph processes every
    definition of every context on each parse, which is most of its work).

    Keywords are kept, and so are the terms a kept definition refers to (prefixes). The
    definitions kept are unchanged, so what the document means is unchanged.
    """
    if not isinstance(context, dict):
        return context
    wanted = set(names)
    while True:
        kept = {term: definition for term, definition in context.items() if term.startswith("@") or term in wanted}
        referred = {text.split(":", 1)[0] for text in _strings(kept) if ":" in text} | set(_strings(kept))
        if referred <= wanted:
            break
        wanted |= referred
    out = {}
    for term, definition in kept.items():
        if isinstance(definition, dict) and isinstance(definition.get("@context"), dict):
            definition = {**definition, "@context": _pruned(definition["@context"], wanted)}
        out[term] = definition
    return out


def _term_names(context: Any) -> Iterator[str]:
    if isinstance(context, dict):
        for term, definition in context.items():
            yield term
            if isinstance(definition, dict):
                yield from _term_names(definition.get("@context"))


# (url, terms used) -> (the context document pruned, the pruned context); at most _PRUNED_MAX entries.
_pruned_cache: dict[tuple[str, frozenset[str]], tuple[dict[str, Any], Any]] = {}
_PRUNED_MAX = 512
_terms_cache: dict[str, frozenset[str]] = {}


def _context_for(url: str, names: set[str] | None) -> Any:
    """The context object of a URL, pruned to the names when given (cached per set of terms used)."""
    document = context_document(url)  # checked (and cached) by contexts.py
    if names is None:
        return document["@context"]
    terms = _terms_cache.get(url)
    if terms is None:
        terms = _terms_cache[url] = frozenset(_term_names(document["@context"]))
    key = (url, frozenset(names & terms))  # pruning depends on the names only through these
    cached = _pruned_cache.get(key)
    if cached is not None and cached[0] is document:
        return cached[1]
    pruned = _pruned(document["@context"], names)
    if len(_pruned_cache) >= _PRUNED_MAX:
        _pruned_cache.clear()
    _pruned_cache[key] = (document, pruned)
    return pruned


def _inline(node: Any, names: set[str] | None) -> Any:
    """A copy of the document with each context URL replaced by that context's object
    (pruned to the names the document uses, when it has no context of its own)."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "@context":
                items = value if isinstance(value, list) else [value]
                out[key] = [_context_for(item, names) if isinstance(item, str) else item for item in items]
            else:
                out[key] = _inline(value, names)
        return out
    if isinstance(node, list):
        return [_inline(item, names) for item in node]
    return node


def _canonize_pyoxigraph(prepared: dict[str, Any]) -> str:
    names = _names({key: value for key, value in prepared.items() if key != "@context"})
    if names is not None and any(isinstance(item, dict) for item in prepared["@context"][1:]):
        names = None
    data = json.dumps(_inline(prepared, names), ensure_ascii=False).encode("utf-8")
    try:
        dataset = pyoxigraph.Dataset(
            pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.JSON_LD, base_iri=_RELATIVE_BASE)
        )
    except (SyntaxError, ValueError) as error:
        raise CanonicalizationError(f"The document is not valid JSON-LD: {error}") from error
    dataset = _doubles_as_json_ld(dataset)
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return "".join(sorted(f"{quad} .\n" for quad in dataset))


# A JSON number keeps the datatype its term gives it (Open Badges' contexts even spell XML
# Schema with https), so any typed literal may hold one; plain strings never do.
_STRINGS = frozenset(
    (
        pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#string"),
        pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"),
    )
)
# How pyoxigraph writes a JSON number that is not an integer: the shortest form that reads back.
_OXIGRAPH_DOUBLE = re.compile(r"-?[0-9]\.[0-9]+E-?[0-9]+")


def json_ld_double(value: float) -> str:
    """JSON-LD's canonical form of a double (toRdf): 15 digits after the point, trailing zeros cut."""
    mantissa, exponent = f"{value:.15e}".split("e")
    mantissa = re.sub(r"(\.[0-9]*?)0+$", r"\1", mantissa)
    if mantissa.endswith("."):
        mantissa += "0"
    return f"{mantissa}E{int(exponent)}"


def _doubles_as_json_ld(dataset: pyoxigraph.Dataset) -> pyoxigraph.Dataset:
    """Rewrites doubles from JSON numbers in JSON-LD's canonical form, as PyLD and jsonld.js write them."""
    fixed = []
    changed = False
    for quad in dataset:
        literal = quad.object
        if (
            isinstance(literal, pyoxigraph.Literal)
            and literal.datatype not in _STRINGS
            and _OXIGRAPH_DOUBLE.fullmatch(literal.value)
        ):
            canonical = json_ld_double(float(literal.value))
            if canonical != literal.value:
                changed = True
                literal = pyoxigraph.Literal(canonical, datatype=literal.datatype)
                quad = pyoxigraph.Quad(quad.subject, quad.predicate, literal, quad.graph_name)
        fixed.append(quad)
    return pyoxigraph.Dataset(fixed) if changed else dataset


_context_cache: LRUCache[str, Any] = LRUCache(maxsize=64)


def _canonize_pyld(prepared: dict[str, Any]) -> str:
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "base": _RELATIVE_BASE,
        "documentLoader": document_loader,
        "contextResolver": ContextResolver(_context_cache, document_loader),
    }
    try:
        return str(jsonld.JsonLdProcessor().normalize(prepared, options))
    except jsonld.JsonLdError as error:
        cause: BaseException | None = error
        while cause is not None:
            if isinstance(cause, UnknownContext):
                raise cause from error
            details = getattr(cause, "details", None)
            if isinstance(details, dict) and isinstance(details.get("cause"), UnknownContext):
                raise details["cause"] from error
            cause = cause.__cause__ or cause.__context__
        raise CanonicalizationError(f"The document is not valid JSON-LD: {error}") from error


def canonize(document: dict[str, Any], *, engine: Engine = "pyoxigraph") -> str:
    """The document's RDFC-1.0 canonical N-Quads.

    Raises CanonicalizationError for a document that is too large (over 1 MB) or too deep
    (over 64 levels), not valid JSON-LD, or that uses an undefined term or a relative or
    malformed IRI; UnknownContext for a context that is not pinned locally.
    """
    prepared, _contexts = _prepare(document)
    if engine == "pyoxigraph":
        return _check_output(_canonize_pyoxigraph(prepared))
    if engine == "pyld":
        return _check_output(_canonize_pyld(prepared))
    raise ValueError(f"Unknown canonicalization engine {engine!r}.")
