"""The review page keeps a review tied to one note: its id and its very text.

In Chromium, against the real app: editing the note (text or id) clears the suggestions until
Suggest runs again, so nothing stale can be accepted; earlier decisions come back only for the
same note id and the same text (a changed text starts a new review, and the page says so), also
where the browser has no ``crypto.subtle`` (plain-http hosts); counts are pluralised. Every
step waits on the page's DOM, never on time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from codesuggest.api.main import create_app
from codesuggest.engine import Engine
from codesuggest.settings import get_settings
from codesuggest.store import Store
from codesuggest.types import Note
from tests.api.browser import chromium, live_server, require_browser

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

TIMEOUT_MS = 10_000
ONE_CODE = "Essential hypertension."
TWO_CODES = "Assessment: essential hypertension. Type 2 diabetes mellitus without complications."
# what a browser without crypto.subtle (a page served over plain http) looks like
NO_SUBTLE_CRYPTO = "Object.defineProperty(Crypto.prototype, 'subtle', {get: () => undefined});"
# every text the status line shows, in order (each assignment adds a new text node)
RECORD_STATUS = """() => {
  window.statusLog = [];
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) window.statusLog.push(n.textContent);
  }).observe(document.getElementById("status"), { childList: true });
}"""


@pytest.fixture
def served(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, str, Store]]:
    """The app on a local port with a fresh store: (base URL, a coder's key, the store)."""
    monkeypatch.setenv("CODESUGGEST_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    with Store.open(get_settings().store_url) as store:
        _, key = store.create_key("coder-1", "coder")
        with live_server(create_app(engine, store)) as url:
            yield url, key, store
    get_settings.cache_clear()


def _page(
    browser: Browser, base_url: str, key: str, errors: list[str], init_script: str = ""
) -> Page:
    """A signed-in review page; its uncaught errors go to ``errors``."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base_url + "/")
    page.fill("#api-key", key)
    page.click("#signin")
    expect(page.locator("#user-name")).to_have_text("coder-1 (coder)")
    # signed in once the code systems are loaded too (the status says so): only then type
    expect(page.locator("#status")).to_contain_text("Signed in as coder-1")
    return page


def _suggest(page: Page, note_id: str, text: str) -> None:
    """Type the note (opening the editor if the note view shows) and press Suggest."""
    from playwright.sync_api import expect

    if page.locator("#edit-note").is_visible():
        page.click("#edit-note")
    page.fill("#note-id", note_id)
    page.fill("#note-text", text)
    expect(page.locator("#note-id")).to_have_value(note_id)
    page.click("#suggest")
    expect(page.locator("#status")).to_contain_text(f"for {note_id}")


def _codes(engine: Engine, text: str) -> list[str]:
    return [s.code for s in engine.suggest(Note(text, note_id="n"), top=15).suggestions]


@pytest.mark.browser
def test_review_page_editing_the_note_clears_its_suggestions(
    served: tuple[str, str, Store], engine: Engine
) -> None:
    require_browser()
    from playwright.sync_api import expect

    base_url, key, store = served
    codes = _codes(engine, TWO_CODES)
    assert len(codes) == 2, codes
    with chromium() as browser:
        errors: list[str] = []
        page = _page(browser, base_url, key, errors)
        rows = page.locator("#suggestions > li")
        status = page.locator("#status")
        _suggest(page, "enc-1", TWO_CODES)
        expect(rows).to_have_count(2)

        # an edit of the text clears the list: nothing stale can be accepted
        page.click("#edit-note")
        page.locator("#note-text").press("End")
        page.keyboard.type(" Obesity.")
        expect(rows).to_have_count(0)
        expect(page.locator("#empty")).to_have_text(
            "The note changed. Press Suggest for the codes of this text."
        )
        expect(status).to_contain_text("its suggestions were cleared")
        expect(page.locator("#summary")).to_have_text("")
        page.locator("#note-text").blur()
        page.keyboard.press("a")  # the accept shortcut has no suggestion to act on
        expect(status).to_have_text("Select a suggestion first (j / k).")
        assert store.list_feedback("enc-1") == []

        # so does an edit of the id alone, on a freshly suggested note
        longer = _codes(engine, TWO_CODES + " Obesity.")
        assert longer
        page.click("#suggest")
        expect(rows).to_have_count(len(longer))
        page.locator("#note-id").press("End")
        page.keyboard.type("-b")
        expect(rows).to_have_count(0)
        expect(page.locator("#note-text")).to_be_visible()  # the editor again, with the text
        expect(page.locator("#note-text")).to_have_value(TWO_CODES + " Obesity.")
        assert errors == []
        page.context.close()


@pytest.mark.parametrize("crypto", ["subtle", "no subtle"])
@pytest.mark.browser
def test_review_page_restores_decisions_only_for_the_same_id_and_text(
    served: tuple[str, str, Store], engine: Engine, crypto: str
) -> None:
    require_browser()
    from playwright.sync_api import expect

    base_url, key, store = served
    one = _codes(engine, ONE_CODE)
    assert len(one) == 1, one  # a one-code note, for the singular counts
    with chromium() as browser:
        errors: list[str] = []
        init = NO_SUBTLE_CRYPTO if crypto == "no subtle" else ""
        page = _page(browser, base_url, key, errors, init)
        rows = page.locator("#suggestions > li")
        status = page.locator("#status")
        summary = page.locator("#summary")
        _suggest(page, "enc-2", ONE_CODE)
        expect(rows).to_have_count(1)
        expect(summary).to_have_text("1 code · 1 recommended")
        expect(status).to_have_text("1 suggestion for enc-2, 1 recommended.")
        rows.first.locator(".accept").click()
        expect(rows.first.locator(".state")).to_have_text("Accepted")
        expect(summary).to_have_text("1 code · 1 recommended · 1 accepted")

        # the same id with another text: a new review, which says so
        _suggest(page, "enc-2", TWO_CODES)
        expect(rows).to_have_count(2)
        expect(status).to_contain_text(
            "New review: the text changed since the 1 earlier decision on this note, "
            "which are not restored."
        )
        assert [r.get_attribute("data-decision") for r in rows.all()] == ["", ""]
        expect(page.locator("#added-box")).to_be_hidden()
        expect(summary).to_have_text("2 codes · 2 recommended")
        rows.nth(1).locator(".reject").click()
        expect(rows.nth(1).locator(".state")).to_have_text("Rejected")

        # the first text again: its own decision comes back, not the other text's
        _suggest(page, "enc-2", ONE_CODE)
        expect(rows.first.locator(".state")).to_have_text("Accepted")
        expect(status).to_contain_text("1 earlier decision restored.")
        expect(status).to_contain_text("1 decision on another text of this note not shown.")
        expect(page.locator("#added-box")).to_be_hidden()

        # a reload suggests the remembered note again and restores the same review
        page.reload()
        expect(rows.first.locator(".state")).to_have_text("Accepted")
        expect(status).to_contain_text("1 earlier decision restored.")
        stored = [(f.code, f.decision) for f in store.list_feedback("enc-2")]
        assert stored == [(one[0], "accepted"), (_codes(engine, TWO_CODES)[1], "rejected")]
        assert errors == []
        page.context.close()


@pytest.mark.browser
def test_review_page_drops_an_answer_for_a_note_edited_while_it_was_on_its_way(
    served: tuple[str, str, Store], engine: Engine
) -> None:
    require_browser()
    from playwright.sync_api import expect

    base_url, key, _ = served
    with chromium() as browser:
        errors: list[str] = []
        page = _page(browser, base_url, key, errors)
        rows = page.locator("#suggestions > li")
        held: list[Route] = []

        def hold(route: Route) -> None:
            held.append(route)  # the answer waits until released below

        page.route("**/v1/suggest*", hold)
        page.fill("#note-id", "enc-old")
        page.fill("#note-text", TWO_CODES)
        page.evaluate(RECORD_STATUS)
        with page.expect_request("**/v1/suggest*"):
            page.click("#suggest")
        expect(page.locator("#suggest")).to_have_text("Suggesting…")
        page.locator("#note-id").press("End")
        page.keyboard.type("-2")  # edited while the answer is on its way
        expect(page.locator("#suggest")).to_have_text("Suggest")
        expect(page.locator("#suggest")).to_be_enabled()
        with page.expect_response("**/v1/suggest*") as answer:
            held[0].continue_()
        assert answer.value.ok
        page.unroute("**/v1/suggest*", hold)
        # the next answer is for the edited note; the held one was never shown
        _suggest(page, "enc-new", ONE_CODE)
        expect(rows).to_have_count(len(_codes(engine, ONE_CODE)))
        log = page.evaluate("window.statusLog")
        assert any(line.startswith("Suggesting") for line in log)
        assert not [line for line in log if "for enc-old" in line], log
        assert errors == []
        page.context.close()
