"""Ambiguous abbreviations: a diagnosis sense held or vetoed by the words near it."""

from __future__ import annotations

import pytest

from codesuggest.engine import Engine
from codesuggest.errors import ConfigError
from codesuggest.extract.abbreviations import AmbiguousAbbreviations, ambiguous_abbreviations
from codesuggest.extract.mentions import doc_mentions

pytestmark = pytest.mark.filterwarnings(r"ignore:\[W036\]:UserWarning")


def _codes(engine: Engine, text: str) -> set[str]:
    return {c for m in doc_mentions(engine.nlp(text), engine.index) for c in m.codes}


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("SpO2 94% on RA.", "M06.9"),
        ("Sats 97% RA at rest, RR 16.", "M06.9"),
        ("Echo: RA dilated, RVSP 45 mmHg.", "M06.9"),
        ("Controlled on GLP-1 RA, semaglutide weekly.", "M06.9"),
        ("Follow up with PCP in 1 week.", "B59"),
        ("Discussed with her PCP, Dr. Lee.", "B59"),
        ("Follow up with PCP in 1 week.", "F16"),
        ("On PE, abdomen soft, nontender.", "I26.99"),
        ("MS: alert and oriented x3.", "G35.D"),
        ("MS Contin 15 mg PO BID.", "G35.D"),
        ("Home meds given PTA by EMS.", "J36"),
        ("Abdomen soft. No CVA tenderness.", "I63.9"),
        ("Achieved 10.1 METS on Bruce protocol.", "C79.9"),
        ("ECG: sinus rhythm, RAD, no ST changes.", "J45.909"),
        ("GAD-7 score 12, PHQ-9 score 8.", "F41.1"),
        ("ALS transport to the ED.", "G12.21"),
        ("LOC: alert.", "R55"),
        ("Cath: PDA 70% stenosis, stented.", "Q25.0"),
        ("Visual acuity CF at 3 ft OD.", "E84.9"),
        ("MDS assessment completed by the SNF.", "D46.9"),
    ],
)
def test_other_sense_drops_the_diagnosis(engine: Engine, text: str, absent: str) -> None:
    assert absent not in _codes(engine, text)


@pytest.mark.parametrize(
    ("text", "present"),
    [
        ("PCP pneumonia in an HIV patient.", "B59"),
        ("On Bactrim for PCP prophylaxis.", "B59"),
        ("UDS positive for PCP and cocaine.", "F16"),
        ("RA on methotrexate.", "M06.9"),
        ("PMH: HTN, RA, GERD.", "M06.9"),  # no cue: a problem list means the diagnosis
        ("RA on methotrexate, SpO2 98% on RA.", "M06.9"),  # the nearest cue decides
        ("CTA chest positive for PE.", "I26.99"),
        ("PMH: MS, on ocrelizumab.", "G35.D"),
        ("Right PTA, drained in the ED.", "J36"),
        ("Acute CVA with left hemiparesis, given tPA.", "I63.9"),
        ("CAP, started ceftriaxone and azithromycin.", "J18.9"),
        ("GAD on sertraline.", "F41.1"),
        ("ALS on riluzole.", "G12.21"),
        ("Fell and hit her head, brief LOC.", "R55"),
        ("Preterm infant with PDA.", "Q25.0"),
        ("CF with Pseudomonas colonization.", "E84.9"),
    ],
)
def test_diagnosis_sense_kept(engine: Engine, text: str, present: str) -> None:
    assert present in _codes(engine, text)


def test_engine_room_air_and_primary_care_are_no_diagnoses(engine: Engine) -> None:
    text = (
        "Vitals: BP 128/76, HR 88, SpO2 94% on RA.\n"
        "Assessment: community-acquired pneumonia.\n"
        "Plan: amoxicillin; follow up with PCP in 1 week."
    )
    codes = {s.code for s in engine.suggest(text, top=30).suggestions}
    assert not codes & {"M06.9", "B59", "F16.10", "F16.11", "F16.19"}
    assert "J18.9" in codes


def test_senses_name_abbreviations_of_the_lexicon(engine: Engine) -> None:
    """Each sense is a lexicon key naming its codes (from synonyms.tsv or the code set)."""
    index = engine.index
    by_key = {key: i for i, key in enumerate(index.keys)}
    for key, senses in ambiguous_abbreviations().by_key.items():
        assert key in by_key, key
        codes = [c for c, _ in index.codes[by_key[key]]]
        for sense in senses:
            assert any(sense.names(c) for c in codes), (key, sense.codes, codes)


def test_sense_nearest_cue_decides_and_a_tie_vetoes() -> None:
    data = {
        "window": 6,
        "senses": [
            {
                "abbreviation": "ra",
                "codes": ["M06"],
                "diagnosis": "rheumatoid arthritis",
                "other_senses": "room air",
                "default": "diagnosis",
                "select": ["methotrexate"],
                "veto": ["spo2"],
            }
        ],
    }
    [sense] = AmbiguousAbbreviations.from_dict(data).by_key[("ra",)]
    text = "spo2 ra methotrexate"
    assert not sense.holds(text, 5, 7)  # both one character away: the veto
    assert sense.holds("ra methotrexate, spo2 98", 0, 2)
    assert not sense.holds("spo2 98% ra", 9, 11)
    assert sense.holds("htn, ra, gerd", 5, 7)  # no cue: the default


def test_ambiguous_abbreviations_data_is_checked() -> None:
    good = {
        "abbreviation": "ra",
        "codes": ["M06"],
        "diagnosis": "d",
        "other_senses": "o",
        "default": "other",
    }
    AmbiguousAbbreviations.from_dict({"window": 3, "senses": [good]})
    with pytest.raises(ConfigError):
        AmbiguousAbbreviations.from_dict({"window": 0, "senses": [good]})
    with pytest.raises(ConfigError):
        AmbiguousAbbreviations.from_dict({"window": 3, "senses": [{**good, "default": "x"}]})
    with pytest.raises(ConfigError):
        AmbiguousAbbreviations.from_dict({"window": 3, "senses": [{**good, "selct": []}]})
    with pytest.raises(ConfigError):
        AmbiguousAbbreviations.from_dict(
            {"window": 3, "senses": [{**good, "veto_patterns": ["(unclosed"]}]}
        )
