"""Fixtures for CLI tests: a runner and a way to reuse the session engine in-process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

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


def one_error_line(stderr: str) -> str:
    """The last stderr line, checked to be an ``error:`` line with no traceback before it."""
    assert "Traceback" not in stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("error: "), stderr
    return last
