"""A registered catalog's descriptors join the lexicon, so its codes are proposed with their
system, and only while it is registered (catalogs written for the tests: invented text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from codesuggest.candidates.catalog import catalog_entries, with_catalogs
from codesuggest.codesets import catalogs
from codesuggest.codesets.catalog_lexicon import catalog_phrases
from codesuggest.codesets.catalogs import Catalog, parse_catalog
from codesuggest.codesets.systems import CM, CPT, PCS
from codesuggest.engine import Engine
from codesuggest.settings import get_settings
from tests.utils.catalogs import PROCEDURE_NOTE

RESOURCES = Path(__file__).resolve().parents[1] / "resources" / "catalogs"
NOTE = PROCEDURE_NOTE


def _catalog(system: str, titles: dict[str, str]) -> Catalog:
    return Catalog(system, "test", "0" * 64, "test.tsv", "2026-01-01T00:00:00+00:00", titles)


def _from_file(system: str, name: str) -> Catalog:
    titles = parse_catalog((RESOURCES / name).read_bytes(), system, name)
    return _catalog(system, titles)


def test_catalog_phrases_name_the_descriptor_its_variants_and_its_parts() -> None:
    titles = {"90002": "Colonoscopy, flexible; with biopsy, single or multiple"}
    phrases = {(text, source) for text, _, source in catalog_phrases(titles)}
    assert ("Colonoscopy, flexible; with biopsy, single or multiple", "title") in phrases
    assert ("Colonoscopy, flexible", "variant") in phrases
    assert ("Colonoscopy with biopsy", "variant") in phrases
    assert {code for _, code, _ in catalog_phrases(titles)} == {"90002"}


def test_catalog_entries_leave_out_a_variant_more_than_three_codes_share() -> None:
    titles = {f"9000{i}": f"Bronchoscopy, rigid; with procedure number {i}" for i in range(5)}
    entries = catalog_entries({CPT: _catalog(CPT, titles)})
    assert ("bronchoscopy", "rigid") not in {key for key, _, _ in entries}
    assert sum(source == "title" for _, _, source in entries) == 5


def test_with_catalogs_leaves_the_model_lexicon_as_it_was(engine: Engine) -> None:
    before = len(engine.index)
    extended = with_catalogs(engine.index, {CPT: _from_file(CPT, "cpt_invented.tsv")})
    assert len(engine.index) == before < len(extended)
    assert "CPT|90001" not in engine.index.title_words
    assert extended.title_words["CPT|90001"] == 2
    assert with_catalogs(engine.index, {}) is engine.index


def test_engine_suggests_catalog_codes_with_their_system(catalog_engine: Engine) -> None:
    result = catalog_engine.suggest(NOTE)
    found = {(s.system, s.code): s for s in result.suggestions}
    appendectomy = found[CPT, "90001"]
    assert appendectomy.description == "Appendectomy, laparoscopic"
    assert appendectomy.recommended
    assert [e.text for e in appendectomy.evidence] == ["Laparoscopic appendectomy"]
    assert (CPT, "90002") in found
    assert (CM, "I10") in found  # diagnoses as before
    assert result.code_set_releases[CPT] == "test"
    payload = result.to_dict()
    assert any(s["code"] == "90001" and s["system"] == "CPT" for s in payload["suggestions"])


def test_engine_without_a_catalog_proposes_none_of_its_codes(engine: Engine) -> None:
    result = engine.suggest(NOTE)
    assert {s.system for s in result.suggestions} <= {CM, PCS}  # PCS ships; CPT does not
    assert CPT not in result.code_set_releases


def test_engine_loads_the_catalogs_registered_in_the_home_and_drops_removed_ones(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODESUGGEST_HOME", str(tmp_path))
    get_settings.cache_clear()
    catalogs.register(tmp_path, "cpt", RESOURCES / "cpt_invented.tsv", release="Invented 1")
    loaded = Engine.load(model_dir)
    assert loaded.catalog_stamp == catalogs.stamp(tmp_path)
    assert any(s.system == CPT for s in loaded.suggest(NOTE).suggestions)
    catalogs.remove(tmp_path, "cpt")
    assert loaded.catalog_stamp != catalogs.stamp(tmp_path)  # what a server compares
    again = Engine.load(model_dir)
    assert all(s.system in (CM, PCS) for s in again.suggest(NOTE).suggestions)
    get_settings.cache_clear()


def test_engine_keeps_the_systems_asked_for_and_top_counts_only_them(
    catalog_engine: Engine,
) -> None:
    every = catalog_engine.suggest(NOTE, top=30).suggestions
    procedures = catalog_engine.suggest(NOTE, top=30, systems={CPT, "HCPCS"}).suggestions
    assert procedures == [s for s in every if s.system == CPT]
    diagnoses = catalog_engine.suggest(NOTE, top=30, systems={CM}).suggestions
    assert diagnoses == [s for s in every if s.system == CM]
    one = catalog_engine.suggest(NOTE, top=1, systems={CPT}).suggestions
    assert {s.system for s in one} == {CPT}
    assert len(one) == max(1, sum(s.recommended for s in procedures))


@pytest.mark.slow
def test_cpt_labels_of_coded_notes_are_learned_with_or_without_a_catalog(
    tmp_path: Path,
) -> None:
    """CPT codes in training labels are learned like any other label; a registered catalog
    then only gives them their descriptor (one suggestion per code, not two)."""
    import json

    from codesuggest.training.trainer import TrainConfig, train_model
    from tests.utils.catalogs import invented_catalogs
    from tests.utils.trained import tiny_corpus

    corpus = tiny_corpus(tmp_path / "tiny.jsonl")
    rows = [json.loads(line) for line in corpus.read_text("utf-8").splitlines()]
    procedures = [
        "Acute appendicitis; laparoscopic appendectomy performed without complication.",
        "Appendicitis with perforation, taken to theatre for a laparoscopic appendectomy.",
        "Postoperative day 1 after laparoscopic appendectomy for acute appendicitis.",
        "Right lower quadrant pain, appendicitis confirmed; appendectomy done laparoscopically.",
    ]
    for i, text in enumerate(procedures * 2):
        codes = ["K35.80", {"code": "90001", "system": "CPT"}]
        rows.append({"id": f"proc-{i}", "text": text, "codes": codes})
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    config = TrainConfig(name="tiny-cpt", folds=2, synthetic_notes=200)
    model = train_model([f"jsonl:{corpus}"], tmp_path / "tiny-cpt", config, progress=False)
    note = "Acute appendicitis. Laparoscopic appendectomy performed today."

    plain = Engine.load(model, catalogs={})
    learned = [s for s in plain.suggest(note, top=30).suggestions if s.system == CPT]
    assert [(s.code, s.description) for s in learned] == [("90001", "CPT 90001")]

    described = Engine.load(model, catalogs=invented_catalogs())
    found = [s for s in described.suggest(note, top=30).suggestions if s.system == CPT]
    assert [(s.code, s.description) for s in found if s.code == "90001"] == [
        ("90001", "Appendectomy, laparoscopic")
    ]
