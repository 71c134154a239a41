"""Migrations: they build the declared schema on an empty database, and run again harmlessly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from codesuggest.store import Store
from codesuggest.store.migrate import alembic_config, head_revision
from codesuggest.store.schema import Base

TABLES = {"alembic_version", "api_keys", "suggestion_runs", "feedback", "audit_events"}


def test_migrate_builds_every_table_on_an_empty_database(store_url: str, raw_db: Engine) -> None:
    assert not set(inspect(raw_db).get_table_names()) & TABLES
    with Store.open(store_url) as store:
        assert store.revision() == head_revision() == "0001"
    assert set(inspect(raw_db).get_table_names()) >= TABLES


def test_migrate_twice_changes_nothing_and_keeps_data(store_url: str) -> None:
    with Store.open(store_url) as store:
        store.create_key("kept", "admin")
    with Store.open(store_url) as store:
        assert store.upgrade() == "0001"
        assert [k.name for k in store.list_keys()] == ["kept"]


def test_migrate_schema_matches_the_declared_tables(store: Store, raw_db: Engine) -> None:
    with raw_db.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_migrate_downgrades_to_empty_and_back(store: Store, raw_db: Engine) -> None:
    with raw_db.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert set(inspect(raw_db).get_table_names()) <= {"alembic_version"}
    assert store.upgrade() == "0001"
    with raw_db.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_events")).scalar() == 0


def test_open_without_migrate_leaves_the_database_alone(store_url: str, raw_db: Engine) -> None:
    with Store.open(store_url, migrate=False) as store:
        assert store.revision() is None
    assert not set(inspect(raw_db).get_table_names()) & TABLES
