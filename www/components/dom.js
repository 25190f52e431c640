// DOM building without markup strings: every node is created and its text set
// as text, so catalog and profile strings can never become markup, and no
// inline style attribute is ever written (the page's CSP forbids them).

const SVG = "http://www.w3.org/2000/svg";

/** h("button", { type: "button", class: "x", onclick }, "text", child…) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/** A decorative colour swatch: an inline <svg> (no data: URL, no style attribute). */
export function swatch(fill, label) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "fl-swatch");
  svg.setAttribute("viewBox", "0 0 40 40");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  if (label) svg.dataset.colour = label;
  const rect = document.createElementNS(SVG, "rect");
  rect.setAttribute("width", "40");
  rect.setAttribute("height", "40");
  rect.setAttribute("fill", fill);
  svg.append(rect);
  return svg;
}

/** Text only for screen readers (visually hidden by the stylesheet). */
export const srOnly = (text) => h("span", { class: "fl-sr-only" }, text);

let counter = 0;
/** A document-unique id. */
export const uid = (prefix) => `${prefix}-${++counter}`;
