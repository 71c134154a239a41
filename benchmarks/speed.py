"""Speed of the engine: batch throughput, single-note latency, cold start, peak memory.

    python benchmarks/speed.py [--model DIR] [--notes N] [--data CODIESP_DIR]

* batch: ``codesuggest batch`` with one worker over CodiEsp's unlabelled background notes
  (2,751 real cases), model load included, timed end to end as a subprocess (wall time and
  the subprocess's CPU time: compare either only with runs alternated back to back); its peak
  RSS. The engine measured is the one ``codesuggest`` imports (``PYTHONPATH`` picks a tree).
* latency: ``Engine.suggest`` on one note at a time, in-process, p50/p99 over N notes.
* cold start: a fresh interpreter importing codesuggest and loading the model.

    python benchmarks/speed.py --against OTHER/src --against-model OTHER_MODEL [--rounds 3]
        [--sequential | --interleaved [--quantum 0.25]]

compares two trees on a machine whose speed drifts between runs: each round runs the batch of
this tree and of the other (``PYTHONPATH=OTHER/src``) at the same time, one per core, and
prints each one's CPU time and their ratio (``--batch-arg=--system=ICD-10-CM``: passed to
this tree's batch only, to compare its diagnoses alone with an older tree that read no
procedures). ``--sequential``: one after the other, which goes first alternating.
``--interleaved``: taking turns on one core, each stopped while the other runs, so that a
drift of the machine's speed slows both alike; turns of ``--quantum`` seconds in the first
round, then each tree's turn lasts in proportion to the CPU time its batch took in the round
before, so that both end about together; the one that ends last runs its rest alone, and the
CPU time it spent so is printed.
Figures are printed; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "codiesp"


def batch(model: str | None, folder: Path) -> None:
    notes = len(list(folder.glob("*.txt")))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        cmd = _batch_cmd(model, folder, out, [])
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


def against(
    model: str | None,
    folder: Path,
    other_src: str,
    other_model: str,
    rounds: int,
    extra: list[str],
    *,
    sequential: bool = False,
    quantum: float | None = None,
) -> None:
    """Rounds of this tree's batch (with ``extra`` arguments) and ``other_src``'s, run at the
    same time (the same machine state for both), each one's user+sys CPU read from its own
    exit status; ``sequential``: one after the other, the other core left idle, the tree that
    goes first alternating from round to round (when two batches at once slow each other
    unevenly, as two hyperthreads of one core do)."""
    ratios = []
    turns: dict[str, float] = {"this": 1.0, "other": 1.0}  # each one's share of a turn
    for r in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            ours = _batch_cmd(model, folder, Path(tmp) / "a.jsonl", extra)
            theirs = _batch_cmd(other_model, folder, Path(tmp) / "b.jsonl", [])
            env = {**os.environ, "PYTHONPATH": other_src}
            runs = [("this", ours, None), ("other", theirs, env)]
            if sequential and r % 2:
                runs.reverse()
            cpu: dict[str, float] = {}
            if quantum is not None:
                if r % 2:
                    runs.reverse()
                cpu, alone = _interleaved(runs, {k: quantum * v for k, v in turns.items()})
                turns = {k: v / min(cpu.values()) for k, v in cpu.items()}
                print(f"round {r + 1}: {alone[1]:.2f} s of {alone[0]}'s CPU ran alone at the end")
            elif sequential:
                for name, cmd, run_env in runs:
                    cpu[name] = _cpu_of(name, _start(cmd, run_env))
            else:
                procs = [(name, _start(cmd, e)) for name, cmd, e in runs]
                for name, proc in procs:
                    cpu[name] = _cpu_of(name, proc)
        ratios.append(cpu["other"] / cpu["this"])
        print(
            f"round {r + 1}: this tree {cpu['this']:.2f} s CPU, other {cpu['other']:.2f} s: "
            f"other/this {ratios[-1]:.3f}"
        )
    print(f"other/this CPU, median of {rounds}: {np.median(ratios):.3f}")


def _interleaved(
    runs: list[tuple[str, list[str], dict[str, str] | None]], turns: dict[str, float]
) -> tuple[dict[str, float], tuple[str, float]]:
    """Run the batches taking turns (``turns``: the seconds each one's lasts), each stopped
    (SIGSTOP) while the other runs: each one's user+sys CPU seconds, and the CPU seconds the
    last to end spent running alone once the other had ended. Signals go by ``os.kill``:
    ``Popen.send_signal`` polls first, which would reap a batch that has just ended before
    ``_reap`` reads its CPU time."""
    procs = {name: _start(cmd, env) for name, cmd, env in runs}
    live = [name for name, _, _ in runs]
    cpu: dict[str, float] = {}
    try:
        for name in live[1:]:
            os.kill(procs[name].pid, signal.SIGSTOP)
        turn = 0
        while len(live) > 1:
            name = live[turn % len(live)]
            os.kill(procs[name].pid, signal.SIGCONT)
            time.sleep(turns[name])
            ended = _reap(name, procs[name])
            if ended is not None:
                cpu[name] = ended
                live.remove(name)
                continue
            os.kill(procs[name].pid, signal.SIGSTOP)
            turn += 1
        last = live[0]
        before = _proc_cpu(procs[last].pid)
        os.kill(procs[last].pid, signal.SIGCONT)
        cpu[last] = _cpu_of(last, procs[last])
        return cpu, (last, cpu[last] - before)
    finally:
        for proc in procs.values():
            if proc.returncode is None:
                proc.kill()
                proc.wait()


def _reap(name: str, proc: subprocess.Popen[bytes]) -> float | None:
    """A batch's user+sys CPU seconds if it has ended (None: still running)."""
    pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
    if pid == 0:
        return None
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{name} tree's batch failed ({proc.returncode})")
    return usage.ru_utime + usage.ru_stime


def _proc_cpu(pid: int) -> float:
    """The user+sys CPU seconds a running process has used so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _start(cmd: list[str], env: dict[str, str] | None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _cpu_of(name: str, proc: subprocess.Popen[bytes]) -> float:
    """The user+sys CPU seconds of a started batch, once it has ended."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{name} tree's batch failed ({proc.returncode})")
    return usage.ru_utime + usage.ru_stime


def _batch_cmd(model: str | None, folder: Path, out: Path, extra: list[str]) -> list[str]:
    # ``-m``: the ``codesuggest`` script imports this tree's entry point, which another tree
    # (``PYTHONPATH``) may not have
    cmd = [sys.executable, "-m", "codesuggest.cli.main", "batch", str(folder)]
    cmd += ["--out", str(out), "--workers", "1"]
    return cmd + (["--model", model] if model else []) + extra


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
    parser.add_argument("--against", help="the other tree's src folder: compare batches")
    parser.add_argument("--against-model", help="the model the other tree reads")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--sequential",
        action="store_true",
        help="with --against: run the two batches one after the other, not at once",
    )
    parser.add_argument(
        "--interleaved",
        action="store_true",
        help="with --against: the two batches take turns on one core (see --quantum)",
    )
    parser.add_argument("--quantum", type=float, default=0.25, help="seconds a turn lasts")
    parser.add_argument(
        "--batch-arg",
        action="append",
        default=[],
        help="passed to this tree's batch only (--system=...)",
    )
    args = parser.parse_args()
    folder = args.data / "background" / "text_files_en"
    if not folder.is_dir():
        print(f"skipped: CodiEsp background notes not found at {folder}", file=sys.stderr)
        return 0
    if args.against:
        if not args.against_model:
            parser.error("--against needs --against-model")
        against(
            args.model,
            folder,
            args.against,
            args.against_model,
            args.rounds,
            args.batch_arg,
            sequential=args.sequential,
            quantum=args.quantum if args.interleaved else None,
        )
        return 0
    batch(args.model, folder)
    latency(args.model, folder, args.notes)
    cold_start(args.model)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
