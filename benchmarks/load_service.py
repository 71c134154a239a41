"""The service under load: steady rate, capacity, and overload, over loopback.

    python benchmarks/load_service.py [--workers 2] [--rate 50] [--duration 600]
        [--overload 3] [--overload-duration 60] [--model DIR] [--data ../shared/data/codiesp]

Starts ``codesuggest serve --workers N`` as its own process (a fresh SQLite store in a
temporary CODESUGGEST_HOME, so every request also records its suggestions as in production),
creates a coder key with a limit no phase reaches, and sends CodiEsp's background notes (2,751
real cases, ~400 words each, taken in turn) to ``POST /v1/suggest`` in three phases:

1. **steady**: an open-loop load at ``--rate`` requests/s for ``--duration`` s (requests go out
   on schedule whether or not earlier ones have answered; latency counts from the scheduled
   send, so a stalled server cannot hide its queue). Target: 0 errors, p99 <= 250 ms.
   With ``--flood-duration S``: S seconds of the same load, then S seconds of it beside a
   flood of 100-word code searches (4 clients of one key, the default rate limit). Target:
   search p99 <= 50 ms; suggestion p99 moves by at most 20%.
2. **capacity**: 16 clients sending back to back for 30 s: the notes/s the server can answer.
3. **overload**: an open loop at ``--overload`` times that capacity for ``--overload-duration``
   s. Target: every request answered within 1 s, as 200 or as 503/429 with Retry-After.

The server runs at niceness 10 (``--server-nice``): on a small machine the server saturates,
the load generator would otherwise fall behind its own schedule and count its lag as the
server's latency; in production the clients are elsewhere. Prints each phase's figures;
asserts nothing. Needs the CodiEsp data beside the checkout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np
import numpy.typing as npt

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
DATA = HERE.parent.parent / "shared" / "data" / "codiesp"
sys.path.insert(0, str(HERE))

from http_latency import free_port, server_env, wait_ready  # noqa: E402


def create_key(
    env: dict[str, str], name: str = "bench", limit: str | None = "100000/minute"
) -> str:
    """A coder key; ``limit`` None: the server's default rate limit."""
    command = [str(BIN / "codesuggest"), "keys", "create", "--role", "coder", "--name", name]
    if limit is not None:
        command += ["--rate-limit", limit]
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


@dataclass
class Phase:
    """What one phase saw: latency of each answer by status, and failures to answer."""

    name: str
    sent: int = 0
    elapsed: float = 0.0
    answers: list[tuple[int, float, bool]] = field(default_factory=list)  # status, s, Retry-After
    failures: Counter[str] = field(default_factory=Counter)
    client_cpu: float = 0.0  # this process's CPU seconds during the phase

    def latencies(self, statuses: set[int] | None = None) -> npt.NDArray[np.float64]:
        return np.array([s for c, s, _ in self.answers if statuses is None or c in statuses])

    def report(self) -> None:
        statuses = Counter(c for c, _, _ in self.answers)
        ok = self.latencies({200}) * 1000
        print(f"== {self.name}: {self.sent} sent in {self.elapsed:.0f} s "
              f"(client CPU {self.client_cpu:.0f} s)")  # fmt: skip
        print(f"   answers by status: {dict(sorted(statuses.items()))}; not answered: "
              f"{dict(self.failures) or 0}")  # fmt: skip
        print(f"   200s: {len(ok) / self.elapsed:.1f}/s")
        if len(ok):
            p50, p90, p99 = np.percentile(ok, [50, 90, 99])
            print(f"   200 latency: p50 {p50:.0f} ms, p90 {p90:.0f} ms, p99 {p99:.0f} ms, "
                  f"max {ok.max():.0f} ms")  # fmt: skip
        refused = [(c, s, r) for c, s, r in self.answers if c in (429, 503)]
        if refused:
            slowest = max(s for _, s, _ in refused) * 1000
            with_retry = sum(r for _, _, r in refused)
            print(f"   refused (429/503): {len(refused)}, {with_retry} with Retry-After, "
                  f"slowest {slowest:.0f} ms")  # fmt: skip
        everything = self.latencies()
        if len(everything):
            within = float(np.mean(everything <= 1.0)) * 100
            print(f"   answered within 1 s: {within:.2f}% of answers; slowest answer "
                  f"{everything.max() * 1000:.0f} ms")  # fmt: skip
        other = {c: n for c, n in statuses.items() if c not in (200, 429, 503)}
        errors = sum(other.values()) + sum(self.failures.values())
        print(f"   errors (not 200/429/503, or no answer): {errors}")


class Notes:
    """The background notes, taken in turn."""

    def __init__(self, folder: Path) -> None:
        self.texts = [p.read_text("utf-8") for p in sorted(folder.glob("*.txt"))]
        self.next = 0

    def take(self) -> str:
        text = self.texts[self.next % len(self.texts)]
        self.next += 1
        return text


class Client:
    """A lean HTTP/1.1 client: one new connection a request (``Connection: close``), the
    response read to its end. httpx's pool costs more CPU than the server at a few hundred
    requests a second on this machine; this costs little, so the load is what is measured."""

    def __init__(self, base: str, key: str) -> None:
        address = base.removeprefix("http://")
        self.host, port = address.split(":")
        self.port = int(port)
        self.key = key

    async def post(self, path: str, body: dict[str, str]) -> tuple[int, bool]:
        """Status and whether the answer carried Retry-After."""
        data = json.dumps(body).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {self.key}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
        )
        return await self._exchange(head.encode() + data)

    async def get(self, path_and_query: str) -> tuple[int, bool]:
        """Status and whether the answer carried Retry-After."""
        head = (
            f"GET {path_and_query} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {self.key}\r\nConnection: close\r\n\r\n"
        )
        return await self._exchange(head.encode())

    async def _exchange(self, request: bytes) -> tuple[int, bool]:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(request)
            await writer.drain()
            answer = await reader.read()
        finally:
            writer.close()
        header, _, _ = answer.partition(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        retry = any(line.lower().startswith("retry-after:") for line in lines[1:])
        return status, retry


async def send(client: Client, phase: Phase, text: str, scheduled: float) -> None:
    body = {"note_id": f"load-{phase.sent}", "text": text}
    try:
        status, retry = await client.post("/v1/suggest", body)
    except (OSError, IndexError, ValueError) as exc:
        phase.failures[type(exc).__name__] += 1
        return
    phase.answers.append((status, time.perf_counter() - scheduled, retry))


async def open_loop(client: Client, notes: Notes, name: str, rate: float, duration: float) -> Phase:
    phase = Phase(name)
    start, cpu = time.perf_counter(), time.process_time()
    tasks = []
    for i in range(int(rate * duration)):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        phase.sent += 1
        tasks.append(asyncio.create_task(send(client, phase, notes.take(), scheduled)))
    await asyncio.gather(*tasks)
    phase.elapsed = time.perf_counter() - start
    phase.client_cpu = time.process_time() - cpu
    return phase


async def closed_loop(client: Client, notes: Notes, clients: int, duration: float) -> Phase:
    phase = Phase(f"capacity ({clients} clients back to back, {duration:g} s)")
    start, cpu = time.perf_counter(), time.process_time()
    end = start + duration

    async def one_client() -> None:
        while time.perf_counter() < end:
            phase.sent += 1
            await send(client, phase, notes.take(), time.perf_counter())

    await asyncio.gather(*(one_client() for _ in range(clients)))
    phase.elapsed = time.perf_counter() - start
    phase.client_cpu = time.process_time() - cpu
    return phase


# the attack of issue 15: 100 one-letter words, within the 200-character limit of q
FLOOD_QUERY = "+".join("abcdefghijklmnopqrstuvwxyz"[i % 26] for i in range(100))


async def search_flood(
    client: Client, notes: Notes, flooder: Client, rate: float, duration: float
) -> tuple[Phase, Phase]:
    """Suggestions at ``rate`` while 4 clients of one key (the default rate limit) send
    100-word searches back to back; the two phases' figures."""
    searches = Phase(f"100-word searches, 4 clients back to back, one key ({duration:g} s)")
    end = time.perf_counter() + duration

    async def one_flooder() -> None:
        while time.perf_counter() < end:
            searches.sent += 1
            started = time.perf_counter()
            try:
                status, retry = await flooder.get(f"/v1/codes?q={FLOOD_QUERY}")
            except (OSError, IndexError, ValueError) as exc:
                searches.failures[type(exc).__name__] += 1
                continue
            searches.answers.append((status, time.perf_counter() - started, retry))

    name = f"suggestions during the search flood ({rate:g} req/s open loop, {duration:g} s)"
    started = time.perf_counter()
    flood = asyncio.gather(*(one_flooder() for _ in range(4)))
    suggestions = await open_loop(client, notes, name, rate, duration)
    await flood
    searches.elapsed = time.perf_counter() - started
    return suggestions, searches


async def run(base: str, key: str, notes: Notes, args: argparse.Namespace) -> None:
    c = Client(base, key)
    # warm-up, not reported: every worker has loaded its model, built its code search (in the
    # background, seconds of one core) and answered before timing starts
    await open_loop(c, notes, "warm-up", 5.0, 30.0)
    if args.duration > 0:
        name = f"steady ({args.rate:g} req/s open loop, {args.duration:g} s)"
        (await open_loop(c, notes, name, args.rate, args.duration)).report()
    if args.flood_duration > 0:
        name = f"before the flood ({args.rate:g} req/s open loop, {args.flood_duration:g} s)"
        (await open_loop(c, notes, name, args.rate, args.flood_duration)).report()
        flooder = Client(base, args.flood_key)
        for phase in await search_flood(c, notes, flooder, args.rate, args.flood_duration):
            phase.report()
    capacity = await closed_loop(c, notes, 16, 30.0)
    capacity.report()
    per_s = len(capacity.latencies({200})) / capacity.elapsed
    if args.overload > 0 and per_s > 0:
        rate = args.overload * per_s
        name = f"overload ({args.overload:g} x capacity = {rate:.0f} req/s, "
        name += f"{args.overload_duration:g} s)"
        (await open_loop(c, notes, name, rate, args.overload_duration)).report()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--rate", type=float, default=50.0, help="steady requests per second")
    parser.add_argument("--duration", type=float, default=600.0, help="steady seconds (0: skip)")
    parser.add_argument("--overload", type=float, default=3.0, help="times capacity (0: skip)")
    parser.add_argument("--overload-duration", type=float, default=60.0)
    parser.add_argument(
        "--flood-duration", type=float, default=0.0,
        help="seconds of suggestions at --rate without, then with, a flood of 100-word "
        "searches (0: skip)",
    )  # fmt: skip
    parser.add_argument("--model", help="model directory (default: the configured model)")
    parser.add_argument("--data", type=Path, default=DATA, help="CodiEsp folder")
    parser.add_argument(
        "--server-nice", type=int, default=10,
        help="run the server at this niceness, so this client (its users, on other machines "
        "in production) sends on schedule on a machine the server saturates (0: as is)",
    )  # fmt: skip
    parser.add_argument(
        "--db", help="database URL (default: a new SQLite file in the temporary home)"
    )
    parser.add_argument("--server-log", help="write the server's log (stderr) to this file")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # phases as they end

    folder = args.data / "background" / "text_files_en"
    if not folder.is_dir():
        print(f"skipped: CodiEsp background notes not found at {folder}", file=sys.stderr)
        return
    notes = Notes(folder)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as home:
        env = server_env(home, args.model)
        if args.db:
            env["CODESUGGEST_DATABASE_URL"] = args.db
        key = create_key(env)
        args.flood_key = create_key(env, "flood", limit=None)  # the default limit
        env["CODESUGGEST_LOG_LEVEL"] = "ERROR"  # what went wrong, not each request
        log_to = Path(args.server_log) if args.server_log else Path(home) / "server.log"
        command = [str(BIN / "codesuggest"), "serve", "--host", "127.0.0.1", "--port", str(port)]
        with log_to.open("w") as server_log:
            serve_and_load(base, key, notes, args, command, env, server_log)
        report_server_errors(log_to)


def report_server_errors(log: Path) -> None:
    """The errors the server logged (a 500 is a bug whatever the load)."""
    errors = [line for line in log.read_text("utf-8", "replace").splitlines() if " ERROR " in line]
    print(f"server errors logged: {len(errors)}")
    for line in errors[:5]:
        print(f"   {line[:300]}")


def serve_and_load(
    base: str, key: str, notes: Notes, args: argparse.Namespace, command: list[str],
    env: dict[str, str], server_log: TextIO,
) -> None:  # fmt: skip
    niced = ["nice", "-n", str(args.server_nice)] if args.server_nice else []
    server = subprocess.Popen(
        [*niced, *command, "--workers", str(args.workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=server_log,
    )  # fmt: skip
    try:
        wait_ready(base, server)
        print(f"codesuggest serve --workers {args.workers}; {len(notes.texts)} notes; "
              f"{os.cpu_count()} cores")  # fmt: skip
        asyncio.run(run(base, key, notes, args))
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
