// The status line under the top bar: one message, of a kind the style sheet colours.
import { ui } from "./elements.js";

export const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function setStatus(message, kind = "info") {
  ui.status.textContent = message;
  ui.status.dataset.kind = kind;
}
