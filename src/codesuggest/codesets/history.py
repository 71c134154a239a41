"""Which personal-history (Z85-Z87) and family-history (Z80-Z84) code stands for a condition
(``data/history_codes.tsv``), and which codes state a history themselves
(``data/history_prefixes.tsv``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from codesuggest.codesets.data_files import data_rows, data_text
from codesuggest.errors import ConfigError

PREFIXES_FILE = "history_prefixes.tsv"
# the assertions a history code may state (``types.Assertion`` values)
_HISTORY_ASSERTIONS = frozenset({"family", "historical"})


@cache
def self_asserting() -> dict[str, tuple[str, ...]]:
    """Assertion ("family", "historical") -> the prefixes of the codes that state that history
    themselves (``data/history_prefixes.tsv``)."""
    out: dict[str, tuple[str, ...]] = {}
    for row in data_rows(PREFIXES_FILE):
        assertion, prefixes = row["assertion"].strip(), tuple(row["prefixes"].split())
        if assertion not in _HISTORY_ASSERTIONS or not prefixes or assertion in out:
            raise ConfigError(f"{PREFIXES_FILE}: bad row for {assertion!r}")
        out[assertion] = prefixes
    return out


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
        return cls.parse(data_text(name))

    @classmethod
    def load_path(cls, path: Path) -> HistoryMap:
        """A copy kept in a model directory."""
        return cls.parse(path.read_text("utf-8"))

    @classmethod
    def parse(cls, text: str) -> HistoryMap:
        rows = [
            HistoryCodes(
                r["prefix"].strip().upper(),
                r["personal_history"].strip(),
                r["family_history"].strip(),
            )
            for r in csv.DictReader(text.splitlines(), delimiter="\t")
        ]
        return cls(rows)

    def _row(self, code: str) -> HistoryCodes | None:
        for n in self._lengths:
            row = self._rows.get(code[:n])
            if row is not None:
                return row
        return None

    def lookup(self, code: str, column: str, min_prefix: int = 3) -> str | None:
        """The ``personal_history`` or ``family_history`` code for ``code``, if one exists.

        Chapter-wide rows ("I" -> Z86.79) are used only when ``min_prefix`` allows them."""
        row = self._row(code)
        if row is None or len(row.prefix) < min_prefix:
            return None
        return getattr(row, column) or None

    def is_chronic(self, code: str) -> bool:
        """A condition with no personal-history code: mentioned as history, it is current."""
        row = self._row(code)
        return row is not None and len(row.prefix) >= 3 and not row.personal_history
