"""The sides a note states elsewhere: a code whose title leaves the side unspecified proposes its
siblings of those sides, ranked for the coder to see and never recommended on that alone."""

from __future__ import annotations

import pytest

from codesuggest.candidates.base import Candidate, held_back, side_elsewhere
from codesuggest.candidates.laterality import (
    LateralityCandidates,
    side_key,
    side_words,
    sides_for,
)
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.engine import Engine
from codesuggest.rules.finish import SIDE_ELSEWHERE

pytestmark = pytest.mark.filterwarnings(r"ignore:\[W036\]:UserWarning")


def _collect(engine: Engine, text: str) -> dict[str, Candidate]:
    doc = engine.nlp(text)
    return {c.code: c for c in engine.extraction.collect(doc)}


def test_side_key_puts_every_side_in_one_slot() -> None:
    left = side_key("Vitreous degeneration, left eye")
    unstated = side_key("Vitreous degeneration, unspecified eye")
    both = side_key("Vitreous degeneration, bilateral")
    assert left[0] == unstated[0] == both[0]
    assert (left[1], unstated[1], both[1]) == (("left",), (), ("bilateral",))
    # words other than the side keep titles apart
    assert (
        side_key("Displaced fracture of shaft of right femur")[0]
        != side_key("Nondisplaced fracture of shaft of unspecified femur")[0]
    )


def test_side_words_are_data_and_eye_abbreviations_state_an_eye_only() -> None:
    words = side_words()
    assert words["right"].side == "right" and not words["right"].prefixes
    marks = frozenset({"od", "left"})
    assert sides_for(marks, "H43.819") == {"right", "left"}  # an eye: "OD" is the right one
    assert sides_for(marks, "M25.569") == {"left"}  # a knee: "OD" says nothing of it


def test_siblings_only_of_codes_whose_side_is_unspecified(cs: Icd10Cm) -> None:
    gen = LateralityCandidates(cs)
    assert dict(gen.siblings("H43.819")) == {
        "H43.811": {"right"},
        "H43.812": {"left"},
        "H43.813": {"bilateral"},
    }
    assert gen.siblings("H43.812") == ()  # its side is stated
    assert gen.siblings("I10") == ()  # no side in its title
    assert gen.siblings("H43.81") == ()  # not billable: the hierarchy proposes its children
    assert gen.siblings("Q99.99") == ()  # not a code


def test_a_side_in_another_sentence_proposes_that_sides_code(engine: Engine) -> None:
    found = _collect(
        engine, "Vitreous degeneration on fundus exam. Visual acuity of the left eye 20/40."
    )
    assert "H43.819" in found
    left = found["H43.812"]
    assert left.sources == {"laterality"} and side_elsewhere(left) and held_back(left)
    assert [m.text for m in left.mentions] == [m.text for m in found["H43.819"].mentions]
    assert "H43.811" not in found  # a side the note does not state
    assert "laterality" not in found.get("H43.813", Candidate("H43.813")).sources


def test_od_states_the_right_eye(engine: Engine) -> None:
    found = _collect(engine, "Vitreous degeneration noted. IOP 18 mmHg OD.")
    assert "H43.811" in found and "H43.812" not in found


def test_a_note_that_states_no_side_proposes_no_sided_sibling(engine: Engine) -> None:
    found = _collect(engine, "Vitreous degeneration on fundus exam.")
    assert "H43.819" in found
    assert not any(side_elsewhere(c) for c in found.values())


def test_the_sentences_side_is_the_hierarchys_not_a_guess(engine: Engine) -> None:
    found = _collect(engine, "Vitreous degeneration of the left eye.")
    assert "H43.812" in found and not side_elsewhere(found["H43.812"])


def test_a_side_stated_elsewhere_is_ranked_but_never_recommended(engine: Engine) -> None:
    # the note states both sides: which one the degeneration is of, it does not say
    result = engine.suggest(
        "Vitreous degeneration on fundus exam. Left eye acuity 20/40, right eye 20/20.", top=50
    )
    sided = [s for s in result.suggestions if s.code in ("H43.811", "H43.812")]
    assert {s.code for s in sided} == {"H43.811", "H43.812"}
    assert all(not s.recommended and SIDE_ELSEWHERE in s.flags for s in sided)
