"""API keys, roles and rate limits: 401, 403, 429, and the endpoints that need no key."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from codesuggest.api.auth import KEY_CACHE_SECONDS, KeyCache
from codesuggest.api.main import create_app
from codesuggest.cli.keys import REVOCATION_DELAY, revoke
from codesuggest.engine import Engine
from codesuggest.settings import get_settings
from codesuggest.store import Store
from tests.api.conftest import bearer

NOTE = {"note_id": "n1", "text": "Essential hypertension."}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/v1/suggest"),
        ("post", "/v1/suggest:batch"),
        ("post", "/v1/feedback"),
        ("get", "/v1/feedback?note_id=n1"),
        ("get", "/v1/codes?q=diabetes"),
        ("get", "/v1/codes/E11.9"),
        ("get", "/v1/models"),
        ("post", "/v1/models/default:promote"),
        ("get", "/v1/me"),
        ("get", "/metrics"),
    ],
)
def test_every_endpoint_needs_a_key(engine: Engine, store: Store, method: str, path: str) -> None:
    with TestClient(create_app(engine, store)) as anonymous:
        response = anonymous.request(method, path, json={})
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json() == {"detail": "missing API key: send Authorization: Bearer KEY"}


def test_health_and_page_need_no_key(engine: Engine, store: Store) -> None:
    with TestClient(create_app(engine, store)) as anonymous:
        assert anonymous.get("/health/live").status_code == 200
        assert anonymous.get("/health/ready").status_code == 200
        assert anonymous.get("/").status_code == 200


@pytest.mark.parametrize("token", ["csk_not-a-real-key", "x" * 500, "Basic abc"])
def test_invalid_key_is_401(client: TestClient, token: str) -> None:
    response = client.get("/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.json() == {"detail": "invalid API key"}


def test_other_scheme_is_401(client: TestClient, keys: dict[str, str]) -> None:
    response = client.get("/v1/me", headers={"Authorization": f"Basic {keys['coder']}"})
    assert response.status_code == 401


def test_revoked_key_is_401(engine: Engine, store: Store) -> None:
    _, key = store.create_key("leaver", "coder")
    store.revoke_key("leaver")
    with TestClient(create_app(engine, store)) as client:
        assert client.get("/v1/me", headers=bearer(key)).status_code == 401


def test_revoked_key_is_refused_once_the_key_cache_forgets_it(engine: Engine, store: Store) -> None:
    """What `keys revoke` and the README promise: a process that checked the key keeps it for
    up to KEY_CACHE_SECONDS, then refuses it (the cache's clock is moved, not waited for)."""
    _, key = store.create_key("leaver", "coder")
    now = [1000.0]
    app = create_app(engine, store)
    app.state.key_cache = KeyCache(clock=lambda: now[0])
    with TestClient(app) as client:
        assert client.get("/v1/me", headers=bearer(key)).status_code == 200
        store.revoke_key("leaver")
        now[0] += KEY_CACHE_SECONDS - 0.5
        assert client.get("/v1/me", headers=bearer(key)).status_code == 200  # still remembered
        now[0] += 1.0
        assert client.get("/v1/me", headers=bearer(key)).status_code == 401


def test_revocation_delay_is_the_key_cache_lifetime_everywhere_it_is_stated() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    seconds = f"{KEY_CACHE_SECONDS:.0f} s"
    assert REVOCATION_DELAY == KEY_CACHE_SECONDS
    assert revoke.__doc__ is not None
    assert f"running ones within {seconds}" in " ".join(revoke.__doc__.split())  # its --help
    assert f"running ones within {seconds}" in readme.split("keys revoke")[1].splitlines()[0]


def test_me_names_key_and_role(client: TestClient, keys: dict[str, str]) -> None:
    for role, key in keys.items():
        response = client.get("/v1/me", headers=bearer(key))
        assert response.status_code == 200
        assert response.json() == {"name": role, "role": role}


@pytest.mark.parametrize(
    ("role", "method", "path", "status"),
    [
        ("coder", "post", "/v1/models/default:promote", 403),
        ("auditor", "post", "/v1/models/default:promote", 403),
        ("coder", "get", "/metrics", 403),
        ("trainer", "get", "/metrics", 403),
        ("trainer", "post", "/v1/feedback", 403),
        ("admin", "get", "/metrics", 200),
        ("auditor", "post", "/v1/suggest", 200),
        ("trainer", "post", "/v1/suggest", 200),
    ],
)
def test_roles(
    client: TestClient, keys: dict[str, str], role: str, method: str, path: str, status: int
) -> None:
    body = NOTE if path == "/v1/suggest" else {}
    response = client.request(method, path, json=body, headers=bearer(keys[role]))
    assert response.status_code == status
    if status == 403:
        assert f"role '{role}' may not do this" in response.json()["detail"]


def test_rate_limit_is_429_with_retry_after(
    engine: Engine, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODESUGGEST_RATE_LIMIT", "3/minute")
    get_settings.cache_clear()
    _, busy = store.create_key("busy", "coder")
    _, other = store.create_key("other", "coder")
    with TestClient(create_app(engine, store)) as client:
        statuses = [client.get("/v1/me", headers=bearer(busy)).status_code for _ in range(4)]
        limited = client.get("/v1/me", headers=bearer(busy))
        assert client.get("/v1/me", headers=bearer(other)).status_code == 200
    assert statuses == [200, 200, 200, 429]
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.json() == {"detail": "too many requests for this API key"}


def test_a_key_can_carry_its_own_limit(engine: Engine, store: Store) -> None:
    _, key = store.create_key("slow", "coder", rate_limit="1/hour")
    with TestClient(create_app(engine, store)) as client:
        assert client.get("/v1/me", headers=bearer(key)).status_code == 200
        assert client.get("/v1/me", headers=bearer(key)).status_code == 429
