"""The rate limiter itself: limits parsed once, counters in memory or shared through Redis."""

from __future__ import annotations

import secrets
import threading

import pytest

from codesuggest.api.ratelimit import MovingWindows, RateLimiter, parse_limit
from codesuggest.errors import ConfigError

REDIS = "redis://127.0.0.1:6379"


def test_memory_limiter_counts_each_key_on_its_own() -> None:
    limiter = RateLimiter("memory://", "2/minute")
    assert [limiter.hit("a"), limiter.hit("a"), limiter.hit("b")] == [None, None, None]
    wait = limiter.hit("a")
    assert wait is not None
    assert 1 <= wait <= 60


def test_the_window_moves_with_time() -> None:
    now = [1000.0]
    windows = MovingWindows(clock=lambda: now[0])
    limit = parse_limit("3/minute")
    for at in (0.0, 10.0, 20.0):
        now[0] = 1000.0 + at
        assert windows.hit(limit, "k") is None
    now[0] = 1030.0
    assert windows.hit(limit, "k") == pytest.approx(30.0)  # until the first leaves the window
    now[0] = 1060.0  # the first has left: one more is allowed, and only one
    assert windows.hit(limit, "k") is None
    assert windows.hit(limit, "k") == pytest.approx(10.0)
    assert windows.hit(parse_limit("3/hour"), "k") is None  # another limit counts on its own


def test_memory_counting_starts_no_thread() -> None:
    """It runs on the event loop: no timer thread per request to wait for."""
    limiter = RateLimiter("memory://", "5/second")
    before = threading.active_count()
    for _ in range(200):
        limiter.hit("busy")
    assert threading.active_count() == before


def test_a_key_limit_overrides_the_default() -> None:
    limiter = RateLimiter("memory://", "1/minute")
    assert [limiter.hit("k", "3/hour") for _ in range(4)][-1] is not None
    assert limiter.hit("k", "3/hour") is not None


@pytest.mark.parametrize("text", ["lots", "10/fortnight", ""])
def test_bad_limit_is_config_error(text: str) -> None:
    with pytest.raises(ConfigError, match="invalid rate limit"):
        parse_limit(text)


def test_bad_storage_is_config_error() -> None:
    with pytest.raises(ConfigError, match="unusable rate-limit storage"):
        RateLimiter("carrier-pigeon://coop", "1/minute")


def test_redis_counters_are_shared_between_limiters() -> None:
    pytest.importorskip("redis", reason="the redis package is not installed")
    try:
        first = RateLimiter(REDIS, "2/minute")
        name = f"test-{secrets.token_hex(6)}"
        first.hit(name)
    except Exception as exc:  # the limits package raises redis' own errors
        pytest.skip(f"Redis not reachable at {REDIS} ({type(exc).__name__}): shared limits not run")
    second = RateLimiter(REDIS, "2/minute")  # as another server process would
    assert second.hit(name) is None
    assert first.hit(name) is not None
    assert second.hit(name) is not None
