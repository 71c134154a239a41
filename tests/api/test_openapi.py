"""The checked-in HTTP contract (api/openapi.json) must match what the app serves."""

from __future__ import annotations

import json
from pathlib import Path

from codesuggest.api.main import create_app

SNAPSHOT = Path(__file__).resolve().parents[2] / "api" / "openapi.json"


def test_openapi_snapshot_matches_app() -> None:
    current = create_app().openapi()
    saved = json.loads(SNAPSHOT.read_text("utf-8"))
    assert current == saved, (
        "the API changed: review the change, then refresh the snapshot with `make openapi`"
    )


def test_openapi_documents_suggest_and_health() -> None:
    paths = json.loads(SNAPSHOT.read_text("utf-8"))["paths"]
    assert "post" in paths["/v1/suggest"]
    assert {"/health/live", "/health/ready"} <= set(paths)
