"""ICD-10-PCS codes built from a procedure's operation, body part and approach."""

from __future__ import annotations

import pytest

from codesuggest.candidates.procedures import ProcedureCodes, procedure_candidates
from codesuggest.codesets.icd10pcs import shipped_pcs
from codesuggest.extract.procedures import find_procedures


@pytest.fixture(scope="module")
def codes() -> ProcedureCodes:
    return ProcedureCodes(shipped_pcs())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Laparoscopic appendectomy.", ["0DTJ4ZZ", "0DTJ"]),
        ("Open appendectomy.", ["0DTJ0ZZ", "0DTJ"]),
        ("CT of the abdomen and pelvis.", ["BW21ZZZ", "BW21"]),
        ("CT of the abdomen.", ["BW20ZZZ", "BW20"]),
        ("Abdominal ultrasound.", ["BW40ZZZ", "BW40"]),
        ("MRI of the brain.", ["B030ZZZ", "B030"]),
        ("Chest x-ray.", ["BW03ZZZ", "BW03"]),
        ("Colonoscopy.", ["0DJD8ZZ", "0DJD"]),
        ("Percutaneous biopsy of the liver.", ["0FB03ZZ", "0FB0"]),
        ("Hemodialysis.", ["5A1D70Z", "5A1D"]),
    ],
)
def test_procedure_codes_from_structure(
    codes: ProcedureCodes, text: str, expected: list[str]
) -> None:
    [proc] = find_procedures(text)
    assert codes.codes(proc) == tuple(expected)


def test_procedure_without_a_known_body_part_gives_no_code(codes: ProcedureCodes) -> None:
    [proc] = find_procedures("Excision was uneventful.")
    assert codes.codes(proc) == ()


def test_procedure_candidates_carry_the_mention_and_its_status() -> None:
    procs = find_procedures("Will schedule colonoscopy. Underwent laparoscopic appendectomy.")
    cands = {c.code: c for c in procedure_candidates(procs, shipped_pcs())}
    assert cands["0DJD8ZZ"].system == "ICD-10-PCS"
    assert cands["0DJD8ZZ"].mentions[0].basis == "procedure:planned"
    assert cands["0DTJ4ZZ"].billable and not cands["0DTJ"].billable
    assert cands["0DTJ4ZZ"].mentions[0].text == "laparoscopic appendectomy"


def test_codes_of_a_procedure_named_again_are_the_ones_chosen_first(
    codes: ProcedureCodes,
) -> None:
    [first] = find_procedures("Percutaneous biopsy of the liver.")
    [again] = find_procedures("Later, a percutaneous biopsy of the liver was repeated.")
    assert codes.codes(again) is codes.codes(first)  # chosen once
    assert codes.codes(again) == ("0FB03ZZ", "0FB0")
