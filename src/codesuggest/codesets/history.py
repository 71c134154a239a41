"""Which personal-history (Z85-Z87) and family-history (Z80-Z84) code stands for a condition."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class HistoryCodes:
    """The history codes of one code prefix (empty string: none exists)."""

    prefix: str
    personal_history: str
    family_history: str


class HistoryMap:
    """Longest-prefix lookup over our ``history_codes.tsv`` data file."""

    def __init__(self, rows: list[HistoryCodes]) -> None:
        self._rows = {r.prefix: r for r in rows}
        self._lengths = sorted({len(p) for p in self._rows}, reverse=True)

    @classmethod
    def load(cls, name: str = "history_codes.tsv") -> HistoryMap:
        """The packaged data file."""
        return cls.parse(resources.files("codesuggest.codesets").joinpath("data").joinpath(name).read_text("utf-8"))

    @classmethod
    def load_path(cls, path: Path) -> HistoryMap:
        """A copy kept in a model directory."""
        return cls.parse(path.read_text("utf-8"))

    @classmethod
    def parse(cls, text: str) -> HistoryMap:
        rows = [
            HistoryCodes(r["prefix"].strip().upper(), r["personal_history"].strip(),
                         r["family_history"].strip())
            for r in csv.DictReader(text.splitlines(), delimiter="\t")
        ]
        return cls(rows)

    def lookup(self, code: str, column: str) -> str | None:
        """The ``personal_history`` or ``family_history`` code for ``code``, if one exists."""
        for n in self._lengths:
            row = self._rows.get(code[:n])
            if row is not None:
                return getattr(row, column) or None
        return None
