"""Uncertain diagnoses of an inpatient stay are coded as if established (OCG II.H)."""

from __future__ import annotations

from codesuggest.engine import Engine
from codesuggest.extract.uncertain import (
    INPATIENT_UNCERTAIN,
    establish_uncertain,
    inpatient_settings,
    is_inpatient,
)
from codesuggest.types import Assertion, Mention, Note

TEXT = "Impression: probable Guillain-Barre syndrome. Plan: IVIG."


def _mention(assertion: Assertion, basis: str = "") -> Mention:
    return Mention(
        0, 4, "term", "none", assertion, ("G61.0",), "contiguous", "title", 1, basis=basis
    )


def test_inpatient_settings_are_data() -> None:
    assert "inpatient" in inpatient_settings()
    assert is_inpatient("Inpatient") and is_inpatient(" discharge  summary ")
    assert not is_inpatient("outpatient") and not is_inpatient("ed") and not is_inpatient(None)


def test_possible_mentions_of_an_inpatient_stay_are_present() -> None:
    mentions = [
        _mention(Assertion.POSSIBLE),
        _mention(Assertion.NEGATED),
        _mention(Assertion.FAMILY),
    ]
    out = establish_uncertain(mentions, "inpatient")
    assert [m.assertion for m in out] == [Assertion.PRESENT, Assertion.NEGATED, Assertion.FAMILY]
    assert out[0].basis == INPATIENT_UNCERTAIN
    assert establish_uncertain(mentions, "outpatient") == mentions  # OCG IV.H


def test_engine_codes_a_probable_diagnosis_of_an_inpatient_stay_only(engine: Engine) -> None:
    inpatient = engine.suggest(Note(TEXT, setting="inpatient"), top=20).suggestions
    outpatient = engine.suggest(Note(TEXT, setting="outpatient"), top=20).suggestions
    gbs_in = next(s for s in inpatient if s.code == "G61.0")
    assert all(e.assertion == "present" for e in gbs_in.evidence)
    assert gbs_in.recommended
    assert any("OCG II.H" in f for f in gbs_in.flags)  # the coder is told why
    gbs_out = next((s for s in outpatient if s.code == "G61.0"), None)
    assert gbs_out is None or not gbs_out.recommended  # OCG IV.H


def test_a_pending_test_is_no_uncertain_diagnosis() -> None:
    pending = Mention(
        0, 4, "term", "none", Assertion.POSSIBLE, ("B96.81",), "contiguous", "title", 1,
        cues=("pending",),
    )  # fmt: skip
    probable = Mention(
        0, 4, "term", "none", Assertion.POSSIBLE, ("G61.0",), "contiguous", "title", 1,
        cues=("probable",),
    )  # fmt: skip
    out = establish_uncertain([pending, probable], "inpatient")
    assert [m.assertion for m in out] == [Assertion.POSSIBLE, Assertion.PRESENT]


def test_mentions_carry_the_cues_that_made_them_possible(engine: Engine) -> None:
    from codesuggest.extract.mentions import doc_mentions

    doc = engine.nlp("Probable pneumonia. H. pylori serology sent, pending.")
    found = {m.text.lower(): m.cues for m in doc_mentions(doc, engine.index)}
    assert found["pneumonia"] == ("probable",)
    assert any("pending" in cues or "serology" in cues for cues in found.values())
