"""The app each process of ``codesuggest serve --workers N`` runs.

uvicorn starts the processes itself and builds each one's app with :func:`serve_app` (a
factory named by import string). The parent passes what it resolved through the environment
(``CODESUGGEST_MODEL`` when a model was named, ``CODESUGGEST_DATABASE_URL`` when a database
was), so every process loads the same model and opens the same database. Each process then
warms its code search and follows promotions (codesuggest.api.model_follow).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI

from codesuggest.api.loop_priority import prefer_the_loop
from codesuggest.api.main import create_app
from codesuggest.settings import get_settings

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging() -> None:
    """codesuggest's log lines on stderr at the ``log_level`` setting (uvicorn configures only
    its own loggers)."""
    logging.basicConfig(level=get_settings().log_level.upper(), format=LOG_FORMAT)


def serve_app() -> FastAPI:
    """A server process's app: model and store opened at start-up, promotions followed."""
    configure_logging()
    prefer_the_loop()
    app = create_app()
    app.state.serving = True
    app.state.follow_models = True  # a model named to `serve` is CODESUGGEST_MODEL: pinned
    return app
