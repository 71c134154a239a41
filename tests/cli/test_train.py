"""``codesuggest train``: argument and error paths (with the trainer faked), then one real run on
a tiny synthetic corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from codesuggest.cli.main import app
from codesuggest.cli.train import card_report
from codesuggest.model_dir import read_card, write_model_dir
from codesuggest.registry import ADAPTED_HEADING
from codesuggest.training import trainer
from codesuggest.training.trainer import TrainConfig
from tests.cli.conftest import one_error_line
from tests.utils.trained import tiny_corpus


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CODESUGGEST_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text(
        json.dumps({"id": "a", "text": "Essential hypertension.", "codes": ["I10"]}) + "\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def trained(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], Path, TrainConfig]]:
    """Replace the (minutes-long) trainer by one that writes a small valid model directory."""
    calls: list[tuple[list[str], Path, TrainConfig]] = []

    def fake_train(
        specs: list[str], out: Path, config: TrainConfig | None = None, *, progress: bool = True
    ) -> Path:
        assert config is not None
        calls.append((specs, out, config))

        def fill(tmp: Path) -> dict[str, Any]:
            (tmp / "config.json").write_text('{"threshold": 0.5}', encoding="utf-8")
            return {
                "name": config.name,
                "version": config.version,
                "training_data": {"summaries": ["gold.jsonl: 1 notes, 1 ICD-10-CM"]},
                "metrics": {"held_out": {"all_map": 0.5, "icd10cm_micro_f1": 0.25}},
                "threshold": 0.5,
            }

        return write_model_dir(out, fill)

    monkeypatch.setattr(trainer, "train_model", fake_train)
    return calls


def test_train_default_out_is_home_models_name_and_prints_card(
    runner: CliRunner, home: Path, corpus: Path, trained: list[Any]
) -> None:
    result = runner.invoke(
        app,
        ["train", "--data", f"jsonl:{corpus}", "--name", "site", "--seed", "7", "--folds", "3"],
    )
    assert result.exit_code == 0, result.output
    [(specs, out, config)] = trained
    assert specs == [f"jsonl:{corpus}"]
    assert out == home / "models" / "site"
    assert (config.name, config.seed, config.folds) == ("site", 7, 3)
    assert not config.adapt_rules  # the packaged rules unless asked
    assert read_card(out)["name"] == "site"
    assert "gold.jsonl: 1 notes, 1 ICD-10-CM" in result.stdout
    table = result.stdout.splitlines()
    header = next(line for line in table if line.split()[:2] == ["MAP", "F1"])
    assert header.split() == ["MAP", "F1"]
    rows = [line.split() for line in table if line.startswith(("  ICD-10-CM", "  all systems"))]
    assert rows == [["ICD-10-CM", "-", "0.250"], ["all", "systems", "0.500", "-"]]
    assert "recommendation threshold (confidence): 0.500" in result.stdout
    assert "_" not in "".join(table[2:5])  # labels, not the card's keys
    assert f"wrote model site to {out}" in result.stderr


def test_train_adapt_rules_is_an_explicit_opt_in(
    runner: CliRunner, home: Path, corpus: Path, trained: list[Any]
) -> None:
    result = runner.invoke(app, ["train", "--data", f"jsonl:{corpus}", "--adapt-rules"])
    assert result.exit_code == 0, result.output
    [(_, _, config)] = trained
    assert config.adapt_rules


def test_train_keep_rules_is_gone(
    runner: CliRunner, home: Path, corpus: Path, trained: list[Any]
) -> None:
    result = runner.invoke(app, ["train", "--data", f"jsonl:{corpus}", "--keep-rules"])
    assert result.exit_code == 2
    assert one_error_line(result.stderr).startswith("error: no such option: --keep-rules")
    assert trained == []


def test_card_report_states_each_adapted_rule_in_plain_words() -> None:
    adapted = {
        "rule": "excludes1-conflict",
        "setting": {"withdraw": False},
        "effect": "recommends both codes of an Excludes1 pair",
        "held_out_f1": 0.5531,
        "packaged_f1": 0.4789,
    }
    lines = card_report({"rule_adaptations": [adapted]})
    i = lines.index(ADAPTED_HEADING)
    assert lines[i + 1] == (
        "  - recommends both codes of an Excludes1 pair (rule excludes1-conflict relaxed: "
        "held-out F1 0.553 vs 0.479 with the packaged rule)"
    )
    assert "coding rules: as packaged" in card_report({"rule_adaptations": []})
    assert not any("{" in line for line in lines)  # no Python dicts


def test_train_name_defaults_to_out_folder_name(
    runner: CliRunner, corpus: Path, tmp_path: Path, trained: list[Any]
) -> None:
    out = tmp_path / "models" / "cardio"
    result = runner.invoke(
        app, ["train", "--data", str(corpus), "--data", str(corpus), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    [(specs, got, config)] = trained
    assert specs == [str(corpus), str(corpus)]
    assert (got, config.name, config.folds) == (out, "cardio", 5)


def test_train_missing_data_file_is_one_line_error(
    runner: CliRunner, tmp_path: Path, trained: list[Any]
) -> None:
    missing = tmp_path / "nope.jsonl"
    result = runner.invoke(
        app, ["train", "--data", f"jsonl:{missing}", "--out", str(tmp_path / "m")]
    )
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == f"error: no such corpus file or folder: {missing}"
    assert trained == []
    assert not (tmp_path / "m").exists()


def test_train_unknown_corpus_kind_is_one_line_error(
    runner: CliRunner, tmp_path: Path, trained: list[Any]
) -> None:
    result = runner.invoke(app, ["train", "--data", "parquet:x", "--out", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "unknown corpus kind 'parquet'" in one_error_line(result.stderr)
    assert trained == []


def test_train_existing_out_without_force_is_refused(
    runner: CliRunner, corpus: Path, tmp_path: Path, trained: list[Any]
) -> None:
    out = tmp_path / "m"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["train", "--data", str(corpus), "--out", str(out)])
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == (
        f"error: {out} already exists; use --force to replace it"
    )
    assert trained == []
    assert (out / "keep.txt").read_text("utf-8") == "mine"


def test_train_force_replaces_existing_out(
    runner: CliRunner, corpus: Path, tmp_path: Path, trained: list[Any]
) -> None:
    out = tmp_path / "m"
    out.mkdir()
    (out / "keep.txt").write_text("old", encoding="utf-8")
    result = runner.invoke(app, ["train", "--data", str(corpus), "--out", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert len(trained) == 1
    assert not (out / "keep.txt").exists()
    assert (out / "model_card.json").is_file()


def test_train_out_that_is_a_file_is_refused_even_with_force(
    runner: CliRunner, corpus: Path, tmp_path: Path, trained: list[Any]
) -> None:
    out = tmp_path / "m.txt"
    out.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["train", "--data", str(corpus), "--out", str(out), "--force"])
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == f"error: --out {out} exists and is not a directory"
    assert trained == []


def test_train_folds_below_two_is_a_usage_error(
    runner: CliRunner, corpus: Path, tmp_path: Path, trained: list[Any]
) -> None:
    result = runner.invoke(
        app, ["train", "--data", str(corpus), "--out", str(tmp_path / "m"), "--folds", "1"]
    )
    assert result.exit_code == 2
    assert trained == []


def test_train_without_data_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["train", "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "--data" in result.stderr


def test_train_trainer_input_error_is_one_line(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["train", "--data", str(empty), "--out", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == f"error: {empty}: empty corpus (no notes)"
    assert not (tmp_path / "m").exists()


# --- one real training run ------------------------------------------------------------------


@pytest.mark.slow
def test_train_end_to_end_on_tiny_corpus_writes_a_loadable_model(
    runner: CliRunner, tmp_path: Path
) -> None:
    from codesuggest.engine import Engine

    corpus = tiny_corpus(tmp_path / "tiny.jsonl")
    out = tmp_path / "models" / "tiny"
    result = runner.invoke(
        app,
        [
            "train",
            "--data",
            f"jsonl:{corpus}",
            "--out",
            str(out),
            "--folds",
            "2",
            "--synthetic-notes",
            "200",
        ],
    )
    assert result.exit_code == 0, result.output
    card = read_card(out)
    assert card["name"] == "tiny"
    assert card["training_data"]["notes"] == 30
    assert card["config"]["folds"] == 2
    assert card["config"]["adapt_rules"] is False
    assert card["rule_settings"] == [
        {"settings": {}, "f1": card["rule_settings"][0]["f1"], "chosen": True}
    ]
    assert card["rule_adaptations"] == []
    assert "coding rules: as packaged" in result.stdout
    assert f"{corpus}: 30 notes" in result.stdout
    assert "held-out figures" in result.stdout
    (row,) = [line.split() for line in result.stdout.splitlines() if line.startswith("  ICD-10")]
    assert row[1].isdigit()  # the count of held-out notes, a whole number
    assert all(len(cell.split(".")[1]) == 3 for cell in row[2:])  # rates to three decimals
    # the progress bar names each stage as it runs
    for stage in (
        "train: reading the notes, choosing learned phrases",
        "train: candidates, fold 1 of 2",
        "train: classifier scores, fold 2 of 2",
        "train: ranker rows, synthetic notes",
        "train: thresholds",
        "train: final ranker and classifier",
    ):
        assert stage in result.stderr, stage
    engine = Engine.load(out)
    codes = [s.code for s in engine.suggest("Assessment: essential hypertension.").suggestions]
    assert "I10" in codes
