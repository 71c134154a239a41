"""The store's database engine: URL normalisation, per-dialect connection settings, and the one
place where driver errors become :class:`~codesuggest.errors.StoreError` subclasses.

SQLite gets a WAL journal, a 5 s busy timeout and foreign keys; PostgreSQL goes through psycopg 3
with a 3 s connect timeout and pre-ping. Messages show the URL with its password masked.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

from codesuggest.errors import ConfigError, StoreError, StoreUnavailableError

CONNECT_TIMEOUT_S = 3
SQLITE_BUSY_TIMEOUT_MS = 5000
_POSTGRES_NAMES = ("postgresql", "postgres", "postgresql+psycopg")
_UNDEFINED_TABLE = "42P01"  # PostgreSQL's SQLSTATE for a missing table


def normalize_url(url: str) -> URL:
    """``url`` parsed; ``postgresql://`` and ``postgres://`` use the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        raise ConfigError(
            "not a database URL (expected e.g. sqlite:///PATH or postgresql://USER@HOST/DB)"
        ) from None
    if parsed.drivername in _POSTGRES_NAMES:
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        return parsed
    raise ConfigError(
        f"unsupported database {parsed.drivername!r} in {masked(parsed)}: use sqlite or postgresql"
    )


def masked(url: URL) -> str:
    """The URL as text with its password replaced by ``***``."""
    return url.render_as_string(hide_password=True)


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_file(url: URL) -> Path | None:
    """The database file of a SQLite URL; ``None`` for an in-memory or a server database."""
    if not is_sqlite(url):
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def make_engine(url: URL) -> Engine:
    """An engine for ``url`` with the store's connection settings (nothing is connected yet)."""
    if is_sqlite(url):
        return _sqlite_engine(url)
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    return create_engine(url, connect_args=connect_args, pool_pre_ping=True)


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if in_memory:  # one shared connection, or every checkout would see an empty database
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        try:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreUnavailableError(
                f"cannot create the folder of {masked(url)}: {err.strerror or err}"
            ) from None
        engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        try:
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    return engine


@contextmanager
def translate_errors(url: URL) -> Iterator[None]:
    """Turn SQLAlchemy errors into StoreUnavailableError (cannot reach) or StoreError (other)."""
    try:
        yield
    except exc.TimeoutError as err:  # no pooled connection came free in time
        raise StoreUnavailableError(f"store unavailable at {masked(url)}: {err}") from err
    except exc.DBAPIError as err:
        reason = _reason(err, url)
        if _missing_table(err):
            raise _not_migrated(url, reason) from err
        if err.connection_invalidated or isinstance(
            err, (exc.OperationalError, exc.InterfaceError)
        ):
            raise StoreUnavailableError(f"store unavailable at {masked(url)}: {reason}") from err
        raise StoreError(f"store error at {masked(url)}: {reason}") from err


def _missing_table(err: exc.DBAPIError) -> bool:
    orig = err.orig
    return getattr(orig, "sqlstate", None) == _UNDEFINED_TABLE or "no such table" in str(orig)


def _not_migrated(url: URL, reason: str) -> StoreError:
    return StoreError(
        f"the store at {masked(url)} is not set up ({reason}); run `codesuggest db upgrade`"
    )


def _reason(err: exc.SQLAlchemyError, url: URL) -> str:
    """The driver's message on one line, without the password should a driver echo it."""
    orig = getattr(err, "orig", None)
    text = " ".join(str(orig if orig is not None else err).split()) or type(err).__name__
    if url.password:
        text = text.replace(str(url.password), "***")
    return text[:300]
