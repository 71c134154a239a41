"""Calibration maps: strictly increasing, loaded strictly, and keeping the recommended set."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from codesuggest.errors import ConfigError
from codesuggest.rank import calibration
from codesuggest.rank.calibration import (
    PiecewiseLinearMap,
    PlattMap,
    calibration_from_dict,
    calibration_to_dict,
    map_thresholds,
)

GRID = np.concatenate([[0.0, 1e-9], np.linspace(0.001, 0.999, 999), [1 - 1e-9, 1.0]])
MAPS = [
    PlattMap(0.17, -0.03),
    PlattMap(1.5, 1.0),
    PiecewiseLinearMap((0.0, 0.2, 0.7, 1.0), (0.1, 0.25, 0.26, 0.9)),
]


@pytest.mark.parametrize("calibration", MAPS, ids=lambda c: c.method)
def test_calibration_strictly_increasing_within_unit_interval(calibration: Any) -> None:
    mapped = calibration(GRID)
    assert np.all(np.diff(mapped) > 0)
    assert mapped.min() >= 0.0 and mapped.max() <= 1.0


@pytest.mark.parametrize("calibration", MAPS, ids=lambda c: c.method)
def test_calibration_round_trips_through_dict(calibration: Any) -> None:
    again = calibration_from_dict(calibration_to_dict(calibration))
    assert again == calibration
    assert np.array_equal(again(GRID), calibration(GRID))


@pytest.mark.parametrize("calibration", MAPS, ids=lambda c: c.method)
def test_map_thresholds_keeps_recommended_set(calibration: Any) -> None:
    probs = np.random.default_rng(0).random(2000)
    threshold, per_system = map_thresholds(calibration, 0.42, {"ICD-10-CM": 0.35})
    mapped = calibration(probs)
    assert np.array_equal(mapped >= threshold, probs >= 0.42)
    assert np.array_equal(mapped >= per_system["ICD-10-CM"], probs >= 0.35)
    assert np.array_equal(np.argsort(mapped, kind="stable"), np.argsort(probs, kind="stable"))


@pytest.mark.parametrize(
    "data",
    [
        {"method": "platt", "parameters": {"slope": 1.0, "intercept": 0.0}, "extra": 1},
        {"method": "platt", "parameters": {"slope": 1.0, "intercept": 0.0, "bias": 0.0}},
        {"method": "platt", "parameters": {"slope": 1.0}},
        {"method": "spline", "parameters": {}},
        {"parameters": {"slope": 1.0, "intercept": 0.0}},
    ],
)
def test_calibration_from_dict_rejects_unknown_or_missing_keys(data: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        calibration_from_dict(data)


@pytest.mark.parametrize(
    "data",
    [
        {"method": "platt", "parameters": {"slope": 0.0, "intercept": 0.0}},
        {"method": "platt", "parameters": {"slope": -1.0, "intercept": 0.0}},
        {"method": "piecewise_linear", "parameters": {"x": [0.0, 1.0], "y": [0.5, 0.5]}},
        {"method": "piecewise_linear", "parameters": {"x": [0.0, 0.5], "y": [0.1, 0.5]}},
        {"method": "piecewise_linear", "parameters": {"x": [0.0, 1.0], "y": [0.1, 1.5]}},
    ],
)
def test_calibration_from_dict_rejects_maps_not_strictly_increasing(data: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        calibration_from_dict(data)


def _probabilities() -> npt.NDArray[np.float64]:
    rng = np.random.default_rng(0)
    edges = [0.0, 1.0, 0.5, 0.3, 0.65, 5e-324, 1e-300, 1 - 1e-16]
    near = [np.nextafter(v, d) for v in (0.3, 0.65) for d in (0.0, 1.0)]
    return np.concatenate(
        [
            rng.random(100_000),
            rng.random(5_000) ** 30,  # near 0
            1 - rng.random(5_000) ** 30,  # near 1
            np.linspace(0.29, 0.31, 5_001),  # where scipy changes formula
            np.linspace(0.64, 0.66, 5_001),
            edges,
            near,
        ]
    )


def test_logit_and_expit_are_scipys_bit_for_bit() -> None:
    from scipy import special

    p = _probabilities()
    assert calibration.logit(p).tobytes() == special.logit(p).tobytes()
    z = np.concatenate(
        [np.random.default_rng(1).normal(0, 8, 100_000), [0.0, -0.0, 36.0, -36.0, 709.0]]
    )
    z = np.concatenate([z, [-709.8, -800.0, 800.0, np.inf, -np.inf, np.nan]])
    assert np.array_equal(calibration.expit(z), special.expit(z), equal_nan=True)
    assert calibration.expit(z).tobytes() == special.expit(z).tobytes()
    assert calibration.logit(np.asarray([np.nan, -0.5, 1.5])).tobytes() == (
        special.logit(np.asarray([np.nan, -0.5, 1.5])).tobytes()
    )


def test_platt_map_is_scipys_formula_bit_for_bit() -> None:
    from scipy import special

    p = _probabilities()
    for slope, intercept in ((0.07860362953592952, -0.06750900983781505), (0.17, -0.03)):
        expected = special.expit(slope * special.logit(np.clip(p, 0.0, 1.0)) + intercept)
        assert PlattMap(slope, intercept)(p).tobytes() == expected.tobytes()
