"""``GET /metrics``: Prometheus text with requests by route template, never raw paths."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import bearer


def test_metrics_count_requests_suggestions_and_decisions(
    client: TestClient, keys: dict[str, str]
) -> None:
    client.post("/v1/suggest", json={"note_id": "m1", "text": "Essential hypertension."})
    client.post(
        "/v1/feedback",
        json={"note_id": "m1", "code": "I10", "system": "icd10cm", "decision": "accepted"},
    )
    client.get("/v1/codes/E11.9")
    client.get("/v1/me", headers=bearer("wrong"))
    response = client.get("/metrics", headers=bearer(keys["admin"]))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert (
        'codesuggest_http_requests_total{method="POST",route="/v1/suggest",status="200"} 1.0'
        in text
    )
    assert 'route="/v1/codes/{code}"' in text
    assert "E11.9" not in text
    assert "codesuggest_notes_suggested_total 1.0" in text
    assert 'codesuggest_feedback_decisions_total{decision="accepted"} 1.0' in text
    assert 'codesuggest_auth_failures_total{status="401"} 1.0' in text
    assert "codesuggest_http_request_duration_seconds_bucket" in text
