"""``codesuggest serve``: run the HTTP API with uvicorn."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from codesuggest.cli.common import handled_errors, load_engine
from codesuggest.settings import get_settings


def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default: settings).")] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port (default: settings).")
    ] = None,
    model: Annotated[
        Path | None, typer.Option(metavar="DIR", help="Model directory (default: configured).")
    ] = None,
) -> None:
    """Serve POST /v1/suggest and the health checks; the model is loaded before binding."""
    import uvicorn

    from codesuggest.api.main import create_app

    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with handled_errors():
        engine = load_engine(model)
    typer.echo(f"model {engine.info.name} {engine.info.version} loaded", err=True)
    uvicorn.run(
        create_app(engine),
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level.lower(),
    )
