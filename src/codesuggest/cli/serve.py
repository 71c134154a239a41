"""``codesuggest serve``: run the HTTP API and the review page with uvicorn."""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from codesuggest.cli.common import fail, handled_errors, load_engine
from codesuggest.cli.db import DbOption

if TYPE_CHECKING:
    from codesuggest.store import Store

FIRST_KEY = "admin"


def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default: settings).")] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port (default: settings).")
    ] = None,
    model: Annotated[
        Path | None, typer.Option(metavar="DIR", help="Model directory (default: configured).")
    ] = None,
    db: DbOption = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Server processes, each with its own engine (default: CODESUGGEST_WORKERS, "
            "else one per core).",
        ),
    ] = None,
) -> None:
    """Serve the API (/v1/...), the review page (/) and the health checks.

    The model is loaded and the database migrated before binding. When the database has no
    API key yet, an admin key is created and printed once, so the first user can sign in.
    With several workers each process loads the model itself; all follow promotions.
    """
    import uvicorn

    from codesuggest.api.main import create_app
    from codesuggest.api.served import configure_logging
    from codesuggest.settings import get_settings

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    processes = workers or settings.workers or os.cpu_count() or 1
    check_port_free(host, port)  # before the slow model load: a busy port is one line
    configure_logging()
    with handled_errors():
        engine = load_engine(model)
        store = open_store(db)
    typer.echo(f"model {engine.info.name} {engine.info.version} loaded", err=True)
    if processes > 1:
        if store is not None:
            store.close()
        del engine  # each worker loads its own; this process only supervises them
        warn_on_local_rate_limits(processes)
        typer.echo(f"serving with {processes} worker processes", err=True)
        with passed_on(model, db):
            uvicorn.run(
                "codesuggest.api.served:serve_app",
                factory=True,
                workers=processes,
                host=host,
                port=port,
                log_level=settings.log_level.lower(),
            )
        return
    app = create_app(engine, store, store_url=db)
    app.state.serving = True  # warm the code search
    app.state.follow_models = model is None  # a named model is served until the end
    try:
        uvicorn.run(app, host=host, port=port, log_level=settings.log_level.lower())
    finally:
        if store is not None:
            store.close()


@contextmanager
def passed_on(model: Path | None, db: str | None) -> Iterator[None]:
    """``--model`` and ``--db`` in the environment as their settings while the block runs, so
    the worker processes uvicorn starts load that model and open that database."""
    from codesuggest.settings import get_settings

    values = {"CODESUGGEST_MODEL": str(model.resolve()) if model else None}
    values["CODESUGGEST_DATABASE_URL"] = db
    before = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is not None:
                os.environ[name] = value
        get_settings.cache_clear()
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()


def warn_on_local_rate_limits(processes: int) -> None:
    """Per-key rate limits kept in memory are counted by each process on its own."""
    from codesuggest.settings import get_settings

    if get_settings().rate_limit_storage.startswith("memory://"):
        typer.echo(
            f"warning: rate limits are counted in memory, by each of the {processes} processes "
            "on its own (a key may make up to that many times its limit); set "
            "CODESUGGEST_RATE_LIMIT_STORAGE=redis://HOST:PORT to share them",
            err=True,
        )


def open_store(db: str | None) -> Store | None:
    """The migrated store, with a first admin key when it has none; ``None`` when the database
    cannot be reached now: the server then starts not ready (``/health/ready`` answers 503)
    and opens it on the first request after it answers."""
    from codesuggest.errors import StoreUnavailableError
    from codesuggest.store import Store

    try:
        store = Store.open(db)
    except StoreUnavailableError as exc:
        typer.echo(
            f"warning: database unavailable ({exc}); serving anyway, not ready until it "
            "answers (GET /health/ready says 503 until then)",
            err=True,
        )
        return None
    first_key(store)
    typer.echo(f"store {store.display_url}", err=True)
    return store


def check_port_free(host: str, port: int) -> None:
    """Fail on one line when ``host:port`` cannot be listened on (in use, or no such host)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise fail(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            if exc.errno == errno.EADDRINUSE:
                raise fail(f"port {port} on {host} is in use: {reason}") from None
            raise fail(f"cannot listen on {host}:{port}: {reason}") from None


def first_key(store: Store) -> None:
    """On a store without keys, create the ``admin`` key and print it, once, on stderr."""
    if store.list_keys():
        return
    key, plaintext = store.create_key(FIRST_KEY, "admin")
    typer.echo(
        f"No API keys yet: created admin key {key.name!r}. It is shown only now:\n\n"
        f"    {plaintext}\n\n"
        "Sign in to the review page with it, and make keys for coders with\n"
        "    codesuggest keys create --role coder --name NAME",
        err=True,
    )
