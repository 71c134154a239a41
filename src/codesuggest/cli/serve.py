"""``codesuggest serve``: run the HTTP API and the review page with uvicorn."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from codesuggest.cli.common import handled_errors, load_engine
from codesuggest.cli.db import DbOption
from codesuggest.settings import get_settings

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
    from codesuggest.store import Store

    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with handled_errors():
        engine = load_engine(model)
        store = Store.open(db)
        first_key(store)
    typer.echo(f"model {engine.info.name} {engine.info.version} loaded", err=True)
    typer.echo(f"store {store.display_url}", err=True)
    try:
        uvicorn.run(
            create_app(engine, store),
            host=host or settings.host,
            port=port or settings.port,
            log_level=settings.log_level.lower(),
        )
    finally:
        store.close()


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
