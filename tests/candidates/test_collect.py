"""Collecting a note's candidates: the codes its mentions propose, then apart the codes only
Alphabetic Index entries inside longer terms propose (``inner`` mentions), and the learned
scores joining them."""

from __future__ import annotations

import pytest

from codesuggest.candidates.base import Candidate, held_back, inner_only
from codesuggest.candidates.collect import mark_proposed, set_context
from codesuggest.candidates.learned import LearnedScore, label
from codesuggest.codesets.icd10cm import SYSTEM
from codesuggest.engine import Engine
from codesuggest.types import INNER, LOOSE, Assertion

# medspaCy's sectionizer makes spaCy warn W036 on every call (see tests/extract/test_terms.py)
pytestmark = pytest.mark.filterwarnings(r"ignore:\[W036\]:UserWarning")


def _collect(engine: Engine, text: str) -> dict[str, Candidate]:
    doc = engine.nlp(text)
    return {c.code: c for c in engine.extraction.collect(doc)}


def test_collect_inner_mentions_propose_codes_no_mention_names(engine: Engine) -> None:
    found = _collect(engine, "Patient denies chest pain.")
    assert not inner_only(found["R07.9"])
    pain = found["R52"]  # "Pain" of the index, inside "chest pain"
    assert inner_only(pain)
    assert [m.kind for m in pain.mentions] == [INNER]
    assert pain.mentions[0].assertion is Assertion.NEGATED
    assert pain.title and pain.billable
    # the note counts its own mentions only
    assert pain.note_mentions == found["R07.9"].note_mentions == 1


def test_collect_inner_mentions_leave_the_codes_of_the_notes_mentions_as_they_are(
    engine: Engine,
) -> None:
    # "anemia" inside "iron deficiency anemia", and said alone in the next sentence
    found = _collect(engine, "Iron deficiency anemia. Anemia is worse.")
    assert not inner_only(found["D50.9"])
    anemia = found["D64.9"]
    assert not inner_only(anemia)
    assert all(m.kind != INNER for m in anemia.mentions)
    assert [m.text for m in anemia.mentions] == ["Anemia"]


def test_collect_inner_categories_propose_their_default_children(engine: Engine) -> None:
    # an inner category goes through the hierarchy as any match: its billable default child
    found = _collect(engine, "Family history: mother had colon cancer.")
    assert inner_only(found["C80.1"])
    assert "Z80.0" in found and not inner_only(found["Z80.0"])
    # the history generator reads the note's own mentions only: no family history of "cancer"
    assert all(not inner_only(c) or "history" not in c.sources for c in found.values())


def test_mark_proposed_lets_an_inner_only_code_the_model_proposes_stand(engine: Engine) -> None:
    found = _collect(engine, "Patient denies chest pain.")
    mark_proposed(list(found.values()), [label(SYSTEM, "R52"), label(SYSTEM, "R07.9")])
    assert "learned" in found["R52"].sources  # inner only, and proposed by the model
    assert "learned" not in found["R07.9"].sources  # a mention of its own: nothing to mark
    found = _collect(engine, "Patient denies chest pain.")
    mark_proposed(list(found.values()), [label(SYSTEM, "I10")])
    assert "learned" not in found["R52"].sources


def test_set_context_describes_codes_that_may_be_recommended_among_themselves(
    engine: Engine,
) -> None:
    # R52 ("pain" inside "chest pain") is held back: the others are described without it
    found = _collect(engine, "Patient denies chest pain. Hypertension.")
    for code, classifier in (("R52", 0.9), ("R07.9", 0.5), ("I10", 0.4)):
        found[code].learned = LearnedScore(classifier, 0.0, -1.0, 1, 0.0)
    cands = [found["R52"], found["R07.9"], found["I10"]]
    set_context(cands)
    assert [c.context.candidates for c in cands] == [3, 2, 2]
    assert [c.context.classifier_rank for c in cands] == [1, 1, 2]
    # once the model proposes it itself, it is described among them, and they beside it
    mark_proposed(cands, [label(SYSTEM, "R52")])
    set_context(cands)
    assert [c.context.classifier_rank for c in cands] == [1, 2, 3]


def test_collect_reads_procedures_only_when_asked(engine: Engine) -> None:
    text = "Laparoscopic cholecystectomy for acute cholecystitis with cholelithiasis."
    doc = engine.nlp(text)
    every = engine.extraction.collect(doc, text=text)
    assert any(c.system == "ICD-10-PCS" for c in every)
    doc = engine.nlp(text)
    cm = engine.extraction.collect(doc, text=text, procedures=False)
    assert cm and all(c.system == SYSTEM for c in cm)
    assert [c.code for c in cm] == [c.code for c in every if c.system == SYSTEM]


def test_engine_diagnoses_alone_are_those_of_every_system_less_procedures(engine: Engine) -> None:
    # asked for ICD-10-CM only, the engine skips the procedures: the same diagnoses either way
    text = (
        "Laparoscopic cholecystectomy for acute cholecystitis. CT of the brain for zoster "
        "with a rash. History of hypertension on lisinopril."
    )
    every = engine.suggest(text, top=40).to_dict()["suggestions"]
    cm = engine.suggest(text, top=40, systems=frozenset({SYSTEM})).to_dict()["suggestions"]
    assert cm == [s for s in every if s["system"] == SYSTEM][: len(cm)]
    assert any(s["system"] == "ICD-10-PCS" for s in every)


def test_collect_loose_mentions_propose_codes_held_back(engine: Engine) -> None:
    # "chest" and "pain" far apart in one sentence: no finding of chest pain, only a code
    # for the coder to see; "pain" itself is read as ever
    text = "Pain that began yesterday evening after a heavy dinner, mostly in the chest."
    found = _collect(engine, text)
    chest = found["R07.9"]
    assert [m.kind for m in chest.mentions] == [LOOSE]
    assert inner_only(chest) and held_back(chest)
    assert not inner_only(found["R52"])
