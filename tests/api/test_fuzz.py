"""Fuzz every operation of the API from its own OpenAPI schema (schemathesis), with every
check schemathesis has: never a 5xx, only documented statuses, content types and headers,
answers that match their schemas, schema-valid requests accepted and invalid ones refused.

Requests carry an admin key so they get past authentication into validation and the routes,
and a coder key so the 403s are answered too; the store is a fresh SQLite database and the
engine is the session's model. The operations are those of the checked-in
``api/openapi.json`` (which ``test_openapi`` keeps equal to the app's).

One thing a schema cannot say: that a well-formed code is in the code set (``000`` has the
shape of an ICD-10-CM code). Its 422 (``value_error.code``) is the one answer the
positive-data check is not asked about.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import positive_data_acceptance

from codesuggest.api.main import create_app
from codesuggest.engine import Engine
from codesuggest.settings import get_settings
from codesuggest.store import Store
from codesuggest.text_policy import clean_text, identifier_problem

SNAPSHOT = Path(__file__).resolve().parents[2] / "api" / "openapi.json"
OPERATIONS = [
    (method.upper(), path)
    for path, item in json.loads(SNAPSHOT.read_text("utf-8"))["paths"].items()
    for method in item
]


@pytest.mark.parametrize("role", ["admin", "coder"])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_answers_as_its_contract_says(
    engine: Engine, store: Store, keys: dict[str, str], method: str, path: str, role: str
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(engine, store))
    operation = next(
        op.ok()
        for op in schema.get_all_operations()
        if op.ok().method.upper() == method and op.ok().path == path
    )
    headers = {"Authorization": f"Bearer {keys[role]}"}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=25 if role == "admin" else 8,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def fuzz(case: schemathesis.Case) -> None:
        response = case.call(headers=headers)
        excluded = [positive_data_acceptance] if _code_not_in_code_set(response) else []
        case.validate_response(response, excluded_checks=excluded)

    fuzz()


def _code_not_in_code_set(response: Any) -> bool:
    """A 422 whose every error is a well-formed code missing from its code set."""
    if response.status_code != 422:
        return False
    errors = response.json()["detail"]
    return bool(errors) and all(e.get("type") == "value_error.code" for e in errors)


# text as hostile clients send it: lone surrogates (a split emoji), NUL and other controls
_HOSTILE = st.lists(
    st.one_of(
        st.characters(categories=["Cs", "Cc"]),
        st.sampled_from(["\ufffd", "\U0001f600", "a", " ", "\n", "hypertension "]),
    ),
    max_size=30,
).map("".join)


def test_hostile_text_is_answered_by_the_text_policy(
    engine: Engine, store: Store, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """codesuggest.text_policy on /v1/suggest, :batch and /v1/feedback: note text and reasons
    are read with U+FFFD for lone surrogates and NULs (200/201), ids with control characters
    or lone surrogates are a 422 naming the field; never a 5xx."""
    monkeypatch.setenv("CODESUGGEST_RATE_LIMIT", "100000/minute")  # three requests an example
    get_settings.cache_clear()
    headers = {"Authorization": f"Bearer {keys['coder']}", "Content-Type": "application/json"}
    with TestClient(create_app(engine, store)) as client:

        def post(path: str, body: dict[str, Any]) -> Any:
            # JSON.stringify's escapes: a lone surrogate travels as \\udXXX
            return client.post(path, content=json.dumps(body).encode("ascii"), headers=headers)

        @given(text=_HOSTILE, note_id=_HOSTILE)
        @settings(max_examples=40, deadline=None, derandomize=True, database=None)
        def fuzz(text: str, note_id: str) -> None:
            # what the server reads: a JSON decoder joins an escaped high+low surrogate pair
            read_id, read_text = json.loads(json.dumps([note_id, text]))
            id_ok = bool(read_id.strip()) and identifier_problem(read_id) is None
            note = {"note_id": note_id, "text": text}
            one = post("/v1/suggest", note)
            many = post("/v1/suggest:batch", {"notes": [note, {"note_id": "ok", "text": text}]})
            decision = {"note_id": note_id, "code": "I10", "decision": "rejected", "reason": text}
            fed = post("/v1/feedback", decision)
            if id_ok:
                assert (one.status_code, many.status_code, fed.status_code) == (200, 200, 201)
                assert fed.json()["reason"] == (clean_text(read_text).strip() or None)
            else:
                for answer in (one, many, fed):
                    assert answer.status_code == 422
                    assert "note_id" in {e["loc"][-1] for e in answer.json()["detail"]}

        fuzz()
