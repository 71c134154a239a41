"""Coders' decisions on suggested codes, linked to the run that served them, and read back as
notes for retraining.

A decision sent again with the same ``Idempotency-Key`` by the same key holder is the same
decision: the first record is returned and nothing new is written. The same key with a different
request is an :class:`~codesuggest.errors.IdempotencyConflictError`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesuggest.errors import IdempotencyConflictError
from codesuggest.store import validate
from codesuggest.store.audit import add_event
from codesuggest.store.records import ApiKey, FeedbackInput, FeedbackNote, FeedbackRecord
from codesuggest.store.runs import find_code, latest_run, latest_texts, text_hash
from codesuggest.store.schema import FeedbackRow, RunRow, utcnow

POSITIVE = ("accepted", "added")


def clean(fb: FeedbackInput) -> FeedbackInput:
    """``fb`` checked and in stored form (code upper-case, system named as in suggestions)."""
    return FeedbackInput(
        note_id=validate.note_id(fb.note_id),
        code=validate.code(fb.code),
        system=validate.system(fb.system),
        decision=validate.decision(fb.decision),
        reason=validate.optional_text(fb.reason, "reason", 2000),
    )


def request_hash(fb: FeedbackInput) -> str:
    """What identifies a request for idempotency: the cleaned fields, hashed."""
    fields = [fb.note_id, fb.code, fb.system, fb.decision, fb.reason]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()


def find_idempotent(session: Session, actor_key_id: int, key: str) -> FeedbackRow | None:
    return session.scalar(
        select(FeedbackRow).where(
            FeedbackRow.actor_key_id == actor_key_id, FeedbackRow.idempotency_key == key
        )
    )


def replay(session: Session, row: FeedbackRow, digest: str) -> FeedbackRecord:
    """The stored answer to a repeated request, or a conflict if the request differs."""
    if row.request_hash != digest:
        raise IdempotencyConflictError(
            f"Idempotency-Key {row.idempotency_key!r} was already used for a different "
            f"feedback request (record {row.id})"
        )
    return record(row, text_hash(session, row.run_id))


def add_feedback(
    session: Session,
    fb: FeedbackInput,
    *,
    actor: ApiKey,
    model_name: str | None,
    model_version: str | None,
    idempotency_key: str | None,
    digest: str,
) -> FeedbackRecord:
    """Store a cleaned decision and its audit event, linked to the note's latest run."""
    run = latest_run(session, fb.note_id)
    served = find_code(run, fb.system, fb.code) if run is not None else None
    row = FeedbackRow(
        note_id=fb.note_id,
        code=fb.code,
        system=fb.system,
        decision=fb.decision,
        reason=fb.reason,
        actor_key_id=actor.id,
        actor=actor.name,
        model_name=model_name or (run.model_name if run is not None else None),
        model_version=model_version or (run.model_version if run is not None else None),
        run_id=run.id if run is not None else None,
        rank=int(served["rank"]) if served is not None else None,
        confidence=float(served["confidence"]) if served is not None else None,
        idempotency_key=idempotency_key,
        request_hash=digest,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    add_event(
        session,
        actor=actor.name,
        role=actor.role,
        action="feedback",
        note_id=row.note_id,
        code=row.code,
        system=row.system,
        decision=row.decision,
        model_name=row.model_name,
        model_version=row.model_version,
        detail={"feedback_id": row.id, "run_id": row.run_id, "rank": row.rank},
    )
    return record(row, run.text_sha256 if run is not None else None)


def for_note(session: Session, note_id: str, limit: int) -> list[FeedbackRecord]:
    """A note's decisions, oldest first, each with the text hash of the run it judged."""
    query = (
        select(FeedbackRow, RunRow.text_sha256)
        .outerjoin(RunRow, FeedbackRow.run_id == RunRow.id)
        .where(FeedbackRow.note_id == note_id)
        .order_by(FeedbackRow.id)
        .limit(limit)
    )
    return [record(row, digest) for row, digest in session.execute(query)]


@dataclass(frozen=True)
class FeedbackNotes:
    """Notes with decisions, ready for retraining; iterate it for the :class:`FeedbackNote` s.

    ``missing_text`` lists the ids of notes that have decisions but no stored text (served
    while ``store_notes`` was off, or never served): they are not among ``notes``.
    """

    notes: tuple[FeedbackNote, ...]
    missing_text: tuple[str, ...]

    def __iter__(self) -> Iterator[FeedbackNote]:
        return iter(self.notes)

    def __len__(self) -> int:
        return len(self.notes)


def notes_for_training(session: Session) -> FeedbackNotes:
    """Per note, the latest decision on each (system, code) wins; text is the latest stored."""
    latest: dict[str, dict[tuple[str, str], str]] = {}
    rows = session.execute(
        select(FeedbackRow.note_id, FeedbackRow.system, FeedbackRow.code, FeedbackRow.decision)
        .order_by(FeedbackRow.id)
        .execution_options(yield_per=1000)
    )
    for note_id, system, code, decision in rows:
        latest.setdefault(note_id, {})[(system, code)] = decision
    texts = latest_texts(session, select(FeedbackRow.note_id).distinct())
    notes: list[FeedbackNote] = []
    missing: list[str] = []
    for note_id in sorted(latest):
        if note_id not in texts:
            missing.append(note_id)
            continue
        decisions = latest[note_id]
        notes.append(
            FeedbackNote(
                note_id=note_id,
                text=texts[note_id],
                positives=tuple(sorted(p for p, d in decisions.items() if d in POSITIVE)),
                negatives=tuple(sorted(p for p, d in decisions.items() if d == "rejected")),
            )
        )
    return FeedbackNotes(tuple(notes), tuple(missing))


def record(row: FeedbackRow, text_sha256: str | None = None) -> FeedbackRecord:
    return FeedbackRecord(
        id=row.id,
        note_id=row.note_id,
        code=row.code,
        system=row.system,
        decision=validate.decision(row.decision),
        reason=row.reason,
        actor=row.actor,
        model_name=row.model_name,
        model_version=row.model_version,
        run_id=row.run_id,
        rank=row.rank,
        confidence=row.confidence,
        created_at=row.created_at,
        text_sha256=text_sha256,
    )
