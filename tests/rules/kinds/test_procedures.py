"""Procedure rules: only performed procedures, only complete ICD-10-PCS codes."""

from __future__ import annotations

import pytest

from codesuggest.candidates.procedures import procedure_candidates
from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.codesets.icd10pcs import shipped_pcs
from codesuggest.errors import ConfigError
from codesuggest.extract.procedures import find_procedures
from codesuggest.rules.base import Scored
from codesuggest.rules.engine import RuleSet, rule_from_dict
from codesuggest.types import Suggestion
from tests.utils.scored import apply


def _items(text: str) -> list[Scored]:
    cands = procedure_candidates(find_procedures(text), shipped_pcs())
    return [Scored(Suggestion(c.code, c.system, c.title, 0.9, recommended=True), c) for c in cands]


@pytest.mark.parametrize(
    "text",
    [
        "Will schedule colonoscopy.",
        "S/p appendectomy.",
        "Colonoscopy was cancelled.",
        "Patient refused colonoscopy.",
    ],
)
def test_procedure_not_performed_is_never_recommended(
    packaged: RuleSet, cs: Icd10Cm, text: str
) -> None:
    out = apply(packaged, "procedure-not-performed", _items(text), cs)
    assert out and not any(s.recommended for s in out.values())
    assert all("not performed" in s.flags[0] for s in out.values())


def test_performed_procedure_stays_recommended(packaged: RuleSet, cs: Icd10Cm) -> None:
    out = apply(packaged, "procedure-not-performed", _items("Underwent colonoscopy."), cs)
    assert out["0DJD8ZZ"].recommended and out["0DJD8ZZ"].rules == []


def test_performed_and_planned_mentions_keep_the_code(packaged: RuleSet, cs: Icd10Cm) -> None:
    text = "Colonoscopy done today. Will schedule colonoscopy again in 5 years."
    out = apply(packaged, "procedure-not-performed", _items(text), cs)
    assert out["0DJD8ZZ"].recommended


def test_pcs_code_must_be_complete(packaged: RuleSet, cs: Icd10Cm) -> None:
    items = _items("CT of the abdomen.")
    out = apply(packaged, "pcs-complete-code", items, cs)
    assert out["BW20ZZZ"].recommended
    assert not out["BW20"].recommended
    assert out["BW20"].flags[0].startswith("incomplete ICD-10-PCS code: complete it (BW20")
    # a table row names the right procedure: it keeps its rank for the coder to complete
    assert not any(s.withdrawn for s in items)
    assert [s.suggestion.code for s in items if s.to_complete] == ["BW20"]


def test_pcs_table_row_keeps_its_rank_only_if_it_would_be_recommended(
    packaged: RuleSet, cs: Icd10Cm
) -> None:
    items = _items("CT of the abdomen.")
    for s in items:
        s.suggestion.recommended = False  # below its threshold, or no evidence
    apply(packaged, "pcs-complete-code", items, cs)
    assert not any(s.to_complete for s in items)


def test_retired_pcs_code_is_not_recommended(packaged: RuleSet, cs: Icd10Cm) -> None:
    item = Scored(
        Suggestion("3E0T3CZ", "ICD-10-PCS", "", 0.9, recommended=True),
        _items("Colonoscopy.")[0].candidate,
    )
    out = apply(packaged, "pcs-complete-code", [item], cs)
    assert not out["3E0T3CZ"].recommended
    assert out["3E0T3CZ"].flags == ["not an ICD-10-PCS code"]


def test_procedure_rule_rejects_unknown_statuses() -> None:
    with pytest.raises(ConfigError):
        rule_from_dict(
            {
                "name": "x",
                "kind": "procedure_not_performed",
                "description": "d",
                "params": {"statuses": ["performed"]},
            }
        )
