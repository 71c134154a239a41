"""``GET /v1/vocabulary``: the names the API's answers use, as the backend defines them: the
code systems (and the plain spellings read as them), the assertions of evidence, the decisions
on a code. The review page reads them here rather than restating them."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from codesuggest.api.auth import AnyKey
from codesuggest.api.schemas import error_responses
from codesuggest.codesets.systems import PROCEDURE_SYSTEMS, SYSTEMS, plain
from codesuggest.store.records import DECISIONS
from codesuggest.types import Assertion

router = APIRouter(prefix="/v1", tags=["auth"])


class SystemName(BaseModel):
    """One code system."""

    name: str = Field(description="As suggestions, feedback and the code search name it.")
    plain: str = Field(description="Its plain spelling (icd10cm), read as the name.")
    kind: Literal["diagnosis", "procedure"]


class Vocabulary(BaseModel):
    """The names of the API, each list in the order the API treats them."""

    systems: list[SystemName]
    assertions: list[str] = Field(description="How evidence is asserted in the note.")
    decisions: list[str] = Field(description="A coder's decisions on a code (POST /v1/feedback).")


def vocabulary() -> Vocabulary:
    return Vocabulary(
        systems=[
            SystemName(
                name=s,
                plain=plain(s),
                kind="procedure" if s in PROCEDURE_SYSTEMS else "diagnosis",
            )
            for s in SYSTEMS
        ],
        assertions=[a.value for a in Assertion],
        decisions=list(DECISIONS),
    )


@router.get("/vocabulary", responses=error_responses({}, common=(401, 429, 503)))
def get_vocabulary(key: AnyKey) -> Vocabulary:
    """The code systems, assertions and decisions the API names."""
    return vocabulary()
