"""A local audit killed with SIGKILL part way and started again with the same arguments ends
with the findings of an uninterrupted run, byte for byte, none twice."""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codesuggest.audit import run_audit
from codesuggest.audit.checkpoint import PARTIAL
from codesuggest.cli.main import app
from codesuggest.engine import Engine
from tests.audit.conftest import chunk_notes

DEADLINE_SECONDS = 600  # generous: the child loads the model on a busy machine


def _done(out: Path) -> int:
    partial = out / PARTIAL
    return len(list(partial.glob("chunk-*.jsonl"))) if partial.is_dir() else 0


def _kill_part_way(command: list[str], out: Path, total: int, stderr_path: Path) -> int:
    """Start ``command``, SIGKILL it once its checkpoint holds a chunk (polled, never a
    fixed sleep), and return how many chunks it had finished."""
    env = {**os.environ, "CODESUGGEST_AUDIT_CHUNK_NOTES": "1"}  # one chunk a note
    with stderr_path.open("wb") as stderr:  # a file, not a pipe: a full pipe would block it
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
            # on a busy machine this test's polling comes first: it must see a chunk done
            # before the child has done them all
            preexec_fn=lambda: os.nice(19),
        )
    deadline = time.monotonic() + DEADLINE_SECONDS
    try:
        while _done(out) == 0:
            if process.poll() is not None:
                pytest.fail(f"the audit ended before its first chunk: {stderr_path.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no chunk checkpointed in {DEADLINE_SECONDS} s")
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        returncode = process.wait(timeout=60)
    assert returncode == -signal.SIGKILL, stderr_path.read_text()
    done = _done(out)
    assert 0 < done < total, f"{done} of {total} chunks done when killed"
    return done


def test_a_killed_audit_resumes_with_the_findings_of_an_uninterrupted_run(
    reuse_engine: Engine,
    model_dir: Path,
    many_inputs: tuple[Path, Path, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    notes, billed, total = many_inputs
    out = tmp_path / "out"
    args = ["audit", "--notes", str(notes), "--billed", str(billed), "--out", str(out)]
    args += ["--model", str(model_dir)]
    command = [sys.executable, "-m", "codesuggest.cli.main", *args]
    done = _kill_part_way(command, out, total, tmp_path / "stderr.txt")
    assert not (out / "audit.json").exists()
    assert not (out / "findings.csv").exists()

    chunk_notes(monkeypatch, 1)  # the same arguments and settings, in this process
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0, again.stderr
    said = re.search(r"resuming the audit in .*: (\d+) of (\d+) chunks already done", again.stderr)
    assert said is not None, again.stderr
    assert (int(said.group(1)), int(said.group(2))) == (done, total)

    whole = tmp_path / "whole"
    run_audit(notes, billed, whole, model=model_dir, echo=lambda _: None)
    resumed_csv = (out / "findings.csv").read_bytes()
    assert resumed_csv == (whole / "findings.csv").read_bytes()
    with (out / "findings.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    pairs = [(r["note_id"], r["code"]) for r in rows]
    assert len(pairs) == len(set(pairs))  # no finding twice
    assert {r["note_id"] for r in rows} == {f"m{i:02d}" for i in range(total)}
    assert (out / "problems.csv").read_bytes() == (whole / "problems.csv").read_bytes()
    # nothing half-written is left: the checkpoint is gone, and so is any part of the killed run
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in whole.iterdir())
