// Tiny DOM helpers: the storefront builds its pages with these, never with
// innerHTML or style attributes (the page runs under a strict CSP).

/**
 * Creates an element. `props`: `class`, `text`, `data` (dataset), `on`
 * (event listeners), anything else becomes an attribute (skipped when null,
 * false or undefined; `true` sets an empty attribute).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  return apply(el, props, children);
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Creates an SVG element, with the same props as `h`. */
export function svg(tag, props = {}, ...children) {
  return apply(document.createElementNS(SVG_NS, tag), props, children);
}

function apply(el, props, children) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.setAttribute("class", value);
    else if (key === "text") el.textContent = value;
    else if (key === "data") Object.assign(el.dataset, value);
    else if (key === "on") for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Says `message` to screen readers through the page's polite live region. */
export function announce(message) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  // A fresh text node in the next frame, so that repeating a message is announced again.
  requestAnimationFrame(() => (region.textContent = message));
}
