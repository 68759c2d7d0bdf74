"""The errors every operation can answer with, written into the OpenAPI document.

Some errors do not depend on what an endpoint does but on how it is called, and the handlers in
erdem.api.errors give them for every operation; an endpoint declares only its own. The document lists them all,
so that a client (and the schema-driven tests in tests/api_fuzz) can rely on it:

- 401 on every operation: a token that is not valid is refused even where signing in is optional;
- 403 on every POST, PUT, PATCH and DELETE: a browser session must pass the CSRF check;
- 400 where there is a request body: a body that is not JSON;
- 404 where the path names an object: it does not exist, is not visible to the caller, or is not written as the
  path expects (`/people/x`);
- 422 where there are parameters or a body: a value of the wrong type or out of range.
"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from ninja.openapi.schema import OpenAPISchema

from erdem.api.schemas import ErrorOut, ValidationErrorOut

UNSAFE_METHODS = {"post", "put", "patch", "delete"}
REF_TEMPLATE = "#/components/schemas/{model}"


def _error(description: str, model: type[ErrorOut], **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": REF_TEMPLATE.format(model=model.__name__)}}},
        **extra,
    }


def _errors_of(method: str, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    has_body = "requestBody" in operation
    parameters = operation.get("parameters") or []
    errors = {
        "401": _error(
            "Unauthorized: no valid credentials, or an API token that is not valid, revoked or expired.",
            ErrorOut,
            headers={
                "WWW-Authenticate": {
                    "description": "The scheme to authenticate with.",
                    "required": True,
                    "schema": {"type": "string"},
                }
            },
        )
    }
    if method in UNSAFE_METHODS:
        errors["403"] = _error("Forbidden: not allowed, or a session request without its CSRF token.", ErrorOut)
    if has_body:
        errors["400"] = _error("Bad Request: the body is not JSON.", ErrorOut)
    if any(parameter.get("in") == "path" for parameter in parameters):
        errors["404"] = _error("Not Found.", ErrorOut)
    if has_body or parameters:
        errors["422"] = _error(
            "Unprocessable Content: `errors` names each field that needs fixing.", ValidationErrorOut
        )
    return errors


def _shape(definition: dict[str, Any]) -> tuple[Any, ...]:
    """What tells two schemas apart: their fields, or their values (Ninja rewrites the rest as it builds the
    document, so that one model's definition differs between the operations that use it)."""
    return definition.get("type"), sorted(definition.get("properties", {})), definition.get("enum")


class DistinctSchemas(OpenAPISchema):
    """Ninja's document, refusing two different schemas of one name (it would document the last for both)."""

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        for name, definition in definitions.items():
            if name in self.schemas and _shape(self.schemas[name]) != _shape(definition):
                raise ImproperlyConfigured(
                    f"Two schemas of the API are named {name!r}; rename one, or write its values out where it is "
                    "used (erdem.api.schemas.inline_choices)."
                )
        super().add_schema_definitions(definitions)


def document_common_errors(document: OpenAPISchema) -> OpenAPISchema:
    """Add the errors every operation can give to each operation that does not declare them itself."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorOut, ValidationErrorOut):
        schemas.setdefault(model.__name__, model.model_json_schema(ref_template=REF_TEMPLATE))
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            declared = {str(status): response for status, response in responses.items()}
            for status, response in _errors_of(method, operation).items():
                if status not in declared:
                    responses[int(status)] = response  # Ninja's document keys statuses by number
                elif status == "401":
                    # The header is set on every 401 (erdem.api.errors), whoever declared the status.
                    declared[status].setdefault("headers", response["headers"])
    return document
