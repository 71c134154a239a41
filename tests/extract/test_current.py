"""Chronic conditions made current by their treatment (OCG IV.J): the drug map's loader, then
the step in the real pipeline."""

from __future__ import annotations

import pytest

from codesuggest.engine import Engine
from codesuggest.errors import ConfigError
from codesuggest.extract.current import affirm_treated, packaged_treatments, parse_treatments
from codesuggest.extract.mentions import doc_mentions
from codesuggest.types import Assertion, Mention

pytestmark = pytest.mark.filterwarnings(r"ignore:\[W036\]:UserWarning")

_HEADER = "drug\tcondition_prefixes\tcondition\n"


def _mention(engine: Engine, text: str, term: str) -> Mention:
    mentions = doc_mentions(engine.nlp(text), engine.index)
    found = [m for m in mentions if m.text.lower() == term]
    assert len(found) == 1, [(m.text, m.assertion) for m in mentions]
    return found[0]


def test_treatments_packaged_map_covers_the_usual_drug_classes() -> None:
    treatments, cues = packaged_treatments()
    by_drug = {t.drug: t.prefixes for t in treatments}
    assert 80 <= len(by_drug) <= 300
    assert "E03" in by_drug["levothyroxine"]
    assert "K21" in by_drug["omeprazole"]
    assert "E11" in by_drug["insulin"] and "E11" in by_drug["metformin"]
    assert "I10" in by_drug["lisinopril"] and "E78" in by_drug["atorvastatin"]
    assert "I48" in by_drug["apixaban"] and "G40" in by_drug["levetiracetam"]
    assert "medications" in cues.medication_sections and "on" in cues.lead_words


@pytest.mark.parametrize(
    "text",
    [
        "drug\tprefixes\tcondition\nmetformin\tE11\tdiabetes\n",
        _HEADER + "metformin\tE11\n",
        _HEADER + "metformin\t\tdiabetes\n",
        _HEADER + "metformin\te11\tdiabetes\n",
        _HEADER + "metformin\tE11\tdiabetes\nMetformin\tE11\tdiabetes\n",
    ],
)
def test_treatments_loader_rejects_bad_rows(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_treatments(text)


@pytest.mark.parametrize(
    ("text", "term", "drug"),
    [
        (
            "Prior hypothyroidism.\nMedications: levothyroxine 50 mcg daily.",
            "hypothyroidism",
            "levothyroxine",
        ),
        ("Hx of hypertension; on amlodipine and metoprolol.", "hypertension", "amlodipine"),
        ("History of diabetes, on insulin.", "diabetes", "insulin"),
        ("History of hypothyroidism, on levothyroxine.", "hypothyroidism", "levothyroxine"),
        ("History of GERD. Takes omeprazole daily.", "gerd", "omeprazole"),
        ("History of asthma. Uses albuterol inhaler as needed.", "asthma", "albuterol"),
        ("History of hypertension, on lisinopril 10 mg.", "hypertension", "lisinopril"),
        ("H/o epilepsy. Home meds: levetiracetam 500 mg BID.", "epilepsy", "levetiracetam"),
    ],
)
def test_treated_chronic_history_is_present(
    engine: Engine, text: str, term: str, drug: str
) -> None:
    mention = _mention(engine, text, term)
    assert mention.assertion is Assertion.PRESENT
    assert mention.basis == f"treated:{drug}"


@pytest.mark.parametrize(
    ("text", "term", "assertion"),
    [
        ("History of atrial fibrillation. Not on warfarin.", "atrial fibrillation", "historical"),
        ("History of GERD. Stopped omeprazole last year.", "gerd", "historical"),
        ("Mother had hypertension. Patient takes lisinopril.", "hypertension", "family"),
        ("No history of hypertension. Takes lisinopril for migraine.", "hypertension", "negated"),
        ("Past medical history: GERD, resolved. On omeprazole.", "gerd", "historical"),
        ("Previous pneumonia. On lisinopril.", "pneumonia", "historical"),
    ],
)
def test_treated_step_leaves_other_mentions(
    engine: Engine, text: str, term: str, assertion: str
) -> None:
    assert _mention(engine, text, term).assertion is Assertion(assertion)


def test_affirm_treated_only_historical_mentions() -> None:
    def mention(assertion: Assertion, basis: str = "") -> Mention:
        return Mention(
            0, 3, "htn", "none", assertion, ("I10",), "contiguous", "plain", 1, basis=basis
        )

    mentions = [mention(a) for a in Assertion] + [mention(Assertion.HISTORICAL, "resolved")]
    out = affirm_treated(mentions, {"I10": "lisinopril"})
    assert [m.assertion for m in out] == [
        Assertion.PRESENT,
        Assertion.NEGATED,
        Assertion.POSSIBLE,
        Assertion.PRESENT,
        Assertion.FAMILY,
        Assertion.HYPOTHETICAL,
        Assertion.HISTORICAL,
    ]
    assert out[3].basis == "treated:lisinopril"
    assert affirm_treated(mentions, {}) is mentions
