"""Dependencies: the engine, loaded once at start-up and kept on ``app.state``."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from starlette.concurrency import run_in_threadpool

from codesuggest.engine import Engine
from codesuggest.errors import ModelError

log = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Load the configured engine unless one was given; a load failure leaves the app unready."""
    if app.state.engine is None:
        try:
            app.state.engine = await run_in_threadpool(Engine.load)
        except ModelError as exc:
            app.state.engine_error = str(exc)
            log.error("model not loaded: %s", exc)
    yield


def get_engine(request: Request) -> Engine:
    """The loaded engine, or a 503 (via ``ModelError``) while there is none."""
    engine: Engine | None = request.app.state.engine
    if engine is None:
        raise ModelError("model not loaded")
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]
