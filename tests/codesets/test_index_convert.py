"""The Alphabetic Index converter: paths, spellings, "see" references, neoplasm and drug rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from codesuggest.codesets.alpha_index import TABLE
from codesuggest.codesets.index_convert import (
    IndexRow,
    clean_term,
    code_of,
    convert,
    is_generic,
    read_table,
    spellings,
    write_table,
)

SHARED_INDEX = Path(__file__).resolve().parents[3] / "shared" / "data" / "icd10cm-index"
SHIPPED = Path(__file__).resolve().parents[2] / "src" / "codesuggest" / "codesets" / "data" / TABLE

_INDEX = ["RowID", "Letter", "Level", "Term", "See", "SeeAlso", "NonEssModif", "Code"]
_NEO = [
    "RowID",
    "Level",
    "Term",
    "SeeAlso",
    "NonEssModif",
    "MalignantPrimary",
    "MalignantSecondary",
    "CaInSitu",
    "Benign",
    "UncertainBehavior",
    "UnspecifiedBehavior",
]
_DRUG = [
    "RowID",
    "Letter",
    "Level",
    "Term",
    "SeeAlso",
    "NonEssModif",
    "PoisoningAccidental",
    "PoisoningIntentionalSelfHarm",
    "PoisoningAssault",
    "PoisoningUndetermined",
    "AdverseEffect",
    "Underdosing",
]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for i, row in enumerate(rows, start=1):
            writer.writerow([str(i), *row])


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    _write(
        tmp_path / "index.csv",
        _INDEX,
        [
            ["H", "0", "Hypertension, hypertensive", "", "", "(accelerated) (benign)", "I10"],
            ["H", "1", "with", "", "", "", ""],
            ["H", "2", "heart failure", "", "", "(congestive)", "I11.0"],
            ["H", "1", "specified NEC", "", "", "", "I15.8"],
            ["H", "2", "renal", "", "", "", "I15.0"],
            ["H", "1", "due to", "", "", "", "I15.9"],
            ["A", "0", "Attack, attacks", "", "", "", ""],
            ["A", "1", "heart", "Infarct, myocardium", "", "", ""],
            ["I", "0", "Infarct, infarction", "", "", "", ""],
            ["I", "1", "myocardium, myocardial", "", "", "(acute)", "I21.9"],
            ["D", "0", "Deafness", "", "", "", "H91.9-"],
        ],
    )
    _write(
        tmp_path / "neoplasms.csv",
        _NEO,
        [
            [
                "0",
                "Neoplasm, neoplastic",
                "",
                "",
                "C80.1",
                "C79.9",
                "D09.9",
                "D36.9",
                "D48.9",
                "D49.9",
            ],
            ["1", "breast", "", "", "C50.9-", "C79.81", "D05.9-", "D24.-", "D48.6-", "D49.3"],
        ],
    )
    _write(
        tmp_path / "drugs.csv",
        _DRUG,
        [
            [
                "L",
                "0",
                "Lisinopril",
                "",
                "",
                "T46.4X1",
                "T46.4X2",
                "T46.4X3",
                "T46.4X4",
                "T46.4X5",
                "--",
            ]
        ],
    )
    _write(
        tmp_path / "external_causes.csv",
        _INDEX,
        [
            ["F", "0", "Fall, falling", "", "", "(accidental)", "W19"],
            ["F", "1", "from, off, out of", "", "", "", ""],
            ["F", "2", "ladder", "", "", "", "W11"],
        ],
    )
    return tmp_path


def test_terms_are_read_without_nonessential_modifiers_and_generic_words() -> None:
    assert clean_term("Pneumonia (acute) (double)") == "Pneumonia"
    assert clean_term("basilar NEC") == "basilar"
    assert spellings("Hypertension, hypertensive") == ["Hypertension", "hypertensive"]
    assert spellings("Hypertriglyceridemia, essential") == ["Hypertriglyceridemia essential"]
    assert spellings("from, off, out of") == []  # a connector adds no word
    assert is_generic("specified NEC") and is_generic("unspecified site")
    assert not is_generic("renal")


def test_codes_keep_incomplete_codes_without_their_dash() -> None:
    assert code_of("H93.29-") == "H93.29"
    assert code_of("D24.-") == "D24"
    assert code_of("--") == "" and code_of("-") == "" and code_of("") == ""


def test_paths_spellings_and_see_references(folder: Path) -> None:
    rows = convert(folder)
    by_words = {(r.words.lower(), r.code) for r in rows}
    assert ("hypertension", "I10") in by_words
    assert ("hypertensive", "I10") in by_words
    assert ("hypertension heart failure", "I11.0") in by_words  # "with" adds no word
    path = next(r.path for r in rows if r.code == "I11.0")
    assert path == "Hypertension, hypertensive > with > heart failure"
    # a "specified NEC" subterm, what lies under it and a bare connector are not matchable
    assert not {r.code for r in rows} & {"I15.8", "I15.0", "I15.9"}
    # "see Infarct, myocardium" follows the reference to its code
    assert ("attack heart", "I21.9") in by_words
    assert ("deafness", "H91.9") in by_words


def test_neoplasm_behaviours_and_drug_effects_need_their_words(folder: Path) -> None:
    rows = convert(folder)
    by_words = {(r.words.lower(), r.code) for r in rows}
    assert ("breast cancer", "C50.9") in by_words
    assert ("breast metastatic", "C79.81") in by_words
    assert ("breast carcinoma in situ", "D05.9") in by_words
    assert ("cancer", "C80.1") in by_words  # the table's own row, no site
    assert ("lisinopril induced", "T46.4X5") in by_words
    assert ("lisinopril overdose", "T46.4X1") in by_words
    assert not any(w == "lisinopril" for w, _ in by_words)  # a medication list is no injury
    assert all(code != "--" for _, code in by_words)
    assert ("fall ladder", "W11") in by_words


def test_written_table_reads_back_and_is_byte_stable(folder: Path, tmp_path: Path) -> None:
    rows = convert(folder)
    first, second = tmp_path / "a.tsv.gz", tmp_path / "b.tsv.gz"
    assert write_table(rows, first) == len(rows)
    write_table(rows, second)
    assert first.read_bytes() == second.read_bytes()
    assert list(read_table(first.read_bytes())) == rows
    assert isinstance(rows[0], IndexRow)
    assert {r.table for r in rows} >= {"neoplasm", "drug"}


def test_shipped_table_is_what_the_converter_makes_of_the_release(tmp_path: Path) -> None:
    if not SHARED_INDEX.is_dir():
        pytest.skip(f"the Alphabetic Index CSV release is not at {SHARED_INDEX}")
    out = tmp_path / TABLE
    write_table(convert(SHARED_INDEX), out)
    assert out.read_bytes() == SHIPPED.read_bytes(), "rerun training/convert_index.py"


def test_main_terms_printed_with_a_second_form_are_said_either_way() -> None:
    assert spellings("Tear, torn") == ["Tear", "torn"]
    # a fracture not stated pathological is traumatic: "Fracture" alone says it
    assert spellings("Fracture, traumatic") == ["Fracture"]
    assert spellings("Fracture, pathological") == ["Fracture pathological"]


def test_passable_subterms_are_optional_above_a_deeper_subterm(tmp_path: Path) -> None:
    _write(
        tmp_path / "index.csv",
        _INDEX,
        [
            ["F", "0", "Fracture, traumatic", "", "", "", "T14.8"],
            ["F", "1", "humerus", "", "", "", "S42.30"],
            ["F", "2", "lower end", "", "", "", "S42.40"],
            ["F", "3", "supracondylar", "", "", "", "S42.41-"],
            ["T", "0", "Tear, torn", "", "", "", ""],
            ["T", "1", "meniscus", "", "", "", "S83.20-"],
        ],
    )
    _write(
        tmp_path / "neoplasms.csv",
        _NEO,
        [
            ["0", "Neoplasm, neoplastic", "", "", "C80.1", "", "", "", "", ""],
            ["1", "cheek", "", "", "C76.0", "", "", "", "", ""],
            ["2", "external", "", "", "C44.309", "", "", "", "", ""],
            ["3", "basal cell carcinoma", "", "", "C44.319", "", "", "", "", ""],
            ["3", "squamous cell carcinoma", "", "", "C44.329", "", "", "", "", ""],
        ],
    )
    _write(tmp_path / "drugs.csv", _DRUG, [])
    _write(tmp_path / "external_causes.csv", _INDEX, [])
    by_words = {(r.words.lower(), r.code) for r in convert(tmp_path)}
    assert ("fracture humerus supracondylar", "S42.41") in by_words
    assert ("fracture humerus lower end supracondylar", "S42.41") in by_words
    assert ("fracture humerus lower end", "S42.40") in by_words  # the last term stays
    assert ("fracture humerus", "S42.40") not in by_words
    assert ("torn meniscus", "S83.20") in by_words and ("tear meniscus", "S83.20") in by_words
    # a basal cell carcinoma is of the skin: "external" is optional above it only
    assert ("cheek basal cell carcinoma cancer", "C44.319") in by_words
    assert ("cheek squamous cell carcinoma cancer", "C44.329") not in by_words
    assert ("cheek external squamous cell carcinoma cancer", "C44.329") in by_words
