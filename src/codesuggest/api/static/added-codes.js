// The codes decided on the note that are not among its suggestions, listed above them, each
// with its title looked up; an added code can be removed again (recorded as rejected).
import { api } from "./client.js";
import { span } from "./dom.js";
import { ui } from "./elements.js";
import { state } from "./state.js";
import { codeKey, decisionLabel, systemLabel } from "./vocabulary.js";

// What Remove on an added code does: decisions.js's decideCode, which app.js sets (decisions.js
// redraws the list through this module).
let decideCode = () => {};
export const onDecideCode = (handler) => {
  decideCode = handler;
};

// Decided codes that are not among the suggestions (added from the search, usually).
export function renderAdded() {
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
    const code = span("code", record.code);
    const system = span("system", systemLabel(record.system));
    const badge = span(`badge state ${record.decision}`, decisionLabel(record.decision));
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
