"""Accuracy metrics for ranked code lists: MAP (trec style), P@k, R@k, micro P/R/F1, ECE.

Every figure codesuggest reports comes from here: the benchmarks and the trainer's held-out
figures (:func:`evaluate`), ``codesuggest evaluate`` (``training.evaluation``) and the F1 that
rule choice compares (``training.rule_choice``) all tally notes with :class:`Tally`; the
operating thresholds are chosen by the F1 of :func:`best_threshold`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

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


def f1_score(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall (0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def mean(values: Sequence[float]) -> float:
    """The mean of per-note figures (0 for none)."""
    return float(np.mean(values)) if values else 0.0


@dataclass
class Tally:
    """Notes' ranked lists and recommended codes against their gold codes, added one note at a
    time: per-note ranking figures (notes with gold only) and micro counts (every note)."""

    aps: list[float] = field(default_factory=list)
    p5: list[float] = field(default_factory=list)
    r10: list[float] = field(default_factory=list)
    r15: list[float] = field(default_factory=list)
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(
        self,
        ranked: Sequence[str],
        chosen: Collection[str],
        gold: Collection[str],
        *,
        ranking: bool = True,
    ) -> None:
        """One note: its codes best first, those recommended, and its gold codes (``ranking``:
        also its ranking figures, which a note without gold codes never has)."""
        picked, wanted = set(chosen), set(gold)
        self.tp += len(picked & wanted)
        self.fp += len(picked - wanted)
        self.fn += len(wanted - picked)
        if not wanted or not ranking:
            return
        self.aps.append(average_precision(ranked, wanted))
        self.p5.append(len(set(ranked[:5]) & wanted) / 5)
        self.r10.append(len(set(ranked[:10]) & wanted) / len(wanted))
        self.r15.append(len(set(ranked[:15]) & wanted) / len(wanted))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return f1_score(self.precision, self.recall)

    def figures(self) -> dict[str, float]:
        """MAP, P@5, R@10, R@15 over the notes with gold codes; micro precision, recall, F1."""
        return {
            "map": mean(self.aps),
            "p_at_5": mean(self.p5),
            "r_at_10": mean(self.r10),
            "r_at_15": mean(self.r15),
            "micro_precision": self.precision,
            "micro_recall": self.recall,
            "micro_f1": self.f1,
        }


def best_threshold(y: npt.NDArray[np.int_], p: npt.NDArray[np.float64]) -> tuple[float, float]:
    """The probability threshold that maximises F1 on labels ``y`` and probabilities ``p``,
    and that F1: every cut of the rows sorted by ``p`` at once (recommending the ``k`` most
    probable, ``F1 = 2 TP / (k + positives)``)."""
    order = np.argsort(-p)
    tp = np.cumsum(y[order])
    k = np.arange(1, len(p) + 1)
    f1 = 2 * tp / (k + y.sum())
    i = int(np.argmax(f1))
    return float(p[order][i]), float(f1[i])


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
    tally = Tally()
    conf: list[float] = []
    correct: list[float] = []
    for note_id, codes in gold.items():
        pred = predictions.get(note_id, Ranked([], [], []))
        ranked = list(pred.codes)
        tally.add(ranked, [c for c, r in zip(ranked, pred.recommended, strict=True) if r], codes)
        conf.extend(pred.confidences)
        correct.extend(float(c in codes) for c in ranked)
    return {
        "notes": float(len(gold)),
        **tally.figures(),
        "ece": expected_calibration_error(np.asarray(conf), np.asarray(correct)),
    }
