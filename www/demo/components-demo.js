// The components' demo page's own script (a file: the CSP allows no inline script).
// It stands in for a shop's product pages: each button records a view through the
// exported `record`, exactly what a product page would call.
import { ready, record } from "/components/flaneur-elements.js";

const browse = document.getElementById("browse");
const log = document.getElementById("demo-log");

function categoryGroup(category, items) {
  const section = document.createElement("div");
  section.className = "demo-group";
  section.dataset.category = category;
  const title = document.createElement("h3");
  title.textContent = category.split(" > ").join(" › ");
  const list = document.createElement("ul");
  list.className = "demo-buttons";
  for (const item of items) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.itemId = item.id;
    button.dataset.category = item.category;
    button.textContent = `View ${item.title}`;
    button.addEventListener("click", async () => {
      const learned = await record({ type: "view", itemId: item.id });
      log.textContent = learned ? `Viewed ${item.title}.` : `Viewed ${item.title} (nothing learned).`;
    });
    li.append(button);
    list.append(li);
  }
  section.append(title, list);
  return section;
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
