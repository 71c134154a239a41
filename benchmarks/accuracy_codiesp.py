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
import sys
import time
from pathlib import Path

from tqdm import tqdm

from codesuggest.codesets.icd10cm import SYSTEM
from codesuggest.engine import Engine
from codesuggest.errors import CodeSuggestError
from codesuggest.training.corpus import read_corpus
from codesuggest.training.evaluation import FIGURES
from codesuggest.training.metrics import Ranked, evaluate

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "codiesp"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
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
    # gold codes as the trainer reads them: official form, current release, 7th characters
    coded, report = read_corpus(f"codiesp:{folder}", engine.codeset)
    notes = [c.note for c in coded]
    gold = {c.note.note_id: c.codes_of(SYSTEM) for c in coded if c.codes_of(SYSTEM)}
    started = time.perf_counter()
    predictions = {}
    for result in tqdm(
        engine.suggest_many(notes, top=args.top * 2),
        total=len(notes),
        desc=f"codiesp {args.split}",
        file=sys.stderr,
    ):
        # the ICD-10-CM ranking: procedure codes a trained model also suggests are ranked apart
        s = [x for x in result.suggestions if x.system == "ICD-10-CM"]
        s = s[: args.top]
        predictions[result.note_id] = Ranked(
            [x.code for x in s], [x.confidence for x in s], [x.recommended for x in s]
        )
    elapsed = time.perf_counter() - started
    figures = evaluate(predictions, gold)
    if args.json:
        print(json.dumps({**figures, "model": engine.info.name, "top": args.top}, indent=2))
        return 0
    print(
        f"model {engine.info.name} {engine.info.version} ({engine.path}); CodiEsp {args.split}, "
        f"{len(notes)} notes, {int(figures['notes'])} with ICD-10-CM gold; top {args.top}"
    )
    print(report.summary())
    for key in (k for k in FIGURES if k in figures):
        print(f"  {key:16s} {figures[key]:.4f}")
    print(f"  {len(notes) / elapsed:.1f} notes/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
