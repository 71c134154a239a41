"""The :class:`Store`: API keys, suggestion runs, coders' feedback and the audit trail in one
SQL database (SQLite by default, PostgreSQL for a shared deployment).

Every method runs in one transaction: what it writes, including its audit event, is committed
together or not at all. A database that cannot be reached raises
:class:`~codesuggest.errors.StoreUnavailableError`; a bad argument raises
:class:`~codesuggest.errors.InputError`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from codesuggest.errors import InputError, StoreNotFoundError
from codesuggest.settings import get_settings
from codesuggest.store import audit, feedback, keys, migrate, runs, validate
from codesuggest.store.db import make_engine, masked, normalize_url, sqlite_file, translate_errors
from codesuggest.store.feedback import FeedbackNotes
from codesuggest.store.records import (
    ApiKey,
    AuditEvent,
    FeedbackInput,
    FeedbackRecord,
    Role,
    RunInput,
)

log = logging.getLogger(__name__)


class Store:
    """The feedback, audit and API-key database; make one with :meth:`open`."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self._engine = engine
        self._url = url
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.display_url = masked(url)

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True, create: bool = True) -> Store:
        """Connect to ``url`` (default: the configured store) and, with ``migrate``, bring its
        tables to the newest revision; either way the connection is checked before returning.

        Without ``create`` (read-only commands) a SQLite file that does not exist yet raises
        :class:`~codesuggest.errors.StoreNotFoundError` instead of being created.
        """
        parsed = normalize_url(url if url is not None else get_settings().store_url)
        path = sqlite_file(parsed)
        if not create and path is not None and not path.exists():
            raise StoreNotFoundError(f"no database at {path}")
        store = cls(make_engine(parsed), parsed)
        try:
            if migrate:
                store.upgrade()
            else:
                store.ping()
        except BaseException:
            store.close()
            raise
        return store

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.display_url!r})"

    # --- the database ---------------------------------------------------------------------
    def ping(self) -> None:
        """Run ``SELECT 1``; StoreUnavailableError when the database cannot be reached."""
        with translate_errors(self._url), self._engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def close(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def upgrade(self) -> str:
        """Apply any migration not yet applied; returns the revision now current."""
        with translate_errors(self._url):
            return migrate.upgrade(self._engine)

    def revision(self) -> str | None:
        """The schema revision of the database (None: never migrated)."""
        with translate_errors(self._url):
            return migrate.current_revision(self._engine)

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        with translate_errors(self._url), self._sessions.begin() as session:
            yield session

    # --- API keys ---------------------------------------------------------------------------
    def create_key(
        self, name: str, role: Role, rate_limit: str | None = None, *, by: ApiKey | None = None
    ) -> tuple[ApiKey, str]:
        """A new key and its plaintext, which is shown this once and never stored.

        ``by`` is the admin key that asked, for the audit trail (None: the command line).
        """
        with translate_errors(self._url):
            try:
                with self._sessions.begin() as session:
                    key, plaintext = keys.create(session, name, role, rate_limit, by=by)
            except IntegrityError:  # the same name, created at the same moment elsewhere
                raise keys.name_taken(name) from None
        log.info("created API key %s (role %s, prefix %s)", key.name, key.role, key.prefix)
        return key, plaintext

    def authenticate(self, token: str) -> ApiKey | None:
        """The active key ``token`` is; None for an unknown, revoked or malformed token."""
        with self._transaction() as session:
            return keys.authenticate(session, token)

    def list_keys(self) -> list[ApiKey]:
        """Every key, revoked ones too, oldest first."""
        with self._transaction() as session:
            return keys.all_keys(session)

    def revoke_key(self, name: str, *, by: ApiKey | None = None) -> ApiKey:
        """Revoke the key called ``name`` (InputError if there is none)."""
        with self._transaction() as session:
            key = keys.revoke(session, name, by=by)
        log.info("revoked API key %s (prefix %s)", key.name, key.prefix)
        return key

    # --- runs and feedback ------------------------------------------------------------------
    def record_run(
        self,
        *,
        note_id: str,
        text: str | None,
        model_name: str,
        model_version: str,
        actor: ApiKey,
        suggestions: list[dict[str, Any]],
        text_sha256: str | None = None,
    ) -> int:
        """Keep what was served for a note (``text`` None: not kept, only ``text_sha256``, its
        hash); returns the run id."""
        run = RunInput(
            note_id=note_id,
            text=text,
            model_name=model_name,
            model_version=model_version,
            actor=actor,
            suggestions=suggestions,
            text_sha256=text_sha256,
        )
        [run_id] = self.record_runs([run])
        return run_id

    def record_runs(self, served: Sequence[RunInput]) -> list[int]:
        """Keep several runs in one transaction (all or none); their ids, in order."""
        with self._transaction() as session:
            return [runs.add_run(session, run) for run in served]

    def record_feedback(
        self,
        fb: FeedbackInput,
        *,
        actor: ApiKey,
        model_name: str | None,
        model_version: str | None,
        idempotency_key: str | None = None,
    ) -> tuple[FeedbackRecord, bool]:
        """Store a decision with its audit event; True when new, False for a repeated request.

        Without ``model_name``/``model_version`` the decision takes those of the note's latest run.
        """
        fb = feedback.clean(fb)
        digest = feedback.request_hash(fb)
        if idempotency_key is not None and not 1 <= len(idempotency_key) <= 200:
            raise InputError("Idempotency-Key must have 1-200 characters")
        with translate_errors(self._url):
            try:
                with self._sessions.begin() as session:
                    if idempotency_key is not None:
                        row = feedback.find_idempotent(session, actor.id, idempotency_key)
                        if row is not None:
                            return feedback.replay(session, row, digest), False
                    stored = feedback.add_feedback(
                        session,
                        fb,
                        actor=actor,
                        model_name=model_name,
                        model_version=model_version,
                        idempotency_key=idempotency_key,
                        digest=digest,
                    )
                return stored, True
            except IntegrityError:
                if idempotency_key is None:
                    raise
                # the same request, sent twice at once, was committed by the other one first
                with self._sessions.begin() as session:
                    row = feedback.find_idempotent(session, actor.id, idempotency_key)
                    if row is None:
                        raise
                    return feedback.replay(session, row, digest), False

    def list_feedback(self, note_id: str, limit: int = 500) -> list[FeedbackRecord]:
        """A note's decisions, oldest first."""
        with self._transaction() as session:
            return feedback.for_note(session, note_id, validate.limit(limit, 10_000))

    def feedback_notes(self) -> FeedbackNotes:
        """Every note with decisions and stored text, for retraining; iterate the result.

        The result's ``missing_text`` names the notes left out for lack of stored text.
        """
        with self._transaction() as session:
            return feedback.notes_for_training(session)

    # --- audit ------------------------------------------------------------------------------
    def record_event(
        self,
        *,
        actor: ApiKey,
        action: str,
        model_name: str | None = None,
        model_version: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Add an audit event for an action the store does not record itself (a promotion)."""
        action = validate.required_text(action, "action", 50)
        with self._transaction() as session:
            audit.add_event(
                session,
                actor=actor.name,
                role=actor.role,
                action=action,
                model_name=model_name,
                model_version=model_version,
                detail=detail,
            )

    def audit_events(self, *, note_id: str | None = None, limit: int = 100) -> list[AuditEvent]:
        """The newest audit events, newest first, of one note or of all."""
        with self._transaction() as session:
            return audit.events(session, note_id=note_id, limit=validate.limit(limit, 10_000))
