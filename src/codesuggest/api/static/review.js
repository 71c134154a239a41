// Suggesting codes for the note, with the decisions made earlier on this very text; an edited
// note clears them.
import { api, errorMessage } from "./client.js";
import { ui } from "./elements.js";
import { renderNote } from "./evidence.js";
import { loadModel, showModel } from "./model.js";
import { readNoteForm, remember, showEditor, showView } from "./note.js";
import { closeResults } from "./search.js";
import { select } from "./selection.js";
import { reportError, signedOut } from "./session.js";
import { sha256Hex } from "./sha256.js";
import { state } from "./state.js";
import { plural, setStatus } from "./status.js";
import { renderSuggestions } from "./suggestions.js";
import { codeKey } from "./vocabulary.js";

export async function runSuggest() {
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
export function noteEdited() {
  if (!state.result && !ui.suggest.disabled) return;
  clearSuggestions();
  ui.empty.textContent = "The note changed. Press Suggest for the codes of this text.";
  setStatus("The note changed: its suggestions were cleared. Press Suggest (Ctrl+Enter).", "info");
}

export function clearSuggestions() {
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
