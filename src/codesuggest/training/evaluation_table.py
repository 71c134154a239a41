"""The evaluation as people read it: a small text table of the figures (``codesuggest
evaluate`` prints it) and the per-code error table as CSV (``errors.csv``)."""

from __future__ import annotations

import csv
from pathlib import Path

from codesuggest.training.evaluation import CodeErrors, EvaluationReport

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


def report_lines(report: EvaluationReport) -> list[str]:
    """The figures as a small table, then the codes with the most errors."""
    out = [
        f"model {report.model}: {report.notes:,} notes, top {report.top} suggestions each",
        "",
        f"{'':<12}{'notes':>7}{'MAP':>7}{'P@5':>7}{'R@10':>7}{'R@15':>7}"
        f"{'micro P':>9}{'R':>7}{'F1':>7}{'macro P':>9}{'R':>7}{'F1':>7}{'ECE':>7}",
    ]
    for key, f in report.figures.items():
        out.append(
            f"{key:<12}{report.gold_notes[key]:>7,}"
            + "".join(f"{f[k]:>7.3f}" for k in ("map", "p_at_5", "r_at_10", "r_at_15"))
            + f"{f['micro_precision']:>9.3f}{f['micro_recall']:>7.3f}{f['micro_f1']:>7.3f}"
            + f"{f['macro_precision']:>9.3f}{f['macro_recall']:>7.3f}{f['macro_f1']:>7.3f}"
            + f"{f['ece']:>7.3f}"
        )
    out.append(f"(notes: with gold codes of that system; {len(report.codes):,} codes in all)")
    worst = [c for c in report.codes if c.fp + c.fn][:10]
    if worst:
        out += ["", "codes with the most errors (FP + FN):"]
        out += [
            f"  {c.system} {c.code:<9} gold {c.gold:>4}  tp {c.tp:>4}  fp {c.fp:>4}  "
            f"fn {c.fn:>4}  {c.description[:50]}".rstrip()
            for c in worst
        ]
    return out


def write_errors_csv(report: EvaluationReport, path: Path) -> Path:
    """Write the per-code error table (header :data:`CSV_FIELDS`, worst codes first)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_FIELDS)
        writer.writerows(error_row(c) for c in report.codes)
    return path


def error_row(errors: CodeErrors) -> list[str | int]:
    """The CSV row (an undefined precision or recall is an empty cell)."""
    return [
        errors.code,
        errors.system,
        errors.description,
        errors.gold,
        errors.recommended,
        errors.tp,
        errors.fp,
        errors.fn,
        _cell(errors.precision),
        _cell(errors.recall),
    ]


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"
