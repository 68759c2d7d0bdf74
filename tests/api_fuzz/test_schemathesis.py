"""Property-based tests of the whole REST API against its own OpenAPI document (schemathesis).

Every operation is called with generated requests, valid and invalid, by callers of several roles, against the
permissions matrix's world; path parameters are often swapped for the identifiers of real objects so that the
requests reach past the 404s. Each response must:

- not be a server error (5xx);
- have a status code the document declares for the operation;
- have the content type the document declares, and a body that validates against the declared schema;
- carry the headers the document declares.

The number of examples per operation is bounded and generation is derandomized, so a run is repeatable.
`ERDEM_API_FUZZ_EXAMPLES=200` runs a longer search by hand.
"""

import json
import os
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from erdem.api.api import api
from tests.api_fuzz.world import FuzzWorld

EXAMPLES = int(os.environ.get("ERDEM_API_FUZZ_EXAMPLES", "20"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20260501,
        "generation": {
            "max-examples": EXAMPLES,
            "deterministic": True,
            "database": "none",
            # The caller is chosen below, one of several roles; generated credentials would only ever be refused.
            "with-security-parameters": False,
        },
        # Examples and fuzzing; the coverage phase enumerates every boundary of every parameter, unbounded.
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
    }
)


def _schema() -> Any:
    # The document as /api/v1/openapi.json serves it, read in-process; requests go to Django's WSGI handler.
    document = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
    loaded = schemathesis.openapi.from_dict(document, config=CONFIG)
    loaded.app = WSGIHandler()
    return loaded


schema = _schema()


@schema.parametrize()
@schema.given(data=st.data())
@hypothesis.settings(deadline=None)
@pytest.mark.django_db
def test_api_answers_within_its_document(case: Any, data: st.DataObject, fuzz_world: FuzzWorld) -> None:
    caller = data.draw(st.sampled_from(list(fuzz_world.credentials)), label="caller")
    for name in case.path_parameters or {}:
        known = fuzz_world.path_values.get(name)
        if known and data.draw(st.booleans(), label=f"real {name}"):
            case.path_parameters[name] = data.draw(st.sampled_from(known), label=name)
    credentials = fuzz_world.credentials[caller]
    # Requests' default `Accept-Encoding: gzip` would have GZipMiddleware compress the body, and nothing in-process
    # decompresses it as an HTTP client would.
    headers = {"Accept-Encoding": "identity", **credentials["headers"]}
    # What one example writes is rolled back before the next.
    with transaction.atomic():
        case.call_and_validate(headers=headers, cookies=credentials["cookies"], checks=CHECKS)
        transaction.set_rollback(True)
