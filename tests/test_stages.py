"""The one wiring of the stages: a model's card names its generators, an Extraction over
another lexicon is a new one (the first is left as it was), and the Decision is what the engine
and rule choice apply."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from codesuggest.candidates.base import Sources
from codesuggest.candidates.collect import GENERATORS
from codesuggest.codesets.history import HistoryMap
from codesuggest.codesets.icd10cm import SYSTEM, Icd10Cm
from codesuggest.codesets.lexicon import extend_lexicon
from codesuggest.codesets.systems import PCS
from codesuggest.engine import Engine
from codesuggest.errors import ModelError
from codesuggest.extract.lexicon_index import LexiconIndex
from codesuggest.model_dir import CARD, read_card
from codesuggest.rules.engine import RuleSet
from codesuggest.stages import Decision, Extraction
from codesuggest.types import Note


@pytest.fixture(scope="module")
def extraction(cs: Icd10Cm) -> Extraction:
    index = extend_lexicon(LexiconIndex(), [(("fever",), "R50.9", "title")])
    return Extraction.build(Sources(index, cs, HistoryMap.load()))


def _codes(extraction: Extraction, text: str, setting: str | None = None) -> set[str]:
    [cands] = extraction.candidates([text], [setting])
    return {c.code for c in cands}


def test_the_card_names_the_generators_the_engine_runs(model_dir: Path, engine: Engine) -> None:
    assert read_card(model_dir)["stages"]["generators"] == list(GENERATORS)
    # the catalogs' generator is built only while user catalogs are registered
    assert [g.name for g in engine.generators][-1] == "status"


def test_an_extraction_over_another_lexicon_leaves_the_first_as_it_was(
    extraction: Extraction,
) -> None:
    cough = extend_lexicon(extraction.index, [(("cough",), "R05.9", "title")])
    other = extraction.over(cough)
    assert other.nlp is not extraction.nlp
    assert other.generator_names == extraction.generator_names
    assert "R05.9" in _codes(other, "Fever and cough.")
    assert _codes(extraction, "Fever and cough.") == {"R50.9"}


def test_each_note_is_read_with_its_own_setting(extraction: Extraction) -> None:
    """An inpatient stay codes an uncertain diagnosis as if established (Section II.H)."""
    text = "Probable fever."
    by_setting = {
        setting: [c for cands in extraction.candidates([text], [setting]) for c in cands]
        for setting in (None, "inpatient")
    }
    assertions = {
        setting: {m.assertion.value for c in cands for m in c.mentions}
        for setting, cands in by_setting.items()
    }
    assert assertions[None] != assertions["inpatient"]


def test_a_decision_uses_a_system_threshold_where_it_has_one(cs: Icd10Cm) -> None:
    decision = Decision(0.5, {PCS: 0.3}, RuleSet.from_json(), cs)
    assert decision.threshold_of(PCS) == 0.3
    assert decision.threshold_of(SYSTEM) == 0.5


def test_the_engine_decides_as_its_decision_does(engine: Engine) -> None:
    note = Note("Community-acquired pneumonia. Fever.")
    assert any(s.recommended for s in engine.suggest(note).suggestions)
    kept = engine.decision
    # a decision no confidence reaches: the engine recommends nothing, and says so
    engine.decision = replace(kept, threshold=1.01, thresholds={})
    try:
        assert engine.threshold == 1.01 and engine.rules is kept.rules
        assert not any(s.recommended for s in engine.suggest(note).suggestions)
    finally:
        engine.decision = kept


@pytest.mark.parametrize(
    ("generators", "message"),
    [
        (["codesuggest.nope.v1"], "unknown candidate generator 'codesuggest.nope.v1'"),
        ("codesuggest.lexicon_candidates.v1", r"not a model card \(stages\.generators: "),
        ([1, 2], r"not a model card \(stages\.generators\.0: "),
    ],
)
def test_a_card_naming_unknown_generators_is_refused(
    model_dir: Path, tmp_path: Path, generators: object, message: str
) -> None:
    model = Path(shutil.copytree(model_dir, tmp_path / "model"))
    card = json.loads((model / CARD).read_text("utf-8"))
    card["stages"] = {"generators": generators}
    (model / CARD).write_text(json.dumps(card), "utf-8")
    with pytest.raises(ModelError, match=message):
        Engine.load(model)


def test_a_card_without_stages_runs_the_default_generators(
    model_dir: Path, tmp_path: Path, engine: Engine
) -> None:
    """Models built before the card named their generators load as they did."""
    model = Path(shutil.copytree(model_dir, tmp_path / "model"))
    card = json.loads((model / CARD).read_text("utf-8"))
    del card["stages"]
    (model / CARD).write_text(json.dumps(card), "utf-8")
    loaded = Engine.load(model)
    assert [g.name for g in loaded.generators] == [g.name for g in engine.generators]
