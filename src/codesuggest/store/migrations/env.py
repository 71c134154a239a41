"""Alembic's entry point: runs the revisions on the connection that ``migrate.upgrade`` passes.

The caller owns the transaction (and the lock that keeps two processes from migrating at once).
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the store's migrations with `codesuggest db upgrade`")
context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
