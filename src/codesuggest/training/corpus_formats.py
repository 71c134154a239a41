"""The file formats of :mod:`codesuggest.training.corpus`: CodiEsp folders, JSONL and CSV.

Each reader feeds a :class:`~codesuggest.training.corpus_collect.Collector`; line numbers are
1-based. Whole-file problems (not UTF-8, a malformed gold line, a missing CSV column) raise
:class:`~codesuggest.errors.InputError`; a bad record is skipped through the collector.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codesuggest.codesets.systems import CM, PCS
from codesuggest.errors import InputError
from codesuggest.io.notes import BadRecord, _to_note, parse_json_line, read_text
from codesuggest.training.corpus_collect import Collector, duplicate_id
from codesuggest.types import Note

DEFAULT_SYSTEM = CM  # plain-string codes and an empty CSV system cell
_GOLD = {"D.tsv": CM, "P.tsv": PCS}  # CodiEsp: diagnoses, procedures


def read_codiesp(folder: Path, out: Collector) -> None:
    """``text_files_en/<doc_id>.txt`` notes plus ``*D.tsv`` / ``*P.tsv`` gold (no header)."""
    texts = folder / "text_files_en"
    if not texts.is_dir():
        raise InputError(f"{folder}: not a CodiEsp split (no text_files_en/)")
    gold = [
        (tsv, system) for end, system in _GOLD.items() for tsv in sorted(folder.glob(f"*{end}"))
    ]
    if not gold:
        raise InputError(f"{folder}: no gold files (*D.tsv, *P.tsv)")
    for path in sorted(texts.glob("*.txt")):
        try:
            text = read_text(path)
        except InputError as exc:
            out.skip_note(str(path), 0, str(exc), path.stem)
            continue
        out.add(Note(text=text, note_id=path.stem), str(path), 0)
    for tsv, system in gold:
        for n, line in enumerate(read_text(tsv).splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 2:
                raise InputError(f"{tsv}:{n}: expected 'doc_id<TAB>code', got {line[:80]!r}")
            doc = parts[0].strip()
            if out.has_note(doc):
                out.label(doc, system, parts[1], str(tsv), n)
            elif out.was_skipped(doc):
                out.skip(str(tsv), n, f"code for skipped note {doc!r}")
            else:
                raise InputError(f"{tsv}:{n}: unknown note {doc!r} (no text_files_en/{doc}.txt)")


def read_jsonl(path: Path, out: Collector) -> None:
    """One note a line: ``{"id", "text", "codes": [..]}`` with codes as ``{"code", "system"}``
    objects or plain ICD-10-CM strings; optional note fields as in :mod:`codesuggest.io.notes`."""
    source = str(path)
    # split on "\n" only: str.splitlines would also break at U+2028 inside a JSON string
    for n, line in enumerate(read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = parse_json_line(line)
        except ValueError as exc:
            out.skip_note(source, n, f"{exc.args[0]} at column {exc.args[1]}")
            continue
        if not isinstance(obj, dict):
            out.skip_note(source, n, f"expected a JSON object, got {type(obj).__name__}")
            continue
        if obj.get("text") is None:  # counted as a note without text, not a malformed record
            obj = {**obj, "text": ""}
        record = _to_note(obj, n, source, blank_text=True)
        codes = obj.get("codes")
        if isinstance(record, BadRecord) or not isinstance(codes, list):
            reason = (
                record.reason
                if isinstance(record, BadRecord)
                else "'codes' must be a list (use [] for a note without codes)"
            )
            out.skip_note(source, n, reason, _raw_id(obj.get("id")))
            continue
        if not out.add(record, source, n):
            continue
        for item in codes:
            if isinstance(item, dict):
                system = item.get("system", DEFAULT_SYSTEM)
                out.label(record.note_id, system, item.get("code"), source, n)
            else:
                out.label(record.note_id, DEFAULT_SYSTEM, item, source, n)


@dataclass
class _CsvNote:
    note_id: str
    line: int
    row: dict[str, str]
    text: str = ""
    text_line: int = 0
    codes: list[tuple[str, str, int]] = field(default_factory=list)  # system, code, line


def read_csv(path: Path, out: Collector) -> None:
    """One row per note-code pair: ``id,text,code[,system]`` plus optional note fields. A note's
    rows are adjacent; its text is on every row or only on the first; an empty code cell is a
    note without codes, an empty system cell ICD-10-CM."""
    source = str(path)
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    if reader.fieldnames is None:
        return  # no header, no rows: the collector reports an empty corpus
    missing = [c for c in ("id", "text", "code") if c not in reader.fieldnames]
    if missing:
        raise InputError(f"{path}: the header has no {' or '.join(missing)} column")
    current: _CsvNote | None = None
    first_lines: dict[str, int] = {}
    start = reader.line_num + 1
    for row in reader:
        line, start = start, reader.line_num + 1
        note_id = (row.get("id") or "").strip()
        if None in row or not note_id:
            reason = "more fields than header columns" if None in row else "empty 'id'"
            out.skip_note(source, line, reason)
            continue
        if current is None or note_id != current.note_id:
            if current is not None:
                _add_csv_note(current, source, out)
            if note_id in first_lines:
                raise duplicate_id(source, note_id, line, first_lines[note_id])
            first_lines[note_id] = line
            current = _CsvNote(note_id, line, row)
        text = row.get("text") or ""
        if text.strip() and not current.text:
            current.text, current.text_line = text, line
        elif text.strip() and text != current.text:
            raise InputError(
                f"{path}:{line}: note {note_id!r} has a different text than at line "
                f"{current.text_line}"
            )
        if (code := (row.get("code") or "").strip()) != "":
            current.codes.append(((row.get("system") or "").strip() or DEFAULT_SYSTEM, code, line))
    if current is not None:
        _add_csv_note(current, source, out)


def _add_csv_note(group: _CsvNote, source: str, out: Collector) -> None:
    fields: dict[str, Any] = {k: (v or None) for k, v in group.row.items()}
    fields.update(id=group.note_id, text=group.text)
    record = _to_note(fields, group.line, source, blank_text=True)
    if isinstance(record, BadRecord):
        reason = f"{record.reason} ({len(group.codes)} codes)"
        out.skip_note(source, group.line, reason, group.note_id)
    elif out.add(record, source, group.line):
        for system, code, line in group.codes:
            out.label(record.note_id, system, code, source, line)


def _raw_id(value: object) -> str | None:
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    return None
