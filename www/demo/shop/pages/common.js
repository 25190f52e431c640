// Pieces several pages share.
import { h } from "../dom.js";
import { href } from "../router.js";

/** Home › Women › Knitwear › Sweaters (the last one is the current page unless `current` is false). */
export function breadcrumb(trail, { current = true } = {}) {
  const crumbs = [{ name: "Home", link: href.home() }, ...trail.map((node) => ({ name: node.name, link: href.category(node) }))];
  return h(
    "nav",
    { class: "breadcrumb", "aria-label": "Breadcrumb" },
    h(
      "ol",
      {},
      crumbs.map((c, i) =>
        h("li", {}, h("a", { href: c.link, "aria-current": current && i === crumbs.length - 1 ? "page" : null }, c.name)),
      ),
    ),
  );
}

/** The page's main heading, focusable so that navigation can move focus to it. */
export const heading = (text, attrs = {}) => h("h1", { tabindex: "-1", id: "page-title", ...attrs }, text);
