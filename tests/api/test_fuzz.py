"""Fuzz every operation of the API from its own OpenAPI schema (schemathesis): never a 5xx.

Requests carry an admin key so they get past authentication into validation and the routes;
the store is a fresh SQLite database and the engine is the session's model. The operations are
those of the checked-in ``api/openapi.json`` (which ``test_openapi`` keeps equal to the app's).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from codesuggest.api.main import create_app
from codesuggest.engine import Engine
from codesuggest.store import Store

SNAPSHOT = Path(__file__).resolve().parents[2] / "api" / "openapi.json"
OPERATIONS = [
    (method.upper(), path)
    for path, item in json.loads(SNAPSHOT.read_text("utf-8"))["paths"].items()
    for method in item
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_never_answers_5xx(
    engine: Engine, store: Store, keys: dict[str, str], method: str, path: str
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(engine, store))
    operation = next(
        op.ok()
        for op in schema.get_all_operations()
        if op.ok().method.upper() == method and op.ok().path == path
    )
    headers = {"Authorization": f"Bearer {keys['admin']}"}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    def fuzz(case: schemathesis.Case) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error])

    fuzz()
