"""The test suite's own default model: the full ``codesuggest models build-default`` recipe,
built once into ``<checkout>/.test-cache/models`` and rebuilt when the recipe changes.

Tests never read a home's model (the user may have promoted or rebuilt another). The one
exception is a shortcut: when the checkout's ``var/models/default`` (what ``make install``
builds) is provably the unmodified default build of the same recipe (its card names the
recipe fingerprint, the default number of notes and seed, and every checksum matches), it is
copied instead of rebuilt (~90 s saved). A lock keeps concurrent sessions from building twice.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from codesuggest.engine import Engine
from codesuggest.errors import ModelError
from codesuggest.model_dir import CARD
from codesuggest.training.default_model import (
    N_NOTES,
    NAME,
    SEED,
    build_default_model,
    recipe_fingerprint,
)

CHECKOUT = Path(__file__).resolve().parents[2]
CACHE = CHECKOUT / ".test-cache" / "models"
MAKE_INSTALL_MODEL = CHECKOUT / "var" / "models" / "default"


def is_default_build(card: dict[str, Any], recipe: str) -> bool:
    """Whether a model card describes the unmodified default build of ``recipe``."""
    training = card.get("training_data")
    return (
        card.get("name") == NAME
        and card.get("recipe") == recipe
        and isinstance(training, dict)
        and training.get("kind") == "synthetic"
        and training.get("notes") == N_NOTES
        and training.get("seed") == SEED
    )


def _loads_as_default(path: Path, recipe: str) -> bool:
    try:
        card = json.loads((path / CARD).read_text("utf-8"))
        if not isinstance(card, dict) or not is_default_build(card, recipe):
            return False
        Engine.load(path)  # every checksum, the features and the normaliser this code expects
    except (OSError, ValueError, ModelError):
        return False
    return True


def suite_default_model(cache: Path = CACHE, installed: Path = MAKE_INSTALL_MODEL) -> Path:
    """The default model for the tests, built (or copied from ``make install``'s) if needed."""
    recipe = recipe_fingerprint()
    target = cache / f"default-{recipe}"
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another session may be building it
        if _loads_as_default(target, recipe):
            return target
        for stale in cache.glob("default-*"):
            shutil.rmtree(stale, ignore_errors=True)
        if _loads_as_default(installed, recipe):
            tmp = Path(tempfile.mkdtemp(prefix=".copy-", dir=cache))
            shutil.copytree(installed, tmp / NAME)
            (tmp / NAME).rename(target)
            tmp.rmdir()
        else:
            build_default_model(target, seed=SEED, n_notes=N_NOTES, progress=False)
        return target
