"""Bad input an audit met: every one is counted, listed in the report and printed on stderr
with its row, never a crash and never silently dropped."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# the kinds of problem, in the order the report lists them
KINDS = (
    "bad_note",  # a note record that cannot be read (io.notes.BadRecord)
    "empty_file",  # a billed file without rows
    "bad_columns",  # a notes or billed file without the columns it needs
    "unreadable_file",  # a notes file that cannot be read at all
    "bad_row",  # a billed row without a note id or a code
    "unknown_system",  # a billed row naming a code system codesuggest does not know
    "unknown_code",  # a billed code not in the code set
    "duplicate",  # a billed row repeating an earlier one (same note, system and code)
    "absent_note",  # billed rows for a note that is not in the notes
)


@dataclass(frozen=True)
class Problem:
    """One piece of bad input: its kind, where it is (``file:line``), the note and code it
    names (when known) and why it was left out."""

    kind: str
    where: str
    reason: str
    note_id: str = ""
    code: str = ""

    def __str__(self) -> str:
        named = ", ".join(p for p in (self.note_id and f"note {self.note_id!r}", self.code) if p)
        return f"{self.where}: {self.kind}: {self.reason}" + (f" ({named})" if named else "")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def count_kinds(problems: list[Problem]) -> dict[str, int]:
    """How many problems of each kind (every kind listed, zero included)."""
    counts = dict.fromkeys(KINDS, 0)
    for p in problems:
        counts[p.kind] = counts.get(p.kind, 0) + 1
    return counts
