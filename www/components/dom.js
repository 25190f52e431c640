// DOM building without markup strings: every node is created and its text set
// as text, so catalog and profile strings can never become markup, and no
// inline style attribute is ever written (the page's CSP forbids them).
//
// The one convention of www/ (the demo shop's www/demo/shop/dom.js follows it too):
//   h(tag, attrs, ...children)    an HTML element
//   svg(tag, attrs, ...children)  an SVG element
// attrs: `class`, `dataset` (an object for el.dataset), `on<event>` (a listener
// function: onclick, onchange…), anything else an attribute (skipped when null,
// undefined or false; `true` sets it empty). children: nodes, and strings or
// numbers as text; arrays are flattened one level; null, undefined and false are
// skipped.

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

/** A decorative colour swatch: an inline <svg> (no data: URL, no style attribute). */
export function swatch(fill, label) {
  return svg(
    "svg",
    {
      class: "fl-swatch",
      viewBox: "0 0 40 40",
      preserveAspectRatio: "none",
      "aria-hidden": "true",
      focusable: "false",
      dataset: label ? { colour: label } : null,
    },
    svg("rect", { width: "40", height: "40", fill }),
  );
}


let counter = 0;
/** A document-unique id. */
export const uid = (prefix) => `${prefix}-${++counter}`;

/**
 * What marks a node as private to the common session-replay and analytics
 * tools, so that what flaneur shows (titles, tastes, reasons) is masked in
 * their recordings: LogRocket's `data-private`, Hotjar's `data-hj-suppress`,
 * Microsoft Clarity's `data-clarity-mask`, Sentry's `data-sentry-mask` and
 * `sentry-mask`, Heap's `data-heap-redact-text`, FullStory's `fs-mask` and
 * PostHog's `ph-no-capture`. Descendants inherit it in each of these tools.
 */
export const PRIVATE_ATTRIBUTES = {
  "data-private": true,
  "data-hj-suppress": true,
  "data-clarity-mask": "true",
  "data-sentry-mask": true,
  "data-heap-redact-text": true,
};
export const PRIVATE_CLASSES = "fs-mask sentry-mask ph-no-capture";

/** `attrs` with the private marks added (its `class` keeps its own classes first). */
export const masked = (attrs = {}) => ({
  ...attrs,
  ...PRIVATE_ATTRIBUTES,
  class: [attrs.class, PRIVATE_CLASSES].filter(Boolean).join(" "),
});
