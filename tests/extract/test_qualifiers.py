"""Qualifiers: the words that affirm or deny, read alike from titles and notes' sentences."""

from __future__ import annotations

import pytest

from codesuggest.engine import Engine
from codesuggest.extract.qualifiers import (
    BREAK,
    COMMA,
    NEGATION,
    OR,
    WITH,
    doc_marks,
    read,
    text_marks,
    title_qualifiers,
    title_readings,
    token_marks,
)

pytestmark = pytest.mark.filterwarnings(r"ignore:\[W036\]:UserWarning")


def test_token_marks_negators_breaks_and_words() -> None:
    assert token_marks("Without") == (NEGATION,)
    assert token_marks("not") == (NEGATION,)
    assert token_marks("no") == (NEGATION,)
    assert token_marks("with") == (WITH,)  # a break that links two conditions
    assert token_marks(",") == (COMMA,)  # a break that also separates list items
    assert token_marks("or") == (OR,)
    assert token_marks("(") == (BREAK,)
    assert token_marks("-") == ()  # "non-displaced" stays one word
    assert token_marks("of") == ()
    assert token_marks("Fractures") == ("fracture",)


def test_read_affirmed_words_with_positions() -> None:
    q = read(text_marks("chronic systolic heart failure, chronic"))
    assert set(q.affirmed) == {"chronic", "systolic", "heart", "failure"}
    assert list(q.affirmed["chronic"]) == [0, 5]
    assert not q.denied


def test_read_denial_runs_to_the_break() -> None:
    q = read(text_marks("intractable migraine without aura, nausea"))
    assert set(q.affirmed) == {"intractable", "migraine", "nausea"}
    assert q.denied == {frozenset({"aura"})}
    assert q.denies("aura")
    assert not q.denies("migraine")


def test_read_denial_reaches_few_words_in_a_note() -> None:
    q = read(text_marks("no aura photophobia nausea vomiting"), max_denied=3)
    assert q.denied == {frozenset({"aura", "photophobia", "nausea"})}
    assert "vomiting" in q.affirmed


def test_read_non_prefix_joins_the_next_word() -> None:
    assert "nondisplaced" in read(text_marks("non-displaced fracture")).affirmed
    assert "nondisplaced" in read(text_marks("nondisplaced fracture")).affirmed


def test_title_qualifiers_denials_and_nonessential_modifiers() -> None:
    q = title_qualifiers("Migraine without aura, not intractable, without status migrainosus")
    assert set(q.affirmed) == {"migraine"}
    assert q.denied == {
        frozenset({"aura"}),
        frozenset({"intractable"}),
        frozenset({"status", "migrainosus"}),
    }
    # parentheses hold nonessential modifiers (OCG I.A.5): no word the note must say
    q = title_qualifiers("Chronic systolic (congestive) heart failure")
    assert "congestive" not in q.affirmed
    assert {"chronic", "systolic", "heart", "failure"} <= set(q.affirmed)


def test_doc_marks_one_tuple_a_token(engine: Engine) -> None:
    doc = engine.nlp("Migraine without aura, not intractable.")
    marks = doc_marks(doc)
    assert len(marks) == len(doc)
    assert marks[0] == ("migraine",)
    assert marks[1] == (NEGATION,)
    assert marks[3] == (COMMA,)
    assert doc_marks(doc) == marks  # from the cache the second time


def test_read_or_lists_are_optional_in_titles() -> None:
    q = title_qualifiers(
        "Fracture of right fibula, initial encounter for open fracture type I or II"
    )
    assert q.optional == {"i", "ii"}
    q = title_qualifiers("Fracture, initial encounter for open fracture type IIIA, IIIB, or IIIC")
    assert q.optional == {"iiia", "iiib", "iiic"}
    # a word also said outside the list is needed
    q = title_qualifiers("Pain in right knee, right or left")
    assert "right" not in q.optional


def test_read_or_in_a_denial_denies_each() -> None:
    q = title_qualifiers("Acute gastric ulcer without hemorrhage or perforation")
    assert q.denied == {frozenset({"hemorrhage"}), frozenset({"perforation"})}


def test_title_readings_of_an_alternative_clause() -> None:
    readings = title_readings(
        "Displaced fracture of right fibula, initial encounter for open fracture type I or II/"
        "\tinitial encounter for open fracture NOS"
    )
    assert len(readings) == 2
    assert {"displaced", "right", "fibula", "open"} <= set(readings[1].affirmed)
    assert "type" not in readings[1].affirmed


def test_title_readings_cached_but_each_call_its_own_list() -> None:
    title = "Migraine without aura, not intractable, without status migrainosus"
    first = title_readings(title)
    first.clear()  # a caller's list: the cached readings stay whole
    again = title_readings(title)
    assert len(again) == 1
    assert set(again[0].affirmed) == {"migraine"}
    assert title_qualifiers(title) == again[0]


def test_doc_marks_new_tokens_beside_known_ones(engine: Engine) -> None:
    doc_marks(engine.nlp("Migraine without aura."))
    doc = engine.nlp("Migraine with zygomaticomaxillary dysostosis, not intractable.")
    marks = doc_marks(doc)  # known tokens and ones never seen, in token order
    assert [m for m in marks if m] == [
        ("migraine",),
        (WITH,),
        *[token_marks(doc[i].text) for i in (2, 3)],
        (COMMA,),
        (NEGATION,),
        ("intractable",),
        (BREAK,),
    ]


def test_title_denial_of_a_list_denies_each_item() -> None:
    q = title_qualifiers(
        "Dementia in other diseases classified elsewhere, moderate, without behavioral "
        "disturbance, psychotic disturbance, mood disturbance, and anxiety"
    )
    assert q.denied == {
        frozenset({"behavioral", "disturbance"}),
        frozenset({"psychotic", "disturbance"}),
        frozenset({"mood", "disturbance"}),
        frozenset({"anxiety"}),
    }
    assert set(q.affirmed) == {"dementia", "disease", "moderate"}


def test_title_side_ends_a_denial_and_is_the_codes_own() -> None:
    q = title_qualifiers(
        "Displaced simple supracondylar fracture without intercondylar fracture of right "
        "humerus, initial encounter for closed fracture"
    )
    assert frozenset({"intercondylar", "fracture"}) in q.denied
    assert "right" in q.affirmed and "humerus" in q.affirmed
    # in a note a side stays within the few words a denial reaches
    note = read(text_marks("no fracture of right ankle"))
    assert note.denies("right")


def test_side_restated_as_a_side_is_no_word_of_its_own() -> None:
    # "right side" says no more than "right": a note's "right eye" supports "..., right side"
    [reading] = title_readings("Unspecified epiphora, right side")
    assert set(reading.words) == {"epiphora", "right"}
    [reading] = title_readings("Hemiplegia, unspecified affecting left nondominant side")
    assert "side" not in reading.words and {"left", "nondominant"} <= reading.words
    assert token_marks("side") == ()
