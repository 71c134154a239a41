"""The phrase miner on small synthetic corpora written here (made-up words, no real notes)."""

from __future__ import annotations

import pytest
from sklearn.model_selection import KFold

from codesuggest.codesets.lexicon import extend_lexicon
from codesuggest.extract.lexicon_index import LexiconIndex
from codesuggest.extract.mentions import doc_mentions
from codesuggest.extract.pipeline import build_pipeline
from codesuggest.training.phrases import (
    PhraseRule,
    PhraseStats,
    choose_rule,
    informative,
    note_ngrams,
    phrase_stats,
    with_phrases,
)
from codesuggest.types import Assertion

RULE = PhraseRule(min_support=3, min_precision=0.6)
FILLER = "The patient was seen in clinic today. Vital signs were stable."


def _corpus() -> tuple[list[str], list[set[str]]]:
    texts: list[str] = []
    gold: list[set[str]] = []

    def add(sentence: str, codes: set[str], n: int) -> None:
        for i in range(n):
            texts.append(f"{FILLER} Visit {i}. {sentence}")
            gold.append(codes)

    add("She has frobnitz fever.", {"A00.0"}, 6)  # always with A00.0
    add("Biopsy shows glorpitis.", {"C01"}, 3)  # glorpitis: half C01, half D02
    add("Biopsy shows glorpitis.", {"D02"}, 3)
    add("Scan shows zentaroma.", {"E03"}, 1)  # one note only
    add("Scan shows quuxosis.", {"F04"}, 3)  # affirmed with F04 ...
    add("There is no quuxosis.", set(), 5)  # ... and negated without it
    add("He denies blargemia.", {"G05"}, 4)  # only ever negated
    add("Mild cough.", {"H06"}, 4)
    return texts, gold


@pytest.fixture(scope="module")
def stats() -> PhraseStats:
    texts, gold = _corpus()
    return phrase_stats(texts, gold, LexiconIndex())


def _mined(stats: PhraseStats, rule: PhraseRule = RULE) -> dict[tuple[str, ...], set[str]]:
    out: dict[tuple[str, ...], set[str]] = {}
    for p in stats.select(rule):
        out.setdefault(p.key, set()).add(p.code)
    return out


def test_a_phrase_always_with_a_code_is_mined(stats: PhraseStats) -> None:
    mined = _mined(stats)
    assert mined[("frobnitz",)] == {"A00.0"}
    assert mined[("fever", "frobnitz")] == {"A00.0"}
    (p,) = [p for p in stats.select(RULE) if p.key == ("frobnitz",)]
    assert (p.support, p.notes, p.precision) == (6, 6, 1.0)


def test_rare_and_ambiguous_phrases_are_not_mined(stats: PhraseStats) -> None:
    mined = _mined(stats)
    assert ("zentaroma",) not in mined  # one note
    assert ("glorpitis",) not in mined  # C01 and D02 half each
    assert not any(code in {"C01", "D02", "E03"} for codes in mined.values() for code in codes)
    # filler shared by every note names no code
    assert ("clinic",) not in mined and ("patient",) not in mined


def test_negated_mentions_do_not_support_a_code(stats: PhraseStats) -> None:
    mined = _mined(stats)
    # affirmed in 3 notes, all with F04; the 5 negated notes neither count for nor against it
    assert mined[("quuxosis",)] == {"F04"}
    (p,) = [p for p in stats.select(RULE) if p.key == ("quuxosis",)]
    assert (p.support, p.notes) == (3, 3)
    # only ever negated: no support, however often it sits beside its code
    assert ("blargemia",) not in mined
    assert not any("G05" in codes for codes in mined.values())


def test_a_pair_the_lexicon_already_has_is_not_mined() -> None:
    texts, gold = _corpus()
    base = extend_lexicon(LexiconIndex(), [(("frobnitz",), "A00.0", "synonym")])
    mined = _mined(phrase_stats(texts, gold, base))
    assert ("frobnitz",) not in mined
    assert mined[("fever", "frobnitz")] == {"A00.0"}


def test_pseudo_notes_make_rare_phrases_prove_more(stats: PhraseStats) -> None:
    plain = _mined(stats, PhraseRule(min_support=3, min_precision=0.7))
    assert ("frobnitz",) in plain and ("quuxosis",) in plain
    strict = _mined(stats, PhraseRule(min_support=3, min_precision=0.7, pseudo_notes=2))
    assert ("frobnitz",) in strict  # 6 / (6 + 2) = 0.75
    assert ("quuxosis",) not in strict  # 3 / (3 + 2) = 0.6


def test_cross_validation_and_mining_are_deterministic(stats: PhraseStats) -> None:
    texts, gold = _corpus()
    again = phrase_stats(texts, gold, LexiconIndex())
    assert again.select(RULE) == stats.select(RULE)
    folds = list(KFold(n_splits=3, shuffle=True, random_state=0).split(texts))
    cv = stats.cross_validate(folds)
    assert cv == again.cross_validate(folds)
    best = choose_rule(cv)
    assert cv[best][2] == max(f1 for _, _, f1 in cv.values())


def test_ngrams_stay_within_a_sentence_and_skip_cues_and_uninformative_keys() -> None:
    doc = build_pipeline(LexiconIndex(), mining=True)(
        "Frobnitz fever. Cough with 12 mg. He denies blargemia rash"
    )
    grams = note_ngrams(doc)
    assert ("fever", "frobnitz") in grams
    assert not any({"fever", "cough"} <= set(g) for g in grams)  # two sentences
    assert ("blargemia", "rash") in grams
    assert not any("deny" in g for g in grams)  # a ConText cue is in no phrase
    assert ("12",) not in grams and ("mg",) not in grams
    assert not informative("the") and not informative("12") and informative("fever")


def test_learned_phrases_match_with_evidence_and_assertion(stats: PhraseStats) -> None:
    base = extend_lexicon(LexiconIndex(), [(("fever",), "R50.9", "title")])
    index = with_phrases(base, stats.select(RULE))
    nlp = build_pipeline(index)
    text = "Frobnitz fever today. No quuxosis."
    mentions = doc_mentions(nlp(text), index)
    by_codes = {m.codes: m for m in mentions}
    # "frobnitz fever" hides the smaller learned "frobnitz" ...
    learned = [m for m in mentions if m.codes == ("A00.0",)]
    assert [m.text for m in learned] == ["Frobnitz fever"]
    assert learned[0].sources == ("learned",)
    assert (learned[0].start, learned[0].end) == (0, len("Frobnitz fever"))
    assert learned[0].assertion is Assertion.PRESENT
    assert by_codes[("F04",)].assertion is Assertion.NEGATED
    # ... but never the dictionary's match inside it, whose key "fever" now names A00.0 too
    (fever,) = [m for m in mentions if "R50.9" in m.codes]
    assert fever.text == "fever"
    assert dict(zip(fever.codes, fever.sources, strict=True)) == {
        "A00.0": "learned",
        "R50.9": "title",
    }
