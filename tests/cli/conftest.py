"""Fixtures for CLI tests: a runner and a way to reuse the session engine in-process."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codesuggest.engine import Engine
from codesuggest.settings import get_settings


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Tests change CODESUGGEST_* variables; re-read them before and after each test."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def thawed_heap() -> Iterator[None]:
    """Commands freeze their heap for a process that ends with them (``settle_heap``,
    ``one_shot_heap``); in the test process, hand it back to the collector after each test."""
    yield
    gc.unfreeze()


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


def one_error_line(stderr: str) -> str:
    """The last stderr line, checked to be an ``error:`` line with no traceback before it."""
    assert "Traceback" not in stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("error: "), stderr
    return last
