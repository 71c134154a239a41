"""Where the home is: CODESUGGEST_HOME, else a source checkout's var/, else ~/.codesuggest."""

from __future__ import annotations

from pathlib import Path

import pytest

from codesuggest import settings as settings_module
from codesuggest.settings import Settings, checkout_root, default_home, get_settings

CHECKOUT = Path(__file__).resolve().parents[1]


def _checkout(root: Path, *, name: str = "codesuggest", makefile: bool = True) -> Path:
    """A source checkout's shape at ``root``; returns its package folder."""
    package = root / "src" / "codesuggest"
    package.mkdir(parents=True)
    (root / "pyproject.toml").write_text(f'[project]\nname = "{name}"\nversion = "1"\n', "utf-8")
    if makefile:
        (root / "Makefile").write_text("all:\n", "utf-8")
    return package


def test_checkout_root_finds_a_source_checkout(tmp_path: Path) -> None:
    package = _checkout(tmp_path / "clone")
    assert checkout_root(package) == (tmp_path / "clone").resolve()
    assert default_home(package) == (tmp_path / "clone").resolve() / "var"


@pytest.mark.parametrize(
    "shape",
    ["another project", "no Makefile", "installed package"],
)
def test_checkout_root_is_none_outside_a_codesuggest_checkout(tmp_path: Path, shape: str) -> None:
    if shape == "another project":
        package = _checkout(tmp_path / "clone", name="codesuggest-plugins")
    elif shape == "no Makefile":
        package = _checkout(tmp_path / "clone", makefile=False)
    else:  # site-packages/codesuggest, beside a pyproject.toml and Makefile of no interest
        package = tmp_path / "lib" / "site-packages" / "codesuggest"
        package.mkdir(parents=True)
    assert checkout_root(package) is None
    assert default_home(package) == Path("~/.codesuggest").expanduser()


def test_checkout_root_of_this_package_is_this_checkout() -> None:
    """The suite runs the checkout's own code (editable install or PYTHONPATH=src)."""
    assert Path(settings_module.__file__).resolve().is_relative_to(CHECKOUT / "src")
    assert checkout_root() == CHECKOUT
    assert default_home() == CHECKOUT / "var"


def test_settings_home_comes_from_codesuggest_home_else_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODESUGGEST_HOME", str(tmp_path / "elsewhere"))
    chosen = Settings()
    assert (chosen.home, chosen.home_origin) == (tmp_path / "elsewhere", "CODESUGGEST_HOME")
    assert chosen.store_url == f"sqlite:///{tmp_path / 'elsewhere' / 'codesuggest.db'}"
    monkeypatch.delenv("CODESUGGEST_HOME")
    found = Settings()
    assert (found.home, found.home_origin) == (CHECKOUT / "var", "the source checkout's var/")
    assert found.models_dir == CHECKOUT / "var" / "models"


def test_settings_store_path_is_none_for_a_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODESUGGEST_DATABASE_URL", "postgresql://127.0.0.1/test")
    configured = Settings()
    assert configured.store_path is None
    assert configured.store_url == "postgresql://127.0.0.1/test"


def test_suite_runs_in_its_own_home(hermetic_home: Path) -> None:
    """The session's CODESUGGEST_HOME is the suite's empty temporary folder."""
    get_settings.cache_clear()
    assert get_settings().home == hermetic_home
