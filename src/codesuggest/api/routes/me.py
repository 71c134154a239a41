"""``GET /v1/me``: who the presented API key belongs to (the review page signs in with it)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from codesuggest.api.auth import AnyKey

router = APIRouter(prefix="/v1", tags=["auth"])


class MeResponse(BaseModel):
    """The key's name and role."""

    name: str
    role: Literal["coder", "auditor", "trainer", "admin"]


@router.get("/me", responses={401: {"description": "Missing or invalid API key"}})
def me(key: AnyKey) -> MeResponse:
    """The caller's key name and role."""
    return MeResponse(name=key.name, role=key.role)
