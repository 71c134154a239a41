// The page's keyboard shortcuts (the help dialog lists them); while the coder types in a field,
// only Ctrl+Enter acts.
import { decide } from "./decisions.js";
import { ui } from "./elements.js";
import { runSuggest } from "./review.js";
import { closeResults } from "./search.js";
import { move } from "./selection.js";
import { state } from "./state.js";

function isTyping(target) {
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}

export function shortcut(event) {
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
}
