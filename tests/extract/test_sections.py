"""Section headers (data/section_rules.json over medspaCy's): SOAP letters, common US headers,
ours in place of medspaCy's where the words are the same."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from codesuggest.engine import Engine
from codesuggest.extract.mentions import doc_mentions

pytestmark = pytest.mark.filterwarnings(r"ignore:\[W036\]:UserWarning")


def _sections(engine: Engine, text: str) -> list[tuple[str | None, str]]:
    doc = engine.nlp(text)
    return [(s.category, doc[s.title_start : s.title_end].text) for s in doc._.sections]


def _section_of(engine: Engine, text: str, term: str) -> str:
    [mention] = [m for m in doc_mentions(engine.nlp(text), engine.index) if m.text == term]
    return mention.section


def test_sections_soap_letters_at_line_start(engine: Engine) -> None:
    text = "S: cough and fever for 3 days.\nO: wheezing.\nA: acute bronchitis.\nP: albuterol."
    assert _sections(engine, text) == [
        ("history_of_present_illness", "S:"),
        ("physical_exam", "O:"),
        ("observation_and_plan", "A:"),
        ("observation_and_plan", "P:"),
    ]
    assert _section_of(engine, text, "wheezing") == "physical_exam"
    assert _section_of(engine, text, "acute bronchitis") == "observation_and_plan"


def test_sections_soap_letter_inside_a_line_is_no_header(engine: Engine) -> None:
    assert _sections(engine, "Hepatitis A: positive. Pneumonia.") == [(None, "")]


def test_sections_soap_words(engine: Engine) -> None:
    text = "Subjective: chest pain.\nObjective: tachycardia.\nAssessment: pneumonia.\nPlan: rest."
    assert [c for c, _ in _sections(engine, text)] == [
        "history_of_present_illness",
        "physical_exam",
        "observation_and_plan",
        "observation_and_plan",
    ]


@pytest.mark.parametrize(
    ("header", "category"),
    [
        ("CC:", "chief_complaint"),
        ("HPI:", "history_of_present_illness"),
        ("PMH:", "past_medical_history"),
        ("PSH:", "past_surgical_history"),
        ("Past surgical history:", "past_surgical_history"),
        ("FH:", "family_history"),
        ("FHx:", "family_history"),
        ("Family Hx:", "family_history"),
        ("SH:", "social_history"),
        ("ROS:", "review_of_systems"),
        ("Meds:", "medications"),
        ("Medications:", "medications"),
        ("Home medications:", "medications"),
        ("Allergies:", "allergy"),
        ("Assessment/Plan:", "observation_and_plan"),
        ("A/P:", "observation_and_plan"),
        ("Impression:", "observation_and_plan"),
        ("Discharge diagnoses:", "diagnoses"),
        ("Principal diagnosis:", "diagnoses"),
        ("Secondary diagnoses:", "diagnoses"),
        ("Procedures:", "procedures"),
        ("Hospital course:", "hospital_course"),
        ("Postoperative diagnosis:", "diagnoses"),
        ("Preoperative diagnosis:", "diagnoses"),
        ("Findings:", "labs_and_studies"),
        ("Dx:", "diagnoses"),
        ("Final dx:", "diagnoses"),
        ("Principal:", "diagnoses"),
        ("Preop Dx:", "diagnoses"),
        ("Post-op Dx:", "diagnoses"),
        ("Preop/Postop Dx:", "diagnoses"),
        ("Assessment at d/c:", "observation_and_plan"),
        ("Course:", "hospital_course"),
        ("ED course:", "hospital_course"),
        ("PE:", "physical_exam"),
        ("F/U:", "patient_instructions"),
        ("Follow-up:", "patient_instructions"),
        ("Return precautions:", "patient_instructions"),
    ],
)
def test_sections_us_headers(engine: Engine, header: str, category: str) -> None:
    assert _sections(engine, f"Seen today.\n{header} none.") == [
        (None, ""),
        (category, header),
    ]


def test_section_rules_data_has_no_duplicate_literal() -> None:
    path = resources.files("codesuggest.extract").joinpath("data", "section_rules.json")
    literals = [r["literal"].lower() for r in json.loads(path.read_text("utf-8"))["section_rules"]]
    assert len(literals) == len(set(literals))
