"""Evaluates a loaded Engine on coded notes: ranking and decision figures, per code system, a
per-code error table and a reliability plot.

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

import csv
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
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
CSV_FIELDS = (
    "code",
    "system",
    "description",
    "gold",
    "recommended",
    "tp",
    "fp",
    "fn",
    "precision",
    "recall",
)
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

    def row(self) -> list[str | int]:
        """The CSV row (an undefined precision or recall is an empty cell)."""
        return [
            self.code,
            self.system,
            self.description,
            self.gold,
            self.recommended,
            self.tp,
            self.fp,
            self.fn,
            _cell(self.precision),
            _cell(self.recall),
        ]


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

    def lines(self) -> list[str]:
        """The figures as a small table, then the codes with the most errors."""
        out = [
            f"model {self.model}: {self.notes:,} notes, top {self.top} suggestions each",
            "",
            f"{'':<12}{'notes':>7}{'MAP':>7}{'P@5':>7}{'R@10':>7}{'R@15':>7}"
            f"{'micro P':>9}{'R':>7}{'F1':>7}{'macro P':>9}{'R':>7}{'F1':>7}{'ECE':>7}",
        ]
        for key, f in self.figures.items():
            out.append(
                f"{key:<12}{self.gold_notes[key]:>7,}"
                + "".join(f"{f[k]:>7.3f}" for k in ("map", "p_at_5", "r_at_10", "r_at_15"))
                + f"{f['micro_precision']:>9.3f}{f['micro_recall']:>7.3f}{f['micro_f1']:>7.3f}"
                + f"{f['macro_precision']:>9.3f}{f['macro_recall']:>7.3f}{f['macro_f1']:>7.3f}"
                + f"{f['ece']:>7.3f}"
            )
        out.append(f"(notes: with gold codes of that system; {len(self.codes):,} codes in all)")
        worst = [c for c in self.codes if c.fp + c.fn][:10]
        if worst:
            out += ["", "codes with the most errors (FP + FN):"]
            out += [
                f"  {c.system} {c.code:<9} gold {c.gold:>4}  tp {c.tp:>4}  fp {c.fp:>4}  "
                f"fn {c.fn:>4}  {c.description[:50]}".rstrip()
                for c in worst
            ]
        return out

    def write_errors_csv(self, path: Path) -> Path:
        """Write the per-code error table (header :data:`CSV_FIELDS`, worst codes first)."""
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_FIELDS)
            writer.writerows(c.row() for c in self.codes)
        return path

    def plot_reliability(self, path: Path) -> Path:
        """Write a PNG reliability diagram: share correct against confidence, with counts."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6, 7.5), dpi=100)
        FigureCanvasAgg(fig)
        ax, hist = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
        width = 1.0 / BINS
        used = [b for b in self.reliability if b.count]
        ax.bar(
            [b.low for b in used],
            [b.share_correct for b in used],
            width=width,
            align="edge",
            edgecolor="black",
            alpha=0.6,
            label="share correct",
        )
        ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
        ax.plot(
            [b.mean_confidence for b in used],
            [b.share_correct for b in used],
            marker="o",
            linestyle="none",
            color="black",
            label="mean confidence of the bin",
        )
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_ylabel("share correct")
        ece = self.overall["ece"]
        total = sum(b.count for b in self.reliability)
        ax.set_title(f"{self.model}: {total:,} suggestions, ECE {ece:.3f}")
        ax.legend(loc="upper left", fontsize=8)
        counts = [b.count for b in self.reliability]
        hist.bar(
            [b.low for b in self.reliability],
            counts,
            width=width,
            align="edge",
            edgecolor="black",
            color="grey",
        )
        top = max(counts, default=0) or 1
        for b in used:
            hist.annotate(f"{b.count:,}", (b.low + width / 2, b.count), ha="center", fontsize=8)
        hist.set_ylim(0, top * 1.25)
        hist.set_xlabel("confidence")
        hist.set_ylabel("suggestions")
        fig.tight_layout()
        fig.savefig(path, format="png")
        return path


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


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"
