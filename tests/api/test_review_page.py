"""The coder's review page at ``/``: served without a key, and used for real in Chromium.

The browser test signs in with a coder key, suggests codes for a ~300-word note, accepts one
with the keyboard, checks the store holds that decision once, reloads the page, adds a code from
the search box, and takes a screenshot: into the test's temporary folder, or, when
``CODESUGGEST_SCREENSHOT`` names a file (``make screenshot``: ``docs/review-page.png``, the
README's picture), there.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from codesuggest.api.main import create_app
from codesuggest.cli.main import app as cli
from codesuggest.codesets.search import warm_code_search
from codesuggest.engine import Engine
from codesuggest.model_dir import read_card
from codesuggest.settings import get_settings
from codesuggest.store import Store
from codesuggest.types import Note
from tests.api.browser import chromium, live_server, require_browser
from tests.utils.catalogs import PROCEDURE_NOTE

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page, Request, Response, Route

ROOT = Path(__file__).resolve().parents[2]
NOTE_FILE = ROOT / "tests" / "resources" / "page" / "visit.txt"
STATIC = ROOT / "src" / "codesuggest" / "api" / "static"
NOTE_ID = "enc-2024-06-11-0042"
TOP = 50
CODER = "dana.whitfield"
# Playwright's waits are on events (an element's state, a response); these bound only how long a
# failure takes to report, on a loaded 2-core machine.
TIMEOUT_MS = 20_000
EVENT_TIMEOUT_MS = 30_000
# The ES modules app.js (the entry point) wires together; index.html loads app.js only.
PAGE_MODULES = {
    "added-codes.js",
    "api.js",
    "client.js",
    "code-systems.js",
    "decisions.js",
    "dom.js",
    "elements.js",
    "evidence.js",
    "keyboard.js",
    "model.js",
    "note-file.js",
    "note.js",
    "review.js",
    "search.js",
    "selection.js",
    "session.js",
    "sha256.js",
    "signin.js",
    "state.js",
    "status.js",
    "suggestion-row.js",
    "suggestions.js",
    "vocabulary.js",
}
IMPORT = re.compile(r"^import [^;]* from \"\./([\w-]+\.js)\";", re.M)


@contextmanager
def _serve(engine: Engine) -> Iterator[tuple[str, str, Store]]:
    """The real app around ``engine`` on a local port with a fresh SQLite store (under the
    CODESUGGEST_HOME of the test): (base URL, coder key, store).

    The key is made as an administrator would: ``codesuggest keys create``, last line of stdout.
    """
    get_settings.cache_clear()
    warm_code_search(engine.codeset, engine.learned)  # as ``codesuggest serve`` does
    created = CliRunner().invoke(cli, ["keys", "create", "--role", "coder", "--name", CODER])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[-1]
    with Store.open(get_settings().store_url) as store, live_server(create_app(engine)) as url:
        yield url, key, store


@pytest.fixture
def coder_app(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, str, Store]]:
    """The app serving the default model: (base URL, coder key, store)."""
    monkeypatch.setenv("CODESUGGEST_HOME", str(tmp_path / "browser-home"))
    with _serve(engine) as served:
        yield served


@pytest.fixture
def adapted_app(
    adapted_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, str, Store]]:
    """The app serving a model trained with ``--adapt-rules``: (base URL, coder key, store)."""
    monkeypatch.setenv("CODESUGGEST_HOME", str(tmp_path / "browser-home"))
    with _serve(Engine.load(adapted_model_dir)) as served:
        yield served


class Watch:
    """What went wrong in the page: console errors, uncaught exceptions, failed requests."""

    def __init__(self, page: Page) -> None:
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def _failed(self, request: Request) -> None:
        self.problems.append(f"request failed: {request.method} {request.url} {request.failure}")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(
                f"HTTP {response.status}: {response.request.method} {response.url}"
            )

    def take(self) -> list[str]:
        problems, self.problems = self.problems, []
        return problems


def _row_states(page: Page) -> list[str]:
    """Each suggestion row's decision ("" when none), as the page shows it."""
    states = page.locator("#suggestions > li").evaluate_all(
        "rows => rows.map(r => r.dataset.decision)"
    )
    return [str(state) for state in states]


@pytest.mark.browser
def test_review_page_coder_reviews_note_in_browser(
    coder_app: tuple[str, str, Store], engine: Engine, tmp_path: Path
) -> None:
    require_browser()
    from playwright.sync_api import expect

    base_url, key, store = coder_app
    note = NOTE_FILE.read_text(encoding="utf-8")
    expected = engine.suggest(Note(text=note, note_id=NOTE_ID, age=71, sex="F"), top=TOP)
    # diagnoses in the main list; procedures (the default model's ICD-10-PCS) in their group
    diagnoses = [s for s in expected.suggestions if s.system == "ICD-10-CM"]
    codes = [s.code for s in diagnoses]
    assert len(codes) >= 5, "the note should give a realistic list to review"
    first = diagnoses[0]

    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        watch = Watch(page)
        page.goto(base_url + "/")
        status = page.locator("#status")
        expect(status).to_contain_text("Sign in")

        # A wrong key is refused with a sentence, not a JSON dump.
        page.fill("#api-key", "csk_not-a-real-key")
        page.click("#signin")
        expect(status).to_have_text("That API key was not accepted. Check it and try again.")
        assert [p for p in watch.take() if "401" not in p] == []

        page.fill("#api-key", key)
        page.click("#signin")
        expect(page.locator("#user-name")).to_have_text(f"{CODER} (coder)")
        expect(page.locator("#model-name")).to_have_text(
            f"{engine.info.name} {engine.info.version}"
        )
        expect(page.locator("#adapted")).to_be_hidden()  # the packaged rules: no banner
        expect(page.locator("#note-text")).to_be_focused()  # signed in: on to the note

        # Load the note from a file (FileReader), then paste it as a coder would.
        page.set_input_files("#file-input", NOTE_FILE)
        expect(page.locator("#note-id")).to_have_value(NOTE_FILE.stem)
        assert page.input_value("#note-text") == note
        page.fill("#note-id", NOTE_ID)
        page.fill("#age", "71")
        page.select_option("#sex", "F")
        page.select_option("#top", str(TOP))
        page.fill("#note-text", "")
        page.fill("#note-text", note)
        page.click("#suggest")

        rows = page.locator("#suggestions > li")
        expect(rows).to_have_count(len(codes))
        assert rows.locator(".code").all_text_contents() == codes
        recommended = sum(s.recommended for s in expected.suggestions)
        expect(page.locator("#summary")).to_have_text(
            f"{len(expected.suggestions)} codes · {recommended} recommended"
        )
        # the page rounds the API's value (4 decimals) half up, as JavaScript's Math.round does
        # (Python's round() would show 0.605 as 60%, the page 61%)
        shown = math.floor(round(first.confidence, 4) * 100 + 0.5)
        assert rows.first.locator(".pct").text_content() == f"{shown}%"
        marks = page.locator("#note-view mark.ev")
        assert marks.count() > 0
        assertions = {e.assertion for s in expected.suggestions for e in s.evidence}
        for assertion in assertions:
            assert page.locator(f"#note-view mark.a-{assertion}").count() > 0, assertion
        # The first suggestion is selected: its evidence is the highlighted text.
        active = " ".join(page.locator("#note-view mark.active").all_text_contents())
        assert first.evidence and first.evidence[0].text in active
        expect(rows.first).to_have_class(re.compile(r"\bselected\b"))

        # Accept the first with `a`; the row shows it once the server acknowledged it.
        page.keyboard.press("a")
        expect(rows.first.locator(".state")).to_have_text("Accepted")
        stored = store.list_feedback(NOTE_ID)
        assert [(f.code, f.decision, f.actor) for f in stored] == [(first.code, "accepted", CODER)]
        # Reject the second (j moves down, r rejects) while the database is briefly down: the
        # page retries the 503 once with the same Idempotency-Key, and only then shows it.
        sent: list[str] = []

        def flaky(route: Route) -> None:
            if route.request.method != "POST":
                route.continue_()
                return
            sent.append(route.request.headers["idempotency-key"])
            if len(sent) == 1:
                route.fulfill(status=503, json={"detail": "database unavailable; retry later"})
            else:
                route.continue_()

        def stored_decision(response: Response) -> bool:
            request = response.request
            return (
                request.method == "POST"
                and request.url.endswith("/v1/feedback")
                and response.status in (200, 201)
            )

        # Wait on the event itself (the retried request answered by the server), not on time:
        # the page retries after its own delay, whatever the machine's load.
        page.route("**/v1/feedback", flaky)
        with page.expect_response(stored_decision, timeout=EVENT_TIMEOUT_MS) as acknowledged:
            page.keyboard.press("j")
            page.keyboard.press("r")
        assert acknowledged.value.status == 201
        assert len(sent) == 2 and sent[0] == sent[1], f"requests seen: {sent}"
        expect(rows.nth(1).locator(".state")).to_have_text("Rejected")
        page.unroute("**/v1/feedback")
        assert [p for p in watch.take() if "503" not in p] == []
        # Shortcuts do not fire while typing in a field.
        page.keyboard.press("/")
        expect(page.locator("#code-search")).to_be_focused()
        page.keyboard.type("ar")
        page.keyboard.press("Escape")
        assert len(store.list_feedback(NOTE_ID)) == 2
        assert _row_states(page)[:3] == ["accepted", "rejected", ""]

        # A reload restores the key, the note and the stored decisions.
        page.reload()
        expect(page.locator("#user-name")).to_have_text(f"{CODER} (coder)")
        expect(rows).to_have_count(len(codes))
        expect(rows.first.locator(".state")).to_have_text("Accepted")
        expect(rows.nth(1).locator(".state")).to_have_text("Rejected")
        expect(status).to_contain_text("2 earlier decisions restored")

        # Add a code from the search box: the first match that was not suggested.
        page.keyboard.press("/")
        page.keyboard.type("long term anticoag")
        results = page.locator("#code-results button.result")
        # the code search is built in the background as the server starts: on a busy
        # machine the first search may still wait for it
        expect(results.first).to_be_visible(timeout=EVENT_TIMEOUT_MS)
        found = results.locator(".code").all_text_contents()
        to_add = next(code for code in found if code not in codes)
        results.nth(found.index(to_add)).click()
        added = page.locator("#added > li")
        expect(added).to_have_count(1)
        expect(added.first.locator(".code")).to_have_text(to_add)
        expect(added.first.locator(".state")).to_have_text("Added")
        decisions = [(f.code, f.decision) for f in store.list_feedback(NOTE_ID)]
        assert decisions == [(first.code, "accepted"), (codes[1], "rejected"), (to_add, "added")]
        # The search box is ready again; a main term lists its subterms with their Index paths.
        expect(page.locator("#code-search")).to_be_focused()
        page.keyboard.type("htn")
        expect(results.first.locator(".code")).to_have_text("I10")
        expect(results.first.locator(".via")).to_have_text("abbreviation: htn")
        page.locator("#code-search").fill("hypertension")
        expect(results.nth(1).locator(".path")).to_contain_text(
            "Index: Hypertension, hypertensive > "
        )
        page.keyboard.press("Escape")
        expect(results).to_have_count(0)

        # The keyboard help opens with `?` and closes with Escape.
        page.locator("#suggestions > li").first.click()
        page.keyboard.press("?")
        expect(page.locator("#help")).to_be_visible()
        page.keyboard.press("Escape")
        expect(page.locator("#help")).to_be_hidden()

        page.mouse.move(0, 0)
        screenshot = Path(os.environ.get("CODESUGGEST_SCREENSHOT") or tmp_path / "review.png")
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
        assert screenshot.stat().st_size > 10_000
        assert watch.take() == []
        context.close()


@pytest.mark.browser
def test_review_page_warns_when_the_model_relaxed_coding_rules(
    adapted_app: tuple[str, str, Store], adapted_model_dir: Path
) -> None:
    require_browser()
    from playwright.sync_api import expect

    base_url, key, _ = adapted_app
    [adapted] = read_card(adapted_model_dir)["rule_adaptations"]
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        watch = Watch(page)
        page.goto(base_url + "/")
        banner = page.locator("#adapted")
        expect(banner).to_be_hidden()
        page.fill("#api-key", key)
        page.click("#signin")
        expect(banner).to_be_visible()
        items = banner.locator("li")
        expect(items).to_have_count(1)
        expect(items.first).to_have_text(
            f"{adapted['effect']} (rule {adapted['rule']} relaxed: held-out F1 "
            f"{adapted['held_out_f1']:.3f} vs {adapted['packaged_f1']:.3f} with the packaged rule)"
        )
        # what the banner warns of: a denied symptom recommended
        page.fill("#note-id", "adapted-1")
        page.fill("#note-text", "Denies chest pain. Essential hypertension, stable.")
        page.click("#suggest")
        expect(page.locator("#summary")).to_contain_text("recommended")
        page.click("#signout")
        expect(banner).to_be_hidden()
        assert watch.take() == []
        context.close()


@pytest.fixture
def catalog_app(
    catalog_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, str, Store]]:
    """The app serving the default model with the invented CPT and HCPCS catalogs."""
    monkeypatch.setenv("CODESUGGEST_HOME", str(tmp_path / "browser-home"))
    with _serve(catalog_engine) as served:
        yield served


@pytest.mark.browser
def test_review_page_shows_procedures_in_their_own_group_and_filters_by_system(
    catalog_app: tuple[str, str, Store], catalog_engine: Engine
) -> None:
    require_browser()
    from playwright.sync_api import expect

    base_url, key, store = catalog_app
    expected = catalog_engine.suggest(Note(text=PROCEDURE_NOTE, note_id="proc-1"), top=15)
    diagnoses = [s.code for s in expected.suggestions if s.system == "ICD-10-CM"]
    procedure_suggestions = [s for s in expected.suggestions if s.system != "ICD-10-CM"]
    procedures = [s.code for s in procedure_suggestions]
    assert diagnoses and len(procedures) >= 2
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        watch = Watch(page)
        page.goto(base_url + "/")
        page.fill("#api-key", key)
        page.click("#signin")
        expect(page.locator("#user-name")).to_have_text(f"{CODER} (coder)")
        # the filter's choices come from GET /v1/codesets
        choices = page.locator("#systems option")
        expect(choices).to_have_count(6)
        assert choices.all_text_contents() == [
            "All systems",
            "Procedures",
            "ICD-10-CM",
            "ICD-10-PCS",
            "CPT (your catalog)",
            "HCPCS (your catalog)",
        ]
        assert page.locator("#systems option").nth(1).get_attribute("value") == (
            "ICD-10-PCS,CPT,HCPCS"
        )
        page.fill("#note-id", "proc-1")
        page.fill("#note-text", PROCEDURE_NOTE)
        page.click("#suggest")

        diagnosis_rows = page.locator("#suggestions > li")
        procedure_rows = page.locator("#procedures > li")
        expect(diagnosis_rows).to_have_count(len(diagnoses))
        expect(procedure_rows).to_have_count(len(procedures))
        expect(page.locator("#procedures-box")).to_be_visible()
        expect(page.locator("#diagnoses-heading")).to_be_visible()
        assert diagnosis_rows.locator(".code").all_text_contents() == diagnoses
        assert procedure_rows.locator(".code").all_text_contents() == procedures
        assert procedure_rows.locator(".system").all_text_contents() == [
            s.system for s in procedure_suggestions
        ]
        assert "CPT" in {s.system for s in procedure_suggestions}  # the catalog's codes too
        assert procedure_rows.locator(".rank").all_text_contents()[:2] == ["1", "2"]
        assert (
            "Appendectomy, laparoscopic"
            in procedure_rows.locator(".description").all_text_contents()
        )

        # j moves through the diagnoses, then on into the procedures; `a` accepts one
        for _ in range(len(diagnoses)):
            page.keyboard.press("j")
        expect(procedure_rows.first).to_have_class(re.compile(r"\bselected\b"))
        page.keyboard.press("a")
        expect(procedure_rows.first.locator(".state")).to_have_text("Accepted")
        stored = store.list_feedback("proc-1")
        assert [(f.system, f.code, f.decision) for f in stored] == [
            (procedure_suggestions[0].system, procedures[0], "accepted")
        ]

        # "Procedures" only: the diagnoses group is gone, the procedures stay
        page.select_option("#systems", label="Procedures")
        page.click("#suggest")
        expect(diagnosis_rows).to_have_count(0)
        expect(procedure_rows).to_have_count(len(procedures))
        expect(page.locator("#diagnoses-heading")).to_be_hidden()
        page.select_option("#systems", "ICD-10-CM")
        page.click("#suggest")
        expect(procedure_rows).to_have_count(0)
        expect(page.locator("#procedures-box")).to_be_hidden()
        expect(diagnosis_rows).to_have_count(len(diagnoses))
        assert watch.take() == []
        context.close()


class _Markup(HTMLParser):
    """Every start tag's attributes, and the text of inline scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("script", "style") else None

    def handle_data(self, data: str) -> None:
        if self._in and data.strip():
            self.inline.append(self._in)

    def handle_endtag(self, tag: str) -> None:
        self._in = None


def test_review_page_served_without_key(engine: Engine, store: Store) -> None:
    with TestClient(create_app(engine, store)) as client:
        page = client.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert page.headers["cache-control"] == "no-cache"
        csp = page.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "unsafe" not in csp

        markup = _Markup()
        markup.feed(page.text)
        handlers = [
            (tag, name) for tag, attrs in markup.tags for name in attrs if name.startswith("on")
        ]
        assert handlers == []
        assert markup.inline == [], "inline scripts or styles would be blocked by the CSP"
        assert not [tag for tag, attrs in markup.tags if "style" in attrs]
        links = [
            value
            for _, attrs in markup.tags
            for name, value in attrs.items()
            if name in ("src", "href") and value
        ]
        assert links and all(link.startswith("/static/") for link in links), links

        types = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
        for link in links:
            asset = client.get(link)
            assert asset.status_code == 200, link
            assert asset.headers["content-type"].startswith(types[Path(link).suffix]), link
            assert asset.headers["cache-control"] == "no-cache"
            again = client.get(link, headers={"If-None-Match": asset.headers["etag"]})
            assert again.status_code == 304
        for missing in ("/static/nope.js", "/static/..%2Fmain.py", "/static/.hidden.js"):
            assert client.get(missing).status_code == 404, missing

        assert client.get("/v1/me").status_code == 401
        assert client.post("/v1/suggest", json={"note_id": "n", "text": "x"}).status_code == 401
        assert "/" not in client.get("/openapi.json").json()["paths"]


def test_review_page_scripts_never_parse_html() -> None:
    scripts = sorted(STATIC.glob("*.js"))
    assert {p.name for p in scripts} >= {"app.js", *PAGE_MODULES}
    for path in scripts:
        script = path.read_text(encoding="utf-8")
        sinks = re.findall(
            r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(", script
        )
        assert sinks == [], path.name
        assert not re.search(r"https?://", script), path.name
    assert not re.search(r"https?://", (STATIC / "app.css").read_text(encoding="utf-8"))


def test_review_page_modules_import_served_modules_and_restate_no_vocabulary() -> None:
    """The page is ES modules the server serves as they are (no build step); the names of code
    systems and assertions come from GET /v1/vocabulary, never spelled in the scripts."""
    spelled = re.compile(
        r"[\"'`](?:ICD-10-CM|ICD-10-PCS|CPT|HCPCS|icd10cm|icd10pcs|negated|hypothetical)[\"'`]"
    )
    for path in sorted(STATIC.glob("*.js")):
        script = path.read_text(encoding="utf-8")
        for target in IMPORT.findall(script):
            assert (STATIC / target).is_file(), f"{path.name} imports {target}"
        code = "\n".join(line.split("//")[0] for line in script.splitlines())  # not comments
        assert not spelled.findall(code), path.name


def test_review_page_modules_are_served_from_app_js_without_a_cycle(
    engine: Engine, store: Store
) -> None:
    """app.js reaches every script of static/ through imports, each served as JavaScript under
    the page's policy; no module imports one that imports it back (the rows' buttons reach
    decisions.js through callbacks app.js sets)."""
    imports: dict[str, list[str]] = {}
    with TestClient(create_app(engine, store)) as client:
        todo = ["app.js"]
        while todo:
            name = todo.pop()
            if name in imports:
                continue
            served = client.get(f"/static/{name}")
            assert served.status_code == 200, name
            assert served.headers["content-type"].startswith("text/javascript"), name
            assert "script-src 'self'" in served.headers["content-security-policy"]
            imports[name] = IMPORT.findall(served.text)
            todo.extend(imports[name])
    assert set(imports) == {p.name for p in STATIC.glob("*.js")} == {"app.js", *PAGE_MODULES}

    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, "import cycle: " + " -> ".join((*path, name))
        if name not in done:
            for target in imports[name]:
                visit(target, (*path, name))
            done.add(name)

    visit("app.js", ())
