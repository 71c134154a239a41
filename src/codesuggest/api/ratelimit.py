"""Per-key rate limits: a moving window per API key, in memory or in Redis.

Limits are written ``COUNT/second|minute|hour`` (``600/minute``). A key may carry its own limit;
otherwise the ``rate_limit`` setting applies. With ``memory://`` each server process counts on its
own, in :class:`MovingWindows` (no thread, no lock: it runs on the event loop; the ``limits``
package's memory storage starts a timer thread every few milliseconds, and under load the loop
waited for each to start); ``redis://HOST:PORT`` shares the counters between processes and hosts
through ``limits``.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from functools import lru_cache

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.concurrency import run_in_threadpool

from codesuggest.errors import ConfigError


@lru_cache(maxsize=64)
def parse_limit(text: str) -> RateLimitItem:
    """``600/minute`` as a limit; :class:`ConfigError` when it cannot be read."""
    try:
        return parse(text)
    except ValueError as exc:
        raise ConfigError(f"invalid rate limit {text!r}: use COUNT/second|minute|hour") from exc


class MovingWindows:
    """Per key, the times of the requests counted in the last window: a request is allowed
    while fewer than the limit's count fall in it. One process's own counts, kept in memory."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._hits: dict[tuple[str, int, int], deque[float]] = {}

    def hit(self, item: RateLimitItem, key_name: str) -> float | None:
        """Count one request; ``None`` when allowed, else seconds until one more is."""
        window = float(item.get_expiry())
        now = self._clock()
        times = self._hits.setdefault((key_name, item.amount, int(window)), deque())
        while times and times[0] <= now - window:
            times.popleft()
        if len(times) < item.amount:
            times.append(now)
            return None
        return times[0] + window - now


class RateLimiter:
    """Counts requests per key name and says how long to wait when one is over its limit."""

    def __init__(self, storage_uri: str, default: str) -> None:
        self.default = parse_limit(default)
        self.in_memory = storage_uri.startswith("memory://")
        self._windows = MovingWindows()
        self._limiter: MovingWindowRateLimiter | None = None
        if self.in_memory:
            return
        try:
            self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        except Exception as exc:  # limits raises several kinds for a bad or unusable URI
            raise ConfigError(f"unusable rate-limit storage {storage_uri!r}: {exc}") from exc

    async def hit_async(self, key_name: str, limit: str | None = None) -> float | None:
        """:meth:`hit` from the event loop: in memory at once, in Redis on a thread."""
        if self.in_memory:
            return self.hit(key_name, limit)
        return await run_in_threadpool(self.hit, key_name, limit)

    def hit(self, key_name: str, limit: str | None = None) -> float | None:
        """Count one request; ``None`` when allowed, else seconds until the next is allowed."""
        item = parse_limit(limit) if limit else self.default
        if self._limiter is None:
            wait = self._windows.hit(item, key_name)
            return None if wait is None else max(1.0, math.ceil(wait))
        if self._limiter.hit(item, "api-key", key_name):
            return None
        reset = self._limiter.get_window_stats(item, "api-key", key_name).reset_time
        return max(1.0, math.ceil(reset - time.time()))
