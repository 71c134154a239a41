"""The API's documentation pages carry a Content-Security-Policy that still lets them work."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from codesuggest.api.docs_csp import docs_policy
from codesuggest.api.main import create_app
from codesuggest.engine import Engine
from codesuggest.store import Store
from tests.api.browser import chromium, live_server, require_browser


def test_docs_policy_allows_exactly_the_pages_inline_scripts() -> None:
    policy = docs_policy(b"<html><script>start()</script><script>go()</script></html>")
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    assert script_src.count("'sha256-") == 2
    assert "unsafe" not in script_src
    assert "frame-ancestors 'none'" in policy
    assert docs_policy(b"<html></html>").startswith("default-src 'self'; script-src 'self'; ")


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/oauth2-redirect"])
def test_docs_pages_carry_a_policy(engine: Engine, store: Store, path: str) -> None:
    with TestClient(create_app(engine, store)) as client:
        page = client.get(path)
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == docs_policy(page.content)
    assert page.headers["x-content-type-options"] == "nosniff"
    assert int(page.headers["content-length"]) == len(page.content)


def test_docs_render_in_a_browser_under_their_policy(engine: Engine, store: Store) -> None:
    """Swagger UI and ReDoc start (their inline code is allowed); what the policy refuses is
    only what would load from elsewhere (ReDoc asks a CDN for its logo)."""
    require_browser()
    refused: list[str] = []
    with live_server(create_app(engine, store)) as base, chromium() as browser:
        page = browser.new_page()
        page.on(
            "console",
            lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(f"{base}/docs")
        page.wait_for_selector(".swagger-ui .info .title", timeout=60_000)
        assert "codesuggest" in page.inner_text(".swagger-ui .info .title")
        page.goto(f"{base}/redoc")
        page.wait_for_selector("redoc h1", timeout=60_000)
        assert "codesuggest" in page.inner_text("redoc h1")
    outside = re.compile(r"Loading the \w+ 'https://[^']+' violates")
    assert [m for m in refused if not outside.match(m)] == []
    assert all("127.0.0.1" not in m for m in refused)
