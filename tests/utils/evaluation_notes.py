"""A few coded notes, diagnoses and a procedure, for evaluation tests."""

from __future__ import annotations

from codesuggest.training.corpus import CodedNote
from codesuggest.types import Note

CM = "ICD-10-CM"
PCS = "ICD-10-PCS"


def coded(note_id: str, text: str, *codes: tuple[str, str]) -> CodedNote:
    return CodedNote(Note(text=text, note_id=note_id), frozenset(codes))


NOTES = [
    coded(
        "htn",
        "Assessment: essential hypertension, well controlled on lisinopril.",
        (CM, "I10"),
    ),
    coded(
        "dm",
        "Type 2 diabetes mellitus without complications. Continue metformin.",
        (CM, "E11.9"),
    ),
    coded(
        "pna",
        "Impression: community acquired pneumonia. Bronchoscopy with biopsy performed.",
        (CM, "J18.9"),
        (PCS, "0BBC8ZX"),
    ),
    coded(
        "uti",
        "Urinary tract infection; started nitrofurantoin. History of hypertension.",
        (CM, "N39.0"),
        (CM, "I10"),
    ),
    coded("none", "Routine visit, no complaints today."),
]
