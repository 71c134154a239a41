"""codesuggest.api.engine_queue: one engine thread, batches of waiting requests, admission.

The engine is the real one; a gate in front of it (the callable that hands the engine to the
queue's thread) holds the thread at a known point, so what is queued when is certain.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from codesuggest.api.engine_queue import EngineQueue
from codesuggest.api.main import create_app
from codesuggest.engine import Engine
from codesuggest.errors import ModelError, OverloadedError
from codesuggest.store import Store
from codesuggest.types import Note
from tests.api.conftest import bearer

TEXTS = [
    "Assessment: essential hypertension. Type 2 diabetes mellitus on metformin.",
    "Community acquired pneumonia of the right lower lobe.",
    "Acute on chronic systolic heart failure. Denies chest pain.",
    "Major depressive disorder, single episode, in full remission.",
    "Closed fracture of the left distal radius after a fall at home.",
    "Chronic kidney disease stage 3b. Anemia in chronic kidney disease.",
]
RESULT_TIMEOUT_S = 300  # bounds a failure only


def notes(count: int, start: int = 0) -> list[Note]:
    return [Note(TEXTS[(start + i) % len(TEXTS)], note_id=f"n{start + i}") for i in range(count)]


class Gate:
    """Hands the engine to the queue's thread once opened; counts the batches it let by."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.open = threading.Event()
        self.waiting = threading.Event()

    def __call__(self) -> Engine:
        self.waiting.set()
        self.open.wait()
        return self.engine


def queue(engine: Callable[[], Engine], **given: float) -> EngineQueue:
    settings: dict[str, float] = dict(max_wait=60.0, max_notes=1000, window=0.0, batch_notes=4)
    settings.update(given)
    return EngineQueue(
        engine,
        max_wait=settings["max_wait"],
        max_notes=int(settings["max_notes"]),
        window=settings["window"],
        batch_notes=int(settings["batch_notes"]),
    )


def test_waiting_requests_are_ranked_together_with_the_engines_own_results(
    engine: Engine,
) -> None:
    gate = Gate(engine)
    q = queue(gate, batch_notes=4)
    try:
        first = q.submit(notes(1))
        assert gate.waiting.wait(RESULT_TIMEOUT_S)  # the thread holds the first job
        sizes = [1, 2, 1, 3, 1, 1, 2]
        jobs = [q.submit(notes(n, start=i), top=5) for i, n in enumerate(sizes)]
        gate.open.set()
        got = [job.result(RESULT_TIMEOUT_S) for job in jobs]
        assert first.result(RESULT_TIMEOUT_S) == [engine.suggest(notes(1)[0]).to_dict()]
    finally:
        q.close()
    for i, (n, payloads) in enumerate(zip(sizes, got, strict=True)):
        assert payloads == [engine.suggest(note, top=5).to_dict() for note in notes(n, start=i)]
    # 11 waiting notes in batches of at most 4: fewer batches than jobs
    assert q.stats().batches < 1 + len(sizes)
    assert q.stats().waiting_notes == 0


def test_requests_from_many_threads_each_get_their_own_notes(engine: Engine) -> None:
    q = queue(lambda: engine, window=0.005, batch_notes=8)
    try:
        with ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(q.submit, notes(1, start=i)) for i in range(24)]
            got = [f.result().result(RESULT_TIMEOUT_S) for f in futures]
    finally:
        q.close()
    for i, (payload,) in enumerate(got):
        assert payload["note_id"] == f"n{i}"
        assert payload == engine.suggest(notes(1, start=i)[0]).to_dict()


def test_work_that_cannot_start_in_time_is_refused_at_once(engine: Engine) -> None:
    gate = Gate(engine)
    # until a batch is timed the queue guesses 0.05 s a note: 0.5 s is 10 notes
    q = queue(gate, max_wait=0.5)
    try:
        held = q.submit(notes(1))
        assert gate.waiting.wait(RESULT_TIMEOUT_S)
        admitted = q.submit(notes(5))  # 6 notes, about 0.3 s
        with pytest.raises(OverloadedError) as refused:
            q.submit(notes(5))  # 11 notes, about 0.55 s
        assert refused.value.retry_after >= 1
        assert "busy" in str(refused.value)
        assert q.stats().refused == 1
        gate.open.set()
        assert len(held.result(RESULT_TIMEOUT_S)) == 1
        assert len(admitted.result(RESULT_TIMEOUT_S)) == 5
        # on an empty queue any job is taken, however large
        assert len(q.submit(notes(30)).result(RESULT_TIMEOUT_S)) == 30
    finally:
        q.close()


def test_the_queue_holds_at_most_max_notes(engine: Engine) -> None:
    gate = Gate(engine)
    q = queue(gate, max_notes=3)
    try:
        q.submit(notes(1))
        assert gate.waiting.wait(RESULT_TIMEOUT_S)
        q.submit(notes(2))
        with pytest.raises(OverloadedError):
            q.submit(notes(1))
    finally:
        gate.open.set()
        q.close()


def test_a_job_that_waited_past_twice_the_budget_is_refused_not_run(engine: Engine) -> None:
    gate = Gate(engine)
    q = queue(gate, max_wait=0.1)
    try:
        held = q.submit(notes(1))
        assert gate.waiting.wait(RESULT_TIMEOUT_S)
        late = q.submit(notes(1))  # 2 notes at 0.05 s: admitted
        time.sleep(0.5)  # the thread is held: the second job has waited > 2 x 0.1 s
        gate.open.set()
        assert len(held.result(RESULT_TIMEOUT_S)) == 1
        with pytest.raises(OverloadedError, match="waited too long"):
            late.result(RESULT_TIMEOUT_S)
    finally:
        q.close()
    assert q.stats().waiting_notes == 0


def test_no_engine_fails_the_jobs_of_the_batch_and_the_queue_goes_on(engine: Engine) -> None:
    answers = iter([ModelError("model not loaded"), engine])

    def engine_or_none() -> Engine:
        answer = next(answers)
        if isinstance(answer, ModelError):
            raise answer
        return answer

    q = queue(engine_or_none)
    try:
        with pytest.raises(ModelError):
            q.submit(notes(1)).result(RESULT_TIMEOUT_S)
        assert len(q.submit(notes(2)).result(RESULT_TIMEOUT_S)) == 2
    finally:
        q.close()


def test_closing_refuses_what_is_still_queued(engine: Engine) -> None:
    gate = Gate(engine)
    q = queue(gate)
    held = q.submit(notes(1))
    assert gate.waiting.wait(RESULT_TIMEOUT_S)
    queued = q.submit(notes(1))
    closer = threading.Thread(target=q.close)
    closer.start()
    with pytest.raises(OverloadedError, match="shutting down"):
        queued.result(RESULT_TIMEOUT_S)
    gate.open.set()
    closer.join(RESULT_TIMEOUT_S)
    assert len(held.result(RESULT_TIMEOUT_S)) == 1
    with pytest.raises(OverloadedError):
        q.submit(notes(1))


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/suggest", {"note_id": "a", "text": TEXTS[0]}),
        ("/v1/suggest:batch", {"notes": [{"note_id": "a", "text": TEXTS[0]}]}),
    ],
)
def test_the_api_answers_503_with_retry_after_when_the_queue_is_full(
    engine: Engine, store: Store, keys: dict[str, str], path: str, body: dict[str, object]
) -> None:
    app = create_app(engine, store)
    gate = Gate(engine)
    app.state.engine_queue = queue(gate, max_notes=1)
    with TestClient(app, headers=bearer(keys["coder"])) as client:
        held = app.state.engine_queue.submit(notes(1))
        assert gate.waiting.wait(RESULT_TIMEOUT_S)
        answer = client.post(path, json=body)
        gate.open.set()
        assert len(held.result(RESULT_TIMEOUT_S)) == 1
        assert answer.status_code == 503
        assert int(answer.headers["Retry-After"]) >= 1
        assert "busy" in answer.json()["detail"]
        assert client.post(path, json=body).status_code == 200
