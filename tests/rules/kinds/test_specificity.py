"""The most specific code wins over its unspecified siblings (OCG I.B.2, I.B.18)."""

from __future__ import annotations

import pytest

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.engine import Engine
from codesuggest.rules.engine import RuleSet, Scored
from codesuggest.types import Assertion, Mention, Note
from tests.utils.scored import apply, item

RULE = "unspecified-beside-specific"


@pytest.mark.parametrize(
    ("vague", "specific"),
    [
        ("J45.909", "J45.40"),
        ("F32.A", "F32.4"),
        ("S52.539A", "S52.531A"),
        ("I50.9", "I50.23"),
        ("R10.9", "R10.11"),
        ("E11.40", "E11.42"),
    ],
)
def test_unspecified_sibling_withdrawn_beside_specific(
    packaged: RuleSet, cs: Icd10Cm, vague: str, specific: str
) -> None:
    out = apply(packaged, RULE, [item(vague, cs, 0.95), item(specific, cs, 0.5)], cs)
    assert not out[vague].recommended
    assert out[vague].rules == [RULE]
    assert out[vague].flags == [
        f"unspecified beside {specific} ({cs.title(specific)}) - OCG I.B.18"
    ]
    assert out[specific].recommended
    assert out[specific].rules == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("E11.40", "E11.22"),  # two complications of diabetes, both reported
        ("R19.7", "R19.4"),  # diarrhea and a change in bowel habit: one category, two findings
        ("R11.10", "R11.0"),  # vomiting and nausea (together R11.2, not one unspecified)
        ("S52.501A", "S52.532A"),  # right and left radius: two fractures
        ("J45.909", "J18.9"),  # other categories
    ],
)
def test_unspecified_sibling_keeps_codes_for_different_conditions(
    packaged: RuleSet, cs: Icd10Cm, a: str, b: str
) -> None:
    out = apply(packaged, RULE, [item(a, cs), item(b, cs)], cs)
    assert out[a].recommended
    assert out[b].recommended


def test_unspecified_sibling_ignores_unrecommended_specific(packaged: RuleSet, cs: Icd10Cm) -> None:
    out = apply(packaged, RULE, [item("I50.9", cs), item("I50.23", cs, recommended=False)], cs)
    assert out["I50.9"].recommended


def test_engine_unspecified_asthma_not_recommended_beside_moderate(engine: Engine) -> None:
    text = "Moderate persistent asthma, uncomplicated. Asthma."
    out = {s.code: s for s in engine.suggest(Note(text), top=15).suggestions}
    assert out["J45.40"].recommended
    assert not any(s.recommended for c, s in out.items() if c.startswith("J45.90"))


# --- a documented specific code promoted over its unspecified sibling ---------------------------

PROMOTE = "specific-documented-over-unspecified"


def _named(
    code: str,
    cs: Icd10Cm,
    confidence: float,
    *,
    words: int,
    recommended: bool,
    kind: str = "contiguous",
    assertion: Assertion = Assertion.PRESENT,
) -> Scored:
    """A suggestion whose candidate has one mention of ``words`` matched words."""
    s = item(code, cs, confidence, recommended=recommended, assertion=assertion.value)
    s.candidate.mentions.append(
        Mention(0, 4, "term", "none", assertion, (code,), kind, "title", words)
    )
    return s


def test_promote_specific_recommends_the_code_documented_in_more_words(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    # "acute on chronic systolic HF ... HF clinic": I50.23 in 5 words, I50.9 in one
    items = [
        _named("I50.9", cs, 0.6, words=1, recommended=True),
        _named("I50.23", cs, 0.45, words=5, recommended=False),
    ]
    out = apply(packaged, PROMOTE, items, cs)
    assert out["I50.23"].recommended
    assert out["I50.23"].rules == [PROMOTE]
    assert out["I50.9"].recommended  # the unspecified-sibling rule withdraws it next
    both = [_named("I50.9", cs, 0.6, words=1, recommended=True), items[1]]
    after = apply(packaged, "unspecified-beside-specific", both, cs)
    assert not after["I50.9"].recommended


@pytest.mark.parametrize(
    ("words", "kind", "confidence", "assertion"),
    [
        (1, "contiguous", 0.45, Assertion.PRESENT),  # no more words than the unspecified code
        (5, "scattered", 0.45, Assertion.PRESENT),  # words spread over the sentence
        (5, "contiguous", 0.1, Assertion.PRESENT),  # below min_confidence
        (5, "contiguous", 0.45, Assertion.NEGATED),  # not affirmed
    ],
)
def test_promote_specific_needs_a_present_fuller_mention(
    packaged: RuleSet, cs: Icd10Cm, words: int, kind: str, confidence: float, assertion: Assertion
) -> None:
    items = [
        _named("I50.9", cs, 0.6, words=1, recommended=True),
        _named(
            "I50.23", cs, confidence, words=words, recommended=False, kind=kind, assertion=assertion
        ),
    ]
    out = apply(packaged, PROMOTE, items, cs)
    assert not out["I50.23"].recommended


def test_promote_specific_never_promotes_a_residual_other_code(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    items = [
        _named("J45.909", cs, 0.6, words=1, recommended=True),
        _named("J45.998", cs, 0.5, words=3, recommended=False),  # "Other asthma"
    ]
    assert not apply(packaged, PROMOTE, items, cs)["J45.998"].recommended
