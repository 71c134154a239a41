"""Suggestion runs: what was served is kept compactly; the note text only when asked."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine, text

from codesuggest.errors import InputError
from codesuggest.store import ApiKey, Store

SERVED: list[dict[str, Any]] = [
    {
        "code": "I10",
        "system": "ICD-10-CM",
        "description": "Essential (primary) hypertension",
        "confidence": 0.91234,
        "recommended": True,
        "evidence": [{"text": "hypertension", "start": 12, "end": 24}],
    },
    {"code": "E11.9", "system": "ICD-10-CM", "confidence": 0.4, "recommended": False},
]


def test_record_run_keeps_code_system_rank_confidence_mark(
    store: Store, coder: ApiKey, raw_db: Engine
) -> None:
    run_id = store.record_run(
        note_id="enc-1",
        text="Assessment: hypertension.",
        model_name="default",
        model_version="3",
        actor=coder,
        suggestions=SERVED,
    )
    with raw_db.connect() as connection:
        row = connection.execute(text("SELECT * FROM suggestion_runs")).mappings().one()
    assert row["id"] == run_id and row["actor"] == "coder-1"
    assert row["text"] == "Assessment: hypertension."
    assert len(row["text_sha256"]) == 64
    suggestions = row["suggestions"]
    if isinstance(suggestions, str):  # SQLite hands back JSON text to a raw query
        suggestions = json.loads(suggestions)
    assert suggestions == [
        {
            "code": "I10",
            "system": "ICD-10-CM",
            "rank": 1,
            "confidence": 0.91234,
            "recommended": True,
        },
        {
            "code": "E11.9",
            "system": "ICD-10-CM",
            "rank": 2,
            "confidence": 0.4,
            "recommended": False,
        },
    ]


def test_record_run_without_text_and_its_audit_event_hold_no_text(
    store: Store, coder: ApiKey, raw_db: Engine
) -> None:
    store.record_run(
        note_id="enc-2",
        text=None,
        model_name="default",
        model_version="3",
        actor=coder,
        suggestions=[],
    )
    with raw_db.connect() as connection:
        row = connection.execute(text("SELECT text, text_sha256 FROM suggestion_runs")).one()
    assert tuple(row) == (None, None)
    [event] = store.audit_events(note_id="enc-2")
    assert (event.action, event.actor, event.role) == ("suggest", "coder-1", "coder")
    assert (event.model_name, event.model_version) == ("default", "3")
    assert event.detail == {"run_id": 1, "suggestions": 0, "text_stored": False}


@pytest.mark.parametrize(
    ("note_id", "suggestions", "message"),
    [
        ("", [], "bad note id"),
        ("n\x00", [], "control character"),
        ("n", [{"system": "icd10cm"}], "suggestion 1 lacks a code"),
    ],
)
def test_record_run_rejects_bad_input(
    store: Store, coder: ApiKey, note_id: str, suggestions: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        store.record_run(
            note_id=note_id,
            text="x",
            model_name="m",
            model_version="1",
            actor=coder,
            suggestions=suggestions,
        )
    assert store.audit_events() == store.audit_events(limit=1)  # only the key's creation
