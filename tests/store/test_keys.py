"""API keys: shown once, stored hashed, authenticate until revoked."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import Engine, text

from codesuggest.errors import InputError
from codesuggest.store import Store


def test_create_key_returns_a_key_that_authenticates(store: Store) -> None:
    key, plaintext = store.create_key("alice", "coder", rate_limit="100/minute")
    assert plaintext.startswith("csk_") and len(plaintext) == 47
    assert key.prefix == plaintext[4:12]
    assert (key.name, key.role, key.rate_limit) == ("alice", "coder", "100/minute")
    assert key.active
    assert key.created_at.tzinfo == dt.timezone.utc
    assert store.authenticate(plaintext) == key


def test_create_key_stores_the_hash_never_the_key(store: Store, raw_db: Engine) -> None:
    _, plaintext = store.create_key("alice", "coder")
    with raw_db.connect() as connection:
        rows = connection.execute(text("SELECT * FROM api_keys")).mappings().all()
        audit = connection.execute(text("SELECT detail FROM audit_events")).scalars().all()
    [row] = rows
    assert row["key_hash"] == hashlib.sha256(plaintext.encode()).hexdigest()
    assert all(plaintext not in str(value) for value in row.values())
    assert all(plaintext[4:] not in str(value) for value in audit)


def test_create_key_gives_every_key_its_own_secret(store: Store) -> None:
    secrets = {store.create_key(f"k{i}", "coder")[1] for i in range(5)}
    assert len(secrets) == 5


@pytest.mark.parametrize(
    ("name", "role", "rate", "message"),
    [
        ("taken", "coder", None, "already exists"),
        ("has space", "coder", None, "bad key name"),
        ("", "coder", None, "bad key name"),
        ("x" * 101, "coder", None, "bad key name"),
        ("bob", "superuser", None, "unknown role 'superuser'"),
        ("bob", "coder", "lots", "bad rate limit"),
    ],
)
def test_create_key_rejects_bad_input(
    store: Store, name: str, role: str, rate: str | None, message: str
) -> None:
    store.create_key("taken", "admin")
    with pytest.raises(InputError, match=message):
        store.create_key(name, role, rate)  # type: ignore[arg-type]
    assert [k.name for k in store.list_keys()] == ["taken"]


@pytest.mark.parametrize(
    "token",
    ["", "csk_", "Bearer x", "csk_" + "a" * 42, "csk_" + "a" * 44, "csk_" + "!" * 43, "x" * 47],
)
def test_authenticate_malformed_or_unknown_token_is_none(store: Store, token: str) -> None:
    store.create_key("alice", "coder")
    assert store.authenticate(token) is None
    assert store.authenticate("csk_" + "a" * 43) is None  # well formed, unknown


def test_revoke_key_stops_authentication_and_is_audited(store: Store) -> None:
    key, plaintext = store.create_key("leaver", "auditor")
    revoked = store.revoke_key("leaver")
    assert revoked.id == key.id and not revoked.active
    assert revoked.revoked_at is not None and revoked.revoked_at.tzinfo == dt.timezone.utc
    assert store.authenticate(plaintext) is None
    assert store.revoke_key("leaver").revoked_at == revoked.revoked_at  # again: no change
    actions = [(e.action, e.actor, e.detail["key"]) for e in store.audit_events()]
    assert actions == [("revoke_key", "cli", "leaver"), ("create_key", "cli", "leaver")]


def test_revoke_key_by_an_admin_key_names_it_in_the_audit(store: Store) -> None:
    admin, _ = store.create_key("root", "admin")
    store.create_key("leaver", "coder", by=admin)
    store.revoke_key("leaver", by=admin)
    assert {(e.actor, e.role) for e in store.audit_events()[:2]} == {("root", "admin")}


def test_revoke_unknown_key_is_input_error(store: Store) -> None:
    with pytest.raises(InputError, match="no API key named 'ghost'"):
        store.revoke_key("ghost")


def test_list_keys_in_creation_order_with_revoked_ones(store: Store) -> None:
    for name in ("b", "a", "c"):
        store.create_key(name, "coder")
    store.revoke_key("a")
    keys = store.list_keys()
    assert [(k.name, k.active) for k in keys] == [("b", True), ("a", False), ("c", True)]
