"""Rules: strict loading and each rule kind applied to hand-built suggestions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codesuggest.candidates.base import Candidate
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.errors import ConfigError
from codesuggest.rules.engine import KINDS, Rule, RuleSet, Scored, rule_from_dict
from codesuggest.types import Assertion, Evidence, Mention, Note, Suggestion
from tests.utils.support import derived


def item(
    code: str,
    confidence: float = 0.9,
    assertions: tuple[str, ...] = ("present",),
    recommended: bool = True,
    derived_from: str | None = None,
    derived_as: str = "",
) -> Scored:
    """A suggestion of ``code`` with a mention of each of ``assertions``; a history code
    (``derived_from``) has them as the mentions of its condition, read for it as the engine
    reads them (``candidates.assertion``)."""
    if derived_from is not None:
        said = [
            Mention(10 * i, 10 * i + 4, "term", "none", Assertion(a), (derived_from,), "c", "s", 1)
            for i, a in enumerate(assertions)
        ]
        cand = derived(code, derived_from, derived_as, said)
        assertions = tuple(m.assertion.value for m in cand.mentions)
    else:
        cand = Candidate(code)
    evidence = [Evidence(10 * i, 10 * i + 4, "term", "none", a) for i, a in enumerate(assertions)]
    return Scored(
        Suggestion(
            code=code,
            system="ICD-10-CM",
            description=code,
            confidence=confidence,
            recommended=recommended,
            evidence=evidence,
        ),
        cand,
    )


def apply(
    packaged: RuleSet, name: str, items: list[Scored], cs: Icd10Cm, note: Note | None = None
) -> list[Scored]:
    [rule] = [r for r in packaged.rules if r.name == name]
    return KINDS[rule.kind](rule, items, note or Note("text"), cs)


def by_code(items: list[Scored]) -> dict[str, Suggestion]:
    return {s.suggestion.code: s.suggestion for s in items}


# --- loading ----------------------------------------------------------------------------------


def test_rule_from_dict_accepts_known_kind() -> None:
    rule = rule_from_dict({"name": "r", "kind": "excludes1", "description": "d"})
    assert rule == Rule("r", "excludes1", "d", {})


def test_rule_from_dict_rejects_unknown_keys() -> None:
    with pytest.raises(ConfigError, match="unknown keys \\['prams'\\]"):
        rule_from_dict({"name": "r", "kind": "excludes1", "description": "d", "prams": {}})


def test_rule_from_dict_rejects_missing_keys() -> None:
    with pytest.raises(ConfigError, match="missing keys \\['description'\\]"):
        rule_from_dict({"name": "r", "kind": "excludes1"})


def test_rule_from_dict_rejects_unknown_kind() -> None:
    with pytest.raises(ConfigError, match="unknown kind 'exclude1'") as info:
        rule_from_dict({"name": "r", "kind": "exclude1", "description": "d"})
    assert "excludes1" in str(info.value)  # lists the known kinds
    assert isinstance(info.value, ValueError)


def test_ruleset_rejects_duplicate_names() -> None:
    rule = Rule("same", "excludes1", "d")
    with pytest.raises(ConfigError, match="unique"):
        RuleSet([rule, Rule("same", "drop_ancestors", "d")])


def test_ruleset_from_json_requires_one_rules_key(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"rules": [], "extra": 1}), "utf-8")
    with pytest.raises(ConfigError, match="'rules'"):
        RuleSet.from_json(path)


def test_ruleset_from_json_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(
        json.dumps({"rules": [{"name": "x", "kind": "excludes1", "description": "d"}]}), "utf-8"
    )
    assert [r.name for r in RuleSet.from_json(path).rules] == ["x"]


def test_rule_from_dict_rejects_unknown_params() -> None:
    with pytest.raises(ConfigError, match="unknown params \\['tabel'\\]"):
        rule_from_dict(
            {"name": "r", "kind": "supersedes", "description": "d", "params": {"tabel": "x.tsv"}}
        )


def test_rule_from_dict_rejects_missing_params() -> None:
    with pytest.raises(ConfigError, match="missing params \\['table'\\]"):
        rule_from_dict({"name": "r", "kind": "integral_symptom", "description": "d"})


def test_rule_from_dict_accepts_withdraw_for_every_kind() -> None:
    rule = rule_from_dict(
        {"name": "r", "kind": "excludes1", "description": "d", "params": {"withdraw": False}}
    )
    assert rule.params == {"withdraw": False}


def test_rule_from_dict_checks_tables_and_combinations() -> None:
    with pytest.raises(ConfigError, match="not found"):
        rule_from_dict(
            {"name": "r", "kind": "supersedes", "description": "d", "params": {"table": "no.tsv"}}
        )
    combo = {"all_of": ["I10"], "code": "I11.0", "replace": ["I10"]}
    with pytest.raises(ConfigError, match="exactly the keys"):
        rule_from_dict(
            {
                "name": "r",
                "kind": "combination",
                "description": "d",
                "params": {"combinations": [combo]},
            }
        )


def test_packaged_guideline_rules_cite_their_section(packaged: RuleSet) -> None:
    kinds = {"combination", "with_without", "supersedes", "unspecified_sibling", "integral_symptom"}
    for rule in packaged.rules:
        if rule.kind in kinds:
            assert "OCG I." in rule.description, rule.name


def test_packaged_rules_load_with_every_kind(packaged: RuleSet) -> None:
    names = [r.name for r in packaged.rules]
    assert names[0] == "unaffirmed-evidence"
    assert {r.kind for r in packaged.rules} == set(KINDS)
    assert all(r.description for r in packaged.rules)


# --- each kind -------------------------------------------------------------------------------


def test_require_affirmed_withdraws_negated_only(packaged: RuleSet, cs: Icd10Cm) -> None:
    items = [item("R07.9", assertions=("negated",)), item("I10", assertions=("negated", "present"))]
    out = by_code(apply(packaged, "unaffirmed-evidence", items, cs))
    assert not out["R07.9"].recommended
    assert out["R07.9"].rules == ["unaffirmed-evidence"]
    assert out["R07.9"].flags == ["no affirmed evidence (negated)"]
    assert out["I10"].recommended
    assert out["I10"].rules == []


def test_require_affirmed_keeps_derived_history_codes(packaged: RuleSet, cs: Icd10Cm) -> None:
    # "mother had breast cancer": the relative's mention affirms the family-history code
    items = [item("Z80.3", assertions=("family",), derived_from="C50.919")]
    assert [e.assertion for e in items[0].suggestion.evidence] == ["present"]
    [s] = apply(packaged, "unaffirmed-evidence", items, cs)
    assert s.suggestion.recommended
    assert s.suggestion.rules == []


def test_require_affirmed_spares_codes_learned_without_mentions(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    items = [item("R69", assertions=()), item("BW03ZZZ", assertions=())]
    out = by_code(apply(packaged, "unaffirmed-evidence", items, cs))
    assert out["R69"].recommended and out["BW03ZZZ"].recommended
    assert out["R69"].rules == [] and out["BW03ZZZ"].rules == []


def test_history_code_flags_origin(packaged: RuleSet, cs: Icd10Cm) -> None:
    items = [
        item("Z80.3", assertions=("family",), derived_from="C50.919", derived_as="family_history")
    ]
    [s] = apply(packaged, "family-history-code", items, cs)
    assert s.suggestion.rules == ["family-history-code"]
    assert s.suggestion.flags[0].startswith("family history of C50.919 (Malignant neoplasm")


def test_history_code_reads_only_codes_derived_through_its_column(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    # a personal-history code is not the family-history rule's, whatever its evidence says
    items = [
        item("Z85.3", assertions=("family",), derived_from="C50.919", derived_as="personal_history")
    ]
    [s] = apply(packaged, "family-history-code", items, cs)
    assert s.suggestion.rules == []


def test_drop_ancestors_drops_e11_when_e11_9_present(packaged: RuleSet, cs: Icd10Cm) -> None:
    items = [item("E11", 0.5), item("E11.9", 0.8), item("I10", 0.7)]
    out = by_code(apply(packaged, "parent-child-duplicate", items, cs))
    assert set(out) == {"E11.9", "I10"}
    assert out["E11.9"].rules == ["parent-child-duplicate"]
    assert out["I10"].rules == []


def test_non_billable_flags_children(packaged: RuleSet, cs: Icd10Cm) -> None:
    items = [item("J18"), item("J18.9")]
    out = by_code(apply(packaged, "non-billable-specify", items, cs))
    assert not out["J18"].recommended
    assert out["J18"].flags == ["non-billable: specify J18.0, J18.1, J18.2, J18.8, J18.9"]
    assert out["J18.9"].recommended
    assert out["J18.9"].flags == []


def test_excludes1_withdraws_less_confident(packaged: RuleSet, cs: Icd10Cm) -> None:
    items = [item("E10.9", 0.6), item("E11.9", 0.9), item("I10", 0.8)]
    out = by_code(apply(packaged, "excludes1-conflict", items, cs))
    assert out["E11.9"].recommended
    assert not out["E10.9"].recommended
    assert out["E10.9"].flags == ["Excludes1 with E11.9"]
    assert out["I10"].recommended


def test_rule_with_withdraw_false_only_flags(packaged: RuleSet, cs: Icd10Cm) -> None:
    [rule] = [r for r in packaged.rules if r.name == "excludes1-conflict"]
    relaxed = Rule(rule.name, rule.kind, rule.description, {**rule.params, "withdraw": False})
    items = [item("E10.9", 0.6), item("E11.9", 0.9)]
    out = by_code(KINDS[relaxed.kind](relaxed, items, Note("text"), cs))
    assert out["E10.9"].recommended and out["E11.9"].recommended
    assert out["E10.9"].flags == ["Excludes1 with E11.9"]
    assert out["E10.9"].rules == ["excludes1-conflict"]


def test_ruleset_to_json_round_trips(packaged: RuleSet, tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(packaged.to_json(), "utf-8")
    assert RuleSet.from_json(path).rules == packaged.rules


def test_excludes1_ignores_unrecommended(packaged: RuleSet, cs: Icd10Cm) -> None:
    items = [item("E10.9", 0.95, recommended=False), item("E11.9", 0.6)]
    out = by_code(apply(packaged, "excludes1-conflict", items, cs))
    assert out["E11.9"].recommended
    assert out["E11.9"].rules == []


def test_excludes1_range_reference(packaged: RuleSet, cs: Icd10Cm) -> None:
    items = [item("A74.9", 0.9), item("A56.00", 0.6)]
    out = by_code(apply(packaged, "excludes1-conflict", items, cs))
    assert not out["A56.00"].recommended


def test_seventh_character_flags_fracture(packaged: RuleSet, cs: Icd10Cm) -> None:
    out = by_code(apply(packaged, "seventh-character", [item("S72.001A"), item("I10")], cs))
    assert out["S72.001A"].rules == ["seventh-character"]
    assert out["S72.001A"].recommended
    assert out["I10"].rules == []


def test_sex_edit_withdraws_prostate_code_for_female(packaged: RuleSet, cs: Icd10Cm) -> None:
    items = [item("N40.0"), item("I10")]
    out = by_code(apply(packaged, "sex-edit", items, cs, Note("t", sex="F")))
    assert not out["N40.0"].recommended
    assert out["N40.0"].flags == ["not expected for sex F"]
    assert out["I10"].recommended


def test_sex_edit_keeps_prostate_code_for_male_and_unknown(packaged: RuleSet, cs: Icd10Cm) -> None:
    for note in (Note("t", sex="M"), Note("t")):
        [s] = apply(packaged, "sex-edit", [item("N40.0")], cs, note)
        assert s.suggestion.recommended


def test_sex_edit_withdraws_pregnancy_code_for_male(packaged: RuleSet, cs: Icd10Cm) -> None:
    [s] = apply(packaged, "sex-edit", [item("O80")], cs, Note("t", sex="M"))
    assert not s.suggestion.recommended


def test_age_edit_withdraws_perinatal_code_at_40(packaged: RuleSet, cs: Icd10Cm) -> None:
    items = [item("P07.30"), item("I10")]
    out = by_code(apply(packaged, "age-edit", items, cs, Note("t", age=40)))
    assert not out["P07.30"].recommended
    assert out["P07.30"].flags == ["perinatal code at age 40"]
    assert out["I10"].recommended


def test_age_edit_keeps_perinatal_code_for_newborn(packaged: RuleSet, cs: Icd10Cm) -> None:
    [s] = apply(packaged, "age-edit", [item("P07.30")], cs, Note("t", age=0))
    assert s.suggestion.recommended


def test_age_edit_maternity_range(packaged: RuleSet, cs: Icd10Cm) -> None:
    [old] = apply(packaged, "age-edit", [item("O80")], cs, Note("t", age=70))
    [adult] = apply(packaged, "age-edit", [item("O80")], cs, Note("t", age=30))
    assert not old.suggestion.recommended
    assert adult.suggestion.recommended


def test_ruleset_apply_runs_rules_in_order(packaged: RuleSet, cs: Icd10Cm) -> None:
    items = [item("E11", 0.5), item("E11.9", 0.9), item("R07.9", 0.8, assertions=("negated",))]
    out = by_code(packaged.apply(items, Note("t"), cs))
    assert set(out) == {"E11.9", "R07.9"}
    assert out["E11.9"].recommended
    assert not out["R07.9"].recommended
    assert "unaffirmed-evidence" in out["R07.9"].rules


# --- code systems -----------------------------------------------------------------------------


def _of_system(code: str, system: str) -> Scored:
    s = item(code)
    s.suggestion.system = s.candidate.system = system
    return s


def test_kinds_read_only_the_suggestions_of_their_systems(cs: Icd10Cm) -> None:
    from codesuggest.rules.base import for_systems

    seen: list[list[str]] = []

    def drop_first_add_one(
        rule: Rule, items: list[Scored], note: Note, cs: Icd10Cm
    ) -> list[Scored]:
        seen.append([s.suggestion.code for s in items])
        return [*items[1:], item("Z99.2")]

    cm_only = for_systems(drop_first_add_one, frozenset({"ICD-10-CM"}))
    rule = Rule("r", "drop_ancestors", "d", {})
    items = [
        item("I10"),
        _of_system("0DTJ4ZZ", "ICD-10-PCS"),
        item("E11.9"),
        _of_system("99213", "CPT"),
    ]
    out = cm_only(rule, items, Note("text"), cs)
    assert seen == [["I10", "E11.9"]]
    # the others keep their places; what the kind dropped is gone; what it added comes last
    assert [s.suggestion.code for s in out] == ["0DTJ4ZZ", "E11.9", "99213", "Z99.2"]
    # a kind of every system reads them all
    assert for_systems(drop_first_add_one, None) is drop_first_add_one


def test_packaged_procedure_kinds_read_procedures_and_assertion_kinds_every_code() -> None:
    from codesuggest.rules.kinds import ALL

    assert ALL["pcs_complete"].systems == {"ICD-10-PCS"}
    assert ALL["procedure_not_performed"].systems == {"ICD-10-PCS"}
    assert ALL["require_affirmed"].systems is None
    assert ALL["integral_symptom"].systems == {"ICD-10-CM"}
    assert ALL["combination"].systems == {"ICD-10-CM"}
