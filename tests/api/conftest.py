"""Fixtures for API tests: an app around the session engine and a fresh SQLite store with one
key per role; the default client signs in as a coder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from codesuggest.api.main import create_app
from codesuggest.engine import Engine
from codesuggest.settings import get_settings
from codesuggest.store import Store
from codesuggest.store.records import ROLES
from tests.utils.postgres import PG_URL, Postgres
from tests.utils.tcp_proxy import TcpProxy


@pytest.fixture(autouse=True)
def fresh_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test has its own CODESUGGEST_HOME; settings are re-read before and after it."""
    monkeypatch.setenv("CODESUGGEST_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    yield opened
    opened.close()


@pytest.fixture
def keys(store: Store) -> dict[str, str]:
    """A plaintext key for each role, named after it."""
    return {role: store.create_key(role, role)[1] for role in ROLES}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def client(engine: Engine, store: Store, keys: dict[str, str]) -> Iterator[TestClient]:
    """A client of the app, sending the coder's key."""
    with TestClient(create_app(engine, store), headers=bearer(keys["coder"])) as test_client:
        yield test_client


@pytest.fixture
def relay(postgres: Postgres | None) -> Iterator[tuple[TcpProxy, str]]:
    """A relay to the test PostgreSQL and a store URL (fresh schema) going through it: stop
    the relay for a real outage."""
    if postgres is None:
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: outage test not run")
    target = make_url(PG_URL)
    proxy = TcpProxy((target.host or "127.0.0.1", target.port or 5432))
    proxy.start()
    schema = postgres.create_schema()
    url = target.set(port=proxy.port).render_as_string(hide_password=False)
    try:
        yield proxy, f"{url}?options={quote(f'-csearch_path={schema}')}"
    finally:
        proxy.stop()
        postgres.drop_schema(schema)


@pytest.fixture
def catalog_client(
    catalog_engine: Engine, store: Store, keys: dict[str, str]
) -> Iterator[TestClient]:
    """A coder's client of the app serving the model with the invented CPT and HCPCS catalogs."""
    app = create_app(catalog_engine, store)
    with TestClient(app, headers=bearer(keys["coder"])) as test_client:
        yield test_client
