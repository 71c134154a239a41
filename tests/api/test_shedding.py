"""codesuggest.api.shedding: refusals at the door, before a body is read or a key looked up."""

from __future__ import annotations

import asyncio
import threading

import httpx
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from codesuggest.api.main import create_app
from codesuggest.api.shedding import LoadShedding
from codesuggest.engine import Engine
from codesuggest.store import Store
from tests.api.test_engine_queue import RESULT_TIMEOUT_S, Gate, notes, queue


def test_a_suggestion_is_refused_before_its_key_is_read_while_the_queue_is_over_budget(
    engine: Engine, store: Store, keys: dict[str, str]
) -> None:
    app = create_app(engine, store)
    gate = Gate(engine)
    app.state.engine_queue = queue(gate, max_wait=0.01)  # one held note (0.05 s) is over it
    with TestClient(app) as client:
        held = app.state.engine_queue.submit(notes(1))
        assert gate.waiting.wait(RESULT_TIMEOUT_S)
        # no key at all: the answer is about capacity, given before authentication
        refused = client.post("/v1/suggest", json={"note_id": "a", "text": "hypertension"})
        batch = client.post("/v1/suggest:batch", json={"notes": []})
        ready = client.get("/health/live")
        other = client.get("/v1/me")
        gate.open.set()
        assert len(held.result(RESULT_TIMEOUT_S)) == 1
    for answer in (refused, batch):
        assert answer.status_code == 503
        assert int(answer.headers["Retry-After"]) >= 1
        assert "busy" in answer.json()["detail"]
    assert ready.status_code == 200  # health checks always pass the door
    assert other.status_code == 401  # other routes are not held back by the engine's queue


def test_requests_beyond_max_in_flight_are_refused_and_counted() -> None:
    release = asyncio.Event()
    started = threading.Event()

    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        started.set()
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    door = LoadShedding(slow, max_in_flight=1)

    async def scenario() -> tuple[int, int, int]:
        transport = httpx.ASGITransport(app=door)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            first = asyncio.create_task(client.get("/v1/codes"))
            while not started.is_set():
                await asyncio.sleep(0.01)
            second = await client.get("/v1/codes")
            health = asyncio.create_task(client.get("/health/live"))
            await asyncio.sleep(0.01)
            release.set()
            return (await first).status_code, second.status_code, (await health).status_code

    assert asyncio.run(scenario()) == (200, 503, 200)
    assert door.refused == 1
    assert door.in_flight == 0
