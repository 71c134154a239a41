"""Dependencies: the engine and the store, opened once at start-up and kept on ``app.state``."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Query, Request
from starlette.concurrency import run_in_threadpool

from codesuggest.codesets.systems import SYSTEMS, plain, system_filter
from codesuggest.engine import Engine
from codesuggest.errors import CatalogError, ModelError, StoreUnavailableError
from codesuggest.store import Store

log = logging.getLogger(__name__)
_store_lock = threading.Lock()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Load the engine and open the store unless given; failures leave the app unready.

    A store that cannot be reached at start-up is opened again on the first request that
    needs it, so the service recovers when the database comes back without a restart.
    """
    app.state.engine_queue.open()
    app.state.heartbeat.start()
    app.state.run_recorder.open()
    if app.state.engine is None:
        try:
            app.state.engine = await run_in_threadpool(Engine.load)
        except (ModelError, CatalogError) as exc:
            app.state.engine_error = str(exc)
            log.error("model not loaded: %s", exc)
    if app.state.store is None:
        try:
            app.state.store = await run_in_threadpool(Store.open, app.state.store_url)
        except StoreUnavailableError as exc:
            log.error("store not opened: %s", exc)
    follower = None
    if app.state.serving:  # a process of `codesuggest serve`
        from codesuggest.api.heap import settle_served_heap
        from codesuggest.api.model_follow import ModelFollower
        from codesuggest.codesets.search import warm_code_search
        from codesuggest.codesets.search_pcs import warm_pcs_search

        if app.state.engine is not None:
            engine = app.state.engine
            settle_served_heap()
            warm_code_search(engine.codeset, engine.learned)
            warm_pcs_search()
        if app.state.follow_models:
            follower = ModelFollower(app).start()
    try:
        yield
    finally:
        if follower is not None:
            follower.stop()
        app.state.engine_queue.close()
        app.state.heartbeat.stop()
        await run_in_threadpool(app.state.run_recorder.close)
        if app.state.owns_store and app.state.store is not None:
            app.state.store.close()
            app.state.store = None


async def get_engine(request: Request) -> Engine:
    """The loaded engine, or a 503 (via ``ModelError``) while there is none (on the event
    loop: a dependency as cheap as this is not worth a thread)."""
    return get_engine_of(request.app)


def get_engine_of(app: FastAPI) -> Engine:
    """``app``'s engine now (a promotion replaces it), or ``ModelError`` while there is none."""
    engine: Engine | None = app.state.engine
    if engine is None:
        raise ModelError("model not loaded")
    return engine


def get_store(request: Request) -> Store:
    """The open store; opened now if start-up could not; 503 while the database is down."""
    return get_store_of(request.app)


def get_store_of(app: FastAPI) -> Store:
    """``app``'s open store, opened now if it was not (``StoreUnavailableError`` while the
    database is down)."""
    store: Store | None = app.state.store
    if store is not None:
        return store
    with _store_lock:
        if app.state.store is None:
            app.state.store = Store.open(app.state.store_url)
        opened: Store = app.state.store
    return opened


EngineDep = Annotated[Engine, Depends(get_engine)]
StoreDep = Annotated[Store, Depends(get_store)]


# a system as the API reads it: its name, or its short name (icd10cm); several comma-separated
_SYSTEM_NAME = "|".join([*SYSTEMS, *(plain(s) for s in SYSTEMS)])
SYSTEM_PATTERN = f"^({_SYSTEM_NAME})(,({_SYSTEM_NAME}))*$"


async def _systems(
    system: Annotated[
        list[Annotated[str, Query(pattern=SYSTEM_PATTERN)]] | None,
        Query(
            max_length=len(SYSTEMS),
            description=(
                "Only codes of these systems: ICD-10-CM, ICD-10-PCS, CPT, HCPCS (or icd10cm, "
                "icd10pcs, cpt, hcpcs); repeat the parameter or separate systems with commas. "
                "Default: every system."
            ),
        ),
    ] = None,
) -> frozenset[str] | None:
    return system_filter(system)


SystemsDep = Annotated[frozenset[str] | None, Depends(_systems)]
