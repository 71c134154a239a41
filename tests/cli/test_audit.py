from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from codesuggest.cli.main import app
from codesuggest.engine import Engine
from tests.cli.conftest import one_error_line


def _inputs(tmp_path: Path) -> tuple[Path, Path]:
    notes = tmp_path / "notes.csv"
    notes.write_text(
        'id,text\na,"Acute respiratory failure with hypoxia."\nb,"Essential hypertension."\n',
        encoding="utf-8",
    )
    billed = tmp_path / "billed.csv"
    billed.write_text("note_id,code\na,J9601\nb,I10\nb,R07.9\nc,I10\n", encoding="utf-8")
    return notes, billed


def test_audit_writes_the_folder_and_tells_the_bad_rows(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, tmp_path: Path
) -> None:
    notes, billed = _inputs(tmp_path)
    out = tmp_path / "out"
    args = ["audit", "--notes", str(notes), "--billed", str(billed), "--out", str(out)]
    result = runner.invoke(app, [*args, "--model", str(model_dir)])
    assert result.exit_code == 0, result.stderr
    assert "absent_note" in result.stderr and "billed.csv:5" in result.stderr
    assert "audited 2 notes" in result.stderr
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["by_finding"]["supported"] == 2
    assert summary["by_finding"]["unsupported"] == 1
    again = runner.invoke(app, [*args, "--model", str(model_dir)])
    assert again.exit_code == 1
    assert "give --force" in one_error_line(again.stderr)
    forced = runner.invoke(app, [*args, "--model", str(model_dir), "--force"])
    assert forced.exit_code == 0, forced.stderr


def test_audit_refuses_an_unknown_engine(
    runner: CliRunner, model_dir: Path, tmp_path: Path
) -> None:
    notes, billed = _inputs(tmp_path)
    result = runner.invoke(
        app,
        [
            "audit",
            "--notes",
            str(notes),
            "--billed",
            str(billed),
            "--out",
            str(tmp_path / "o"),
            "--model",
            str(model_dir),
            "--engine",
            "hadoop",
        ],
    )
    assert result.exit_code == 1
    assert "unknown engine 'hadoop'" in one_error_line(result.stderr)
