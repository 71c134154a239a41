"""What the audit finds in a note, from the engine's own support for each billed code."""

from __future__ import annotations

import json

import pytest

from codesuggest.audit.findings import Context, Finding, conflict_kinds, note_findings
from codesuggest.audit.impact import ImpactTables
from codesuggest.engine import Engine
from codesuggest.rules.engine import KINDS
from codesuggest.types import Note

CM = "ICD-10-CM"


def findings(engine: Engine, text: str, codes: list[str], **facts: object) -> dict[str, Finding]:
    note = Note(text, "n", **facts)  # type: ignore[arg-type]
    billed = [(CM, c) for c in codes]
    ctx = Context(engine.codeset, engine.rules, ImpactTables.load())
    (assessment,) = engine.assess_many([(note, billed)])
    out = note_findings(note, assessment, billed, ctx)
    assert len({f.code for f in out}) == len(out)  # one row per (note, code)
    return {f.code: f for f in out}


def test_a_documented_billed_code_is_supported_with_its_evidence(engine: Engine) -> None:
    text = "Assessment: acute respiratory failure with hypoxia."
    f = findings(engine, text, ["J96.01"])["J96.01"]
    assert f.finding == "supported"
    (span,) = json.loads(f.evidence)
    assert text[span["start"] : span["end"]] == span["text"]
    assert "respiratory failure" in span["text"].lower()
    assert (f.severity, f.hcc) == ("MCC", "HCC213")


def test_a_billed_code_the_note_never_names_is_unsupported(engine: Engine) -> None:
    f = findings(engine, "Assessment: essential hypertension.", ["I10", "S72.001A"])
    assert f["I10"].finding == "supported"
    assert f["S72.001A"].finding == "unsupported"
    assert f["S72.001A"].detail == "nothing in the note names it"
    assert f["S72.001A"].severity == "MCC"  # an unsupported MCC: what auditors want first


def test_a_billed_code_the_note_negates_is_unsupported_and_shows_why(engine: Engine) -> None:
    f = findings(engine, "Denies chest pain. Essential hypertension.", ["R07.9", "I10"])["R07.9"]
    assert f.finding == "unsupported"
    assert f.detail == "the note mentions it only as negated"
    assert [s["assertion"] for s in json.loads(f.evidence)] == ["negated"]


def test_a_recommended_code_not_billed_is_missed_unless_billed_in_its_lineage(
    engine: Engine,
) -> None:
    text = "Acute respiratory failure with hypoxia. Essential hypertension."
    f = findings(engine, text, ["I10"])
    assert f["J96.01"].finding == "missed"
    assert f["J96.01"].evidence != "[]"
    # billed as its category: not missed again (the category's own finding says the rest)
    assert "J96.01" not in findings(engine, text, ["I10", "J96.0"])


def test_an_unspecified_billed_code_names_the_more_specific_one_documented(
    engine: Engine,
) -> None:
    text = "Heart failure. Patient has acute on chronic systolic congestive heart failure."
    f = findings(engine, text, ["I50.9"])
    assert f["I50.9"].finding == "more_specific_available"
    assert f["I50.9"].related == "I50.23"
    assert f["I50.9"].rule == "unspecified-beside-specific"
    assert "I50.23" not in f  # named by the billed code's row, not missed as well


@pytest.mark.parametrize(
    ("text", "billed", "specific", "rule", "why"),
    [
        (
            "Assessment: mild intermittent asthma, uncomplicated.",
            "J45.909",
            "J45.20",
            "unspecified-beside-specific",
            "OCG I.B.18",
        ),
        (
            "Type 2 diabetes mellitus with hyperglycemia.",
            "E11",
            "E11.65",
            "non-billable-specify",
            "OCG I.B.2",
        ),
        (
            "Type 2 diabetes mellitus with hyperglycemia.",
            "E11.9",
            "E11.65",
            "unspecified-beside-specific",
            "OCG I.B.18",
        ),
        (
            "Pneumonia due to Streptococcus pneumoniae.",
            "J18.9",
            "J13",
            "combination-supersedes-components",
            "named organism",
        ),
    ],
)
def test_a_billed_unspecified_or_non_billable_code_names_the_documented_specific_one(
    engine: Engine, text: str, billed: str, specific: str, rule: str, why: str
) -> None:
    f = findings(engine, text, [billed])
    assert f[billed].finding == "more_specific_available"
    assert f[billed].related == specific
    assert f[billed].rule == rule
    assert f[billed].detail.startswith(f"the note documents {specific} (")
    assert why in f[billed].detail
    assert json.loads(f[billed].evidence)  # the specific code's evidence, with offsets
    assert specific not in f  # named by the billed code's row, not missed as well


def test_a_billed_excludes1_pair_is_a_conflict_naming_the_rule_and_the_other_code(
    engine: Engine,
) -> None:
    cs = engine.codeset
    assert cs.excludes1_conflict("E10.9", "E11.9")
    text = "Type 1 diabetes mellitus without complications. Type 2 diabetes mellitus."
    f = findings(engine, text, ["E10.9", "E11.9"])
    conflicts = [x for x in f.values() if x.finding == "conflict"]
    assert len(conflicts) == 1
    (c,) = conflicts
    assert c.rule == "excludes1-conflict"
    assert c.related in {"E10.9", "E11.9"} - {c.code}


def test_a_code_billed_beside_its_descendant_is_a_conflict(engine: Engine) -> None:
    text = "Acute respiratory failure with hypoxia."
    f = findings(engine, text, ["J96.0", "J96.01"])
    assert f["J96.0"].finding in {"conflict", "more_specific_available", "unsupported"}
    if f["J96.0"].finding == "conflict":
        assert f["J96.0"].rule == "parent-child-duplicate"
        assert f["J96.0"].related == "J96.01"


def test_the_conflict_kinds_are_rule_kinds() -> None:
    assert conflict_kinds() <= set(KINDS)
    assert "excludes1" in conflict_kinds()
