"""``codesuggest suggest``: a table or JSON for one note, one-line errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codesuggest.cli.main import app
from codesuggest.engine import Engine
from codesuggest.settings import get_settings
from tests.cli.conftest import one_error_line

NOTE = (
    "HISTORY OF PRESENT ILLNESS: 67 year old man with essential hypertension and type 2 "
    "diabetes mellitus presents with chest pain.\nASSESSMENT: Hypertension. Type 2 diabetes."
)


def _note(tmp_path: Path, text: str = NOTE, name: str = "visit1.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_suggest_prints_table_with_ranked_codes(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["suggest", str(_note(tmp_path)), "--model", str(model_dir)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"note visit1 - model {reuse_engine.info.name}")
    assert lines[1].split()[:5] == ["#", "code", "system", "conf", "rec"]
    first = lines[2].split()
    assert first[0] == "1"
    assert first[2] == "ICD-10-CM"
    assert 0.0 <= float(first[3]) <= 1.0


def test_suggest_json_mirrors_note_result(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, tmp_path: Path
) -> None:
    args = ["suggest", str(_note(tmp_path)), "--json", "--model", str(model_dir), "--top", "3"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"note_id", "model", "code_sets", "suggestions"}
    assert payload["note_id"] == "visit1"
    assert payload["model"]["name"] == reuse_engine.info.name
    assert 1 <= len(payload["suggestions"]) <= 3
    assert {"code", "confidence", "recommended", "evidence"} <= set(payload["suggestions"][0])


def test_suggest_reads_stdin(runner: CliRunner, reuse_engine: Engine, model_dir: Path) -> None:
    args = ["suggest", "-", "--json", "--model", str(model_dir), "--note-id", "n-7"]
    result = runner.invoke(app, args, input=NOTE)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["note_id"] == "n-7"
    assert payload["suggestions"]


@pytest.mark.parametrize("spelling", ["f", "female", "FEMALE"])
def test_suggest_sex_flag_reads_any_case_as_canonical(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, tmp_path: Path, spelling: str
) -> None:
    path = _note(tmp_path, "Assessment: benign prostatic hyperplasia.")
    base = ["suggest", str(path), "--json", "--model", str(model_dir)]
    given = runner.invoke(app, [*base, "--sex", spelling])
    canonical = runner.invoke(app, [*base, "--sex", "F"])
    assert given.exit_code == canonical.exit_code == 0, given.output
    assert json.loads(given.stdout) == json.loads(canonical.stdout)
    flags = {f for s in json.loads(given.stdout)["suggestions"] for f in s["flags"]}
    assert "not expected for sex F" in flags


def test_suggest_unknown_sex_is_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["suggest", str(_note(tmp_path)), "--sex", "X"])
    assert result.exit_code == 2
    assert "bad sex 'X'" in result.stderr


def test_suggest_empty_note_gives_no_suggestions(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, tmp_path: Path
) -> None:
    path = _note(tmp_path, "   \n")
    table = runner.invoke(app, ["suggest", str(path), "--model", str(model_dir)])
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[-1] == "no suggestions"
    as_json = runner.invoke(app, ["suggest", str(path), "--json", "--model", str(model_dir)])
    assert json.loads(as_json.stdout)["suggestions"] == []


def test_suggest_oversize_note_is_one_line_error(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, tmp_path: Path
) -> None:
    path = _note(tmp_path, "x" * (get_settings().max_note_chars + 1))
    result = runner.invoke(app, ["suggest", str(path), "--model", str(model_dir)])
    assert result.exit_code == 1
    assert "the limit is" in one_error_line(result.stderr)
    assert result.stdout == ""


def test_suggest_missing_file_is_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["suggest", str(tmp_path / "absent.txt")])
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == f"error: no such file: {tmp_path / 'absent.txt'}"


def test_suggest_non_utf8_file_is_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Patient présente une toux".encode("latin-1"))
    result = runner.invoke(app, ["suggest", str(path)])
    assert result.exit_code == 1
    assert "not valid UTF-8" in one_error_line(result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1


def test_suggest_unknown_model_dir_is_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["suggest", str(_note(tmp_path)), "--model", str(tmp_path / "no")])
    assert result.exit_code == 1
    assert one_error_line(result.stderr).startswith(
        f"error: no model directory at {tmp_path / 'no'}: `codesuggest models list` names "
    )


def test_suggest_folder_without_model_card_is_one_line_error(
    runner: CliRunner, tmp_path: Path
) -> None:
    empty = tmp_path / "empty_model"
    empty.mkdir()
    result = runner.invoke(app, ["suggest", str(_note(tmp_path)), "--model", str(empty)])
    assert result.exit_code == 1
    one_error_line(result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1


def test_suggest_without_file_is_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["suggest"])
    assert result.exit_code == 2
    assert result.stderr == "error: missing argument 'FILE|-' (see `codesuggest suggest --help`)\n"
