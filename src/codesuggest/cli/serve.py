"""``codesuggest serve``: run the HTTP API and the review page with uvicorn."""

from __future__ import annotations

import errno
import logging
import socket
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
) -> None:
    """Serve the API (/v1/...), the review page (/) and the health checks.

    The model is loaded and the database migrated before binding. When the database has no
    API key yet, an admin key is created and printed once, so the first user can sign in.
    """
    import uvicorn

    from codesuggest.api.main import create_app
    from codesuggest.codesets.search import warm_code_search
    from codesuggest.settings import get_settings

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    check_port_free(host, port)  # before the slow model load: a busy port is one line
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with handled_errors():
        engine = load_engine(model)
        # the code search's index is built beside the server's start, not in a first search
        warm_code_search(engine.codeset, engine.learned)
        store = open_store(db)
    typer.echo(f"model {engine.info.name} {engine.info.version} loaded", err=True)
    try:
        uvicorn.run(
            create_app(engine, store, store_url=db),
            host=host,
            port=port,
            log_level=settings.log_level.lower(),
        )
    finally:
        if store is not None:
            store.close()


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
