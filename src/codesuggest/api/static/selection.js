// The selected suggestion (j / k follow the order the rows are shown in) and its evidence.
import { highlight } from "./evidence.js";
import { state } from "./state.js";

export function select(index, { focus = false } = {}) {
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

export function move(step) {
  const order = state.order;
  if (!order.length) return;
  const at = order.indexOf(state.selected);
  const next = at < 0 ? 0 : Math.max(0, Math.min(order.length - 1, at + step));
  select(order[next], { focus: true });
}

// A click on evidence in the note selects the (first) suggestion it is evidence of.
export function selectMarked(event) {
  const mark = event.target.closest("mark.ev");
  if (mark) select(Number(mark.dataset.owner), { focus: true });
}
