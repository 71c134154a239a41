"""ConText rules (data/context_rules.json): the data, then each class of assertion on short
US-style sentences run through the real pipeline."""

from __future__ import annotations

import json
from collections import defaultdict
from importlib import resources
from typing import Any

import pytest

from codesuggest.engine import Engine
from codesuggest.extract.current import RESOLVED
from codesuggest.extract.mentions import doc_mentions
from codesuggest.extract.pipeline import _CONTEXT_ATTRIBUTES
from codesuggest.types import Assertion, Mention

pytestmark = pytest.mark.filterwarnings(r"ignore:\[W036\]:UserWarning")

_DIRECTIONS = {"FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"}


def _rules() -> list[dict[str, Any]]:
    path = resources.files("codesuggest.extract").joinpath("data", "context_rules.json")
    rules: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))["context_rules"]
    return rules


def _mention(engine: Engine, text: str, term: str) -> Mention:
    mentions = doc_mentions(engine.nlp(text), engine.index)
    found = [m for m in mentions if m.text.lower() == term]
    assert len(found) == 1, [(m.text, m.assertion) for m in mentions]
    return found[0]


def test_context_rules_no_literal_in_two_categories() -> None:
    categories: dict[str, set[str]] = defaultdict(set)
    for rule in _rules():
        categories[rule["literal"].lower()].add(rule["category"])
    assert {lit: cats for lit, cats in categories.items() if len(cats) > 1} == {}


def test_context_rules_each_literal_once() -> None:
    # a literal twice (FORWARD and BACKWARD) leaves medspaCy one of them: "DVT prophylaxis"
    # read as present while "prophylaxis for DVT" was hypothetical; one BIDIRECTIONAL rule
    literals = [rule["literal"].lower() for rule in _rules()]
    assert len(literals) == len(set(literals))


def test_context_rules_directions_and_categories_are_known() -> None:
    # SCOPE_NEUTRAL: inert words that only keep a shorter cue inside them from matching
    # ("on" of "on exam" ends no negation); LIST_BREAK: the comma, which ends only the cues
    # that name it in terminated_by ("without")
    inert = {"TERMINATE", "PSEUDO", "SCOPE_NEUTRAL", "LIST_BREAK"}
    known = set(_CONTEXT_ATTRIBUTES) | inert
    for rule in _rules():
        assert rule["direction"] in _DIRECTIONS, rule
        assert rule["category"] in known, rule
        assert (rule["direction"] in {"TERMINATE", "PSEUDO"}) == (rule["category"] in inert), rule
        assert rule.get("max_scope") is None or rule["max_scope"] > 0


def test_context_rules_rule_out_is_possible_ruled_out_negated() -> None:
    by_literal = {r["literal"]: r["category"] for r in _rules()}
    for literal in ("rule out", "r/o", "to rule out", "suspected", "worried about", "versus"):
        assert by_literal[literal] == "POSSIBLE_EXISTENCE", literal
    for literal in ("ruled out", "was ruled out", "has been ruled out", "no history of"):
        assert by_literal[literal] == "NEGATED_EXISTENCE", literal


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("No history of stroke.", "history of stroke"),
        ("No prior history of myocardial infarction.", "prior history of myocardial infarction"),
        ("Denies history of seizures.", "history of seizures"),
        ("No hx of diabetes.", "diabetes"),
        ("Patient has no history of asthma.", "asthma"),
        ("No acute MI.", "acute mi"),
        ("No family history of colon cancer.", "family history of colon cancer"),
        ("No known drug allergies.", "drug allergies"),
    ],
)
def test_context_no_history_of_negates(engine: Engine, text: str, term: str) -> None:
    assert _mention(engine, text, term).assertion is Assertion.NEGATED


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("COVID-19 test negative.", "covid-19"),
        ("Influenza A negative.", "influenza"),
        ("HIV test was negative.", "hiv"),
        ("Influenza not detected.", "influenza"),
        ("Tested negative for COVID-19.", "covid-19"),
    ],
)
def test_context_test_negative_negates_backward(engine: Engine, text: str, term: str) -> None:
    assert _mention(engine, text, term).assertion is Assertion.NEGATED


def test_context_backward_negative_stays_in_its_clause(engine: Engine) -> None:
    text = "Community acquired pneumonia with sepsis and acute kidney injury, influenza negative."
    assert _mention(engine, text, "community acquired pneumonia").assertion is Assertion.PRESENT


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Pneumonia, resolved.", "pneumonia"),
        ("Pneumonia has resolved.", "pneumonia"),
        ("Resolved pneumonia.", "pneumonia"),
        ("Chest pain, now resolved.", "chest pain"),
        ("Cellulitis, which resolved with antibiotics.", "cellulitis"),
        ("She no longer has chest pain.", "chest pain"),
        ("Breast cancer, completed treatment in 2019, no evidence of recurrence.", "breast cancer"),
        ("Completed treatment for tuberculosis.", "tuberculosis"),
    ],
)
def test_context_resolution_is_historical(engine: Engine, text: str, term: str) -> None:
    mention = _mention(engine, text, term)
    assert mention.assertion is Assertion.HISTORICAL
    assert mention.basis == RESOLVED


def test_context_not_resolved_is_present(engine: Engine) -> None:
    assert _mention(engine, "Pneumonia, not resolved.", "pneumonia").assertion is Assertion.PRESENT


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Rule out sleep apnea.", "sleep apnea"),
        ("R/o pneumonia.", "pneumonia"),
        ("To rule out pulmonary embolism.", "pulmonary embolism"),
        ("Suspected appendicitis.", "appendicitis"),
        ("Worried about pneumonia.", "pneumonia"),
        ("Concern for sepsis.", "sepsis"),
        ("Questionable pneumonia.", "pneumonia"),
        ("Pneumonia versus bronchitis.", "pneumonia"),
        ("Pneumonia versus bronchitis.", "bronchitis"),
    ],
)
def test_context_uncertain_is_possible(engine: Engine, text: str, term: str) -> None:
    assert _mention(engine, text, term).assertion is Assertion.POSSIBLE


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Oncology to start chemo next week.", "chemo"),
        ("Will start insulin if A1c stays above 9.", "insulin"),
        ("Plan to start apixaban at discharge.", "apixaban"),
        ("We will begin dialysis next month.", "dialysis"),
    ],
)
def test_context_a_treatment_to_start_is_hypothetical(engine: Engine, text: str, term: str) -> None:
    assert _mention(engine, text, term).assertion is Assertion.HYPOTHETICAL


def test_context_a_treatment_started_is_present(engine: Engine) -> None:
    assert _mention(engine, "Apixaban started HD4.", "apixaban").assertion is Assertion.PRESENT


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Pulmonary embolism was ruled out.", "pulmonary embolism"),
        ("Myocardial infarction ruled out.", "myocardial infarction"),
        ("MI has been ruled out.", "mi"),
        ("Ruled out for myocardial infarction.", "myocardial infarction"),
    ],
)
def test_context_ruled_out_is_negated(engine: Engine, text: str, term: str) -> None:
    assert _mention(engine, text, term).assertion is Assertion.NEGATED


@pytest.mark.parametrize(
    ("text", "negated", "present"),
    [
        ("No chest pain or dizziness prior to the fall.", "dizziness", "fall"),
        ("Denies fever but reports cough.", "fever", "cough"),
        ("No fever, positive for cough.", "fever", "cough"),
        ("Denies chest pain, then developed syncope.", "chest pain", "syncope"),
        ("No nausea before the seizure.", "nausea", "seizure"),
        ("No headache after the fall.", "headache", "fall"),
        ("No fever except for a cough.", "fever", "cough"),
    ],
)
def test_context_clause_boundary_ends_negation(
    engine: Engine, text: str, negated: str, present: str
) -> None:
    assert _mention(engine, text, negated).assertion is Assertion.NEGATED
    assert _mention(engine, text, present).assertion is Assertion.PRESENT


@pytest.mark.parametrize(
    ("text", "negated", "present"),
    [
        # "on <drug>" is the patient's treatment, outside the negated qualifier
        ("Hypertension without edema on warfarin.", "edema", "warfarin"),
        ("No fever on admission, on warfarin.", "fever", "warfarin"),
        # a status-post procedure, a precipitant, the end of a parenthesis
        ("CAD without angina, s/p CABG.", "angina", "p cabg"),
        ("DKA without coma, precipitated by gastroparesis.", "coma", "gastroparesis"),
        ("Parkinson disease (no tremor), hypothyroidism.", "tremor", "hypothyroidism"),
        # "without" qualifies what precedes a comma: "X without Y, Z"
        ("Hyperemesis without dehydration, hypothyroidism.", "dehydration", "hypothyroidism"),
    ],
)
def test_context_negation_ends_at_treatment_procedure_or_cause(
    engine: Engine, text: str, negated: str, present: str
) -> None:
    assert _mention(engine, text, negated).assertion is Assertion.NEGATED
    assert _mention(engine, text, present).assertion is not Assertion.NEGATED


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Not on insulin.", "insulin"),
        ("Never on warfarin.", "warfarin"),
        ("Patient is not currently on metformin.", "metformin"),
    ],
)
def test_context_not_on_a_drug_stays_negated(engine: Engine, text: str, term: str) -> None:
    assert _mention(engine, text, term).assertion is Assertion.NEGATED


def test_context_no_list_runs_over_commas(engine: Engine) -> None:
    text = "No fever, chills, rash or cough."
    for term in ("fever, chills", "rash", "cough"):
        assert _mention(engine, text, term).assertion is Assertion.NEGATED, term


@pytest.mark.parametrize(
    "text", ["No rash on exam, fever or cough.", "No murmur on auscultation, fever or cough."]
)
def test_context_on_exam_keeps_the_negation_list(engine: Engine, text: str) -> None:
    for term in ("fever", "cough"):
        assert _mention(engine, text, term).assertion is Assertion.NEGATED, term


def test_context_rules_terminated_by_names_known_categories() -> None:
    known = set(_CONTEXT_ATTRIBUTES) | {"PSEUDO", "LIST_BREAK"}
    for rule in _rules():
        assert set(rule.get("terminated_by", ())) <= known, rule


def test_context_negation_list_keeps_its_scope(engine: Engine) -> None:
    text = "Denies fever, chills, nausea, vomiting, diarrhea, headache or chest pain."
    for term in ("diarrhea", "headache", "chest pain"):
        assert _mention(engine, text, term).assertion is Assertion.NEGATED, term


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Hepatitis C treated with sofosbuvir/velpatasvir 2021, cured (SVR12).", "hepatitis c"),
        (
            "L distal radius fracture from a fall in 2022, healed, cast removed.",
            "l distal radius fracture",  # "L": the left side, part of the term
        ),
        ("Mild nausea first weeks, now gone.", "nausea"),
        ("Actinic keratoses treated with cryotherapy, none present today.", "actinic keratoses"),
        ("Shingles R chest, now healed.", "shingles"),
    ],
)
def test_context_cured_healed_gone_is_resolved(engine: Engine, text: str, term: str) -> None:
    mention = _mention(engine, text, term)
    assert mention.assertion is Assertion.HISTORICAL
    assert mention.basis == RESOLVED


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Off anticoagulation per cardiology.", "anticoagulation"),
        ("No longer on blood thinners.", "blood thinners"),
        ("Completed 6 months of apixaban.", "apixaban"),
        ("Stopped warfarin in March.", "warfarin"),
        ("Warfarin was stopped.", "warfarin"),
        ("Discontinued apixaban after the bleed.", "apixaban"),
    ],
)
def test_context_stopped_drug_is_resolved(engine: Engine, text: str, term: str) -> None:
    assert _mention(engine, text, term).basis == RESOLVED


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Hx NSTEMI 2019 treated with PCI.", "nstemi"),
        ("Hx CVA without residual deficits.", "cva"),
        ("Shingles R chest last year.", "shingles"),
        ("Treated for pneumonia last month.", "pneumonia"),
    ],
)
def test_context_hx_and_last_year_are_historical(engine: Engine, text: str, term: str) -> None:
    assert _mention(engine, text, term).assertion is Assertion.HISTORICAL


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("H. pylori serology sent, pending.", "h. pylori"),
        ("Plan: EGD, oral iron, celiac serology.", "celiac"),
        ("Hepatitis C antibody pending.", "hepatitis c"),
        ("Patient is being tested for celiac disease.", "celiac disease"),
        ("Testing for Lyme disease today.", "lyme disease"),
    ],
)
def test_context_pending_and_tested_for_is_possible(engine: Engine, text: str, term: str) -> None:
    assert _mention(engine, text, term).assertion is Assertion.POSSIBLE


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Family hx colon cancer - colonoscopy every 5 years.", "colon cancer"),
        ("Family hx of breast cancer.", "breast cancer"),
        ("Fam hx colon cancer.", "colon cancer"),
    ],
)
def test_context_family_hx_is_family(engine: Engine, text: str, term: str) -> None:
    assert _mention(engine, text, term).assertion is Assertion.FAMILY


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("He fell off a ladder.", "fell off a ladder"),
        ("Fell off his bicycle.", "fell off his bicycle"),
        ("Tripped stepping off a curb and fell.", "tripped"),
    ],
)
def test_context_falling_off_is_not_stopping(engine: Engine, text: str, term: str) -> None:
    assert _mention(engine, text, term).basis != RESOLVED


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Pneumonia, sputum culture pending.", "pneumonia"),
        ("Celiac serology positive.", "celiac"),
    ],
)
def test_context_pending_test_leaves_an_established_finding(
    engine: Engine, text: str, term: str
) -> None:
    assert _mention(engine, text, term).assertion is Assertion.PRESENT


def test_context_hx_label_is_not_a_history_cue(engine: Engine) -> None:
    text = "Hx: 54M with chest pain since this morning."
    assert _mention(engine, text, "chest pain").assertion is Assertion.PRESENT


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("L hemiparesis since R MCA infarct in 2022.", "r mca infarct"),
        ("MI in 2019, s/p PCI.", "mi"),
    ],
)
def test_context_event_in_a_past_year_is_historical(engine: Engine, text: str, term: str) -> None:
    assert _mention(engine, text, term).assertion is Assertion.HISTORICAL


def test_context_past_year_reaches_only_its_own_event(engine: Engine) -> None:
    # the residual hemiparesis is now; only the infarct of 2022 is past
    text = "L hemiparesis since R MCA infarct in 2022."
    assert _mention(engine, text, "l hemiparesis").assertion is Assertion.PRESENT


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Annual eye exam ordered.", "annual eye exam"),
        ("Screening colonoscopy scheduled.", "screening colonoscopy"),
    ],
)
def test_context_ordered_or_scheduled_is_hypothetical(engine: Engine, text: str, term: str) -> None:
    assert _mention(engine, text, term).assertion is Assertion.HYPOTHETICAL


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("DVT prophylaxis with heparin.", "dvt"),
        ("DVT ppx enoxaparin x 4 wks.", "dvt"),
        ("Prophylaxis for DVT with heparin.", "dvt"),
    ],
)
def test_context_prophylaxis_either_side_is_hypothetical(
    engine: Engine, text: str, term: str
) -> None:
    assert _mention(engine, text, term).assertion is Assertion.HYPOTHETICAL
