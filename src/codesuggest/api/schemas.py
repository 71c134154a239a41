"""Request and response models of the HTTP API; the response mirrors ``NoteResult.to_dict()``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from codesuggest.text_policy import (
    IDENTIFIER_PATTERN,
    NOTE_ID_PATTERN,
    check_identifier,
    check_note_id,
    clean_text,
)
from codesuggest.types import SEX_SPELLINGS, Note

# codesuggest.text_policy at the edge: an id with a control character or a lone surrogate is a
# 422 naming the field; free text has its lone surrogates and NULs replaced by U+FFFD
Identifier = Annotated[
    str,
    AfterValidator(check_identifier),
    Field(json_schema_extra={"pattern": IDENTIFIER_PATTERN}),
]
NoteId = Annotated[
    str,
    AfterValidator(check_note_id),
    Field(json_schema_extra={"pattern": NOTE_ID_PATTERN}),
]
FreeText = Annotated[str, AfterValidator(clean_text)]


def _canonical_sex(value: object) -> object:
    """``f``, ``male``... as ``F``/``M``; anything else is left for the field to refuse."""
    if isinstance(value, str):
        return SEX_SPELLINGS.get(value.strip().lower(), value)
    return value


Sex = Annotated[
    Literal["F", "M"] | None,
    BeforeValidator(_canonical_sex),
    Field(description="F or M; f, m, female and male (any case) are read as F and M."),
]


def _date_text(value: object) -> object:
    """A date only as text: pydantic would read a number as seconds since 1970."""
    if isinstance(value, int | float):
        raise ValueError("expected an ISO date YYYY-MM-DD, not a number")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_date_text)]


class SuggestRequest(BaseModel):
    """One note to code, with the patient facts that age/sex and date edits need."""

    model_config = ConfigDict(extra="forbid")

    note_id: NoteId = Field(
        min_length=1,
        max_length=200,
        description="Caller's id for the note: not blank, no control characters.",
    )
    text: FreeText = Field(
        description=(
            "The note text (UTF-8); empty text gives no suggestions. A lone surrogate or a NUL "
            "is read as U+FFFD, so evidence offsets still index the text sent."
        )
    )
    age: int | None = Field(default=None, ge=0, le=130, description="Age in years.")
    sex: Sex = None
    setting: Identifier | None = Field(default=None, max_length=100, examples=["inpatient"])
    date_of_service: IsoDate | None = Field(
        default=None, description="An ISO date, YYYY-MM-DD.", examples=["2026-01-31"]
    )

    def to_note(self) -> Note:
        """The engine's view of this request."""
        return Note(
            text=self.text,
            note_id=self.note_id,
            age=self.age,
            sex=self.sex,
            setting=self.setting,
            date_of_service=self.date_of_service,
        )


class SuggestBatchRequest(BaseModel):
    """Several notes to code in one request."""

    model_config = ConfigDict(extra="forbid")

    notes: list[SuggestRequest] = Field(
        min_length=1, description="The notes; at most the server's batch_max_notes setting."
    )


class EvidenceOut(BaseModel):
    """A span of the note that supports a suggestion."""

    start: int
    end: int
    text: str
    section: str
    assertion: str = Field(
        description=(
            "What the span asserts of this code: what the note says of it (present, negated, "
            "possible, historical, family, hypothetical), or present where the code reads it "
            "so: a chronic condition given as history, a relative's mention of a family-history "
            "code, a past mention of a personal-history code or of a status that holds now."
        )
    )
    note_assertion: str = Field(
        default="",
        description=(
            "What the note says of the span (ConText and its section): the assertion, or "
            "what the code reads otherwise (historical for a chronic condition given as "
            "history, family for a relative's mention of a family-history code)."
        ),
    )
    kind: Literal["mention", "learned"] = Field(
        default="mention",
        description=(
            "mention: a term that names the code; learned: a word that drove a code the model "
            "learned from the note as a whole (its assertion is that of a mention covering it, "
            "else present)."
        ),
    )


class SuggestionOut(BaseModel):
    """One ranked code."""

    code: str
    system: str
    description: str
    confidence: float
    recommended: bool
    evidence: list[EvidenceOut]
    flags: list[str]
    rules: list[str]
    index_path: str = Field(
        default="",
        description=(
            "The ICD-10-CM Alphabetic Index path that found the code, as a coder would look it "
            'up ("Hypertension, hypertensive > with > heart failure"); empty when the code came '
            "from another source (a title, a synonym, the trained model)."
        ),
    )


class ModelOut(BaseModel):
    """The model that produced a result."""

    name: str
    version: str


class SuggestResponse(BaseModel):
    """The engine's answer for one note."""

    note_id: str
    model: ModelOut
    code_sets: dict[str, str]
    suggestions: list[SuggestionOut]


class SuggestBatchResponse(BaseModel):
    """One result per note, in request order."""

    results: list[SuggestResponse]


class LiveResponse(BaseModel):
    """The process is up."""

    status: Literal["ok"] = "ok"


class ReadyResponse(BaseModel):
    """The engine is loaded and can take requests."""

    status: Literal["ready"] = "ready"
    model: ModelOut


class ErrorResponse(BaseModel):
    """Every error body: a reason, never a stack trace."""

    detail: str | list[dict[str, object]]


COMMON_ERRORS = {
    401: "Missing or invalid API key",
    403: "The key's role may not do this",
    422: "Invalid request",
    413: "Request body too large",
    429: "Too many requests for this key",
    503: "Database (which holds the keys) or model unavailable: retry after Retry-After",
}


def error_responses(
    specific: dict[int, str], common: tuple[int, ...] = (401, 422, 429, 503)
) -> dict[int | str, dict[str, Any]]:
    """A route's documented error responses: the ``common`` ones, plus or overriding these.
    Every route behind a key can answer 401, 429 and 503 (keys live in the database)."""
    described = {status: COMMON_ERRORS[status] for status in common} | specific
    return {s: {"model": ErrorResponse, "description": d} for s, d in sorted(described.items())}
