"""Migrations: they build the declared schema on an empty database, and run again harmlessly."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DBAPIError

from codesuggest.store import FeedbackInput, Store
from codesuggest.store.migrate import alembic_config, head_revision
from codesuggest.store.schema import Base

TABLES = {"alembic_version", "api_keys", "suggestion_runs", "feedback", "audit_events"}


def test_migrate_builds_every_table_on_an_empty_database(store_url: str, raw_db: Engine) -> None:
    assert not set(inspect(raw_db).get_table_names()) & TABLES
    with Store.open(store_url) as store:
        assert store.revision() == head_revision() == "0002"
    assert set(inspect(raw_db).get_table_names()) >= TABLES


def test_migrate_twice_changes_nothing_and_keeps_data(store_url: str) -> None:
    with Store.open(store_url) as store:
        store.create_key("kept", "admin")
    with Store.open(store_url) as store:
        assert store.upgrade() == "0002"
        assert [k.name for k in store.list_keys()] == ["kept"]


def test_migrate_schema_matches_the_declared_tables(store: Store, raw_db: Engine) -> None:
    with raw_db.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_migrate_downgrades_to_empty_and_back(store: Store, raw_db: Engine) -> None:
    with raw_db.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert set(inspect(raw_db).get_table_names()) <= {"alembic_version"}
    assert store.upgrade() == "0002"
    with raw_db.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_events")).scalar() == 0


def test_open_without_migrate_leaves_the_database_alone(store_url: str, raw_db: Engine) -> None:
    with Store.open(store_url, migrate=False) as store:
        assert store.revision() is None
    assert not set(inspect(raw_db).get_table_names()) & TABLES


# --- 0002: one spelling of each code system -------------------------------------------------

NOW = dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)
JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def _at_0001_with_short_system_names(raw_db: Engine) -> None:
    """A store migrated to 0001 holding a decision, a run and audit events as 0001 wrote them."""
    with raw_db.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
        connection.execute(
            text(
                "INSERT INTO api_keys (name, role, prefix, key_hash, created_at) "
                "VALUES ('c', 'coder', 'cs_x', :hash, :now)"
            ),
            {"hash": "0" * 64, "now": NOW},
        )
        runs = sa.table(
            "suggestion_runs", *(sa.column(c) for c in ("note_id", "model_name",
            "model_version", "actor", "created_at")), sa.column("suggestions", JSON),
        )  # fmt: skip
        key_id = connection.execute(text("SELECT id FROM api_keys")).scalar_one()
        suggestions = [
            {"code": "I10", "system": "icd10cm", "rank": 1, "confidence": 0.9},
            {"code": "0DTJ4ZZ", "system": "icd10pcs", "rank": 2, "confidence": 0.4},
        ]
        connection.execute(
            runs.insert().values(note_id="n1", model_name="m", model_version="1",
                                 actor="c", created_at=NOW, suggestions=suggestions)
        )  # fmt: skip
        run_id = connection.execute(text("SELECT id FROM suggestion_runs")).scalar_one()
        connection.execute(
            text(
                "INSERT INTO feedback (note_id, code, system, decision, actor_key_id, actor, "
                "run_id, request_hash, created_at) VALUES "
                "('n1', 'I10', 'icd10cm', 'accepted', :key, 'c', :run, :h, :now), "
                "('n1', '99213', 'cpt', 'added', :key, 'c', :run, :h, :now)"
            ),
            {"h": "1" * 64, "now": NOW, "key": key_id, "run": run_id},
        )
        connection.execute(
            text(
                "INSERT INTO audit_events (at, actor, role, action, note_id, code, system, "
                "detail) VALUES (:now, 'c', 'coder', 'feedback', 'n1', 'I10', 'icd10cm', '{}'), "
                "(:now, 'c', 'coder', 'suggest', 'n1', NULL, NULL, '{}')"
            ),
            {"now": NOW},
        )


def _systems(raw_db: Engine) -> tuple[list[str], list[str | None], list[str]]:
    with raw_db.connect() as connection:
        feedback = connection.execute(text("SELECT system FROM feedback ORDER BY id")).scalars()
        audit = connection.execute(
            text("SELECT system FROM audit_events WHERE action <> 'migrate' ORDER BY id")
        ).scalars()
        runs = sa.table("suggestion_runs", sa.column("suggestions", JSON))
        [suggestions] = connection.execute(sa.select(runs.c.suggestions)).scalars()
        return list(feedback), list(audit), [s["system"] for s in suggestions]


def test_migrate_0002_spells_every_stored_code_system_as_suggestions_do(
    store_url: str, raw_db: Engine
) -> None:
    _at_0001_with_short_system_names(raw_db)
    with Store.open(store_url) as store:
        assert store.revision() == "0002"
        [migrated] = [e for e in store.audit_events() if e.action == "migrate"]
        assert migrated.actor == "migration 0002"
        assert (migrated.detail["feedback"], migrated.detail["audit_events"]) == (2, 1)
        assert migrated.detail["suggestion_runs"] == 1
        [accepted, added] = store.list_feedback("n1")
        assert (accepted.system, added.system) == ("ICD-10-CM", "CPT")
    assert _systems(raw_db) == (
        ["ICD-10-CM", "CPT"], ["ICD-10-CM", None], ["ICD-10-CM", "ICD-10-PCS"]
    )  # fmt: skip
    with Store.open(store_url) as store:  # a new decision finds its code in the migrated run
        key, _ = store.create_key("c2", "coder")
        decision = FeedbackInput("n1", "0DTJ4ZZ", "icd10pcs", "rejected")
        record, _ = store.record_feedback(
            decision, actor=key, model_name=None, model_version=None, idempotency_key=None
        )
        assert (record.system, record.rank, record.confidence) == ("ICD-10-PCS", 2, 0.4)
    with raw_db.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text("UPDATE audit_events SET system = 'x'"))  # triggers are back


def test_migrate_0002_downgrades_to_the_short_names(store_url: str, raw_db: Engine) -> None:
    _at_0001_with_short_system_names(raw_db)
    with Store.open(store_url):
        pass
    with raw_db.begin() as connection:
        command.downgrade(alembic_config(connection), "0001")
    assert _systems(raw_db) == (
        ["icd10cm", "cpt"], ["icd10cm", None], ["icd10cm", "icd10pcs"]
    )  # fmt: skip
    with raw_db.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text("DELETE FROM audit_events"))
