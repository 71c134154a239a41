"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from codesuggest.api.deps import get_store
from codesuggest.api.schemas import ErrorResponse, LiveResponse, ModelOut, ReadyResponse
from codesuggest.errors import StoreError

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live")
def live() -> LiveResponse:
    """Always 200 while the process serves requests."""
    return LiveResponse()


@router.get("/ready", response_model=ReadyResponse, responses={503: {"model": ErrorResponse}})
async def ready(request: Request) -> ReadyResponse | JSONResponse:
    """200 with the model name and version once the engine is loaded and the database answers;
    else 503 with the reason."""
    engine = request.app.state.engine
    if engine is None:
        reason = (
            "model not loaded" if request.app.state.engine_error is None else "model failed to load"
        )
        return JSONResponse({"detail": reason}, status_code=503)
    try:
        store = await run_in_threadpool(get_store, request)
        await run_in_threadpool(store.ping)
    except StoreError:
        return JSONResponse({"detail": "database unavailable"}, status_code=503)
    return ReadyResponse(model=ModelOut(name=engine.info.name, version=engine.info.version))
