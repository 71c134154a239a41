"""Speed of the engine: batch throughput, single-note latency, cold start, peak memory.

    python benchmarks/speed.py [--model DIR] [--notes N] [--data CODIESP_DIR]

* batch: ``codesuggest batch`` with one worker over CodiEsp's unlabelled background notes
  (2,751 real cases), model load included, timed end to end as a subprocess (wall time and
  the subprocess's CPU time: compare either only with runs alternated back to back); its peak
  RSS. The engine measured is the one ``codesuggest`` imports (``PYTHONPATH`` picks a tree).
* latency: ``Engine.suggest`` on one note at a time, in-process, p50/p99 over N notes.
* cold start: a fresh interpreter importing codesuggest and loading the model.
Figures are printed; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "codiesp"
BIN = Path(sys.executable).parent


def batch(model: str | None, folder: Path) -> None:
    notes = len(list(folder.glob("*.txt")))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        cmd = [str(BIN / "codesuggest"), "batch", str(folder), "--out", str(out), "--workers", "1"]
        if model:
            cmd += ["--model", model]
        cpu_before = _children_cpu()
        started = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        elapsed = time.perf_counter() - started
        cpu = _children_cpu() - cpu_before
        written = sum(1 for _ in out.open())
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"batch, 1 worker:      {notes / elapsed:7.1f} notes/s "
        f"({written} notes in {elapsed:.1f} s, model load included)"
    )
    # CPU time is less swayed than wall time by other processes on a shared machine
    print(f"batch CPU (user+sys): {notes / cpu:7.1f} notes per CPU-second ({cpu:.1f} s)")
    print(f"batch peak RSS:       {peak:7.0f} MB")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_start(model: str | None) -> None:
    code = (
        "import time; t = time.perf_counter(); from codesuggest import Engine; "
        f"e = Engine.load({model!r}); e.suggest('warm up: hypertension'); "
        "print(time.perf_counter() - t)"
    )
    runs = [
        float(
            subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
            .stdout.strip()
            .splitlines()[-1]
        )
        for _ in range(3)
    ]
    print(f"cold start (import + load + first note): median {np.median(runs):.2f} s of {runs}")


def latency(model: str | None, folder: Path, n: int) -> None:
    from codesuggest import Engine

    engine = Engine.load(model)
    texts = [p.read_text("utf-8") for p in sorted(folder.glob("*.txt"))[:n]]
    for t in texts[:20]:
        engine.suggest(t)
    times = []
    for t in texts:
        started = time.perf_counter()
        engine.suggest(t)
        times.append((time.perf_counter() - started) * 1000)
    words = np.mean([len(t.split()) for t in texts])
    print(
        f"single note in-process: p50 {np.percentile(times, 50):.1f} ms, "
        f"p99 {np.percentile(times, 99):.1f} ms over {len(texts)} notes (~{words:.0f} words)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=os.environ.get("CODESUGGEST_MODEL"))
    parser.add_argument("--notes", type=int, default=500)
    parser.add_argument(
        "--data",
        type=Path,
        default=DATA,
        help="CodiEsp folder (default: ../shared beside the repo)",
    )
    args = parser.parse_args()
    folder = args.data / "background" / "text_files_en"
    if not folder.is_dir():
        print(f"skipped: CodiEsp background notes not found at {folder}", file=sys.stderr)
        return 0
    batch(args.model, folder)
    latency(args.model, folder, args.notes)
    cold_start(args.model)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
