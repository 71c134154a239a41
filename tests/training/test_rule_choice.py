"""Thresholds and site-adjustable rule settings chosen on held-out rows."""

from __future__ import annotations

import numpy as np
import pytest

from codesuggest.candidates.base import Candidate
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.rules.engine import RuleSet
from codesuggest.training.rule_choice import ADJUSTABLE, choose, recommendable
from codesuggest.types import Assertion, Mention, Note


def _mention(assertion: Assertion, code: str = "R52") -> Mention:
    return Mention(0, 4, "term", "none", assertion, (code,), "contiguous", "title", 1)


@pytest.fixture(scope="module")
def codeset() -> Icd10Cm:
    return Icd10Cm.from_package()


def _cand(code: str, assertion: Assertion) -> Candidate:
    return Candidate(code, [_mention(assertion, code)], title=code, billable=True)


def test_recommendable_follows_the_rules() -> None:
    present = Candidate("R52", [_mention(Assertion.PRESENT)], billable=True)
    negated = Candidate("R52", [_mention(Assertion.NEGATED)], billable=True)
    historical = Candidate("R52", [_mention(Assertion.HISTORICAL)], billable=True)
    learned_only = Candidate("R69", billable=True)
    category = Candidate("J18", [_mention(Assertion.PRESENT)], billable=False)
    history = Candidate("Z80.3", [_mention(Assertion.FAMILY)], billable=True, derived_from="C50")
    procedure = Candidate("BW03ZZZ", system="ICD-10-PCS", billable=True)
    assert recommendable(present) and recommendable(learned_only)
    assert recommendable(history) and recommendable(procedure)
    assert not recommendable(negated) and not recommendable(historical)
    assert not recommendable(category)
    # with a relaxed rule: what it accepts, or everything billable when it withdraws nothing
    assert recommendable(historical, frozenset({"present", "historical"}))
    assert not recommendable(negated, frozenset({"present", "historical"}))
    assert recommendable(negated, None)
    assert not recommendable(category, None)


def _held_out(
    negated_gold: bool, notes: int = 40
) -> tuple[dict[int, Note], list[Candidate], list[int], list[set[str]]]:
    """Each note: one affirmed gold code, one negated code (gold or not), one wrong code."""
    cands, groups, gold = [], [], []
    for g in range(notes):
        row = [
            _cand("I10", Assertion.PRESENT),
            _cand("R07.9", Assertion.NEGATED),
            _cand("R51.9", Assertion.PRESENT),
        ]
        cands += row
        groups += [g] * len(row)
        gold.append({"ICD-10-CM|I10"} | ({"ICD-10-CM|R07.9"} if negated_gold else set()))
    return {g: Note(f"note {g}") for g in range(notes)}, cands, groups, gold


def _choose(
    negated_gold: bool, codeset: Icd10Cm, adjust: bool = True
) -> tuple[RuleSet, float, list[dict]]:
    notes, cands, groups, gold = _held_out(negated_gold)
    probs = np.tile([0.9, 0.8, 0.2], len(notes))
    rules = RuleSet.from_json()
    choice = choose(rules, adjust, notes, cands, probs, groups, gold, ["ICD-10-CM"], codeset)
    return choice.rules, choice.f1, choice.tried


def test_choose_keeps_the_strict_rules_when_coders_follow_them(codeset: Icd10Cm) -> None:
    rules, f1, tried = _choose(negated_gold=False, codeset=codeset)
    assert rules.rules == RuleSet.from_json().rules
    assert f1 == pytest.approx(1.0)
    n_settings = np.prod([len(v) for v in ADJUSTABLE.values()])
    assert len(tried) == n_settings
    assert tried[0] == {"settings": {}, "f1": 1.0, "chosen": True}
    assert not any(t.get("chosen") for t in tried[1:])


def test_choose_relaxes_affirmed_evidence_when_coders_code_negated_mentions(
    codeset: Icd10Cm,
) -> None:
    rules, f1, _ = _choose(negated_gold=True, codeset=codeset)
    [rule] = [r for r in rules.rules if r.kind == "require_affirmed"]
    assert rule.params.get("withdraw") is False
    assert f1 == pytest.approx(1.0)
    # the packaged rules that encode the code set are never relaxed
    strict = {r.name: r for r in RuleSet.from_json().rules if r.kind not in ADJUSTABLE}
    assert {r.name: r for r in rules.rules if r.kind not in ADJUSTABLE} == strict


def test_choose_with_adjust_false_keeps_the_packaged_rules(codeset: Icd10Cm) -> None:
    rules, f1, tried = _choose(negated_gold=True, codeset=codeset, adjust=False)
    assert rules.rules == RuleSet.from_json().rules
    assert len(tried) == 1 and tried[0]["chosen"] and tried[0]["settings"] == {}
    assert f1 < 1.0  # the negated gold codes stay withdrawn
