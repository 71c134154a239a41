"""The typed card and configuration of a model directory: what the engine reads has one type
where it is written and where it is read; what else a writer recorded is kept as written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from codesuggest.engine import Engine
from codesuggest.errors import ModelError
from codesuggest.model_card import ModelCard, ModelConfig
from codesuggest.model_dir import CARD, read_card, sha256, write_model_dir


def test_a_card_keeps_what_its_writer_recorded_beside_the_typed_fields(model_dir: Path) -> None:
    raw = read_card(model_dir)
    card = ModelCard.of(raw, model_dir)
    assert (card.name, card.version) == (raw["name"], raw["version"])
    assert card.lexicon.normalizer == raw["lexicon"]["normalizer"]
    assert card.lexicon.keys == raw["lexicon"]["keys"]  # typed, and kept
    assert card.model_dump()["lexicon"]["phrases_curated"] == raw["lexicon"]["phrases_curated"]
    assert card.training_data == raw["training_data"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": None}, r"name: "),
        ({"version": ["1"]}, r"version: "),
        ({"ranker": {"features": "n_present"}}, r"ranker\.features: "),
        ({"threshold": "high"}, r"threshold: "),
    ],
)
def test_a_card_that_is_not_one_names_the_field_at_fault(
    model_dir: Path, change: dict[str, Any], message: str
) -> None:
    raw = {**read_card(model_dir), **change}
    with pytest.raises(ModelError, match=rf"not a model card \({message}"):
        ModelCard.of(raw, "model_card.json")


def test_a_config_writes_the_fields_its_writer_set_in_order(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    ModelConfig(threshold=0.25, thresholds={"ICD-10-PCS": 0.5}, seed=3, ranks_held_back=True).write(
        path
    )
    written = json.loads(path.read_text("utf-8"))
    assert list(written) == ["threshold", "thresholds", "seed", "ranks_held_back"]
    read = ModelConfig.read(path)
    assert (read.threshold, read.thresholds, read.ranks_held_back) == (
        0.25,
        {"ICD-10-PCS": 0.5},
        True,
    )
    assert read.calibration is None and read.systems == []


@pytest.mark.parametrize(
    "text",
    ['{"thresholds": {}}', '{"threshold": "x"}', '{"threshold": 0.3, "run": "rm -rf /"}', "[1]"],
)
def test_a_config_that_is_not_one_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.json"
    path.write_text(text, "utf-8")
    with pytest.raises(ModelError, match=r"config\.json: not a model configuration"):
        ModelConfig.read(path)


def test_a_writer_whose_card_is_not_one_leaves_nothing_written(tmp_path: Path) -> None:
    def fill(tmp: Path) -> dict[str, Any]:
        (tmp / "ranker.npz").write_bytes(b"artefact")
        return {"name": "toy"}  # no version

    with pytest.raises(ModelError, match=r"not a model card \(version: "):
        write_model_dir(tmp_path / "model", fill)
    assert list(tmp_path.iterdir()) == []


def test_the_engine_refuses_a_config_json_the_card_vouches_for_but_is_not_one(
    model_dir: Path, tmp_path: Path
) -> None:
    model = Path(shutil.copytree(model_dir, tmp_path / "model"))
    (model / "config.json").write_text('{"threshold": "high"}', "utf-8")
    card = json.loads((model / CARD).read_text("utf-8"))
    card["artefacts"]["config.json"] = sha256(model / "config.json")
    (model / CARD).write_text(json.dumps(card), "utf-8")
    with pytest.raises(ModelError, match=r"config\.json: not a model configuration \(threshold"):
        Engine.load(model)
