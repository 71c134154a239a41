"""``codesuggest models build-default``: where it builds and when ``--if-missing`` skips."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codesuggest.cli.main import app
from codesuggest.training import default_model
from tests.cli.conftest import one_error_line


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record calls to the (slow) builder instead of building."""
    calls: list[Path] = []

    def fake_build(out: Path, *, seed: int = 0, progress: bool = True) -> Path:
        calls.append(out)
        return out

    monkeypatch.setattr(default_model, "build_default_model", fake_build)
    return calls


def test_models_build_default_targets_home_models_default(
    runner: CliRunner, builds: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODESUGGEST_HOME", str(tmp_path / "home"))
    result = runner.invoke(app, ["models", "build-default"])
    assert result.exit_code == 0, result.output
    assert builds == [tmp_path / "home" / "models" / "default"]
    assert (tmp_path / "home" / "models").is_dir()


def test_models_build_default_if_missing_keeps_loadable_model(
    runner: CliRunner, builds: list[Path], model_dir: Path
) -> None:
    result = runner.invoke(
        app, ["models", "build-default", "--out", str(model_dir), "--if-missing"]
    )
    assert result.exit_code == 0, result.output
    assert builds == []
    assert f"already at {model_dir}" in result.stderr


def test_models_build_default_if_missing_builds_when_absent(
    runner: CliRunner, builds: list[Path], tmp_path: Path
) -> None:
    target = tmp_path / "models" / "default"
    result = runner.invoke(app, ["models", "build-default", "--out", str(target), "--if-missing"])
    assert result.exit_code == 0, result.output
    assert builds == [target]


def test_models_build_default_if_missing_rebuilds_broken_model(
    runner: CliRunner, builds: list[Path], tmp_path: Path
) -> None:
    target = tmp_path / "default"
    target.mkdir()
    (target / "model_card.json").write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["models", "build-default", "--out", str(target), "--if-missing"])
    assert result.exit_code == 0, result.output
    assert builds == [target]
    assert "rebuilding" in result.stderr


def test_models_build_default_failure_is_one_line_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(out: Path, *, seed: int = 0, progress: bool = True) -> Path:
        raise OSError(28, "No space left on device", str(out))

    monkeypatch.setattr(default_model, "build_default_model", no_space)
    result = runner.invoke(app, ["models", "build-default", "--out", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == f"error: No space left on device: {tmp_path / 'm'}"


def test_models_build_default_if_missing_rebuilds_model_of_older_data(
    runner: CliRunner, builds: list[Path], model_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "default"
    shutil.copytree(model_dir, target)
    card = json.loads((target / "model_card.json").read_text("utf-8"))
    card["recipe"] = "built-from-older-data"
    (target / "model_card.json").write_text(json.dumps(card), "utf-8")
    result = runner.invoke(app, ["models", "build-default", "--out", str(target), "--if-missing"])
    assert result.exit_code == 0, result.output
    assert builds == [target]
    assert "built from other lexicon or rule data" in result.stderr


def test_models_build_default_if_missing_rebuilds_model_of_format_1(
    runner: CliRunner, builds: list[Path], model_dir: Path, tmp_path: Path
) -> None:
    """A default model of format 1 (pickles) is no longer read: rebuilt, saying why."""
    target = tmp_path / "default"
    shutil.copytree(model_dir, target)
    card = json.loads((target / "model_card.json").read_text("utf-8"))
    card["format"] = 1
    (target / "model_card.json").write_text(json.dumps(card), "utf-8")
    result = runner.invoke(app, ["models", "build-default", "--out", str(target), "--if-missing"])
    assert result.exit_code == 0, result.output
    assert builds == [target]
    assert "format 1 keeps pickles" in result.stderr
