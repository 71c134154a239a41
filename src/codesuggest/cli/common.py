"""What every command shares: turning expected errors into one line and loading the engine."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from codesuggest.errors import CodeSuggestError

if TYPE_CHECKING:
    from codesuggest.engine import Engine


def kept_systems(values: list[str] | None) -> frozenset[str] | None:
    """``--system`` (repeated, or comma-separated) as the systems kept (None: all); an unknown
    one is a usage error (exit code 2) that names it."""
    from codesuggest.codesets.systems import system_filter
    from codesuggest.errors import InputError

    try:
        return system_filter(values)
    except InputError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--system'") from None


SystemOption = Annotated[
    list[str] | None,
    typer.Option(
        "--system",
        metavar="SYSTEM",
        help=(
            "Only codes of this system: ICD-10-CM, ICD-10-PCS, CPT or HCPCS (any spelling: "
            "icd10cm, cpt); repeat it or separate systems with commas."
        ),
    ),
]


def exit_on_sigterm() -> None:
    """Make SIGTERM (``kill``, a scheduler's stop) exit through Python, with status 143, so
    that what a command was writing is removed (codesuggest.io.atomic) rather than left half
    written. ``serve`` hands the signal to uvicorn, which stops gracefully."""
    if threading.current_thread() is threading.main_thread():  # signal's own condition
        signal.signal(signal.SIGTERM, _exit_143)


def _exit_143(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


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
        from codesuggest.registry import missing_model_hint

        raise fail(f"no model directory at {model}: {missing_model_hint(model)}")


_teardown_skipped = False  # see ``skip_teardown``


def skip_teardown() -> None:
    """Call from a command whose process ends with it once its engine is loaded (a batch, an
    evaluation run as the ``codesuggest`` command, not a worker or the service): when the
    command has ended, :func:`exit_process` ends the process without the interpreter's
    teardown, which freed every object of the engine and its caches one by one (about a
    second of CPU after a batch of 2,751 notes, 3% of it). Has effect only through
    ``cli.main.run``, the console command: a command invoked in-process (tests,
    ``CliRunner``) returns as ever."""
    global _teardown_skipped
    _teardown_skipped = True


def teardown_skipped() -> bool:
    """Whether the command that ran asked :func:`skip_teardown`."""
    return _teardown_skipped


def exit_process(code: object) -> NoReturn:
    """End the process at once with the status ``SystemExit(code)`` gives, once the logging
    handlers and the standard streams are flushed: what the command wrote to files it has
    closed already (``codesuggest.io.atomic``); the atexit handlers are not run."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # as the interpreter does with a message
        print(code, file=sys.stderr)
        status = 1
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed pipe ("| head"), a closed stream
            stream.flush()
    os._exit(status)
