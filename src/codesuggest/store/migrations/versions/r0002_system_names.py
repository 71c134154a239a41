"""Code systems spelled as suggestions name them (``ICD-10-CM``, not ``icd10cm``) in every table.

Feedback, the audit trail and the suggestions kept with each run stored the short spellings
(``icd10cm``, ``icd10pcs``, ``cpt``, ``hcpcs``) while the API answered with the long ones. This
rewrites the stored values. The audit trail's append-only triggers are lifted for this rewrite
only, inside the migration's transaction, and the rewrite is itself recorded as an audit event
(actor ``migration 0002``, with the number of rows changed per table).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None

# frozen here as they were at this revision: a migration never reads today's code
LONG = {"icd10cm": "ICD-10-CM", "icd10pcs": "ICD-10-PCS", "cpt": "CPT", "hcpcs": "HCPCS"}
SHORT = {long: short for short, long in LONG.items()}
JSON = sa.JSON().with_variant(JSONB(), "postgresql")
APPEND_ONLY = "audit_events is append-only"
PAGE = 1000

feedback = sa.table("feedback", sa.column("system", sa.String))
runs = sa.table("suggestion_runs", sa.column("id", sa.BigInteger), sa.column("suggestions", JSON))
audit = sa.table(
    "audit_events",
    sa.column("system", sa.String),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String),
    sa.column("role", sa.String),
    sa.column("action", sa.String),
    sa.column("detail", JSON),
)


def upgrade() -> None:
    changed = _respell(LONG)
    if any(changed.values()):
        op.get_bind().execute(
            audit.insert().values(
                at=dt.datetime.now(dt.timezone.utc),
                actor=f"migration {revision}",
                role="system",
                action="migrate",
                detail={"rewrote": "code system names icd10cm -> ICD-10-CM etc.", **changed},
            )
        )


def downgrade() -> None:
    _respell(SHORT)


def _respell(names: dict[str, str]) -> dict[str, int]:
    """Rewrite every stored system name through ``names``; rows changed per table."""
    bind = op.get_bind()
    changed = {"feedback": _column(bind, feedback, names)}
    with _audit_writable(bind):
        changed["audit_events"] = _column(bind, audit, names)
    changed["suggestion_runs"] = _runs(bind, names)
    return changed


def _column(bind: sa.Connection, table: Any, names: dict[str, str]) -> int:
    total = 0
    for old, new in names.items():
        result = bind.execute(sa.update(table).where(table.c.system == old).values(system=new))
        total += max(result.rowcount, 0)
    return total


def _runs(bind: sa.Connection, names: dict[str, str]) -> int:
    """The ``system`` of each suggestion a run kept (a JSON list), a page of runs at a time."""
    total, last = 0, None
    while True:
        query = sa.select(runs.c.id, runs.c.suggestions).order_by(runs.c.id).limit(PAGE)
        if last is not None:
            query = query.where(runs.c.id > last)
        page = bind.execute(query).all()
        if not page:
            return total
        for run_id, suggestions in page:
            respelled = [_item(item, names) for item in suggestions or []]
            if respelled != suggestions:
                bind.execute(
                    sa.update(runs).where(runs.c.id == run_id).values(suggestions=respelled)
                )
                total += 1
        last = page[-1][0]


def _item(item: Any, names: dict[str, str]) -> Any:
    if isinstance(item, dict) and item.get("system") in names:
        return {**item, "system": names[item["system"]]}
    return item


@contextmanager
def _audit_writable(bind: sa.Connection) -> Iterator[None]:
    """Lift the append-only triggers for the block; they are back before the commit."""
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change")
        yield
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change")
        return
    op.execute("DROP TRIGGER audit_events_no_update")
    yield
    op.execute(
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
    )
