"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from codesuggest.api.schemas import ErrorResponse, LiveResponse, ModelOut, ReadyResponse

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live")
def live() -> LiveResponse:
    """Always 200 while the process serves requests."""
    return LiveResponse()


@router.get("/ready", response_model=ReadyResponse, responses={503: {"model": ErrorResponse}})
def ready(request: Request) -> ReadyResponse | JSONResponse:
    """200 with the model name and version once the engine is loaded, else 503."""
    engine = request.app.state.engine
    if engine is None:
        reason = (
            "model not loaded" if request.app.state.engine_error is None else "model failed to load"
        )
        return JSONResponse({"detail": reason}, status_code=503)
    return ReadyResponse(model=ModelOut(name=engine.info.name, version=engine.info.version))
