// The coder's review page: paste a note, review ranked codes with their evidence, record
// decisions. Plain DOM APIs only: note text and API data are always set with textContent.
// An ES module (no build step): the names the API uses come from vocabulary.js, which reads
// them from the server.
import { clip, failure, newUuid, request } from "./api.js";
import { sha256Hex } from "./sha256.js";
import {
  codeKey,
  decisionLabel,
  isAssertion,
  loadVocabulary,
  systemKinds,
  systemLabel,
} from "./vocabulary.js";

(() => {
  const SAVED = {
    key: "codesuggest.key",
    noteId: "codesuggest.noteId",
    text: "codesuggest.text",
    age: "codesuggest.age",
    sex: "codesuggest.sex",
    top: "codesuggest.top",
    systems: "codesuggest.systems",
  };
  const SEARCH_DELAY_MS = 250;
  const RETRY_DELAY_MS = 600;
  const MAX_FILE_BYTES = 5 * 1024 * 1024;

  const $ = (id) => document.getElementById(id);
  const ui = {
    signinForm: $("signin-form"),
    keyInput: $("api-key"),
    userBox: $("user-box"),
    userName: $("user-name"),
    signout: $("signout"),
    modelName: $("model-name"),
    adapted: $("adapted"),
    adaptedList: $("adapted-list"),
    status: $("status"),
    noteForm: $("note-form"),
    noteId: $("note-id"),
    age: $("age"),
    sex: $("sex"),
    top: $("top"),
    systems: $("systems"),
    editor: $("editor"),
    noteText: $("note-text"),
    noteView: $("note-view"),
    fileInput: $("file-input"),
    loadFile: $("load-file"),
    editNote: $("edit-note"),
    suggest: $("suggest"),
    summary: $("summary"),
    search: $("code-search"),
    results: $("code-results"),
    addCode: $("add-code"),
    empty: $("empty"),
    list: $("suggestions"),
    diagnosesHeading: $("diagnoses-heading"),
    procedures: $("procedures"),
    proceduresBox: $("procedures-box"),
    addedBox: $("added-box"),
    added: $("added"),
    rowTemplate: $("row-template"),
    help: $("help"),
    helpOpen: $("help-open"),
    helpClose: $("help-close"),
  };

  const state = {
    key: null, // the signed-in API key
    user: null, // {name, role} from GET /v1/me
    model: null, // "name version" of the serving model, as last shown
    result: null, // the last POST /v1/suggest response
    text: "", // the text the result's evidence offsets point into
    textHash: "", // its SHA-256: earlier decisions are restored only when they judged this text
    decisions: new Map(), // "system|code" -> latest stored feedback record
    titles: new Map(), // "system|code" -> title, for codes added from the search
    rows: [], // one <li> per suggestion, in rank order
    order: [], // suggestion indices as shown: diagnoses, then procedures (j / k follow it)
    // code system -> "diagnosis" | "procedure" (GET /v1/codesets; the vocabulary's until it answers)
    kinds: new Map(),
    marks: [], // per suggestion: the <mark> elements of its evidence
    selected: -1,
    pending: new Set(), // "system|code" keys with a decision being saved
    suggestRun: 0,
    searchRun: 0,
    searchTimer: 0,
    searchAbort: null,
  };

  // ---------------------------------------------------------------- API and messages

  // Every call sends the signed-in key (api.js).
  const api = (method, path, options = {}) => request(method, path, { ...options, key: state.key });
  const errorMessage = (res, action) => failure(res, action, state.user ? state.user.role : null);

  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

  function setStatus(message, kind = "info") {
    ui.status.textContent = message;
    ui.status.dataset.kind = kind;
  }

  function reportError(res, action) {
    if (res.status === 401) signedOut();
    setStatus(errorMessage(res, action), "error");
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // ---------------------------------------------------------------- signing in

  async function signIn(key) {
    state.key = key;
    const res = await api("GET", "/v1/me");
    if (!res.ok || !res.data) {
      state.key = null;
      sessionStorage.removeItem(SAVED.key);
      if (res.status === 401) {
        setStatus("That API key was not accepted. Check it and try again.", "error");
        ui.keyInput.focus();
      } else {
        setStatus(errorMessage(res, "sign in"), "error");
      }
      return false;
    }
    state.user = { name: String(res.data.name), role: String(res.data.role) };
    sessionStorage.setItem(SAVED.key, key);
    ui.keyInput.value = "";
    ui.userName.textContent = `${state.user.name} (${state.user.role})`;
    ui.signinForm.hidden = true;
    ui.userBox.hidden = false;
    ui.empty.textContent = "Paste a note and press Suggest.";
    loadModel();
    if (await loadVocabulary(api)) state.kinds = systemKinds();
    await loadCodeSystems(); // before a restored note is suggested with its saved filter
    return true;
  }

  function signedOut() {
    state.key = null;
    state.user = null;
    sessionStorage.removeItem(SAVED.key);
    ui.userBox.hidden = true;
    ui.signinForm.hidden = false;
    ui.modelName.textContent = "sign in to see";
    state.model = null;
    showAdaptations([]);
  }

  async function loadModel() {
    const res = await api("GET", "/v1/models");
    if (!res.ok || !res.data) return; // the suggest response names the model as well
    const active = res.data.active;
    showModel(active ? active : null);
    showAdaptations(active && Array.isArray(active.rule_adaptations) ? active.rule_adaptations : []);
  }

  // The code systems the server codes in, each a diagnosis or a procedure system: the choices
  // of the "Codes" filter, and the group each suggestion is shown in.
  async function loadCodeSystems() {
    const res = await api("GET", "/v1/codesets");
    if (!res.ok || !res.data || !Array.isArray(res.data.items)) return;
    const items = res.data.items.filter((c) => c && c.system);
    state.kinds = new Map(items.map((c) => [String(c.system), c.kind === "procedure" ? "procedure" : "diagnosis"]));
    const kept = ui.systems.value || sessionStorage.getItem(SAVED.systems) || "";
    const option = (value, text) => {
      const item = document.createElement("option");
      item.value = value;
      item.textContent = text;
      return item;
    };
    const groups = ["diagnosis", "procedure"].map((kind) => items.filter((c) => state.kinds.get(c.system) === kind));
    const options = [option("", "All systems")];
    groups.forEach((group, i) => {
      if (group.length > 1) {
        options.push(option(group.map((c) => c.system).join(","), i ? "Procedures" : "Diagnoses"));
      }
    });
    for (const c of items) {
      const registered = c.source === "user catalog" ? " (your catalog)" : "";
      options.push(option(c.system, `${c.system}${registered}`));
    }
    ui.systems.replaceChildren(...options);
    ui.systems.value = options.some((o) => o.value === kept) ? kept : "";
    if (state.result) renderSuggestions();
  }

  const isProcedure = (s) => state.kinds.get(systemLabel(s.system)) === "procedure";

  function showModel(model) {
    ui.modelName.textContent = model ? `${model.name} ${model.version}` : "no active model";
    state.model = model ? `${model.name} ${model.version}` : null;
  }

  // The rules the serving model was trained to relax, each in plain words (GET /v1/models).
  function showAdaptations(adaptations) {
    const items = adaptations.map((a) => {
      const item = document.createElement("li");
      const held = Number(a.held_out_f1);
      const packaged = Number(a.packaged_f1);
      const figures =
        a.held_out_f1 != null && a.packaged_f1 != null
          ? `: held-out F1 ${held.toFixed(3)} vs ${packaged.toFixed(3)} with the packaged rule`
          : "";
      item.textContent = `${a.effect} (rule ${a.rule} relaxed${figures})`;
      return item;
    });
    ui.adaptedList.replaceChildren(...items);
    ui.adapted.hidden = !items.length;
  }

  // ---------------------------------------------------------------- the note and suggesting

  function readNoteForm() {
    const noteId = ui.noteId.value.trim();
    const text = ui.noteText.value;
    if (!state.key) return { error: "Sign in with your API key first.", focus: ui.keyInput };
    if (!noteId) return { error: "Enter a note ID.", focus: ui.noteId };
    if (!text.trim()) return { error: "Paste or load a note first.", focus: ui.noteText };
    const body = { note_id: noteId, text };
    const age = ui.age.value.trim();
    if (age !== "") {
      const years = Number(age);
      if (!Number.isInteger(years) || years < 0 || years > 130) {
        return { error: "Age must be a whole number from 0 to 130.", focus: ui.age };
      }
      body.age = years;
    }
    if (ui.sex.value) body.sex = ui.sex.value;
    return { body };
  }

  // The note's fields survive a reload of the tab (sessionStorage: this tab only).
  function remember() {
    try {
      sessionStorage.setItem(SAVED.noteId, ui.noteId.value);
      sessionStorage.setItem(SAVED.text, ui.noteText.value);
      sessionStorage.setItem(SAVED.age, ui.age.value);
      sessionStorage.setItem(SAVED.sex, ui.sex.value);
      sessionStorage.setItem(SAVED.top, ui.top.value);
      sessionStorage.setItem(SAVED.systems, ui.systems.value);
    } catch {
      // over the storage quota: the note is just not restored after a reload
    }
  }

  async function runSuggest() {
    const form = readNoteForm();
    if (form.error) {
      setStatus(form.error, "error");
      form.focus.focus();
      return;
    }
    remember();
    const run = ++state.suggestRun;
    ui.suggest.disabled = true;
    ui.suggest.textContent = "Suggesting…";
    setStatus("Suggesting codes…", "busy");
    try {
      const top = encodeURIComponent(ui.top.value || "15");
      const systems = ui.systems.value ? `&system=${encodeURIComponent(ui.systems.value)}` : "";
      const res = await api("POST", `/v1/suggest?top=${top}${systems}`, { body: form.body });
      if (run !== state.suggestRun) return;
      if (!res.ok || !res.data) {
        reportError(res, "suggest codes");
        return;
      }
      const textHash = await sha256Hex(form.body.text);
      const earlier = await fetchDecisions(res.data.note_id, textHash);
      if (run !== state.suggestRun) return;
      state.result = res.data;
      state.text = form.body.text;
      state.textHash = textHash;
      state.decisions = earlier.decisions;
      state.pending.clear();
      if (res.data.model) {
        const served = `${res.data.model.name} ${res.data.model.version}`;
        if (served !== state.model) loadModel(); // another model now serves: its card, its banner
        showModel(res.data.model);
      }
      renderNote();
      renderSuggestions();
      showView();
      select(state.order.length ? state.order[0] : -1, { focus: true });
      const n = state.result.suggestions.length;
      const rec = state.result.suggestions.filter((s) => s.recommended).length;
      const restored = state.decisions.size;
      const summary =
        `${plural(n, "suggestion")} for ${state.result.note_id}, ${rec} recommended` +
        (restored ? `; ${plural(restored, "earlier decision")} restored.` : ".");
      // decisions made on another text of this note id are not this review's
      const other = earlier.otherText;
      const otherNote = !other
        ? ""
        : restored
          ? ` ${plural(other, "decision")} on another text of this note not shown.`
          : ` New review: the text changed since the ${plural(other, "earlier decision")} on this note, which are not restored.`;
      if (earlier.error) setStatus(`${summary} ${earlier.error}`, "error");
      else setStatus(summary + otherNote, other ? "warn" : "ok");
    } finally {
      if (run === state.suggestRun) {
        ui.suggest.disabled = false;
        ui.suggest.textContent = "Suggest";
      }
    }
  }

  // Decisions stored earlier for the note and made on this very text (textHash), the latest per
  // code (items come oldest first); otherText counts the codes decided on another text.
  async function fetchDecisions(noteId, textHash) {
    const res = await api("GET", `/v1/feedback?note_id=${encodeURIComponent(noteId)}`);
    const decisions = new Map();
    const other = new Map();
    if (!res.ok || !res.data) {
      if (res.status === 401) signedOut();
      const error = errorMessage(res, "load the earlier decisions on this note");
      return { decisions, otherText: 0, error };
    }
    for (const item of res.data.items || []) {
      const key = codeKey(item.system, item.code);
      (item.text_sha256 === textHash ? decisions : other).set(key, item);
    }
    return { decisions, otherText: other.size, error: "" };
  }

  // Editing the note (its id, text, age or sex) makes the suggestions stale: they are cleared,
  // and an answer still on its way is dropped, so that no decision is recorded against a text
  // the coder no longer sees. Suggest starts the review of the new text.
  function noteEdited() {
    if (!state.result && !ui.suggest.disabled) return;
    clearSuggestions();
    ui.empty.textContent = "The note changed. Press Suggest for the codes of this text.";
    setStatus("The note changed: its suggestions were cleared. Press Suggest (Ctrl+Enter).", "info");
  }

  function clearSuggestions() {
    state.suggestRun += 1;
    ui.suggest.disabled = false;
    ui.suggest.textContent = "Suggest";
    state.result = null;
    state.text = "";
    state.textHash = "";
    state.decisions = new Map();
    state.pending.clear();
    state.rows = [];
    state.order = [];
    state.marks = [];
    state.selected = -1;
    closeResults();
    ui.noteView.replaceChildren();
    renderSuggestions();
    showEditor({ focus: false });
  }

  function showView() {
    ui.editor.hidden = true;
    ui.noteView.hidden = false;
    ui.editNote.hidden = false;
  }

  function showEditor({ focus = true } = {}) {
    ui.noteView.hidden = true;
    ui.editor.hidden = false;
    ui.editNote.hidden = true;
    if (focus) ui.noteText.focus();
  }

  // Python counts code points, JavaScript strings count UTF-16 units: map one to the other.
  function offsetMapper(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return (i) => i;
    const units = [0];
    let at = 0;
    for (const ch of text) {
      at += ch.length;
      units.push(at);
    }
    return (i) => units[Math.max(0, Math.min(i, units.length - 1))];
  }

  // The note as text nodes and <mark>s; overlapping evidence is cut at every span boundary.
  function renderNote() {
    const text = state.text;
    const toUnits = offsetMapper(text);
    const spans = new Map();
    state.result.suggestions.forEach((s, index) => {
      for (const ev of s.evidence || []) {
        const start = toUnits(ev.start);
        const end = Math.min(toUnits(ev.end), text.length);
        if (!(start >= 0 && end > start)) continue;
        const id = `${start}:${end}`;
        if (!spans.has(id)) spans.set(id, { start, end, evidence: ev, owners: new Set() });
        spans.get(id).owners.add(index);
      }
    });
    const cuts = new Set([0, text.length]);
    for (const span of spans.values()) cuts.add(span.start).add(span.end);
    const points = [...cuts].sort((a, b) => a - b);
    const all = [...spans.values()];
    state.marks = state.result.suggestions.map(() => []);
    const fragment = document.createDocumentFragment();
    for (let i = 0; i + 1 < points.length; i++) {
      const [a, b] = [points[i], points[i + 1]];
      const piece = text.slice(a, b);
      const covering = all.filter((span) => span.start <= a && span.end >= b);
      if (!covering.length) {
        fragment.append(piece);
        continue;
      }
      covering.sort((x, y) => x.end - x.start - (y.end - y.start));
      const inner = covering[0].evidence;
      const assertion = isAssertion(inner.assertion) ? inner.assertion : "present";
      const mark = document.createElement("mark");
      mark.className = `ev a-${assertion}`;
      mark.textContent = piece;
      const owners = new Set();
      for (const span of covering) for (const o of span.owners) owners.add(o);
      const codes = [...owners].sort((x, y) => x - y).map((o) => state.result.suggestions[o].code);
      const section = (inner.section || "").replace(/_/g, " ");
      const how = inner.kind === "learned" ? "learned word" : "";
      mark.title = [assertion, how, section, codes.join(", ")].filter(Boolean).join(" · ");
      mark.dataset.owner = String(Math.min(...owners));
      for (const o of owners) state.marks[o].push(mark);
      fragment.append(mark);
    }
    ui.noteView.replaceChildren(fragment);
  }

  // ---------------------------------------------------------------- suggestions

  // Diagnoses, then procedures (ICD-10-PCS, CPT, HCPCS) in their own group; each group ranked
  // as the server ranked its codes.
  function renderSuggestions() {
    const suggestions = state.result ? state.result.suggestions : [];
    state.rows = suggestions.map((s, index) => buildRow(s, index));
    const diagnoses = [];
    const procedures = [];
    suggestions.forEach((s, index) => (isProcedure(s) ? procedures : diagnoses).push(index));
    state.order = [...diagnoses, ...procedures];
    for (const group of [diagnoses, procedures]) {
      group.forEach((index, n) => {
        state.rows[index].dataset.rank = String(n + 1);
        state.rows[index].querySelector(".rank").textContent = String(n + 1);
      });
    }
    ui.list.replaceChildren(...diagnoses.map((index) => state.rows[index]));
    ui.procedures.replaceChildren(...procedures.map((index) => state.rows[index]));
    ui.proceduresBox.hidden = !procedures.length;
    ui.diagnosesHeading.hidden = !procedures.length || !diagnoses.length;
    state.rows.forEach((row, index) => updateRow(index));
    ui.empty.hidden = suggestions.length > 0;
    if (!suggestions.length) ui.empty.textContent = "No codes were suggested for this note.";
    renderAdded();
    renderSummary();
  }

  function buildRow(s, index) {
    const row = ui.rowTemplate.content.firstElementChild.cloneNode(true);
    row.querySelector(".rank").textContent = String(index + 1);
    row.querySelector(".code").textContent = s.code;
    row.querySelector(".system").textContent = s.system;
    row.querySelector(".description").textContent = s.description;
    row.querySelector(".recommended").hidden = !s.recommended;
    row.classList.toggle("not-recommended", !s.recommended);
    const pct = Math.round(Math.max(0, Math.min(1, Number(s.confidence) || 0)) * 100);
    row.querySelector(".pct").textContent = `${pct}%`;
    row.querySelector(".pct").setAttribute("aria-label", `confidence ${pct} percent`);
    const fill = row.querySelector(".fill");
    fill.style.width = `${pct}%`;
    fill.classList.add(pct >= 80 ? "high" : pct >= 50 ? "mid" : "low");
    row.querySelector(".evidence-line").replaceChildren(...evidenceLine(s));
    const chips = row.querySelector(".chips");
    for (const flag of s.flags || []) chips.append(chip(flag, "flag"));
    for (const rule of s.rules || []) chips.append(chip(rule, "rule"));
    chips.hidden = !chips.childElementCount;
    row.querySelector(".accept").addEventListener("click", () => decide(index, "accepted"));
    row.querySelector(".reject").addEventListener("click", () => decide(index, "rejected"));
    row.addEventListener("click", (event) => {
      if (!event.target.closest("button")) select(index, { focus: true });
    });
    row.addEventListener("focusin", () => {
      if (state.selected !== index) select(index);
    });
    row.addEventListener("mouseenter", () => highlight(index, "nearest"));
    row.addEventListener("mouseleave", () => highlight(state.selected, null));
    return row;
  }

  function evidenceLine(s) {
    const evidence = s.evidence || [];
    if (!evidence.length) return [document.createTextNode("No evidence span in the note")];
    if (evidence[0].kind === "learned") {
      // a code the model learned from the note as a whole: the words that drove it
      const parts = ["Learned from the words "];
      evidence.forEach((ev, i) => {
        const word = document.createElement("q");
        word.textContent = clip(ev.text, 30);
        parts.push(...(i ? [", ", word] : [word]));
      });
      return parts;
    }
    const quote = document.createElement("q");
    quote.textContent = clip(evidence[0].text, 70);
    const parts = [quote];
    const section = (evidence[0].section || "").replace(/_/g, " ");
    if (section) parts.push(` · ${section}`);
    if (evidence.length > 1) parts.push(` · +${evidence.length - 1} more`);
    if (s.index_path) {
      // the Alphabetic Index entry that found the code, as a coder would look it up
      const path = document.createElement("span");
      path.className = "index-path";
      path.textContent = `Index: ${s.index_path}`;
      parts.push(" · ", path);
    }
    return parts;
  }

  function chip(text, kind) {
    const item = document.createElement("li");
    item.className = `chip ${kind}`;
    if (kind === "rule") {
      const label = document.createElement("span");
      label.className = "chip-kind";
      label.textContent = "rule";
      item.append(label, text);
      item.title = `Coding rule ${text} changed this suggestion`;
    } else {
      item.textContent = text;
    }
    return item;
  }

  function updateRow(index) {
    const s = state.result.suggestions[index];
    const row = state.rows[index];
    const key = codeKey(s.system, s.code);
    const record = state.decisions.get(key);
    const decision = record ? record.decision : null;
    const busy = state.pending.has(key);
    row.classList.remove("state-accepted", "state-rejected", "state-added");
    if (decision) row.classList.add(`state-${decision}`);
    row.dataset.decision = decision || "";
    const badge = row.querySelector(".state");
    badge.hidden = !decision && !busy;
    badge.textContent = busy ? "Saving…" : decision ? decisionLabel(decision) : "";
    badge.className = `badge state ${busy ? "saving" : decision || ""}`;
    row.setAttribute("aria-busy", busy ? "true" : "false");
    const accept = row.querySelector(".accept");
    const reject = row.querySelector(".reject");
    accept.setAttribute("aria-pressed", String(decision === "accepted"));
    reject.setAttribute("aria-pressed", String(decision === "rejected"));
    accept.disabled = busy;
    reject.disabled = busy;
    const who = record && record.actor ? ` by ${record.actor}` : "";
    row.setAttribute(
      "aria-label",
      `${row.dataset.rank || index + 1}. ${s.system} ${s.code} ${s.description}${decision ? `, ${decision}${who}` : ""}`,
    );
  }

  // Decided codes that are not among the suggestions (added from the search, usually).
  function renderAdded() {
    const suggested = new Set(
      (state.result ? state.result.suggestions : []).map((s) => codeKey(s.system, s.code)),
    );
    const items = [];
    for (const [key, record] of state.decisions) {
      if (suggested.has(key)) continue;
      const item = document.createElement("li");
      item.className = `row other state-${record.decision}`;
      const line = document.createElement("div");
      line.className = "row-line";
      const code = document.createElement("span");
      code.className = "code";
      code.textContent = record.code;
      const system = document.createElement("span");
      system.className = "system";
      system.textContent = systemLabel(record.system);
      const badge = document.createElement("span");
      badge.className = `badge state ${record.decision}`;
      badge.textContent = decisionLabel(record.decision);
      line.append(code, system, badge);
      const description = document.createElement("p");
      description.className = "description";
      description.textContent = state.titles.get(key) || "";
      const main = document.createElement("div");
      main.className = "row-main";
      main.append(line, description);
      item.append(main);
      if (record.decision === "added") {
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "reject";
        remove.textContent = "Remove";
        remove.title = "Record this code as rejected";
        remove.setAttribute("aria-label", `Remove ${record.code} (recorded as rejected)`);
        remove.addEventListener("click", () => decideCode(record.system, record.code, "rejected"));
        const side = document.createElement("div");
        side.className = "row-side";
        side.append(remove);
        item.append(side);
      }
      items.push(item);
      if (!state.titles.has(key)) lookUpTitle(record.system, record.code);
    }
    ui.added.replaceChildren(...items);
    ui.addedBox.hidden = !items.length;
  }

  async function lookUpTitle(system, code) {
    const key = codeKey(system, code);
    state.titles.set(key, "");
    const res = await api("GET", `/v1/codes?q=${encodeURIComponent(code)}&limit=5`);
    const match = res.ok && res.data ? (res.data.items || []).find((c) => codeKey(c.system, c.code) === key) : null;
    if (match && match.title) {
      state.titles.set(key, match.title);
      renderAdded();
    }
  }

  function renderSummary() {
    const suggestions = state.result ? state.result.suggestions : [];
    if (!suggestions.length) {
      ui.summary.textContent = "";
      return;
    }
    const counts = { accepted: 0, rejected: 0, added: 0 };
    for (const record of state.decisions.values()) counts[record.decision] += 1;
    const rec = suggestions.filter((s) => s.recommended).length;
    const parts = [plural(suggestions.length, "code"), `${rec} recommended`];
    for (const [name, n] of Object.entries(counts)) if (n) parts.push(`${n} ${name}`);
    ui.summary.textContent = parts.join(" · ");
  }

  function select(index, { focus = false } = {}) {
    if (state.selected >= 0 && state.rows[state.selected]) {
      const old = state.rows[state.selected];
      old.classList.remove("selected");
      old.removeAttribute("aria-current");
      old.tabIndex = -1;
    }
    state.selected = index;
    if (index < 0 || !state.rows[index]) {
      highlight(-1, null);
      return;
    }
    const row = state.rows[index];
    row.classList.add("selected");
    row.setAttribute("aria-current", "true");
    row.tabIndex = 0;
    if (focus) row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
    highlight(index, "center");
  }

  // Mark one suggestion's evidence in the note; scroll ("nearest", "center" or null) to the first.
  function highlight(index, scroll) {
    for (const mark of ui.noteView.querySelectorAll("mark.active")) mark.classList.remove("active");
    const marks = index >= 0 ? state.marks[index] || [] : [];
    for (const mark of marks) mark.classList.add("active");
    ui.noteView.classList.toggle("focusing", marks.length > 0);
    if (scroll && marks.length && !ui.noteView.hidden) marks[0].scrollIntoView({ block: scroll });
  }

  function move(step) {
    const order = state.order;
    if (!order.length) return;
    const at = order.indexOf(state.selected);
    const next = at < 0 ? 0 : Math.max(0, Math.min(order.length - 1, at + step));
    select(order[next], { focus: true });
  }

  // ---------------------------------------------------------------- decisions

  function decide(index, decision) {
    const s = state.result && state.result.suggestions[index];
    if (!s) {
      setStatus("Select a suggestion first (j / k).", "error");
      return;
    }
    if (index !== state.selected) select(index);
    decideCode(s.system, s.code, decision);
  }

  async function decideCode(system, code, decision, note = "") {
    const key = codeKey(system, code);
    const current = state.decisions.get(key);
    if (state.pending.has(key)) return;
    if (current && current.decision === decision) {
      setStatus(`${code} is already ${decision}.`, "info");
      return;
    }
    const noteId = state.result.note_id;
    const body = { note_id: noteId, code, system: systemLabel(system), decision };
    const idempotencyKey = newUuid();
    const send = () =>
      api("POST", "/v1/feedback", { body, headers: { "Idempotency-Key": idempotencyKey } });
    state.pending.add(key);
    refreshCode(key);
    setStatus(`Saving: ${code} ${decision}…`, "busy");
    let res;
    try {
      res = await send();
      if (res.status === 503 || res.status === 0) {
        await sleep(RETRY_DELAY_MS);
        res = await send(); // same Idempotency-Key: the server stores it at most once
      }
    } finally {
      state.pending.delete(key);
    }
    if (state.result && state.result.note_id === noteId) {
      if ((res.status === 201 || res.status === 200) && res.data) {
        state.decisions.delete(key); // re-insert so the latest decision is listed last
        state.decisions.set(key, res.data);
        setStatus(`${res.data.code} ${decision}.${note}`, note ? "warn" : "ok");
      } else {
        reportError(res, `record the decision on ${code}`);
      }
      refreshCode(key);
      renderSummary();
      if (decision === "added" && !ui.addedBox.hidden) ui.addedBox.scrollIntoView({ block: "nearest" });
    }
  }

  function refreshCode(key) {
    const index = state.result
      ? state.result.suggestions.findIndex((s) => codeKey(s.system, s.code) === key)
      : -1;
    if (index >= 0) updateRow(index);
    else renderAdded();
  }

  // ---------------------------------------------------------------- code search

  function scheduleSearch() {
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
    const code = document.createElement("span");
    code.className = "code";
    code.textContent = c.code;
    const title = document.createElement("span");
    title.className = "title";
    title.textContent = c.title;
    const found = foundBy(c);
    if (found) {
      const via = document.createElement("span");
      via.className = c.path ? "path" : "via";
      via.textContent = found;
      title.append(via);
    }
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = systemLabel(c.system) + (c.billable === false ? " · not billable" : "");
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

  function closeResults() {
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

  ui.search.addEventListener("input", scheduleSearch);
  ui.search.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && resultButtons().length) {
      event.preventDefault();
      resultButtons()[0].focus();
    } else if (event.key === "Escape") {
      ui.search.value = "";
      closeResults();
    }
  });
  ui.results.addEventListener("keydown", (event) => {
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
  });
  document.addEventListener("click", (event) => {
    if (!ui.addCode.contains(event.target)) closeResults();
  });

  // ---------------------------------------------------------------- keyboard

  function isTyping(target) {
    return (
      target instanceof HTMLInputElement ||
      target instanceof HTMLTextAreaElement ||
      target instanceof HTMLSelectElement ||
      (target instanceof HTMLElement && target.isContentEditable)
    );
  }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target === ui.noteText) {
      event.preventDefault();
      runSuggest();
      return;
    }
    if (ui.help.open || isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    const actions = {
      j: () => move(1),
      ArrowDown: () => move(1),
      k: () => move(-1),
      ArrowUp: () => move(-1),
      a: () => decide(state.selected, "accepted"),
      r: () => decide(state.selected, "rejected"),
      "/": () => {
        ui.search.focus();
        ui.search.select();
      },
      "?": () => ui.help.showModal(),
      Escape: () => closeResults(),
    };
    const action = actions[event.key];
    if (!action || (event.repeat && (event.key === "a" || event.key === "r"))) return;
    event.preventDefault();
    action();
  });

  // ---------------------------------------------------------------- wiring

  ui.signinForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = ui.keyInput.value.trim();
    if (!key) {
      setStatus("Paste your API key, then sign in.", "error");
      ui.keyInput.focus();
      return;
    }
    signIn(key).then((ok) => {
      if (ok) {
        setStatus(`Signed in as ${state.user.name}.`, "ok");
        (ui.noteText.value.trim() ? ui.suggest : ui.noteText).focus();
      }
    });
  });

  // Signing out also clears the note from the page and the tab: the next person starts afresh.
  ui.signout.addEventListener("click", () => {
    signedOut();
    for (const name of Object.values(SAVED)) sessionStorage.removeItem(name);
    ui.noteForm.reset();
    clearSuggestions();
    showEditor();
    ui.empty.textContent = "Sign in, paste a note and press Suggest.";
    setStatus("Signed out; the note was cleared from this page.", "info");
    ui.keyInput.focus();
  });

  ui.noteForm.addEventListener("submit", (event) => {
    event.preventDefault();
    runSuggest();
  });

  ui.editNote.addEventListener("click", () => showEditor());
  for (const field of [ui.noteId, ui.noteText, ui.age, ui.sex, ui.top, ui.systems]) {
    field.addEventListener("change", remember);
  }
  for (const field of [ui.noteId, ui.noteText, ui.age, ui.sex]) {
    field.addEventListener("input", noteEdited);
  }
  ui.loadFile.addEventListener("click", () => ui.fileInput.click());
  ui.fileInput.addEventListener("change", () => {
    const file = ui.fileInput.files && ui.fileInput.files[0];
    ui.fileInput.value = "";
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      setStatus(`${file.name} is larger than 5 MB; load a single note.`, "error");
      return;
    }
    const reader = new FileReader();
    reader.addEventListener("load", () => {
      ui.noteText.value = String(reader.result).replace(/^\uFEFF/, "");
      if (!ui.noteId.value.trim()) ui.noteId.value = file.name.replace(/\.[^.]*$/, "");
      if (state.result) clearSuggestions(); // another note: the old suggestions are not its
      showEditor();
      setStatus(`Loaded ${file.name}. Press Suggest (Ctrl+Enter).`, "info");
    });
    reader.addEventListener("error", () => setStatus(`Could not read ${file.name}.`, "error"));
    reader.readAsText(file, "utf-8");
  });

  ui.noteView.addEventListener("click", (event) => {
    const mark = event.target.closest("mark.ev");
    if (mark) select(Number(mark.dataset.owner), { focus: true });
  });

  ui.helpOpen.addEventListener("click", () => ui.help.showModal());
  ui.helpClose.addEventListener("click", () => ui.help.close());

  // Restore the last view: fields, then the key, then the suggestions.
  function restore() {
    ui.noteId.value = sessionStorage.getItem(SAVED.noteId) || "";
    ui.noteText.value = sessionStorage.getItem(SAVED.text) || "";
    ui.age.value = sessionStorage.getItem(SAVED.age) || "";
    ui.sex.value = sessionStorage.getItem(SAVED.sex) || "";
    ui.top.value = sessionStorage.getItem(SAVED.top) || "15";
    if (!ui.top.value) ui.top.value = "15";
    const key = sessionStorage.getItem(SAVED.key);
    if (!key) {
      setStatus("Sign in with your API key to start.", "info");
      return;
    }
    signIn(key).then((ok) => {
      if (!ok) return;
      if (ui.noteText.value.trim() && ui.noteId.value.trim()) runSuggest();
      else setStatus(`Signed in as ${state.user.name}.`, "ok");
    });
  }

  restore();
})();
