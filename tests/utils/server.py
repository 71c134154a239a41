"""The real ``codesuggest serve`` in its own process, on a free port, for end-to-end tests.

It is started as a user starts it (``python -m codesuggest.cli.main serve``, the environment of
the test plus the given CODESUGGEST_HOME) and waited on through its own log: the admin key it
prints on a new database, uvicorn's "Application startup complete" line and its "Uvicorn running
on" line (no polling). Both lines are needed: a single uvicorn process logs the first when the
app's startup has run but before it listens, and the second once its socket accepts connections.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

START_TIMEOUT_S = 180.0  # loads the full default model on a shared 2-core machine
READY = "Application startup complete"
LISTENING = "Uvicorn running on"


@dataclass
class Served:
    """A running server: its base URL, the admin key it printed (if any) and its log."""

    url: str
    admin_key: str | None
    log: list[str] = field(default_factory=list)


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    """The test's environment with ``home`` as CODESUGGEST_HOME and this checkout's code."""
    src = str(Path(__file__).resolve().parents[2] / "src")
    path = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "CODESUGGEST_HOME": str(home), "PYTHONPATH": path, **extra}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def codesuggest(
    *args: str, home: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the command line as a user does, in ``home``; returns the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "codesuggest.cli.main", *args],
        env=cli_env(home),
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


@contextmanager
def running_server(home: Path, *args: str) -> Iterator[Served]:
    """``codesuggest serve --port P [args]`` in ``home`` until the block ends."""
    port = free_port()
    command = [sys.executable, "-m", "codesuggest.cli.main", "serve", "--port", str(port), *args]
    env = cli_env(home, CODESUGGEST_LOG_LEVEL="INFO")
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    served = Served(f"http://127.0.0.1:{port}", None)
    ready = threading.Event()

    def read_log() -> None:  # the log is read to its end, so the server never blocks on it
        assert process.stderr is not None
        for line in process.stderr:
            served.log.append(line.rstrip("\n"))
            if line.strip().startswith("csk_") and served.admin_key is None:
                served.admin_key = line.strip()
            if started(served.log):
                ready.set()
        ready.set()  # the server ended

    reader = threading.Thread(target=read_log, name="server-log", daemon=True)
    reader.start()
    try:
        ready.wait(START_TIMEOUT_S)
        if process.poll() is not None or not started(served.log):
            raise RuntimeError("codesuggest serve did not start:\n" + "\n".join(served.log))
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=30)
        process.stderr.close()


def started(log: list[str]) -> bool:
    """Whether the log shows an app that has started and a socket that accepts connections."""
    return any(READY in line for line in log) and any(LISTENING in line for line in log)
