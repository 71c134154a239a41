// Small DOM builders the page's modules share.

// A <span> of class `className` whose text is `text`.
export function span(className, text) {
  const el = document.createElement("span");
  el.className = className;
  el.textContent = text;
  return el;
}
