// #/ : the "Buy again" (only when it has items), "For you" and "Recently viewed" shelves
// (flaneur), the departments, and the shop's own "New in".
import { h } from "../dom.js";
import { plural } from "../format.js";
import { href } from "../router.js";
import { swatch } from "../swatch.js";
import { card } from "../cards.js";
import { heading } from "./common.js";

/** The colour of each department's tile (departments not listed are grey). */
const TILE_COLOURS = { Women: "rust", Men: "navy", Shoes: "camel", Home: "sage", Kids: "yellow", Beauty: "pink", Health: "teal", "Household supplies": "blue" };

export function home(_route, { shop, shelf }) {
  const newIn = shop.items
    .filter((i) => i.released && i.available !== false && !i.sensitive)
    .sort((a, b) => b.released.localeCompare(a.released) || shop.rank(a) - shop.rank(b))
    .slice(0, 8);
  const node = h(
    "div",
    { class: "home" },
    h(
      "section",
      { class: "hero" },
      heading("Welcome to the flaneur demo shop"),
      h("p", { class: "tagline" }, "Personalized in your browser: what you look at stays on this device."),
    ),
    // What the shopper buys regularly, the most due first: shown only when there is some.
    shelf({ k: 8, context: "buy-again", heading: "Buy again", hideEmpty: true }),
    shelf({ k: 12, heading: "For you" }),
    shelf({ k: 8, context: "recent", heading: "Recently viewed" }),
    h(
      "section",
      { "aria-labelledby": "departments-title" },
      h("h2", { id: "departments-title" }, "Shop by department"),
      h(
        "ul",
        { class: "tiles", id: "department-tiles" },
        shop.departments.map((d) =>
          h(
            "li",
            { class: "tile", dataset: { category: d.path } },
            h(
              "a",
              { href: href.category(d) },
              swatch({ category: shop.itemsUnder(d.path)[0].category, attributes: { colour: TILE_COLOURS[d.name] ?? "grey" } }),
              h("span", { class: "tile-name" }, d.name),
              h("span", { class: "tile-count" }, plural(d.count, "product")),
            ),
          ),
        ),
      ),
    ),
    newIn.length
      ? h(
          "section",
          { "aria-labelledby": "new-in-title" },
          h("h2", { id: "new-in-title" }, "New in"),
          h("ol", { class: "cards", id: "new-in" }, newIn.map(card)),
        )
      : null,
  );
  return { title: "Home", node };
}
