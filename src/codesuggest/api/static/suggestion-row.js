// One suggestion as a row of the list: code, confidence, evidence, rule chips, its decision.
import { clip } from "./api.js";
import { span } from "./dom.js";
import { ui } from "./elements.js";
import { highlight } from "./evidence.js";
import { select } from "./selection.js";
import { state } from "./state.js";
import { codeKey, decisionLabel } from "./vocabulary.js";

// What Accept and Reject on a row do: decisions.js's decide, which app.js sets (decisions.js
// updates the rows through this module).
let decide = () => {};
export const onDecide = (handler) => {
  decide = handler;
};

export function buildRow(s, index) {
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
    const path = span("index-path", `Index: ${s.index_path}`);
    parts.push(" · ", path);
  }
  return parts;
}

function chip(text, kind) {
  const item = document.createElement("li");
  item.className = `chip ${kind}`;
  if (kind === "rule") {
    const label = span("chip-kind", "rule");
    item.append(label, text);
    item.title = `Coding rule ${text} changed this suggestion`;
  } else {
    item.textContent = text;
  }
  return item;
}

export function updateRow(index) {
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
