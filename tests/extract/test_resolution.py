"""A condition the note says resolved is historical wherever the note names it."""

from __future__ import annotations

import pytest

from codesuggest.engine import Engine
from codesuggest.extract.current import RESOLVED
from codesuggest.extract.mentions import doc_mentions
from codesuggest.extract.resolution import carry_resolution
from codesuggest.types import Assertion, Mention

pytestmark = pytest.mark.filterwarnings(r"ignore:\[W036\]:UserWarning")


def _m(text: str, codes: tuple[str, ...], assertion: Assertion, basis: str = "") -> Mention:
    return Mention(
        0, len(text), text, "none", assertion, codes, "contiguous", "title", 1, basis=basis
    )


def test_carry_resolution_reaches_same_category_uncued_mentions() -> None:
    out = carry_resolution(
        [
            _m("class 3 obesity", ("E66.813",), Assertion.PRESENT),
            _m("obesity", ("E66.9",), Assertion.HISTORICAL, RESOLVED),
            _m("diabetes", ("E11.9",), Assertion.PRESENT),
        ]
    )
    assert (out[0].assertion, out[0].basis) == (Assertion.HISTORICAL, RESOLVED)
    assert out[2].assertion is Assertion.PRESENT


@pytest.mark.parametrize(
    "other",
    [
        _m("pneumonia", ("J18.9",), Assertion.NEGATED),
        _m("pneumonia", ("J18.9",), Assertion.FAMILY),
        _m("pneumonia", ("J18.9",), Assertion.PRESENT, "section:assessment"),
        _m("pneumonia", ("J18.9",), Assertion.PRESENT, "treated:levofloxacin"),
    ],
)
def test_carry_resolution_keeps_cued_mentions(other: Mention) -> None:
    resolved = _m("pneumonia", ("J18.9",), Assertion.HISTORICAL, RESOLVED)
    assert carry_resolution([other, resolved])[0] == other


def test_carry_resolution_leaves_status_codes() -> None:
    stopped = _m("warfarin", ("Z79.01",), Assertion.HISTORICAL, RESOLVED)
    taken = _m("apixaban", ("Z79.01",), Assertion.PRESENT)
    assert carry_resolution([stopped, taken])[1] == taken


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Seen 6 wks ago for LLL pneumonia. A/P: pneumonia resolved.", "pneumonia"),
        ("Cough x 2 weeks. Today: cough resolved.", "cough"),
        ("S/p sleeve gastrectomy for class 3 obesity. Obesity resolved.", "class 3 obesity"),
    ],
)
def test_carry_resolution_in_notes(engine: Engine, text: str, term: str) -> None:
    mentions = doc_mentions(engine.nlp(text), engine.index)
    first = next(m for m in mentions if m.text.lower() == term)
    assert first.assertion is Assertion.HISTORICAL
    assert first.basis == RESOLVED
