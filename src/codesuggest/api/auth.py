"""API-key authentication, roles and per-key rate limits, as FastAPI dependencies.

``Authorization: Bearer KEY`` on every endpoint but the health probes and the review page's
static files. An unknown, revoked or missing key is 401; a key whose role may not use the
endpoint is 403; a key over its rate limit is 429 with ``Retry-After``.

Keys are checked against the store (where only their sha256 is kept) and remembered for
``KEY_CACHE_SECONDS``, so a revoked key stops working within that time on every process.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from codesuggest.api.deps import get_store
from codesuggest.api.ratelimit import RateLimiter
from codesuggest.api.refusal_hold import RefusalHold
from codesuggest.store.records import ApiKey, Role

KEY_CACHE_SECONDS = 30.0
_CACHE_SIZE = 10_000

bearer = HTTPBearer(
    auto_error=False,
    description="An API key from `codesuggest keys create --role ROLE --name NAME`.",
)

ANY_ROLE: tuple[Role, ...] = ("coder", "auditor", "trainer", "admin")


class KeyCache:
    """Recently authenticated keys by the sha256 of the presented token (never the token)."""

    def __init__(
        self, ttl: float = KEY_CACHE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self._clock = clock
        self._entries: dict[str, tuple[float, ApiKey]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> ApiKey | None:
        with self._lock:
            hit = self._entries.get(digest)
            if hit is None:
                return None
            if hit[0] < self._clock():
                del self._entries[digest]
                return None
            return hit[1]

    def put(self, digest: str, key: ApiKey) -> None:
        with self._lock:
            if len(self._entries) >= _CACHE_SIZE:
                self._entries.clear()
            self._entries[digest] = (self._clock() + self.ttl, key)


def _unauthorized(reason: str) -> HTTPException:
    return HTTPException(401, reason, headers={"WWW-Authenticate": "Bearer"})


async def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> ApiKey:
    """The caller's API key; 401 when missing or not valid. On the event loop: a known key
    costs a dictionary lookup; only an unknown one is looked up in the store, on a thread."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("missing API key: send Authorization: Bearer KEY")
    token = credentials.credentials
    if not token or len(token) > 200:
        raise _unauthorized("invalid API key")
    cache: KeyCache = request.app.state.key_cache
    digest = hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
    key = cache.get(digest)
    if key is None:
        key = await run_in_threadpool(_look_up, request, token)
        if key is None or not key.active:
            raise _unauthorized("invalid API key")
        cache.put(digest, key)
    request.state.api_key = key
    return key


def _look_up(request: Request, token: str) -> ApiKey | None:
    return get_store(request).authenticate(token)


def require(*roles: Role) -> Callable[..., Awaitable[ApiKey]]:
    """A dependency that admits keys with one of ``roles`` and counts them against their limit;
    a 429 is held a moment first (codesuggest.api.refusal_hold)."""
    allowed = frozenset(roles)

    async def check(request: Request, key: Annotated[ApiKey, Depends(authenticate)]) -> ApiKey:
        if key.role not in allowed:
            raise HTTPException(
                403, f"role {key.role!r} may not do this (needs {' or '.join(sorted(allowed))})"
            )
        limiter: RateLimiter = request.app.state.rate_limiter
        wait = await limiter.hit_async(key.name, key.rate_limit)
        if wait is not None:
            hold: RefusalHold = request.app.state.refusal_hold
            await hold.hold(wait)
            raise HTTPException(
                429, "too many requests for this API key", headers={"Retry-After": f"{wait:.0f}"}
            )
        return key

    check.__name__ = f"require_{'_'.join(sorted(allowed))}"
    return check


AnyKey = Annotated[ApiKey, Depends(require(*ANY_ROLE))]
"""Any valid key, counted against its rate limit."""
