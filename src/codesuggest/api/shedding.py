"""Load shedding at the door: refuse what cannot be served in time before paying for it.

When this process's engine queue already holds more work than it can start within its wait
budget, a request for suggestions is answered 503 with ``Retry-After`` at once, before its
body is read, its JSON parsed or its key looked up: under overload the cheap answer is what
keeps every client answered within a second. Any request beyond ``max_in_flight`` in progress
in the process is refused the same way (the health checks excepted, so a balancer still sees
the process alive and busy rather than dead).
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from codesuggest.api.engine_queue import EngineQueue

SUGGEST_PATHS = frozenset({"/v1/suggest", "/v1/suggest:batch"})
EXEMPT_PREFIX = "/health/"


class LoadShedding:
    """Count requests in progress; refuse at once when the process cannot take more."""

    def __init__(self, app: ASGIApp, max_in_flight: int) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.in_flight = 0
        self.refused = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT_PREFIX):
            await self.app(scope, receive, send)
            return
        retry_after = self._refusal(scope)
        if retry_after is not None:
            self.refused += 1
            answer = JSONResponse(
                {"detail": "server busy: retry after the time Retry-After gives"},
                status_code=503,
                headers={"Retry-After": str(retry_after)},
            )
            await answer(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1

    def _refusal(self, scope: Scope) -> int | None:
        """Seconds to wait before retrying, or ``None`` to let the request in."""
        if self.in_flight >= self.max_in_flight:
            return 1
        if scope["method"] == "POST" and scope["path"] in SUGGEST_PATHS:
            queue: EngineQueue = scope["app"].state.engine_queue
            return queue.busy()
        return None
