"""Validation of credentials against a JSON Schema (Open Badges 3.0's, Draft 2019-09)."""

import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft201909Validator
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT201909

MAX_ERRORS = 50


@functools.lru_cache(maxsize=8)
def _validator(schema_json: str) -> Draft201909Validator:
    """A validator per schema text, built once: bulk issuance checks thousands of credentials."""
    schema = json.loads(schema_json)
    resource = Resource.from_contents(schema, default_specification=DRAFT201909)
    registry: Registry[Any] = Registry().with_resource(schema.get("$id", ""), resource)
    return Draft201909Validator(schema, registry=registry)


def schema_errors(credential: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """Human-readable errors, each prefixed by the JSON path of the part at fault; [] when valid.

    References are resolved within the schema itself: the registry has no retrieval, so
    nothing is fetched (a reference elsewhere is reported as an error).
    """
    validator = _validator(json.dumps(schema, sort_keys=True))
    messages = []
    try:
        errors = sorted(validator.iter_errors(credential), key=lambda error: list(map(str, error.absolute_path)))
    except Unresolvable as error:
        return [f"$: the schema refers to {error.ref!r}, which is not part of it"]
    for found in errors[:MAX_ERRORS]:
        message = found.message
        instance = repr(found.instance)
        if len(instance) > 80 and message.startswith(instance):
            message = instance[:80] + "…" + message[len(instance) :]
        if len(message) > 400:
            message = message[:400] + "…"
        messages.append(f"{found.json_path}: {message}")
    if len(errors) > MAX_ERRORS:
        messages.append(f"… and {len(errors) - MAX_ERRORS} more")
    return messages


def ob3_schema() -> dict[str, Any] | None:
    """The Open Badges 3.0 AchievementCredential schema from settings.ERDEM_OB3_SCHEMA_PATH, or None."""
    from django.conf import settings

    path = getattr(settings, "ERDEM_OB3_SCHEMA_PATH", None)
    if not path:
        return None
    return _schema_file(path, Path(path).stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _schema_file(path: str, modified: int) -> dict[str, Any]:
    """The schema file, read again only when it changes."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError("The Open Badges 3.0 schema is not a JSON object.")
    return document
