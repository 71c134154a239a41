"""The ConText component: a cue among the words of a scattered term still modifies the other
terms in its scope, through the real pipeline of the default model."""

from __future__ import annotations

import pytest
import spacy

from codesuggest.engine import Engine
from codesuggest.extract.context import _TokenPatterns
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


def _start(patterns: list[list[dict[str, object]]], text: str) -> int | None:
    return _TokenPatterns(patterns).start(spacy.blank("en")(text))


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
        # the first token at which a pattern's leading tokens (before its first OP) match
        ("Seen in clinic in 2019 for a fracture.", 3),
        ("Seen in clinic in 1850 for a fracture.", None),  # no year: "in" alone starts none
        ("Seen in clinic.", None),
        ("In 2019, no relevant history.", 0),
        ("Seen in clinic: no relevant history since 2019.", 4),
        ("Seen in clinic: no history in 2019.", 6),  # "no" leads, but "relevant" is missing
        ("It was in", None),  # too few tokens left for the pattern
    ],
)
def test_token_patterns_start_where_a_pattern_may_match(text: str, expected: int | None) -> None:
    assert _start([NO_RELEVANT_HISTORY, IN_YEAR], text) == expected


def test_token_patterns_start_anywhere_when_a_pattern_may_start_with_any_token() -> None:
    assert _start([[{"LOWER": "in", "OP": "?"}, {"LOWER": "clinic"}]], "Seen in clinic.") == 0
    assert _start([[{"IS_DIGIT": True}, {"LOWER": "clinic"}]], "Seen in clinic.") == 0
