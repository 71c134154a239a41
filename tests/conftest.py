"""Shared fixtures: a hermetic environment, the suite's default model and a loaded Engine.

The suite never reads the user's home, environment or promoted model: every ``CODESUGGEST_*``
variable is cleared for the session and ``CODESUGGEST_HOME`` points at an empty temporary
folder (tests that need a home of their own set it again). ``model_dir`` is the suite's own
full default model (tests/utils/default_model.py), built once per recipe into
``.test-cache/``.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from codesuggest.codesets.icd10cm import Icd10Cm
from codesuggest.engine import Engine
from codesuggest.settings import get_settings
from tests.utils.catalogs import invented_catalogs
from tests.utils.default_model import suite_default_model
from tests.utils.postgres import Postgres, reachable_postgres
from tests.utils.trained import train_tiny

# variables that steer the tests themselves, not codesuggest (`make screenshot`)
TEST_VARIABLES = frozenset({"CODESUGGEST_SCREENSHOT"})

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "codiesp"


@pytest.fixture(scope="session", autouse=True)
def hermetic_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An empty CODESUGGEST_HOME and no other CODESUGGEST_* variable, for the whole session."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("CODESUGGEST_") and name not in TEST_VARIABLES:
                patch.delenv(name)
        patch.setenv("CODESUGGEST_HOME", str(home))
        # `codesuggest serve` runs one process per core by default; the suite's servers run
        # one, on a 2-core CI machine, unless a test asks for more with --workers
        patch.setenv("CODESUGGEST_WORKERS", "1")
        get_settings.cache_clear()
        yield home
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def cs() -> Icd10Cm:
    """The packaged ICD-10-CM code set (read-only: tests never change it)."""
    return Icd10Cm.from_package()


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The full default model (read-only: copy it to change it)."""
    return suite_default_model()


@pytest.fixture(scope="session")
def engine(model_dir: Path) -> Engine:
    return Engine.load(model_dir)


@pytest.fixture(scope="session")
def catalog_engine(model_dir: Path) -> Engine:
    """The default model with the invented CPT and HCPCS catalogs of tests/resources/catalogs
    registered (given to it, not read from a home)."""
    return Engine.load(model_dir, catalogs=invented_catalogs())


@pytest.fixture
def reuse_engine(engine: Engine, model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """Make ``Engine.load`` of the session model return the loaded session engine (fast)."""
    real_load = Engine.load

    def load(path: str | Path | None = None) -> Engine:
        if path is not None and Path(path).resolve() == model_dir.resolve():
            return engine
        return real_load(path)

    monkeypatch.setattr(Engine, "load", staticmethod(load))
    return engine


@pytest.fixture(autouse=True)
def thawed_heap() -> Iterator[None]:
    """Commands freeze their heap for a process that ends with them
    (``process_heap.settled_heap``, ``one_shot_heap``); in the test process, hand it back to
    the collector after each test."""
    yield
    gc.unfreeze()


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
