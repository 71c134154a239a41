"""Symptoms integral to a confirmed diagnosis (OCG I.B.4, I.B.5)."""

from __future__ import annotations

import pytest

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.engine import Engine
from codesuggest.rules.engine import RuleSet
from codesuggest.types import Note
from tests.utils.scored import apply, item

RULE = "symptom-integral-to-diagnosis"


def test_integral_symptom_withdraws_dyspnea_edema_beside_heart_failure(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    items = [item(c, cs) for c in ("R06.00", "R06.01", "R60.0", "I50.23")]
    out = apply(packaged, RULE, items, cs)
    for symptom in ("R06.00", "R06.01", "R60.0"):
        assert not out[symptom].recommended
        assert out[symptom].rules == [RULE]
        assert out[symptom].flags == [
            "integral to I50.23 (Acute on chronic systolic (congestive) heart failure) - OCG I.B.5"
        ]
    assert out["I50.23"].recommended
    assert out["I50.23"].rules == []


def test_integral_symptom_withdraws_cough_beside_bronchitis(packaged: RuleSet, cs: Icd10Cm) -> None:
    out = apply(packaged, RULE, [item("R05.1", cs), item("J20.9", cs)], cs)
    assert not out["R05.1"].recommended
    assert out["R05.1"].flags[0].startswith("integral to J20.9 (Acute bronchitis, unspecified)")


def test_integral_symptom_keeps_symptom_beside_unconfirmed_condition(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    for condition in (
        item("I50.9", cs, assertion="negated"),  # recommended but only denied: not confirmed
        item("I50.9", cs, assertion="negated", recommended=False),
        item("I50.9", cs, assertion="possible", recommended=False),
        item("I50.9", cs, 0.1, recommended=False),  # named, but below the rule's floor
    ):
        out = apply(packaged, RULE, [item("R06.00", cs), condition], cs)
        assert out["R06.00"].recommended
        assert out["R06.00"].rules == []


def test_integral_symptom_beside_a_documented_condition_the_ranker_doubts(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    # "Guillain-Barre syndrome with weakness": the note confirms the syndrome even where the
    # ranker leaves its code below the threshold; the weakness is still integral to it
    condition = item("G61.0", cs, 0.35, recommended=False)
    out = apply(packaged, RULE, [item("R53.1", cs), condition], cs)
    assert not out["R53.1"].recommended
    assert out["R53.1"].flags[0].startswith("integral to G61.0")
    assert not out["G61.0"].recommended  # the rule recommends nothing itself


def test_integral_symptom_keeps_symptom_not_in_the_map(packaged: RuleSet, cs: Icd10Cm) -> None:
    out = apply(packaged, RULE, [item("R05.1", cs), item("I50.23", cs)], cs)
    assert out["R05.1"].recommended


def test_integral_symptom_wrist_pain_beside_fracture_of_that_side_only(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    out = apply(packaged, RULE, [item("M25.539", cs), item("S52.501A", cs)], cs)
    assert not out["M25.539"].recommended  # side not named: the fractured wrist
    out = apply(packaged, RULE, [item("M25.531", cs), item("S52.501A", cs)], cs)
    assert not out["M25.531"].recommended  # right wrist, right radius
    out = apply(packaged, RULE, [item("M25.532", cs), item("S52.501A", cs)], cs)
    assert out["M25.532"].recommended  # left wrist pain beside a right radius fracture


def test_integral_symptom_names_the_most_confident_condition(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    items = [item("R50.9", cs), item("J18.9", cs, 0.6), item("U07.1", cs, 0.8)]
    out = apply(packaged, RULE, items, cs)
    assert out["R50.9"].flags == ["integral to U07.1 (COVID-19) - OCG I.B.5"]


# --- end to end, default model ---------------------------------------------------------------


def test_engine_heart_failure_symptoms_not_recommended(engine: Engine) -> None:
    text = (
        "Assessment: acute on chronic systolic heart failure with dyspnea, orthopnea and "
        "bilateral leg edema."
    )
    out = {s.code: s for s in engine.suggest(Note(text), top=15).suggestions}
    assert out["I50.23"].recommended
    symptoms = [s for c, s in out.items() if c.startswith(("R06.0", "R60"))]
    assert symptoms
    assert not any(s.recommended for s in symptoms)
    # the rule withdraws those the ranker would recommend ("Dyspnea > orthopnea" may rank low)
    assert all(RULE in s.rules for s in symptoms if s.confidence >= 0.5)
    assert any(RULE in s.rules for s in symptoms)


def test_engine_wrist_pain_not_recommended_beside_wrist_fracture(engine: Engine) -> None:
    text = "Fell from standing, wrist pain. X-ray: nondisplaced fracture of distal radius, right."
    out = engine.suggest(Note(text, age=60, sex="F"), top=15).suggestions
    recommended = {s.code for s in out if s.recommended}
    assert any(c.startswith("S52.5") for c in recommended)
    assert not any(c.startswith("M25.53") for c in recommended)


@pytest.mark.parametrize(
    ("symptom", "condition"),
    [
        ("R06.83", "G47.33"),
        ("R40.0", "G47.33"),
        ("G47.10", "G47.33"),
        ("R06.00", "J91.0"),
        ("K92.0", "I85.11"),
        ("R41.0", "G93.41"),
        ("R44.1", "F10.231"),
        ("R25.1", "F10.231"),
        ("R06.2", "J20.9"),
        ("R00.2", "F41.0"),
        ("N23", "N20.1"),
        ("K92.1", "K64.8"),
        ("R20.0", "G62.9"),
        ("R79.89", "I21.4"),
        ("J02.9", "J06.9"),
    ],
)
def test_integral_symptom_withdraws_the_symptoms_a_coder_leaves_out(
    packaged: RuleSet, cs: Icd10Cm, symptom: str, condition: str
) -> None:
    out = apply(packaged, RULE, [item(symptom, cs), item(condition, cs)], cs)
    assert not out[symptom].recommended
    assert out[symptom].flags[0].startswith(f"integral to {condition} ")
    assert out[condition].recommended


def test_integral_symptom_reads_no_procedure_code(packaged: RuleSet, cs: Icd10Cm) -> None:
    # "B020ZZZ" (a CT of the brain) starts like B02 (zoster), to which a rash is integral: an
    # ICD-10-CM rule never reads an ICD-10-PCS code
    ct = item("B02.9", cs)
    ct.suggestion.code, ct.candidate.code = "B020ZZZ", "B020ZZZ"
    ct.suggestion.system = ct.candidate.system = "ICD-10-PCS"
    out = apply(packaged, RULE, [item("R21", cs), ct], cs)
    assert out["R21"].recommended and out["R21"].rules == []
    # the same rash beside zoster itself is withdrawn
    out = apply(packaged, RULE, [item("R21", cs), item("B02.9", cs)], cs)
    assert not out["R21"].recommended
