"""``codesuggest info`` (and ``--version``): the version, the home, the model and the store
this command line uses, and whether they exist yet."""

from __future__ import annotations

import json
from pathlib import Path

import typer

BUILD_DEFAULT = "run `make install` in the checkout or `codesuggest models build-default`"


def about() -> list[str]:
    """Lines naming the version and where the home, the model and the database are."""
    from codesuggest import __version__
    from codesuggest.errors import ConfigError
    from codesuggest.registry import model_origin, resolve_model_path
    from codesuggest.settings import get_settings

    settings = get_settings()
    lines = [f"codesuggest {__version__}", f"home:     {settings.home} ({settings.home_origin})"]
    try:
        model = resolve_model_path(settings)
        lines.append(f"model:    {model} ({model_origin(settings)}; {_model_state(model)})")
    except ConfigError as exc:
        lines.append(f"model:    none ({exc})")
    lines.append(f"database: {_store_line(settings.store_url, settings.store_path)}")
    return lines


def _model_state(path: Path) -> str:
    from codesuggest.model_dir import CARD

    try:
        card = json.loads((path / CARD).read_text("utf-8"))
    except FileNotFoundError:
        return f"not there: {BUILD_DEFAULT}" if path.name == "default" else "not there"
    except (OSError, ValueError) as exc:
        return f"unreadable model card: {exc}"
    if not isinstance(card, dict):
        return "unreadable model card"
    return f"{card.get('name', '?')} {card.get('version', '?')}"


def _store_line(url: str, path: Path | None) -> str:
    if path is None:
        from codesuggest.store.db import masked, normalize_url

        return f"{masked(normalize_url(url))} (CODESUGGEST_DATABASE_URL)"
    if path.is_file():
        return f"{url}"
    return f"{url} (none yet: `codesuggest serve`, `db upgrade` or `keys create` creates it)"


def info() -> None:
    """Print the version, the home, the model that loads by default and the database."""
    for line in about():
        typer.echo(line)


def version_option(value: bool) -> None:
    """``--version``: print :func:`about` and exit."""
    if value:
        info()
        raise typer.Exit()
