"""Serve the promoted model in every server process.

``POST /v1/models/{name}:promote`` (or ``codesuggest models promote``) changes which model is
active by writing the registry's pointer; with several server processes only the one that
answered the promotion swaps its engine itself. Each process of ``codesuggest serve`` therefore
looks at the pointer every few seconds and, when it names another model directory than the one
it serves, loads that one beside the old and swaps. A model that fails to load is logged and
not tried again until the pointer changes; the old one keeps serving. A change of the registered
user catalogs (``codesuggest codesets add`` / ``remove``) reloads the model the same way, so
a removed catalog's codes are no longer proposed a few seconds later.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from fastapi import FastAPI

from codesuggest.api.heap import settle_served_heap
from codesuggest.codesets import catalogs
from codesuggest.codesets.search import warm_code_search
from codesuggest.engine import Engine
from codesuggest.errors import CatalogError, ModelError
from codesuggest.registry import resolve_model_path, same_directory
from codesuggest.settings import get_settings

log = logging.getLogger(__name__)
INTERVAL_S = 2.0


class ModelFollower:
    """A daemon thread that keeps ``app.state.engine`` on the model the registry names."""

    def __init__(self, app: FastAPI, interval: float = INTERVAL_S) -> None:
        self.app = app
        self.interval = interval
        self._stop = threading.Event()
        self._failed: tuple[Path, str] | None = None  # what failed to load: model, catalogs
        self._thread = threading.Thread(target=self._run, name="model-follow", daemon=True)

    def start(self) -> ModelFollower:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 1)

    def check(self) -> bool:
        """Load and serve the named model if it is not the one served; whether it swapped."""
        settings = get_settings()
        wanted = resolve_model_path(settings)
        stamp = catalogs.stamp(settings.home)
        engine: Engine | None = self.app.state.engine
        if (
            engine is not None
            and same_directory(engine.path, wanted)
            and engine.catalog_stamp in (None, stamp)  # None: catalogs given, not the home's
        ):
            self._failed = None
            return False
        failed = self._failed
        if failed is not None and same_directory(failed[0], wanted) and failed[1] == stamp:
            return False
        try:
            loaded = Engine.load(wanted)
        except (ModelError, CatalogError) as exc:
            self._failed = (wanted, stamp)
            log.error("model %s with the registered catalogs does not load: %s", wanted.name, exc)
            return False
        self.app.state.engine = loaded
        self.app.state.engine_error = None
        del engine
        settle_served_heap()  # the old model may be garbage now; freeze the new one
        warm_code_search(loaded.codeset, loaded.learned)
        log.info("serving model %s %s (%s)", loaded.info.name, loaded.info.version, wanted.name)
        return True

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # a check must never end the thread
                log.exception("checking the active model failed")
