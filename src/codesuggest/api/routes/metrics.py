"""``GET /metrics``: Prometheus text format, for admin keys (a scraper sends its key)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from codesuggest.api.auth import require
from codesuggest.api.metrics import Metrics
from codesuggest.api.schemas import error_responses
from codesuggest.store.records import ApiKey

router = APIRouter(tags=["metrics"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus metrics"},
        **error_responses({403: "Only admin keys may read metrics"}, common=(401, 429, 503)),
    },
)
def metrics(request: Request, key: Annotated[ApiKey, Depends(require("admin"))]) -> Response:
    """Request counts and latency by route, suggestions served, decisions stored."""
    registry: Metrics = request.app.state.metrics
    return Response(generate_latest(registry.registry), media_type=CONTENT_TYPE_LATEST)
