"""The Spark engine (local[2]) finds what the local engine finds, byte for byte."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from codesuggest.audit import run_audit
from codesuggest.engine import Engine

pytestmark = pytest.mark.slow


def test_spark_findings_are_the_local_engines(
    reuse_engine: Engine, model_dir: Path, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    missing = "" if shutil.which("java") else "a Java runtime (java is not on PATH)"
    if os.environ.get("CI"):  # CI installs both (.ci/run): a missing one fails there
        assert not missing, f"the Spark engine needs {missing}"
    else:
        pytest.importorskip("pyspark", reason="the Spark engine needs codesuggest[spark]")
        if missing:
            pytest.skip(f"the Spark engine needs {missing}")
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
    for name in ("findings.csv", "problems.csv"):
        assert (tmp_path / "spark" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    assert not (tmp_path / "spark" / ".partial").exists()
