"""Typed settings for the service and the CLI: one object, read from ``CODESUGGEST_*``.

No other module reads the environment. ``get_settings()`` is cached; tests call
``get_settings.cache_clear()`` after changing the environment.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    return Path.home() / ".codesuggest"


class Settings(BaseSettings):
    """Settings shared by the engine, the CLI and the API."""

    model_config = SettingsConfigDict(env_prefix="CODESUGGEST_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="Where models and data live.")
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
    store_notes: bool = Field(
        default=True,
        description="Keep note text and suggestions served by the API, so feedback can retrain.",
    )

    @property
    def models_dir(self) -> Path:
        """Folder holding model directories (one per model name)."""
        return self.home / "models"

    @property
    def store_url(self) -> str:
        """The store's SQLAlchemy URL: ``database_url`` or SQLite under ``home``."""
        return self.database_url or f"sqlite:///{self.home / 'codesuggest.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, validated once."""
    return Settings()
