// #/cart : the shop's cart. Changes record add_to_cart / remove_from_cart;
// "Buy" records a purchase per product and empties the cart. Below it, flaneur's
// "Often bought together" shelf, given the cart's ids (they stay in the page).
import { announce, h } from "../dom.js";
import { plural, price } from "../format.js";
import { href } from "../router.js";
import { swatch } from "../swatch.js";
import { cart } from "../cart.js";
import { heading } from "./common.js";

export function cartPage(_route, { shop, shelf, track, onCleanup }) {
  const body = h("div", { class: "cart-body" });
  let placed = null; // the confirmation after "Buy"
  const together = shelf({ k: 6, context: "cart", heading: "Often bought together" });

  const draw = () => {
    const lines = cart.lines().filter((l) => shop.item(l.id));
    const ids = lines.map((l) => l.id).join(" ");
    if (together.getAttribute("cart") !== ids) together.setAttribute("cart", ids);
    together.hidden = placed !== null;
    if (placed) return body.replaceChildren(placed);
    if (lines.length === 0) {
      return body.replaceChildren(
        h("p", { class: "empty", id: "cart-empty" }, "Your cart is empty. ", h("a", { href: href.home() }, "Continue shopping")),
      );
    }
    const currency = shop.item(lines[0].id).currency ?? "EUR";
    const total = lines.reduce((s, l) => s + (shop.item(l.id).price ?? 0) * l.qty, 0);
    body.replaceChildren(
      h(
        "ul",
        { class: "cart-lines", id: "cart-lines" },
        lines.map(({ id, qty }) => {
          const item = shop.item(id);
          return h(
            "li",
            { class: "cart-line", dataset: { itemId: id } },
            swatch(item),
            h("a", { class: "line-title", href: href.product(id) }, item.title),
            h("span", { class: "line-unit" }, price(item.price, item.currency)),
            h(
              "span",
              { class: "qty", role: "group", "aria-label": `Quantity of ${item.title}` },
              h("button", { type: "button", class: "dec", "aria-label": `One fewer ${item.title}`,
                onclick: () => { cart.decrement(id); track({ type: "remove_from_cart", itemId: id }); } }, "−"),
              h("span", { class: "qty-value" }, String(qty)),
              h("button", { type: "button", class: "inc", "aria-label": `One more ${item.title}`, disabled: item.available === false,
                onclick: () => { cart.add(id); track({ type: "add_to_cart", itemId: id }); } }, "+"),
            ),
            h("span", { class: "line-total" }, price((item.price ?? 0) * qty, item.currency)),
            h("button", { type: "button", class: "remove link", "aria-label": `Remove ${item.title}`,
              onclick: () => {
                cart.remove(id);
                track({ type: "remove_from_cart", itemId: id });
                announce(`Removed ${item.title}.`);
              } }, "Remove"),
          );
        }),
      ),
      h("p", { class: "cart-total" }, "Total ", h("strong", { id: "cart-total" }, price(total, currency))),
      h("button", { type: "button", class: "primary", id: "buy", onclick: () => buy(lines, total, currency) }, "Buy"),
      h("p", { class: "note" }, "Your cart is kept in this tab only. This is a demo: nothing is charged or shipped."),
    );
  };

  const buy = (lines, total, currency) => {
    for (const { id } of lines) track({ type: "purchase", itemId: id });
    const units = lines.reduce((n, l) => n + l.qty, 0);
    placed = h(
      "div",
      { class: "confirmation", id: "order-placed", role: "status" },
      h("h2", {}, "Thank you!"),
      h("p", {}, `Your order of ${plural(units, "item")} (${price(total, currency)}) is placed.`),
      h("p", {}, h("a", { href: href.home() }, "Continue shopping")),
    );
    cart.clear();
  };

  onCleanup(cart.subscribe(draw));
  draw();
  return { title: "Your cart", node: h("div", { class: "cart-page" }, heading("Your cart"), body, together) };
}
