"""Section assertions (data/section_assertions.json): the strict loader, then what each
section makes of its mentions in the real pipeline."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest

from codesuggest.engine import Engine
from codesuggest.errors import ConfigError
from codesuggest.extract.mentions import doc_mentions
from codesuggest.extract.section_assertions import SectionAssertions, section_assertions
from codesuggest.types import Assertion, Mention

pytestmark = pytest.mark.filterwarnings(r"ignore:\[W036\]:UserWarning")


def _data() -> dict[str, Any]:
    path = resources.files("codesuggest.extract").joinpath("data", "section_assertions.json")
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def _mention(engine: Engine, text: str, term: str) -> Mention:
    mentions = doc_mentions(engine.nlp(text), engine.index)
    found = [m for m in mentions if m.text.lower() == term]
    assert len(found) == 1, [(m.text, m.assertion) for m in mentions]
    return found[0]


def test_section_assertions_packaged_rules_load() -> None:
    rules = section_assertions()
    assert rules.assertion("family_history", ("C18.9",)) is Assertion.FAMILY
    assert rules.assertion("past_medical_history", ("J18.9",)) is Assertion.HISTORICAL
    assert rules.assertion("past_medical_history", ("E11.9",)) is Assertion.PRESENT
    assert rules.assertion("allergy", ("Z88.0",)) is Assertion.PRESENT
    assert rules.assertion("allergy", ("R21",)) is Assertion.HYPOTHETICAL
    assert rules.assertion("past_surgical_history", ("Z95.1",)) is Assertion.PRESENT
    assert rules.assertion("review_of_systems", ("R50.9",)) is Assertion.PRESENT
    assert all("OCG" in r.description for r in rules.rules)


@pytest.mark.parametrize(
    "break_it",
    [
        lambda d: d.update(extra=1),
        lambda d: d["sections"][0].update(colour="red"),
        lambda d: d["sections"][0].pop("description"),
        lambda d: d["sections"][0].update(assertion="maybe"),
        lambda d: d["sections"][0].update(present_for="no_such_group"),
        lambda d: d["sections"][0].update(description="no citation"),
        lambda d: d["sections"][1].update(categories=["family_history"]),
        lambda d: d["code_groups"][0].update(prefixes=["i10"]),
        lambda d: d.update(present_despite_history=["nothing"]),
    ],
)
def test_section_assertions_loader_rejects_bad_data(break_it: Any) -> None:
    data = copy.deepcopy(_data())
    break_it(data)
    with pytest.raises(ConfigError):
        SectionAssertions.parse(data)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("FH: diabetes, hypertension.", "diabetes"),
        ("FH: diabetes, hypertension.", "hypertension"),
        ("FHx: breast cancer.", "breast cancer"),
        ("Family Hx: coronary artery disease.", "coronary artery disease"),
        ("Family history:\nColon cancer in her father.", "colon cancer"),
        ("FAMILY HISTORY:\nHer mother had a stroke.", "stroke"),
    ],
)
def test_section_family_history_makes_mentions_family(engine: Engine, text: str, term: str) -> None:
    assert _mention(engine, text, term).assertion is Assertion.FAMILY


def test_section_family_history_negation_still_negates(engine: Engine) -> None:
    assert _mention(engine, "FH: no diabetes.", "diabetes").assertion is Assertion.NEGATED


@pytest.mark.parametrize(
    ("text", "term", "assertion"),
    [
        ("Allergies: penicillin (rash).", "allergies: penicillin", Assertion.PRESENT),
        ("Allergies: penicillin (rash).", "rash", Assertion.HYPOTHETICAL),
        ("Allergies: sulfa (hives).", "allergies: sulfa", Assertion.PRESENT),
        ("Allergies: sulfa (hives).", "hives", Assertion.HYPOTHETICAL),
        ("ALLERGIES: Penicillin allergy - anaphylaxis.", "anaphylaxis", Assertion.HYPOTHETICAL),
    ],
)
def test_section_allergies_status_present_reaction_not(
    engine: Engine, text: str, term: str, assertion: Assertion
) -> None:
    assert _mention(engine, text, term).assertion is assertion


@pytest.mark.parametrize(
    ("term", "assertion"),
    [
        ("hypertension", Assertion.PRESENT),
        ("asthma", Assertion.PRESENT),
        ("appendicitis", Assertion.HISTORICAL),
        ("pneumonia", Assertion.HISTORICAL),
    ],
)
def test_section_past_history_chronic_current_acute_historical(
    engine: Engine, term: str, assertion: Assertion
) -> None:
    text = "PMH: hypertension, asthma, appendicitis, pneumonia."
    assert _mention(engine, text, term).assertion is assertion


def test_section_past_history_cue_keeps_chronic_historical(engine: Engine) -> None:
    text = "Past medical history: GERD, resolved."
    assert _mention(engine, text, "gerd").assertion is Assertion.HISTORICAL


def test_section_past_surgical_history_status_is_present(engine: Engine) -> None:
    assert _mention(engine, "S/p CABG.", "p cabg").assertion is Assertion.PRESENT


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Return precautions: shortness of breath, fever.", "shortness of breath"),
        ("Patient instructions:\nCall for chest pain.", "chest pain"),
        ("Discharge instructions: fever over 101.", "fever"),
    ],
)
def test_section_instructions_are_hypothetical(engine: Engine, text: str, term: str) -> None:
    assert _mention(engine, text, term).assertion is Assertion.HYPOTHETICAL


def test_section_review_of_systems_keeps_context(engine: Engine) -> None:
    text = "ROS: denies fever. Positive for cough."
    assert _mention(engine, text, "fever").assertion is Assertion.NEGATED
    assert _mention(engine, text, "cough").assertion is Assertion.PRESENT
