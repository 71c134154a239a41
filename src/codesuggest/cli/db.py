"""``codesuggest db ...``: migrate the store and read its audit trail.

``--db`` takes a SQLAlchemy URL (``sqlite:///PATH``, ``postgresql://USER@HOST/DB``); without it
the store is ``CODESUGGEST_DATABASE_URL``, else SQLite at ``<home>/codesuggest.db``.
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Annotated

import typer

from codesuggest.cli.common import handled_errors

if TYPE_CHECKING:
    from codesuggest.store import AuditEvent, Store

NO_DATABASE = (
    "there is no database at {where} yet (`codesuggest serve`, `codesuggest db upgrade` or "
    "`codesuggest keys create` creates it)"
)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="Store URL (default: CODESUGGEST_DATABASE_URL, else SQLite under CODESUGGEST_HOME).",
    ),
]

app = typer.Typer(help="Set up the store and read its audit trail.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(db: DbOption = None) -> None:
    """Create or migrate the store's tables; prints the schema revision."""
    from codesuggest.store import Store  # imported late: SQLAlchemy is slow to import

    with handled_errors(), Store.open(db, migrate=False) as store:
        before = store.revision()
        revision = store.upgrade()
        done = "already at" if before == revision else f"upgraded from {before or 'empty'} to"
        typer.echo(f"store at {store.display_url}: {done} revision {revision}", err=True)
    typer.echo(revision)


@app.command("audit")
def audit(
    note_id: Annotated[
        str | None, typer.Option("--note-id", metavar="ID", help="Only events of this note.")
    ] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=10_000, help="Most events printed (newest first).")
    ] = 100,
    db: DbOption = None,
) -> None:
    """Print audit events, newest first, one JSON object a line."""
    with handled_errors():
        store = open_existing(db)
        if store is None:
            typer.echo(f"no audit events: {NO_DATABASE.format(where=where(db))}", err=True)
            return
        with store:
            events = store.audit_events(note_id=note_id, limit=limit)
    for event in events:
        typer.echo(json.dumps(event_dict(event), ensure_ascii=False, sort_keys=False))


def open_existing(db: str | None) -> Store | None:
    """The store for a read-only command, or ``None`` when its SQLite file does not exist
    (a read-only command never creates a database)."""
    from codesuggest.errors import StoreNotFoundError
    from codesuggest.store import Store  # imported late: SQLAlchemy is slow to import

    try:
        return Store.open(db, create=False)
    except StoreNotFoundError:
        return None


def where(db: str | None) -> str:
    """The database file a command uses, for messages."""
    from codesuggest.settings import get_settings
    from codesuggest.store.db import normalize_url, sqlite_file

    url = normalize_url(db if db is not None else get_settings().store_url)
    return str(sqlite_file(url) or url)


def event_dict(event: AuditEvent) -> dict[str, object]:
    """An audit event as JSON-ready values (the time in ISO 8601, UTC)."""
    fields = dataclasses.asdict(event)
    fields["at"] = event.at.isoformat()
    return fields
