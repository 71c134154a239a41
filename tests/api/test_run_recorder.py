"""Suggestion runs stored off the request path: batched, bounded, kept through an outage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from codesuggest.api.run_recorder import RunRecorder
from codesuggest.errors import StoreUnavailableError
from codesuggest.store import ApiKey, RunInput, Store
from tests.utils.tcp_proxy import TcpProxy

SERVED_AT = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)
SUGGESTIONS = [{"code": "I10", "system": "ICD-10-CM", "confidence": 0.9, "recommended": True}]


def _run(actor: ApiKey, note_id: str) -> RunInput:
    return RunInput(
        note_id=note_id,
        text=f"text of {note_id}",
        model_name="m",
        model_version="1",
        actor=actor,
        suggestions=SUGGESTIONS,
        served_at=SERVED_AT,
    )


def _stored(store: Store, note_id: str) -> list[dt.datetime]:
    return [e.at for e in store.audit_events(note_id=note_id) if e.action == "suggest"]


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Store:
    return Store.open(f"sqlite:///{tmp_path / 'runs.db'}")


def test_runs_are_stored_with_the_time_they_were_served(sqlite_store: Store) -> None:
    actor, _ = sqlite_store.create_key("coder", "coder")
    recorder = RunRecorder(lambda: sqlite_store, max_pending=1000)
    for i in range(250):  # more than one transaction's worth
        assert recorder.add(_run(actor, f"n{i}"))
    assert recorder.flush(timeout=30)
    assert recorder.written == 250
    assert recorder.pending() == 0
    for i in (0, 199, 200, 249):
        [at] = _stored(sqlite_store, f"n{i}")
        assert at.replace(tzinfo=dt.timezone.utc) == SERVED_AT
    recorder.close()


def test_a_run_the_store_refuses_does_not_lose_the_others(sqlite_store: Store) -> None:
    actor, _ = sqlite_store.create_key("coder", "coder")
    recorder = RunRecorder(lambda: sqlite_store, max_pending=100)
    for note_id in ("before", " ", "after"):  # " ": a blank id the store refuses
        assert recorder.add(_run(actor, note_id))
    assert recorder.flush(timeout=30)
    assert (len(_stored(sqlite_store, "before")), len(_stored(sqlite_store, "after"))) == (1, 1)
    assert recorder.written == 2
    recorder.close()


def test_without_a_store_runs_wait_within_the_bound_and_the_rest_are_counted() -> None:
    def no_store() -> Store:
        raise StoreUnavailableError("database unavailable")

    dropped: list[int] = []
    recorder = RunRecorder(no_store, max_pending=3, retry_s=0.05, on_drop=dropped.append)
    actor = ApiKey(1, "coder", "coder", "cs_x", SERVED_AT)
    accepted = [recorder.add(_run(actor, f"n{i}")) for i in range(5)]
    assert accepted == [True, True, True, False, False]
    assert (recorder.dropped, dropped) == (2, [1, 1])
    assert not recorder.flush(timeout=0.3)  # nothing can be written
    assert recorder.pending() == 3
    recorder.close(timeout=0.3)
    assert not recorder.add(_run(actor, "late"))  # closed: dropped, not queued


def test_runs_served_during_an_outage_are_stored_when_the_database_is_back(
    relay: tuple[TcpProxy, str],
) -> None:
    proxy, url = relay
    with Store.open(url) as store:
        actor, _ = store.create_key("coder", "coder")
        recorder = RunRecorder(lambda: store, max_pending=100, retry_s=0.2)
        proxy.stop()
        for i in range(5):
            assert recorder.add(_run(actor, f"out{i}"))
        assert not recorder.flush(timeout=1.0)  # the database is down: kept, not written
        proxy.start()
        assert recorder.flush(timeout=30)
        recorder.close()
        assert all(len(_stored(store, f"out{i}")) == 1 for i in range(5))
        assert recorder.written == 5
