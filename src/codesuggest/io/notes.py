"""Read notes from a folder of ``.txt`` files, a single ``.txt``, a ``.jsonl``, a ``.csv`` or a
``.parquet`` (columns as a CSV's; its rows numbered from 1 as lines).

A record that cannot become a :class:`~codesuggest.types.Note` is yielded as a
:class:`BadRecord` carrying its file, line (and column, for bad JSON) and the reason, so the
caller reports and skips it rather than crashing or dropping it silently. The same rule holds in
every format: a note needs an id and a text that is not blank (a missing or empty ``text``, a
blank ``.txt`` file), since a record whose text was lost on export is not a note without codes.
A path that cannot be read at all raises :class:`~codesuggest.errors.InputError`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codesuggest.errors import InputError
from codesuggest.types import Note, parse_sex

FIELDS = ("id", "text", "age", "sex", "setting", "date_of_service")
MAX_AGE = 130

# (line or file position, the record, the file name for folder inputs)
_Numbered = tuple[int, "Note | BadRecord", str]


@dataclass(frozen=True)
class BadRecord:
    """A skipped record and why: ``source`` names its file, ``line`` its 1-based line (the
    row's first line in a CSV; 0 for a whole ``.txt`` file) and ``column`` the 1-based column
    of a JSON syntax error (else 0). Printed as ``file:line:column: reason``, as compilers do."""

    line: int
    reason: str
    source: str = ""
    column: int = 0

    @property
    def where(self) -> str:
        """``file:line:column`` (the parts known)."""
        where = self.source
        if self.line:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        if self.line and self.column:
            where += f":{self.column}"
        return where

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


def read_text(path: Path) -> str:
    """Read one UTF-8 text file, raising :class:`InputError` with a one-line reason."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    return decode_utf8(data, str(path))


def decode_utf8(data: bytes, source: str) -> str:
    """Decode UTF-8 bytes (a leading BOM is dropped) or raise :class:`InputError`."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: {_not_utf8(data, exc)}; re-save it as UTF-8") from None


def _not_utf8(data: bytes, exc: UnicodeDecodeError) -> str:
    return f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"


def read_notes(path: Path, *, max_chars: int | None = None) -> Iterator[Note | BadRecord]:
    """Yield each note under ``path`` in input order, or a :class:`BadRecord` for a bad one.

    ``max_chars`` turns notes longer than the limit into bad records. Duplicate ids are bad
    records too: an output keyed by note id must not hold two answers for one id. A missing
    path or an unsupported kind of file raises :class:`InputError` at once, before iteration.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such file or folder: {path}")
    if path.is_dir():
        records = _read_folder(path)
    else:
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            records = _read_jsonl(path)
        elif suffix == ".csv":
            records = _read_csv(path)
        elif suffix == ".txt":
            records = _read_txt_files([path])
        elif suffix == ".parquet":
            records = _read_parquet(path)
        else:
            raise InputError(
                f"{path}: unsupported input; give a folder of .txt notes, a .txt, .jsonl, .csv "
                "or .parquet"
            )
    return _checked(records, max_chars)


def _checked(records: Iterator[_Numbered], max_chars: int | None) -> Iterator[Note | BadRecord]:
    """Turn oversize notes and repeated ids into bad records."""
    seen: dict[str, str] = {}
    for line, record, source in records:
        if isinstance(record, BadRecord):
            yield record
        elif max_chars is not None and len(record.text) > max_chars:
            reason = f"note has {len(record.text):,} characters; the limit is {max_chars:,}"
            yield BadRecord(line, reason, source)
        elif record.note_id in seen:
            reason = f"duplicate id {record.note_id!r} (first seen at {seen[record.note_id]})"
            yield BadRecord(line, reason, source)
        else:
            seen[record.note_id] = BadRecord(line, "", source).where
            yield record


def _read_folder(folder: Path) -> Iterator[_Numbered]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
    return _read_txt_files(files)


def _read_txt_files(files: list[Path]) -> Iterator[_Numbered]:
    """One note per file, its id the file's stem (line 0: the whole file is the record)."""
    for file in files:
        source = str(file)
        try:
            data = file.read_bytes()
            text = data.decode("utf-8-sig")
        except OSError as exc:
            yield 0, BadRecord(0, f"cannot read: {exc.strerror}", source), source
        except UnicodeDecodeError as exc:
            yield 0, BadRecord(0, _not_utf8(data, exc), source), source
        else:
            yield 0, _to_note({"id": file.stem, "text": text}, 0, source), source


def parse_json_line(line: str) -> Any:
    """Parse one line of a JSONL file; a syntax error raises ``ValueError("bad JSON: ...")``
    whose ``args[1]`` is the 1-based column in the line (the end of line is not part of it, so
    a line cut short points just past its last character, not at column 1 of a next line)."""
    text = line.rstrip("\r\n")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"bad JSON: {exc.msg}", exc.pos + 1) from None


def _read_jsonl(path: Path) -> Iterator[_Numbered]:
    source = str(path)
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, BadRecord(number, _not_utf8(raw, exc), source), source
                continue
            try:
                obj = parse_json_line(line)
            except ValueError as exc:
                yield number, BadRecord(number, exc.args[0], source, exc.args[1]), source
                continue
            if not isinstance(obj, dict):
                reason = f"expected a JSON object, got {type(obj).__name__}"
                yield number, BadRecord(number, reason, source), source
                continue
            yield number, _to_note(obj, number, source), source


def _read_csv(path: Path) -> Iterator[_Numbered]:
    source = str(path)
    # surrogateescape keeps going past bad bytes; the row holding them is reported below.
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [f for f in ("id", "text") if f not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path}: the header has no {' or '.join(missing)} column")
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if None in row:
                reason = f"more fields than the {len(row) - 1} header columns"
                yield line, BadRecord(line, reason, source), source
                continue
            if any(_has_bad_bytes(value) for value in row.values() if value is not None):
                yield line, BadRecord(line, "not valid UTF-8", source), source
                continue
            # An empty CSV cell means "not given" for the optional fields.
            cleaned = {k: (v if v != "" or k in ("id", "text") else None) for k, v in row.items()}
            yield line, _to_note(cleaned, line, source), source


def _read_parquet(path: Path) -> Iterator[_Numbered]:
    from codesuggest.io.parquet import read_table

    source = str(path)
    table = read_table(path)
    missing = [f for f in ("id", "text") if f not in table.column_names]
    if missing:
        raise InputError(f"{path}: the table has no {' or '.join(missing)} column")
    columns = {f: table.column(f).to_pylist() for f in FIELDS if f in table.column_names}
    for i in range(table.num_rows):
        row = {f: values[i] for f, values in columns.items()}
        if isinstance(row.get("date_of_service"), dt.date):
            row["date_of_service"] = row["date_of_service"].isoformat()
        yield i + 1, _to_note(row, i + 1, source), source


def _has_bad_bytes(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _to_note(
    obj: Mapping[str, Any], line: int, source: str = "", *, blank_text: bool = False
) -> Note | BadRecord:
    """Validate one record's fields; the first problem found becomes the reason. A missing or
    blank text is a problem unless ``blank_text`` (training counts such notes itself)."""
    try:
        note_id = _parse_id(obj.get("id"))
        text = obj.get("text")
        if text is None:
            raise ValueError("missing field 'text'")
        if not isinstance(text, str):
            raise ValueError(f"'text' must be a string, got {type(text).__name__}")
        if not blank_text and not text.strip():
            raise ValueError("the note's text is empty" if not text else "the note's text is blank")
        note = Note(
            text=text,
            note_id=note_id,
            age=_parse_age(obj.get("age")),
            sex=_parse_sex(obj.get("sex")),
            setting=_parse_setting(obj.get("setting")),
            date_of_service=_parse_date(obj.get("date_of_service")),
        )
    except ValueError as exc:
        return BadRecord(line, str(exc), source)
    return note


def _parse_id(value: Any) -> str:
    if value is None:
        raise ValueError("missing field 'id'")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"'id' must be a string or an integer, got {type(value).__name__}")
    note_id = str(value).strip()
    if not note_id:
        raise ValueError("'id' is empty")
    if len(note_id) > 200:
        raise ValueError("'id' is longer than 200 characters")
    return note_id


def _parse_age(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AGE:
        raise ValueError(f"bad age {value!r}: expected a whole number 0-{MAX_AGE}")
    return value


def _parse_sex(value: Any) -> str | None:
    return None if value is None else parse_sex(value)


def _parse_setting(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"'setting' must be a string, got {type(value).__name__}")
    return value.strip() or None


def _parse_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"bad date_of_service {value!r}: expected an ISO date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(
            f"bad date_of_service {value!r}: expected an ISO date YYYY-MM-DD"
        ) from None
