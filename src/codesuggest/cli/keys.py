"""``codesuggest keys ...``: create, list and revoke the API's keys.

``keys create`` prints the new key alone on the last line of stdout (and a note about it on
stderr), so that a script can take it with ``| tail -n1``; the key is not shown again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from codesuggest.cli.common import fail, handled_errors
from codesuggest.cli.db import NO_DATABASE, DbOption, open_existing, where

# how long a server process may still accept a revoked key: the lifetime of its key cache
# (api/auth.py KEY_CACHE_SECONDS; a test keeps the two equal without importing the API here)
REVOCATION_DELAY = 30

app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)


@app.command("create")
def create(
    role: Annotated[
        str,
        typer.Option(metavar="ROLE", help="What the key may do: coder, auditor, trainer or admin."),
    ],
    name: Annotated[
        str, typer.Option(metavar="NAME", help="A unique name: letters, digits, . _ @ -.")
    ],
    rate_limit: Annotated[
        str | None,
        typer.Option(
            metavar="N/UNIT",
            help="Requests allowed, e.g. 100/minute (default: CODESUGGEST_RATE_LIMIT).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Create a key; the key itself is printed once, on the last line of stdout."""
    from codesuggest.store import Store  # imported late: SQLAlchemy is slow to import
    from codesuggest.store.validate import role as checked_role

    with handled_errors(), Store.open(db) as store:
        key, plaintext = store.create_key(name, checked_role(role), rate_limit)
        typer.echo(
            f"created key {key.name!r} (role {key.role}, prefix {key.prefix}) in "
            f"{store.display_url}; keep it now: it cannot be shown again",
            err=True,
        )
    typer.echo(plaintext)


@app.command("list")
def list_keys(db: DbOption = None) -> None:
    """List keys: name, role, prefix, rate limit, created and revoked times."""
    with handled_errors():
        store = open_existing(db)
        if store is None:
            typer.echo(f"no API keys: {NO_DATABASE.format(where=where(db))}", err=True)
            return
        with store:
            keys = store.list_keys()
    if not keys:
        typer.echo("no API keys", err=True)
        return
    rows = [("NAME", "ROLE", "PREFIX", "RATE LIMIT", "CREATED", "REVOKED")]
    rows += [
        (
            k.name,
            k.role,
            k.prefix,
            k.rate_limit or "-",
            _when(k.created_at),
            _when(k.revoked_at) if k.revoked_at is not None else "-",
        )
        for k in keys
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


@app.command("revoke")
def revoke(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The key to revoke.")],
    db: DbOption = None,
) -> None:
    """Revoke a key: new server processes refuse it at once, running ones within 30 s (each
    remembers a key it checked for up to 30 s); it stays listed, and in the audit trail."""
    with handled_errors():
        store = open_existing(db)
        if store is None:
            raise fail(f"no API key named {name!r}: {NO_DATABASE.format(where=where(db))}")
        with store:
            key = store.revoke_key(name)
    when = _when(key.revoked_at) if key.revoked_at is not None else "?"
    typer.echo(f"key {key.name!r} (prefix {key.prefix}) revoked at {when}")
    typer.echo(f"running servers refuse it within {REVOCATION_DELAY} s", err=True)


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%SZ")
