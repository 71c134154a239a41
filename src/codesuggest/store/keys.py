"""API keys: made here, shown once, stored only as a SHA-256 hash plus a short display prefix.

A key reads ``csk_`` followed by 43 URL-safe characters (32 random bytes). Its ``prefix`` is the
first 8 characters after ``csk_``, enough to tell keys apart in a listing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesuggest.errors import InputError
from codesuggest.store import validate
from codesuggest.store.audit import add_event
from codesuggest.store.records import ApiKey, Role
from codesuggest.store.schema import ApiKeyRow, utcnow

KEY_PREFIX = "csk_"
PREFIX_CHARS = 8
_TOKEN = re.compile(r"csk_[A-Za-z0-9_-]{43}")


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def new_key() -> tuple[str, str, str]:
    """A fresh key: (plaintext, display prefix, hash)."""
    secret = secrets.token_urlsafe(32)
    plaintext = KEY_PREFIX + secret
    return plaintext, secret[:PREFIX_CHARS], hash_key(plaintext)


def create(
    session: Session, name: str, role: Role, rate_limit: str | None, *, by: ApiKey | None
) -> tuple[ApiKey, str]:
    """Add a key (InputError when the name is taken); returns it and its plaintext."""
    name = validate.key_name(name)
    role = validate.role(role)
    rate_limit = validate.rate_limit(rate_limit)
    if session.scalar(select(ApiKeyRow.id).where(ApiKeyRow.name == name)) is not None:
        raise name_taken(name)
    plaintext, prefix, digest = new_key()
    row = ApiKeyRow(
        name=name,
        role=role,
        prefix=prefix,
        key_hash=digest,
        rate_limit=rate_limit,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    _audit(session, "create_key", row, by)
    return record(row), plaintext


def name_taken(name: str) -> InputError:
    return InputError(f"an API key named {name!r} already exists")


def authenticate(session: Session, token: str) -> ApiKey | None:
    """The active key whose plaintext is ``token``; None for unknown, revoked or malformed."""
    if not _TOKEN.fullmatch(token):
        return None
    digest = hash_key(token)
    row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == digest))
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(row.key_hash, digest):
        return None
    return record(row)


def all_keys(session: Session) -> list[ApiKey]:
    return [record(row) for row in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))]


def revoke(session: Session, name: str, *, by: ApiKey | None) -> ApiKey:
    """Revoke a key by name (InputError if unknown); revoking it again changes nothing."""
    row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.name == name))
    if row is None:
        raise InputError(f"no API key named {name!r}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        _audit(session, "revoke_key", row, by)
    return record(row)


def record(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        role=validate.role(row.role),
        prefix=row.prefix,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        rate_limit=row.rate_limit,
    )


def _audit(session: Session, action: str, row: ApiKeyRow, by: ApiKey | None) -> None:
    """Key changes made without a key (the command line) are logged as actor ``cli``."""
    add_event(
        session,
        actor=by.name if by is not None else "cli",
        role=by.role if by is not None else "admin",
        action=action,
        detail={"key": row.name, "role": row.role, "prefix": row.prefix},
    )
