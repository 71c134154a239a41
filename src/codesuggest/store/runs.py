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
from codesuggest.store.records import RunInput
from codesuggest.store.schema import RunRow, utcnow
from codesuggest.text_policy import clean_text


def add_run(session: Session, run: RunInput) -> int:
    """Store a run and its audit event; returns the run id. ``run.text_sha256`` is the hash of
    a text that is not kept (``text`` None), so decisions can still tell which text they
    judged."""
    note_id = validate.note_id(run.note_id)
    text = None if run.text is None else clean_text(run.text)  # text_policy: no NUL stored
    compact = validate.compact_suggestions(run.suggestions)
    at = run.served_at or utcnow()
    row = RunRow(
        note_id=note_id,
        text=text,
        text_sha256=sha256_text(text) if text is not None else run.text_sha256,
        model_name=run.model_name,
        model_version=run.model_version,
        actor=run.actor.name,
        suggestions=compact,
        created_at=at,
    )
    session.add(row)
    session.flush()
    add_event(
        session,
        actor=run.actor.name,
        role=run.actor.role,
        action="suggest",
        note_id=note_id,
        model_name=run.model_name,
        model_version=run.model_version,
        detail={"run_id": row.id, "suggestions": len(compact), "text_stored": text is not None},
        at=at,
    )
    return row.id


def sha256_text(text: str) -> str:
    """The hex sha256 of a note's UTF-8 text: which text a run served, without the text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def text_hash(session: Session, run_id: int | None) -> str | None:
    """The text hash of run ``run_id`` (None: no run, or a run from before hashes were kept)."""
    if run_id is None:
        return None
    return session.scalar(select(RunRow.text_sha256).where(RunRow.id == run_id))


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
