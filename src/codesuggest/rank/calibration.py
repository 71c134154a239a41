"""Strictly increasing maps from the ranker's probability to a confidence calibrated on real notes.

A model's ``config.json`` may hold ``"calibration": {"method": ..., "parameters": {...}}``; the
Engine then maps every candidate's probability, and its operating thresholds, through it before
the rules run. Because the map is strictly increasing, a candidate reaches a threshold after the
map exactly when it did before, and a note's codes keep their order: only the numbers change.

``logit`` and ``expit`` are SciPy's (``scipy.special``), written out with the C library's
``log``/``exp`` (``math``) so that an engine need not import SciPy (a tenth of a second of a
cold start) and maps every probability to the very same confidence; numpy's vectorised
``log`` and ``exp`` differ from the C library's in the last bit now and then.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from codesuggest.errors import ConfigError

Array = npt.NDArray[np.float64]


def _logit(p: float) -> float:
    """``scipy.special.logit``: log(p / (1 - p)), or near one half (where that loses digits)
    log1p(s) - log1p(-s) with s = 2(p - 1/2); -inf at 0, inf at 1, nan outside [0, 1]."""
    if p < 0.3 or p > 0.65:
        if p == 0.0:
            return -math.inf
        if p == 1.0:
            return math.inf
        if not 0.0 < p < 1.0:
            return math.nan
        return math.log(p / (1 - p))
    if math.isnan(p):
        return math.nan
    s = 2 * (p - 0.5)
    return math.log1p(s) - math.log1p(-s)


def _expit(z: float) -> float:
    """``scipy.special.expit``: 1 / (1 + exp(-z)); 0 where exp(-z) overflows."""
    try:
        return 1 / (1 + math.exp(-z))
    except OverflowError:
        return 0.0


def logit(p: Array) -> Array:
    return np.asarray([_logit(v) for v in p.tolist()], dtype=np.float64).reshape(p.shape)


def expit(z: Array) -> Array:
    return np.asarray([_expit(v) for v in z.tolist()], dtype=np.float64).reshape(z.shape)


@dataclass(frozen=True)
class PlattMap:
    """Platt scaling on the logit: ``expit(slope * logit(p) + intercept)``, slope > 0; 0 and 1
    map to themselves. Strictly increasing in floating point wherever ``slope <= 1``."""

    slope: float
    intercept: float

    method = "platt"

    def __post_init__(self) -> None:
        if not (np.isfinite(self.slope) and np.isfinite(self.intercept)) or self.slope <= 0:
            raise ConfigError(
                f"platt calibration: slope must be positive and finite, intercept finite "
                f"(got {self.slope}, {self.intercept})"
            )

    def __call__(self, p: Array) -> Array:
        z = self.slope * logit(np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0))
        return expit(z + self.intercept)

    def parameters(self) -> dict[str, Any]:
        return {"slope": self.slope, "intercept": self.intercept}


@dataclass(frozen=True)
class PiecewiseLinearMap:
    """Linear between breakpoints ``(x[i], y[i])``, both strictly increasing, from x=0 to x=1."""

    x: tuple[float, ...]
    y: tuple[float, ...]

    method = "piecewise_linear"

    def __post_init__(self) -> None:
        x, y = np.asarray(self.x), np.asarray(self.y)
        if (
            len(x) < 2
            or len(x) != len(y)
            or x[0] != 0.0
            or x[-1] != 1.0
            or not (np.all(np.diff(x) > 0) and np.all(np.diff(y) > 0))
            or y[0] < 0.0
            or y[-1] > 1.0
        ):
            raise ConfigError(
                "piecewise_linear calibration: x must run from 0 to 1 and x and y (within "
                "[0, 1]) must both be strictly increasing, with as many points each"
            )

    def __call__(self, p: Array) -> Array:
        return np.interp(np.asarray(p, dtype=np.float64), self.x, self.y)

    def parameters(self) -> dict[str, Any]:
        return {"x": list(self.x), "y": list(self.y)}


Calibration = PlattMap | PiecewiseLinearMap

_KEYS = {"method", "parameters"}
_PARAMETERS: dict[str, set[str]] = {"platt": {"slope", "intercept"}, "piecewise_linear": {"x", "y"}}


def calibration_from_dict(data: Mapping[str, Any]) -> Calibration:
    """The map a model's config names; unknown or missing keys and unknown methods fail."""
    unknown, missing = set(data) - _KEYS, _KEYS - set(data)
    if unknown or missing:
        raise ConfigError(
            f"calibration: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}"
        )
    method, params = data["method"], data["parameters"]
    if method not in _PARAMETERS:
        raise ConfigError(
            f"calibration: unknown method {method!r}; known: {', '.join(sorted(_PARAMETERS))}"
        )
    if not isinstance(params, Mapping) or set(params) != _PARAMETERS[method]:
        raise ConfigError(
            f"calibration {method}: parameters must be exactly {sorted(_PARAMETERS[method])}"
        )
    if method == "platt":
        return PlattMap(float(params["slope"]), float(params["intercept"]))
    return PiecewiseLinearMap(
        tuple(float(v) for v in params["x"]), tuple(float(v) for v in params["y"])
    )


def calibration_to_dict(calibration: Calibration) -> dict[str, Any]:
    return {"method": calibration.method, "parameters": calibration.parameters()}


def map_thresholds(
    calibration: Calibration, threshold: float, thresholds: Mapping[str, float]
) -> tuple[float, dict[str, float]]:
    """The operating thresholds on the calibrated scale: the same candidates reach them."""
    mapped = calibration(np.asarray([threshold, *thresholds.values()], dtype=np.float64))
    return float(mapped[0]), {k: float(v) for k, v in zip(thresholds, mapped[1:], strict=True)}
