"""Typed settings for the service and the CLI: one object, read from ``CODESUGGEST_*``.

No other module reads the environment. ``get_settings()`` is cached; tests call
``get_settings.cache_clear()`` after changing the environment.

The home (models, the SQLite store) is ``CODESUGGEST_HOME`` when set; else, when codesuggest
runs from a source checkout (an editable install, or ``PYTHONPATH=src``), the checkout's
``var/`` folder, so that ``make serve``, the CLI in a plain shell and the notebooks of a
checkout share one home; else ``~/.codesuggest``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

USER_HOME = "~/.codesuggest"
_PROJECT_NAME = re.compile(r'^\s*name\s*=\s*["\']codesuggest["\']\s*$', re.MULTILINE)


def checkout_root(package_dir: Path | None = None) -> Path | None:
    """The source checkout the package runs from, or ``None`` for an installed package.

    A checkout is the folder holding ``src/codesuggest`` (``package_dir``, default this
    package), with a ``Makefile`` and a ``pyproject.toml`` naming the project codesuggest.
    """
    package = (package_dir or Path(__file__).parent).resolve()
    if package.parent.name != "src":
        return None
    root = package.parent.parent
    if not (root / "Makefile").is_file():
        return None
    try:
        pyproject = (root / "pyproject.toml").read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return root if _PROJECT_NAME.search(pyproject) else None


def default_home(package_dir: Path | None = None) -> Path:
    """The home when ``CODESUGGEST_HOME`` is not set: the checkout's ``var/`` when running
    from a source checkout, else ``~/.codesuggest``."""
    root = checkout_root(package_dir)
    return root / "var" if root is not None else Path(USER_HOME).expanduser()


class Settings(BaseSettings):
    """Settings shared by the engine, the CLI and the API."""

    model_config = SettingsConfigDict(env_prefix="CODESUGGEST_", extra="ignore")

    home: Path = Field(
        default_factory=default_home,
        description="Where models and data live: a source checkout's var/, else ~/.codesuggest.",
    )
    model: Path | None = Field(
        default=None, description="Model directory to load; default: the promoted or default model."
    )
    max_note_chars: int = Field(default=200_000, ge=1, description="Longest note accepted.")
    default_top: int = Field(default=15, ge=1, le=200, description="Suggestions returned per note.")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: str = "INFO"
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the store; default: SQLite at HOME/codesuggest.db.",
    )
    batch_max_notes: int = Field(
        default=100, ge=1, le=10_000, description="Most notes in one POST /v1/suggest:batch."
    )
    rate_limit: str = Field(
        default="600/minute",
        description="Requests each API key may make, as COUNT/second|minute|hour.",
    )
    rate_limit_storage: str = Field(
        default="memory://",
        description="Where rate-limit counters live: memory:// or redis://HOST:PORT.",
    )
    rate_limit_hold_ms: int = Field(
        default=1000,
        ge=0,
        le=10_000,
        description=(
            "How long a 429 is held before it is sent (never past its Retry-After), so a client "
            "that ignores Retry-After slows down; 0: at once."
        ),
    )
    workers: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="Server processes for 'codesuggest serve'; default: one per core.",
    )
    queue_max_wait_ms: int = Field(
        default=400,  # with a batch's ranking, an admitted request answers within a second
        ge=1,
        le=60_000,
        description=(
            "Admission control: a request for suggestions is refused at once (503, Retry-After) "
            "when the work queued ahead of it in its process would keep it waiting longer."
        ),
    )
    queue_max_notes: int = Field(
        default=256, ge=1, le=100_000, description="Most notes queued in one server process."
    )
    max_in_flight: int = Field(
        default=256,
        ge=1,
        le=100_000,
        description="Requests in progress in one server process beyond which more get 503.",
    )
    batch_window_ms: float = Field(
        default=2.0,
        ge=0,
        le=100,
        description="How long an idle engine waits for more requests to rank with the first.",
    )
    engine_batch_notes: int = Field(
        default=16, ge=1, le=1_000, description="Most notes the server ranks in one batch."
    )
    run_queue_max: int = Field(
        default=10_000,
        ge=1,
        le=1_000_000,
        description=(
            "Suggestion runs one server process holds for the store while it writes them "
            "(or while the database is down); beyond this a run is not recorded (counted)."
        ),
    )
    store_notes: bool = Field(
        default=True,
        description="Keep note text and suggestions served by the API, so feedback can retrain.",
    )
    audit_chunk_notes: int = Field(
        default=64,
        ge=1,
        le=100_000,
        description="Notes in one checkpointed chunk of a local audit (what a killed run redoes).",
    )
    spark_master: str | None = Field(
        default=None,
        description="Spark master of `audit --engine spark`; default: local[WORKERS,4].",
    )
    spark_die_once: Path | None = Field(
        default=None,
        description="Test only: the first Spark audit worker to find this file absent creates "
        "it and exits, so that the tests see Spark retry a worker that died.",
    )

    @property
    def home_origin(self) -> str:
        """Why the home is where it is, in words."""
        if "home" in self.model_fields_set:
            return "CODESUGGEST_HOME"
        if checkout_root() is not None:
            return "the source checkout's var/"
        return f"the default, {USER_HOME}"

    @property
    def store_path(self) -> Path | None:
        """The SQLite file of the default store, or ``None`` when ``database_url`` is set."""
        return None if self.database_url else self.home / "codesuggest.db"

    @property
    def models_dir(self) -> Path:
        """Folder holding model directories (one per model name)."""
        return self.home / "models"

    @property
    def store_url(self) -> str:
        """The store's SQLAlchemy URL: ``database_url`` or SQLite under ``home``."""
        return self.database_url or f"sqlite:///{self.store_path}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, validated once."""
    return Settings()
