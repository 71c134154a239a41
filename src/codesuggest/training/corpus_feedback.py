"""Coders' feedback as a training corpus: ``feedback:DB_URL`` reads the store's decisions.

Each note with decisions and stored text becomes a coded note whose gold codes are the accepted
and added ones (the latest decision on a code wins); its rejected codes ride along in
``CodedNote.rejected`` so that :func:`merge_feedback` can take them out of the gold of the same
note read from another corpus. Notes whose text was not kept are skipped and listed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.systems import known_system
from codesuggest.errors import InputError
from codesuggest.store import Store
from codesuggest.training.corpus_codes import normalize_code
from codesuggest.training.corpus_collect import CodedNote, Collector
from codesuggest.training.corpus_report import CorpusReport
from codesuggest.types import Note


@dataclass
class FeedbackReport(CorpusReport):
    """A corpus report that also counts the codes coders rejected."""

    rejected: int = 0

    def summary(self) -> str:
        line = f"  {self.rejected:,} rejected codes (taken out of other corpora's gold)"
        return super().summary() + ("\n" + line if self.rejected else "")


def read_feedback(url: str, codeset: Icd10Cm) -> tuple[list[CodedNote], CorpusReport]:
    """The store's feedback notes as coded notes (InputError when there are none)."""
    _check_sqlite_file(url)
    with Store.open(url, migrate=False) as store:
        source = store.display_url
        found = store.feedback_notes()
    collector = Collector(codeset, source)
    report = collector.report = FeedbackReport(source)
    scratch = CorpusReport(source)  # rejected codes are normalised, not counted as labels
    rejected: dict[str, frozenset[tuple[str, str]]] = {}
    for note_id in found.missing_text:
        collector.skip_note(
            source,
            0,
            f"note {note_id!r} has decisions but no stored text (served with "
            "CODESUGGEST_STORE_NOTES off?); its decisions are not used",
            note_id,
        )
    for fb in found:
        if not collector.add(Note(text=fb.text, note_id=fb.note_id), source, 0):
            continue
        for system, code in fb.positives:
            collector.label(fb.note_id, system, code, source, 0)
        rejected[fb.note_id] = frozenset(
            (name, normalize_code(codeset, name, code, scratch))
            for system, code in fb.negatives
            if (name := known_system(system)) is not None
        )
        report.rejected += len(fb.negatives)
    notes, _ = collector.finish()
    return [replace(c, rejected=rejected.get(c.note.note_id, frozenset())) for c in notes], report


def _check_sqlite_file(url: str) -> None:
    """Reading must not create an empty SQLite database where a typo points."""
    if not url.strip():
        raise InputError("no database URL after feedback:")
    try:
        parsed = make_url(url)
    except ArgumentError:  # Store.open reports a bad URL
        return
    database = parsed.database or ""
    in_file = parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:")
    if in_file and not Path(database).expanduser().is_file():
        raise InputError(f"no feedback database at {database}")
