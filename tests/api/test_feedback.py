"""``/v1/feedback``: decisions stored once, linked to the suggestion, audited, never doubled."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from fastapi.testclient import TestClient

from codesuggest.engine import Engine
from codesuggest.settings import get_settings
from codesuggest.store import Store
from tests.api.conftest import bearer

NOTE = (
    "ASSESSMENT: 1. Essential hypertension. 2. Type 2 diabetes mellitus without complications. "
    "Denies chest pain."
)


def _decision(**overrides: Any) -> dict[str, Any]:
    return {"note_id": "enc-7", "code": "I10", "system": "ICD-10-CM", "decision": "accepted"} | (
        overrides
    )


def test_accepting_a_suggestion_links_rank_confidence_and_model(
    client: TestClient, store: Store, engine: Engine
) -> None:
    served = client.post("/v1/suggest", json={"note_id": "enc-7", "text": NOTE}).json()
    first = served["suggestions"][0]
    decision = _decision(code=first["code"], system=first["system"])
    response = client.post("/v1/feedback", json=decision, headers={"Idempotency-Key": "k1"})
    assert response.status_code == 201
    stored = response.json()
    assert (stored["code"], stored["system"]) == (first["code"], first["system"])
    assert stored["decision"] == "accepted"
    assert stored["actor"] == "coder"
    assert stored["rank"] == 1
    assert stored["confidence"] == pytest.approx(first["confidence"])
    assert stored["model"] == {"name": engine.info.name, "version": engine.info.version}
    events = store.audit_events(note_id="enc-7")
    assert [e.action for e in events][:2] == ["feedback", "suggest"]
    assert events[0].decision == "accepted"
    assert events[0].model_version == engine.info.version


@pytest.mark.parametrize("store_notes", ["true", "false"])
def test_each_decision_names_the_text_it_judged(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, store_notes: str
) -> None:
    """The hash of the text whose suggestions a decision judged, kept with or without the
    text itself: the review page restores a decision only for the same text."""
    monkeypatch.setenv("CODESUGGEST_STORE_NOTES", store_notes)
    get_settings.cache_clear()
    other = NOTE.replace("Denies chest pain.", "Chest pain since this morning.")
    before = client.post("/v1/feedback", json=_decision(decision="added"))  # nothing served yet
    client.post("/v1/suggest", json={"note_id": "enc-7", "text": NOTE})
    first = client.post("/v1/feedback", json=_decision(), headers={"Idempotency-Key": "a"})
    client.post("/v1/suggest", json={"note_id": "enc-7", "text": other})
    second = client.post("/v1/feedback", json=_decision(decision="rejected"))
    replayed = client.post("/v1/feedback", json=_decision(), headers={"Idempotency-Key": "a"})
    hashes = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in (NOTE, other)]
    assert [r.json()["text_sha256"] for r in (before, first, second, replayed)] == [
        None, hashes[0], hashes[1], hashes[0]
    ]  # fmt: skip
    listed = client.get("/v1/feedback", params={"note_id": "enc-7"}).json()["items"]
    assert [i["text_sha256"] for i in listed] == [None, hashes[0], hashes[1]]


def test_added_code_has_no_rank(client: TestClient) -> None:
    response = client.post("/v1/feedback", json=_decision(code="z79.4", decision="added"))
    assert response.status_code == 201
    assert response.json()["code"] == "Z79.4"
    assert response.json()["rank"] is None


def test_retry_with_same_idempotency_key_stores_once(client: TestClient, store: Store) -> None:
    headers = {"Idempotency-Key": "retry-me"}
    first = client.post("/v1/feedback", json=_decision(), headers=headers)
    again = client.post("/v1/feedback", json=_decision(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert len(store.list_feedback("enc-7")) == 1


def test_same_idempotency_key_for_another_decision_is_409(client: TestClient) -> None:
    headers = {"Idempotency-Key": "used"}
    assert client.post("/v1/feedback", json=_decision(), headers=headers).status_code == 201
    response = client.post("/v1/feedback", json=_decision(decision="rejected"), headers=headers)
    assert response.status_code == 409


def test_idempotency_keys_are_per_api_key(client: TestClient, keys: dict[str, str]) -> None:
    headers = {"Idempotency-Key": "shared"}
    mine = client.post("/v1/feedback", json=_decision(), headers=headers)
    theirs = client.post(
        "/v1/feedback", json=_decision(), headers=headers | bearer(keys["auditor"])
    )
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]


def test_list_feedback_for_a_note_oldest_first(client: TestClient) -> None:
    client.post("/v1/feedback", json=_decision())
    client.post("/v1/feedback", json=_decision(decision="rejected", reason="not documented"))
    client.post("/v1/feedback", json=_decision(note_id="other"))
    response = client.get("/v1/feedback", params={"note_id": "enc-7"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["decision"] for i in items] == ["accepted", "rejected"]
    assert items[1]["reason"] == "not documented"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": "Q99.999"}, "code"),
        ({"code": "I10", "system": "icd9"}, "system"),
        ({"system": "icd10pcs", "code": "0DT"}, "code"),
        ({"system": "cpt", "code": "ABCDE"}, "code"),
        ({"decision": "maybe"}, "decision"),
        ({"note_id": ""}, "note_id"),
        ({"note_id": "enc\x007"}, "note_id"),
        ({"note_id": "enc-7\nforged log line"}, "note_id"),
        ({"code": "I1\x000"}, "code"),
        ({"reason": "x" * 1001}, "reason"),
        ({"extra": 1}, "extra"),
    ],
)
def test_invalid_decision_is_422_naming_field(
    client: TestClient, overrides: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/feedback", json=_decision(**overrides))
    assert response.status_code == 422
    assert field in [err["loc"][-1] for err in response.json()["detail"]]


def test_procedure_codes_are_checked_by_shape(client: TestClient) -> None:
    pcs = client.post("/v1/feedback", json=_decision(system="icd10pcs", code="0dtj4zz"))
    cpt = client.post("/v1/feedback", json=_decision(system="CPT", code="99213"))
    assert (pcs.status_code, cpt.status_code) == (201, 201)
    assert (pcs.json()["code"], pcs.json()["system"]) == ("0DTJ4ZZ", "ICD-10-PCS")
    assert cpt.json()["system"] == "CPT"


def test_short_and_long_system_names_are_the_same_system(client: TestClient) -> None:
    client.post("/v1/feedback", json=_decision(system="icd10cm"))
    client.post("/v1/feedback", json=_decision(system="ICD-10-CM", decision="rejected"))
    items = client.get("/v1/feedback", params={"note_id": "enc-7"}).json()["items"]
    assert [(i["system"], i["decision"]) for i in items] == [
        ("ICD-10-CM", "accepted"), ("ICD-10-CM", "rejected")
    ]  # fmt: skip


def test_a_nul_in_a_reason_is_stored_as_a_replacement_character(client: TestClient) -> None:
    """codesuggest.text_policy: free text keeps going; PostgreSQL could not store the NUL."""
    stored = client.post("/v1/feedback", json=_decision(reason="wrong\x00side"))
    assert stored.status_code == 201
    assert stored.json()["reason"] == "wrong\ufffdside"


def test_listing_feedback_for_a_note_id_with_a_control_character_is_422(
    client: TestClient,
) -> None:
    response = client.get("/v1/feedback", params={"note_id": "enc\x007"})
    assert response.status_code == 422
    assert "note_id" in [err["loc"][-1] for err in response.json()["detail"]]


def test_oversize_idempotency_key_is_422(client: TestClient) -> None:
    response = client.post("/v1/feedback", json=_decision(), headers={"Idempotency-Key": "k" * 201})
    assert response.status_code == 422
