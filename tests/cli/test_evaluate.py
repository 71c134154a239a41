"""``codesuggest evaluate``: figures on stdout, errors.csv and reliability.png in the report dir."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codesuggest.cli.evaluate import default_report_dir
from codesuggest.cli.main import app
from codesuggest.engine import Engine
from codesuggest.training.evaluation_table import CSV_FIELDS
from tests.cli.conftest import one_error_line
from tests.utils.absent import hide_package

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
RECORDS = [
    {"id": "a", "text": "Assessment: essential hypertension.", "codes": ["I10"]},
    {
        "id": "b",
        "text": "Type 2 diabetes mellitus without complications. Essential hypertension.",
        "codes": ["E11.9", {"code": "I10", "system": "ICD-10-CM"}],
    },
    {
        "id": "c",
        "text": "Community acquired pneumonia; bronchoscopy performed.",
        "codes": ["J18.9", {"code": "0BJ08ZZ", "system": "ICD-10-PCS"}],
    },
]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    return path


def test_evaluate_prints_figures_and_writes_report_files(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, corpus: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report" / "nested"
    result = runner.invoke(
        app,
        [
            "evaluate",
            "--model",
            str(model_dir),
            "--data",
            f"jsonl:{corpus}",
            "--top",
            "20",
            "--report-dir",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert {"all", "ICD-10-CM", "ICD-10-PCS"} <= rows
    assert "3 notes, top 20" in result.stdout
    assert f"{corpus}: 3 notes" in result.stderr  # the corpus summary
    with (report / "errors.csv").open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert tuple(table[0]) == CSV_FIELDS
    assert {("ICD-10-CM", "I10"), ("ICD-10-PCS", "0BJ08ZZ")} <= {(r[1], r[0]) for r in table[1:]}
    assert (report / "reliability.png").read_bytes().startswith(PNG_MAGIC)


def test_evaluate_writes_report_under_the_home_by_default(
    runner: CliRunner,
    reuse_engine: Engine,
    model_dir: Path,
    corpus: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("CODESUGGEST_HOME", str(home))
    result = runner.invoke(app, ["evaluate", "--model", str(model_dir), "--data", str(corpus)])
    assert result.exit_code == 0, result.output
    assert list(work.iterdir()) == []  # nothing dropped into the current folder
    (report,) = (home / "reports").iterdir()
    assert report.name.startswith(f"evaluate-{reuse_engine.info.name}-")
    assert sorted(p.name for p in report.iterdir()) == ["errors.csv", "reliability.png"]
    assert f"wrote {report / 'errors.csv'} and {report / 'reliability.png'}" in result.stderr


def test_default_report_dir_is_new_for_each_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODESUGGEST_HOME", str(tmp_path))
    moment = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    first = default_report_dir("site/2026", moment)
    assert first == tmp_path / "reports" / "evaluate-site_2026-20260102T030405Z"
    first.mkdir(parents=True)
    assert default_report_dir("site/2026", moment) == first.with_name(f"{first.name}-2")


def test_evaluate_missing_corpus_is_one_line_error(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.jsonl"
    result = runner.invoke(
        app, ["evaluate", "--model", str(model_dir), "--data", f"jsonl:{missing}"]
    )
    assert result.exit_code == 1
    assert str(missing) in one_error_line(result.stderr)


def test_evaluate_missing_model_dir_is_one_line_error(
    runner: CliRunner, corpus: Path, tmp_path: Path
) -> None:
    result = runner.invoke(
        app, ["evaluate", "--model", str(tmp_path / "nomodel"), "--data", str(corpus)]
    )
    assert result.exit_code == 1
    assert one_error_line(result.stderr).startswith(
        f"error: no model directory at {tmp_path / 'nomodel'}: `codesuggest models list` names "
    )


def test_evaluate_report_dir_that_is_a_file_is_refused(
    runner: CliRunner, model_dir: Path, corpus: Path, tmp_path: Path
) -> None:
    clash = tmp_path / "report.txt"
    clash.write_text("x", encoding="utf-8")
    result = runner.invoke(
        app,
        ["evaluate", "--model", str(model_dir), "--data", str(corpus), "--report-dir", str(clash)],
    )
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == f"error: --report-dir {clash} is not a folder"


def test_evaluate_without_matplotlib_writes_the_table_and_says_the_plot_was_not_drawn(
    runner: CliRunner,
    reuse_engine: Engine,
    model_dir: Path,
    corpus: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """matplotlib is the optional extra codesuggest[plots]: the figures and errors.csv need
    nothing of it."""
    hide_package(monkeypatch, "matplotlib")
    report = tmp_path / "report"
    result = runner.invoke(
        app,
        ["evaluate", "--model", str(model_dir), "--data", str(corpus), "--report-dir", str(report)],
    )
    assert result.exit_code == 0, result.output
    assert "3 notes, top 30" in result.stdout
    assert sorted(p.name for p in report.iterdir()) == ["errors.csv"]
    assert "reliability.png not drawn" in result.stderr
    assert "pip install 'codesuggest[plots]'" in result.stderr
