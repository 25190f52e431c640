// The demo storefront. The shop's page works on its own (it lists the catalog
// in the shop's order); flaneur only adds the "For you" shelf. If anything in
// flaneur fails, the shelf says so and the shop keeps working.
import init, { Personalizer } from "./pkg/flaneur.js";

const SWATCH = { red: "#b3261e", navy: "#1f2f57", green: "#2e6b3f", cream: "#efe6cf", black: "#202124", mustard: "#c9962b" };
const $ = (id) => document.getElementById(id);
let personalizer = null;
let catalog = null;

function card(item, reason, kind = "shop") {
  const li = document.createElement("li");
  li.className = `card ${kind}`;
  li.dataset.itemId = item.id;
  li.dataset.category = item.category;
  li.dataset.kind = kind;
  const open = document.createElement("button");
  open.className = "open";
  open.type = "button";
  const swatch = document.createElement("div");
  swatch.className = "swatch";
  swatch.style.background = SWATCH[item.attributes?.colour] ?? "#999";
  const body = document.createElement("div");
  body.className = "body";
  const title = document.createElement("div");
  title.className = "title";
  title.textContent = item.title;
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.textContent = `${item.category.split(" > ").at(-1)} · ${item.price?.toFixed(2) ?? "–"} ${item.currency ?? ""}`;
  body.append(title, meta);
  if (reason) {
    const why = document.createElement("div");
    why.className = "reason";
    why.textContent = reason;
    body.append(why);
  }
  open.append(swatch, body);
  open.addEventListener("click", () => view(item));
  li.append(open);
  return li;
}

// Phrases why an item is shown: a divergent step as a question, otherwise the
// strongest signal as what the profile holds (never as a cause).
function phrase(reason) {
  const step = reason?.divergence;
  if (step) {
    const leaf = step.anchor.split(" > ").at(-1).toLowerCase();
    return step.axis === "category"
      ? `You like ${leaf} — try ${step.to.split(" > ").at(-1).toLowerCase()}?`
      : `You like ${step.from} ${leaf} — try ${step.to}?`;
  }
  const top = reason?.signals?.[0];
  if (!top) return "";
  switch (top.kind) {
    case "category": return `You often look at ${top.label.split(" > ").at(-1)}`;
    case "facet": return `You often look at ${top.label.replace(": ", " ")}`;
    case "similarity": return "Similar to items you looked at";
    default: return "Popular in this shop";
  }
}

function view(item) {
  $("viewing").hidden = false;
  $("viewing-item").replaceChildren(card(item));
  try {
    personalizer?.record({ type: "view", itemId: item.id });
  } catch (err) {
    console.warn("flaneur could not record the view:", err.code, err.message);
  }
  renderShelf(item.id);
}

function renderShelf(currentItemId) {
  const shelf = $("for-you");
  const status = $("for-you-status");
  if (!personalizer) return;
  try {
    const slate = personalizer.recommend({ k: 6, context: currentItemId ? { itemId: currentItemId } : {} });
    const byId = new Map(catalog.items.map((i) => [i.id, i]));
    shelf.replaceChildren(...slate.items.map((r) => card(byId.get(r.itemId), phrase(r.reason), r.kind)));
    status.textContent = slate.items.length === 0
      ? "Nothing yet: look at a few products and suggestions will appear here. They are computed on this device."
      : slate.withheld > 0
        ? `${slate.items.length} suggestions (${slate.withheld} slots left empty rather than filled with weak matches).`
        : `${slate.items.length} suggestions, computed on this device.`;
    document.body.dataset.flaneur = "ready";
  } catch (err) {
    status.textContent = `Suggestions unavailable (${err.code ?? err.name}).`;
    document.body.dataset.flaneur = "error";
  }
}

async function main() {
  catalog = await (await fetch("catalog.json")).json();
  $("all").replaceChildren(...catalog.items.map((item) => card(item)));
  try {
    await init();
    // The profile lives in this browser's IndexedDB (merged across tabs);
    // flaneur falls back to localStorage, then memory, on its own.
    personalizer = await Personalizer.open({ catalog });
    renderShelf();
  } catch (err) {
    $("for-you-status").textContent = `Suggestions unavailable (${err.code ?? err.name}); the shop works as usual.`;
    document.body.dataset.flaneur = "error";
  }
}

main();
