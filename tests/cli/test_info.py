"""``codesuggest info`` and ``--version``: the version, the home, the model and the database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codesuggest import __version__
from codesuggest.cli.main import app


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CODESUGGEST_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.mark.parametrize("args", [["info"], ["--version"]])
def test_info_names_home_model_and_database_of_an_empty_home(
    runner: CliRunner, home: Path, args: list[str]
) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"codesuggest {__version__}",
        f"home:     {home} (CODESUGGEST_HOME)",
        f"model:    {home / 'models' / 'default'} (the default model; not there: run "
        "`make install` in the checkout or `codesuggest models build-default`)",
        f"database: sqlite:///{home / 'codesuggest.db'} (none yet: `codesuggest serve`, "
        "`db upgrade` or `keys create` creates it)",
    ]
    assert not home.exists()  # reading where things are creates nothing


def test_info_names_the_promoted_model_and_the_existing_database(
    runner: CliRunner, home: Path, model_dir: Path
) -> None:
    shutil.copytree(model_dir, home / "models" / "site")
    assert runner.invoke(app, ["models", "promote", "site"]).exit_code == 0
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[2] == (
        f"model:    {home / 'models' / 'site'} (promoted: {home / 'models' / 'ACTIVE'}; "
        "default 0.1.0)"
    )
    assert lines[3] == f"database: sqlite:///{home / 'codesuggest.db'}"
