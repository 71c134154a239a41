"""Accuracy of a model on a CodiEsp split (default: dev), ICD-10-CM diagnoses.

    python benchmarks/accuracy_codiesp.py [--model DIR] [--split dev] [--top 30]

Prints MAP over all gold notes (trec style; suggestions that are not valid codes never occur),
P@5, R@10, R@15, micro precision/recall/F1 of the recommended codes and expected calibration
error of the confidence. Data: CodiEsp (CC-BY 4.0, Miranda-Escalada, Gonzalez-Agirre,
Krallinger; CLEF eHealth 2020), read from ../shared/data/codiesp and never copied.
"""

from __future__ import annotations

import argparse
import json

from codiesp_split import add_arguments, load_split

from codesuggest.codesets.icd10cm import SYSTEM
from codesuggest.training.evaluation import FIGURES
from codesuggest.training.metrics import evaluate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    split = load_split(args)
    if isinstance(split, int):
        return split
    # the ICD-10-CM ranking: procedure codes a trained model also suggests are ranked apart
    ranked, speed = split.rank([SYSTEM], args.top)
    figures = evaluate(ranked[SYSTEM], split.gold(SYSTEM))
    engine = split.engine
    if args.json:
        print(json.dumps({**figures, "model": engine.info.name, "top": args.top}, indent=2))
        return 0
    print(
        f"model {engine.info.name} {engine.info.version} ({engine.path}); CodiEsp {args.split}, "
        f"{len(split.coded)} notes, {int(figures['notes'])} with ICD-10-CM gold; top {args.top}"
    )
    print(split.report.summary())
    for key in (k for k in FIGURES if k in figures):
        print(f"  {key:16s} {figures[key]:.4f}")
    print(f"  {speed:.1f} notes/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
