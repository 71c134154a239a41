"""The ConText component: a cue among the words of a scattered term still modifies the other
terms in its scope, through the real pipeline of the default model."""

from __future__ import annotations

import pytest

from codesuggest.engine import Engine
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
