"""The event loop before the engine: the engine thread steps aside while the loop is late.

A server process runs its event loop (accepting connections, reading requests, refusing what
cannot be served in time, writing answers) and its engine thread (ranking notes) under one
interpreter lock. A thread that computes keeps the lock for the whole switch interval, and the
loop gets it back only after each socket call it makes, so under load the loop crawled: new
connections waited in the kernel's queue, unseen by admission control, for seconds. Answering
(or refusing) a request costs the loop well under a millisecond; ranking a note costs the engine
about ten. So the loop comes first: it beats every ``period`` seconds, and between steps of its
work the engine thread waits while the last beat is older than ``late`` (the loop has work and
cannot get the lock), up to ``most`` seconds at a time so ranking always moves on.
"""

from __future__ import annotations

import asyncio
import sys
import time

SWITCH_INTERVAL_S = 0.001  # Python's default, 0.005, makes the loop wait 5 ms after each call


def prefer_the_loop() -> None:
    """In a server process: hand the interpreter lock over sooner, so the loop waits for it
    one millisecond, not five, each time the engine thread holds it."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)


class LoopHeartbeat:
    """The loop's pulse (:meth:`start` on the loop) and the engine's courtesy (:meth:`give_way`)."""

    def __init__(self, period: float = 0.002, late: float = 0.01, most: float = 0.2) -> None:
        self.period = period
        self.late = late
        self.most = most
        self._last = time.monotonic()
        self._timer: asyncio.TimerHandle | None = None
        self.gave_way_s = 0.0  # seconds the engine has waited for the loop, for /metrics

    def start(self) -> None:
        """Beat on the running loop until :meth:`stop`."""
        self._beat()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def lagging(self) -> bool:
        return self._timer is not None and time.monotonic() - self._last > self.late

    def give_way(self) -> None:
        """Called by the engine thread between steps: wait while the loop is late."""
        if not self.lagging():
            return
        started = time.monotonic()
        deadline = started + self.most
        while self.lagging() and time.monotonic() < deadline:
            time.sleep(0.001)  # releases the lock: the loop runs
        self.gave_way_s += time.monotonic() - started

    def _beat(self) -> None:
        self._last = time.monotonic()
        self._timer = asyncio.get_running_loop().call_later(self.period, self._beat)
