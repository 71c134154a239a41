"""What every command shares: turning expected errors into one line and loading the engine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from codesuggest.errors import CodeSuggestError

if TYPE_CHECKING:
    from codesuggest.engine import Engine


def fail(message: str) -> typer.Exit:
    """Print ``error: message`` on stderr and return the exit to raise (code 1)."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


def describe(exc: BaseException) -> str:
    """One line for an expected error: its message, or its class name when it has none."""
    if isinstance(exc, OSError) and exc.strerror and exc.filename is not None:
        return f"{exc.strerror}: {exc.filename}"
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


@contextmanager
def handled_errors() -> Iterator[None]:
    """Turn codesuggest, file and decoding errors into ``error: ...`` and exit code 1."""
    try:
        yield
    except (CodeSuggestError, OSError, UnicodeDecodeError) as exc:
        raise fail(describe(exc)) from None


def load_engine(model: Path | None) -> Engine:
    """Load the engine from ``model`` (or the configured default), failing on one line."""
    from codesuggest.engine import Engine  # imported late: spaCy makes it slow to import

    check_model_dir(model)
    return Engine.load(model)


def check_model_dir(model: Path | None) -> None:
    """Fail on one line when an explicitly given model directory does not exist."""
    if model is not None and not model.exists():
        raise fail(f"no model directory at {model}")
