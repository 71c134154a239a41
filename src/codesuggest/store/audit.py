"""The append-only audit trail: one event per served suggestion, decision and key change.

Events are added in the same transaction as what they record, and never changed: the
migration installs triggers that reject UPDATE and DELETE. No note text goes in ``detail``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesuggest.store.records import AuditEvent
from codesuggest.store.schema import AuditRow, utcnow


def add_event(
    session: Session,
    *,
    actor: str,
    role: str,
    action: str,
    note_id: str | None = None,
    code: str | None = None,
    system: str | None = None,
    decision: str | None = None,
    model_name: str | None = None,
    model_version: str | None = None,
    detail: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Add an event to the session's transaction (``at`` None: now)."""
    session.add(
        AuditRow(
            at=at or utcnow(),
            actor=actor,
            role=role,
            action=action,
            note_id=note_id,
            code=code,
            system=system,
            decision=decision,
            model_name=model_name,
            model_version=model_version,
            detail=detail or {},
        )
    )


def events(session: Session, *, note_id: str | None, limit: int) -> list[AuditEvent]:
    """The newest ``limit`` events, newest first, of one note or of all."""
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if note_id is not None:
        query = query.where(AuditRow.note_id == note_id)
    return [_record(row) for row in session.scalars(query)]


def _record(row: AuditRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        at=row.at,
        actor=row.actor,
        role=row.role,
        action=row.action,
        note_id=row.note_id,
        code=row.code,
        system=row.system,
        decision=row.decision,
        model_name=row.model_name,
        model_version=row.model_version,
        detail=dict(row.detail),
    )
