"""The default model's calibration: the shipped file, the fits, and a re-fit on CodiEsp train."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy.special import expit, logit

from codesuggest.engine import Engine
from codesuggest.errors import ConfigError
from codesuggest.training.corpus import read_corpus
from codesuggest.training.default_calibration import (
    CREDIT,
    FittedCalibration,
    check_order_kept,
    fit_default_calibration,
    fit_piecewise_linear,
    fit_platt,
    load_default_calibration,
)
from codesuggest.training.default_model import ranker_recipe_fingerprint

REFIT = "python training/calibrate_default.py --codiesp ../shared/data/codiesp/train"


def _overconfident(n: int = 6000) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Probabilities whose true rate is expit(0.3 * logit(p) - 0.2)."""
    rng = np.random.default_rng(0)
    prob = rng.uniform(0.01, 0.99, n)
    gold = (rng.random(n) < expit(0.3 * logit(prob) - 0.2)).astype(float)
    return prob, gold


def test_load_default_calibration_shipped_file_is_strictly_increasing() -> None:
    fitted = load_default_calibration()
    grid = np.linspace(0.0, 1.0, 10_001)
    assert np.all(np.diff(fitted.calibration(grid)) > 0)
    assert fitted.credit == CREDIT
    assert fitted.fitted_on["corpus"] == "CodiEsp train"
    assert FittedCalibration.from_dict(fitted.to_dict()) == fitted


def test_load_default_calibration_fitted_against_current_recipe() -> None:
    # the rules, lexicon or templates changed the default model's ranker: refit, then rebuild
    assert load_default_calibration().fitted_against == ranker_recipe_fingerprint(), (
        f"the shipped calibration was fitted against another default model; run `{REFIT}`"
    )


def test_fitted_calibration_from_dict_rejects_unknown_keys() -> None:
    data = {**load_default_calibration().to_dict(), "dev_ece": 0.07}
    with pytest.raises(ConfigError, match="dev_ece"):
        FittedCalibration.from_dict(data)


def test_fit_platt_recovers_slope_and_intercept() -> None:
    prob, gold = _overconfident()
    platt = fit_platt(prob, gold)
    assert platt.slope == pytest.approx(0.3, abs=0.05)
    assert platt.intercept == pytest.approx(-0.2, abs=0.1)


def test_fit_piecewise_linear_strictly_increasing_and_close_to_rate() -> None:
    prob, gold = _overconfident()
    mapped = fit_piecewise_linear(prob, gold)
    grid = np.linspace(0.0, 1.0, 1001)
    assert np.all(np.diff(mapped(grid)) > 0)
    assert mapped(np.asarray([0.5]))[0] == pytest.approx(expit(-0.2), abs=0.05)


def test_fit_piecewise_linear_is_flat_below_its_first_block() -> None:
    # a fifth of the suggestions the ranker puts at nearly 0 are right: so they map
    rng = np.random.default_rng(3)
    prob = np.concatenate([rng.uniform(0.0, 1e-4, 2000), rng.uniform(0.3, 0.7, 2000)])
    gold = np.concatenate([rng.random(2000) < 0.2, rng.random(2000) < 0.5]).astype(float)
    mapped = fit_piecewise_linear(prob, gold)
    assert mapped(np.asarray([0.0, 1e-6]))[0] == pytest.approx(0.2, abs=0.03)
    assert mapped(np.asarray([1e-6]))[0] == pytest.approx(0.2, abs=0.03)


def test_check_order_kept_accepts_fitted_map_and_thresholds() -> None:
    prob, gold = _overconfident()
    check_order_kept(fit_platt(prob, gold), np.round(prob, 2), [0.33, 0.5])


@pytest.mark.codiesp
def test_fit_default_calibration_on_codiesp_train_notes(model_dir: Path, codiesp_dir: Path) -> None:
    engine = Engine.load(model_dir, calibrated=False)
    coded, _ = read_corpus(f"codiesp:{codiesp_dir / 'train'}", engine.codeset)
    fitted = fit_default_calibration(engine, coded[:25], "auto", ranker_recipe_fingerprint())
    assert fitted.figures["suggestions"] > 0
    assert fitted.fitted_on["notes"] <= 25
    assert FittedCalibration.from_dict(fitted.to_dict()) == fitted
