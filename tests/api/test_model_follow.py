"""codesuggest.api.model_follow: each server process serves the model the registry names."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from codesuggest.api.main import create_app
from codesuggest.api.model_follow import ModelFollower
from codesuggest.engine import Engine
from codesuggest.promotion import promote
from codesuggest.settings import get_settings


@pytest.fixture
def models(model_dir: Path) -> Path:
    """The test's home with its default model and a copy named ``other``."""
    folder = get_settings().models_dir
    folder.mkdir(parents=True)
    (folder / "default").symlink_to(model_dir, target_is_directory=True)
    shutil.copytree(model_dir, folder / "other")
    return folder


def test_a_promotion_made_elsewhere_is_served_at_the_next_check(
    engine: Engine, models: Path
) -> None:
    app = create_app(engine)
    follower = ModelFollower(app)
    assert follower.check() is False  # serving what the registry names
    assert app.state.engine is engine

    promote("other")  # as another process (the CLI, another worker) does
    assert follower.check() is True
    assert app.state.engine is not engine
    assert app.state.engine.path.resolve() == (models / "other").resolve()
    assert follower.check() is False


def test_a_named_model_that_does_not_load_is_logged_once_and_the_old_one_serves(
    engine: Engine, models: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(engine)
    follower = ModelFollower(app)
    promote("other")
    with (models / "other" / "rules.json").open("a", encoding="utf-8") as rules:
        rules.write(" ")  # its checksum no longer matches the card
    with caplog.at_level(logging.ERROR, logger="codesuggest.api.model_follow"):
        assert follower.check() is False
        assert follower.check() is False
    assert app.state.engine is engine
    failures = [r for r in caplog.records if "does not load" in r.getMessage()]
    assert len(failures) == 1


def test_a_catalog_added_or_removed_is_served_at_the_next_check(
    engine: Engine, models: Path
) -> None:
    from codesuggest.codesets import catalogs

    home = get_settings().home
    resources = Path(__file__).resolve().parents[1] / "resources" / "catalogs"
    note = "Laparoscopic appendectomy performed for acute appendicitis."
    app = create_app(engine)
    follower = ModelFollower(app)
    assert follower.check() is False

    catalogs.register(home, "cpt", resources / "cpt_invented.tsv")  # as the CLI does
    assert follower.check() is True
    with_cpt = app.state.engine
    assert with_cpt.path.resolve() == engine.path.resolve()
    assert "CPT" in {s.system for s in with_cpt.suggest(note).suggestions}
    assert follower.check() is False

    catalogs.remove(home, "cpt")
    assert follower.check() is True
    assert "CPT" not in {s.system for s in app.state.engine.suggest(note).suggestions}
