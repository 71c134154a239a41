"""The engine: URLs normalised and masked, SQLite set up, an unreachable database one error."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import exc

from codesuggest.errors import ConfigError, StoreError, StoreUnavailableError
from codesuggest.store import Store
from codesuggest.store.db import make_engine, masked, normalize_url, translate_errors


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u:pw@db:5432/cs", "postgresql+psycopg://u:***@db:5432/cs"),
        ("postgres://u@db/cs", "postgresql+psycopg://u@db/cs"),
        ("postgresql+psycopg://db/cs?options=-csearch_path%3Dx", None),
        ("sqlite:///var/cs.db", "sqlite:///var/cs.db"),
    ],
)
def test_normalize_url_uses_psycopg_and_masks_password(url: str, expected: str | None) -> None:
    assert masked(normalize_url(url)) == (expected or url)


@pytest.mark.parametrize(
    ("url", "message"),
    [("not a url", "not a database URL"), ("mysql://u:pw@h/db", "unsupported database 'mysql'")],
)
def test_normalize_url_rejects_other_databases(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        normalize_url(url)
    assert "pw" not in str(caught.value)


def test_open_unreachable_postgres_fails_fast_on_one_masked_line() -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError) as caught:
        Store.open("postgresql://user:s3cret@127.0.0.1:1/x")
    assert time.monotonic() - started < 3
    message = str(caught.value)
    assert message.startswith("store unavailable at postgresql+psycopg://user:***@127.0.0.1:1/x")
    assert "s3cret" not in message and "\n" not in message


def test_store_operation_on_a_lost_database_is_unavailable() -> None:
    url = normalize_url("postgresql://127.0.0.1:1/x")
    store = Store(make_engine(url), url)  # as if the database went away after open()
    try:
        with pytest.raises(StoreUnavailableError):
            store.authenticate("csk_" + "a" * 43)
        with pytest.raises(StoreUnavailableError):
            store.ping()
    finally:
        store.close()


def test_open_sqlite_under_a_file_is_unavailable(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", "utf-8")
    with pytest.raises(StoreUnavailableError, match="cannot create the folder"):
        Store.open(f"sqlite:///{tmp_path / 'file' / 'sub' / 'cs.db'}")


def test_open_sqlite_makes_its_folder_and_sets_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "cs.db"
    Store.open(f"sqlite:///{path}").close()
    assert path.is_file()
    engine = make_engine(normalize_url(f"sqlite:///{path}"))
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    finally:
        engine.dispose()


def test_open_in_memory_sqlite_keeps_one_database(tmp_path: Path) -> None:
    with Store.open("sqlite://") as store:
        store.create_key("a", "coder")
        assert [k.name for k in store.list_keys()] == ["a"]


def test_open_without_tables_says_to_upgrade(tmp_path: Path) -> None:
    with (
        Store.open(f"sqlite:///{tmp_path / 'cs.db'}", migrate=False) as store,
        pytest.raises(StoreError, match="codesuggest db upgrade"),
    ):
        store.list_keys()


def test_open_default_url_is_sqlite_under_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codesuggest.settings import get_settings

    monkeypatch.setenv("CODESUGGEST_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CODESUGGEST_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        with Store.open() as store:
            assert store.display_url == f"sqlite:///{tmp_path / 'home' / 'codesuggest.db'}"
    finally:
        get_settings.cache_clear()
    assert (tmp_path / "home" / "codesuggest.db").is_file()


def test_translate_errors_maps_driver_errors() -> None:
    url = normalize_url("postgresql://u:pw@h/db")
    lost = exc.OperationalError("SELECT 1", {}, Exception("server closed the connection pw"))
    expected = r"h/db: server closed the connection \*\*\*"
    with pytest.raises(StoreUnavailableError, match=expected), translate_errors(url):
        raise lost
    bad = exc.DataError("INSERT", {}, Exception("value too long"))
    with pytest.raises(StoreError, match="value too long") as caught, translate_errors(url):
        raise bad
    assert not isinstance(caught.value, StoreUnavailableError)


def test_ping_on_a_working_store(store: Store) -> None:
    store.ping()
    assert repr(store) == f"Store({store.display_url!r})"
