"""Feedback: linked to the suggestion it judges, written once per request, read for training."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, text

from codesuggest.errors import IdempotencyConflictError, InputError
from codesuggest.store import ApiKey, FeedbackInput, Store, feedback

SERVED: list[dict[str, Any]] = [
    {"code": "I10", "system": "ICD-10-CM", "confidence": 0.9, "recommended": True},
    {"code": "E11.9", "system": "ICD-10-CM", "confidence": 0.4, "recommended": False},
]


def _serve(store: Store, key: ApiKey, note_id: str, text: str | None, version: str = "1") -> int:
    return store.record_run(
        note_id=note_id,
        text=text,
        model_name="default",
        model_version=version,
        actor=key,
        suggestions=SERVED,
    )


def _decide(
    store: Store, key: ApiKey, note_id: str, code: str, decision: str, **kw: Any
) -> tuple[Any, bool]:
    system = kw.pop("system", "ICD-10-CM")
    fb = FeedbackInput(note_id, code, system, decision, kw.pop("reason", None))  # type: ignore[arg-type]
    return store.record_feedback(fb, actor=key, model_name=None, model_version=None, **kw)


def _count(raw_db: Engine, table: str) -> int:
    with raw_db.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_record_feedback_links_the_latest_run_rank_and_confidence(
    store: Store, coder: ApiKey
) -> None:
    _serve(store, coder, "enc-1", "old text", version="1")
    run_id = _serve(store, coder, "enc-1", "new text", version="2")
    record, created = _decide(store, coder, "enc-1", " e11.9 ", "accepted", system="ICD-10-CM")
    assert created
    assert (record.code, record.system, record.decision) == ("E11.9", "ICD-10-CM", "accepted")
    assert (record.run_id, record.rank, record.confidence) == (run_id, 2, 0.4)
    assert (record.model_name, record.model_version, record.actor) == ("default", "2", "coder-1")
    [event] = store.audit_events(note_id="enc-1", limit=1)
    assert (event.action, event.code, event.decision) == ("feedback", "E11.9", "accepted")
    assert event.detail == {"feedback_id": record.id, "run_id": run_id, "rank": 2}


def test_record_feedback_on_a_code_not_served_has_no_rank(store: Store, coder: ApiKey) -> None:
    run_id = _serve(store, coder, "enc-1", "text")
    added, _ = _decide(store, coder, "enc-1", "J45.909", "added", reason="  wheeze  ")
    assert (added.run_id, added.rank, added.confidence) == (run_id, None, None)
    assert added.reason == "wheeze"
    unserved, _ = _decide(store, coder, "never-served", "I10", "accepted")
    assert (unserved.run_id, unserved.rank, unserved.model_name) == (None, None, None)


def test_record_feedback_takes_the_given_model(store: Store, coder: ApiKey) -> None:
    _serve(store, coder, "enc-1", "text")
    fb = FeedbackInput("enc-1", "I10", "icd10cm", "rejected")
    record, _ = store.record_feedback(fb, actor=coder, model_name="site", model_version="9")
    assert (record.model_name, record.model_version) == ("site", "9")


def test_record_feedback_retry_with_same_key_writes_nothing_new(
    store: Store, coder: ApiKey, raw_db: Engine
) -> None:
    _serve(store, coder, "enc-1", "text")
    first, created = _decide(store, coder, "enc-1", "I10", "accepted", idempotency_key="k-1")
    again, created_again = _decide(store, coder, "enc-1", "i10", "accepted", idempotency_key="k-1")
    assert created and not created_again and again == first
    assert _count(raw_db, "feedback") == 1
    assert [e.action for e in store.audit_events(note_id="enc-1")] == ["feedback", "suggest"]


def test_record_feedback_same_key_for_another_request_conflicts(
    store: Store, coder: ApiKey, raw_db: Engine
) -> None:
    _decide(store, coder, "enc-1", "I10", "accepted", idempotency_key="k-1")
    with pytest.raises(IdempotencyConflictError, match="'k-1'"):
        _decide(store, coder, "enc-1", "I10", "rejected", idempotency_key="k-1")
    other, _ = store.create_key("coder-2", "coder")
    _, created = _decide(store, other, "enc-1", "I10", "rejected", idempotency_key="k-1")
    assert created  # keys are per key holder
    assert _count(raw_db, "feedback") == 2


def test_record_feedback_concurrent_duplicate_resolves_to_the_stored_one(
    store: Store, coder: ApiKey, raw_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = _decide(store, coder, "enc-1", "I10", "accepted", idempotency_key="k-1")
    real = feedback.find_idempotent
    calls: list[str] = []

    def missed_once(*args: Any) -> Any:
        calls.append("find")  # the other request commits between our look-up and insert
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(feedback, "find_idempotent", missed_once)
    again, created = _decide(store, coder, "enc-1", "I10", "accepted", idempotency_key="k-1")
    assert (again, created, len(calls)) == (first, False, 2)
    with pytest.raises(IdempotencyConflictError):
        calls.clear()
        _decide(store, coder, "enc-1", "I10", "rejected", idempotency_key="k-1")
    assert _count(raw_db, "feedback") == 1
    assert _count(raw_db, "audit_events") == 2  # the key, the first decision


def test_record_feedback_and_its_audit_event_commit_together(
    store: Store, coder: ApiKey, raw_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit write failed")

    monkeypatch.setattr(feedback, "add_event", broken)
    with pytest.raises(RuntimeError):
        _decide(store, coder, "enc-1", "I10", "accepted")
    assert _count(raw_db, "feedback") == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (("n", "I10", "icd9", "accepted"), "unknown code system 'icd9'"),
        (("n", "I10", "icd10cm", "maybe"), "unknown decision 'maybe'"),
        (("n", "  ", "icd10cm", "accepted"), "bad code"),
        (("n", "I 10", "icd10cm", "accepted"), "bad code"),
        (("", "I10", "icd10cm", "accepted"), "bad note id"),
        (("enc\x00 1", "I10", "icd10cm", "accepted"), "control character"),
        (("enc-1\nforged", "I10", "icd10cm", "accepted"), "control character"),
        (("enc-\ud800", "I10", "icd10cm", "accepted"), "lone surrogate"),
        (("n", "I1\x000", "icd10cm", "accepted"), "bad code"),
    ],
)
def test_record_feedback_rejects_bad_input(
    store: Store, coder: ApiKey, fields: tuple[str, str, str, str], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        store.record_feedback(
            FeedbackInput(*fields),  # type: ignore[arg-type]
            actor=coder,
            model_name=None,
            model_version=None,
        )


def test_a_reason_with_nul_or_a_lone_surrogate_is_stored_with_replacement_characters(
    store: Store, coder: ApiKey
) -> None:
    """On every database (PostgreSQL refuses NUL in text): codesuggest.text_policy's free text."""
    record, created = _decide(store, coder, "enc-1", "I10", "rejected", reason="a\x00b \ud800c")
    assert created
    assert record.reason == "a\ufffdb \ufffdc"
    assert store.list_feedback("enc-1")[0].reason == "a\ufffdb \ufffdc"


def test_list_feedback_oldest_first(store: Store, coder: ApiKey) -> None:
    for code in ("A", "B", "C"):
        _decide(store, coder, "enc-1", code, "added")
    _decide(store, coder, "enc-2", "D", "added")
    assert [r.code for r in store.list_feedback("enc-1")] == ["A", "B", "C"]
    assert [r.code for r in store.list_feedback("enc-1", limit=2)] == ["A", "B"]


def test_feedback_notes_latest_decision_wins_and_reports_missing_text(
    store: Store, coder: ApiKey
) -> None:
    _serve(store, coder, "enc-1", "first text")
    _serve(store, coder, "enc-1", "latest text")
    _serve(store, coder, "enc-1", None)  # served again without keeping the text
    _decide(store, coder, "enc-1", "I10", "rejected")
    _decide(store, coder, "enc-1", "I10", "accepted")  # changed their mind
    _decide(store, coder, "enc-1", "E11.9", "accepted")
    _decide(store, coder, "enc-1", "E11.9", "rejected")
    _decide(store, coder, "enc-1", "0DTJ4ZZ", "added", system="icd10pcs")  # read as ICD-10-PCS
    _serve(store, coder, "enc-2", None)
    _decide(store, coder, "enc-2", "I10", "accepted")
    _serve(store, coder, "no-feedback", "text")
    found = store.feedback_notes()
    [note] = list(found)
    assert (note.note_id, note.text) == ("enc-1", "latest text")
    assert note.positives == (("ICD-10-CM", "I10"), ("ICD-10-PCS", "0DTJ4ZZ"))
    assert note.negatives == (("ICD-10-CM", "E11.9"),)
    assert found.missing_text == ("enc-2",)
    assert len(found) == 1
