"""A guard that rejects request bodies over a byte limit with 413 before anything parses them."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodySizeLimit:
    """Reject bodies over ``max_bytes``: by Content-Length up front, else by counting chunks."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared == -1:
            await JSONResponse({"detail": "invalid Content-Length"}, 400)(scope, receive, send)
            return
        if declared is not None and declared > self.max_bytes:
            await JSONResponse({"detail": self._reason()}, 413)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Raised inside the route's body read; FastAPI turns it into the response.
                    raise HTTPException(413, self._reason())
            return message

        await self.app(scope, counted, send)

    def _reason(self) -> str:
        return f"request body is larger than {self.max_bytes:,} bytes"


def _content_length(scope: Scope) -> int | None:
    """The declared body length; ``None`` when absent, ``-1`` when malformed."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                return -1
            return length if length >= 0 else -1
    return None
