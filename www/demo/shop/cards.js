// Product cards and the paged product grid of category and search pages.
import { h } from "./dom.js";
import { price } from "./format.js";
import { href } from "./router.js";
import { swatch } from "./swatch.js";

export const PAGE_SIZE = 24;

/** One product card: <li class="card" data-item-id data-category data-kind="shop">. */
export function card(item) {
  return h(
    "li",
    { class: `card${item.available === false ? " sold-out" : ""}`, dataset: { itemId: item.id, category: item.category, kind: "shop" } },
    h("a", { class: "card-link", href: href.product(item.id) }, swatch(item), h("span", { class: "card-title" }, item.title)),
    h(
      "p",
      { class: "card-meta" },
      h("span", { class: "price" }, price(item.price, item.currency)),
      item.attributes?.brand ? h("span", { class: "card-brand" }, item.attributes.brand) : null,
    ),
    item.available === false ? h("p", { class: "badge" }, "Sold out") : null,
  );
}

/**
 * A grid of `items` showing `shown` at first (PAGE_SIZE by default) and a
 * "Show more" button for the rest. `onShown(n)` hears how many are shown.
 */
export function pagedGrid(items, { label, shown = PAGE_SIZE, onShown = () => {} } = {}) {
  const list = h("ol", { class: "cards grid", id: "grid", "aria-label": label });
  const status = h("p", { class: "grid-status", id: "grid-status", "aria-live": "polite" });
  const more = h("button", { type: "button", class: "show-more", id: "show-more" });
  let count = 0;
  const showUpTo = (n, { focus = false } = {}) => {
    const start = count;
    count = Math.min(n, items.length);
    list.append(...items.slice(start, count).map(card));
    status.textContent = `Showing ${count} of ${items.length}`;
    const left = items.length - count;
    more.hidden = left === 0;
    more.textContent = `Show ${Math.min(PAGE_SIZE, left)} more`;
    if (focus) list.children[start]?.querySelector("a")?.focus();
    onShown(count);
  };
  more.addEventListener("click", () => showUpTo(count + PAGE_SIZE, { focus: true }));
  showUpTo(Math.max(shown, PAGE_SIZE));
  return h("div", { class: "grid-wrap" }, list, h("div", { class: "grid-foot" }, status, more));
}

/** The sort control of a listing: calls `onChange(value)`. */
export const SORTS = [
  ["", "Featured"],
  ["price-asc", "Price: low to high"],
  ["price-desc", "Price: high to low"],
  ["newest", "Newest"],
];

export function sortControl(value, onChange) {
  const id = "sort";
  const select = h(
    "select",
    { id, onchange: (e) => onChange(e.target.value) },
    SORTS.map(([v, text]) => h("option", { value: v, selected: v === value }, text)),
  );
  return h("div", { class: "sort" }, h("label", { for: id }, "Sort by"), select);
}

/** `items` in the order `sort` names (a copy; "" keeps the shop's order). */
export function sorted(items, sort) {
  const list = items.slice();
  const byPrice = (a, b) => (a.price ?? Infinity) - (b.price ?? Infinity);
  if (sort === "price-asc") list.sort(byPrice);
  else if (sort === "price-desc") list.sort((a, b) => -byPrice(a, b));
  else if (sort === "newest") list.sort((a, b) => (b.released ?? "").localeCompare(a.released ?? ""));
  return list; // Array.prototype.sort is stable: ties keep the shop's order.
}
