"""``GET /v1/codesets``: the code systems the serving engine codes in, as ``codesuggest
codesets list`` shows them (the review page groups and filters suggestions by them)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from codesuggest.api.auth import AnyKey
from codesuggest.api.deps import EngineDep
from codesuggest.api.schemas import error_responses
from codesuggest.codesets.summary import loaded_summaries

router = APIRouter(prefix="/v1/codesets", tags=["codes"])
ERRORS = error_responses({503: "Model (and its code set) not loaded"})


class CodeSystemOut(BaseModel):
    """One code system of the serving engine."""

    system: str = Field(description="ICD-10-CM, ICD-10-PCS, CPT or HCPCS, as suggestions say.")
    kind: Literal["diagnosis", "procedure"]
    source: Literal["shipped", "user catalog", "labels only"] = Field(
        description=(
            "shipped: a dependency of codesuggest; user catalog: a licensed file registered "
            "with codesuggest codesets add; labels only: no code table, codes a trained model "
            "learned from coded notes."
        )
    )
    release: str = ""
    codes: int = 0
    billable: int = 0
    registered: str = Field(default="", description="When a user catalog was registered.")
    file: str = Field(default="", description="The file a user catalog was registered from.")


class CodeSystems(BaseModel):
    """Every code system, ICD-10-CM first."""

    items: list[CodeSystemOut]


@router.get("", responses=ERRORS)
def list_codesets(key: AnyKey, engine: EngineDep) -> CodeSystems:
    """The code systems the serving engine suggests codes of: what each codes, where its codes
    come from, its release and its counts."""
    rows = loaded_summaries(engine.codeset, engine.catalogs)
    return CodeSystems(items=[CodeSystemOut.model_validate(row.to_dict()) for row in rows])
