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
        # an adjective pair names the combined region ("Abdomen and Pelvis"), not each apart
        ("Abdominal and pelvic CT showed a mass.", ["BW21ZZZ", "BW21"]),
        ("Abdominal-pelvic computerized axial tomography.", ["BW21ZZZ", "BW21"]),
        ("Pelvic CT.", ["BW2GZZZ", "BW2G"]),
        # the ICD-10-PCS Index: Gastroscopy see Inspection, Stomach 0DJ6; Dialysis, Peritoneal
        # see Irrigation, Peritoneal Cavity 3E1M39Z; Plasmapheresis, therapeutic see Pheresis
        # 6A55; Tracheotomy see Drainage, Respiratory System 0B9
        ("Gastroscopy was normal.", ["0DJ68ZZ", "0DJ6"]),
        ("Peritoneal dialysis was started.", ["3E1M39Z", "3E1M"]),
        ("Plasmapheresis was performed.", ["6A550Z3", "6A55"]),
        ("An emergency tracheotomy was done.", ["0B910ZZ", "0B91"]),
        ("Abdominal echography.", ["BW40ZZZ", "BW40"]),
        ("He required parenteral nutrition.", ["3E0436Z", "3E04"]),
        # a tumour's resection takes a portion of the organ: Excision (PCS guideline B3.8)
        ("Transurethral resection confirmed bladder leiomyoma.", ["0TBB8ZZ", "0TBB"]),
        ("Resection of the tumor of the left kidney was performed.", ["0TB10ZZ", "0TB1"]),
        ("Left breast lumpectomy.", ["0HBU0ZZ", "0HBU"]),
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
