"""Worker processes that each load one engine, for ``batch`` and ``audit`` runs.

medspaCy pipelines cannot be pickled, so a worker loads its own engine the first time it is
handed work and keeps it for the rest of the pool's life.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from codesuggest.errors import CodeSuggestError, ModelError

if TYPE_CHECKING:
    from codesuggest.engine import Engine

T = TypeVar("T")

_ENGINES: dict[str | None, Engine] = {}


def in_worker(model: str | None, work: Callable[[Engine], T]) -> T:
    """Run ``work`` on this process's engine for ``model`` (loaded once per process).

    Errors of the engine come back to the parent as plain ``ModelError`` or
    ``CodeSuggestError``, which pickle whatever their ``__init__`` takes."""
    from codesuggest.engine import Engine
    from codesuggest.process_heap import settle_chunk, settled_heap

    try:
        engine = _ENGINES.get(model)
        if engine is None:
            with settled_heap():
                engine = _ENGINES[model] = Engine.load(model)
        done = work(engine)
        settle_chunk()
        return done
    except CodeSuggestError as exc:
        portable = ModelError if isinstance(exc, ModelError) else CodeSuggestError
        raise portable(str(exc)) from None
