"""Mentions: lexicon matches with offsets, section and ConText assertion (full pipeline)."""

from __future__ import annotations

import pytest
import spacy

from codesuggest.engine import Engine
from codesuggest.extract.current import PAST
from codesuggest.extract.mentions import assertion_of, doc_mentions, located_matches
from codesuggest.types import INNER, Assertion, Mention

# medspaCy's sectionizer makes spaCy warn W036 on every call (see tests/extract/test_terms.py)
pytestmark = pytest.mark.filterwarnings(r"ignore:\[W036\]:UserWarning")


def _mentions(engine: Engine, text: str) -> list[Mention]:
    return doc_mentions(engine.nlp(text), engine.index)


def _only(engine: Engine, text: str, code: str) -> Mention:
    found = [m for m in _mentions(engine, text) if code in m.codes]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "code", "assertion"),
    [
        ("Patient denies chest pain.", "R07.9", Assertion.NEGATED),
        ("No evidence of pneumonia.", "J18.9", Assertion.NEGATED),
        ("Her sister had breast cancer.", "C50.919", Assertion.FAMILY),
        ("History of MI.", "I21.9", Assertion.HISTORICAL),
        ("Possible pneumonia.", "J18.9", Assertion.POSSIBLE),
        ("Return if chest pain develops.", "R07.9", Assertion.HYPOTHETICAL),
        ("He has chest pain.", "R07.9", Assertion.PRESENT),
        ("Acute MI.", "I21.9", Assertion.PRESENT),
    ],
)
def test_mentions_context_assertion(
    engine: Engine, text: str, code: str, assertion: Assertion
) -> None:
    assert _only(engine, text, code).assertion is assertion


def test_mentions_family_history_section_gives_family(engine: Engine) -> None:
    found = _mentions(engine, "Family history:\nBreast cancer. Colon cancer.")
    assert [(m.text, m.section, m.assertion) for m in found] == [
        ("Breast cancer", "family_history", Assertion.FAMILY),
        ("Colon cancer", "family_history", Assertion.FAMILY),
    ]


def test_mentions_past_history_section_then_assessment(engine: Engine) -> None:
    found = _mentions(engine, "Past medical history:\nAppendicitis.\n\nAssessment:\nPneumonia.")
    assert [(m.text, m.section, m.assertion) for m in found] == [
        ("Appendicitis", "past_medical_history", Assertion.HISTORICAL),
        ("Pneumonia", "observation_and_plan", Assertion.PRESENT),
    ]


def test_mentions_without_inside_a_term_does_not_negate_it(engine: Engine) -> None:
    m = _only(engine, "Type 2 diabetes mellitus without complications.", "E11.9")
    assert m.assertion is Assertion.PRESENT
    assert m.text == "Type 2 diabetes mellitus without complications"
    assert m.kind == "contiguous"
    assert m.n_words == 6


def test_mentions_without_after_a_term_does_not_negate_it(engine: Engine) -> None:
    assert _only(engine, "Pneumonia without complications.", "J18.9").assertion is Assertion.PRESENT


def test_mentions_negation_does_not_cross_sentences(engine: Engine) -> None:
    found = _mentions(engine, "No fever. Chest pain since morning.")
    by_code = {c: m.assertion for m in found for c in m.codes}
    assert by_code["R50.9"] is Assertion.NEGATED
    assert by_code["R07.9"] is Assertion.PRESENT


def test_mentions_lexicon_names_family_history_code_itself(engine: Engine) -> None:
    [m] = _mentions(engine, "Mother had breast cancer.")
    assert m.codes == ("Z80.3",)
    assert m.source == "plain"


def test_mentions_offsets_slice_the_text(engine: Engine) -> None:
    text = "Assessment: Type 2 diabetes mellitus without complications.\nEssential hypertension."
    found = _mentions(engine, text)
    assert [m.codes for m in found] == [("E11.9",), ("I10",)]
    for m in found:
        assert text[m.start : m.end] == m.text
    assert [m.sentence for m in found] == [0, 1]
    assert found[1].source == "synonym"


def test_mentions_upper_only_abbreviation(engine: Engine) -> None:
    assert [m.codes for m in _mentions(engine, "History of MI.")] == [("I21.9",)]
    assert _mentions(engine, "Mi casa es su casa.") == []


def test_mentions_empty_note(engine: Engine) -> None:
    assert _mentions(engine, "") == []


def test_mentions_hpi_header_does_not_make_findings_historical(engine: Engine) -> None:
    found = _mentions(
        engine, "History of present illness: 60-year-old woman with 3 days of nausea."
    )
    assert [(m.codes, m.assertion) for m in found] == [(("R11.0",), Assertion.PRESENT)]


def test_assertion_of_section_default() -> None:
    doc = spacy.blank("en")("breast cancer")
    span = doc[0:2]
    assert assertion_of(span, "family_history") is Assertion.FAMILY
    assert assertion_of(span, "past_medical_history") is Assertion.HISTORICAL
    assert assertion_of(span, "patient_instructions") is Assertion.HYPOTHETICAL
    assert assertion_of(span, "none") is Assertion.PRESENT
    assert assertion_of(span, "past_medical_history", ("I10",)) is Assertion.PRESENT
    assert assertion_of(span, "allergy", ("Z88.0",)) is Assertion.PRESENT
    assert assertion_of(span, "allergy", ("R21",)) is Assertion.HYPOTHETICAL


def test_mentions_family_history_section_wins_over_history_cue(engine: Engine) -> None:
    text = "PAST MEDICAL HISTORY: Asthma.\n\nFAMILY HISTORY: Father had colon cancer.\n"
    found = [m for m in _mentions(engine, text) if "colon" in m.text.lower()]
    assert found
    assert all(m.section == "family_history" for m in found)
    assert all(m.assertion is not Assertion.HISTORICAL for m in found)


def test_mentions_sections_we_added_to_medspacy(engine: Engine) -> None:
    text = "LABS AND STUDIES: Creatinine 1.8.\n\nASSESSMENT AND PLAN:\n1. Essential hypertension.\n"
    mention = _only(engine, text, "I10")
    assert mention.section == "observation_and_plan"


def test_mentions_prevention_is_hypothetical(engine: Engine) -> None:
    mention = _only(engine, "Start apixaban for stroke prevention.", "I63.9")
    assert mention.assertion is Assertion.HYPOTHETICAL


def test_mentions_read_context_flags_as_span_extensions_do(engine: Engine) -> None:
    """``doc_mentions`` reads ConText's flags from ``doc.user_data``: the same as ``span._``."""
    text = (
        "FAMILY HISTORY: Mother had breast cancer, no diabetes.\n"
        "Past medical history: MI, possible pneumonia.\n"
        "Patient denies chest pain. Return if chest pain develops. Acute MI in 2019.\n"
    )
    doc = engine.nlp(text)
    mentions = doc_mentions(doc, engine.index)
    by_span = [
        assertion_of(span, section, tuple(c for c, _ in engine.index.codes[m.key_id]))
        for m, span, section in located_matches(doc)
    ]
    assert [m.assertion for m in mentions] == by_span
    assert {Assertion.FAMILY, Assertion.NEGATED, Assertion.HYPOTHETICAL} <= set(by_span)
    assert [m.text for m in mentions] == [span.text for _, span, _ in located_matches(doc)]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Hx of appendectomy.", "Z90.49"),
        ("Status post right BKA.", "Z89.511"),
        ("Previously on warfarin.", "Z79.01"),
    ],
)
def test_mentions_past_cue_on_status_code_is_present_with_past_basis(
    engine: Engine, text: str, code: str
) -> None:
    mention = _only(engine, text, code)
    assert mention.assertion is Assertion.PRESENT
    assert mention.basis == PAST


def test_mentions_status_code_without_past_cue_has_no_past_basis(engine: Engine) -> None:
    assert _only(engine, "On warfarin for atrial fibrillation.", "Z79.01").basis == ""


def test_mentions_carry_their_sentence_marks_and_span(engine: Engine) -> None:
    text = (
        "Hypertension. Nondisplaced fracture of the right lateral malleolus, closed, and swelling."
    )
    doc = engine.nlp(text)
    mentions = doc_mentions(doc, engine.index)
    found = [m for m in mentions if "S82.6" in m.codes]
    assert len(found) == 1
    m = found[0]
    lo, hi = m.span
    sentence = [t for t in doc.sents][m.sentence]
    assert len(m.context) == len(sentence)
    # the span indexes the mention's tokens within its sentence
    assert sentence[lo:hi].text == m.text
    words = {w for marks in m.context for w in marks}
    assert {"nondisplaced", "right", "closed"} <= words
    assert "hypertension" not in words  # another sentence
    # mentions of one sentence share its marks
    others = [o for o in mentions if o.sentence == m.sentence]
    assert len(others) > 1
    assert all(o.context is m.context for o in others)


def test_mentions_allergy_section_splits_status_from_reaction(engine: Engine) -> None:
    # one key names the allergy status and the sting's toxic effect: only the status is present
    text = "ALLERGIES: Penicillin - rash. Bee stings - anaphylaxis."
    found = [m for m in _mentions(engine, text) if m.text == "Bee stings"]
    by_code = {c: m.assertion for m in found for c in m.codes}
    assert by_code["Z91.030"] is Assertion.PRESENT
    assert by_code["T63.441A"] is Assertion.HYPOTHETICAL
    assert len(found) == 2


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("Plan: outpatient stress test with PCP.", "Z73.3"),
        ("Blood and urine cultures pending.", "R31.9"),
        ("Fall precautions, PT/OT.", "W19.XXXA"),
        ("Movement disorders consult.", "G25.9"),  # a service's name
        ("Plan: PET-CT, then tumor board.", "D49.9"),  # a meeting
        ("Infectious disease consult for antibiotic choice.", "B99.9"),
        ("P: continue ICS-LABA, flu/COVID vaccines, RTC 6 mo.", "U07.1"),  # vaccines
        ("P: continue ICS-LABA, flu/COVID vaccines, RTC 6 mo.", "J11.1"),
        ("Tetanus 2 yrs ago. Sensation intact.", "A35"),  # the shot, not the disease
        ("Tetanus up to date.", "A35"),
        ("Shingles vaccine series completed.", "B02.9"),
    ],
)
def test_mentions_nonfinding_phrase_hides_the_finding_inside(
    engine: Engine, text: str, hidden: str
) -> None:
    assert not [m for m in _mentions(engine, text) if hidden in m.codes]


def test_mentions_a_vaccine_given_is_still_an_immunization(engine: Engine) -> None:
    assert any("Z23" in m.codes for m in _mentions(engine, "Flu shot given today."))


def _with_inner(engine: Engine, text: str) -> tuple[list[Mention], list[Mention]]:
    inner: list[Mention] = []
    return doc_mentions(engine.nlp(text), engine.index, inner), inner


def test_mentions_index_entry_inside_a_longer_term_is_an_inner_mention(engine: Engine) -> None:
    text = "Patient denies chest pain."
    outer, inner = _with_inner(engine, text)
    # the note's own mentions are as they were without asking for inner ones
    assert outer == _mentions(engine, text)
    assert [m.codes for m in outer] == [("R07.9",)]
    [m] = [m for m in inner if "R52" in m.codes]  # "Pain" in the Alphabetic Index
    assert m.kind == INNER
    assert text[m.start : m.end] == m.text == "pain"
    # the cues of the term around it are its own: "denies chest pain" denies the pain
    assert m.assertion is Assertion.NEGATED
    assert engine.index.paths[m.key, "R52"] == "Pain"


def test_mentions_inner_mentions_take_the_section_of_the_term_around_them(
    engine: Engine,
) -> None:
    _, inner = _with_inner(engine, "Family history: mother had colon cancer.")
    assert inner and all(m.assertion is Assertion.FAMILY for m in inner)
    assert {m.text for m in inner} == {"cancer"}


def test_mentions_nonfinding_phrase_holds_no_inner_mention(engine: Engine) -> None:
    outer, inner = _with_inner(engine, "Stress test was normal.")
    assert outer == [] and inner == []
