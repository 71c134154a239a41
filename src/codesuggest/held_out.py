"""A model card's held-out figures as a table a person reads: one row per code system, one
labelled column per figure, counts as integers and rates to three decimals.

The trainer records them flat, ``<system>_<figure>`` (``icd10cm_map``, ``all_notes``), as
:func:`codesuggest.training.metrics.evaluate` names the figures.
"""

from __future__ import annotations

from typing import Any

from codesuggest.codesets.systems import SHORT_NAMES

# figure -> column label, in the order printed; counts are whole numbers
FIGURES = {
    "notes": "notes",
    "map": "MAP",
    "p_at_5": "P@5",
    "r_at_10": "R@10",
    "r_at_15": "R@15",
    "micro_precision": "precision",
    "micro_recall": "recall",
    "micro_f1": "F1",
    "ece": "ECE",
}
COUNTS = frozenset({"notes"})
# the systems' row labels, in the order printed
SYSTEMS = {**SHORT_NAMES, "all": "all systems"}  # "icd10cm" -> "ICD-10-CM"
LEGEND = (
    "notes: held-out notes with gold codes; precision, recall, F1: micro, of the recommended "
    "codes; ECE: expected calibration error"
)


def held_out_table(figures: dict[str, Any], indent: str = "  ") -> list[str]:
    """``figures`` (``<system>_<figure>`` -> number) as aligned rows under a header."""
    rows: dict[str, dict[str, float]] = {}
    for key, value in figures.items():
        system, _, figure = key.partition("_")
        if figure and isinstance(value, int | float) and not isinstance(value, bool):
            rows.setdefault(system, {})[figure] = float(value)
    if not rows:
        return []
    known = [f for f in FIGURES if any(f in r for r in rows.values())]
    extra = sorted({f for r in rows.values() for f in r} - set(FIGURES))
    columns = known + extra
    labels = [FIGURES.get(f, f.replace("_", " ")) for f in columns]
    order = [s for s in SYSTEMS if s in rows] + sorted(set(rows) - set(SYSTEMS))
    names = [SYSTEMS.get(s, s) for s in order]
    first = max(len(n) for n in names)
    cells = [[_cell(f, rows[s].get(f)) for f in columns] for s in order]
    widths = [max(len(label), *(len(r[i]) for r in cells)) for i, label in enumerate(labels)]
    header = "  ".join(label.rjust(w) for label, w in zip(labels, widths, strict=True))
    lines = [f"{indent}{'':<{first}}  {header}"]
    for name, row in zip(names, cells, strict=True):
        body = "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True))
        lines.append(f"{indent}{name:<{first}}  {body}")
    return lines


def _cell(figure: str, value: float | None) -> str:
    if value is None:
        return "-"
    return f"{round(value):,}" if figure in COUNTS else f"{value:.3f}"
