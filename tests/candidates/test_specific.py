"""The billable codes below a category that a mention's sentence supports (real code set)."""

from __future__ import annotations

import pytest

from codesuggest.candidates.generators import HierarchyCandidates
from codesuggest.candidates.specific import (
    EMPTY,
    Family,
    Support,
    title_defaults,
)
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.extract.normalize import content_words
from codesuggest.extract.qualifiers import Qualifiers, read, text_marks


def sentence(before: str, mention: str, after: str = "") -> tuple[Qualifiers, tuple[int, int]]:
    """A sentence's qualifiers and the token span of its ``mention``."""
    lo = len(text_marks(before))
    hi = lo + len(text_marks(mention))
    return read(text_marks(f"{before} {mention} {after}")), (lo, hi)


def best(cs: Icd10Cm, category: str, before: str, mention: str, after: str = "") -> list[str]:
    """The codes the sentence supports best (most said, not residual, fewest defaults)."""
    q, span = sentence(before, mention, after)
    found = Family.of(category, cs, title_defaults()).supported(q, span, title_defaults())
    if not found:
        return []
    top = min(s.key()[:3] for s in found)
    return sorted(s.code for s in found if s.key()[:3] == top)


def test_title_defaults_are_normalised_words_citing_the_guidelines() -> None:
    defaults = title_defaults()
    assert {"initial", "closed", "displaced"} <= set(defaults)
    for word, unless in defaults.items():
        assert content_words(word) == [word]
        assert all(content_words(u) == [u] for u in unless)
    assert "open" in defaults["closed"]
    assert "nondisplaced" in defaults["displaced"]


def test_family_implied_words_need_no_support(cs: Icd10Cm) -> None:
    family = Family.of("S82.6", cs, title_defaults())
    d = family.by_code["S82.64XA"]
    # "fibula" is in every descendant's title; "initial encounter ... closed" are defaults
    assert set(d.required) == {"nondisplaced", "right"}
    assert {"initial", "encounter", "closed"} <= set(d.defaults)
    assert "fibula" not in family.vocabulary


@pytest.mark.parametrize(
    ("category", "before", "mention", "after", "expected"),
    [
        # OCG I.C.19.c.1: nondisplaced and closed as documented, initial encounter (7th A)
        ("S82.6", "Nondisplaced", "fracture of the right lateral malleolus", "", ["S82.64XA"]),
        ("S82.6", "non-displaced", "fracture of the left lateral malleolus", "", ["S82.65XA"]),
        # not stated displaced or not: displaced; not stated open or closed: closed
        ("S82.6", "", "fracture of the right lateral malleolus", "", ["S82.61XA"]),
        ("S82.6", "open", "fracture of the right lateral malleolus", "type I", ["S82.61XB"]),
        ("S82.6", "", "fracture of the lateral malleolus", "subsequent encounter", ["S82.63XD"]),
        ("I50.2", "chronic", "systolic heart failure", "", ["I50.22"]),
        ("I50.2", "acute on chronic", "systolic heart failure", "", ["I50.23"]),
        ("G43.01", "intractable", "migraine without aura", "", ["G43.019"]),
        ("G43.01", "", "intractable migraine without aura", "with status migrainosus", ["G43.011"]),
        ("G43.9", "", "migraine", "", ["G43.909"]),
        ("G43.9", "intractable", "migraine", "", ["G43.919"]),
        ("M17.1", "primary", "osteoarthritis of the right knee", "", ["M17.11"]),
        ("E11.6", "type 2", "diabetes with hyperglycemia", "", ["E11.65"]),
        # OCG I.C.6.a: a side stated without its dominance: right is dominant, left is
        # nondominant, the right side of an ambidextrous patient is dominant (the left side's
        # "left" and "ambidextrous" overrule both defaults: no sided code is guessed)
        ("G81.0", "", "flaccid hemiplegia affecting the left side", "", ["G81.04"]),
        ("G81.0", "", "flaccid hemiplegia affecting the right side", "", ["G81.01"]),
        ("G81.0", "", "flaccid hemiplegia affecting the right side", "ambidextrous", ["G81.01"]),
        ("G81.0", "", "flaccid hemiplegia", "left side, nondominant", ["G81.04"]),
        ("G83.1", "", "monoplegia of the left lower limb", "", ["G83.14"]),
        ("I69.35", "", "hemiplegia following cerebral infarction", "right side", ["I69.351"]),
        ("I69.35", "", "hemiplegia following cerebral infarction", "left side", ["I69.354"]),
        # the side of another thing in the sentence overrules no default: it binds elsewhere
        (
            "I69.35",
            "History of left MCA ischemic stroke in March 2024 with residual",
            "right hemiplegia following cerebral infarction",
            "",
            ["I69.351"],
        ),
    ],
)
def test_family_supported_most_specific_child(
    cs: Icd10Cm, category: str, before: str, mention: str, after: str, expected: list[str]
) -> None:
    assert best(cs, category, before, mention, after) == expected


def test_family_side_binds_only_near_the_mention(cs: Icd10Cm) -> None:
    far = "right knee pain for two weeks after a long walk, then"
    found = best(cs, "S82.6", far, "nondisplaced fracture of the lateral malleolus")
    assert found == ["S82.66XA"]  # unspecified side: "right" is about the knee


def test_family_number_of_another_condition_across_with_is_not_a_stage(cs: Icd10Cm) -> None:
    # "Type 2 DM with diabetic chronic kidney disease, CKD stage 4": the 2 is the diabetes's
    before = "Type 2 DM with diabetic"
    assert best(cs, "N18", before, "chronic kidney disease", ", CKD stage 4") == ["N18.4"]
    assert best(cs, "N18", "", "chronic kidney disease stage 3a", "with anemia") == ["N18.31"]


def test_read_records_the_positions_of_with() -> None:
    q = read(text_marks("Type 2 DM with CKD, stage 4"))
    assert q.links == (3,)
    assert "with" not in q.affirmed


def test_family_contradicted_category_supports_nothing(cs: Icd10Cm) -> None:
    family = Family.of("G43.00", cs, title_defaults())  # "... without aura, not intractable"
    q, span = sentence("", "intractable migraine without aura")
    assert family.contradicted(q)
    assert family.supported(q, span, title_defaults()) == []
    assert not family.contradicted(EMPTY)


def test_family_title_word_the_sentence_denies_contradicts(cs: Icd10Cm) -> None:
    family = Family.of("G43.71", cs, title_defaults())  # "Chronic migraine ..., intractable"
    q, _ = sentence("", "chronic migraine without aura", ", not intractable")
    assert family.contradicted(q)


def test_family_with_nothing_said_supports_the_defaults(cs: Icd10Cm) -> None:
    found = Family.of("J18", cs, title_defaults()).supported(EMPTY, (0, 0), title_defaults())
    assert "J18.9" in {s.code for s in found}
    assert all(s.said == 0 for s in found)


def test_family_fullest_folds_what_another_says_more_of(cs: Icd10Cm) -> None:
    family = Family.of("S82.6", cs, title_defaults())
    merged = family.fullest({"S82.66XA": [0], "S82.64XA": [1], "S82.65XA": [2]})
    assert set(merged) == {"S82.64XA", "S82.65XA"}
    assert sorted(merged["S82.64XA"]) == [0, 1]
    assert sorted(merged["S82.65XA"]) == [0, 2]


def test_support_key_orders_said_residual_then_defaults() -> None:
    a = Support("A00.0", said=2, defaults=3, size=5)
    b = Support("A00.1", said=1, defaults=0, size=1)
    c = Support("A00.2", said=2, defaults=1, size=3)
    d = Support("A00.8", said=2, defaults=0, size=0, residual=True)
    assert sorted([a, b, c, d], key=Support.key) == [c, a, d, b]


@pytest.mark.parametrize(
    ("category", "default"),
    [
        ("J45", "J45.909"),  # unspecified asthma, uncomplicated: not "Other asthma"
        ("J18", "J18.9"),
        ("I50", "I50.9"),
        ("E11", "E11.9"),
        ("S82.6", "S82.63XA"),  # displaced, closed, initial encounter (OCG I.C.19)
        ("F10.1", "F10.10"),
        ("G43", "G43.909"),
    ],
)
def test_hierarchy_default_is_the_unspecified_child(
    cs: Icd10Cm, category: str, default: str
) -> None:
    assert HierarchyCandidates(cs).default_children(category) == [default]


def test_family_supported_checked_skips_only_the_contradiction_test(cs: Icd10Cm) -> None:
    family = Family.of("S82.6", cs, title_defaults())
    q, span = sentence("closed", "fracture of the right lateral malleolus")
    assert not family.contradicted(q)
    unchecked = family.supported(q, span, title_defaults())
    assert unchecked  # the sentence supports some child
    assert family.supported(q, span, title_defaults(), checked=True) == unchecked


def test_family_left_side_of_ambidextrous_patient_guesses_no_dominance(cs: Icd10Cm) -> None:
    found = best(cs, "G81.0", "", "flaccid hemiplegia affecting the left side", "ambidextrous")
    assert not {"G81.02", "G81.04"} & set(found)
