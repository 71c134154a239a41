// Accepting, rejecting and adding codes: each decision is stored once (POST /v1/feedback, one
// Idempotency-Key through a retry) and shown on its row.
import { renderAdded } from "./added-codes.js";
import { newUuid } from "./api.js";
import { api } from "./client.js";
import { ui } from "./elements.js";
import { select } from "./selection.js";
import { reportError } from "./session.js";
import { state } from "./state.js";
import { setStatus } from "./status.js";
import { updateRow } from "./suggestion-row.js";
import { renderSummary } from "./suggestions.js";
import { codeKey, systemLabel } from "./vocabulary.js";

const RETRY_DELAY_MS = 600;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function decide(index, decision) {
  const s = state.result && state.result.suggestions[index];
  if (!s) {
    setStatus("Select a suggestion first (j / k).", "error");
    return;
  }
  if (index !== state.selected) select(index);
  decideCode(s.system, s.code, decision);
}

export async function decideCode(system, code, decision, note = "") {
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
