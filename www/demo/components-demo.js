// The components' demo page's own script (a file: the CSP allows no inline script).
// It stands in for a shop's product pages: each button records a view through the
// exported `record`, exactly what a product page would call.
import { ready, record } from "/components/flaneur-elements.js";
import { h } from "/components/dom.js";

const browse = document.getElementById("browse");
const log = document.getElementById("demo-log");

function categoryGroup(category, items) {
  const view = async (item) => {
    const learned = await record({ type: "view", itemId: item.id });
    log.textContent = learned ? `Viewed ${item.title}.` : `Viewed ${item.title} (nothing learned).`;
  };
  return h(
    "div",
    { class: "demo-group", dataset: { category } },
    h("h3", {}, category.split(" > ").join(" › ")),
    h(
      "ul",
      { class: "demo-buttons" },
      items.map((item) =>
        h(
          "li",
          {},
          h(
            "button",
            { type: "button", dataset: { itemId: item.id, category: item.category }, onclick: () => view(item) },
            `View ${item.title}`,
          ),
        ),
      ),
    ),
  );
}

ready.then(
  ({ catalog }) => {
    // The first two categories in the shop's order, up to four items each.
    const groups = new Map();
    for (const item of catalog.items) {
      if (item.sensitive) continue;
      if (!groups.has(item.category)) {
        if (groups.size === 2) continue;
        groups.set(item.category, []);
      }
      const list = groups.get(item.category);
      if (list.length < 4) list.push(item);
    }
    browse.replaceChildren(...[...groups].map(([category, items]) => categoryGroup(category, items)));
  },
  () => {
    browse.textContent = "The catalog could not be loaded; the page still works.";
  },
);
