"""Runs the packaged Alembic migrations programmatically (no alembic.ini at run time).

``upgrade`` holds a lock while it migrates, so that two processes starting together (API
workers, a CLI command) do not both create the tables: an immediate transaction on SQLite, a
transaction-scoped advisory lock on PostgreSQL, whose DDL is transactional too.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_PG_LOCK = 7_265_431_001  # any constant: the advisory-lock key of codesuggest's migrations


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the packaged migrations, running on ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision the package ships."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the package ships no migrations"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Migrate the database to the newest revision; returns that revision."""
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # waits up to busy_timeout
        else:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
        command.upgrade(alembic_config(connection), "head")
        revision = MigrationContext.configure(connection).get_current_revision()
        connection.commit()
    assert revision is not None
    return revision
