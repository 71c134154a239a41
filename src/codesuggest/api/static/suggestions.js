// The ranked suggestions, diagnoses then procedures, and the summary of the review above them.
import { renderAdded } from "./added-codes.js";
import { ui } from "./elements.js";
import { state } from "./state.js";
import { plural } from "./status.js";
import { buildRow, updateRow } from "./suggestion-row.js";
import { systemLabel } from "./vocabulary.js";

const isProcedure = (s) => state.kinds.get(systemLabel(s.system)) === "procedure";

// Diagnoses, then procedures (ICD-10-PCS, CPT, HCPCS) in their own group; each group ranked
// as the server ranked its codes.
export function renderSuggestions() {
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

export function renderSummary() {
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
