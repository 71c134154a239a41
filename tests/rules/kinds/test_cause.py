"""The cause_stated rule kind: an unspecified-cause code gives way when its mention names the
cause (OCG I.B.18)."""

from __future__ import annotations

import pytest

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import ConfigError
from codesuggest.rules.engine import RuleSet, rule_from_dict
from codesuggest.types import Assertion, Mention, Note
from tests.utils.scored import apply, item

RULE = "unspecified-cause-stated"


def _with_mention(code: str, cs: Icd10Cm, text: str, phrase: str, assertion: Assertion):
    s = item(code, cs, 0.9)
    start, end = text.index(phrase), text.index(phrase) + len(phrase)
    s.candidate.add_support(
        Mention(start, end, phrase, "none", assertion, (code,), "contiguous", "x", 3), 1, "x"
    )
    return s


@pytest.mark.parametrize(
    "text",
    [
        "A/P: Allergic contact dermatitis due to poison ivy. Triamcinolone.",
        "Allergic contact dermatitis, caused by nickel in a belt buckle.",
        "Allergic contact dermatitis to the adhesive bandage.",
    ],
)
def test_cause_stated_withdraws_the_unspecified_cause(
    packaged: RuleSet, cs: Icd10Cm, text: str
) -> None:
    s = _with_mention("L23.9", cs, text, "Allergic contact dermatitis", Assertion.PRESENT)
    out = apply(packaged, RULE, [s], cs, Note(text))
    assert not out["L23.9"].recommended
    assert out["L23.9"].rules == [RULE]
    assert out["L23.9"].flags[0].startswith("the note states the cause (")


@pytest.mark.parametrize(
    "text",
    [
        "Allergic contact dermatitis. Due to follow up in 2 weeks.",  # another sentence
        "Allergic contact dermatitis due to unknown allergen.",
        "Allergic contact dermatitis, cause unclear.",
    ],
)
def test_cause_stated_keeps_an_unstated_cause(packaged: RuleSet, cs: Icd10Cm, text: str) -> None:
    s = _with_mention("L23.9", cs, text, "Allergic contact dermatitis", Assertion.PRESENT)
    assert apply(packaged, RULE, [s], cs, Note(text))["L23.9"].recommended


def test_cause_stated_reads_only_present_mentions_and_unspecified_cause_titles(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    text = "No allergic contact dermatitis due to nickel. Dermatitis due to poison ivy."
    negated = _with_mention("L23.9", cs, text, "allergic contact dermatitis", Assertion.NEGATED)
    specific = _with_mention("L23.7", cs, text, "Dermatitis", Assertion.PRESENT)
    out = apply(packaged, RULE, [negated, specific], cs, Note(text))
    assert out["L23.9"].recommended and out["L23.7"].recommended


def test_cause_stated_params_are_checked() -> None:
    with pytest.raises(ConfigError):
        rule_from_dict(
            {
                "name": "r",
                "kind": "cause_stated",
                "description": "d",
                "params": {"title_words": [], "links": ["due to"]},
            }
        )
