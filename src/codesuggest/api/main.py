"""Build the FastAPI app: routers, middleware (body size, metrics) and the error handlers."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline

from codesuggest.api.auth import KeyCache
from codesuggest.api.deps import get_engine_of, get_store_of, lifespan
from codesuggest.api.docs_csp import DocsSecurityHeaders
from codesuggest.api.engine_queue import EngineQueue
from codesuggest.api.limits import BodySizeLimit
from codesuggest.api.loop_priority import LoopHeartbeat
from codesuggest.api.metrics import Metrics, MetricsMiddleware
from codesuggest.api.ratelimit import RateLimiter
from codesuggest.api.refusal_hold import RefusalHold
from codesuggest.api.routes import (
    codes,
    codesets,
    feedback,
    health,
    me,
    metrics,
    models,
    page,
    suggest,
    vocabulary,
)
from codesuggest.api.run_recorder import RunRecorder
from codesuggest.api.shedding import LoadShedding
from codesuggest.engine import Engine
from codesuggest.errors import (
    CodeSetError,
    CodeSuggestError,
    IdempotencyConflictError,
    InputError,
    ModelError,
    ModelNotFoundError,
    NoteTooLargeError,
    OverloadedError,
    StoreError,
)
from codesuggest.settings import get_settings
from codesuggest.store import Store
from codesuggest.text_policy import log_safe

log = logging.getLogger(__name__)

# Most specific first: the first matching class gives the status.
STATUS: tuple[tuple[type[CodeSuggestError], int], ...] = (
    (NoteTooLargeError, 413),
    (InputError, 422),
    (CodeSetError, 404),
    (ModelNotFoundError, 404),
    (ModelError, 503),
    (IdempotencyConflictError, 409),
    (OverloadedError, 503),
    (StoreError, 503),
)


def create_app(
    engine: Engine | None = None, store: Store | None = None, store_url: str | None = None
) -> FastAPI:
    """The API around ``engine`` and ``store``; those not given are opened at start-up.

    Without an engine the configured model is loaded; without a store the database at
    ``store_url`` (default: ``CODESUGGEST_DATABASE_URL``, else SQLite under
    ``CODESUGGEST_HOME``) is opened and migrated, at start-up or, while it cannot be reached,
    on a later request.
    """
    settings = get_settings()
    # /docs and /redoc with their scripts served from here: no CDN on a locked-down network
    app = FastAPIOffline(
        title="codesuggest",
        summary="Ranked ICD-10-CM suggestions with evidence for clinical notes.",
        version=_version(),
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.serving = False  # True in `codesuggest serve`: warm the code search at start
    app.state.follow_models = False  # True: serve whichever model is promoted (model_follow)
    app.state.engine_error = None
    app.state.store = store
    app.state.owns_store = store is None
    app.state.store_url = store_url if store_url is not None else settings.store_url
    app.state.key_cache = KeyCache()
    app.state.rate_limiter = RateLimiter(settings.rate_limit_storage, settings.rate_limit)
    app.state.refusal_hold = RefusalHold(settings.rate_limit_hold_ms / 1000)
    app.state.metrics = Metrics()
    app.state.heartbeat = LoopHeartbeat()
    app.state.engine_queue = EngineQueue(
        lambda: get_engine_of(app),
        max_wait=settings.queue_max_wait_ms / 1000,
        max_notes=settings.queue_max_notes,
        window=settings.batch_window_ms / 1000,
        batch_notes=settings.engine_batch_notes,
        give_way=app.state.heartbeat.give_way,
    )
    app.state.run_recorder = RunRecorder(
        lambda: get_store_of(app),
        max_pending=settings.run_queue_max,
        on_drop=app.state.metrics.runs_dropped.inc,
    )
    for module in (
        health,
        suggest,
        feedback,
        codes,
        codesets,
        models,
        me,
        vocabulary,
        metrics,
        page,
    ):
        app.include_router(module.router)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes())
    app.add_middleware(DocsSecurityHeaders)
    app.add_middleware(LoadShedding, max_in_flight=settings.max_in_flight)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.add_exception_handler(CodeSuggestError, _domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected_error)
    return app


def max_body_bytes() -> int:
    """Largest request body accepted: room for a maximal note in JSON, plus 64 KiB."""
    return get_settings().max_note_chars * 4 + 64 * 1024


async def _domain_error(request: Request, exc: CodeSuggestError) -> JSONResponse:
    status = next((code for cls, code in STATUS if isinstance(exc, cls)), 500)
    if isinstance(exc, OverloadedError):  # load shed on purpose: a warning, not a failure
        log.warning("%s %s refused: %s", request.method, log_safe(request.url.path), exc)
        shed = {"Retry-After": str(exc.retry_after)}
        return JSONResponse({"detail": str(exc)}, status_code=status, headers=shed)
    if status >= 500:
        log.error(
            "%s %s failed: %s: %s",
            request.method,
            log_safe(request.url.path),
            type(exc).__name__,
            log_safe(exc),
        )
        detail = "internal error"
        if isinstance(exc, ModelError):
            detail = "model not available"
        elif isinstance(exc, StoreError):
            detail = "database unavailable; retry later (with the same Idempotency-Key)"
        headers = {"Retry-After": "1"} if status == 503 else None
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    return JSONResponse({"detail": str(exc)}, status_code=status)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    # Drop "input" and "ctx": they can echo note text back and into proxies' logs.
    errors = [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]
    return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("%s %s failed", request.method, log_safe(request.url.path))
    return JSONResponse({"detail": "internal error"}, status_code=500)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("codesuggest")
    except PackageNotFoundError:
        return "0.0.0"
