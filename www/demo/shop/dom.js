// The shop's DOM helpers: it builds its pages with these, never with innerHTML
// or style attributes (the page runs under a strict CSP).
//
// `h` and `svg` are the components' own (www/components/dom.js), same convention,
// same code:
//   h(tag, attrs, ...children)    an HTML element
//   svg(tag, attrs, ...children)  an SVG element
// attrs: `class`, `dataset` (an object for el.dataset), `on<event>` (a listener
// function: onclick, onchange…), anything else an attribute (skipped when null,
// undefined or false; `true` sets it empty). children: nodes, and strings or
// numbers as text; arrays are flattened one level; null, undefined and false are
// skipped.
// A copy rather than an import of /components/dom.js: the shop must keep working
// when the components fail to load (tests/e2e/storefront.spec.mjs blocks them).

const SVG = "http://www.w3.org/2000/svg";

/** h("button", { type: "button", class: "x", onclick }, "text", child…) */
export function h(tag, attrs = {}, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** svg("rect", { width: 40, height: 40, fill }): the same as `h`, in the SVG namespace. */
export function svg(tag, attrs = {}, ...children) {
  return build(document.createElementNS(SVG, tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.setAttribute("class", value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
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
