"""Accuracy metrics for ranked code lists: MAP (trec style), P@k, R@k, micro P/R/F1, ECE."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Ranked:
    """One note's ranked predictions: (code, confidence, recommended) best first."""

    codes: Sequence[str]
    confidences: Sequence[float]
    recommended: Sequence[bool]


def average_precision(ranked: Sequence[str], gold: set[str]) -> float:
    """AP of one ranked list against a gold set (0 when the gold set is empty)."""
    if not gold:
        return 0.0
    hits = 0
    total = 0.0
    seen: set[str] = set()
    for k, code in enumerate(ranked, start=1):
        if code in gold and code not in seen:
            hits += 1
            total += hits / k
        seen.add(code)
    return total / len(gold)


def expected_calibration_error(
    conf: npt.NDArray[np.float64], correct: npt.NDArray[np.float64], bins: int = 10
) -> float:
    """ECE over equal-width confidence bins, weighted by bin size."""
    if len(conf) == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(conf, edges[1:-1]), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        mask = idx == b
        if mask.any():
            ece += mask.mean() * abs(conf[mask].mean() - correct[mask].mean())
    return float(ece)


def evaluate(predictions: Mapping[str, Ranked], gold: Mapping[str, set[str]]) -> dict[str, float]:
    """Every figure over all gold notes (a note without predictions scores zero)."""
    aps, p5, r10, r15 = [], [], [], []
    tp = fp = fn = 0
    conf: list[float] = []
    correct: list[float] = []
    for note_id, codes in gold.items():
        pred = predictions.get(note_id, Ranked([], [], []))
        ranked = list(pred.codes)
        aps.append(average_precision(ranked, codes))
        p5.append(len(set(ranked[:5]) & codes) / 5)
        r10.append(len(set(ranked[:10]) & codes) / len(codes))
        r15.append(len(set(ranked[:15]) & codes) / len(codes))
        chosen = {c for c, r in zip(ranked, pred.recommended, strict=True) if r}
        tp += len(chosen & codes)
        fp += len(chosen - codes)
        fn += len(codes - chosen)
        conf.extend(pred.confidences)
        correct.extend(float(c in codes) for c in ranked)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "notes": float(len(gold)),
        "map": float(np.mean(aps)) if aps else 0.0,
        "p_at_5": float(np.mean(p5)) if p5 else 0.0,
        "r_at_10": float(np.mean(r10)) if r10 else 0.0,
        "r_at_15": float(np.mean(r15)) if r15 else 0.0,
        "micro_precision": precision,
        "micro_recall": recall,
        "micro_f1": f1,
        "ece": expected_calibration_error(np.asarray(conf), np.asarray(correct)),
    }
