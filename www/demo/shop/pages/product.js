// #/product/<id> : the product, "Add to cart", and flaneur's "You may also like".
// Opening the page records a view.
import { announce, h } from "../dom.js";
import { capitalize, plural, price } from "../format.js";
import { href } from "../router.js";
import { swatch } from "../swatch.js";
import { cart } from "../cart.js";
import { breadcrumb, heading } from "./common.js";

export function product(route, { shop, shelf, track, visit, fresh, onCleanup }) {
  const item = shop.item(route.id);
  if (!item) return null;
  visit(item.category);
  if (fresh) track({ type: "view", itemId: item.id });
  const available = item.available !== false;
  const attrs = item.attributes ?? {};
  const inCart = h("p", { class: "in-cart", id: "in-cart" });
  const showInCart = () => {
    const n = cart.qty(item.id);
    inCart.replaceChildren(...(n ? [`${plural(n, "unit")} in your cart · `, h("a", { href: href.cart() }, "View cart")] : []));
  };
  const add = h(
    "button",
    {
      type: "button",
      class: "primary",
      id: "add-to-cart",
      disabled: !available,
      onclick: () => {
        cart.add(item.id);
        track({ type: "add_to_cart", itemId: item.id });
        announce(`Added ${item.title} to your cart. ${plural(cart.count(), "item")} in your cart.`);
      },
    },
    available ? "Add to cart" : "Sold out",
  );
  onCleanup(cart.subscribe(showInCart));
  showInCart();
  const leaf = shop.node(item.category);
  const details = [
    ["Colour", attrs.colour],
    ["Material", attrs.material],
    ["Style", attrs.style],
    ["Brand", attrs.brand],
    ["Released", item.released],
  ].filter(([, v]) => v);
  const page = h(
    "div",
    { class: "product", dataset: { itemId: item.id, category: item.category } },
    breadcrumb(shop.trail(item.category), { current: false }),
    h(
      "div",
      { class: "product-main" },
      swatch(item, { label: attrs.colour ? `Colour: ${attrs.colour}` : item.title, className: "swatch large" }),
      h(
        "div",
        { class: "product-info" },
        heading(item.title),
        attrs.brand ? h("p", { class: "product-brand" }, attrs.brand) : null,
        h("p", { class: "product-price", id: "product-price" }, price(item.price, item.currency)),
        h("p", { class: `availability ${available ? "in-stock" : "out-of-stock"}`, id: "availability" }, available ? "In stock" : "Sold out"),
        add,
        inCart,
        details.length
          ? h("dl", { class: "details" }, details.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, capitalize(v))]))
          : null,
        leaf ? h("p", {}, h("a", { href: href.category(leaf) }, `More ${leaf.name.toLowerCase()}`)) : null,
      ),
    ),
    shelf({ k: 6, context: `item:${item.id}`, heading: "You may also like" }),
  );
  return { title: item.title, node: page };
}
