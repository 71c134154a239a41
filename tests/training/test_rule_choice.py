"""Thresholds, and (only when asked) the settings of adaptable rules, chosen on held-out rows."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from codesuggest.candidates.base import Candidate
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.rules.adaptable import adaptations
from codesuggest.rules.engine import Rule, RuleSet
from codesuggest.training.rule_choice import Choice, choose, recommendable
from codesuggest.types import INNER, Assertion, Mention, Note
from tests.utils.support import derived, supported


def _mention(assertion: Assertion, code: str = "R52") -> Mention:
    return Mention(0, 4, "term", "none", assertion, (code,), "contiguous", "title", 1)


@pytest.fixture(scope="module")
def codeset(cs: Icd10Cm) -> Icd10Cm:
    """The session's packaged code set (tests/conftest.py; read-only)."""
    return cs


def _cand(code: str, assertion: Assertion) -> Candidate:
    return Candidate(code, supported([_mention(assertion, code)]), title=code, billable=True)


def test_recommendable_follows_the_rules() -> None:
    present = Candidate("R52", supported([_mention(Assertion.PRESENT)]), billable=True)
    negated = Candidate("R52", supported([_mention(Assertion.NEGATED)]), billable=True)
    historical = Candidate("R52", supported([_mention(Assertion.HISTORICAL)]), billable=True)
    learned_only = Candidate("R69", billable=True)
    category = Candidate("J18", supported([_mention(Assertion.PRESENT)]), billable=False)
    # "mother had breast cancer": read as affirming the family-history code
    history = derived("Z80.3", "C50", "family_history", [_mention(Assertion.FAMILY)], billable=True)
    procedure = Candidate("BW03ZZZ", supported([_mention(Assertion.PRESENT)]), system="ICD-10-PCS")
    procedure.billable = True
    assert recommendable(present) and not recommendable(learned_only)
    assert recommendable(history) and recommendable(procedure)
    # codes no mention names, learned from the note as a whole: when the rules recommend them
    assert recommendable(learned_only, named=False)
    assert not recommendable(negated) and not recommendable(historical)
    assert not recommendable(category)
    # with a relaxed rule: what it accepts, or everything billable when it withdraws nothing
    assert recommendable(historical, frozenset({"present", "historical"}))
    assert not recommendable(negated, frozenset({"present", "historical"}))
    assert recommendable(negated, None)
    assert not recommendable(category, None)


def test_recommendable_not_a_code_only_inner_mentions_support() -> None:
    inner = replace(_mention(Assertion.PRESENT), kind=INNER)  # "pain" in "chest pain"
    held = Candidate("R52", supported([inner]), sources={"lexicon"}, billable=True)
    assert not recommendable(held) and not recommendable(held, None)
    # unless the trained model proposed it itself (``collect.mark_proposed``)
    proposed = Candidate("R52", supported([inner]), sources={"lexicon", "learned"}, billable=True)
    assert recommendable(proposed)


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


def _choose(negated_gold: bool, codeset: Icd10Cm, adapt: bool = True) -> Choice:
    notes, cands, groups, gold = _held_out(negated_gold)
    probs = np.tile([0.9, 0.8, 0.2], len(notes))
    rules = RuleSet.from_json()
    return choose(rules, adapt, notes, cands, probs, groups, gold, ["ICD-10-CM"], codeset)


def _adaptable(rules: RuleSet) -> set[str]:
    return {r.name for r in rules.rules if adaptations(r)}


def test_choose_keeps_the_packaged_rules_when_coders_follow_them(codeset: Icd10Cm) -> None:
    choice = _choose(negated_gold=False, codeset=codeset)
    packaged = RuleSet.from_json()
    assert choice.rules.rules == packaged.rules
    assert choice.f1 == pytest.approx(1.0)
    n_settings = np.prod([len(adaptations(r)) + 1 for r in packaged.rules])
    assert len(choice.tried) == n_settings > 1
    assert choice.tried[0] == {"settings": {}, "f1": 1.0, "chosen": True}
    assert not any(t.get("chosen") for t in choice.tried[1:])
    assert choice.adaptations == []


def test_choose_relaxes_affirmed_evidence_when_coders_code_negated_mentions(
    codeset: Icd10Cm,
) -> None:
    choice = _choose(negated_gold=True, codeset=codeset)
    [rule] = [r for r in choice.rules.rules if r.kind == "require_affirmed"]
    assert rule.params.get("withdraw") is False
    assert choice.f1 == pytest.approx(1.0)
    # rules that declare no adaptable setting (the code set's own edits) are never relaxed
    packaged = RuleSet.from_json()
    fixed = _adaptable(packaged)
    assert [r for r in choice.rules.rules if r.name not in fixed] == [
        r for r in packaged.rules if r.name not in fixed
    ]
    # what the relaxed rule does, in the words its data gives, with the F1 that chose it
    [stated] = choice.adaptations
    [declared] = [a for a in adaptations(rule) if a.setting == {"withdraw": False}]
    assert stated == {
        "rule": rule.name,
        "setting": {"withdraw": False},
        "effect": declared.effect,
        "held_out_f1": 1.0,
        "packaged_f1": stated["packaged_f1"],
    }
    assert "negated" in stated["effect"]
    assert stated["packaged_f1"] < stated["held_out_f1"]


def test_choose_without_adapt_keeps_the_packaged_rules(codeset: Icd10Cm) -> None:
    choice = _choose(negated_gold=True, codeset=codeset, adapt=False)
    assert choice.rules.rules == RuleSet.from_json().rules
    assert len(choice.tried) == 1 and choice.tried[0]["chosen"]
    assert choice.tried[0]["settings"] == {}
    assert choice.adaptations == []
    assert choice.f1 < 1.0  # the negated gold codes stay withdrawn


def test_choose_tries_only_the_settings_the_rule_data_declares(codeset: Icd10Cm) -> None:
    notes, cands, groups, gold = _held_out(negated_gold=True)
    probs = np.tile([0.9, 0.8, 0.2], len(notes))
    strict = Rule("strict-affirmed", "require_affirmed", "Only present mentions.", {})
    choice = choose(
        RuleSet([strict]), True, notes, cands, probs, groups, gold, ["ICD-10-CM"], codeset
    )
    assert len(choice.tried) == 1 and choice.adaptations == []
    declared = {
        "adaptable": [{"setting": {"withdraw": False}, "effect": "recommends negated codes"}]
    }
    loose = Rule("loose-affirmed", "require_affirmed", "Only present mentions.", declared)
    choice = choose(
        RuleSet([loose]), True, notes, cands, probs, groups, gold, ["ICD-10-CM"], codeset
    )
    assert len(choice.tried) == 2
    assert [a["effect"] for a in choice.adaptations] == ["recommends negated codes"]
