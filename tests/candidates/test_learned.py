"""The learned scorer: labels, categories, centroids and neighbours of coded notes."""

from __future__ import annotations

import pytest

from codesuggest.candidates.base import Candidate
from codesuggest.candidates.collect import set_context
from codesuggest.candidates.learned import (
    TOP_TERMS,
    LearnedScorer,
    category,
    first_words,
    learned_text,
    lexicon_words,
    note_words,
)
from codesuggest.types import Assertion, Mention
from tests.utils.support import supported

TEXTS = [
    "type 2 diabetes mellitus with poor control and polyuria",
    "diabetes mellitus type 2 on metformin, polyuria",
    "essential hypertension treated with enalapril",
    "arterial hypertension, enalapril dose raised",
    "type 1 diabetes with ketoacidosis and insulin pump",
]
LABELS = [
    {"ICD-10-CM|E11.9"},
    {"ICD-10-CM|E11.65"},
    {"ICD-10-CM|I10"},
    {"ICD-10-CM|I10", "ICD-10-PCS|BW03ZZZ"},
    {"ICD-10-CM|E10.10"},
]


@pytest.fixture(scope="module")
def scorer() -> LearnedScorer:
    return LearnedScorer(top=3, neighbours=2).fit(TEXTS, LABELS)


def test_category_of_each_system() -> None:
    assert category("ICD-10-CM|E11.65") == "ICD-10-CM|E11"
    assert category("ICD-10-PCS|BW03ZZZ") == "ICD-10-PCS|BW03"


def test_scores_rank_the_right_label_and_category(scorer: LearnedScorer) -> None:
    [scores] = scorer.score(["hypertension, enalapril"])
    assert scores.labels[0] == "ICD-10-CM|I10"
    i10 = scores.get("ICD-10-CM|I10")
    e11 = scores.get("ICD-10-CM|E11.9")
    assert i10 is not None and e11 is not None
    assert i10.rank == 1 and i10.gap == 0.0
    assert i10.classifier > e11.classifier
    assert i10.centroid > e11.centroid and i10.neighbours > e11.neighbours
    assert i10.category > e11.category
    # the words behind the score: its strongest word, and how many words support it
    assert i10.top_word > e11.top_word and i10.words >= 1


def test_a_note_without_known_words_has_no_word_evidence(scorer: LearnedScorer) -> None:
    [scores] = scorer.score(["zzz qqq"])
    s = scores.get("ICD-10-CM|I10")
    assert s is not None and s.top_word == 0.0 and s.words == 0 and s.terms == ()


def test_terms_are_the_notes_own_words_that_drove_a_label() -> None:
    # the scorer reads the lexicon's words too ("lxi10"): they are not the note's words
    texts = [f"{t}\nlxi10 lci10" if "hypertension" in t else t for t in TEXTS]
    scorer = LearnedScorer(top=3, neighbours=2).fit(texts, LABELS)
    [scores] = scorer.score(["arterial hypertension on enalapril\nlxi10 lci10"])
    i10 = scores.get("ICD-10-CM|I10")
    e11 = scores.get("ICD-10-CM|E11.9")
    assert i10 is not None and e11 is not None
    assert 1 <= len(i10.terms) <= TOP_TERMS
    assert set(i10.terms) <= {"arterial", "hypertension", "enalapril"}
    assert e11.terms == ()  # no word of this note goes with diabetes
    assert "_vocabulary_cache" not in scorer.__getstate__()  # a cache, never saved


def test_terms_are_never_cue_words_or_numbers() -> None:
    texts = [f"denies 150 {t}" for t in TEXTS]  # in every note: weighed, but no finding
    scorer = LearnedScorer(top=3, neighbours=2).fit(texts, LABELS)
    [scores] = scorer.score(["denies 150 essential hypertension, enalapril"])
    i10 = scores.get("ICD-10-CM|I10")
    assert i10 is not None and i10.terms
    assert not {"denies", "150"} & set(i10.terms)


def test_note_words_are_the_vectoriser_words_with_their_offsets() -> None:
    assert list(note_words("Éssential HTN, x 2.")) == [(0, 9, "essential"), (10, 13, "htn")]


def test_first_words_finds_vocabulary_words_as_the_vectoriser_reads_them() -> None:
    assert first_words("Pain-free; HTN and htn.", ["htn", "pain"]) == {
        "htn": (11, 14),
        "pain": (0, 4),
    }
    assert first_words("Éssential HTN, essential.", ["essential"]) == {"essential": (0, 9)}
    assert first_words("hypertensive", ["hypertension"]) == {}
    assert first_words("painful", ["pain"]) == {}  # whole words only


def test_unseen_label_of_a_seen_category_scores_its_category(scorer: LearnedScorer) -> None:
    [scores] = scorer.score(["type 2 diabetes with polyuria"])
    unseen = scores.get("ICD-10-CM|E11.22")  # never coded, but E11 was
    seen = scores.get("ICD-10-CM|E11.9")
    assert unseen is not None and seen is not None
    assert unseen.classifier == 0.0 and unseen.centroid == 0.0
    assert unseen.prior < seen.prior
    assert unseen.category == seen.category > 0
    assert scores.get("ICD-10-CM|J18.9") is None  # neither it nor J18 was ever coded


def test_lexicon_words_name_affirmed_codes_only() -> None:
    def cand(code: str, assertion: Assertion) -> Candidate:
        m = Mention(0, 4, "term", "none", assertion, (code,), "contiguous", "title", 1)
        return Candidate(code, supported([m]))

    cands = [cand("E11.9", Assertion.PRESENT), cand("I10", Assertion.NEGATED), Candidate("R69")]
    assert lexicon_words(cands) == "lce11 lxe119"
    assert learned_text("Note.", cands) == "Note.\nlce11 lxe119"


def test_set_context_describes_each_candidate_among_the_others(scorer: LearnedScorer) -> None:
    [scores] = scorer.score(["type 2 diabetes with polyuria"])
    cands = [Candidate(code) for code in ("E11.9", "E11.65", "I10")]
    for c in cands:
        c.learned = scores.get(f"ICD-10-CM|{c.code}")
    set_context(cands)
    by_code = {c.code: c.context for c in cands}
    assert by_code["E11.9"].candidates == 3
    assert by_code["E11.9"].siblings == 1 and by_code["I10"].siblings == 0
    assert sorted(x.classifier_rank for x in by_code.values()) == [1, 2, 3]
    assert by_code["I10"].classifier_rank == 3
    assert by_code["E11.9"].sibling_classifier == pytest.approx(cands[1].learned.classifier)


def test_set_context_describes_diagnoses_and_procedures_apart(scorer: LearnedScorer) -> None:
    [scores] = scorer.score(["type 2 diabetes with polyuria"])
    cands = [Candidate(code) for code in ("E11.9", "I10")]
    for c in cands:
        c.learned = scores.get(f"ICD-10-CM|{c.code}")
    procedures = [Candidate(code, system="ICD-10-PCS") for code in ("0DTJ4ZZ", "0DTJ", "BW20")]
    set_context([*procedures[:1], *cands, *procedures[1:]])
    assert {c.context.candidates for c in cands} == {2}
    assert sorted(c.context.classifier_rank for c in cands) == [1, 2]
    assert {c.context.candidates for c in procedures} == {3}
    assert procedures[0].context.siblings == 1  # 0DTJ: the same table row
