"""Retrospective audit on CodiEsp: gold codes billed, one unrelated code injected per note.

    python benchmarks/audit_codiesp.py --model var/models/codiesp [--split dev]
        [--throughput] [--spark]

With a model trained on CodiEsp train (``codesuggest train --data codiesp:.../train --name
codiesp``), audits the dev notes with their gold ICD-10-CM codes as billed plus one injected
code per note (seeded; a billable code of the corpus whose category no gold code of the note
shares) and prints: the share of injected codes flagged ``unsupported`` (target >= 90%), the
share of gold codes flagged ``unsupported`` (target <= 30%), how many gold codes are
``missed`` (must be 0), and how the supported/unsupported split of the gold and injected codes
moves with the audit's minimum support.

``--throughput`` times ``codesuggest audit`` (local engine, 1 worker) against ``codesuggest
batch`` on the background notes (a fabricated billed file: three corpus codes per note), each
run back to back in its own process; ``--spark`` adds ``--engine spark`` (``local[2]``) and
prints its time over the local engine's. Data: CodiEsp (CC-BY 4.0), read from
../shared/data/codiesp and never copied; every file written goes to a temporary folder.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from codesuggest.audit.findings import DEFAULT_MIN_SUPPORT, Context, note_findings
from codesuggest.audit.impact import ImpactTables
from codesuggest.audit.run import run_audit
from codesuggest.codesets.icd10cm import SYSTEM
from codesuggest.engine import Engine
from codesuggest.training.corpus import read_corpus

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "codiesp"
SWEEP = (0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.1, 0.2, 0.3)
SEED = 13


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--min-support", type=float, default=DEFAULT_MIN_SUPPORT)
    parser.add_argument("--throughput", action="store_true")
    parser.add_argument("--spark", action="store_true")
    args = parser.parse_args()
    folder = args.data / args.split
    if not folder.is_dir():
        print(f"skipped: CodiEsp split not found at {folder}", file=sys.stderr)
        return 0
    engine = Engine.load(args.model)
    coded, _ = read_corpus(f"codiesp:{folder}", engine.codeset)
    coded = [c for c in coded if c.codes_of(SYSTEM)]
    pool = sorted(
        {
            code
            for c in coded
            for code in c.codes_of(SYSTEM)
            if code in engine.codeset and engine.codeset.is_billable(code)
        }
    )
    rng = random.Random(SEED)
    injected: dict[str, str] = {}
    for c in coded:
        categories = {code[:3] for code in c.codes_of(SYSTEM)}
        choices = [code for code in pool if code[:3] not in categories]
        injected[c.note.note_id] = rng.choice(choices)
    with tempfile.TemporaryDirectory(prefix="audit-codiesp-") as tmp:
        work = Path(tmp)
        notes = work / "notes.jsonl"
        billed = work / "billed.csv"
        with notes.open("w", encoding="utf-8") as handle:
            for c in coded:
                handle.write(json.dumps({"id": c.note.note_id, "text": c.note.text}) + "\n")
        with billed.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["note_id", "code"])
            for c in coded:
                for code in c.codes_of(SYSTEM):
                    writer.writerow([c.note.note_id, code])
                writer.writerow([c.note.note_id, injected[c.note.note_id]])
        started = time.perf_counter()
        result = run_audit(
            notes,
            billed,
            work / "audit",
            model=args.model,
            min_support=args.min_support,
            echo=lambda line: None,
        )
        elapsed = time.perf_counter() - started
        # gold codes the code set lacks are bad input (unknown_code), not findings
        gold = {
            (c.note.note_id, code)
            for c in coded
            for code in c.codes_of(SYSTEM)
            if code in engine.codeset
        }
        inj = {(n, code) for n, code in injected.items()}
        of = {(f.note_id, f.code): f.finding for f in result.findings if f.finding != "missed"}
        missed_gold = sum(
            1 for f in result.findings if f.finding == "missed" and (f.note_id, f.code) in gold
        )
        print(
            f"CodiEsp {args.split}: {len(coded)} notes, {len(gold)} gold codes billed, "
            f"{len(inj)} injected; model {args.model}; min support {args.min_support}; "
            f"audit {elapsed:.1f} s; bad input rows {len(result.problems)} "
            f"({result.summary['problems']})"
        )
        print(f"injected flagged unsupported: {_share(of, inj, {'unsupported'})}  (target >= 90%)")
        print(f"gold flagged unsupported:     {_share(of, gold, {'unsupported'})}  (target <= 30%)")
        print(f"gold flagged missed:          {missed_gold}  (must be 0)")
        kinds = sorted({v for k, v in of.items() if k in gold})
        print(
            "gold findings: "
            + ", ".join(f"{k} {sum(1 for key in gold if of.get(key) == k)}" for k in kinds)
        )
        _sweep(engine, coded, injected)
        if args.throughput:
            _throughput(args, work, pool, rng)
    return 0


def _share(of: dict[tuple[str, str], str], keys: set[tuple[str, str]], kinds: set[str]) -> str:
    hit = sum(1 for k in keys if of.get(k) in kinds)
    return f"{hit}/{len(keys)} = {100 * hit / max(len(keys), 1):.1f}%"


def _sweep(engine: Engine, coded: list, injected: dict[str, str]) -> None:  # type: ignore[type-arg]
    """Re-classify the same assessments at each minimum support."""
    cs = engine.codeset
    jobs = [
        (
            c.note,
            [
                (SYSTEM, code)
                for code in dict.fromkeys([*c.codes_of(SYSTEM), injected[c.note.note_id]])
                if code in cs
            ],
        )
        for c in coded
    ]
    assessments = list(engine.assess_many(jobs))
    print("min support | gold supported / unsupported | injected supported / unsupported")
    for t in SWEEP:
        ctx = Context(engine.codeset, engine.rules, ImpactTables.load(), t)
        counts = {"gold": [0, 0], "inj": [0, 0]}
        for (note, billed), a in zip(jobs, assessments, strict=True):
            for f in note_findings(note, a, billed, ctx):
                if f.finding == "missed":
                    continue
                which = "inj" if f.code == injected[note.note_id] else "gold"
                counts[which][f.finding == "unsupported"] += 1
        g, i = counts["gold"], counts["inj"]
        print(
            f"{t:11.2f} | {g[0]:6d} / {g[1]:6d} ({100 * g[1] / max(sum(g), 1):5.1f}% unsup.)"
            f" | {i[0]:5d} / {i[1]:5d} ({100 * i[1] / max(sum(i), 1):5.1f}% unsup.)"
        )


def _throughput(args: argparse.Namespace, work: Path, pool: list[str], rng: random.Random) -> None:
    background = args.data / "background" / "text_files_en"
    if not background.is_dir():
        print(f"skipped throughput: no background notes at {background}")
        return
    notes = sorted(background.glob("*.txt"))
    billed = work / "background_billed.csv"
    with billed.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["note_id", "code"])
        for note in notes:
            for code in rng.sample(pool, 3):
                writer.writerow([note.stem, code])
    cli = [sys.executable, "-m", "codesuggest.cli.main"]
    batch = [
        *cli,
        "batch",
        str(background),
        "--out",
        str(work / "batch.jsonl"),
        "--model",
        str(args.model),
    ]
    audit = [
        *cli,
        "audit",
        "--notes",
        str(background),
        "--billed",
        str(billed),
        "--model",
        str(args.model),
        "--force",
        "--out",
    ]
    runs = [
        ("batch", batch),
        ("audit", [*audit, str(work / "local")]),
        ("batch", batch),
        ("audit", [*audit, str(work / "local")]),
    ]
    if args.spark:
        runs.append(("spark", [*audit, str(work / "spark"), "--engine", "spark", "--workers", "2"]))
    times: dict[str, list[float]] = {}
    for name, command in runs:
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.setdefault(name, []).append(time.perf_counter() - started)
        print(f"{name}: {times[name][-1]:.1f} s ({len(notes)} notes)", flush=True)
    best = {k: min(v) for k, v in times.items()}
    print(
        f"audit / batch (best of {len(times['batch'])} each, 1 worker): "
        f"{best['audit'] / best['batch']:.3f}  (target <= 1.15)"
    )
    if "spark" in best:
        print(f"spark local[2] / local engine 1 worker: {best['spark'] / best['audit']:.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
