"""``codesuggest db``: migrations from the command line, the audit trail as JSON lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codesuggest.cli.main import app
from codesuggest.store import FeedbackInput, Store
from tests.cli.conftest import one_error_line


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


def test_db_upgrade_prints_the_revision_and_is_idempotent(runner: CliRunner, db: str) -> None:
    first = runner.invoke(app, ["db", "upgrade", "--db", db])
    assert first.exit_code == 0, first.output
    assert first.stdout == "0002\n"
    assert "upgraded from empty to revision 0002" in first.stderr
    again = runner.invoke(app, ["db", "upgrade", "--db", db])
    assert (again.exit_code, again.stdout) == (0, "0002\n")
    assert "already at revision 0002" in again.stderr


def test_db_audit_prints_json_lines_newest_first(runner: CliRunner, db: str) -> None:
    with Store.open(db) as store:
        key, _ = store.create_key("alice", "coder")
        for note_id in ("n1", "n2"):
            store.record_run(
                note_id=note_id,
                text="secret note text",
                model_name="m",
                model_version="1",
                actor=key,
                suggestions=[],
            )
    result = runner.invoke(app, ["db", "audit", "--db", db])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["action"], e["note_id"]) for e in events] == [
        ("suggest", "n2"),
        ("suggest", "n1"),
        ("create_key", None),
    ]
    assert events[0]["at"].endswith("+00:00") and events[0]["actor"] == "alice"
    assert "secret note text" not in result.stdout
    by_note = runner.invoke(app, ["db", "audit", "--note-id", "n1", "--db", db])
    assert [json.loads(line)["note_id"] for line in by_note.stdout.splitlines()] == ["n1"]
    limited = runner.invoke(app, ["db", "audit", "--limit", "1", "--db", db])
    assert len(limited.stdout.splitlines()) == 1


def test_db_audit_names_code_systems_as_suggestions_do(runner: CliRunner, db: str) -> None:
    with Store.open(db) as store:
        key, _ = store.create_key("alice", "coder")
        for system, code in (("icd10cm", "I10"), ("ICD-10-PCS", "0DTJ4ZZ"), ("cpt", "99213")):
            store.record_feedback(
                FeedbackInput("n1", code, system, "added"),
                actor=key,
                model_name=None,
                model_version=None,
                idempotency_key=None,
            )
    result = runner.invoke(app, ["db", "audit", "--note-id", "n1", "--db", db])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["system"] for e in events] == ["CPT", "ICD-10-PCS", "ICD-10-CM"]


def test_db_upgrade_unreachable_is_one_error_line(runner: CliRunner) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--db", "postgresql://127.0.0.1:1/x"])
    assert result.exit_code == 1
    assert one_error_line(result.stderr).startswith("error: store unavailable at ")


def test_db_upgrade_bad_url_is_one_error_line(runner: CliRunner) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--db", "oracle://h/db"])
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == (
        "error: unsupported database 'oracle' in oracle://h/db: use sqlite or postgresql"
    )
