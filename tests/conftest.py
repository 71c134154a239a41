"""Shared fixtures: a built model directory and a loaded Engine, made once per session.

``model_dir`` is the default model that ``make install`` builds under ``CODESUGGEST_HOME``
(``./var`` from the Makefile). When it is missing or does not load, a smaller model is built
from the same recipe into a temporary folder, so the suite also runs outside ``make``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.engine import Engine, default_model_path
from codesuggest.errors import ModelError
from codesuggest.training.default_model import build_default_model
from tests.utils.postgres import Postgres, reachable_postgres
from tests.utils.trained import train_tiny

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "codiesp"


@pytest.fixture(scope="session")
def cs() -> Icd10Cm:
    """The packaged ICD-10-CM code set (read-only: tests never change it)."""
    return Icd10Cm.from_package()


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = default_model_path()
    try:
        Engine.load(path)
        return path
    except ModelError:
        out = tmp_path_factory.mktemp("model") / "default"
        return build_default_model(out, n_notes=600, progress=False)


@pytest.fixture(scope="session")
def engine(model_dir: Path) -> Engine:
    return Engine.load(model_dir)


@pytest.fixture(scope="session")
def adapted_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny model trained with ``--adapt-rules`` on notes whose coders code a denied symptom:
    its card states the relaxed affirmed-evidence rule (~25 s of training)."""
    return train_tiny(tmp_path_factory.mktemp("adapted") / "tiny-adapted", adapt_rules=True)


@pytest.fixture()
def codiesp_dir() -> Iterator[Path]:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"CodiEsp data not found at {SHARED_DATA} (../shared beside the checkout)")
    yield SHARED_DATA


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres | None]:
    """The session's PostgreSQL, or None when it cannot be reached."""
    pg = reachable_postgres()
    yield pg
    if pg is not None:
        pg.drop_all()
