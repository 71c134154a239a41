"""The test PostgreSQL: where it is, whether it answers, and fresh schemas for one test each."""

from __future__ import annotations

import itertools
import os
import secrets
from urllib.parse import quote

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("CODESUGGEST_TEST_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/test")
_schemas = itertools.count(1)


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL as a libpq connection URI."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class Postgres:
    """The reachable PostgreSQL of this session: makes and drops per-test schemas."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.prefix = f"cs_test_{secrets.token_hex(4)}"

    def create_schema(self) -> str:
        schema = f"{self.prefix}_{next(_schemas)}"
        self._run(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        return schema

    def drop_schema(self, schema: str) -> None:
        self._run(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))

    def url_for(self, schema: str) -> str:
        return f"{self.url}?options={quote(f'-csearch_path={schema}')}"

    def drop_all(self) -> None:
        """Drop what a failed teardown may have left."""
        with psycopg.connect(libpq_url(self.url), autocommit=True, connect_timeout=2) as conn:
            rows = conn.execute(
                "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (f"{self.prefix}_%",)
            ).fetchall()
        for (schema,) in rows:
            self.drop_schema(schema)

    def _run(self, statement: sql.Composed) -> None:
        with psycopg.connect(libpq_url(self.url), autocommit=True, connect_timeout=2) as conn:
            conn.execute(statement)


def reachable_postgres() -> Postgres | None:
    """The session's PostgreSQL, or None when it does not answer within 2 s."""
    try:
        with psycopg.connect(libpq_url(PG_URL), connect_timeout=2) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return None
    return Postgres(PG_URL)
