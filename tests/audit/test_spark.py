"""The Spark engine (local mode) finds what the local engine finds, byte for byte, even when a
Python worker dies part way and Spark retries its task."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from codesuggest.audit import run_audit
from codesuggest.engine import Engine
from tests.audit.conftest import chunk_notes, same_outputs

pytestmark = pytest.mark.slow


@pytest.fixture
def spark_ready() -> None:
    missing = "" if shutil.which("java") else "a Java runtime (java is not on PATH)"
    if os.environ.get("CI"):  # CI installs both (.ci/run): a missing one fails there
        assert not missing, f"the Spark engine needs {missing}"
    else:
        pytest.importorskip("pyspark", reason="the Spark engine needs codesuggest[spark]")
        if missing:
            pytest.skip(f"the Spark engine needs {missing}")


def test_spark_findings_are_the_local_engines(
    spark_ready: None,
    reuse_engine: Engine,
    model_dir: Path,
    inputs: tuple[Path, Path],
    tmp_path: Path,
) -> None:
    notes, billed = inputs
    local = run_audit(notes, billed, tmp_path / "local", model=model_dir, echo=lambda _: None)
    spark = run_audit(
        notes,
        billed,
        tmp_path / "spark",
        model=model_dir,
        engine="spark",
        workers=2,
        echo=lambda _: None,
    )
    assert spark.findings == local.findings
    assert same_outputs(tmp_path / "spark", tmp_path / "local")
    assert not (tmp_path / "spark" / ".partial").exists()


def test_a_spark_worker_that_dies_is_retried_and_the_findings_are_complete(
    spark_ready: None,
    reuse_engine: Engine,
    model_dir: Path,
    many_inputs: tuple[Path, Path, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    notes, billed, total = many_inputs
    marker = tmp_path / "died"
    monkeypatch.setenv("CODESUGGEST_SPARK_DIE_ONCE", str(marker))  # read by Spark's map only
    chunk_notes(monkeypatch, 4)  # eight partitions on local[2,4]: the death is one task's
    local = run_audit(notes, billed, tmp_path / "local", model=model_dir, echo=lambda _: None)
    assert not marker.exists()  # the local engine never acts on the hook
    spark = run_audit(
        notes,
        billed,
        tmp_path / "spark",
        model=model_dir,
        engine="spark",
        workers=2,
        echo=lambda _: None,
    )
    assert marker.is_file()  # a worker died after auditing its first batch ...
    died = int(marker.read_text(encoding="ascii"))
    assert died != os.getpid()
    # ... and Spark ran its task again: every note's findings, once, as the local engine's
    assert {f.note_id for f in spark.findings} == {f"m{i:02d}" for i in range(total)}
    assert spark.findings == local.findings
    assert same_outputs(tmp_path / "spark", tmp_path / "local")
