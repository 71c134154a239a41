"""Store fixtures: every store test runs on SQLite and on PostgreSQL.

PostgreSQL is ``CODESUGGEST_TEST_POSTGRES_URL`` (default: the local ``test`` database). Each
test gets a fresh schema, ``cs_test_<session token>_<n>``, selected through the URL's
``options=-csearch_path=...`` and dropped after the test (and any left over at the end of the
session). When PostgreSQL cannot be reached, checked once with a 2 s timeout, the PostgreSQL
cases are skipped with a message saying so.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from codesuggest.store import ApiKey, Store
from codesuggest.store.db import normalize_url
from tests.utils.postgres import PG_URL, Postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    pg: Postgres | None = request.getfixturevalue("postgres")
    if pg is None:
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: store tests ran on SQLite only")
    schema = pg.create_schema()
    yield pg.url_for(schema)
    pg.drop_schema(schema)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as opened:
        yield opened


@pytest.fixture
def coder(store: Store) -> ApiKey:
    return store.create_key("coder-1", "coder")[0]


@pytest.fixture
def raw_db(store_url: str) -> Iterator[Engine]:
    """A plain SQLAlchemy engine on the test database, to look under the store's API."""
    engine = create_engine(normalize_url(store_url))
    yield engine
    engine.dispose()
