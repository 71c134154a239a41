"""Ranking and calibration metrics."""

from __future__ import annotations

import numpy as np
import pytest

from codesuggest.training.metrics import (
    Ranked,
    Tally,
    average_precision,
    best_threshold,
    evaluate,
    expected_calibration_error,
)


def test_average_precision_perfect_and_partial() -> None:
    assert average_precision(["A", "B", "C"], {"A", "B"}) == 1.0
    # hits at ranks 2 and 3: (1/2 + 2/3) / 2
    assert average_precision(["X", "A", "B"], {"A", "B"}) == pytest.approx((0.5 + 2 / 3) / 2)
    # a gold code never ranked counts as zero precision
    assert average_precision(["A"], {"A", "B"}) == 0.5


def test_average_precision_empty_gold_and_duplicates() -> None:
    assert average_precision(["A"], set()) == 0.0
    assert average_precision(["A", "A", "B"], {"A", "B"}) == pytest.approx((1 + 2 / 3) / 2)


def test_expected_calibration_error() -> None:
    assert expected_calibration_error(np.asarray([]), np.asarray([])) == 0.0
    # perfectly calibrated bins
    conf = np.asarray([0.95, 0.95, 0.05, 0.05])
    assert expected_calibration_error(conf, np.asarray([1.0, 1.0, 0.0, 0.0])) == pytest.approx(0.05)
    # always confident, always wrong
    assert expected_calibration_error(np.asarray([1.0, 1.0]), np.asarray([0.0, 0.0])) == 1.0


def test_evaluate_on_toy_data() -> None:
    predictions = {
        "n1": Ranked(["A", "B", "C"], [0.9, 0.6, 0.2], [True, True, False]),
        "n2": Ranked(["X", "D"], [0.8, 0.7], [True, False]),
    }
    gold = {"n1": {"A", "C"}, "n2": {"D"}, "n3": {"E"}}
    m = evaluate(predictions, gold)
    assert m["notes"] == 3.0
    assert m["map"] == pytest.approx(((1 + 2 / 3) / 2 + 0.5 + 0.0) / 3)
    assert m["p_at_5"] == pytest.approx((2 / 5 + 1 / 5 + 0) / 3)
    assert m["r_at_10"] == pytest.approx((1 + 1 + 0) / 3)
    # recommended: A (tp), B (fp), X (fp); gold A, C, D, E: C, D, E missed
    assert m["micro_precision"] == pytest.approx(1 / 3)
    assert m["micro_recall"] == pytest.approx(1 / 4)
    assert m["micro_f1"] == pytest.approx(2 * (1 / 3) * (1 / 4) / (1 / 3 + 1 / 4))
    assert 0.0 <= m["ece"] <= 1.0


def test_evaluate_perfect_predictions() -> None:
    gold = {"n1": {"A", "B"}}
    m = evaluate({"n1": Ranked(["A", "B"], [1.0, 1.0], [True, True])}, gold)
    assert m["map"] == 1.0
    assert m["micro_f1"] == 1.0
    assert m["ece"] == 0.0


def test_evaluate_no_gold() -> None:
    m = evaluate({}, {})
    assert m["notes"] == 0.0
    assert m["map"] == 0.0
    assert m["micro_f1"] == 0.0


def test_best_threshold_on_toy_array() -> None:
    y = np.asarray([1, 1, 0, 1, 0, 0])
    p = np.asarray([0.9, 0.8, 0.7, 0.6, 0.2, 0.1])
    threshold, f1 = best_threshold(y, p)
    # cutting at 0.6 keeps 4 predictions with all 3 positives: F1 = 2*3/(4+3)
    assert threshold == 0.6
    assert f1 == 6 / 7


def test_best_threshold_perfect_separation() -> None:
    threshold, f1 = best_threshold(np.asarray([0, 1, 0, 1]), np.asarray([0.1, 0.8, 0.3, 0.9]))
    assert threshold == 0.8
    assert f1 == 1.0


def test_best_threshold_f1_is_the_tally_f1_of_its_cut() -> None:
    """The F1 the thresholds are chosen by is the micro F1 every other figure reports."""
    rng = np.random.default_rng(0)
    p = rng.random(200)
    y = (rng.random(200) < p).astype(int)
    threshold, f1 = best_threshold(y, p)
    tally = Tally()
    rows = [str(i) for i in range(len(p))]
    tally.add(
        (),
        [r for r, q in zip(rows, p, strict=True) if q >= threshold],
        [r for r, t in zip(rows, y, strict=True) if t],
        ranking=False,
    )
    assert f1 == pytest.approx(tally.f1)
