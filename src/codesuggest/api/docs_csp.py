"""A Content-Security-Policy for the API's own documentation pages (``/docs``, ``/redoc``).

Their HTML comes from the docs package with an inline script that starts Swagger UI, so the
review page's policy (codesuggest.api.routes.page) would stop it. Each docs page's inline
scripts are allowed by their sha256, computed from the page as served; everything else loads
only from this server (scripts and styles under ``/static-offline-docs``). The viewers inject
styles at run time (``'unsafe-inline'`` for styles only) and draw icons from ``data:`` images.
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DOCS_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)
_POLICY = (
    "default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def docs_policy(html: bytes) -> str:
    """The policy for one docs page: its inline scripts allowed by hash, nothing else inline."""
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
        for body in _INLINE_SCRIPT.findall(html)
    )
    return _POLICY.format(hashes=hashes)


class DocsSecurityHeaders:
    """Add the docs policy (and ``nosniff``, ``no-referrer``) to the docs pages' responses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in DOCS_PATHS:
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body = bytearray()

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            headers = MutableHeaders(scope=start)
            headers["Content-Security-Policy"] = docs_policy(bytes(body))
            headers["X-Content-Type-Options"] = "nosniff"
            headers["Referrer-Policy"] = "no-referrer"
            await send(start)
            await send({"type": "http.response.body", "body": bytes(body)})

        await self.app(scope, receive, buffered)
