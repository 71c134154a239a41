"""``codesuggest keys``: the new key alone on stdout's last line; listing never shows secrets."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from codesuggest.cli.main import app
from codesuggest.store import Store
from tests.cli.conftest import one_error_line


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


def test_keys_create_prints_the_key_last_and_it_authenticates(runner: CliRunner, db: str) -> None:
    args = ["--role", "coder", "--name", "alice", "--rate-limit", "5/second", "--db", db]
    result = runner.invoke(app, ["keys", "create", *args])
    assert result.exit_code == 0, result.output
    plaintext = result.stdout.splitlines()[-1]
    assert "created key 'alice' (role coder" in result.stderr
    assert plaintext not in result.stderr
    with Store.open(db) as store:
        key = store.authenticate(plaintext)
    assert key is not None and (key.name, key.role, key.rate_limit) == (
        "alice",
        "coder",
        "5/second",
    )


def test_keys_create_defaults_to_sqlite_under_home(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODESUGGEST_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CODESUGGEST_DATABASE_URL", raising=False)
    result = runner.invoke(app, ["keys", "create", "--role", "admin", "--name", "root"])
    assert result.exit_code == 0, result.output
    with Store.open(f"sqlite:///{tmp_path / 'home' / 'codesuggest.db'}") as store:
        assert store.authenticate(result.stdout.splitlines()[-1]) is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "root", "--name", "x"], "error: unknown role 'root'; use one of coder, "),
        (["--role", "coder", "--name", "a b"], "error: bad key name 'a b'"),
        (["--role", "coder", "--name", "x", "--rate-limit", "fast"], "error: bad rate limit"),
    ],
)
def test_keys_create_bad_input_is_one_error_line(
    runner: CliRunner, db: str, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["keys", "create", *args, "--db", db])
    assert result.exit_code == 1
    assert one_error_line(result.stderr).startswith(message)
    assert result.stdout == ""


def test_keys_create_taken_name_fails(runner: CliRunner, db: str) -> None:
    args = ["keys", "create", "--role", "coder", "--name", "alice", "--db", db]
    assert runner.invoke(app, args).exit_code == 0
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == "error: an API key named 'alice' already exists"


def test_keys_list_and_revoke(runner: CliRunner, db: str) -> None:
    with Store.open(db) as store:
        alice, plaintext = store.create_key("alice", "coder")
        store.create_key("bob", "auditor", rate_limit="10/minute")
    result = runner.invoke(app, ["keys", "revoke", "alice", "--db", db])
    assert result.exit_code == 0, result.output
    assert f"key 'alice' (prefix {alice.prefix}) revoked at " in result.stdout
    listing = runner.invoke(app, ["keys", "list", "--db", db])
    assert listing.exit_code == 0, listing.output
    header, first, second = listing.stdout.splitlines()
    assert header.split()[:3] == ["NAME", "ROLE", "PREFIX"]
    assert first.split()[:4] == ["alice", "coder", alice.prefix, "-"]
    assert first.split()[-1].endswith("Z")  # revoked: a time
    assert second.split()[:4] == ["bob", "auditor", second.split()[2], "10/minute"]
    assert second.split()[-1] == "-"
    assert plaintext[12:] not in listing.stdout
    with Store.open(db) as store:
        assert store.authenticate(plaintext) is None


def test_keys_list_empty_and_revoke_unknown(runner: CliRunner, db: str) -> None:
    assert runner.invoke(app, ["db", "upgrade", "--db", db]).exit_code == 0
    listing = runner.invoke(app, ["keys", "list", "--db", db])
    assert (listing.exit_code, listing.stdout, listing.stderr) == (0, "", "no API keys\n")
    result = runner.invoke(app, ["keys", "revoke", "ghost", "--db", db])
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == "error: no API key named 'ghost'"


def test_keys_read_only_commands_never_create_a_database(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "absent" / "store.db"
    db = f"sqlite:///{path}"
    hint = f"there is no database at {path} yet (`codesuggest serve`, `codesuggest db upgrade`"
    listing = runner.invoke(app, ["keys", "list", "--db", db])
    assert (listing.exit_code, listing.stdout) == (0, "")
    assert listing.stderr.startswith(f"no API keys: {hint}")
    revoked = runner.invoke(app, ["keys", "revoke", "ghost", "--db", db])
    assert revoked.exit_code == 1
    assert one_error_line(revoked.stderr).startswith(f"error: no API key named 'ghost': {hint}")
    audit = runner.invoke(app, ["db", "audit", "--db", db])
    assert (audit.exit_code, audit.stdout) == (0, "")
    assert audit.stderr.startswith(f"no audit events: {hint}")
    assert not path.exists() and not path.parent.exists()


def test_keys_unreachable_database_is_one_masked_error_line(runner: CliRunner) -> None:
    result = runner.invoke(app, ["keys", "list", "--db", "postgresql://u:pw1@127.0.0.1:1/x"])
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert line.startswith("error: store unavailable at postgresql+psycopg://u:***@127.0.0.1:1/x")
    assert "pw1" not in result.stderr
