"""codesuggest.api.loop_priority: the engine thread waits while the event loop is late."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest

from codesuggest.api.engine_queue import EngineQueue
from codesuggest.api.loop_priority import LoopHeartbeat
from codesuggest.engine import Engine
from tests.api.test_engine_queue import RESULT_TIMEOUT_S, notes


@pytest.fixture
def beating() -> Iterator[tuple[asyncio.AbstractEventLoop, LoopHeartbeat]]:
    """An event loop running in its own thread, with a heartbeat on it."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    heartbeat = LoopHeartbeat(most=30.0)
    loop.call_soon_threadsafe(heartbeat.start)
    deadline = time.monotonic() + RESULT_TIMEOUT_S
    while heartbeat._timer is None and time.monotonic() < deadline:
        time.sleep(0.001)
    yield loop, heartbeat
    loop.call_soon_threadsafe(heartbeat.stop)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(RESULT_TIMEOUT_S)
    loop.close()


def test_an_idle_loop_is_not_waited_for() -> None:
    heartbeat = LoopHeartbeat()
    assert not heartbeat.lagging()  # not started: nothing to wait for
    heartbeat.give_way()
    assert heartbeat.gave_way_s == 0.0


def test_the_engine_waits_until_a_busy_loop_beats_again(
    beating: tuple[asyncio.AbstractEventLoop, LoopHeartbeat],
) -> None:
    loop, heartbeat = beating
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    def busy() -> None:  # the loop is held by work of its own until the test lets it go
        started.set()
        release.wait(RESULT_TIMEOUT_S)
        finished.set()

    loop.call_soon_threadsafe(busy)
    assert started.wait(RESULT_TIMEOUT_S)
    time.sleep(0.05)  # the beat is now late, however slowly this thread was scheduled
    assert heartbeat.lagging()
    letting_go = threading.Timer(0.1, release.set)
    letting_go.start()
    heartbeat.give_way()
    letting_go.join(RESULT_TIMEOUT_S)
    assert finished.is_set()  # gave way until the loop was free and beat again
    assert heartbeat.gave_way_s > 0


def test_the_engine_queue_gives_way_between_notes(engine: Engine) -> None:
    calls: list[int] = []
    queue = EngineQueue(
        lambda: engine,
        max_wait=60.0,
        max_notes=1000,
        window=0.0,
        batch_notes=16,
        give_way=lambda: calls.append(1),
    )
    try:
        payloads = queue.submit(notes(5)).result(RESULT_TIMEOUT_S)
    finally:
        queue.close()
    assert len(payloads) == 5
    assert len(calls) == 5
