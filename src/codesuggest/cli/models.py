"""``codesuggest models ...``: build and manage model directories."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codesuggest.cli.common import describe, handled_errors
from codesuggest.errors import ModelError, ModelNotFoundError
from codesuggest.settings import get_settings

app = typer.Typer(help="Build and manage models.", no_args_is_help=True)


@app.command("build-default")
def build_default(
    out: Annotated[
        Path | None,
        typer.Option(metavar="DIR", help="Where to build (default: <home>/models/default)."),
    ] = None,
    if_missing: Annotated[
        bool, typer.Option("--if-missing", help="Do nothing when a loadable model is there.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Random seed for the synthetic training set.")] = 0,
) -> None:
    """Build the default model from the shipped synthetic notes (takes a few minutes)."""
    from codesuggest.engine import Engine
    from codesuggest.training.default_model import build_default_model

    target = out if out is not None else get_settings().models_dir / "default"
    with handled_errors():
        if if_missing:
            try:
                info = Engine.load(target).info
            except ModelNotFoundError:
                pass
            except ModelError as exc:
                typer.echo(
                    f"model at {target} does not load ({describe(exc)}); rebuilding", err=True
                )
            else:
                typer.echo(f"model {info.name} {info.version} already at {target}", err=True)
                return
        target.parent.mkdir(parents=True, exist_ok=True)
        built = build_default_model(target, seed=seed, progress=True)
    typer.echo(f"built default model at {built}", err=True)
