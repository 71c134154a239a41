"""Fit the default model's calibration on CodiEsp train and write it into the package.

    python training/calibrate_default.py --codiesp ../shared/data/codiesp/train [--model DIR]
        [--method auto|platt|piecewise_linear]

Runs the default model, uncalibrated, over the training notes (never dev, on which the model is
measured) and writes src/codesuggest/training/data/default_calibration.json: the fitted map, the
data it was fitted on with its credit, the ranker recipe it was fitted against and its figures.
``--model`` reuses a default model built from the current recipe (`codesuggest models
build-default`); without it one is built in a temporary folder. Rebuild the default model
afterwards: the calibration is part of its recipe. ``--method auto`` (default) fits Platt
scaling on the logit (two numbers) unless the piecewise-linear map through isotonic regression
has a 5-fold ECE on train lower by more than 0.01, and that map then.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from codesuggest.engine import Engine
from codesuggest.training.corpus import read_corpus
from codesuggest.training.default_calibration import AUTO, FILE, METHODS, fit_default_calibration
from codesuggest.training.default_model import build_default_model, ranker_recipe_fingerprint

OUT = Path(__file__).resolve().parents[1] / "src" / "codesuggest" / "training" / "data" / FILE


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codiesp", type=Path, required=True, help="CodiEsp train folder")
    parser.add_argument("--model", type=Path, default=None, help="a built default model")
    parser.add_argument("--method", choices=(AUTO, *METHODS), default=AUTO)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.codiesp.name != "train":
        print("error: fit on CodiEsp train only (dev measures the model)", file=sys.stderr)
        return 1
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.model or build_default_model(Path(tmp) / "default", calibrate=False)
        engine = Engine.load(path, calibrated=False)
        if engine.card.get("ranker_recipe") != ranker_recipe_fingerprint():
            print(
                f"error: {path} is not the default model built from the current recipe; "
                "run `codesuggest models build-default` first, or leave out --model",
                file=sys.stderr,
            )
            return 1
        coded, _ = read_corpus(f"codiesp:{args.codiesp}", engine.codeset)
        fitted = fit_default_calibration(engine, coded, args.method, ranker_recipe_fingerprint())
    args.out.write_text(json.dumps(fitted.to_dict(), indent=2) + "\n", "utf-8")
    print(json.dumps(fitted.figures))
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f} s; rebuild the default model")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
