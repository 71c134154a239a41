"""The model registry: listing model folders, promoting one (checksums first), resolution order;
and the ``codesuggest models list | show | promote`` commands over it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from codesuggest.cli.main import app
from codesuggest.errors import ChecksumMismatchError, ConfigError, ModelNotFoundError
from codesuggest.model_card import ModelCard
from codesuggest.promotion import promote
from codesuggest.registry import (
    ACTIVE,
    ADAPTED_HEADING,
    CardSummary,
    active_model_path,
    list_models,
    resolve_model_path,
)
from codesuggest.settings import get_settings
from tests.cli.conftest import one_error_line


@pytest.fixture
def models(model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A CODESUGGEST_HOME whose models folder holds two copies of the session model."""
    home = tmp_path / "home"
    root = home / "models"
    for name in ("alpha", "beta"):
        shutil.copytree(model_dir, root / name)
    (root / "notes").mkdir()  # no model card: not a model
    shutil.copytree(model_dir, root / ".gamma.tmp")  # a build in progress
    monkeypatch.setenv("CODESUGGEST_HOME", str(home))
    monkeypatch.delenv("CODESUGGEST_MODEL", raising=False)
    get_settings.cache_clear()
    yield root
    get_settings.cache_clear()


def _tamper(path: Path) -> None:
    with (path / "rules.json").open("a", encoding="utf-8") as handle:
        handle.write("\n")


def test_list_models_lists_model_folders_with_their_cards(models: Path, model_dir: Path) -> None:
    card = json.loads((model_dir / "model_card.json").read_text("utf-8"))
    entries = list_models()
    assert [e.name for e in entries] == ["alpha", "beta"]
    assert [e.path for e in entries] == [models / "alpha", models / "beta"]
    for entry in entries:
        assert entry.summary is not None
        assert entry.summary.name == card["name"]
        assert entry.summary.version == card["version"]
        assert entry.summary.code_sets == card["code_sets"]
        assert not entry.active


def test_list_models_without_models_folder_is_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODESUGGEST_HOME", str(tmp_path / "nowhere"))
    get_settings.cache_clear()
    assert list_models() == []


def test_promote_writes_active_and_resolve_model_path_returns_it(models: Path) -> None:
    assert active_model_path() is None
    assert resolve_model_path() == models / "default"
    assert promote("beta") == models / "beta"
    assert (models / ACTIVE).read_text("utf-8") == "beta\n"
    assert active_model_path() == models / "beta"
    assert resolve_model_path() == models / "beta"
    assert [e.name for e in list_models() if e.active] == ["beta"]
    assert not [p for p in models.iterdir() if p.name.startswith(f".{ACTIVE}")]  # no temp left


def test_resolve_model_path_prefers_the_model_setting(
    models: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (models / ACTIVE).write_text("alpha\n", encoding="utf-8")
    monkeypatch.setenv("CODESUGGEST_MODEL", str(tmp_path / "elsewhere"))
    get_settings.cache_clear()
    assert resolve_model_path() == tmp_path / "elsewhere"


def test_promote_refuses_a_model_whose_checksums_do_not_match(models: Path) -> None:
    (models / ACTIVE).write_text("alpha\n", encoding="utf-8")
    _tamper(models / "beta")
    with pytest.raises(ChecksumMismatchError, match=r"rules\.json"):
        promote("beta")
    assert (models / ACTIVE).read_text("utf-8") == "alpha\n"


def test_promote_unknown_or_hidden_name_is_refused(models: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="alpha, beta"):
        promote("nope")
    with pytest.raises(ModelNotFoundError):
        promote("notes")  # a folder without a model card
    with pytest.raises(ConfigError):
        promote(".gamma.tmp")
    with pytest.raises(ConfigError):
        promote("../models/alpha")
    assert not (models / ACTIVE).exists()


def test_active_model_path_rejects_a_path_in_active(models: Path) -> None:
    (models / ACTIVE).write_text("/etc\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a model name"):
        active_model_path()


def test_active_model_path_keeps_a_deleted_promoted_model(models: Path) -> None:
    (models / ACTIVE).write_text("gone\n", encoding="utf-8")
    assert active_model_path() == models / "gone"  # loading it then fails loudly


# --- the command line -----------------------------------------------------------------------


def test_models_list_cli_marks_the_active_model(models: Path) -> None:
    (models / ACTIVE).write_text("beta\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["models", "list"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("  alpha")
    assert lines[1].startswith("* beta")
    assert f"loads by default: {models / 'beta'}" in result.stderr


def test_models_show_cli_states_the_rules_a_model_was_trained_to_relax(
    models: Path, adapted_model_dir: Path
) -> None:
    shutil.copytree(adapted_model_dir, models / "adapted")
    result = CliRunner().invoke(app, ["models", "show", "adapted"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    effect = lines[lines.index(ADAPTED_HEADING) + 1]
    assert effect.startswith("  - recommends codes whose only mentions are negated")
    assert "(rule unaffirmed-evidence relaxed: held-out F1 " in effect
    assert ADAPTED_HEADING not in CliRunner().invoke(app, ["models", "show", "alpha"]).stdout


def test_models_show_cli_prints_card_and_checksums(models: Path, model_dir: Path) -> None:
    card = json.loads((model_dir / "model_card.json").read_text("utf-8"))
    result = CliRunner().invoke(app, ["models", "show", "alpha"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"version: {card['version']}" in out
    assert f"created: {card['created_at']}" in out
    assert "training data:" in out and "metrics:" in out
    for system, release in card["code_sets"].items():
        assert f"{system}: {release}" in out
    assert out.rstrip().endswith("checksums: OK")

    _tamper(models / "alpha")
    result = CliRunner().invoke(app, ["models", "show", "alpha"])
    assert result.exit_code == 0, result.output
    assert "checksums: NOT OK" in result.stdout and "rules.json" in result.stdout


def test_models_promote_cli_refuses_tampered_model_on_one_line(models: Path) -> None:
    _tamper(models / "alpha")
    result = CliRunner().invoke(app, ["models", "promote", "alpha"])
    assert result.exit_code == 1
    assert "does not match its checksum" in one_error_line(result.stderr)
    assert not (models / ACTIVE).exists()


def test_models_promote_cli_unknown_name_is_one_line_error(models: Path) -> None:
    result = CliRunner().invoke(app, ["models", "promote", "nope"])
    assert result.exit_code == 1
    assert one_error_line(result.stderr).startswith("error: no model 'nope'")


def test_card_summary_states_the_rules_adapted_to_the_site() -> None:
    card: dict[str, Any] = {
        "name": "site",
        "rule_adaptations": [
            {
                "rule": "unaffirmed-evidence",
                "setting": {"withdraw": False},
                "effect": "recommends codes whose only mentions are negated",
                "held_out_f1": 0.553,
                "packaged_f1": 0.479,
            }
        ],
    }
    lines = CardSummary.from_card(card).lines()
    i = lines.index(ADAPTED_HEADING)
    assert lines[i + 1] == (
        "  - recommends codes whose only mentions are negated (rule unaffirmed-evidence "
        "relaxed: held-out F1 0.553 vs 0.479 with the packaged rule)"
    )
    # the packaged rules kept: nothing to say
    card["rule_adaptations"] = []
    assert ADAPTED_HEADING not in CardSummary.from_card(card).lines()


def test_card_summary_of_a_card_from_before_plain_words_states_its_settings() -> None:
    card = {
        "name": "site",
        "rule_settings": [
            {"settings": {}, "f1": 0.47},
            {"settings": {"excludes1-conflict": {"withdraw": False}}, "f1": 0.55, "chosen": True},
        ],
    }
    lines = CardSummary.from_card(card).lines()
    i = lines.index(ADAPTED_HEADING)
    # the effect the packaged rule declares for that setting (rules/adaptable.py)
    assert lines[i + 1] == (
        "  - recommends both codes of an Excludes1 pair (rule excludes1-conflict relaxed)"
    )
    card["rule_settings"] = [
        {"settings": {"excludes1-conflict": {"withdraw": "sometimes"}}, "f1": 0.5, "chosen": True}
    ]
    lines = CardSummary.from_card(card).lines()
    assert lines[lines.index(ADAPTED_HEADING) + 1] == (
        '  - uses the setting withdraw = "sometimes" (rule excludes1-conflict relaxed)'
    )
    assert not any("{" in line for line in lines)  # never a Python dict
    card["rule_settings"] = [{"settings": {}, "f1": 0.47, "chosen": True}]
    assert ADAPTED_HEADING not in CardSummary.from_card(card).lines()


def test_card_summary_reads_a_card_through_the_model_card_type(model_dir: Path) -> None:
    raw = json.loads((model_dir / "model_card.json").read_text())
    typed = ModelCard.of(raw, model_dir)
    summary = CardSummary.from_card(typed)
    assert summary == CardSummary.from_card(raw)  # as written, or as the engine reads it
    assert (summary.name, summary.code_sets) == (typed.name, typed.code_sets)
    assert summary.threshold == typed.threshold


def test_card_summary_reads_a_broken_card_as_far_as_it_can() -> None:
    broken = {"name": "old", "version": 3, "metrics": "n/a", "code_sets": {"ICD-10-CM": 2026}}
    summary = CardSummary.from_card(broken)  # not a ModelCard: a version is a string
    assert (summary.name, summary.version, summary.metrics) == ("old", "3", {})
    assert summary.code_sets == {"ICD-10-CM": "2026"}
