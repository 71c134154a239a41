"""The US acceptance suite: hand-written US notes scored against a certified coder's codes.

    python benchmarks/acceptance_us.py [--model DIR] [--top 15] [--files F ...] [--failures]

Prints, overall, per setting and per class: expected codes in the top 5 (target >= 0.95),
forbidden codes recommended (target 0), precision (target >= 0.85) and recall of the recommended
codes. With --failures, each failing note's problems: expected codes missed from the top 5 (with
their rank), forbidden codes recommended (with the guideline reason) and other recommended
codes. Cases: benchmarks/data/us_acceptance/*.jsonl (format: codesuggest.training.acceptance).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from tqdm import tqdm

from codesuggest.engine import Engine
from codesuggest.errors import CodeSuggestError
from codesuggest.training.acceptance import (
    TARGET_EXPECTED_TOP5,
    TARGET_FORBIDDEN,
    TARGET_PRECISION,
    AcceptanceReport,
    Figures,
    load_cases,
    score,
)

DATA = Path(__file__).resolve().parent / "data" / "us_acceptance"
HEADER = (
    f"  {'':22s} {'notes':>5s} {'top5':>6s} {'forbid':>6s} {'prec':>6s} {'recall':>6s} {'fail':>5s}"
)


def row(name: str, f: Figures) -> str:
    return (
        f"  {name:22s} {f.notes:5d} {f.top5:6.3f} {f.forbidden:6d} {f.precision:6.3f} "
        f"{f.recall:6.3f} {f.failing:5d}"
    )


def table(title: str, figures: Mapping[str, Figures]) -> None:
    print(title)
    print(HEADER)
    for name, f in figures.items():
        print(row(name, f))


def print_failures(report: AcceptanceReport) -> None:
    print(f"\nfailing notes: {len(report.failures)} of {len(report.outcomes)}")
    for o in [o for o in report.outcomes if o.failed or o.unaffirmed or o.unnamed]:
        print(f"- {o.case.id} [{', '.join(o.case.classes)}]")
        for code in o.missed:
            rank = o.ranks[code]
            print(f"    missed     {code:9s} rank {rank if rank is not None else '-'}")
        for hit in o.forbidden:
            print(f"    forbidden  {hit.code:9s} ({hit.entry}) {hit.reason}")
        if o.other:
            print(f"    other      {' '.join(o.other)}")
        if o.unaffirmed:
            print(f"    unaffirmed {' '.join(o.unaffirmed)}")
        if o.unnamed:
            print(f"    unnamed    {' '.join(o.unnamed)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--files", type=Path, nargs="+", default=None)
    parser.add_argument("--failures", action="store_true", help="list each failing note")
    args = parser.parse_args()
    files = args.files or sorted(DATA.glob("*.jsonl"))
    try:
        cases = load_cases(files)
        engine = Engine.load(args.model)
    except CodeSuggestError as exc:
        print(f"error: {exc} (run `make install`, or pass --model DIR)", file=sys.stderr)
        return 1
    started = time.perf_counter()
    results = list(
        tqdm(
            engine.suggest_many([c.note() for c in cases], top=args.top),
            total=len(cases),
            desc="us acceptance",
            file=sys.stderr,
        )
    )
    elapsed = time.perf_counter() - started
    report = score(results, cases)
    o = report.overall
    print(
        f"model {engine.info.name} {engine.info.version} ({engine.path}); US acceptance suite, "
        f"{len(cases)} notes from {len(files)} file(s); top {args.top}"
    )
    print(
        f"  expected in top 5    {o.top5:.4f}   (target >= {TARGET_EXPECTED_TOP5:.2f}; "
        f"{o.expected_top5} of {o.expected})"
    )
    print(f"  forbidden recommended {o.forbidden:3d}    (target {TARGET_FORBIDDEN})")
    print(
        f"  precision            {o.precision:.4f}   (target >= {TARGET_PRECISION:.2f}; "
        f"{o.correct} of {o.recommended} recommended)"
    )
    print(
        f"  recall               {o.recall:.4f}   ({o.expected_recommended} of {o.expected} "
        "expected recommended)"
    )
    print(
        f"  unaffirmed recommended {o.unaffirmed:2d}   (every mention negated, a relative's or "
        "hypothetical; target 0)"
    )
    print(
        f"  unnamed recommended  {o.unnamed:3d}   (no mention names the code: learned from the "
        "note as a whole)"
    )
    print(f"  failing notes        {o.failing} of {o.notes}")
    print(f"  targets met          {'yes' if report.meets_targets() else 'no'}")
    print(f"  {len(cases) / elapsed:.1f} notes/s")
    table("\nper setting", report.by_setting)
    table("\nper class", report.by_class)
    if args.failures:
        print_failures(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
