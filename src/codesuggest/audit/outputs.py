"""Writing an audit's tables: ``findings.csv``, ``findings.parquet`` and ``problems.csv``, each
written beside its place and renamed over it when whole (:mod:`codesuggest.io.atomic`)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from codesuggest.audit.findings import COLUMNS, Finding
from codesuggest.audit.problems import Problem
from codesuggest.io.atomic import atomic_path, atomic_writer

PROBLEM_COLUMNS = ("kind", "where", "reason", "note_id", "code")


def sort_key(f: Finding) -> tuple[str, str, str, str]:
    """The order of the findings files: by note, system, code and finding."""
    return (f.note_id, f.system, f.code, f.finding)


def write_csv(path: Path, findings: Sequence[Finding]) -> None:
    with atomic_writer(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for f in findings:
            writer.writerow(f.to_row())


def write_parquet(path: Path, findings: Sequence[Finding]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [
            (c, pa.float64() if c == "confidence" else pa.int32() if c == "worth" else pa.string())
            for c in COLUMNS
        ]
    )
    table = pa.table({c: [getattr(f, c) for f in findings] for c in COLUMNS}, schema=schema)
    with atomic_path(path) as part:
        pq.write_table(table, part)


def write_problems(path: Path, problems: Sequence[Problem]) -> None:
    with atomic_writer(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=PROBLEM_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for p in problems:
            writer.writerow(p.to_dict())
