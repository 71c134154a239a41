"""The audit trail: newest first, filtered by note, and append-only in the database itself."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, exc, text

from codesuggest.errors import InputError
from codesuggest.store import ApiKey, Store


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_events SET actor = 'mallory'", "DELETE FROM audit_events"]
)
def test_audit_events_reject_update_and_delete(
    store: Store, coder: ApiKey, raw_db: Engine, statement: str
) -> None:
    with pytest.raises(exc.DBAPIError, match="append-only"), raw_db.begin() as connection:
        connection.execute(text(statement))
    [event] = store.audit_events()
    assert (event.actor, event.action) == ("cli", "create_key")


def test_audit_events_newest_first_and_by_note(store: Store, coder: ApiKey) -> None:
    for note_id in ("a", "b", "a"):
        store.record_run(
            note_id=note_id,
            text=None,
            model_name="m",
            model_version="1",
            actor=coder,
            suggestions=[],
        )
    runs = [e.detail["run_id"] for e in store.audit_events(note_id="a")]
    assert runs == [3, 1]
    assert [e.action for e in store.audit_events(limit=2)] == ["suggest", "suggest"]
    assert len(store.audit_events()) == 4
    with pytest.raises(InputError, match="limit"):
        store.audit_events(limit=0)


def test_record_event_adds_an_event_for_the_caller(store: Store) -> None:
    admin, _ = store.create_key("root", "admin")
    store.record_event(
        actor=admin, action="promote", model_name="site", model_version="2", detail={"x": 1}
    )
    event = store.audit_events()[0]
    assert (event.actor, event.role, event.action) == ("root", "admin", "promote")
    assert (event.model_name, event.model_version, event.detail) == ("site", "2", {"x": 1})
    assert event.at.tzinfo == dt.timezone.utc
