"""``POST /v1/feedback`` and ``GET /v1/feedback``: coders' decisions, never lost or doubled.

A decision is acknowledged (201) only after its transaction, audit event included, committed.
When the database is down the answer is 503 and nothing was written; the client retries with the
same ``Idempotency-Key`` and gets the one stored decision back (200) however often it retries.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, NoReturn

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field

from codesuggest.api.auth import ANY_ROLE, require
from codesuggest.api.deps import StoreDep
from codesuggest.api.metrics import Metrics
from codesuggest.api.schemas import (
    COMMON_ERRORS,
    FreeText,
    Identifier,
    ModelOut,
    NoteId,
    error_responses,
)
from codesuggest.codesets.systems import CM, SystemSpelling, system_name
from codesuggest.store.records import ApiKey, Decision, FeedbackInput, FeedbackRecord
from codesuggest.training.corpus_codes import CODE_SHAPES

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["feedback"])


ERRORS = error_responses(
    {
        403: "The key's role may not record decisions",
        409: "Idempotency-Key reused for another decision",
        413: COMMON_ERRORS[413],
        503: "Database unavailable: retry, same key",
    }
)


class FeedbackRequest(BaseModel):
    """A coder's decision on one code for one note."""

    model_config = ConfigDict(extra="forbid")

    note_id: NoteId = Field(min_length=1, max_length=200)
    code: Identifier = Field(min_length=3, max_length=10, examples=["E11.9"])
    system: SystemSpelling = Field(
        default="ICD-10-CM",
        description="As suggestions name it; icd10cm, icd10pcs, cpt, hcpcs are read as those.",
    )
    decision: Decision
    reason: FreeText | None = Field(default=None, max_length=1000)


class FeedbackOut(BaseModel):
    """A stored decision: who, under which model, on which suggestion."""

    id: int
    note_id: str
    code: str
    system: str
    decision: str
    reason: str | None
    actor: str
    model: ModelOut | None
    rank: int | None = Field(description="The code's rank in the last suggestions for the note.")
    confidence: float | None
    created_at: dt.datetime
    text_sha256: str | None = Field(
        default=None,
        description=(
            "sha256 (hex, of the UTF-8 text) of the note text whose suggestions the decision "
            "judged: the text of the note's latest suggestions when it was made; null when the "
            "note had no suggestions then. The review page restores a decision only for that text."
        ),
    )

    @classmethod
    def of(cls, record: FeedbackRecord) -> FeedbackOut:
        model = (
            ModelOut(name=record.model_name, version=record.model_version or "")
            if record.model_name
            else None
        )
        return cls(
            id=record.id,
            note_id=record.note_id,
            code=record.code,
            system=record.system,
            decision=record.decision,
            reason=record.reason,
            actor=record.actor,
            model=model,
            rank=record.rank,
            confidence=record.confidence,
            created_at=record.created_at,
            text_sha256=record.text_sha256,
        )


class FeedbackList(BaseModel):
    """The decisions stored for one note, oldest first (the latest per code is current)."""

    note_id: str
    items: list[FeedbackOut]


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Any unique string; a retry with the same key never stores a second copy.",
    ),
]


@router.post("/feedback", status_code=201, responses={**ERRORS, 200: {"model": FeedbackOut}})
def record_feedback(
    key: Annotated[ApiKey, Depends(require("coder", "auditor", "admin"))],
    body: FeedbackRequest,
    request: Request,
    response: Response,
    store: StoreDep,
    idempotency_key: IdempotencyKey = None,
) -> FeedbackOut:
    """Store a decision: 201 when new, 200 when replayed with the same ``Idempotency-Key``."""
    system = system_name(body.system)
    code = _checked_code(request, body.code, system)
    engine = request.app.state.engine
    # the run this process just served for the note, so the decision links to it
    request.app.state.run_recorder.flush()
    record, created = store.record_feedback(
        FeedbackInput(body.note_id, code, system, body.decision, body.reason),
        actor=key,
        model_name=engine.info.name if engine is not None else None,
        model_version=engine.info.version if engine is not None else None,
        idempotency_key=idempotency_key,
    )
    if created:
        metrics: Metrics = request.app.state.metrics
        metrics.decisions.labels(record.decision).inc()
    else:
        response.status_code = 200
    log.info(
        "feedback key=%s note_id=%s code=%s decision=%s id=%d new=%s",
        key.name,
        record.note_id,
        record.code,
        record.decision,
        record.id,
        created,
    )
    return FeedbackOut.of(record)


@router.get("/feedback", responses=ERRORS)
def list_feedback(
    key: Annotated[ApiKey, Depends(require(*ANY_ROLE))],
    store: StoreDep,
    note_id: Annotated[NoteId, Query(min_length=1, max_length=200)],
) -> FeedbackList:
    """The decisions stored for a note."""
    return FeedbackList(
        note_id=note_id, items=[FeedbackOut.of(r) for r in store.list_feedback(note_id)]
    )


def _checked_code(request: Request, code: str, system: str) -> str:
    """The code in its official form; 422 naming ``code`` when it is not one of ``system``."""
    raw = code.strip().upper()
    if system == CM:
        engine = request.app.state.engine
        found = engine.codeset.normalize(raw) if engine is not None else raw
        if found is None:
            _invalid_code(f"not an ICD-10-CM code in {engine.codeset.release}")
        return str(found)
    shape = CODE_SHAPES[system]
    if not shape.fullmatch(raw.replace(".", "")):
        _invalid_code(f"not a well-formed {system} code")
    return raw.replace(".", "")


def _invalid_code(message: str) -> NoReturn:
    raise RequestValidationError(
        [{"loc": ("body", "code"), "msg": message, "type": "value_error.code"}]
    )
