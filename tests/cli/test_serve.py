"""``codesuggest serve``: loads the model first, then hands the app to uvicorn."""

from __future__ import annotations

import secrets
import socket
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from codesuggest.cli.main import app
from codesuggest.engine import Engine
from tests.cli.conftest import one_error_line
from tests.utils.server import READY, Served, codesuggest, running_server
from tests.utils.trained import tiny_corpus

HTTP_TIMEOUT_S = 120  # bounds a failure only: a first request on a loaded 2-core machine is slow


def test_serve_runs_uvicorn_with_loaded_engine(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda api, **kw: calls.append({"app": api, **kw}))
    args = ["serve", "--model", str(model_dir), "--host", "0.0.0.0", "--port", "9123"]
    args += ["--db", f"sqlite:///{tmp_path / 'serve.db'}"]
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
    assert one_error_line(result.stderr).startswith(
        f"error: no model directory at {tmp_path / 'nope'}: `codesuggest models list` names "
    )
    assert calls == []


def test_serve_on_a_new_store_creates_the_first_admin_key_once(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from codesuggest.store import Store

    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: None)
    db = f"sqlite:///{tmp_path / 'serve.db'}"
    first = runner.invoke(app, ["serve", "--model", str(model_dir), "--db", db])
    second = runner.invoke(app, ["serve", "--model", str(model_dir), "--db", db])
    assert first.exit_code == 0, first.output
    assert "created admin key 'admin'" in first.stderr
    assert "created admin key" not in second.stderr
    key = next(
        line.strip() for line in first.stderr.splitlines() if line.strip().startswith("csk_")
    )
    with Store.open(db) as store:
        found = store.authenticate(key)
    assert found is not None
    assert found.role == "admin"


def test_serve_starts_not_ready_while_the_database_is_down(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app recovers when the database comes back, so a database down at start-up does not
    stop the server: it serves, not ready, and opens the database at a later request."""
    calls: list[FastAPI] = []
    monkeypatch.setattr(uvicorn, "run", lambda api, **kw: calls.append(api))
    db = "postgresql://127.0.0.1:1/nothing"
    result = runner.invoke(app, ["serve", "--model", str(model_dir), "--db", db])
    assert result.exit_code == 0, result.output
    assert "warning: database unavailable" in result.stderr
    (served,) = calls
    assert served.state.store is None
    assert served.state.store_url == db
    with TestClient(served) as client:
        assert client.get("/health/live").status_code == 200
        ready = client.get("/health/ready")
    assert (ready.status_code, ready.json()) == (503, {"detail": "database unavailable"})


def test_serve_with_a_malformed_database_url_fails_before_binding(
    runner: CliRunner, reuse_engine: Engine, model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append(a))
    result = runner.invoke(app, ["serve", "--model", str(model_dir), "--db", "nosuchdb://x"])
    assert result.exit_code != 0
    assert one_error_line(result.stderr).startswith("error: ")
    assert calls == []


def test_serve_on_a_busy_port_is_one_error_line(runner: CliRunner) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(app, ["serve", "--host", "127.0.0.1", "--port", str(port)])
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == (
        f"error: port {port} on 127.0.0.1 is in use: Address already in use"
    )


def test_serve_port_and_host_come_from_settings(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        monkeypatch.setenv("CODESUGGEST_HOST", "127.0.0.1")
        monkeypatch.setenv("CODESUGGEST_PORT", str(port))
        result = runner.invoke(app, ["serve"])
    assert result.exit_code == 1
    assert one_error_line(result.stderr).startswith(f"error: port {port} on 127.0.0.1 is in use")


@pytest.mark.slow
def test_serve_serves_the_model_trained_and_promoted_on_the_cli(
    model_dir: Path, tmp_path: Path
) -> None:
    """The README's path, each step a separate process in one home: serve the default model
    with two worker processes; train and promote a model on the command line; both workers
    serve it within seconds (each follows the registry), the promote endpoint reloads it, and
    a restarted server serves it from the start."""
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True)
    (home / "models" / "default").symlink_to(model_dir, target_is_directory=True)
    corpus = tiny_corpus(tmp_path / "coded.jsonl")
    note = {"note_id": "enc-1", "text": "Assessment: essential hypertension."}

    with running_server(home, "--workers", "2") as served:
        assert served.admin_key is not None
        both_started(served)
        admin = {"Authorization": f"Bearer {served.admin_key}"}
        before = httpx.post(
            f"{served.url}/v1/suggest", json=note, headers=admin, timeout=HTTP_TIMEOUT_S
        )
        assert before.json()["model"]["name"] == "default"

        trained = codesuggest(
            "train", "--data", f"jsonl:{corpus}", "--name", "site", "--folds", "2",
            "--synthetic-notes", "200", home=home,
        )  # fmt: skip
        assert trained.returncode == 0, trained.stderr
        assert f"wrote model site to {home / 'models' / 'site'}" in trained.stderr
        promoted = codesuggest("models", "promote", "site", home=home)
        assert promoted.returncode == 0, promoted.stderr
        listed = codesuggest("models", "list", home=home)
        assert [line.split()[:2] for line in listed.stdout.splitlines()] == [
            ["default", "0.1.0"],
            ["*", "site"],
        ]
        assert followed(served.url, note, admin, "site") == 10

        reload = httpx.post(
            f"{served.url}/v1/models/site:promote", headers=admin, timeout=HTTP_TIMEOUT_S
        )
        assert reload.status_code == 200, reload.text
        assert reload.json()["active"]["name"] == "site"
        after = httpx.post(
            f"{served.url}/v1/suggest", json=note, headers=admin, timeout=HTTP_TIMEOUT_S
        )
        assert after.json()["model"]["name"] == "site"

    with running_server(home) as restarted:
        assert restarted.admin_key is None  # the same database: its keys are still there
        models = httpx.get(
            f"{restarted.url}/v1/models", headers=admin, timeout=HTTP_TIMEOUT_S
        ).json()
        assert models["active"]["name"] == "site"
        assert [(m["name"], m["active"]) for m in models["models"]] == [
            ("default", False),
            ("site", True),
        ]


def followed(url: str, note: dict[str, str], headers: dict[str, str], name: str) -> int:
    """How many answers in a row came from model ``name`` (each request on a new connection,
    so both workers answer some): polls until ten do, within a bound."""
    deadline = time.monotonic() + HTTP_TIMEOUT_S
    in_a_row = 0
    while in_a_row < 10 and time.monotonic() < deadline:
        answer = httpx.post(f"{url}/v1/suggest", json=note, headers=headers, timeout=30)
        in_a_row = in_a_row + 1 if answer.json()["model"]["name"] == name else 0
        time.sleep(0.05)
    return in_a_row


@pytest.mark.slow
def test_worker_processes_share_rate_limits_through_redis(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With counters in Redis a key's limit holds across worker processes: of 12 requests on
    fresh connections (both workers answer some), exactly the limit's 5 are let through."""
    from codesuggest.api.ratelimit import RateLimiter

    redis_url = "redis://127.0.0.1:6379"
    try:
        RateLimiter(redis_url, "1/second").hit(f"probe-{secrets.token_hex(4)}")
    except Exception as exc:  # the limits package raises redis' own errors
        pytest.skip(f"Redis not reachable at {redis_url} ({type(exc).__name__}): not run")
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True)
    (home / "models" / "default").symlink_to(model_dir, target_is_directory=True)
    monkeypatch.setenv("CODESUGGEST_RATE_LIMIT_STORAGE", redis_url)
    name = f"limited-{secrets.token_hex(6)}"  # Redis outlives the test: a name of its own
    created = codesuggest(
        "keys", "create", "--role", "coder", "--name", name, "--rate-limit", "5/minute",
        home=home,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    with running_server(home, "--workers", "2") as served:
        both_started(served)
        statuses = [
            httpx.get(
                f"{served.url}/v1/me", headers={"Authorization": f"Bearer {key}"}, timeout=30
            ).status_code
            for _ in range(12)
        ]
    assert statuses == [200] * 5 + [429] * 7


def both_started(served: Served) -> None:
    """Wait (within a bound) until both worker processes have said they serve."""
    deadline = time.monotonic() + HTTP_TIMEOUT_S
    while sum(READY in line for line in served.log) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sum(READY in line for line in served.log) == 2, served.log[-20:]
