"""Which documented code says more than a billed one, by the relations of
``audit/data/specificity_kinds.tsv`` and the model's own rules."""

from __future__ import annotations

import pytest

from codesuggest.audit.specificity import RELATIONS, Specificity, relations, residual
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.rules.engine import KINDS, RuleSet


@pytest.fixture(scope="module")
def packaged() -> Specificity:
    return Specificity(RuleSet.from_json())


def test_the_data_file_lists_each_relation_once_with_a_rule_kind_and_a_cite() -> None:
    rows = relations()
    assert sorted(r.relation for r in rows) == sorted(RELATIONS)  # each test listed, once
    for row in rows:
        assert row.rule_kind in KINDS
        assert row.cite.startswith("OCG I.B.")
        assert row.why


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("E11.9", True),
        ("I50.9", True),
        ("J96.90", True),
        ("J45.909", True),
        ("J45.901", False),  # "with exacerbation": says something (its title is unspecified)
        ("J45.20", False),
        ("E11.65", False),
        ("S72.001A", False),
        ("H66.91", False),
    ],
)
def test_the_residual_code_of_a_category(code: str, expected: bool) -> None:
    assert residual(code) is expected


@pytest.mark.parametrize(
    ("billed", "documented", "relation", "rule"),
    [
        ("E11", "E11.65", "non_billable", "non-billable-specify"),
        ("E11", "E11.9", "non_billable", "non-billable-specify"),
        ("J45.909", "J45.20", "unspecified_title", "unspecified-beside-specific"),
        ("I50.9", "I50.23", "unspecified_title", "unspecified-beside-specific"),
        ("H66.90", "H66.92", "unspecified_title", "unspecified-beside-specific"),
        ("E11.9", "E11.65", "unspecified_code", "unspecified-beside-specific"),
        ("J18.9", "J13", "supersedes", "combination-supersedes-components"),
    ],
)
def test_a_documented_code_that_says_more_is_named_with_the_rule_that_knows_why(
    packaged: Specificity, cs: Icd10Cm, billed: str, documented: str, relation: str, rule: str
) -> None:
    found = packaged.more_specific(billed, ["I10", documented], cs)
    assert found is not None
    assert (found.code, found.relation, found.rule) == (documented, relation, rule)
    cite = next(r.cite for r in relations() if r.relation == relation)
    assert found.why.endswith(f"({cite})") or relation == "supersedes"
    if relation == "supersedes":  # the supersedes row's own words and cite
        assert "named organism" in found.why and "OCG I.B.18" in found.why


@pytest.mark.parametrize(
    ("billed", "documented"),
    [
        ("I10", "E11.65"),  # unrelated
        ("E11.9", "I10"),  # a residual code and another category
        ("M54.41", "M54.42"),  # the other side says no more
        ("H66.91", "H66.92"),  # as open, on the other side
        ("J45.20", "J45.909"),  # the documented code says less
        ("I10", "I13.0"),  # a combination code (OCG I.C.9.a.3), not a more specific one
        ("E11.65", "E11.65"),  # itself
        ("E11", "E11.6"),  # a subcategory that is not billable either
        ("N28.9", "N28.89"),  # "Other specified disorders ...": a residual as open
        ("F32.9", "F32.A"),  # "Depression, unspecified": as open
    ],
)
def test_a_code_that_does_not_say_more_is_not_named(
    packaged: Specificity, cs: Icd10Cm, billed: str, documented: str
) -> None:
    assert packaged.more_specific(billed, [documented], cs) is None


def test_the_most_confident_documented_code_comes_first(packaged: Specificity, cs: Icd10Cm) -> None:
    found = packaged.more_specific("E11", ["E11.65", "E11.9"], cs)
    assert found is not None and found.code == "E11.65"


def test_a_rule_set_without_the_rules_keeps_the_code_sets_knowledge_only(cs: Icd10Cm) -> None:
    bare = Specificity(RuleSet([]))
    found = bare.more_specific("J45.909", ["J45.20"], cs)
    assert found is not None
    assert (found.relation, found.rule) == ("unspecified_title", "unspecified_title")
    assert bare.more_specific("J18.9", ["J13"], cs) is None  # no supersedes table to ask
