"""Reads the billed codes: a CSV or Parquet file of ``note_id, code[, system]``.

The system defaults to ICD-10-CM and may be spelled any way ``codesets.systems`` reads;
codes may be dotted or not (``E119`` is ``E11.9``). A row that cannot be used becomes a
:class:`~codesuggest.audit.problems.Problem` with its line (the row's 1-based line in a CSV,
its 1-based row in a Parquet file), so the audit reports it and goes on.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from codesuggest.audit.problems import Problem
from codesuggest.codesets.code_systems import CodeSystems
from codesuggest.codesets.systems import CM, known_system
from codesuggest.errors import InputError

COLUMNS = ("note_id", "code", "system")


@dataclass(frozen=True)
class BilledCode:
    """One billed code of a note, normalised (``system``'s one name, the code set's spelling)."""

    note_id: str
    system: str
    code: str
    where: str  # file:line of its row


@dataclass
class Billed:
    """The billed codes by note, in the order of the file, and the rows left out."""

    by_note: dict[str, list[BilledCode]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0

    def codes(self, note_id: str) -> list[tuple[str, str]]:
        return [(b.system, b.code) for b in self.by_note.get(note_id, [])]


def read_billed(path: Path, systems: CodeSystems) -> Billed:
    """The billed codes of ``path``; a file that cannot be read at all raises
    :class:`InputError`, a bad row or an empty file is a problem of the result."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no billed file at {path}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path)
    elif suffix == ".parquet":
        rows = _parquet_rows(path)
    else:
        raise InputError(f"{path}: unsupported billed file; give a .csv or .parquet")
    out = Billed()
    first_seen: dict[tuple[str, str, str], str] = {}
    for where, row in rows:
        if isinstance(row, Problem):
            out.problems.append(row)
            continue
        out.rows += 1
        billed = _billed_code(where, row, systems, out.problems)
        if billed is None:
            continue
        key = (billed.note_id, billed.system, billed.code)
        if key in first_seen:
            reason = f"repeats the row at {first_seen[key]}"
            out.problems.append(Problem("duplicate", where, reason, billed.note_id, billed.code))
            continue
        first_seen[key] = where
        out.by_note.setdefault(billed.note_id, []).append(billed)
    if not out.rows and not any(p.kind == "bad_columns" for p in out.problems):
        out.problems.append(Problem("empty_file", str(path), "the billed file holds no rows"))
    return out


def _billed_code(
    where: str, row: dict[str, str], systems: CodeSystems, problems: list[Problem]
) -> BilledCode | None:
    note_id = (row.get("note_id") or "").strip()
    raw = (row.get("code") or "").strip()
    if not note_id or not raw:
        missing = " and ".join(n for n, v in (("note_id", note_id), ("code", raw)) if not v)
        problems.append(Problem("bad_row", where, f"no {missing}", note_id, raw))
        return None
    given = (row.get("system") or "").strip()
    system = known_system(given) if given else CM
    if system is None:
        reason = f"unknown code system {given!r}"
        problems.append(Problem("unknown_system", where, reason, note_id, raw))
        return None
    served = systems.get(system)
    code = served.label(raw) if served is not None else raw.upper()  # else: labels only
    if code is None:
        assert served is not None
        reason = f"not an {system} {served.labels} ({served.release})"
        problems.append(Problem("unknown_code", where, reason, note_id, raw))
        return None
    return BilledCode(note_id, system, code, where)


_Row = tuple[str, "dict[str, str] | Problem"]


def _csv_rows(path: Path) -> Iterator[_Row]:
    source = str(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
        with handle:
            reader = csv.DictReader(handle)
            fields = [f.strip().lower() for f in reader.fieldnames or []]
            if not fields:
                return
            missing = [c for c in ("note_id", "code") if c not in fields]
            if missing:
                reason = f"the header has no {' or '.join(missing)} column (found: {fields})"
                yield source, Problem("bad_columns", f"{source}:1", reason)
                return
            reader.fieldnames = fields
            start = reader.line_num + 1
            for row in reader:
                line, start = start, reader.line_num + 1
                where = f"{source}:{line}"
                if None in row:
                    yield where, Problem("bad_row", where, "more fields than the header")
                    continue
                yield where, {k: v or "" for k, v in row.items() if k in COLUMNS}
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 ({exc.reason}); re-save it as UTF-8") from None


def _parquet_rows(path: Path) -> Iterator[_Row]:
    from codesuggest.io.parquet import read_table

    source = str(path)
    table = read_table(path)
    fields = [name.strip().lower() for name in table.column_names]
    missing = [c for c in ("note_id", "code") if c not in fields]
    if missing:
        reason = f"no {' or '.join(missing)} column (found: {fields})"
        yield source, Problem("bad_columns", source, reason)
        return
    names = dict(zip(fields, table.column_names, strict=True))
    columns = {c: table.column(names[c]).to_pylist() for c in COLUMNS if c in names}
    for i in range(table.num_rows):
        where = f"{source}:row {i + 1}"
        yield where, {c: "" if v[i] is None else str(v[i]) for c, v in columns.items()}
