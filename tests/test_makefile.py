"""The Makefile: `make serve` takes PORT and HOST, and sets no home of its own."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[1]


def _dry_run(*args: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    done = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "-o", ".venv/.installed", *args],
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_makefile_serve_passes_port_and_host() -> None:
    out = _dry_run("serve", "PORT=8001", "HOST=0.0.0.0")
    assert '.venv/bin/codesuggest serve --host "0.0.0.0" --port "8001"' in out


def test_makefile_serve_without_port_leaves_it_to_the_settings() -> None:
    lines = [line for line in _dry_run("serve").splitlines() if " serve" in line]
    assert [line.strip() for line in lines] == [".venv/bin/codesuggest serve"]


def test_makefile_sets_no_home_of_its_own() -> None:
    """The CLI finds the checkout's var/ itself, so `make` and a plain shell agree."""
    lines = (CHECKOUT / "Makefile").read_text("utf-8").splitlines()
    assert [line for line in lines if "CODESUGGEST_HOME" in line and not line.startswith("#")] == []
