"""Promoting a model of the registry (``codesuggest models promote``, ``POST
/v1/models/{name}:promote``): it becomes the active model once it loads with matching
checksums; the registry itself (:mod:`codesuggest.registry`) never loads an engine."""

from __future__ import annotations

from pathlib import Path

from codesuggest.engine import Engine
from codesuggest.registry import model_path, set_active
from codesuggest.settings import Settings, get_settings


def promote(name: str, settings: Settings | None = None) -> Path:
    """Make ``name`` the active model once it loads with matching checksums; its path.

    Raises :class:`~codesuggest.errors.ModelNotFoundError` for an unknown name and
    :class:`~codesuggest.errors.ChecksumMismatchError` (or another ``ModelError``) for a model
    that does not load; ``ACTIVE`` is left as it was then.
    """
    settings = settings or get_settings()
    path = model_path(name, settings)
    Engine.load(path)  # verifies every checksum and that this codesuggest can run it
    set_active(path, settings)
    return path
