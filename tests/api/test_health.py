"""``/health/live`` and ``/health/ready``."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from codesuggest.api.main import create_app
from codesuggest.engine import Engine


def test_health_live_is_ok_without_engine() -> None:
    response = TestClient(create_app()).get("/health/live")  # no lifespan: nothing loaded
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_ready_reports_loaded_model(client: TestClient, engine: Engine) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "model": {"name": engine.info.name, "version": engine.info.version},
    }


def test_health_ready_is_503_before_engine_loads() -> None:
    response = TestClient(create_app()).get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {"detail": "model not loaded"}


def test_health_ready_is_503_when_model_fails_to_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODESUGGEST_MODEL", str(tmp_path / "missing"))
    with TestClient(create_app()) as client:
        ready = client.get("/health/ready")
        live = client.get("/health/live")
    assert ready.status_code == 503
    assert ready.json() == {"detail": "model failed to load"}
    assert str(tmp_path) not in ready.text
    assert live.status_code == 200


def test_health_ready_loads_configured_model_at_startup(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODESUGGEST_MODEL", str(model_dir))
    with TestClient(create_app()) as client:
        response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"
