"""What reading a corpus found (:class:`CorpusReport`) and the records it left out
(:class:`Skipped`): filled by the readers of :mod:`codesuggest.training.corpus` and by the code
normaliser of :mod:`codesuggest.training.corpus_codes`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Skipped:
    """A record left out of the corpus and why (``line`` 0: the whole file named by source)."""

    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.reason}"


@dataclass
class CorpusReport:
    """What reading a corpus found: counts, codes kept as-is, codes moved, records skipped."""

    source: str
    notes: int = 0
    codes: Counter[str] = field(default_factory=Counter)  # distinct labels per system
    unknown: dict[str, Counter[str]] = field(default_factory=dict)  # system -> code -> count
    truncated: Counter[str] = field(default_factory=Counter)  # ICD-10-PCS cut short
    crosswalked: dict[str, str] = field(default_factory=dict)  # 2018 code -> current code
    seventh_filled: dict[str, str] = field(default_factory=dict)  # W19.XXX -> W19.XXXA
    non_billable: Counter[str] = field(default_factory=Counter)  # ICD-10-CM headings as labels
    duplicate_labels: int = 0  # a code repeated for one note (merged: gold is a set)
    notes_without_codes: int = 0
    skipped: list[Skipped] = field(default_factory=list)

    def summary(self) -> str:
        """A few human-readable lines for the command line."""
        labels = ", ".join(f"{n:,} {s}" for s, n in sorted(self.codes.items())) or "no codes"
        lines = [f"{self.source}: {self.notes:,} notes, {labels}"]
        for system, counts in sorted(self.unknown.items()):
            top = ", ".join(c for c, _ in counts.most_common(5))
            lines.append(f"  {sum(counts.values()):,} {system} codes not in the code set: {top}")
        if self.truncated:
            lines.append(f"  {sum(self.truncated.values()):,} ICD-10-PCS codes truncated (kept)")
        moved = {**self.crosswalked, **self.seventh_filled}
        if moved:
            eg = ", ".join(f"{a} -> {b}" for a, b in list(moved.items())[:3])
            lines.append(f"  {len(moved):,} codes moved to the current release, e.g. {eg}")
        if self.duplicate_labels or self.notes_without_codes:
            lines.append(
                f"  {self.duplicate_labels:,} repeated codes merged; "
                f"{self.notes_without_codes:,} notes without codes"
            )
        if self.skipped:
            lines.append(f"  {len(self.skipped):,} records skipped, first: {self.skipped[0]}")
        return "\n".join(lines)
