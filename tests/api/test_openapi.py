"""The checked-in HTTP contract (api/openapi.json) must match what the app serves; the docs
pages serve their own scripts."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

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


def test_docs_pages_load_their_scripts_from_this_server(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        page = client.get(path)
        assert page.status_code == 200
        assert "cdn." not in page.text
        scripts = re.findall(r'src="([^"]+\.js)"', page.text)
        assert scripts
        for script in scripts:
            assert client.get(script).status_code == 200
