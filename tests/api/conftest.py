"""Fixtures for API tests: a client around the session engine, fresh settings per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from codesuggest.api.main import create_app
from codesuggest.engine import Engine
from codesuggest.settings import get_settings


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Tests change CODESUGGEST_* variables; re-read them before and after each test."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine)) as test_client:
        yield test_client
