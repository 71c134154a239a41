"""Suggestion runs: what the API served for a note, so feedback can say which suggestion it
judged and retraining has the note text (kept only when ``store_notes`` is on)."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from codesuggest.codesets.systems import CM, system_name
from codesuggest.store import validate
from codesuggest.store.audit import add_event
from codesuggest.store.records import ApiKey
from codesuggest.store.schema import RunRow, utcnow


def add_run(
    session: Session,
    *,
    note_id: str,
    text: str | None,
    model_name: str,
    model_version: str,
    actor: ApiKey,
    suggestions: list[dict[str, Any]],
) -> int:
    """Store a run and its audit event; returns the run id."""
    note_id = validate.note_id(note_id)
    compact = validate.compact_suggestions(suggestions)
    row = RunRow(
        note_id=note_id,
        text=text,
        text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest() if text is not None else None,
        model_name=model_name,
        model_version=model_version,
        actor=actor.name,
        suggestions=compact,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    add_event(
        session,
        actor=actor.name,
        role=actor.role,
        action="suggest",
        note_id=note_id,
        model_name=model_name,
        model_version=model_version,
        detail={"run_id": row.id, "suggestions": len(compact), "text_stored": text is not None},
    )
    return row.id


def latest_run(session: Session, note_id: str) -> RunRow | None:
    return session.scalar(
        select(RunRow).where(RunRow.note_id == note_id).order_by(RunRow.id.desc()).limit(1)
    )


def find_code(run: RunRow, system: str, code: str) -> dict[str, Any] | None:
    """The run's suggestion of ``code`` (dots ignored: E119 is E11.9), or None."""
    plain = code.replace(".", "")
    for item in run.suggestions:
        same_system = system_name(str(item.get("system", CM))) == system
        if same_system and str(item.get("code", "")).replace(".", "") == plain:
            return item
    return None


def latest_texts(session: Session, note_ids: Select[Any]) -> dict[str, str]:
    """The most recently stored text of each note id that ``note_ids`` selects."""
    newest = (
        select(func.max(RunRow.id))
        .where(RunRow.text.is_not(None), RunRow.note_id.in_(note_ids))
        .group_by(RunRow.note_id)
    )
    rows = session.execute(select(RunRow.note_id, RunRow.text).where(RunRow.id.in_(newest)))
    return {note_id: text for note_id, text in rows if text is not None}
