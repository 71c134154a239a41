"""Morphology words of the Alphabetic Index and the Neoplasm Table behaviour each one says."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from codesuggest.codesets.index_convert import read_rows
from codesuggest.codesets.neoplasm_morphology import (
    MORPHOLOGY_FILE,
    build_morphology,
    write_morphology,
)
from codesuggest.extract.normalize import content_words, token_words

SHARED_INDEX = Path(__file__).resolve().parents[3] / "shared" / "data" / "icd10cm-index"


def _row(
    level: int, term: str, see: str = "", see_also: str = "", code: str = ""
) -> dict[str, str]:
    return {"Level": str(level), "Term": term, "See": see, "SeeAlso": see_also, "Code": code}


def test_a_main_terms_reference_into_the_table_names_its_behaviour() -> None:
    rows = [
        _row(0, "Adenoma", see_also="Neoplasm, benign, by site"),
        _row(1, "adrenal", code="D35.00"),
        _row(0, "Sarcoma (of)", see_also="Neoplasm, connective tissue, malignant"),
        _row(0, "Teratoma", see_also="Neoplasm,  uncertain behavior, by site"),
    ]
    assert build_morphology(rows) == {
        "adenoma": ("benign neoplasm", "Neoplasm, benign, by site"),
        "sarcoma": ("malignant neoplasm", "Neoplasm, connective tissue, malignant"),
        "teratoma": ("neoplasm of uncertain behavior", "Neoplasm, uncertain behavior, by site"),
    }


def test_a_specified_site_subterm_names_its_main_terms_behaviour() -> None:
    rows = [
        _row(0, "Glioma (malignant)"),
        _row(1, "astrocytic"),
        _row(2, "specified site", see="Neoplasm, malignant, by site"),  # too deep: a subtype
        _row(1, "specified site NEC", see="Neoplasm,  malignant, by site"),
        _row(1, "subependymal", code="D43.2"),
    ]
    assert build_morphology(rows) == {
        "glioma": ("malignant neoplasm", "Neoplasm, malignant, by site")
    }


def test_other_references_and_phrases_name_no_behaviour() -> None:
    rows = [
        _row(0, "Lithiasis", see="Calculus"),  # not the Neoplasm Table
        _row(0, "Acrospiroma, eccrine", see="Neoplasm, skin, benign"),  # not one word
        _row(0, "Adenocarcinoma-in-situ", see_also="Neoplasm, in situ, by site"),  # nor here
        _row(0, "Neoplasia", code=""),  # no reference at all
        _row(0, "Tumorlet", see="Neoplasm, by site"),  # no behaviour named
    ]
    assert build_morphology(rows) == {}


def test_the_first_entry_of_a_word_decides() -> None:
    rows = [
        _row(0, "Myoma", see_also="Neoplasm, connective tissue, benign"),
        _row(0, "Myoma", see_also="Neoplasm, malignant, by site"),
    ]
    assert build_morphology(rows)["myoma"][0] == "benign neoplasm"


def test_shipped_file_is_what_the_converter_makes_of_the_release() -> None:
    if not SHARED_INDEX.is_dir():
        pytest.skip(f"the Alphabetic Index CSV release is not at {SHARED_INDEX}")
    built = write_morphology(build_morphology(read_rows(SHARED_INDEX / "index.csv")))
    shipped = resources.files("codesuggest.extract").joinpath("data", MORPHOLOGY_FILE)
    assert shipped.read_text("utf-8") == built, "rerun training/convert_index.py"


def test_a_morphology_word_also_says_its_behaviour() -> None:
    assert token_words("sarcoma") == ("sarcoma", "malignant", "neoplasm")
    assert token_words("adenoma") == ("adenoma", "benign", "neoplasm")
    assert token_words("teratoma") == ("teratoma", "neoplasm", "uncertain", "behavior")
    # our own equivalents decide where they speak: "carcinoma" is said as before
    assert token_words("carcinoma") == ("malignant", "neoplasm")
    # a phrase and the note's tokens agree
    assert content_words("sarcoma of the penis") == ["sarcoma", "malignant", "neoplasm", "penis"]
