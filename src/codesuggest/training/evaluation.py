"""Evaluates a loaded Engine on coded notes: ranking and decision figures, per code system, the
errors of each code and the reliability bins (the figures from ``training.metrics``; the table
and CSV from ``training.evaluation_table``; the plot from ``training.reliability_plot``).

Definitions (gold and predictions are compared as ``(system, code)`` pairs):

* MAP, P@5, R@10 and R@15 are averaged over the notes that have at least one gold code (of the
  system, for a per-system figure); a note's ranking for a system is its suggestions of that
  system, in order.
* Micro precision/recall/F1 count the *recommended* suggestions of every note against its gold
  codes (a note without gold codes contributes its false positives).
* Macro precision/recall/F1 average the per-code figures over every code that is in the gold of
  some note or recommended for some note (an undefined precision or recall counts as 0).
* ECE and the reliability plot use every returned suggestion (up to ``top`` a note): its
  confidence against whether it is a gold code of the note, in 10 equal-width bins.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from tqdm import tqdm

from codesuggest.candidates.learned import label
from codesuggest.training.corpus import CodedNote
from codesuggest.training.metrics import Tally, expected_calibration_error, f1_score, mean
from codesuggest.types import Suggestion

if TYPE_CHECKING:
    from codesuggest.engine import Engine

ALL = "all"
BINS = 10
FIGURES = (
    "map",
    "p_at_5",
    "r_at_10",
    "r_at_15",
    "micro_precision",
    "micro_recall",
    "micro_f1",
    "macro_precision",
    "macro_recall",
    "macro_f1",
    "ece",
)
Pair = tuple[str, str]  # (system, code)


@dataclass
class CodeErrors:
    """How one code fared: gold and recommended counts, true/false positives, misses."""

    code: str
    system: str
    description: str = ""
    gold: int = 0
    recommended: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        """TP / recommended; ``None`` when the code was never recommended."""
        return self.tp / self.recommended if self.recommended else None

    @property
    def recall(self) -> float | None:
        """TP / gold; ``None`` when the code is in no gold set."""
        return self.tp / self.gold if self.gold else None

    @property
    def f1(self) -> float:
        return f1_score(self.precision or 0.0, self.recall or 0.0)


@dataclass(frozen=True)
class ReliabilityBin:
    """One equal-width confidence bin: its bounds, size, mean confidence and share correct."""

    low: float
    high: float
    count: int
    mean_confidence: float
    share_correct: float


@dataclass
class EvaluationReport:
    """Everything :func:`evaluate_model` measured."""

    model: str
    top: int
    notes: int
    figures: dict[str, dict[str, float]]  # "all" and each system -> figure -> value
    gold_notes: dict[str, int]  # "all" and each system -> notes with gold codes
    codes: list[CodeErrors] = field(default_factory=list)  # worst first
    reliability: list[ReliabilityBin] = field(default_factory=list)

    @property
    def overall(self) -> dict[str, float]:
        return self.figures[ALL]

    @property
    def per_system(self) -> dict[str, dict[str, float]]:
        return {k: v for k, v in self.figures.items() if k != ALL}


def evaluate_model(
    engine: Engine,
    notes: list[CodedNote],
    top: int = 30,
    *,
    progress: bool = False,
    systems: Collection[str] | None = None,
) -> EvaluationReport:
    """Run ``engine`` on ``notes`` and measure its suggestions against their gold codes; with
    ``systems``, only the gold codes and suggestions of those systems."""
    results = tqdm(
        # twice as many as reported, so that each system's own ranking has ``top`` codes
        engine.suggest_many([n.note for n in notes], top=top * 2, systems=systems),
        total=len(notes),
        desc="evaluate",
        unit="note",
        disable=not progress,
    )
    returned = [r.suggestions for r in results]
    suggestions = [sugg[:top] for sugg in returned]
    golds = [{g for g in n.codes if systems is None or g[0] in systems} for n in notes]
    systems = sorted(
        {s for g in golds for s, _ in g} | {x.system for sugg in returned for x in sugg}
    )
    figures: dict[str, dict[str, float]] = {}
    gold_notes: dict[str, int] = {}
    for key in (ALL, *systems):
        keep = None if key == ALL else key
        ranked = suggestions if keep is None else [_of(sugg, keep)[:top] for sugg in returned]
        figures[key], gold_notes[key] = _figures(ranked, golds, keep)
    return EvaluationReport(
        model=f"{engine.info.name} {engine.info.version}",
        top=top,
        notes=len(notes),
        figures=figures,
        gold_notes=gold_notes,
        codes=_code_table(engine, suggestions, golds, None),
        reliability=reliability_bins(*_confidences(suggestions, golds)),
    )


def reliability_bins(
    conf: Sequence[float], correct: Sequence[float], bins: int = BINS
) -> list[ReliabilityBin]:
    """Equal-width bins over [0, 1] (the same binning as the ECE)."""
    c = np.asarray(conf, dtype=np.float64)
    ok = np.asarray(correct, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(c, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        mask = idx == b
        n = int(mask.sum())
        out.append(
            ReliabilityBin(
                float(edges[b]),
                float(edges[b + 1]),
                n,
                float(c[mask].mean()) if n else 0.0,
                float(ok[mask].mean()) if n else 0.0,
            )
        )
    return out


def _figures(
    suggestions: list[list[Suggestion]], golds: list[set[Pair]], system: str | None
) -> tuple[dict[str, float], int]:
    tally = Tally()
    for sugg, all_gold in zip(suggestions, golds, strict=True):
        kept = _of(sugg, system)
        tally.add(
            [label(s.system, s.code) for s in kept],
            [label(s.system, s.code) for s in kept if s.recommended],
            [label(*g) for g in all_gold if system is None or g[0] == system],
        )
    table = _code_table(None, suggestions, golds, system)
    conf, correct = _confidences(suggestions, golds, system)
    figures = {
        **tally.figures(),
        "macro_precision": mean([c.precision or 0.0 for c in table]),
        "macro_recall": mean([c.recall or 0.0 for c in table]),
        "macro_f1": mean([c.f1 for c in table]),
        "ece": expected_calibration_error(
            np.asarray(conf, dtype=np.float64), np.asarray(correct, dtype=np.float64), BINS
        ),
    }
    return figures, len(tally.aps)


def _code_table(
    engine: Engine | None,
    suggestions: list[list[Suggestion]],
    golds: list[set[Pair]],
    system: str | None,
) -> list[CodeErrors]:
    table: dict[Pair, CodeErrors] = {}
    titles: dict[Pair, str] = {}

    def entry(pair: Pair) -> CodeErrors:
        if pair not in table:
            table[pair] = CodeErrors(pair[1], pair[0])
        return table[pair]

    for sugg, all_gold in zip(suggestions, golds, strict=True):
        gold = {g for g in all_gold if system is None or g[0] == system}
        for s in _of(sugg, system):
            titles.setdefault((s.system, s.code), s.description)
        chosen = {(s.system, s.code) for s in _of(sugg, system) if s.recommended}
        for pair in gold:
            e = entry(pair)
            e.gold += 1
            if pair in chosen:
                e.tp += 1
            else:
                e.fn += 1
        for pair in chosen:
            e = entry(pair)
            e.recommended += 1
            if pair not in gold:
                e.fp += 1
    if engine is not None:
        for pair, e in table.items():
            e.description = titles.get(pair) or _title(engine, pair)
    return sorted(table.values(), key=lambda e: (-(e.fp + e.fn), -e.gold, e.system, e.code))


def _title(engine: Engine, pair: Pair) -> str:
    system, code = pair
    if system in engine.releases and code in engine.codeset:
        return engine.codeset.title(code)
    return ""


def _confidences(
    suggestions: list[list[Suggestion]], golds: list[set[Pair]], system: str | None = None
) -> tuple[list[float], list[float]]:
    conf: list[float] = []
    correct: list[float] = []
    for sugg, gold in zip(suggestions, golds, strict=True):
        for s in _of(sugg, system):
            conf.append(float(s.confidence))
            correct.append(float((s.system, s.code) in gold))
    return conf, correct


def _of(suggestions: Iterable[Suggestion], system: str | None) -> list[Suggestion]:
    return [s for s in suggestions if system is None or s.system == system]
