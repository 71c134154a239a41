"""Procedure accuracy of a model on a CodiEsp split (default: dev): ICD-10-PCS and ICD-10-CM.

    python benchmarks/accuracy_pcs.py [--model DIR] [--split dev] [--top 30]

For each code system, ranked apart as `codesuggest evaluate` ranks them: MAP over the notes
with gold codes of that system (trec style), P@5, R@10, micro precision/recall/F1 of the
recommended codes and calibration error. Then the share of the notes with ICD-10-PCS gold
that get at least one correct procedure in their top 10 ICD-10-PCS suggestions, compared on
the first 4 characters (section, body system, root operation, body part), as CodiEsp labels
many procedures: the measure of a model that never saw CodiEsp (the default model). Data:
CodiEsp (CC-BY 4.0; CLEF eHealth 2020), read from ../shared/data/codiesp and never copied.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tqdm import tqdm

from codesuggest.codesets.systems import CM, PCS
from codesuggest.engine import Engine
from codesuggest.errors import CodeSuggestError
from codesuggest.training.corpus import read_corpus
from codesuggest.training.metrics import Ranked, evaluate

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "codiesp"
SHOWN = ("map", "p_at_5", "r_at_10", "micro_precision", "micro_recall", "micro_f1", "ece")
TABLE_ROW = 4  # characters of a PCS code compared for the structural hit rate
HIT_TOP = 10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    folder = args.data / args.split
    if not folder.is_dir():
        print(f"skipped: CodiEsp split not found at {folder}", file=sys.stderr)
        return 0
    try:
        engine = Engine.load(args.model)
    except CodeSuggestError as exc:
        print(f"error: {exc} (run `make install`, or pass --model DIR)", file=sys.stderr)
        return 1
    coded, report = read_corpus(f"codiesp:{folder}", engine.codeset)
    notes = [c.note for c in coded]
    gold = {s: {c.note.note_id: c.codes_of(s) for c in coded if c.codes_of(s)} for s in (CM, PCS)}
    ranked: dict[str, dict[str, Ranked]] = {CM: {}, PCS: {}}
    started = time.perf_counter()
    results = engine.suggest_many(notes, top=args.top * 2)
    for result in tqdm(results, total=len(notes), desc=f"codiesp {args.split}", file=sys.stderr):
        for system in (CM, PCS):
            s = [x for x in result.suggestions if x.system == system][: args.top]
            ranked[system][result.note_id] = Ranked(
                [x.code for x in s], [x.confidence for x in s], [x.recommended for x in s]
            )
    elapsed = time.perf_counter() - started
    print(
        f"model {engine.info.name} {engine.info.version} ({engine.path}); CodiEsp {args.split}, "
        f"{len(notes)} notes; top {args.top}; {len(notes) / elapsed:.1f} notes/s"
    )
    print(report.summary())
    print(f"  {'system':12s} {'notes':>5s} " + " ".join(f"{k:>15s}" for k in SHOWN))
    for system in (CM, PCS):
        figures = evaluate(ranked[system], gold[system])
        values = " ".join(f"{figures[k]:15.4f}" for k in SHOWN)
        print(f"  {system:12s} {int(figures['notes']):5d} {values}")
    hits = sum(
        1
        for note_id, codes in gold[PCS].items()
        if {c[:TABLE_ROW] for c in ranked[PCS][note_id].codes[:HIT_TOP]}
        & {c[:TABLE_ROW] for c in codes}
    )
    n = len(gold[PCS])
    share = hits / n if n else 0.0
    print(
        f"  notes with ICD-10-PCS gold and >= 1 correct PCS code (first {TABLE_ROW} characters) "
        f"in the top {HIT_TOP}: {hits} of {n} ({share:.3f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
