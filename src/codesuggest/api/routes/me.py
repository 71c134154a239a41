"""``GET /v1/me``: who the presented API key belongs to (the review page signs in with it)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from codesuggest.api.auth import AnyKey
from codesuggest.api.schemas import error_responses

router = APIRouter(prefix="/v1", tags=["auth"])


class MeResponse(BaseModel):
    """The key's name and role."""

    name: str
    role: Literal["coder", "auditor", "trainer", "admin"]


@router.get("/me", responses=error_responses({}, common=(401, 429, 503)))
def me(key: AnyKey) -> MeResponse:
    """The caller's key name and role."""
    return MeResponse(name=key.name, role=key.role)
