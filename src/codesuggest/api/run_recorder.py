"""Suggestion runs kept in the store off the request path, many to a transaction.

A request for suggestions answers as soon as its codes are ranked; what it served goes on this
process's recorder, whose one thread writes what has gathered in a single transaction. Under
load that is one commit for dozens of runs instead of one per request (on SQLite, where writers
take turns, the turns were what made answers late), and a slow database no longer holds a
coder's answer.

Bounded: at most ``max_pending`` runs wait; beyond that a run is dropped with a warning and
counted (``codesuggest_runs_dropped``), as a store failure always dropped it before. While the
database is down the pending runs are kept and retried (every ``retry_s``, up to the bound), so
an outage loses only what overflows. :meth:`flush` waits until what was added before it is
written: feedback calls it so a decision on a note links to the run just served in this process.
:meth:`close` writes what is pending at shutdown.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

from codesuggest.errors import StoreError
from codesuggest.store import RunInput, Store
from codesuggest.text_policy import log_safe

log = logging.getLogger(__name__)

_BATCH_RUNS = 200  # most runs written in one transaction


class RunRecorder:
    """A bounded queue of runs and the one thread that stores them."""

    def __init__(
        self,
        store: Callable[[], Store],
        *,
        max_pending: int,
        retry_s: float = 1.0,
        on_drop: Callable[[int], None] | None = None,
    ) -> None:
        """``store`` gives the open store or raises :class:`StoreError` while there is none."""
        self._store = store
        self.max_pending = max_pending
        self.retry_s = retry_s
        self._on_drop = on_drop
        self._pending: deque[RunInput] = deque()
        self._added = 0  # runs accepted so far
        self._settled = 0  # of those, written or given up
        self.written = 0
        self.dropped = 0
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closing = False

    def add(self, run: RunInput) -> bool:
        """Queue ``run`` to be stored; False (dropped, counted, logged) when the queue is full."""
        with self._changed:
            if len(self._pending) >= self.max_pending or self._closing:
                self.dropped += 1
                full = len(self._pending)
            else:
                self._pending.append(run)
                self._added += 1
                self._ensure_thread()
                self._changed.notify_all()
                return True
        log.warning("suggest note_id=%s not recorded: %d runs waiting", log_safe(run.note_id), full)
        if self._on_drop is not None:
            self._on_drop(1)
        return False

    def flush(self, timeout: float = 2.0) -> bool:
        """Wait until every run added before this call is stored (or given up); False when
        ``timeout`` passed first (the database is slow or down)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            target = self._added
            while self._settled < target:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def open(self) -> None:
        """Take runs again after :meth:`close` (an app started a second time)."""
        with self._changed:
            self._closing = False

    def pending(self) -> int:
        with self._changed:
            return len(self._pending)

    def close(self, timeout: float = 10.0) -> None:
        """Store what is pending (for up to ``timeout`` s), then stop; later runs are dropped."""
        self.flush(timeout)
        with self._changed:
            self._closing = True
            self._changed.notify_all()
            thread = self._thread
            lost = len(self._pending)
        if thread is not None:
            thread.join(timeout)
        if lost:
            log.warning("%d suggestion runs not recorded at shutdown: no store answered", lost)

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="run-recorder", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._pending and not self._closing:
                    self._changed.wait()
                if not self._pending:
                    return
                batch = [self._pending[i] for i in range(min(_BATCH_RUNS, len(self._pending)))]
            stored = self._write(batch)
            with self._changed:
                if stored is not None or self._closing:
                    for _ in batch:
                        self._pending.popleft()
                    self._settled += len(batch)
                    self.written += stored or 0
                    self._changed.notify_all()
                    continue
            time.sleep(self.retry_s)  # the database is down: keep the runs, try again

    def _write(self, batch: list[RunInput]) -> int | None:
        """How many runs of ``batch`` were stored (a run the store refuses is logged and left
        out); None to try the batch again later (the store is unavailable)."""
        try:
            self._store().record_runs(batch)
        except StoreError as exc:
            log.warning("%d suggestion runs not recorded yet: %s", len(batch), log_safe(exc))
            return None
        except Exception:  # one bad run must not lose the others, nor stop the thread
            if len(batch) == 1:
                log.exception("suggest note_id=%s not recorded", log_safe(batch[0].note_id))
                return 0
            return sum(self._write([run]) or 0 for run in batch)
        return len(batch)
