"""codesuggest.api.refusal_hold: a 429 is held a moment, never past Retry-After, boundedly."""

from __future__ import annotations

import asyncio
import time

import pytest
from fastapi.testclient import TestClient

from codesuggest.api.main import create_app
from codesuggest.api.refusal_hold import RefusalHold
from codesuggest.engine import Engine
from codesuggest.settings import get_settings
from codesuggest.store import Store
from tests.api.conftest import bearer


def test_a_refusal_is_held_within_its_retry_after() -> None:
    hold = RefusalHold(seconds=5.0)

    async def held() -> float:
        started = time.monotonic()
        await hold.hold(at_most=0.2)
        return time.monotonic() - started

    assert asyncio.run(held()) >= 0.2  # held, but not the 5 s: Retry-After said 0.2
    assert (hold.total, hold.held) == (1, 0)


def test_beyond_the_bound_refusals_go_at_once() -> None:
    hold = RefusalHold(seconds=60.0, most_held=2)

    async def three() -> tuple[int, int]:
        waiting = [asyncio.create_task(hold.hold(at_most=60.0)) for _ in range(2)]
        await asyncio.sleep(0)  # both are held now
        held_then = hold.held
        await hold.hold(at_most=60.0)  # the third: at once
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        return held_then, hold.held

    assert asyncio.run(three()) == (2, 0)
    assert hold.total == 2


def test_off_when_zero() -> None:
    hold = RefusalHold(seconds=0.0)
    asyncio.run(hold.hold(at_most=10.0))
    assert hold.total == 0


def test_the_api_holds_a_429(engine: Engine, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODESUGGEST_RATE_LIMIT", "1/minute")
    monkeypatch.setenv("CODESUGGEST_RATE_LIMIT_HOLD_MS", "300")
    get_settings.cache_clear()
    _, key = store.create_key("busy", "coder")
    app = create_app(engine, store)
    with TestClient(app) as client:
        assert client.get("/v1/me", headers=bearer(key)).status_code == 200
        refused = client.get("/v1/me", headers=bearer(key))
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert app.state.refusal_hold.total == 1
