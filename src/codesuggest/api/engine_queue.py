"""One engine thread per server process, fed by a bounded queue (admission control).

Suggesting is CPU-bound Python: requests raced in the web server's threadpool fight over the
interpreter lock, so each one takes longer the more there are, and a queue that nobody bounds
grows until clients time out. Here every request for suggestions becomes a job on one queue; a
single thread takes the jobs that are waiting (after a short batching window when it was idle),
ranks their notes together with ``Engine.suggest_many`` and hands each job its results.

Admission: a job is refused at once (:class:`~codesuggest.errors.OverloadedError`, a 503 with
``Retry-After``) when the work already queued, at the measured time per note, would keep it
waiting longer than ``max_wait`` seconds, or when the queue holds ``max_notes`` notes. A job on
an empty queue is always taken, however large. A job that has waited past twice ``max_wait``
when its turn comes (the estimate was wrong) is refused rather than run for a client that has
probably gone.
"""

from __future__ import annotations

import logging
import math
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from codesuggest.engine import Engine
from codesuggest.errors import OverloadedError
from codesuggest.types import Note

log = logging.getLogger(__name__)

Payload = dict[str, Any]
_FIRST_GUESS_S = 0.05  # seconds per note until the first batch has been timed
_STEP_NOTES = 2  # notes ranked between two chances for the event loop to go first
_RECENT = 15  # batches whose time per note is remembered; their median is the estimate


@dataclass
class _Job:
    notes: list[Note]
    top: int | None
    queued_at: float
    future: Future[list[Payload]] = field(default_factory=Future)
    systems: frozenset[str] | None = None  # the code systems kept (None: all)

    @property
    def ask(self) -> tuple[int | None, frozenset[str] | None]:
        """What the job asks of each note: jobs asking the same are ranked together."""
        return self.top, self.systems


@dataclass(frozen=True)
class QueueStats:
    """What the queue holds now and what it has done (for /metrics and the tests)."""

    waiting_notes: int
    seconds_per_note: float
    batches: int
    refused: int


class EngineQueue:
    """Run suggestions on one thread, in small batches, refusing work it cannot finish in time."""

    def __init__(
        self,
        engine: Callable[[], Engine],
        *,
        max_wait: float,
        max_notes: int,
        window: float,
        batch_notes: int,
        give_way: Callable[[], None] | None = None,
    ) -> None:
        """``give_way`` is called by the engine thread between notes (the event loop first:
        codesuggest.api.loop_priority)."""
        self._engine = engine
        self._give_way = give_way
        self.max_wait = max_wait
        self.max_notes = max_notes
        self.window = window
        self.batch_notes = batch_notes
        self._jobs: deque[_Job] = deque()
        self._waiting_notes = 0  # queued or being ranked
        self._per_note = _FIRST_GUESS_S
        self._recent: deque[float] = deque(maxlen=_RECENT)
        self._batches = 0
        self._refused = 0
        self._ready = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(
        self,
        notes: Sequence[Note],
        top: int | None = None,
        systems: frozenset[str] | None = None,
    ) -> Future[list[Payload]]:
        """Queue ``notes``; the future gives one suggestion payload per note, in order (codes
        of ``systems`` only, when given). :class:`OverloadedError` at once when the queue
        cannot take them in time."""
        job = _Job(list(notes), top, time.monotonic(), systems=systems)
        with self._ready:
            if self._closed:
                raise OverloadedError("server is shutting down", retry_after=1)
            self._admit(len(job.notes))
            self._jobs.append(job)
            self._waiting_notes += len(job.notes)
            self._ensure_thread()
            self._ready.notify()
        return job.future

    def busy(self) -> int | None:
        """Seconds until the queued work is done when it is more than the wait budget (a new
        request would be refused), else ``None``."""
        with self._ready:
            if self._waiting_notes == 0 or self._wait(0) <= self.max_wait:
                return None
            self._refused += 1
            return self._retry_after()

    def stats(self) -> QueueStats:
        with self._ready:
            return QueueStats(self._waiting_notes, self._per_note, self._batches, self._refused)

    def open(self) -> None:
        """Take jobs again after :meth:`close` (an app started a second time)."""
        with self._ready:
            self._closed = False

    def close(self, timeout: float = 5.0) -> None:
        """Stop taking jobs; jobs still queued are refused; wait for the current batch."""
        with self._ready:
            self._closed = True
            pending = list(self._jobs)
            self._jobs.clear()
            self._ready.notify_all()
            thread = self._thread
        for job in pending:
            job.future.set_exception(OverloadedError("server is shutting down", retry_after=1))
        if thread is not None:
            thread.join(timeout)

    def _admit(self, count: int) -> None:
        if self._waiting_notes == 0:
            return
        wait = self._wait(count)
        if wait > self.max_wait or self._waiting_notes + count > self.max_notes:
            self._refused += 1
            raise OverloadedError(
                f"server busy: {self._waiting_notes} notes queued (about {wait:.1f} s of work)",
                retry_after=self._retry_after(),
            )

    def _wait(self, more: int) -> float:
        """Seconds of work queued, with ``more`` notes added, at the time per note measured."""
        return (self._waiting_notes + more) * self._per_note

    def _retry_after(self) -> int:
        return max(1, math.ceil(self._wait(0)))

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="engine", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            batch = self._take()
            if batch is None:
                return
            self._rank(batch)

    def _take(self) -> list[_Job] | None:
        """The jobs of the next batch: those waiting, up to ``batch_notes`` notes (a larger
        job alone), after waiting up to ``window`` for company when only one job was waiting."""
        with self._ready:
            while not self._jobs:
                if self._closed:
                    return None
                self._ready.wait()
            if len(self._jobs) == 1 and self.window > 0:
                deadline = time.monotonic() + self.window
                while len(self._jobs) == 1 and not self._closed:
                    left = deadline - time.monotonic()
                    if left <= 0 or not self._ready.wait(left):
                        break
            batch = [self._jobs.popleft()]
            size = len(batch[0].notes)
            while self._jobs and size + len(self._jobs[0].notes) <= self.batch_notes:
                job = self._jobs.popleft()
                batch.append(job)
                size += len(job.notes)
        return batch

    def _rank(self, batch: list[_Job]) -> None:
        started = time.monotonic()
        live: list[_Job] = []
        for job in batch:
            if started - job.queued_at > 2 * self.max_wait:
                self._finish(job, error=OverloadedError("server busy: waited too long"))
            elif job.future.set_running_or_notify_cancel():
                live.append(job)
            else:
                self._finish(job)
        ranked = sum(len(job.notes) for job in live)
        if ranked:
            try:
                engine = self._engine()
            except Exception as exc:  # no engine now: every job of the batch hears it
                for job in live:
                    self._finish(job, error=exc)
            else:
                for ask in dict.fromkeys(job.ask for job in live):
                    group = [job for job in live if job.ask == ask]
                    try:
                        self._rank_group(engine, group, *ask)
                    except Exception as exc:
                        self._finish(group[0], error=exc)
        elapsed = time.monotonic() - started
        with self._ready:
            if ranked:
                self._batches += 1
                # the median of recent batches: a slow first batch (caches filling) or a pause
                # of the machine does not shut the door on the requests that follow
                self._recent.append(elapsed / ranked)
                self._per_note = statistics.median(self._recent)

    def _rank_group(
        self,
        engine: Engine,
        jobs: list[_Job],
        top: int | None,
        systems: frozenset[str] | None = None,
    ) -> None:
        notes = [note for job in jobs for note in job.notes]
        try:
            payloads = []
            ranked = engine.suggest_many(notes, top=top, systems=systems, batch_size=_STEP_NOTES)
            for result in ranked:
                payloads.append(result.to_dict())
                if self._give_way is not None:
                    self._give_way()
        except Exception:
            if len(jobs) == 1:
                raise
            # one job's note broke the batch: rank each alone, so only that job fails
            for job in jobs:
                try:
                    self._rank_group(engine, [job], top, systems)
                except Exception as exc:
                    self._finish(job, error=exc)
            return
        start = 0
        for job in jobs:
            end = start + len(job.notes)
            self._finish(job, result=payloads[start:end])
            start = end

    def _finish(
        self, job: _Job, result: list[Payload] | None = None, error: Exception | None = None
    ) -> None:
        """Give ``job`` its result or error (unless cancelled) and take it off the count."""
        with self._ready:
            self._waiting_notes -= len(job.notes)
        if job.future.done():
            return
        if error is not None:
            job.future.set_exception(error)
        else:
            job.future.set_result(result or [])
