"""The default model's calibration: fitted on CodiEsp train, shipped as a few numbers.

The default model's ranker learns from synthetic notes, so its probabilities say little about
how often a suggestion is right on a real note. ``training/calibrate_default.py`` runs the
uncalibrated default model over CodiEsp's training notes (CC BY 4.0), collects (probability,
is gold) for the suggestions the accuracy benchmark scores, fits a strictly increasing map and
writes ``data/default_calibration.json``: the map, the data it was fitted on and its credit, the
ranker recipe it was fitted against, and its figures. ``build_default_model`` copies the map
into the model's config; no CodiEsp text is shipped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import logit
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from codesuggest.codesets.icd10cm import SYSTEM
from codesuggest.engine import Engine
from codesuggest.errors import ConfigError
from codesuggest.rank.calibration import (
    Array,
    Calibration,
    PiecewiseLinearMap,
    PlattMap,
    calibration_from_dict,
    calibration_to_dict,
)
from codesuggest.training.corpus import CodedNote
from codesuggest.training.metrics import expected_calibration_error

FILE = "default_calibration.json"
CREDIT = "CodiEsp corpus, Miranda-Escalada et al., 2020, CC BY 4.0"
TOP = 30  # the ICD-10-CM suggestions of a note that benchmarks/accuracy_codiesp.py scores
METHODS = ("platt", "piecewise_linear")
AUTO = "auto"
# "auto" keeps Platt's two numbers unless the piecewise-linear map's out-of-note ECE on train is
# lower by more than this (when the default model's candidates grew with the Index's inner
# entries, Platt's 0.048 against 0.020 on train came out 0.069 against 0.022 on dev)
AUTO_MARGIN = 0.01
_EPSILON = 1e-3  # the slope a piecewise-linear map keeps where isotonic regression is flat
_MIN_BLOCK = 200  # suggestions behind each breakpoint of a piecewise-linear map
_KEYS = {"method", "parameters", "fitted_on", "credit", "fitted_against", "figures"}


@dataclass(frozen=True)
class Pairs:
    """One row per scored suggestion: the ranker's probability, whether it is gold, its note."""

    prob: Array
    gold: Array
    note: npt.NDArray[np.int64]


@dataclass(frozen=True)
class FittedCalibration:
    """``data/default_calibration.json`` read strictly."""

    calibration: Calibration
    fitted_on: dict[str, Any]
    credit: str
    fitted_against: str
    figures: dict[str, float]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FittedCalibration:
        unknown, missing = set(data) - _KEYS, _KEYS - set(data)
        if unknown or missing:
            raise ConfigError(
                f"{FILE}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}"
            )
        calibration = calibration_from_dict(
            {"method": data["method"], "parameters": data["parameters"]}
        )
        figures = {str(k): float(v) for k, v in data["figures"].items()}
        return cls(
            calibration, dict(data["fitted_on"]), data["credit"], data["fitted_against"], figures
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            **calibration_to_dict(self.calibration),
            "fitted_on": self.fitted_on,
            "credit": self.credit,
            "fitted_against": self.fitted_against,
            "figures": self.figures,
        }

    def card(self) -> dict[str, Any]:
        """What the model card records."""
        return {
            "method": self.calibration.method,
            "fitted_on": self.fitted_on,
            "credit": self.credit,
            "fitted_against": self.fitted_against,
        }


def load_default_calibration() -> FittedCalibration:
    """The packaged calibration of the default model."""
    path = resources.files("codesuggest.training").joinpath("data").joinpath(FILE)
    return FittedCalibration.from_dict(json.loads(path.read_text("utf-8")))


def collect_pairs(engine: Engine, coded: Sequence[CodedNote]) -> Pairs:
    """(probability, is gold) of the top ``TOP`` ICD-10-CM suggestions of every note with
    ICD-10-CM gold, as the accuracy benchmark scores them; ``engine`` loaded uncalibrated."""
    if engine.calibration is not None:
        raise ConfigError("fit a calibration on an engine loaded with calibrated=False")
    gold = {c.note.note_id: c.codes_of(SYSTEM) for c in coded if c.codes_of(SYSTEM)}
    notes = [c.note for c in coded if c.note.note_id in gold]
    prob: list[float] = []
    hit: list[float] = []
    which: list[int] = []
    for i, result in enumerate(engine.suggest_many(notes, top=TOP * 2)):
        ranked = [s for s in result.suggestions if s.system == SYSTEM][:TOP]
        prob.extend(s.confidence for s in ranked)
        hit.extend(float(s.code in gold[result.note_id]) for s in ranked)
        which.extend([i] * len(ranked))
    return Pairs(np.asarray(prob), np.asarray(hit), np.asarray(which, dtype=np.int64))


def fit_platt(prob: Array, gold: Array) -> PlattMap:
    """Logistic regression of gold on the probability's logit (unpenalised)."""
    z = logit(np.clip(prob, 1e-6, 1 - 1e-6)).reshape(-1, 1)
    model = LogisticRegression(C=1e6).fit(z, gold.astype(int))
    return PlattMap(float(model.coef_[0, 0]), float(model.intercept_[0]))


def fit_piecewise_linear(prob: Array, gold: Array) -> PiecewiseLinearMap:
    """Isotonic regression, its blocks merged to at least ``_MIN_BLOCK`` suggestions, joined by
    straight lines; a small slope where it is flat keeps the map strictly increasing."""
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(prob, gold)
    order = np.argsort(prob, kind="stable")
    p, fitted = prob[order], iso.predict(prob[order])
    # breakpoints at the mean probability and mean fitted rate of each run of _MIN_BLOCK rows
    xs: list[float] = []
    ys: list[float] = []
    for start in range(0, len(p), _MIN_BLOCK):
        block = slice(start, min(start + _MIN_BLOCK, len(p)))
        xs.append(float(p[block].mean()))
        ys.append(float(fitted[block].mean()))
    # flat beyond the outer blocks: a probability below the first block's is as often right
    # as that block (candidates the ranker puts at nearly 0 are not never coded)
    x = np.concatenate([[0.0], xs, [1.0]])
    y = np.concatenate([[ys[0]], ys, [ys[-1]]])
    keep = np.concatenate([[True], np.diff(x) > 0])  # equal probabilities: one breakpoint
    x, y = x[keep], np.maximum.accumulate(y[keep])
    y = (1 - _EPSILON) * y + _EPSILON * x
    return PiecewiseLinearMap(tuple(float(v) for v in x), tuple(float(v) for v in y))


def fit(method: str, prob: Array, gold: Array) -> Calibration:
    if method == "platt":
        return fit_platt(prob, gold)
    if method == "piecewise_linear":
        return fit_piecewise_linear(prob, gold)
    raise ConfigError(f"unknown calibration method {method!r}; known: {', '.join(METHODS)}")


def cross_validated_ece(method: str, pairs: Pairs, folds: int = 5) -> float:
    """ECE of maps fitted without each fold's notes, on that fold's suggestions."""
    out = np.zeros_like(pairs.prob)
    for fit_rows, held in GroupKFold(n_splits=folds).split(pairs.prob, groups=pairs.note):
        out[held] = fit(method, pairs.prob[fit_rows], pairs.gold[fit_rows])(pairs.prob[held])
    return expected_calibration_error(out, pairs.gold)


def check_order_kept(calibration: Calibration, prob: Array, thresholds: Sequence[float]) -> None:
    """Raise unless the map keeps the order of every observed probability and which of them
    reach each threshold (as the Engine compares them after mapping both)."""
    values = np.unique(prob)
    mapped = calibration(values)
    if len(values) > 1 and not np.all(np.diff(mapped) > 0):
        raise ConfigError("calibration does not keep the order of the ranker's probabilities")
    for t in thresholds:
        t_mapped = calibration(np.asarray([t]))[0]
        if not np.array_equal(values >= t, mapped >= t_mapped):
            raise ConfigError(f"calibration changes which probabilities reach {t}")


def fit_default_calibration(
    engine: Engine, coded: Sequence[CodedNote], method: str, fitted_against: str
) -> FittedCalibration:
    """Fit ``method`` on the suggestions of ``engine`` (uncalibrated) for CodiEsp train notes;
    ``"auto"``: Platt scaling unless the piecewise-linear map's 5-fold ECE on these notes is
    lower by more than ``AUTO_MARGIN``."""
    pairs = collect_pairs(engine, coded)
    if method == AUTO:
        platt = cross_validated_ece("platt", pairs)
        piecewise = cross_validated_ece("piecewise_linear", pairs)
        method = "piecewise_linear" if piecewise < platt - AUTO_MARGIN else "platt"
    calibration = fit(method, pairs.prob, pairs.gold)
    check_order_kept(calibration, pairs.prob, [engine.threshold, *engine.thresholds.values()])
    figures = {
        "suggestions": float(len(pairs.prob)),
        "gold_rate": round(float(pairs.gold.mean()), 4),
        "ece_uncalibrated": round(expected_calibration_error(pairs.prob, pairs.gold), 4),
        "ece_fitted": round(expected_calibration_error(calibration(pairs.prob), pairs.gold), 4),
        "ece_5fold": round(cross_validated_ece(method, pairs), 4),
    }
    fitted_on = {
        "corpus": "CodiEsp train",
        "notes": len(set(pairs.note.tolist())),
        "licence": "CC BY 4.0",
        "population": f"the top {TOP} ICD-10-CM suggestions of each note with ICD-10-CM gold, "
        "as benchmarks/accuracy_codiesp.py scores them; gold read as training reads it",
    }
    return FittedCalibration(calibration, fitted_on, CREDIT, fitted_against, figures)
