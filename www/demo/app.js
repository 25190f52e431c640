// The demo storefront: a hash-routed single page over catalog.json (www/demo/).
//
// The shop is plain JavaScript (shop/): it loads its catalog, lists categories,
// shows products, searches and keeps a cart on its own. flaneur comes in
// through its web components (/components/flaneur-elements.js): <flaneur-shelf>
// elements on the pages, <flaneur-preferences> in the header, and `record`
// for what the shopper does. The components are imported dynamically, so that
// if they (or the WASM) fail to load, the shop still works.
import { h } from "./shop/dom.js";
import { loadShop } from "./shop/catalog.js";
import { href, parse } from "./shop/router.js";
import { connect, shelf, track, visit } from "./shop/flaneur.js";
import { cart } from "./shop/cart.js";
import { plural } from "./shop/format.js";
import { home } from "./shop/pages/home.js";
import { category, search } from "./shop/pages/listing.js";
import { product } from "./shop/pages/product.js";
import { cartPage } from "./shop/pages/cart.js";
import { notFound } from "./shop/pages/not-found.js";

const SHOP_TITLE = "flaneur demo shop";
const PAGES = { home, category, product, search, cart: cartPage };
const $ = (id) => document.getElementById(id);

const components = import("/components/flaneur-elements.js");
connect(() => components);

// The components download the catalog their tag names (this same catalog.json):
// take their copy rather than fetch it twice; without them, fetch it ourselves.
async function componentsCatalog() {
  try {
    return (await (await components).catalog) ?? null;
  } catch {
    return null;
  }
}

let shop = null;
let cleanups = [];
let previous = null; // { hash, key } of the page shown
let linked = false; // the next hashchange comes from a link or a form, not Back/Forward
const memory = new Map(); // hash → { shown, scrollY }: listings come back as they were left

/** What identifies a visit: a new key records a new view or search. */
const keyOf = (route) => `${route.name}:${route.id ?? route.slug ?? route.q ?? ""}`;

function navigate(hash, { replace = false } = {}) {
  linked = true;
  if (replace) location.replace(hash);
  else location.hash = hash;
}

function render() {
  const hash = location.hash || "#/";
  const route = parse(hash);
  const restoring = !linked && previous !== null; // Back/Forward
  linked = false;
  if (previous) memory.set(previous.hash, { ...memory.get(previous.hash), scrollY: window.scrollY });
  for (const fn of cleanups.splice(0)) fn();

  const key = keyOf(route);
  const context = {
    shop,
    shelf,
    track,
    visit,
    navigate,
    fresh: previous?.key !== key,
    recalled: restoring ? memory.get(hash) : undefined,
    remember: (state) => memory.set(hash, { ...memory.get(hash), ...state }),
    onCleanup: (fn) => cleanups.push(fn),
  };
  let page = PAGES[route.name]?.(route, context) ?? null;
  let name = route.name;
  if (!page) {
    page = notFound();
    name = "not-found";
  }
  $("main").replaceChildren(page.node);
  document.title = `${page.title} · ${SHOP_TITLE}`;
  markDepartment(route);
  if (route.name === "search") $("search-input").value = route.q;

  if (previous) {
    window.scrollTo(0, context.recalled?.scrollY ?? 0);
    $("page-title")?.focus({ preventScroll: true });
  }
  previous = { hash, key };
  document.body.dataset.page = name;
}

/** aria-current on the header's department link of the page shown. */
function markDepartment(route) {
  let department = null;
  if (route.name === "category") department = shop.nodeBySlug(route.slug)?.path.split(" > ")[0];
  if (route.name === "product") department = shop.item(route.id)?.category.split(" > ")[0];
  for (const a of $("departments").querySelectorAll("a")) {
    const here = a.dataset.department === department;
    if (here) a.setAttribute("aria-current", route.name === "category" && shop.node(department)?.slug === route.slug ? "page" : "true");
    else a.removeAttribute("aria-current");
  }
}

function showCartCount() {
  const n = cart.count();
  $("cart-count").textContent = String(n);
  $("cart-link").setAttribute("aria-label", `Cart, ${plural(n, "item")}`);
}

function wireHeader() {
  $("departments").replaceChildren(
    ...shop.departments.map((d) => h("li", {}, h("a", { href: href.category(d), dataset: { department: d.path } }, d.name))),
  );
  $("skip-link").addEventListener("click", (event) => {
    event.preventDefault();
    $("main").focus();
  });
  // Links inside the shop are navigation, not Back/Forward.
  document.addEventListener("click", (event) => {
    const a = event.target.closest?.('a[href^="#/"]');
    if (a && a.getAttribute("href") !== location.hash) linked = true;
  });
  cart.subscribe(showCartCount);
  showCartCount();
}

async function main() {
  // Searching works from the first moment: a search typed while the catalog
  // loads goes to its hash and is shown once the shop is ready, rather than
  // submitting the form natively and reloading the page.
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    navigate(href.search($("search-input").value.trim()));
  });
  try {
    shop = await loadShop("catalog.json", await componentsCatalog());
  } catch (err) {
    $("main").replaceChildren(
      h("h1", { tabindex: "-1", id: "page-title" }, "The shop is closed for a moment"),
      h("p", {}, `Its catalog could not be loaded (${err.message}). Please try again later.`),
    );
    document.body.dataset.page = "error";
    return;
  }
  wireHeader();
  window.addEventListener("hashchange", render);
  render();
}

main();
