"""How fast the command line answers: help, a usage error, --version, and a cold ``suggest``.

    python benchmarks/cli_startup.py [--model DIR] [--runs N]

Each figure is the median (and the slowest) of N fresh interpreters running
``python -m codesuggest.cli.main ...`` as a user's shell would; ``suggest`` reads one short
note with the configured model (or ``--model``). Then where a cold ``suggest`` spends its time,
in one fresh interpreter: importing the engine, loading the model, the first note. Figures are
printed; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NOTE = "Assessment: essential hypertension. Type 2 diabetes mellitus. Denies chest pain.\n"
CLI = [sys.executable, "-m", "codesuggest.cli.main"]
BREAKDOWN = """
import time
t0 = time.perf_counter()
from codesuggest.engine import Engine
t1 = time.perf_counter()
engine = Engine.load({model!r})
t2 = time.perf_counter()
engine.suggest({note!r})
t3 = time.perf_counter()
print(f"{{t1 - t0:.2f}} {{t2 - t1:.2f}} {{t3 - t2:.2f}}")
"""


def timed(args: list[str], runs: int, ok: tuple[int, ...] = (0,)) -> str:
    """Median and slowest wall time of ``runs`` fresh runs of the command line."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(CLI + args, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - started)
        if done.returncode not in ok:
            last = (done.stderr.strip().splitlines() or ["?"])[-1]
            return f"failed (exit {done.returncode}): {last}"
    return f"{statistics.median(times):5.2f} s  {max(times):5.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model directory (default: the configured one)")
    parser.add_argument("--runs", type=int, default=5, help="fresh runs per figure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        note = Path(tmp) / "note.txt"
        note.write_text(NOTE, "utf-8")
        suggest = ["suggest", str(note), *(["--model", args.model] if args.model else [])]
        rows = [
            ("codesuggest --help", timed(["--help"], args.runs)),
            ("codesuggest suggest (usage error)", timed(["suggest"], args.runs, ok=(2,))),
            ("codesuggest --version", timed(["--version"], args.runs)),
            ("codesuggest suggest note.txt (cold)", timed(suggest, args.runs)),
        ]
    width = max(len(name) for name, _ in rows)
    print(f"{'command':<{width}}  median   slowest  ({args.runs} runs each)")
    for name, figures in rows:
        print(f"{name:<{width}}  {figures}")
    script = BREAKDOWN.format(model=args.model, note=NOTE)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    imports, load, first = (float(x) for x in out.stdout.split())
    print(
        f"cold suggest, in one interpreter: import the engine {imports:.2f} s, "
        f"load the model {load:.2f} s, first note {first:.2f} s"
    )


if __name__ == "__main__":
    main()
