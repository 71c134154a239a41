"""Gathers a corpus's notes and labels as a reader of :mod:`codesuggest.training.corpus_formats`
finds them (:class:`Collector`), into coded notes (:class:`CodedNote`) and a report."""

from __future__ import annotations

from dataclasses import dataclass

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.systems import SYSTEMS, known_system
from codesuggest.errors import InputError
from codesuggest.training.corpus_codes import normalize_code
from codesuggest.training.corpus_report import CorpusReport, Skipped
from codesuggest.types import Note


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


def duplicate_id(source: str, note_id: str, line: int, first: int) -> InputError:
    return InputError(
        f"{source}: duplicate note id {note_id!r} at line {line} (first at line {first})"
    )
