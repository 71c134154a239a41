"""A drug class's adverse effect becomes the code of the class's drug the note names."""

from __future__ import annotations

import pytest

from codesuggest.candidates.base import Candidate
from codesuggest.candidates.drug_class import (
    EFFECTS_FILE,
    DrugClassCandidates,
    build_drug_effects,
    drug_effects,
    is_adverse_effect,
    write_drug_effects,
)
from codesuggest.codesets.alpha_index import drug_aliases, index_rows
from codesuggest.codesets.data_files import data_text
from codesuggest.engine import Engine
from codesuggest.types import Assertion, Mention
from tests.utils.support import supported

pytestmark = pytest.mark.filterwarnings(r"ignore:\[W036\]:UserWarning")


def _mention(
    text: str, codes: tuple[str, ...], assertion: Assertion = Assertion.PRESENT
) -> Mention:
    return Mention(0, 1, text, "", assertion, codes, "exact", "synonym", len(text.split()))


def test_adverse_effect_codes_are_the_sixth_character_5_of_t36_t50() -> None:
    assert is_adverse_effect("T39.395A") and is_adverse_effect("T46.1X5A")
    assert not is_adverse_effect("T39.391A")  # poisoning
    assert not is_adverse_effect("T39.395D")  # subsequent encounter
    assert not is_adverse_effect("T51.0X1A")  # alcohol: no adverse effect column


def test_shipped_drug_effects_are_what_the_table_and_aliases_give() -> None:
    effects = build_drug_effects(index_rows(), drug_aliases())
    assert data_text(EFFECTS_FILE) == write_drug_effects(effects), "rerun convert_index.py"
    assert effects["naproxen"] == "T39.315A"
    assert effects["amlodipine"] == "T46.1X5A"  # an alias takes its entry's code
    assert "nsaid" not in effects  # an alias of a class names no drug


def test_class_candidate_becomes_the_named_drugs_code() -> None:
    assert drug_effects()["ibuprofen"] == "T39.315A"
    induced = _mention("NSAID-induced", ("T39.395A",))
    drug = _mention("taking ibuprofen", ("Z79.1",))
    pool = {"T39.395A": Candidate("T39.395A", supported([induced]), sources={"lexicon"})}
    DrugClassCandidates().add([induced, drug], pool)
    assert "T39.395A" not in pool
    assert pool["T39.315A"].mentions == (induced, drug)
    assert pool["T39.315A"].sources == {"lexicon"}


@pytest.mark.parametrize(
    "other",
    [
        _mention("taking aspirin", ("Z79.82",)),  # another subcategory (T39.0): not the class's
        _mention("no ibuprofen", ("Z79.1",), Assertion.NEGATED),  # not taken
    ],
)
def test_class_candidate_stays_without_a_drug_of_the_class(other: Mention) -> None:
    induced = _mention("NSAID-induced", ("T39.395A",))
    pool = {"T39.395A": Candidate("T39.395A", supported([induced]))}
    DrugClassCandidates().add([induced, other], pool)
    assert set(pool) == {"T39.395A"}


def _codes(engine: Engine, text: str) -> set[str]:
    doc = engine.nlp(text)
    found = engine.extraction.collect(doc)
    return {c.code for c in found}


def test_a_drugs_own_code_is_not_turned_into_its_class(engine: Engine) -> None:
    text = "Gastritis, ibuprofen-induced. Long history of NSAID use."
    codes = _codes(engine, text)
    assert "T39.315A" in codes


def test_note_stating_the_class_codes_the_drug(engine: Engine) -> None:
    text = "Duodenal ulcer with bleeding, NSAID-related. He takes naproxen daily for arthritis."
    codes = _codes(engine, text)
    assert "T39.315A" in codes
    assert "T39.395A" not in codes
