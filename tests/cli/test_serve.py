"""``codesuggest serve``: loads the model first, then hands the app to uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner

from codesuggest.cli.main import app
from codesuggest.engine import Engine
from tests.cli.conftest import one_error_line


def test_serve_runs_uvicorn_with_loaded_engine(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda api, **kw: calls.append({"app": api, **kw}))
    args = ["serve", "--model", str(model_dir), "--host", "0.0.0.0", "--port", "9123"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (call,) = calls
    assert isinstance(call["app"], FastAPI)
    assert call["app"].state.engine is reuse_engine
    assert (call["host"], call["port"]) == ("0.0.0.0", 9123)


def test_serve_unknown_model_fails_before_binding(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append(a))
    result = runner.invoke(app, ["serve", "--model", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == f"error: no model directory at {tmp_path / 'nope'}"
    assert calls == []
