// The serving model in the top bar, and the rules it was trained to relax in a banner.
import { api } from "./client.js";
import { ui } from "./elements.js";
import { state } from "./state.js";

export async function loadModel() {
  const res = await api("GET", "/v1/models");
  if (!res.ok || !res.data) return; // the suggest response names the model as well
  const active = res.data.active;
  showModel(active ? active : null);
  showAdaptations(active && Array.isArray(active.rule_adaptations) ? active.rule_adaptations : []);
}

export function showModel(model) {
  ui.modelName.textContent = model ? `${model.name} ${model.version}` : "no active model";
  state.model = model ? `${model.name} ${model.version}` : null;
}

// Signed out: no model to show until the next key signs in.
export function clearModel() {
  ui.modelName.textContent = "sign in to see";
  state.model = null;
  showAdaptations([]);
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
