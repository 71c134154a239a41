"""Code-set edits: Excludes1 conflicts read at the scope of their note (OCG I.A.12.a)."""

from __future__ import annotations

import pytest

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.rules.adaptable import adaptations
from codesuggest.rules.base import Scored
from codesuggest.rules.engine import KINDS, RuleSet, rule_from_dict
from codesuggest.rules.kinds.edits import UNNAMED
from codesuggest.types import Evidence, Note
from tests.utils.scored import apply, item, mentioned

RULE = "excludes1-conflict"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # I65's "insufficiency, NOS, of precerebral artery (G45.-)" is not every TIA
        ("G45.9", "I65.22"),
        ("G45.9", "I65.23"),
        ("G45.8", "I65.21"),
        # J40's "asthmatic bronchitis NOS (J45.9-)": not exercise-induced bronchospasm
        ("J40", "J45.990"),
    ],
)
def test_excludes1_keeps_both_codes_of_a_narrower_nos_note(
    packaged: RuleSet, cs: Icd10Cm, a: str, b: str
) -> None:
    out = apply(packaged, RULE, [item(a, cs, 0.9), item(b, cs, 0.8)], cs)
    assert out[a].recommended and out[b].recommended
    assert out[a].rules == [] and out[b].rules == []


@pytest.mark.parametrize(
    ("kept", "withdrawn"),
    [
        ("I65.22", "G45.2"),  # precerebral artery insufficiency itself
        ("E11.9", "E10.9"),  # a whole category: "type 1 diabetes mellitus (E10.-)"
        ("J40", "J45.909"),  # asthmatic bronchitis NOS is J45.909
        ("I65.22", "I63.032"),  # a range: "... causing cerebral infarction (I63.0-I63.2)"
    ],
)
def test_excludes1_still_withdraws_the_conflicting_code(
    packaged: RuleSet, cs: Icd10Cm, kept: str, withdrawn: str
) -> None:
    out = apply(packaged, RULE, [item(kept, cs, 0.9), item(withdrawn, cs, 0.8)], cs)
    assert out[kept].recommended
    assert not out[withdrawn].recommended
    assert out[withdrawn].flags == [f"Excludes1 with {kept}"]


def test_excludes1_the_less_vague_code_stays(packaged: RuleSet, cs: Icd10Cm) -> None:
    # "Malignant pleural effusion": J91.0, though J90 "..., not elsewhere classified" is surer
    out = apply(packaged, RULE, [item("J90", cs, 0.9), item("J91.0", cs, 0.5)], cs)
    assert out["J91.0"].recommended
    assert not out["J90"].recommended
    assert out["J90"].flags == ["Excludes1 with J91.0"]


def test_excludes1_a_diagnosis_stays_over_the_symptom_it_excludes(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    # R55 Excludes1 orthostatic hypotension: the syncope is part of it (OCG I.B.4, I.B.5), even
    # when the syncope is the surer code
    out = apply(packaged, RULE, [item("R55", cs, 0.9), item("I95.1", cs, 0.6)], cs)
    assert out["I95.1"].recommended
    assert not out["R55"].recommended
    assert out["R55"].flags == ["Excludes1 with I95.1"]


def test_excludes1_symptom_table_must_exist() -> None:
    from codesuggest.errors import ConfigError

    with pytest.raises((ConfigError, FileNotFoundError)):
        rule_from_dict(
            {"name": "r", "kind": "excludes1", "description": "d", "params": {"symptoms": "x.tsv"}}
        )


@pytest.mark.parametrize(("code", "kept"), [("Z08", True), ("Z87.891", True), ("C61", False)])
def test_unaffirmed_a_code_reporting_the_past_stands_on_a_historical_mention(
    packaged: RuleSet, cs: Icd10Cm, code: str, kept: bool
) -> None:
    # "Follow-up after completed treatment of prostate cancer": the mention is historical, which
    # is what Z08 reports (OCG I.C.21.c.8); the cancer itself is not current (C61 withdrawn)
    out = apply(packaged, "unaffirmed-evidence", [item(code, cs, assertion="historical")], cs)
    assert out[code].recommended is kept


def _learned(code: str, cs: Icd10Cm, confidence: float = 0.9) -> Scored:
    """``item`` learned from the note as a whole: its evidence the words that drove it."""
    s = item(code, cs, confidence)
    s.suggestion.evidence = [Evidence(0, 4, "word", "none", "present", kind="learned")]
    return s


def test_documented_a_code_no_mention_names_ranks_but_is_not_recommended(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    # I10 learned from a note on diabetes and obesity: no mention names hypertension
    learned = _learned("I10", cs, 0.64)
    named = mentioned("E11.9", cs, "diabetes", 0)
    out = apply(packaged, "documented-in-note", [learned, named], cs)
    assert not out["I10"].recommended and "documented-in-note" in out["I10"].rules
    assert UNNAMED in out["I10"].flags
    assert not learned.withdrawn  # it keeps its place among the codes below threshold
    assert out["E11.9"].recommended and out["E11.9"].rules == []


def test_documented_relaxed_flags_the_code_and_leaves_it_recommended(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    [rule] = [r for r in packaged.rules if r.name == "documented-in-note"]
    [relaxed] = adaptations(rule)
    assert relaxed.setting == {"withdraw": False}
    out = KINDS[rule.kind](relaxed.applied(rule), [_learned("I10", cs)], Note("text"), cs)
    assert out[0].suggestion.recommended and UNNAMED in out[0].suggestion.flags


def test_documented_leaves_codes_below_threshold_unflagged(packaged: RuleSet, cs: Icd10Cm) -> None:
    below = _learned("I10", cs, 0.1)
    below.suggestion.recommended = False
    out = apply(packaged, "documented-in-note", [below], cs)
    assert out["I10"].rules == [] and out["I10"].flags == []
