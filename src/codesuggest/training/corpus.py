"""Labelled corpora for training: CodiEsp split folders, JSONL and CSV, and coders' feedback in
the store, read into coded notes.

``read_corpus("codiesp:DIR" | "jsonl:PATH" | "csv:PATH" | PATH | "feedback:DB_URL", codeset)``
returns the notes and a :class:`CorpusReport` (feedback: see
:mod:`~codesuggest.training.corpus_feedback`). Nothing is dropped silently: a problem with the
corpus as a whole (no notes, a duplicated id, a label naming a note that does not exist,
conflicting texts) raises :class:`~codesuggest.errors.InputError` naming file and line; a problem
with one record (bad JSON, no text, an unknown code system) skips that record and lists it in
``CorpusReport.skipped``.

Codes are labels in the current release where that is unambiguous: ICD-10-CM in official dotted
form, 2018 codes that a later release split moved to their "unspecified" child (R51 -> R51.9),
CodiEsp's codes without their 7th character completed (W19.XXX -> W19.XXXA). Codes absent from
the code set are kept as labels and counted in ``unknown``; so are truncated ICD-10-PCS codes
(``bn20`` -> ``BN20``, counted in ``truncated``): there is no PCS table to check them against.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.systems import SYSTEMS, known_system
from codesuggest.errors import InputError
from codesuggest.training.corpus_codes import normalize_code
from codesuggest.training.corpus_formats import duplicate_id, read_codiesp, read_csv, read_jsonl
from codesuggest.types import Note

KINDS = ("codiesp", "jsonl", "csv", "feedback")


@dataclass(frozen=True)
class CodedNote:
    """A note and its gold codes as (system, code) pairs.

    ``rejected`` (feedback corpora only) holds codes a coder rejected for the note: merged with
    the same note from another corpus, they leave its gold (see ``trainer.merge_feedback``).
    """

    note: Note
    codes: frozenset[tuple[str, str]]
    rejected: frozenset[tuple[str, str]] = frozenset()

    def codes_of(self, system: str) -> set[str]:
        return {code for s, code in self.codes if s == system}


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


class Collector:
    """Gathers notes and labels from a reader, normalising codes into the report."""

    def __init__(self, codeset: Icd10Cm, source: str) -> None:
        self.codeset = codeset
        self.report = CorpusReport(source)
        self._notes: dict[str, Note] = {}
        self._codes: dict[str, set[tuple[str, str]]] = {}
        self._first: dict[str, int] = {}  # note id -> line of its first record
        self._skipped_ids: set[str] = set()
        self._records = 0
        self._no_text = 0

    def has_note(self, note_id: str) -> bool:
        return note_id in self._notes

    def was_skipped(self, note_id: str) -> bool:
        return note_id in self._skipped_ids

    def add(self, note: Note, source: str, line: int) -> bool:
        """Add a note; False (and a skipped record) when it has no text."""
        self._claim(note.note_id, source, line)
        self._records += 1
        if not note.text.strip():
            self._no_text += 1
            self._skipped_ids.add(note.note_id)
            self.skip(source, line, f"note {note.note_id!r} has no text")
            return False
        self._notes[note.note_id] = note
        self._codes[note.note_id] = set()
        return True

    def skip_note(self, source: str, line: int, reason: str, note_id: str | None = None) -> None:
        """Record a note that cannot be used (its id, when known, still counts as taken)."""
        if note_id is not None:
            self._claim(note_id, source, line)
            self._skipped_ids.add(note_id)
        self._records += 1
        self.skip(source, line, reason)

    def skip(self, source: str, line: int, reason: str) -> None:
        """List a skipped record (a label, or a note via add/skip_note) in the report."""
        self.report.skipped.append(Skipped(source, line, reason))

    def label(self, note_id: str, system: object, raw: object, source: str, line: int) -> None:
        """Add one gold code to a note already added."""
        name = known_system(system) if isinstance(system, str) else None
        if name is None:
            known = ", ".join(SYSTEMS)
            self.skip(source, line, f"unknown code system {system!r} (known: {known})")
            return
        system = name
        if not isinstance(raw, str) or not raw.strip():
            self.skip(source, line, f"bad code {raw!r} for note {note_id!r}")
            return
        pair = (system, normalize_code(self.codeset, system, raw, self.report))
        codes = self._codes[note_id]
        if pair in codes:
            self.report.duplicate_labels += 1
        codes.add(pair)

    def finish(self) -> tuple[list[CodedNote], CorpusReport]:
        report = self.report
        if not self._notes:
            if self._records and self._no_text == self._records:
                raise InputError(f"{report.source}: none of the {self._records:,} notes has text")
            if self._records:
                raise InputError(
                    f"{report.source}: no usable notes; all {self._records:,} were skipped "
                    f"(first: {report.skipped[0]})"
                )
            raise InputError(f"{report.source}: empty corpus (no notes)")
        out = [CodedNote(n, frozenset(self._codes[i])) for i, n in self._notes.items()]
        for coded in out:
            report.codes.update(system for system, _ in coded.codes)
            report.notes_without_codes += not coded.codes
        report.notes = len(out)
        report.skipped.sort(key=lambda s: (s.source, s.line))  # CSV notes end late
        return out, report

    def _claim(self, note_id: str, source: str, line: int) -> None:
        if note_id in self._first:
            raise duplicate_id(source, note_id, line, self._first[note_id])
        self._first[note_id] = line


def feedback_url(spec: str) -> str | None:
    """The database URL of a ``feedback:DB_URL`` spec; None for a file corpus."""
    head, sep, rest = spec.partition(":")
    if not (sep and head == "feedback"):
        return None
    if not rest.strip():
        raise InputError(f"{spec!r}: no database URL after feedback:")
    return rest


def parse_spec(spec: str) -> tuple[str, Path]:
    """The kind of a file corpus and its path: ``kind:PATH``, or a bare path whose kind is
    inferred (``feedback:DB_URL`` names no path: see :func:`feedback_url`)."""
    head, sep, rest = spec.partition(":")
    if sep and head in KINDS:
        if head == "feedback":
            raise InputError(f"{spec!r}: a feedback corpus is a database URL, not a path")
        if not rest:
            raise InputError(f"{spec!r}: no path after {head}:")
        return head, Path(rest)
    path = Path(spec)
    if sep and re.fullmatch(r"[a-z]{2,}", head) and not path.exists():
        raise InputError(f"{spec!r}: unknown corpus kind {head!r}; use one of {', '.join(KINDS)}")
    if path.is_dir() and (path / "text_files_en").is_dir():
        return "codiesp", path
    if path.suffix.lower() in (".jsonl", ".csv"):
        return path.suffix.lower()[1:], path
    if not path.exists():
        raise InputError(f"no such corpus file or folder: {path}")
    raise InputError(
        f"{path}: cannot tell the corpus kind; give a CodiEsp split folder (with text_files_en/), "
        "a .jsonl or a .csv, or prefix it with codiesp:, jsonl: or csv:"
    )


def read_corpus(spec: str, codeset: Icd10Cm) -> tuple[list[CodedNote], CorpusReport]:
    """Read a labelled corpus (see the module docstring); raises InputError when unusable."""
    url = feedback_url(spec)
    if url is not None:
        from codesuggest.training.corpus_feedback import read_feedback  # loads SQLAlchemy

        return read_feedback(url, codeset)
    kind, path = parse_spec(spec)
    collector = Collector(codeset, str(path))
    {"codiesp": read_codiesp, "jsonl": read_jsonl, "csv": read_csv}[kind](path, collector)
    return collector.finish()
