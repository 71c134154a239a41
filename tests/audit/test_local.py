"""The local engine's worker processes find what one process finds, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from codesuggest.audit import run_audit
from codesuggest.engine import Engine
from tests.audit.conftest import chunk_notes, same_outputs


def test_two_workers_write_the_findings_of_one(
    reuse_engine: Engine,
    model_dir: Path,
    many_inputs: tuple[Path, Path, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    notes, billed, total = many_inputs
    chunk_notes(monkeypatch, 4)  # nine chunks: both workers get several
    one = run_audit(notes, billed, tmp_path / "one", model=model_dir, echo=lambda _: None)
    two = run_audit(
        notes, billed, tmp_path / "two", model=model_dir, workers=2, echo=lambda _: None
    )
    assert {f.note_id for f in one.findings} == {f"m{i:02d}" for i in range(total)}
    assert two.findings == one.findings
    assert same_outputs(tmp_path / "two", tmp_path / "one")
