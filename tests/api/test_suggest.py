"""``POST /v1/suggest``: the response shape and the bad-input contract."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from codesuggest.api.main import create_app, max_body_bytes
from codesuggest.engine import Engine
from codesuggest.settings import get_settings
from codesuggest.store import Store
from codesuggest.store.schema import utcnow
from tests.api.conftest import bearer
from tests.utils.catalogs import PROCEDURE_NOTE

NOTE = (
    "CHIEF COMPLAINT: shortness of breath.\nASSESSMENT: 1. Essential hypertension. "
    "2. Type 2 diabetes mellitus. Denies chest pain."
)


def _body(**overrides: Any) -> dict[str, Any]:
    return {"note_id": "enc-1", "text": NOTE, **overrides}


def _error_fields(response: Any) -> list[str]:
    return [err["loc"][-1] for err in response.json()["detail"]]


def test_suggest_returns_note_result_shape(client: TestClient, engine: Engine) -> None:
    response = client.post("/v1/suggest", json=_body(age=61, sex="F", date_of_service="2024-02-29"))
    assert response.status_code == 200
    payload = response.json()
    assert payload["note_id"] == "enc-1"
    assert payload["model"] == {"name": engine.info.name, "version": engine.info.version}
    assert isinstance(payload["code_sets"], dict)
    assert payload["suggestions"]
    suggestion = payload["suggestions"][0]
    assert set(suggestion) == {
        "code", "system", "description", "confidence", "recommended", "evidence", "flags", "rules",
        "index_path",
    }  # fmt: skip
    assert 0.0 <= suggestion["confidence"] <= 1.0


def test_suggest_matches_engine_output(client: TestClient, engine: Engine) -> None:
    from codesuggest.types import Note

    response = client.post("/v1/suggest", json=_body())
    expected = engine.suggest(Note(text=NOTE, note_id="enc-1")).to_dict()
    assert response.json() == expected


def test_suggest_top_bounds_only_the_codes_not_recommended(client: TestClient) -> None:
    everything = client.post("/v1/suggest", params={"top": 200}, json=_body()).json()
    recommended = [s["code"] for s in everything["suggestions"] if s["recommended"]]
    assert len(recommended) >= 2, "the note should have several recommended codes"
    for top in (1, len(recommended) + 2):
        response = client.post("/v1/suggest", params={"top": top}, json=_body())
        assert response.status_code == 200
        codes = [s["code"] for s in response.json()["suggestions"]]
        # every recommended code first, then the most confident others up to top (or as
        # many as there are)
        assert len(codes) == min(max(top, len(recommended)), len(everything["suggestions"]))
        assert codes[: len(recommended)] == recommended
        assert codes == [s["code"] for s in everything["suggestions"]][: len(codes)]


def test_suggest_empty_note_returns_no_suggestions(client: TestClient) -> None:
    for text in ("", "  \n\t"):
        response = client.post("/v1/suggest", json=_body(text=text))
        assert response.status_code == 200
        assert response.json()["suggestions"] == []


def test_suggest_oversize_text_is_413_with_reason(client: TestClient) -> None:
    limit = get_settings().max_note_chars
    response = client.post("/v1/suggest", json=_body(text="a" * (limit + 1)))
    assert response.status_code == 413
    assert response.json() == {
        "detail": f"note has {limit + 1:,} characters; the limit is {limit:,}"
    }


def test_suggest_oversize_body_is_413_before_parsing(client: TestClient) -> None:
    too_big = b"{" + b" " * max_body_bytes() + b"}"
    response = client.post(
        "/v1/suggest", content=too_big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert "request body is larger than" in response.json()["detail"]


def test_suggest_oversize_streamed_body_without_length_is_413(client: TestClient) -> None:
    chunk = b" " * 65536

    def stream() -> Iterator[bytes]:
        for _ in range(max_body_bytes() // len(chunk) + 2):
            yield chunk

    response = client.post(
        "/v1/suggest", content=stream(), headers={"content-type": "application/json"}
    )
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert response.status_code == 413


def test_suggest_malformed_json_is_422(client: TestClient) -> None:
    response = client.post(
        "/v1/suggest",
        content=b'{"note_id": "a", "text": ',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"note_id": "a"}, "text"),
        ({"text": NOTE}, "note_id"),
        (_body(note_id=""), "note_id"),
        (_body(note_id="x" * 201), "note_id"),
        (_body(age=131), "age"),
        (_body(age=-1), "age"),
        (_body(sex="X"), "sex"),
        (_body(sex="fem"), "sex"),
        (_body(date_of_service="31/12/2024"), "date_of_service"),
        (_body(text=42), "text"),
        (_body(notes="typo"), "notes"),
        (_body(note_id="enc-1\nforged log line"), "note_id"),
        (_body(note_id="enc\x00"), "note_id"),
        (_body(note_id="enc-\ud800"), "note_id"),
        (_body(setting="in\x1bpatient"), "setting"),
        (_body(date_of_service=0), "date_of_service"),
    ],
)
def test_suggest_invalid_field_is_422_naming_it(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    response = _post_as_browser(client, "/v1/suggest", body)
    assert response.status_code == 422
    assert field in _error_fields(response)


@pytest.mark.parametrize("spelling", ["f", "female", " Female ", "F"])
def test_suggest_reads_sex_in_any_case_as_canonical(client: TestClient, spelling: str) -> None:
    body = _body(text="Assessment: benign prostatic hyperplasia.", sex=spelling)
    answer = client.post("/v1/suggest", json=body)
    assert answer.status_code == 200
    canonical = client.post("/v1/suggest", json={**body, "sex": "F"}).json()
    assert answer.json() == canonical
    flags = {f for s in canonical["suggestions"] if s["code"].startswith("N40") for f in s["flags"]}
    assert "not expected for sex F" in flags  # the sex edit ran with the canonical value


def _post_as_browser(client: TestClient, path: str, body: dict[str, Any]) -> Any:
    """POST ``body`` as JSON.stringify sends it: non-ASCII escaped, so a lone surrogate travels."""
    headers = {"Content-Type": "application/json"}
    return client.post(path, content=json.dumps(body).encode("ascii"), headers=headers)


@pytest.mark.parametrize("bad", ["\ud800", "\udfff", "\x00"])
def test_a_lone_surrogate_or_nul_in_the_text_reads_as_a_replacement_character(
    client: TestClient, bad: str
) -> None:
    """What a browser makes of a split emoji: answered like U+FFFD, offsets unchanged."""
    text = f"Assessment: essential hypertension {bad}and gout."
    answer = _post_as_browser(client, "/v1/suggest", _body(text=text))
    assert answer.status_code == 200
    replaced = client.post("/v1/suggest", json=_body(text=text.replace(bad, "\ufffd"))).json()
    assert answer.json() == replaced
    spans = [e for s in replaced["suggestions"] for e in s["evidence"]]
    assert spans and all(text[e["start"] : e["end"]] == e["text"] for e in spans)
    batch = _post_as_browser(client, "/v1/suggest:batch", {"notes": [_body(text=text), _body()]})
    assert batch.status_code == 200
    assert client.post("/v1/suggest", json=_body()).status_code == 200  # the connection holds


def test_suggest_validation_error_does_not_echo_note_text(client: TestClient) -> None:
    response = client.post("/v1/suggest", json=_body(age="old"))
    assert response.status_code == 422
    assert "hypertension" not in response.text


def test_suggest_logs_note_id_and_hash_never_text(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Patient Zanzibar Quixote has essential hypertension."
    with caplog.at_level(logging.DEBUG):
        response = client.post("/v1/suggest", json=_body(note_id="enc-42", text=secret))
    assert response.status_code == 200
    digest = hashlib.sha256(secret.encode()).hexdigest()[:12]
    assert "note_id=enc-42" in caplog.text
    assert digest in caplog.text
    assert "Zanzibar" not in caplog.text


def test_suggest_without_engine_is_503(store: Store, keys: dict[str, str]) -> None:
    client = TestClient(create_app(None, store))  # lifespan not run: no engine
    response = client.post("/v1/suggest", json=_body(), headers=bearer(keys["coder"]))
    assert response.status_code == 503
    assert response.json() == {"detail": "model not available"}


def test_batch_returns_one_result_per_note_in_order(client: TestClient, engine: Engine) -> None:
    notes = [_body(note_id=f"b{i}", text=text) for i, text in enumerate([NOTE, "", "Gout."])]
    response = client.post("/v1/suggest:batch", json={"notes": notes})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["note_id"] for r in results] == ["b0", "b1", "b2"]
    assert results[0] == client.post("/v1/suggest", json=notes[0]).json()
    assert results[1]["suggestions"] == []


def test_batch_over_the_limit_is_413(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODESUGGEST_BATCH_MAX_NOTES", "2")
    get_settings.cache_clear()
    notes = [_body(note_id=f"b{i}") for i in range(3)]
    response = client.post("/v1/suggest:batch", json={"notes": notes})
    assert response.status_code == 413
    assert response.json() == {"detail": "batch has 3 notes; the limit is 2"}


@pytest.mark.parametrize(
    ("body", "field"),
    [({"notes": []}, "notes"), ({}, "notes"), ({"notes": [{"text": "x"}]}, "note_id")],
)
def test_batch_invalid_is_422_naming_field(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/suggest:batch", json=body)
    assert response.status_code == 422
    assert field in _error_fields(response)


def test_suggest_records_the_run_for_feedback(client: TestClient, store: Store) -> None:
    """Recorded off the request path (api.run_recorder), at the time it was served."""
    before = utcnow()
    client.post("/v1/suggest", json=_body(note_id="kept"))
    client.post("/v1/suggest:batch", json={"notes": [_body(note_id=f"b{i}") for i in range(3)]})
    assert client.app.state.run_recorder.flush()  # type: ignore[attr-defined]
    events = store.audit_events(note_id="kept")
    assert [e.action for e in events] == ["suggest"]
    assert before <= events[0].at <= utcnow()
    for i in range(3):
        assert [e.action for e in store.audit_events(note_id=f"b{i}")] == ["suggest"]


def test_suggest_names_each_code_system_and_keeps_the_systems_asked_for(
    catalog_client: TestClient,
) -> None:
    body = {"note_id": "enc-proc", "text": PROCEDURE_NOTE}
    every = catalog_client.post("/v1/suggest", json=body, params={"top": 30}).json()
    systems = {s["system"] for s in every["suggestions"]}
    assert {"ICD-10-CM", "CPT"} <= systems
    assert every["code_sets"]["CPT"] == "test"
    cpt = [s for s in every["suggestions"] if s["system"] == "CPT"]

    kept = catalog_client.post(
        "/v1/suggest", json=body, params=[("top", "30"), ("system", "cpt"), ("system", "HCPCS")]
    ).json()
    assert kept["suggestions"] == cpt
    comma = catalog_client.post(
        "/v1/suggest", json=body, params={"top": 30, "system": "CPT,ICD-10-CM,icd10pcs,HCPCS"}
    ).json()
    assert comma["suggestions"] == every["suggestions"]

    batch = catalog_client.post(
        "/v1/suggest:batch",
        json={"notes": [body, {**body, "note_id": "b"}]},
        params={"system": "icd10cm"},
    )
    assert batch.status_code == 200
    for result in batch.json()["results"]:
        assert {s["system"] for s in result["suggestions"]} == {"ICD-10-CM"}


@pytest.mark.parametrize("value", ["SNOMED", "CPT,", "cpt;hcpcs", ""])
def test_suggest_refuses_an_unknown_system(client: TestClient, value: str) -> None:
    response = client.post("/v1/suggest", json=_body(), params={"system": value})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-2:] == ["system", 0]
    batch = client.post("/v1/suggest:batch", json={"notes": [_body()]}, params={"system": value})
    assert batch.status_code == 422
