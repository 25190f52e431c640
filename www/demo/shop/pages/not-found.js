// Anything else: a page that says so and leads back.
import { h } from "../dom.js";
import { href } from "../router.js";
import { heading } from "./common.js";

export function notFound() {
  const node = h(
    "div",
    { class: "not-found" },
    heading("Page not found"),
    h("p", {}, "There is nothing here. ", h("a", { href: href.home() }, "Back to the shop")),
  );
  return { title: "Not found", node };
}
