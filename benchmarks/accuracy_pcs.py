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

from codiesp_split import add_arguments, load_split

from codesuggest.codesets.systems import CM, PCS
from codesuggest.training.metrics import evaluate

SHOWN = ("map", "p_at_5", "r_at_10", "micro_precision", "micro_recall", "micro_f1", "ece")
TABLE_ROW = 4  # characters of a PCS code compared for the structural hit rate
HIT_TOP = 10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args()
    split = load_split(args)
    if isinstance(split, int):
        return split
    ranked, speed = split.rank([CM, PCS], args.top)
    engine = split.engine
    print(
        f"model {engine.info.name} {engine.info.version} ({engine.path}); CodiEsp {args.split}, "
        f"{len(split.coded)} notes; top {args.top}; {speed:.1f} notes/s"
    )
    print(split.report.summary())
    print(f"  {'system':12s} {'notes':>5s} " + " ".join(f"{k:>15s}" for k in SHOWN))
    for system in (CM, PCS):
        figures = evaluate(ranked[system], split.gold(system))
        values = " ".join(f"{figures[k]:15.4f}" for k in SHOWN)
        print(f"  {system:12s} {int(figures['notes']):5d} {values}")
    gold = split.gold(PCS)
    hits = sum(
        1
        for note_id, codes in gold.items()
        if {c[:TABLE_ROW] for c in ranked[PCS][note_id].codes[:HIT_TOP]}
        & {c[:TABLE_ROW] for c in codes}
    )
    n = len(gold)
    share = hits / n if n else 0.0
    print(
        f"  notes with ICD-10-PCS gold and >= 1 correct PCS code (first {TABLE_ROW} characters) "
        f"in the top {HIT_TOP}: {hits} of {n} ({share:.3f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
