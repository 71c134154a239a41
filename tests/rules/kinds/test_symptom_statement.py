"""Signs and symptoms named only outside the diagnostic statement that documents a confirmed
diagnosis (OCG IV.D, I.B.4, III.B)."""

from __future__ import annotations

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.engine import Engine
from codesuggest.rules.base import Scored
from codesuggest.rules.engine import RuleSet
from codesuggest.rules.kinds.integral import SYMPTOM_COLUMNS
from codesuggest.rules.tables import prefixes, read_table
from codesuggest.types import Evidence, Note
from tests.utils.scored import apply, item

RULE = "symptom-outside-diagnostic-statement"


def said(
    code: str, cs: Icd10Cm, *sections: str, assertion: str = "present", recommended: bool = True
) -> Scored:
    """``code`` recommended, named by one mention in each of ``sections``."""
    s = item(code, cs, recommended=recommended)
    s.suggestion.evidence = [
        Evidence(10 * i, 10 * i + 4, "term", section, assertion)
        for i, section in enumerate(sections)
    ]
    return s


def test_symptom_outside_statement_withdraws_history_symptoms_beside_assessed_diagnosis(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    items = [
        said("R52", cs, "history_of_present_illness"),
        said("R60.9", cs, "physical_exam", "review_of_systems"),
        said("M79.604", cs, "chief_complaint"),
        said("S82.851A", cs, "observation_and_plan"),
    ]
    out = apply(packaged, RULE, items, cs)
    for code in ("R52", "R60.9", "M79.604"):
        assert not out[code].recommended, code
        assert out[code].rules == [RULE]
        assert (
            out[code]
            .flags[0]
            .startswith(
                "a sign or symptom outside the diagnostic statement, which documents S82.851A"
            )
        )
        assert out[code].flags[0].endswith("OCG I.B.4, IV.D")
    assert out["S82.851A"].recommended
    assert out["S82.851A"].rules == []


def test_symptom_outside_statement_keeps_symptom_the_statement_names(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    items = [
        said("R07.89", cs, "history_of_present_illness", "diagnoses"),
        said("K21.9", cs, "diagnoses"),
    ]
    out = apply(packaged, RULE, items, cs)
    assert out["R07.89"].recommended
    assert out["R07.89"].rules == []


def test_symptom_outside_statement_needs_a_confirmed_diagnosis_there(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    for condition in (
        said("J18.9", cs, "history_of_present_illness"),  # not in the statement
        said("J18.9", cs, "observation_and_plan", assertion="possible"),  # "r/o pneumonia"
        said("J18.9", cs, "observation_and_plan", recommended=False),
        said("Z87.01", cs, "observation_and_plan"),  # a history code explains no symptom
        said("R05.9", cs, "observation_and_plan"),  # nor does another symptom
        said("M79.604", cs, "observation_and_plan"),  # even one outside chapter 18 (leg pain)
    ):
        out = apply(
            packaged, RULE, [said("R50.9", cs, "history_of_present_illness"), condition], cs
        )
        assert out["R50.9"].recommended, condition.suggestion
        assert out["R50.9"].rules == []


def test_symptom_outside_statement_leaves_codes_reported_beside_a_diagnosis(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    # NIH stroke scale, severe sepsis, shock: reported with the diagnosis (OCG I.C.18.j, I.C.1.d)
    for code in ("R29.708", "R65.20", "R57.0", "R40.2412"):
        out = apply(
            packaged,
            RULE,
            [said(code, cs, "hospital_course"), said("I63.412", cs, "diagnoses")],
            cs,
        )
        assert out[code].recommended, code


def test_symptom_codes_table_names_existing_codes(cs: Icd10Cm) -> None:
    rows = read_table("symptom_codes.tsv", SYMPTOM_COLUMNS)
    assert rows
    for row in rows:
        for prefix in prefixes(row["prefix"]):
            assert cs.normalize(prefix) is not None or cs.billable_descendants(prefix), prefix


def test_engine_history_symptoms_not_recommended_beside_assessed_fracture(engine: Engine) -> None:
    text = (
        "CC: right ankle pain.\n"
        "HPI: 58F tripped on a curb and twisted her right ankle; pain and swelling since.\n"
        "PE: swelling and ecchymosis over the lateral malleolus.\n"
        "A/P: Displaced fracture of lateral malleolus of right fibula, closed. Splint, ortho f/u."
    )
    out = {s.code: s for s in engine.suggest(Note(text, age=58, sex="F"), top=15).suggestions}
    assert any(c.startswith("S82.6") and s.recommended for c, s in out.items())
    symptoms = [s for c, s in out.items() if c.startswith(("R52", "R60", "M25.57", "R23"))]
    assert symptoms
    assert not any(s.recommended for s in symptoms)
