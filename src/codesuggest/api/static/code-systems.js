// The code systems the server codes in (GET /v1/codesets).
import { api } from "./client.js";
import { ui } from "./elements.js";
import { SAVED, state } from "./state.js";
import { renderSuggestions } from "./suggestions.js";

// The code systems the server codes in, each a diagnosis or a procedure system: the choices
// of the "Codes" filter, and the group each suggestion is shown in.
export async function loadCodeSystems() {
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
