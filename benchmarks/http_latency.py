"""HTTP latency of ``POST /v1/suggest`` under a steady load, over loopback.

    python benchmarks/http_latency.py [--model DIR] [--rate 20] [--duration 60] [--note FILE]

Starts ``codesuggest serve`` as its own process (a fresh SQLite store in a temporary
CODESUGGEST_HOME, so every request also records its suggestions as in production), creates a
coder key with ``codesuggest keys create``, then sends one ~400-word note at a fixed rate for the
given time from this process: an open-loop load (requests go out on schedule whether or not
earlier ones have answered), with latency counted from the scheduled send time, so a stalled
server cannot hide its queue. Prints p50/p90/p99/max, errors and the rate achieved; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
NOTE = HERE / "data" / "discharge_note_400w.txt"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(home: str, model: str | None) -> dict[str, str]:
    """The environment of a server in the fresh ``home``: the named model (else the configured
    one), a quiet log, the home's own SQLite store."""
    env = {**os.environ, "CODESUGGEST_HOME": home, "CODESUGGEST_LOG_LEVEL": "WARNING"}
    if model:
        env["CODESUGGEST_MODEL"] = str(Path(model).resolve())
    elif "CODESUGGEST_MODEL" not in os.environ:
        # the configured default (e.g. the checkout's ./var) would be lost with a new HOME
        from codesuggest.engine import default_model_path

        env["CODESUGGEST_MODEL"] = str(default_model_path())
    env.pop("CODESUGGEST_DATABASE_URL", None)
    return env


def create_key(env: dict[str, str]) -> str:
    out = subprocess.run(
        [str(BIN / "codesuggest"), "keys", "create", "--role", "coder", "--name", "bench",
         "--rate-limit", "100000/minute"],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


def wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode} before it was ready")
        try:
            if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"server not ready after {timeout:.0f} s")


async def load(base: str, key: str, text: str, rate: float, duration: float) -> dict[str, object]:
    interval = 1.0 / rate
    total = int(rate * duration)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    headers = {"Authorization": f"Bearer {key}"}
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as c:

        async def one(i: int, scheduled: float) -> None:
            body = {"note_id": f"bench-{i}", "text": text}
            try:
                response = await c.post("/v1/suggest", json=body)
                if response.status_code != 200:
                    errors[str(response.status_code)] = errors.get(str(response.status_code), 0) + 1
                    return
            except httpx.HTTPError as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                return
            latencies.append(time.perf_counter() - scheduled)

        for i in range(5):  # warm-up, not counted
            await c.post("/v1/suggest", json={"note_id": f"warm-{i}", "text": text})
        start = time.perf_counter()
        tasks = []
        for i in range(total):
            scheduled = start + i * interval
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i, scheduled)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    return {"latencies": latencies, "errors": errors, "sent": total, "elapsed": elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model directory (default: the configured model)")
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--note", type=Path, default=NOTE, help="note text file")
    args = parser.parse_args()

    text = args.note.read_text("utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as home:
        env = server_env(home, args.model)
        key = create_key(env)
        server = subprocess.Popen(
            [str(BIN / "codesuggest"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_ready(base, server)
            result = asyncio.run(load(base, key, text, args.rate, args.duration))
        finally:
            server.terminate()
            server.wait(timeout=30)
    lat = np.array(result["latencies"]) * 1000
    errors = result["errors"]
    assert isinstance(errors, dict)
    words = len(text.split())
    print(f"POST /v1/suggest, one {words}-word note, {args.rate:g} req/s for {args.duration:g} s")
    print(
        f"requests:   {result['sent']} sent, {len(lat)} ok, {sum(errors.values())} errors {errors}"
    )
    print(f"rate:       {len(lat) / float(result['elapsed']):.1f} req/s answered")  # type: ignore[arg-type]
    if len(lat):
        p50, p90, p99 = np.percentile(lat, [50, 90, 99])
        print(
            f"latency:    p50 {p50:.1f} ms, p90 {p90:.1f} ms, p99 {p99:.1f} ms, "
            f"max {lat.max():.1f} ms"
        )


if __name__ == "__main__":
    main()
