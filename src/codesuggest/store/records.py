"""Plain records the store returns and takes: no SQLAlchemy objects leave ``store/``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["coder", "auditor", "trainer", "admin"]
ROLES: tuple[Role, ...] = ("coder", "auditor", "trainer", "admin")

Decision = Literal["accepted", "rejected", "added"]
DECISIONS: tuple[Decision, ...] = ("accepted", "rejected", "added")


@dataclass(frozen=True)
class ApiKey:
    """An API key's public facts; the secret itself is only ever stored hashed."""

    id: int
    name: str
    role: Role
    prefix: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None
    rate_limit: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class RunInput:
    """What the API served for one note, to keep as a run (``text`` None: not kept, only
    ``text_sha256``, its hash). ``served_at`` None: now, when it is stored."""

    note_id: str
    text: str | None
    model_name: str
    model_version: str
    actor: ApiKey
    suggestions: list[dict[str, Any]]
    text_sha256: str | None = None
    served_at: dt.datetime | None = None


@dataclass(frozen=True)
class FeedbackInput:
    """A coder's decision on one code for one note, as the client sent it."""

    note_id: str
    code: str
    system: str
    decision: Decision
    reason: str | None = None


@dataclass(frozen=True)
class FeedbackRecord:
    """A stored decision, with who made it, under which model, on which suggestion."""

    id: int
    note_id: str
    code: str
    system: str
    decision: Decision
    reason: str | None
    actor: str
    model_name: str | None
    model_version: str | None
    run_id: int | None
    rank: int | None
    confidence: float | None
    created_at: dt.datetime
    # sha256 of the note text whose suggestions the decision judged (its run's), when known
    text_sha256: str | None = None


@dataclass(frozen=True)
class AuditEvent:
    """One line of the append-only audit trail."""

    id: int
    at: dt.datetime
    actor: str
    role: str
    action: str
    note_id: str | None
    code: str | None
    system: str | None
    decision: str | None
    model_name: str | None
    model_version: str | None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FeedbackNote:
    """A note with coders' decisions, for retraining: positives are accepted or added codes."""

    note_id: str
    text: str
    positives: tuple[tuple[str, str], ...]
    negatives: tuple[tuple[str, str], ...]
