"""``GET /v1/vocabulary``: the names the API uses, from where the backend defines them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from codesuggest.codesets.systems import PROCEDURE_SYSTEMS, SYSTEMS, known_system
from codesuggest.store.records import DECISIONS
from codesuggest.types import Assertion


def test_vocabulary_names_the_systems_assertions_and_decisions(client: TestClient) -> None:
    response = client.get("/v1/vocabulary")
    assert response.status_code == 200
    data = response.json()
    assert [s["name"] for s in data["systems"]] == list(SYSTEMS)
    for s in data["systems"]:
        assert known_system(s["plain"]) == s["name"]  # the plain spelling reads as the name
        assert s["kind"] == ("procedure" if s["name"] in PROCEDURE_SYSTEMS else "diagnosis")
    assert data["assertions"] == [a.value for a in Assertion]
    assert data["decisions"] == list(DECISIONS)


def test_vocabulary_needs_a_key(client: TestClient) -> None:
    response = client.get("/v1/vocabulary", headers={"Authorization": ""})
    assert response.status_code == 401
