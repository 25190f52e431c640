// #/category/<slug path> and #/search?q=… : a paged grid of products with a
// flaneur shelf for the category or the query.
import { h } from "../dom.js";
import { plural } from "../format.js";
import { href } from "../router.js";
import { pagedGrid, sortControl, sorted } from "../cards.js";
import { searchItems } from "../search.js";
import { breadcrumb, heading } from "./common.js";

export function category(route, { shop, shelf, visit, remember, recalled, navigate }) {
  const node = shop.nodeBySlug(route.slug);
  if (!node) return null; // not found
  visit(node.path);
  const items = sorted(shop.itemsUnder(node.path), route.sort);
  const sub = node.children.length
    ? h(
        "nav",
        { class: "subcategories", "aria-label": `${node.name} categories` },
        h("ul", {}, node.children.map((c) => h("li", {}, h("a", { href: href.category(c) }, c.name, h("span", { class: "count" }, ` (${c.count})`))))),
      )
    : null;
  const page = h(
    "div",
    { class: "listing", dataset: { category: node.path } },
    breadcrumb(shop.trail(node.path)),
    h(
      "div",
      { class: "listing-head" },
      heading(node.name),
      h("p", { class: "listing-count", id: "result-count" }, plural(node.count, "product")),
      sortControl(route.sort, (sort) => navigate(href.category(node, sort), { replace: true })),
    ),
    sub,
    shelf({ k: 6, context: `category:${node.path}`, heading: `For you in ${node.name}` }),
    pagedGrid(items, { label: node.name, shown: recalled?.shown, onShown: (shown) => remember({ shown }) }),
  );
  return { title: node.name, node: page };
}

export function search(route, { shop, shelf, track, remember, recalled, navigate, fresh }) {
  const q = route.q;
  if (q && fresh) track({ type: "search", query: q });
  const items = q ? sorted(searchItems(shop.items, q), route.sort) : [];
  const page = h(
    "div",
    { class: "listing search-results" },
    h(
      "div",
      { class: "listing-head" },
      heading(q ? `Results for “${q}”` : "Search"),
      h("p", { class: "listing-count", id: "result-count" }, q ? plural(items.length, "product") : "Type what you are looking for in the search box."),
      items.length > 1 ? sortControl(route.sort, (sort) => navigate(href.search(q, sort), { replace: true })) : null,
    ),
    q ? shelf({ k: 6, context: `query:${q}`, heading: "Suggested for you" }) : null,
    items.length
      ? pagedGrid(items, { label: `Results for ${q}`, shown: recalled?.shown, onShown: (shown) => remember({ shown }) })
      : q
        ? h(
            "div",
            { class: "empty", id: "no-results" },
            h("p", {}, `Nothing matches “${q}”. Try fewer words, or browse a department:`),
            h("ul", { class: "inline-list" }, shop.departments.map((d) => h("li", {}, h("a", { href: href.category(d) }, d.name)))),
          )
        : null,
  );
  return { title: q ? `Search: ${q}` : "Search", node: page };
}
