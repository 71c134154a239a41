"""``POST /v1/suggest``: ranked codes with evidence for one note."""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Annotated

from fastapi import APIRouter, Query

from codesuggest.api.deps import EngineDep
from codesuggest.api.schemas import ErrorResponse, SuggestRequest, SuggestResponse
from codesuggest.errors import NoteTooLargeError
from codesuggest.settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["suggest"])

ERRORS: dict[int | str, dict[str, object]] = {
    413: {"model": ErrorResponse, "description": "Note or request body too large"},
    422: {"model": ErrorResponse, "description": "Invalid request"},
    503: {"model": ErrorResponse, "description": "Model not loaded"},
}


@router.post("/suggest", responses=ERRORS)
def suggest(
    body: SuggestRequest,
    engine: EngineDep,
    top: Annotated[int | None, Query(ge=1, le=200, description="Suggestions to return.")] = None,
) -> SuggestResponse:
    """Suggest codes for one note. A plain ``def``: FastAPI runs it in its threadpool."""
    limit = get_settings().max_note_chars
    if len(body.text) > limit:
        raise NoteTooLargeError(len(body.text), limit)
    started = time.perf_counter()
    result = engine.suggest(body.to_note(), top=top)
    log.info(
        "suggest note_id=%s sha256=%s chars=%d suggestions=%d ms=%.1f",
        body.note_id,
        text_digest(body.text),
        len(body.text),
        len(result.suggestions),
        (time.perf_counter() - started) * 1000,
    )
    return SuggestResponse.model_validate(result.to_dict())


def text_digest(text: str) -> str:
    """A short sha256 prefix of the note text: enough to match logs, never the text itself."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
