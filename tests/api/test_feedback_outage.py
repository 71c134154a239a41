"""A database outage: feedback is refused with 503 (nothing written), and the client's retry
with the same Idempotency-Key stores the decision exactly once when the database is back.

The outage is real: the store talks to PostgreSQL through a TCP relay that the test cuts.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from codesuggest.api.main import create_app
from codesuggest.engine import Engine
from codesuggest.store import Store
from tests.api.conftest import bearer
from tests.utils.tcp_proxy import TcpProxy

DECISION = {"note_id": "enc-9", "code": "I10", "system": "icd10cm", "decision": "accepted"}


def test_feedback_during_outage_is_503_then_retry_stores_once(
    engine: Engine, relay: tuple[TcpProxy, str]
) -> None:
    proxy, url = relay
    with Store.open(url) as store:
        _, key = store.create_key("coder", "coder")
        headers = bearer(key) | {"Idempotency-Key": "decision-1"}
        with TestClient(create_app(engine, store)) as client:
            assert client.get("/v1/me", headers=bearer(key)).status_code == 200

            proxy.stop()
            down = client.post("/v1/feedback", json=DECISION, headers=headers)
            ready = client.get("/health/ready")
            proxy.start()
            stored = client.post("/v1/feedback", json=DECISION, headers=headers)
            replay = client.post("/v1/feedback", json=DECISION, headers=headers)

        assert down.status_code == 503
        assert down.headers["retry-after"] == "1"
        assert "database unavailable" in down.json()["detail"]
        assert "Traceback" not in down.text
        assert ready.status_code == 503
        assert (stored.status_code, replay.status_code) == (201, 200)
        assert stored.json()["id"] == replay.json()["id"]
        assert len(store.list_feedback("enc-9")) == 1
        assert [e.action for e in store.audit_events(note_id="enc-9")] == ["feedback"]
