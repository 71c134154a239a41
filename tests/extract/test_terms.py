"""The codesuggest_terms component: lexicon keys found in sentences, as spans."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from codesuggest.engine import Engine
from codesuggest.extract.lexicon_index import LexiconIndex
from codesuggest.extract.mentions import doc_mentions
from codesuggest.extract.pipeline import _SENT_END
from codesuggest.extract.terms import (
    LABEL,
    SPAN_KEY,
    TermMatch,
    TermMatcher,
    is_specifier,
    specifiers_bound,
)

# spaCy warns W036 ("no patterns") from medspaCy's sectionizer on every call; it registers a
# "once" filter at import that pytest's per-test warning filters drop after the first test.
pytestmark = pytest.mark.filterwarnings(r"ignore:\[W036\]:UserWarning")

KEYS = {
    ("chest", "pain"): ("R07.9",),
    ("pain",): ("R52",),
    ("mi",): ("I21.9",),
    ("infarction", "myocardial"): ("I21.9",),
    ("2", "diabetes", "mellitus", "type"): ("E11.9",),
    ("atrial", "fibrillation"): ("I48.91",),
    ("fibrillation", "ventricular"): ("I49.01",),
    ("5", "ckd", "stage"): ("N18.5",),
    ("knee", "left", "pain"): ("M25.562",),
    ("aura", "migraine", "status", "without"): ("G43.009",),
    ("anemia", "deficiency", "iron"): ("D50.9",),
    ("anemia", "complicating", "pregnancy", "third", "trimester"): ("O99.013",),
    ("3", "hypoglycemia", "level"): ("E16.A3",),
    ("alpha", "beta", "delta", "epsilon", "eta", "gamma", "zeta"): (
        "X00",
    ),  # too many words to match scattered
}


def _index() -> LexiconIndex:
    index = LexiconIndex()
    for key, codes in KEYS.items():
        i = len(index.keys)
        index.keys.append(key)
        index.codes.append(tuple((c, "synonym") for c in codes))
        index.anchors.setdefault(key[-1], []).append(i)
        if len(key) == 1 and len(key[0]) <= 3:
            index.upper_only.add(i)
    return index


@pytest.fixture(scope="module")
def nlp() -> Language:
    import codesuggest.extract.terms  # noqa: F401 - registers the factory

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer", config={"punct_chars": _SENT_END})
    matcher = nlp.add_pipe("codesuggest_terms")
    assert isinstance(matcher, TermMatcher)
    matcher.index = _index()
    return nlp


def _found(nlp: Language, text: str) -> list[tuple[str, tuple[str, ...], TermMatch]]:
    doc = nlp(text)
    matches: list[TermMatch] = doc._.codesuggest_matches
    spans = doc.spans[SPAN_KEY]
    assert len(spans) == len(matches)
    assert all(s.label_ == LABEL for s in spans)
    return [(s.text, KEYS_BY_ID[m.key_id], m) for s, m in zip(spans, matches, strict=True)]


KEYS_BY_ID = list(KEYS)


def test_terms_contiguous_match(nlp: Language) -> None:
    [(text, key, match)] = _found(nlp, "He has chest pain today.")
    assert text == "chest pain"
    assert key == ("chest", "pain")
    assert match.compactness == 1.0
    assert match.n_words == 2


def test_terms_stopwords_do_not_break_contiguity(nlp: Language) -> None:
    [(text, _, match)] = _found(nlp, "Pain of the chest.")
    assert text == "Pain of the chest"
    assert match.compactness == 1.0


def test_terms_word_order_free_within_sentence(nlp: Language) -> None:
    [(text, key, match)] = _found(nlp, "Diabetes mellitus, type 2.")
    assert key == ("2", "diabetes", "mellitus", "type")
    assert text == "Diabetes mellitus, type 2"
    assert match.compactness == 1.0


def test_terms_scattered_match_is_less_compact(nlp: Language) -> None:
    found = _found(nlp, "Pain radiating to chest.")
    by_key = {key: (text, m) for text, key, m in found}
    text, match = by_key[("chest", "pain")]
    assert text == "Pain radiating to chest"
    assert match.compactness == pytest.approx(2 / 3)
    # "pain" alone lies inside a compact enough larger match: subsumed
    assert ("pain",) not in by_key


def test_terms_a_phrase_does_not_start_on_the_last_word_of_another(nlp: Language) -> None:
    found = _found(nlp, "ECG shows atrial fibrillation with a ventricular rate of 98.")
    assert [key for _, key, _ in found] == [("atrial", "fibrillation")]


def test_terms_a_longer_phrase_reads_on_from_the_last_word_of_another(nlp: Language) -> None:
    # "anemia" ends "iron deficiency anemia" and starts a phrase of more words: both said
    found = _found(nlp, "Iron deficiency anemia complicating pregnancy, third trimester.")
    keys = {key for _, key, _ in found}
    assert ("anemia", "deficiency", "iron") in keys
    assert ("anemia", "complicating", "pregnancy", "third", "trimester") in keys


def test_terms_a_cue_whose_clause_ends_before_the_next_word_is_not_crossed(
    nlp: Language,
) -> None:
    # "without coma," ends at its comma: "level 3" still qualifies the hypoglycemia
    found = _found(nlp, "Hypoglycemia without coma, level 3.")
    assert ("3", "hypoglycemia", "level") in {key for _, key, _ in found}
    # a cue reaching the match's next word still parts it
    found = _found(nlp, "Hypoglycemia without level 3.")
    assert ("3", "hypoglycemia", "level") not in {key for _, key, _ in found}


def test_terms_reversed_phrase_alone_still_matches(nlp: Language) -> None:
    for text in ("Fibrillation, ventricular.", "Ventricular fibrillation arrest."):
        assert [key for _, key, _ in _found(nlp, text)] == [("fibrillation", "ventricular")]


def _findings(found: list[tuple[str, tuple[str, ...], TermMatch]]) -> list[tuple[str, ...]]:
    return [key for _, key, m in found if not m.loose]


def test_terms_too_scattered_is_no_finding_only_a_loose_match(nlp: Language) -> None:
    found = _found(nlp, "Pain in back, legs, arms, head, neck and chest.")
    assert _findings(found) == [("pain",)]
    # 2 words over 7: within the loose limit, kept apart; it hid nothing ("pain" stays)
    assert [(key, m.loose) for _, key, m in found if m.loose] == [(("chest", "pain"), True)]


def test_terms_spread_past_the_loose_limit_is_no_match_at_all(nlp: Language) -> None:
    found = _found(nlp, "Pain in back, legs, arms, head, neck, hips, feet, hands, toes and chest.")
    assert [key for _, key, _ in found] == [("pain",)]


def test_terms_long_keys_never_match_scattered(nlp: Language) -> None:
    assert len(_found(nlp, "alpha beta gamma delta epsilon zeta eta")) == 1
    found = _found(nlp, "alpha beta gamma delta epsilon zeta and more eta")
    assert _findings(found) == []
    assert [m.loose for *_, m in found] == [True]  # 7 words: more than a finding may spread


def test_terms_loose_matches_can_be_turned_off(nlp: Language) -> None:
    matcher = nlp.get_pipe("codesuggest_terms")
    assert isinstance(matcher, TermMatcher)
    matcher.loose = False
    try:
        found = _found(nlp, "Pain in back, legs, arms, head, neck and chest.")
    finally:
        matcher.loose = True
    assert [key for _, key, _ in found] == [("pain",)]


def test_terms_words_in_other_sentences_do_not_combine(nlp: Language) -> None:
    found = _found(nlp, "Pain in the leg.\nChest clear.")
    assert [key for _, key, _ in found] == [("pain",)]
    assert found[0][2].sentence == 0


def test_terms_subsumption_chest_pain_wins_over_pain(nlp: Language) -> None:
    found = _found(nlp, "Severe chest pain.")
    assert [key for _, key, _ in found] == [("chest", "pain")]


def test_terms_upper_only_abbreviation(nlp: Language) -> None:
    assert [text for text, _, _ in _found(nlp, "History of MI.")] == ["MI"]
    assert _found(nlp, "He said mi casa es su casa.") == []
    # multi-word keys have no case constraint
    assert [text for text, _, _ in _found(nlp, "myocardial infarction")] == [
        "myocardial infarction"
    ]


def test_terms_plural_and_case_normalized(nlp: Language) -> None:
    [(text, key, _)] = _found(nlp, "CHEST PAINS since morning.")
    assert key == ("chest", "pain")
    assert text == "CHEST PAINS"


def test_is_specifier_numbers_stages_sides_trimesters() -> None:
    assert all(map(is_specifier, ["5", "3b", "stage", "type", "left", "bilateral", "second"]))
    assert not any(map(is_specifier, ["ckd", "knee", "trimester", "diabetes"]))


def test_specifiers_bound_runs_next_to_the_phrase() -> None:
    assert specifiers_bound({"ckd": 0, "stage": 1, "5": 2})
    assert specifiers_bound({"stage": 0, "5": 1, "ckd": 2})
    assert not specifiers_bound({"ckd": 0, "stage": 1, "5": 5})  # "5" stands apart
    assert not specifiers_bound({"knee": 1, "pain": 2, "left": 6})
    assert specifiers_bound({"5": 0})  # a key of specifiers alone: nothing to bind to
    # "left side knee pain": another specifier word of the sentence does not part them
    assert not specifiers_bound({"left": 0, "knee": 2, "pain": 3})
    assert specifiers_bound({"left": 0, "knee": 2, "pain": 3}, frozenset({1}))


def test_terms_stage_number_not_borrowed_from_elsewhere(nlp: Language) -> None:
    for text in ("CKD stage 3, symptoms for 5 days.", "CKD, stage 3 now, for 5 days."):
        assert ("5", "ckd", "stage") not in [key for _, key, _ in _found(nlp, text)]
    for text in ("CKD stage 5, for 3 days.", "Stage 5 CKD.", "CKD, stage 5."):
        assert ("5", "ckd", "stage") in [key for _, key, _ in _found(nlp, text)]


def test_terms_type_number_not_borrowed_from_a_duration(nlp: Language) -> None:
    key = ("2", "diabetes", "mellitus", "type")
    text = "Diabetes mellitus with cough for 2 weeks, type 1 reaction."
    assert key not in [k for _, k, _ in _found(nlp, text)]
    found = _found(nlp, "Type 2 diabetes mellitus, stable for 2 weeks.")
    assert [(t, k) for t, k, _ in found] == [("Type 2 diabetes mellitus", key)]


def test_terms_side_binds_to_its_own_body_site(nlp: Language) -> None:
    key = ("knee", "left", "pain")
    text = "Knee pain, worse on stairs, and left wrist swelling."
    assert key not in [k for _, k, _ in _found(nlp, text)]
    for text in ("Left side knee pain.", "Knee pain on the left.", "Pain in left knee."):
        assert key in [k for _, k, _ in _found(nlp, text)]


def test_terms_empty_doc(nlp: Language) -> None:
    doc = nlp("")
    assert doc._.codesuggest_matches == []
    assert list(doc.spans[SPAN_KEY]) == []


# --- the full lexicon of the default model ---------------------------------------------------


def _mentions(engine: Engine, text: str) -> list[tuple[str, tuple[str, ...], str]]:
    return [(m.text, m.codes, m.kind) for m in doc_mentions(engine.nlp(text), engine.index)]


def test_terms_full_lexicon_chest_pain_subsumes_pain(engine: Engine) -> None:
    found = _mentions(engine, "He has chest pain.")
    assert len(found) == 1
    text, codes, kind = found[0]
    assert text == "chest pain"
    assert "R07.9" in codes
    assert kind == "contiguous"


def test_terms_full_lexicon_scattered(engine: Engine) -> None:
    found = _mentions(engine, "Pain located in the left side of the chest.")
    scattered = [(t, c) for t, c, k in found if k == "scattered"]
    assert scattered == [("Pain located in the left side of the chest", ("R07.9",))]


def test_terms_full_lexicon_stage_binds_within_its_mention(engine: Engine) -> None:
    for text in (
        "Chronic kidney disease stage 3, symptoms for 5 days.",
        "Hypertensive heart and chronic kidney disease with heart failure, CKD stage 3b. "
        "Symptoms for 5 days.",
    ):
        codes = {c for _, cs, _ in _mentions(engine, text) for c in cs}
        assert "N18.5" not in codes
        assert codes & {"N18.30", "N18.32"}


def test_terms_full_lexicon_side_binds_within_its_mention(engine: Engine) -> None:
    codes = {
        c
        for _, cs, _ in _mentions(
            engine, "Right knee pain, worse on stairs, and left wrist swelling."
        )
        for c in cs
    }
    assert "M25.561" in codes
    assert not codes & {"M25.531", "M25.562"}


def test_terms_full_lexicon_a_side_across_a_comma_is_not_borrowed(engine: Engine) -> None:
    """The next list item's side stays with it when the phrase's own clause has its side."""
    listed = {
        c
        for _, cs, _ in _mentions(engine, "Carotid duplex: L ICA 70% stenosis, R ICA <20%.")
        for c in cs
    }
    assert "I65.22" in listed
    assert "I65.21" not in listed
    for text in ("Knee pain, left.", "Knee pain, left; right hip pain."):
        trailing = {c for _, cs, _ in _mentions(engine, text) for c in cs}
        assert "M25.562" in trailing
        assert "M25.561" not in trailing


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Likely SIADH, secondary to lung cancer.", False),  # "secondary to": caused by
        ("Hypercalcemia secondary to lung cancer.", False),
        ("Secondary lung cancer from a colon primary.", True),
        ("Lung cancer, secondary, from a colon primary.", True),
    ],
)
def test_terms_full_lexicon_secondary_to_names_a_cause_not_a_neoplasm(
    engine: Engine, text: str, found: bool
) -> None:
    codes = {c for _, cs, _ in _mentions(engine, text) for c in cs}
    assert ("C78.00" in codes) is found


def test_terms_full_lexicon_upper_only_mi(engine: Engine) -> None:
    assert [(t, c) for t, c, _ in _mentions(engine, "History of MI.")] == [("MI", ("I21.9",))]
    assert _mentions(engine, "He said mi casa es su casa.") == []


def test_terms_a_key_word_said_twice_is_no_gap(nlp: Language) -> None:
    # "without" twice: every word of the span is the key's, so the phrase is contiguous
    found = _found(nlp, "Migraine without aura, without status.")
    [(text, match)] = [(t, m) for t, key, m in found if key[0] == "aura"]
    assert text == "Migraine without aura, without status"
    assert match.compactness == 1.0
    [(text, match)] = [
        (t, m)
        for t, key, m in _found(nlp, "Migraine without aura, severe status.")
        if key[0] == "aura"
    ]
    assert match.compactness == pytest.approx(4 / 5)  # "severe" is no word of the key


@pytest.mark.parametrize(
    "text",
    ["Dx: (1) Anemia. (5) CKD, stage pending.", "A/P:\n5. CKD, stage pending", "5) CKD stage"],
)
def test_terms_list_numbers_are_no_specifiers(nlp: Language, text: str) -> None:
    assert not [key for _, key, _ in _found(nlp, text) if key == ("5", "ckd", "stage")]


def test_terms_a_number_after_its_phrase_still_binds(nlp: Language) -> None:
    found = _found(nlp, "A/P:\n1. CKD stage 5.")
    assert [text for text, key, _ in found if key == ("5", "ckd", "stage")] == ["CKD stage 5"]


def _indexed_nlp(paths: dict[tuple[int, str], str], *, subsume: bool = True) -> Language:
    """The test lexicon with Alphabetic Index ``paths`` ((key id, code) -> path)."""
    index = _index()
    index.paths = paths
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer", config={"punct_chars": _SENT_END})
    matcher = nlp.add_pipe("codesuggest_terms")
    assert isinstance(matcher, TermMatcher)
    matcher.index = index
    matcher.subsume = subsume
    return nlp


PAIN = KEYS_BY_ID.index(("pain",))
CHEST_PAIN = KEYS_BY_ID.index(("chest", "pain"))


def _inner(nlp: Language, text: str) -> list[tuple[str, str]]:
    doc = nlp(text)
    return [
        (doc[m.start : m.end].text, doc[o.start : o.end].text) for m, o in doc._.codesuggest_inner
    ]


def test_terms_an_index_key_inside_a_larger_match_is_kept_as_inner() -> None:
    nlp = _indexed_nlp({(PAIN, "R52"): "Pain"})
    doc = nlp("He has chest pain today.")
    # the kept matches are as before: "chest pain" alone, one span
    assert [KEYS_BY_ID[m.key_id] for m in doc._.codesuggest_matches] == [("chest", "pain")]
    assert len(doc.spans[SPAN_KEY]) == 1
    assert _inner(nlp, "He has chest pain today.") == [("pain", "chest pain")]
    [(match, outer)] = doc._.codesuggest_inner
    assert match.key_id == PAIN and outer.key_id == CHEST_PAIN


def test_terms_a_key_no_index_entry_names_is_not_kept_inside() -> None:
    # the index names the larger key's code, not the smaller key's
    nlp = _indexed_nlp({(CHEST_PAIN, "R07.9"): "Pain > chest"})
    assert _inner(nlp, "He has chest pain today.") == []
    assert nlp("He has chest pain today.")._.codesuggest_inner == []


def test_terms_inner_matches_only_what_a_larger_match_hides() -> None:
    nlp = _indexed_nlp({(PAIN, "R52"): "Pain"})
    assert _inner(nlp, "Pain today.") == []  # a kept match is no inner one
    # mining phrases keeps every match: nothing is hidden, nothing is inner
    mining = _indexed_nlp({(PAIN, "R52"): "Pain"}, subsume=False)
    assert mining("He has chest pain today.")._.codesuggest_inner == []


def test_terms_no_inner_match_behind_a_cue_of_the_larger_match() -> None:
    keys = {
        ("cystitis", "hematuria", "without"): "N30.00",
        ("cystitis",): "N30.90",
        ("hematuria",): "R31.9",
    }
    index = LexiconIndex()
    for i, (key, code) in enumerate(keys.items()):
        index.keys.append(key)
        index.codes.append(((code, "index"),))
        index.anchors.setdefault(key[0], []).append(i)
        index.paths[i, code] = key[-1].capitalize()
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer", config={"punct_chars": _SENT_END})
    matcher = nlp.add_pipe("codesuggest_terms")
    assert isinstance(matcher, TermMatcher)
    matcher.index = index
    # "hematuria" follows "without" inside the larger match: the note denies it
    assert _inner(nlp, "Cystitis without hematuria.") == [
        ("Cystitis", "Cystitis without hematuria")
    ]
