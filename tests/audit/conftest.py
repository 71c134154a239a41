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


# short notes and what was billed for them, cycled over a few dozen notes (``many_inputs``)
TEXTS = [
    ("Assessment: essential hypertension, well controlled.", ["I10"]),
    ("Type 2 diabetes mellitus without complications. Denies chest pain.", ["E11.9", "R07.9"]),
    ("Acute bronchitis. No pneumonia on chest x-ray.", ["J20.9", "J18.9"]),
    ("Chronic kidney disease stage 3. Anemia in chronic kidney disease.", ["N18.30", "D63.1"]),
    ("Heart failure: acute on chronic systolic congestive heart failure.", ["I50.9"]),
    ("Mild intermittent asthma. Seasonal allergic rhinitis.", ["J45.909", "S72.001A"]),
]


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


@pytest.fixture
def many_inputs(tmp_path: Path) -> tuple[Path, Path, int]:
    """A .jsonl of 48 short notes, a billed CSV of their codes (some unsupported) and the
    number of notes."""
    count = 48
    notes = tmp_path / "many.jsonl"
    billed = tmp_path / "many_billed.csv"
    lines, rows = [], ["note_id,code"]
    for i in range(count):
        text, codes = TEXTS[i % len(TEXTS)]
        note_id = f"m{i:02d}"
        lines.append(json.dumps({"id": note_id, "text": f"Visit {i}. {text}"}) + "\n")
        rows.extend(f"{note_id},{code}" for code in codes)
    notes.write_text("".join(lines), encoding="utf-8")
    billed.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return notes, billed, count


def chunk_notes(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    """Checkpoint every ``n`` notes (``CODESUGGEST_AUDIT_CHUNK_NOTES``) from here on."""
    monkeypatch.setenv("CODESUGGEST_AUDIT_CHUNK_NOTES", str(n))
    get_settings.cache_clear()


def same_outputs(a: Path, b: Path) -> bool:
    """Whether two audit folders hold byte-identical ``findings.csv`` and ``problems.csv``."""
    return all(
        (a / n).read_bytes() == (b / n).read_bytes() for n in ("findings.csv", "problems.csv")
    )
