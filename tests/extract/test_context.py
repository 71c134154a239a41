"""The ConText component: a cue among the words of a scattered term still modifies the other
terms in its scope, through the real pipeline of the default model."""

from __future__ import annotations

import random

import pytest
import spacy
from medspacy.common.util import prune_overlapping_matches

from codesuggest.engine import Engine
from codesuggest.extract.context import _prune_overlapping, _TokenPatterns
from codesuggest.extract.medspacy_private import context_matcher, matcher_parts
from codesuggest.extract.mentions import doc_mentions
from codesuggest.types import Assertion

pytestmark = pytest.mark.filterwarnings(r"ignore:\[W036\]:UserWarning")


def _assertions(engine: Engine, text: str) -> dict[str, Assertion]:
    return {m.text.lower(): m.assertion for m in doc_mentions(engine.nlp(text), engine.index)}


@pytest.mark.parametrize(
    ("text", "term", "expected"),
    [
        ("TTE: EF 60%, no valvular disease, no heart failure.", "heart failure", Assertion.NEGATED),
        (
            "Anxious because her mother died of a heart attack at 50.",
            "heart attack",
            Assertion.FAMILY,
        ),
        (
            "Her mother died of a heart attack and her sister has breast cancer.",
            "breast cancer",
            Assertion.FAMILY,
        ),
        ("Family history of premature MI and of breast cancer.", "mi", Assertion.FAMILY),
    ],
)
def test_context_cue_inside_scattered_term_modifies_the_others(
    engine: Engine, text: str, term: str, expected: Assertion
) -> None:
    assert _assertions(engine, text)[term] is expected


def test_context_cue_inside_contiguous_term_stays_with_it(engine: Engine) -> None:
    # "family history of breast cancer" names Z80.3 itself: its cue does not make it a relative's
    found = _assertions(engine, "Family history of breast cancer.")
    assert found["family history of breast cancer"] is Assertion.PRESENT


def _windows(patterns: list[list[dict[str, object]]], text: str) -> list[tuple[int, int]]:
    return _TokenPatterns(patterns).windows(spacy.blank("en")(text))


NO_RELEVANT_HISTORY = [
    {"LOWER": {"IN": ["no", "without"]}},
    {"LOWER": {"IN": ["other", "relevant", "past"]}, "OP": "*"},
    {"LOWER": "relevant"},
    {"LOWER": {"IN": ["history", "background"]}},
]
IN_YEAR = [{"LOWER": "in"}, {"TEXT": {"REGEX": r"^(19|20)\d\d$"}}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # from each token at which a pattern's leading tokens (before its first OP) match, to
        # where its match may reach: "no" and its run of "other relevant past", then two more
        ("Seen in clinic in 2019 for a fracture.", [(3, 5)]),
        ("Seen in clinic in 1850 for a fracture.", []),  # no year: "in" alone starts none
        ("Seen in clinic.", []),
        ("In 2019, no relevant history.", [(0, 7)]),  # two ranges a token apart: one call
        ("Seen in clinic: no relevant history since 2019.", [(4, 8)]),
        ("Seen in clinic: no history in 2019.", [(6, 8)]),  # "relevant" is missing
        ("It was in", []),  # too few tokens left for the pattern
        (
            "No relevant past history. " + "Seen. " * 10 + "Without other relevant background.",
            [(0, 5), (25, 30)],
        ),
    ],
)
def test_token_patterns_windows_hold_every_match(
    text: str, expected: list[tuple[int, int]]
) -> None:
    assert _windows([NO_RELEVANT_HISTORY, IN_YEAR], text) == expected


def test_token_patterns_read_the_whole_note_when_a_match_may_start_anywhere() -> None:
    assert _windows([[{"LOWER": "in", "OP": "?"}, {"LOWER": "clinic"}]], "Seen in clinic.") == [
        (0, 4)
    ]
    assert _windows([[{"IS_DIGIT": True}, {"LOWER": "clinic"}]], "Seen in clinic.") == [(0, 4)]


def test_token_patterns_read_to_the_end_when_a_match_has_no_bound() -> None:
    # a repeated token of any value, or an optional last token: from the first start on
    anything = [{"LOWER": "in"}, {"OP": "*"}, {"LOWER": "clinic"}]
    assert _windows([anything], "Seen in a clinic in town.") == [(1, 7)]
    optional_end = [{"LOWER": "in"}, {"LOWER": "clinic", "OP": "?"}]
    assert _windows([optional_end], "Seen in a clinic in town.") == [(1, 7)]


@pytest.mark.parametrize(
    "text",
    [
        "Seen in clinic in 2019 and in 2020; excised in 2018, resected 2017 in 2016.",
        "no relevant relevant history history. Without other relevant past medical history of "
        "interest, no significant history in 2019, no history of note no relevant background x",
        "Excised in in 2019. No notable important history for 2 years. no relevant history",
        "no relevant history",
    ],
)
def test_token_matcher_over_the_windows_finds_what_it_finds_over_the_note(
    engine: Engine, text: str
) -> None:
    quick = engine.nlp.get_pipe("medspacy_context")
    matcher = context_matcher(quick)
    tokens = matcher_parts(matcher).tokens
    doc = engine.nlp.make_doc(text)
    windows = quick._token_windows(doc, matcher, tokens)
    found = [(k, s + a, e + a) for a, b in windows for k, s, e in tokens(doc[a:b])]
    assert found == tokens(doc)  # the same matches, in the same order


def test_pruned_overlapping_matches_are_medspacys() -> None:
    # ``_prune_overlapping`` is medspaCy 1.3.1's ``prune_overlapping_matches`` read by index:
    # the same matches, in the same order, on many random lists (nested, chained, repeated)
    rng = random.Random(0)
    for _ in range(3000):
        matches = []
        for _ in range(rng.randint(0, 12)):
            start = rng.randint(0, 15)
            matches.append((rng.randint(1, 4), start, start + rng.randint(1, 5)))
        expected = prune_overlapping_matches(list(matches))
        assert _prune_overlapping(list(matches)) == expected, matches
