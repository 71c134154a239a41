"""``codesuggest models ...``: build and manage model directories."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codesuggest.cli.common import describe, handled_errors

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
    from codesuggest.errors import ModelError, ModelNotFoundError
    from codesuggest.settings import get_settings
    from codesuggest.training.default_model import build_default_model, recipe_fingerprint

    target = out if out is not None else get_settings().models_dir / "default"
    with handled_errors():
        if if_missing:
            try:
                engine = Engine.load(target)
                info = engine.info
                if engine.model_card.recipe != recipe_fingerprint():
                    raise ModelError("it was built from other lexicon or rule data")
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


@app.command("list")
def list_cmd() -> None:
    """List the models in <home>/models; * marks the one that loads by default (the promoted
    one, else default, unless CODESUGGEST_MODEL names another)."""
    from codesuggest.registry import list_models, resolve_model_path
    from codesuggest.settings import get_settings

    settings = get_settings()
    with handled_errors():
        entries = list_models(settings)
        default = resolve_model_path(settings)
    if not entries:
        typer.echo(
            f"no models in {settings.models_dir}: `codesuggest models build-default` builds "
            "the default one, `codesuggest train` trains others",
            err=True,
        )
    width = max((len(e.name) for e in entries), default=0)
    for entry in entries:
        mark = "*" if entry.active else " "
        about = entry.summary.one_line() if entry.summary is not None else entry.problem
        typer.echo(f"{mark} {entry.name:<{width}}  {about}")
    typer.echo(f"loads by default: {default}", err=True)


@app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="A model folder name in <home>/models.")],
) -> None:
    """Print a model's card: version, creation, training data, metrics, code sets, checksums."""
    from codesuggest.registry import model_path, show_model

    with handled_errors():
        path = model_path(name)
        summary, problem = show_model(name)
    typer.echo(f"model: {name} ({path})")
    for line in summary.lines():
        typer.echo(line)
    typer.echo("checksums: OK" if problem is None else f"checksums: NOT OK ({problem})")


@app.command("promote")
def promote(
    name: Annotated[str, typer.Argument(help="A model folder name in <home>/models.")],
) -> None:
    """Make NAME the active model, once it loads with every checksum matching its card."""
    from codesuggest.promotion import promote as promote_model

    with handled_errors():
        path = promote_model(name)
    typer.echo(f"promoted {name} ({path}); it loads by default unless CODESUGGEST_MODEL is set")
