"""The coder's review page: ``/`` and its assets under ``/static/``, served without a key.

The page holds no data of its own; it calls the ``/v1`` API with the key the coder types in.
Every response carries a strict Content-Security-Policy (scripts, styles and requests only from
this origin) and ``Cache-Control: no-cache``, so a new release is picked up on the next load.
"""

from __future__ import annotations

import hashlib
import re
from importlib.resources import files

from fastapi import APIRouter, HTTPException, Request, Response

router = APIRouter(include_in_schema=False)

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# A plain file name: no folders, no dot-files, so nothing outside static/ can be named.
_NAME = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9]+)+")


@router.get("/")
def index(request: Request) -> Response:
    """The review page."""
    return _serve("index.html", request)


@router.get("/static/{name}")
def static(name: str, request: Request) -> Response:
    """One asset of the page (script, style sheet, icon)."""
    return _serve(name, request)


def _serve(name: str, request: Request) -> Response:
    media_type, body = _load(name)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {**HEADERS, "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _load(name: str) -> tuple[str, bytes]:
    """The asset's content type and bytes; 404 for anything that is not a known asset."""
    media_type = CONTENT_TYPES.get(name[name.rfind(".") :]) if "." in name else None
    resource = files("codesuggest.api").joinpath("static").joinpath(name)
    if media_type is None or not _NAME.fullmatch(name) or not resource.is_file():
        raise HTTPException(404, "not found")
    return media_type, resource.read_bytes()
