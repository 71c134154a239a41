"""run_audit end to end on a few tiny notes: outputs, bad input, --force, resuming."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from codesuggest.audit import run_audit
from codesuggest.audit.checkpoint import Checkpoint
from codesuggest.engine import Engine
from codesuggest.errors import InputError
from tests.audit.conftest import chunk_notes


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_an_audit_writes_findings_problems_summary_and_report(
    reuse_engine: Engine, model_dir: Path, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    notes, billed = inputs
    said: list[str] = []
    result = run_audit(notes, billed, tmp_path / "out", model=model_dir, echo=said.append)
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "audit.json",
        "findings.csv",
        "findings.parquet",
        "problems.csv",
        "report.html",
        "summary.json",
    ]
    rows = _rows(out / "findings.csv")
    table = pq.read_table(out / "findings.parquet").to_pylist()
    assert [r["code"] for r in rows] == [r["code"] for r in table]
    assert [float(r["confidence"]) for r in rows] == [r["confidence"] for r in table]
    pairs = [(r["note_id"], r["code"]) for r in rows]
    assert len(pairs) == len(set(pairs))  # one row per (note, code)
    assert pairs == sorted(pairs)
    of = {(r["note_id"], r["code"]): r["finding"] for r in rows}
    assert of[("n1", "E11.22")] == "supported"
    assert of[("n1", "S72.001A")] == "unsupported"
    assert of[("n4", "I50.9")] == "more_specific_available"
    # every piece of bad input: counted, listed in problems.csv and told, with its row
    kinds = sorted(p["kind"] for p in _rows(out / "problems.csv"))
    assert kinds == sorted(
        ["duplicate", "unknown_code", "unknown_system", "bad_row", "bad_note", "absent_note"]
    )
    assert len(said) == 6 and all(line.startswith("bad input: ") for line in said)
    assert any("billed.csv:10" in line and "absent_note" in line for line in said)
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["notes"] == 3
    assert summary["findings"] == len(rows)
    assert sum(summary["by_finding"].values()) == len(rows)
    assert summary["by_finding"] == result.summary["by_finding"]
    assert summary["problems"]["duplicate"] == 1
    assert "drg package" in summary["tables"]["ms_drg"]
    assert not (out / ".partial").exists()


def test_a_finished_audit_is_not_overwritten_without_force(
    reuse_engine: Engine, model_dir: Path, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    notes, billed = inputs
    out = tmp_path / "out"
    first = run_audit(notes, billed, out, model=model_dir, echo=lambda _: None)
    before = (out / "findings.csv").read_bytes()
    with pytest.raises(InputError, match="finished audit; give --force"):
        run_audit(notes, billed, out, model=model_dir, echo=lambda _: None)
    again = run_audit(notes, billed, out, model=model_dir, echo=lambda _: None, force=True)
    assert (out / "findings.csv").read_bytes() == before
    assert again.findings == first.findings


def test_an_interrupted_audit_resumes_with_the_same_findings(
    reuse_engine: Engine,
    model_dir: Path,
    inputs: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    notes, billed = inputs
    chunk_notes(monkeypatch, 1)  # one note a chunk: three chunks
    whole = run_audit(notes, billed, tmp_path / "whole", model=model_dir, echo=lambda _: None)
    real_save = Checkpoint.save
    saved: list[int] = []

    def dies_after_two(self: Checkpoint, number: int, findings: list[object]) -> None:
        if len(saved) == 2:
            raise KeyboardInterrupt  # as a kill: nothing after this chunk is written
        real_save(self, number, findings)  # type: ignore[arg-type]
        saved.append(number)

    monkeypatch.setattr(Checkpoint, "save", dies_after_two)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_audit(notes, billed, out, model=model_dir, echo=lambda _: None)
    assert not (out / "audit.json").exists()
    assert len(list((out / ".partial").glob("chunk-*.jsonl"))) == 2
    monkeypatch.setattr(Checkpoint, "save", real_save)
    resumed = run_audit(notes, billed, out, model=model_dir, echo=lambda _: None)
    assert resumed.resumed_chunks == 2
    assert resumed.findings == whole.findings
    assert (out / "findings.csv").read_bytes() == (tmp_path / "whole" / "findings.csv").read_bytes()


def test_a_partial_audit_of_other_inputs_is_not_mixed_in(
    reuse_engine: Engine,
    model_dir: Path,
    inputs: tuple[Path, Path],
    tmp_path: Path,
) -> None:
    notes, billed = inputs
    out = tmp_path / "out"
    (out / ".partial").mkdir(parents=True)
    (out / ".partial" / "manifest.json").write_text('{"key": "other"}', encoding="utf-8")
    with pytest.raises(InputError, match="partial audit of other inputs"):
        run_audit(notes, billed, out, model=model_dir, echo=lambda _: None)
    result = run_audit(notes, billed, out, model=model_dir, echo=lambda _: None, force=True)
    assert result.findings


def test_empty_inputs_are_reported_not_crashed_on(
    reuse_engine: Engine, model_dir: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.jsonl"
    notes.write_text("", encoding="utf-8")
    billed = tmp_path / "billed.csv"
    billed.write_text("", encoding="utf-8")
    said: list[str] = []
    result = run_audit(notes, billed, tmp_path / "out", model=model_dir, echo=said.append)
    assert result.findings == []
    assert sorted(p.kind for p in result.problems) == ["empty_file", "empty_file"]
    assert len(said) == 2
    assert (tmp_path / "out" / "report.html").is_file()


def test_a_notes_table_with_the_wrong_columns_is_reported_not_crashed_on(
    reuse_engine: Engine, model_dir: Path, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    import pyarrow as pa

    _, billed = inputs
    notes = tmp_path / "notes.parquet"
    pq.write_table(pa.table({"note": ["n1"], "body": ["Cough."]}), notes)
    said: list[str] = []
    result = run_audit(notes, billed, tmp_path / "out", model=model_dir, echo=said.append)
    kinds = [p.kind for p in result.problems]
    assert "bad_columns" in kinds
    assert kinds.count("absent_note") == 7  # every usable billed row, its note absent
    assert result.findings == []
    assert len(said) == len(result.problems)


def test_the_parts_a_killed_audit_left_in_its_folder_are_removed(
    reuse_engine: Engine, model_dir: Path, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    import subprocess
    import sys

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    out = tmp_path / "out"
    out.mkdir()
    names = ("findings.csv", "findings.parquet", "summary.json", "report.html", "audit.json")
    for name in names:  # what a run killed while writing its outputs leaves
        (out / f".{name}.{dead.pid}.x1y2z3.part").write_bytes(b"half")
    run_audit(*inputs, out, model=model_dir, echo=lambda _: None)
    assert sorted(p.name for p in out.iterdir()) == sorted([*names, "problems.csv"])
    assert pq.read_table(out / "findings.parquet").num_rows == len(_rows(out / "findings.csv"))
