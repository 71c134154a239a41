// The "Add a code" search: results as the coder types, the arrow keys among them, a click adds
// the code as a decision on the note.
import { clip } from "./api.js";
import { api } from "./client.js";
import { decideCode } from "./decisions.js";
import { span } from "./dom.js";
import { ui } from "./elements.js";
import { reportError } from "./session.js";
import { state } from "./state.js";
import { setStatus } from "./status.js";
import { codeKey, systemLabel } from "./vocabulary.js";

const SEARCH_DELAY_MS = 250;

export function scheduleSearch() {
  clearTimeout(state.searchTimer);
  state.searchTimer = setTimeout(runSearch, SEARCH_DELAY_MS);
}

async function runSearch() {
  const q = ui.search.value.trim();
  if (state.searchAbort) state.searchAbort.abort();
  if (q.length < 2) {
    closeResults();
    return;
  }
  if (!state.key) {
    showResults([message("Sign in to search codes.")]);
    return;
  }
  const run = ++state.searchRun;
  const abort = new AbortController();
  state.searchAbort = abort;
  let res;
  try {
    res = await api("GET", `/v1/codes?q=${encodeURIComponent(q)}&limit=10`, {
      signal: abort.signal,
    });
  } catch {
    return; // aborted by a newer search
  }
  if (run !== state.searchRun) return;
  if (!res.ok || !res.data) {
    reportError(res, "search codes");
    closeResults();
    return;
  }
  const items = res.data.items || [];
  if (!items.length) {
    showResults([message(`No codes match “${clip(q, 40)}”.`)]);
    return;
  }
  showResults(items.map(resultItem));
}

function message(text) {
  const item = document.createElement("li");
  item.className = "result-message";
  item.textContent = text;
  return item;
}

function resultItem(c) {
  const item = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "result";
  const code = span("code", c.code);
  const title = span("title", c.title);
  const found = foundBy(c);
  if (found) {
    const via = span(c.path ? "path" : "via", found);
    title.append(via);
  }
  const meta = span("meta", systemLabel(c.system) + (c.billable === false ? " · not billable" : ""));
  if (c.billable === false) meta.classList.add("warn");
  button.append(code, title, meta);
  button.addEventListener("click", () => addCode(c));
  item.append(button);
  return item;
}

// How a search result was found: its Alphabetic Index path, or the abbreviation, synonym or
// inclusion term that named it; nothing when its own code or title did.
function foundBy(c) {
  if (c.path) return `Index: ${c.path}`;
  const via = { abbreviation: "abbreviation", synonym: "synonym", plain: "synonym", inverted: "synonym", inclusion: "inclusion term" }[c.kind];
  return via && c.matched ? `${via}: ${c.matched}` : "";
}

function showResults(items) {
  ui.results.replaceChildren(...items);
  ui.results.hidden = false;
}

export function closeResults() {
  ui.results.hidden = true;
  ui.results.replaceChildren();
}

function addCode(c) {
  if (!state.result) {
    setStatus("Run Suggest on a note before adding codes to it.", "error");
    return;
  }
  state.titles.set(codeKey(c.system, c.code), c.title);
  closeResults();
  ui.search.value = "";
  ui.search.focus();
  const note = c.billable === false ? " It is not billable: a more specific code is needed." : "";
  decideCode(c.system, c.code, "added", note);
}

function resultButtons() {
  return [...ui.results.querySelectorAll("button.result")];
}

// In the search box: the down arrow moves into the results, Escape clears the search.
export function searchKeydown(event) {
  if (event.key === "ArrowDown" && resultButtons().length) {
    event.preventDefault();
    resultButtons()[0].focus();
  } else if (event.key === "Escape") {
    ui.search.value = "";
    closeResults();
  }
}

// In the results: the arrows move among them (up from the first back to the box), Escape closes.
export function resultsKeydown(event) {
  const buttons = resultButtons();
  const at = buttons.indexOf(document.activeElement);
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    event.stopPropagation();
    const next = at + (event.key === "ArrowDown" ? 1 : -1);
    if (next < 0) ui.search.focus();
    else buttons[Math.min(next, buttons.length - 1)].focus();
  } else if (event.key === "Escape") {
    event.stopPropagation();
    closeResults();
    ui.search.focus();
  }
}

// A click anywhere outside "Add a code" closes the results.
export function clickOutsideSearch(event) {
  if (!ui.addCode.contains(event.target)) closeResults();
}
