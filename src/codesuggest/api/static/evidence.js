// The note with its evidence highlighted: one <mark> per stretch of text that some suggestion's
// evidence covers, coloured by what the note says of it; a suggestion's marks light up when it
// is selected.
import { ui } from "./elements.js";
import { state } from "./state.js";
import { isAssertion } from "./vocabulary.js";

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
export function renderNote() {
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
    // the note's own reading of the span: a relative's mention stays "family" in the note
    // although it affirms the family-history code it supports
    const said = inner.note_assertion || inner.assertion;
    const assertion = isAssertion(said) ? said : "present";
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

// Mark one suggestion's evidence in the note; scroll ("nearest", "center" or null) to the first.
export function highlight(index, scroll) {
  for (const mark of ui.noteView.querySelectorAll("mark.active")) mark.classList.remove("active");
  const marks = index >= 0 ? state.marks[index] || [] : [];
  for (const mark of marks) mark.classList.add("active");
  ui.noteView.classList.toggle("focusing", marks.length > 0);
  if (scroll && marks.length && !ui.noteView.hidden) marks[0].scrollIntoView({ block: scroll });
}
