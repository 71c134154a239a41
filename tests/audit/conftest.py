"""Fixtures for audit tests: a few tiny notes and billed files, and the session engine reused
by ``Engine.load`` (the audit loads its engine by path)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from codesuggest.settings import get_settings

NOTES = [
    {
        "id": "n1",
        "text": "Assessment: Type 2 diabetes mellitus with diabetic chronic kidney disease "
        "stage 3. Essential hypertension. Denies chest pain.",
    },
    {"id": "n2", "text": "Acute respiratory failure with hypoxia. History of asthma in mother."},
    {"id": "n3", "text": ""},
    {
        "id": "n4",
        "text": "Heart failure. Patient has acute on chronic systolic congestive heart failure.",
    },
]
BILLED = """note_id,code,system
n1,E11.22,
n1,I10,
n1,S72001A,ICD-10-CM
n1,E11.22,
n2,J96.01,
n2,R07.9,
n4,I50.9,
n4,XYZ,
n9,I10,
n1,E11.9,badsys
n2,,
"""


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    """A .jsonl of four notes (one empty) and a billed CSV with one row of each kind of
    problem: a duplicate, an unknown code, an unknown system, a row without a code and a note
    that is not in the notes."""
    notes = tmp_path / "notes.jsonl"
    notes.write_text("".join(json.dumps(n) + "\n" for n in NOTES), encoding="utf-8")
    billed = tmp_path / "billed.csv"
    billed.write_text(BILLED, encoding="utf-8")
    return notes, billed
