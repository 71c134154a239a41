"""``POST /v1/suggest`` and ``POST /v1/suggest:batch``: ranked codes with evidence for notes."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from codesuggest.api.auth import ANY_ROLE, require
from codesuggest.api.deps import EngineDep, SystemsDep
from codesuggest.api.engine_queue import EngineQueue
from codesuggest.api.metrics import Metrics
from codesuggest.api.run_recorder import RunRecorder
from codesuggest.api.schemas import (
    COMMON_ERRORS,
    SuggestBatchRequest,
    SuggestBatchResponse,
    SuggestRequest,
    SuggestResponse,
    error_responses,
)
from codesuggest.engine import Engine
from codesuggest.errors import NoteTooLargeError
from codesuggest.settings import get_settings
from codesuggest.store.records import ApiKey, RunInput
from codesuggest.store.runs import sha256_text
from codesuggest.store.schema import utcnow
from codesuggest.text_policy import log_safe

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["suggest"])

ERRORS = error_responses(
    {
        403: COMMON_ERRORS[403],
        413: "Note, batch or request body too large",
        503: "Model not loaded, or more work queued than the server can do in time (busy)",
    }
)

Top = Annotated[
    int | None,
    Query(
        ge=1,
        le=200,
        description=(
            "Suggestions per note (default: the server's default_top). Every recommended code is "
            "returned whatever this says, most confident first; the codes that are not "
            "recommended (below threshold, or withdrawn by a rule) follow, most confident first, "
            "until the result holds `top` codes. A result has max(top, recommended) codes, or "
            "fewer when the note has fewer candidates."
        ),
    ),
]
Caller = Annotated[ApiKey, Depends(require(*ANY_ROLE))]


@router.post("/suggest", responses=ERRORS)
async def suggest(
    key: Caller,
    body: SuggestRequest,
    engine: EngineDep,
    request: Request,
    systems: SystemsDep,
    top: Top = None,
) -> SuggestResponse:
    """Suggest codes for one note, ranked on the process's engine thread (with other requests
    waiting then); 503 with Retry-After at once when more is queued than it can do in time."""
    _check_size(body)
    started = time.perf_counter()
    [payload] = await _ranked(request, [body], top, systems)
    _served(request, engine, key, body, payload)
    log.info(
        "suggest key=%s note_id=%s sha256=%s chars=%d suggestions=%d ms=%.1f",
        key.name,
        log_safe(body.note_id),
        text_digest(body.text),
        len(body.text),
        len(payload["suggestions"]),
        (time.perf_counter() - started) * 1000,
    )
    return SuggestResponse.model_validate(payload)


@router.post("/suggest:batch", responses=ERRORS)
async def suggest_batch(
    key: Caller,
    body: SuggestBatchRequest,
    engine: EngineDep,
    request: Request,
    systems: SystemsDep,
    top: Top = None,
) -> SuggestBatchResponse:
    """Suggest codes for several notes at once (up to the ``batch_max_notes`` setting); admitted
    as one job of that many notes."""
    limit = get_settings().batch_max_notes
    if len(body.notes) > limit:
        raise NoteTooLargeError.batch(len(body.notes), limit)
    for note in body.notes:
        _check_size(note)
    started = time.perf_counter()
    payloads = await _ranked(request, body.notes, top, systems)
    for note, payload in zip(body.notes, payloads, strict=True):
        _served(request, engine, key, note, payload)
    log.info(
        "suggest:batch key=%s notes=%d chars=%d ms=%.1f",
        key.name,
        len(body.notes),
        sum(len(n.text) for n in body.notes),
        (time.perf_counter() - started) * 1000,
    )
    return SuggestBatchResponse(results=[SuggestResponse.model_validate(p) for p in payloads])


async def _ranked(
    request: Request,
    notes: list[SuggestRequest],
    top: int | None,
    systems: frozenset[str] | None = None,
) -> list[dict[str, Any]]:
    queue: EngineQueue = request.app.state.engine_queue
    return await asyncio.wrap_future(queue.submit([n.to_note() for n in notes], top, systems))


def _check_size(body: SuggestRequest) -> None:
    limit = get_settings().max_note_chars
    if len(body.text) > limit:
        raise NoteTooLargeError(len(body.text), limit)


def _served(
    request: Request, engine: Engine, key: ApiKey, body: SuggestRequest, payload: dict[str, Any]
) -> None:
    """Count what was served and queue it for the store (:mod:`~codesuggest.api.run_recorder`),
    so feedback can name the suggestion. The store never holds up the coder's answer."""
    metrics: Metrics = request.app.state.metrics
    metrics.notes.inc()
    for s in payload["suggestions"]:
        metrics.suggestions.labels(s["system"], str(s["recommended"]).lower()).inc()
    recorder: RunRecorder = request.app.state.run_recorder
    recorder.add(
        RunInput(
            note_id=body.note_id,
            text=body.text if get_settings().store_notes else None,
            text_sha256=sha256_text(body.text),
            model_name=engine.info.name,
            model_version=engine.info.version,
            actor=key,
            suggestions=payload["suggestions"],
            served_at=utcnow(),
        )
    )


def text_digest(text: str) -> str:
    """A short sha256 prefix of the note text: enough to match logs, never the text itself."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
