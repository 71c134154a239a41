"""Alembic migrations of the store, run by :mod:`codesuggest.store.migrate` (no alembic.ini).

Each revision in ``versions/`` is written by hand, named ``rNNNN_what.py``, with ``revision``
the next number and ``down_revision`` the previous one; it must work on SQLite and PostgreSQL
(branch on ``op.get_bind().dialect.name`` where they differ).
"""
