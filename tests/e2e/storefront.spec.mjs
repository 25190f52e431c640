// The demo storefront (www/demo/): a hash-routed shop over the 2,000-item demo catalog,
// with flaneur's web components (www/components/) on its pages.
//
// The first part tests the shop on its own: routes, category grids, product pages,
// search, the cart, keyboard use, what it fetches, and that it keeps working when
// flaneur cannot load. It passes with or without the components. The shop's calls to
// the components' `record` are checked against a stub module served in their place.
//
// The second part ("with the flaneur components") runs the real components and the
// WASM engine behind them.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { readRecord, writeRecord } from "./idb.mjs";

const catalog = JSON.parse(readFileSync(new URL("../../www/demo/catalog.json", import.meta.url), "utf8"));
const items = catalog.items;
const byId = new Map(items.map((i) => [i.id, i]));
const inCategory = (path) => items.filter((i) => i.category === path || i.category.startsWith(`${path} > `));
const departments = [...new Set(items.map((i) => i.category.split(" > ")[0]))];
const euros = (n) => new Intl.NumberFormat("en-IE", { style: "currency", currency: "EUR" }).format(n);
const SWEATERS = "Women > Knitwear > Sweaters";
const BOOTS = "Shoes > Boots";
const sweaters = inCategory(SWEATERS).filter((i) => i.available);
const boots = inCategory(BOOTS).filter((i) => i.available);

/** The ids of the cards in a list of cards, in order. */
const cardIds = (locator) => locator.evaluateAll((cards) => cards.map((c) => c.dataset.itemId));

test.beforeEach(async ({ page }) => {
  page.on("pageerror", (err) => {
    throw err;
  });
});

test.describe("the shop on its own", () => {
  test("the catalog: 2,000+ items over several departments, the categories the tests use", () => {
    expect(items.length).toBeGreaterThanOrEqual(2000);
    expect(departments.length).toBeGreaterThanOrEqual(6);
    for (const path of [SWEATERS, "Women > Knitwear > Cardigans", BOOTS, "Home > Kitchen", "Health > Supplements"]) {
      expect(inCategory(path).length, path).toBeGreaterThanOrEqual(6);
    }
    expect(sweaters.some((i) => i.attributes.colour === "red")).toBe(true);
    expect(sweaters.some((i) => i.attributes.colour === "navy")).toBe(true);
    expect(inCategory("Health").every((i) => i.sensitive)).toBe(true);
    for (const facet of ["colour", "brand", "material", "style"]) expect(catalog.facets[facet]).toEqual({ divergence: true });
    for (const item of items) expect(item.url).toBe(`#/product/${item.id}`);
  });

  test("home: departments in the header and as tiles, the Buy again, For you and Recently viewed shelves, New in", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("body")).toHaveAttribute("data-page", "home");
    await expect(page.locator("#departments a")).toHaveText(departments);
    await expect(page.locator("#department-tiles .tile")).toHaveCount(departments.length);
    await expect(page.locator("#department-tiles .tile").first()).toContainText(`${inCategory(departments[0]).length} products`);
    await expect(page.locator("main flaneur-shelf")).toHaveCount(3);
    // First "Buy again", hidden while it has nothing (a new shopper has bought nothing).
    const again = page.locator("main flaneur-shelf").first();
    await expect(again).toHaveAttribute("context", "buy-again");
    await expect(again).toHaveAttribute("heading", "Buy again");
    await expect(again).toBeHidden();
    const shelf = page.locator("main flaneur-shelf").nth(1);
    await expect(shelf).toHaveAttribute("k", "12");
    await expect(shelf).toHaveAttribute("heading", "For you");
    expect(await shelf.getAttribute("context")).toBeNull();
    // Below it, the shopper's recently viewed items.
    const recent = page.locator("main flaneur-shelf").nth(2);
    await expect(recent).toHaveAttribute("context", "recent");
    await expect(recent).toHaveAttribute("heading", "Recently viewed");
    // New in: the shop's own newest arrivals, available and not sensitive.
    const newIn = await cardIds(page.locator("#new-in .card"));
    expect(newIn).toHaveLength(8);
    const dates = newIn.map((id) => byId.get(id).released);
    expect(dates).toEqual([...dates].sort().reverse());
    for (const id of newIn) expect(byId.get(id).available && !byId.get(id).sensitive).toBe(true);
    // Every card has a swatch in the item's colour, drawn as inline SVG.
    await expect(page.locator("#new-in .card svg.swatch").first()).toHaveAttribute("data-colour", byId.get(newIn[0]).attributes.colour ?? "");
    await expect(page.locator(".site-header flaneur-preferences")).toHaveCount(1);
    await expect(page.locator("#cart-count")).toHaveText("0");
  });

  test("routing: department, leaf category, paging, product, Back, unknown routes", async ({ page }) => {
    await page.goto("/");
    await page.locator("#departments a", { hasText: "Women" }).click();
    await expect(page).toHaveURL(/#\/category\/women$/);
    await expect(page.locator("body")).toHaveAttribute("data-page", "category");
    await expect(page.locator("h1")).toHaveText("Women");
    await expect(page.locator("#departments a", { hasText: "Women" })).toHaveAttribute("aria-current", "page");
    // The department's items, in shop order, 24 at a time.
    expect(await cardIds(page.locator("#grid .card"))).toEqual(inCategory("Women").slice(0, 24).map((i) => i.id));

    await page.locator(".subcategories a", { hasText: "Knitwear" }).click();
    await page.locator(".subcategories a", { hasText: "Sweaters" }).click();
    await expect(page).toHaveURL(/#\/category\/women\/knitwear\/sweaters$/);
    await expect(page.locator("h1")).toHaveText("Sweaters");
    const all = inCategory(SWEATERS);
    await expect(page.locator("#result-count")).toHaveText(`${all.length} products`);
    await expect(page.locator(".breadcrumb a")).toHaveText(["Home", "Women", "Knitwear", "Sweaters"]);
    await expect(page.locator("main flaneur-shelf")).toHaveAttribute("context", `category:${SWEATERS}`);
    await expect(page.locator("main flaneur-shelf")).toHaveAttribute("k", "6");
    expect(await cardIds(page.locator("#grid .card"))).toEqual(all.slice(0, 24).map((i) => i.id));

    // Show more: the next 24, focus on the first new card.
    await page.locator("#show-more").click();
    await expect(page.locator("#grid .card")).toHaveCount(48);
    await expect(page.locator("#grid .card").nth(24).locator("a")).toBeFocused();
    await expect(page.locator("#grid-status")).toHaveText(`Showing 48 of ${all.length}`);
    expect(await cardIds(page.locator("#grid .card"))).toEqual(all.slice(0, 48).map((i) => i.id));

    // A product, then Back: the listing comes back with 48 shown.
    const target = all[30];
    await page.locator(`#grid .card[data-item-id="${target.id}"] a`).click();
    await expect(page).toHaveURL(new RegExp(`#/product/${target.id}$`));
    await expect(page.locator("body")).toHaveAttribute("data-page", "product");
    await expect(page.locator("h1")).toHaveText(target.title);
    await expect(page.locator("h1")).toBeFocused();
    await page.goBack();
    await expect(page.locator("h1")).toHaveText("Sweaters");
    await expect(page.locator("#grid .card")).toHaveCount(48);

    // Sorting reorders the same items.
    await page.getByLabel("Sort by").selectOption("price-asc");
    await expect(page).toHaveURL(/sweaters\?sort=price-asc$/);
    const prices = (await cardIds(page.locator("#grid .card"))).map((id) => byId.get(id).price);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect(prices[0]).toBe(Math.min(...all.map((i) => i.price)));

    for (const hash of ["#/nowhere", "#/product/no-such-item", "#/category/no/such/category"]) {
      await page.goto(`/${hash}`);
      await expect(page.locator("body")).toHaveAttribute("data-page", "not-found");
      await expect(page.locator("h1")).toHaveText("Page not found");
    }
  });

  test("product page: details, price, availability, add to cart, You may also like", async ({ page }) => {
    const item = sweaters.find((i) => i.attributes.colour === "red");
    await page.goto(`/#/product/${item.id}`);
    await expect(page.locator("body")).toHaveAttribute("data-page", "product");
    await expect(page.locator("h1")).toHaveText(item.title);
    await expect(page).toHaveTitle(`${item.title} · flaneur demo shop`);
    await expect(page.locator("#product-price")).toHaveText(euros(item.price));
    await expect(page.locator("#availability")).toHaveText("In stock");
    await expect(page.locator(".details")).toContainText("ColourRed");
    await expect(page.locator(".details")).toContainText(`Material${item.attributes.material[0].toUpperCase()}`);
    await expect(page.getByRole("img", { name: "Colour: red" })).toBeVisible();
    await expect(page.locator(".breadcrumb a")).toHaveText(["Home", "Women", "Knitwear", "Sweaters"]);
    const shelf = page.locator("main flaneur-shelf");
    await expect(shelf).toHaveAttribute("context", `item:${item.id}`);
    await expect(shelf).toHaveAttribute("heading", "You may also like");
    await expect(shelf).toHaveAttribute("k", "6");

    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect(page.locator("#cart-count")).toHaveText("2");
    await expect(page.getByRole("link", { name: "Cart, 2 items" })).toBeVisible();
    await expect(page.locator("#in-cart")).toContainText("2 units in your cart");

    const soldOut = items.find((i) => !i.available);
    await page.goto(`/#/product/${soldOut.id}`);
    await expect(page.locator("h1")).toHaveText(soldOut.title);
    await expect(page.locator("#availability")).toHaveText("Sold out");
    await expect(page.locator("#add-to-cart")).toBeDisabled();
  });

  test("search: every word begins a word of the title, category or attributes", async ({ page }) => {
    // The expectation, computed here independently: words at word starts, case-insensitive.
    const matching = (...words) =>
      items.filter((i) => {
        const text = `${i.title} ${i.category} ${Object.values(i.attributes).join(" ")}`;
        return words.every((w) => new RegExp(`(^|[^\\p{L}\\p{N}])${w}`, "iu").test(text));
      });
    await page.goto("/");
    await page.getByLabel("Search products").fill("navy merino");
    await page.getByLabel("Search products").press("Enter");
    await expect(page).toHaveURL(/#\/search\?q=navy%20merino$/);
    await expect(page.locator("body")).toHaveAttribute("data-page", "search");
    await expect(page.locator("h1")).toHaveText("Results for “navy merino”");
    const expected = matching("navy", "merino");
    expect(expected.length).toBeGreaterThan(0);
    await expect(page.locator("#result-count")).toHaveText(`${expected.length} product${expected.length === 1 ? "" : "s"}`);
    expect((await cardIds(page.locator("#grid .card"))).sort()).toEqual(expected.map((i) => i.id).sort());
    await expect(page.locator("main flaneur-shelf")).toHaveAttribute("context", "query:navy merino");
    await expect(page.getByLabel("Search products")).toHaveValue("navy merino");

    // Many results: paged like a category, title matches first.
    await page.goto("/#/search?q=boots");
    const bootsFound = matching("boots?");
    expect(bootsFound.length).toBeGreaterThan(24);
    await expect(page.locator("#result-count")).toHaveText(`${bootsFound.length} products`);
    await expect(page.locator("#grid .card")).toHaveCount(24);
    await page.locator("#show-more").click();
    await expect(page.locator("#grid .card")).toHaveCount(Math.min(48, bootsFound.length));
    for (const id of await cardIds(page.locator("#grid .card"))) expect(bootsFound.map((i) => i.id)).toContain(id);

    // "red" is a word, not a part of "tiered".
    await page.goto("/#/search?q=red%20dress");
    for (const id of await cardIds(page.locator("#grid .card"))) {
      expect(byId.get(id).attributes.colour, byId.get(id).title).toBe("red");
    }

    await page.goto("/#/search?q=qwertyuiop");
    await expect(page.locator("#result-count")).toHaveText("0 products");
    await expect(page.locator("#no-results")).toBeVisible();
    await expect(page.locator("#no-results a")).toHaveCount(departments.length);
  });

  test("a search typed while the catalog loads is shown once it has, not lost to a page reload", async ({ page }) => {
    let release;
    const held = new Promise((resolve) => (release = resolve));
    await page.route("**/catalog.json", async (route) => {
      await held;
      await route.continue();
    });
    await page.goto("/", { waitUntil: "domcontentloaded" });
    await page.getByLabel("Search products").fill("navy merino");
    await page.getByLabel("Search products").press("Enter");
    release();
    await expect(page).toHaveURL(/\/#\/search\?q=navy%20merino$/);
    await expect(page.locator("body")).toHaveAttribute("data-page", "search");
    await expect(page.locator("h1")).toHaveText("Results for “navy merino”");
  });

  test("cart: count, lines, total, fewer, remove, kept for the tab, buy", async ({ page }) => {
    const [a, b] = [sweaters[0], boots[0]];
    await page.goto(`/#/product/${a.id}`);
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.goto(`/#/product/${b.id}`);
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect(page.locator("#cart-count")).toHaveText("3");

    await page.locator("#cart-link").click();
    await expect(page.locator("body")).toHaveAttribute("data-page", "cart");
    await expect(page.locator("#cart-lines .cart-line")).toHaveCount(2);
    // flaneur's "Often bought together" shelf is given the cart's ids, in the cart's order.
    const together = page.locator('main flaneur-shelf[context="cart"]');
    await expect(together).toHaveAttribute("heading", "Often bought together");
    await expect(together).toHaveAttribute("cart", `${a.id} ${b.id}`);
    await expect(page.locator("#cart-total")).toHaveText(euros(2 * a.price + b.price));
    await page.getByRole("button", { name: `One fewer ${a.title}` }).click();
    await expect(page.locator("#cart-count")).toHaveText("2");
    await expect(page.locator("#cart-total")).toHaveText(euros(a.price + b.price));
    await page.getByRole("button", { name: `Remove ${b.title}` }).click();
    await expect(page.locator("#cart-lines .cart-line")).toHaveCount(1);
    await expect(together).toHaveAttribute("cart", a.id);
    await expect(page.locator("#cart-count")).toHaveText("1");

    // The cart is kept for this tab (sessionStorage), not in localStorage.
    await page.reload();
    await expect(page.locator("#cart-count")).toHaveText("1");
    await expect(page.locator("#cart-lines .cart-line")).toHaveCount(1);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => !k.startsWith("flaneur:")))).toEqual([]);

    await page.getByRole("button", { name: "Buy" }).click();
    await expect(page.locator("#order-placed")).toContainText(`Your order of 1 item (${euros(a.price)}) is placed.`);
    await expect(page.locator("#cart-count")).toHaveText("0");
    await page.goto("/#/");
    await page.goto("/#/cart");
    await expect(page.locator("#cart-empty")).toBeVisible();
  });

  test("keyboard: skip link, department links, labelled controls", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("body")).toHaveAttribute("data-page", "home");
    await page.keyboard.press("Tab");
    await expect(page.locator("#skip-link")).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.locator("main")).toBeFocused();
    await expect(page).toHaveURL(/\/(#\/)?$/);

    await page.locator("#departments a", { hasText: "Shoes" }).focus();
    await page.keyboard.press("Enter");
    await expect(page.locator("h1")).toHaveText("Shoes");
    await expect(page.locator("h1")).toBeFocused();
    await page.locator("#show-more").focus();
    await page.keyboard.press("Enter");
    await expect(page.locator("#grid .card").nth(24).locator("a")).toBeFocused();
    await expect(page.getByRole("searchbox", { name: "Search products" })).toBeVisible();
    await expect(page.getByRole("combobox", { name: "Sort by" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Departments" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Cart, 0 items" })).toBeVisible();
  });

  test("the shop reports what the shopper does through the components' record()", async ({ page }) => {
    // A stand-in for components/flaneur-elements.js: the same two exports, recording into the page.
    await page.route("**/components/flaneur-elements.js", (route) =>
      route.fulfill({
        contentType: "text/javascript",
        body: `window.recorded = [];
          export const ready = Promise.resolve({ personalizer: null, catalog: null });
          export function record(event) { window.recorded.push(event); return Promise.resolve(true); }`,
      }),
    );
    const [a, b] = [sweaters[0], boots[0]];
    await page.goto(`/#/product/${a.id}`);
    await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
    await expect(page.locator("#flaneur-status")).toContainText("computed on this device");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.locator(".breadcrumb a", { hasText: "Sweaters" }).click();
    await page.locator(`#grid .card[data-item-id="${sweaters[1].id}"] a`).click();
    await expect(page.locator("h1")).toHaveText(sweaters[1].title);
    await page.getByLabel("Search products").fill("leather boots");
    await page.getByLabel("Search products").press("Enter");
    await expect(page.locator("body")).toHaveAttribute("data-page", "search");
    await page.getByLabel("Sort by").selectOption("price-asc"); // the same search: not recorded again
    await expect(page).toHaveURL(/sort=price-asc/);
    await page.goto(`/#/product/${b.id}`);
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.goto("/#/cart");
    await page.getByRole("button", { name: `Remove ${a.title}` }).click();
    await page.getByRole("button", { name: "Buy" }).click();
    await expect(page.locator("#order-placed")).toBeVisible();
    expect(await page.evaluate(() => window.recorded)).toEqual([
      { type: "view", itemId: a.id },
      { type: "add_to_cart", itemId: a.id },
      { type: "view", itemId: sweaters[1].id },
      { type: "search", query: "leather boots" },
      { type: "view", itemId: b.id },
      { type: "add_to_cart", itemId: b.id },
      { type: "remove_from_cart", itemId: a.id },
      { type: "purchase", itemId: b.id },
    ]);
  });

  for (const [what, block] of [
    ["the .wasm is blocked", "**/*.wasm"],
    ["the components do not load", "**/components/**"],
  ]) {
    test(`the shop keeps working when ${what}`, async ({ page }) => {
      await page.route(block, (route) => route.abort());
      await page.goto("/");
      await expect(page.locator("body")).toHaveAttribute("data-page", "home");
      await expect(page.locator("body")).toHaveAttribute("data-flaneur", "error");
      await expect(page.locator("#flaneur-status")).toContainText("the shop works as usual");
      await page.locator("#departments a", { hasText: "Shoes" }).click();
      await page.locator(".subcategories a", { hasText: "Boots" }).click();
      expect(await cardIds(page.locator("#grid .card"))).toEqual(inCategory(BOOTS).slice(0, 24).map((i) => i.id));
      await page.locator(`#grid .card[data-item-id="${boots[0].id}"] a`).click();
      await expect(page.locator("h1")).toHaveText(boots[0].title);
      await page.getByRole("button", { name: "Add to cart" }).click();
      await expect(page.locator("#cart-count")).toHaveText("1");
      // The cart page sells without its "Often bought together" shelf.
      await page.locator("#cart-link").click();
      await expect(page.locator("#cart-lines .cart-line")).toHaveCount(1);
      await expect(page.locator("#buy")).toBeEnabled();
      await page.getByLabel("Search products").fill("mug");
      await page.getByLabel("Search products").press("Enter");
      await expect(page.locator("#grid .card").first()).toBeVisible();
    });
  }

  test("browsing fetches only the shop's own files (same origin, GET, no query strings, no bodies) under the CSP", async ({ page }) => {
    const requests = [];
    page.on("request", (r) => requests.push(r));
    await page.addInitScript(() => {
      window.violations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto("/");
    await expect(page.locator("body")).toHaveAttribute("data-page", "home");
    await page.locator("#departments a", { hasText: "Home" }).click();
    await page.locator("#grid .card a").first().click();
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByLabel("Search products").fill("linen");
    await page.getByLabel("Search products").press("Enter");
    await page.locator("#cart-link").click();
    await page.getByRole("button", { name: "Buy" }).click();
    await expect(page.locator("#order-placed")).toBeVisible();
    expect(requests.length).toBeGreaterThan(5);
    for (const r of requests) {
      const url = new URL(r.url());
      expect(url.origin).toBe(new URL(page.url()).origin);
      expect(r.method()).toBe("GET");
      expect(url.search).toBe("");
      expect(r.postData()).toBeNull();
      expect(url.pathname).toMatch(/^\/(|app\.js|style\.css|catalog\.(json|bin)|catalog\/(manifest\.json|(core|shard)-[0-9a-f]{16}\.bin)|shop\/[\w/-]+\.js|components\/[\w/.-]+|pkg\/[\w.-]+)$/);
    }
    // The response carried the strict CSP, and nothing on the pages broke it.
    const doc = requests.find((r) => new URL(r.url()).pathname === "/");
    expect((await doc.response()).headers()["content-security-policy"]).toContain("style-src 'self'");
    expect(await page.evaluate(() => window.violations)).toEqual([]);
  });
});

test.describe("with the flaneur components", () => {
  test.beforeEach(async ({ page }) => {
    const served = await page.request.get("/components/flaneur-elements.js");
    expect(served.ok(), "www/components/ is served").toBe(true);
    // These follow tastes (categories, similar items): the engine opens the JSON catalog,
    // without the sequence model (tests/e2e/sequence.spec.mjs runs the model).
    await page.route("**/catalog/manifest.json", (route) => route.fulfill({ status: 404, body: "" }));
  });

  const shelfOf = (page, heading) => page.locator(`flaneur-shelf[heading="${heading}"] [data-item-id]`);
  const categoriesOf = async (locator) => (await cardIds(locator)).map((id) => byId.get(id).category);

  /** Opens the product pages of `list` one after the other (each records a view). */
  async function view(page, list) {
    for (const item of list) {
      await page.goto(`/#/product/${item.id}`);
      await expect(page.locator("h1")).toHaveText(item.title);
    }
  }

  test("the For you shelf abstains at first, then follows the categories the shopper views", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
    // A fresh profile knows nothing: flaneur shows nothing rather than filler.
    await expect(shelfOf(page, "For you")).toHaveCount(0);
    await expect(page.locator("#department-tiles .tile")).toHaveCount(departments.length);

    await view(page, sweaters.slice(0, 3));
    await page.goto("/");
    await expect(shelfOf(page, "For you").first()).toHaveAttribute("data-kind", "personal");
    const categories = await categoriesOf(shelfOf(page, "For you"));
    expect(categories[0]).toBe(SWEATERS);
    // Three views are thin evidence: the slate spreads over the department around them (breadth).
    for (const c of categories) expect(c).toMatch(/^Women > /);
    // At most round(0.2 × 12) divergent cards, never first.
    expect(await page.locator('flaneur-shelf[heading="For you"] [data-kind="divergent"]').count()).toBeLessThanOrEqual(2);

    await view(page, boots.slice(0, 4));
    await page.goto("/");
    await expect(shelfOf(page, "For you").first()).toBeVisible();
    const after = await categoriesOf(shelfOf(page, "For you"));
    expect(after).toContain(BOOTS);
    expect(after).not.toContain("Home > Kitchen");
  });

  test("product page: You may also like shows related items, never the item itself", async ({ page }) => {
    const item = sweaters[2];
    await view(page, [item]);
    await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
    const shelf = shelfOf(page, "You may also like");
    await expect(shelf.first()).toBeVisible();
    const ids = await cardIds(shelf);
    expect(ids).not.toContain(item.id);
    expect(byId.get(ids[0]).category).toBe(SWEATERS);
    // The shelf's cards lead to the shop's product pages.
    await shelf.first().locator("a").first().click();
    await expect(page.locator("body")).toHaveAttribute("data-page", "product");
    await expect(page.locator("h1")).toHaveText(byId.get(ids[0]).title);
  });

  test("the preferences button is in the header of every page", async ({ page }) => {
    for (const hash of ["#/", "#/category/women", `#/product/${sweaters[0].id}`, "#/search?q=wool", "#/cart", "#/nowhere"]) {
      await page.goto(`/${hash}`);
      await expect(page.locator(".site-header flaneur-preferences").getByRole("button").first()).toBeVisible();
    }
  });

  test("the WASM module is served as application/wasm; the profile stays on the device across reloads", async ({ page }) => {
    const requests = [];
    page.on("request", (r) => requests.push(r));
    await page.goto("/");
    await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
    const wasm = requests.find((r) => r.url().endsWith(".wasm"));
    expect(wasm, "the page loads a .wasm module").toBeTruthy();
    expect((await wasm.response()).headers()["content-type"]).toBe("application/wasm");

    await view(page, boots.slice(0, 3));
    // The record lands in IndexedDB shortly after the last view.
    await expect.poll(() => page.evaluate(readRecord, "flaneur-demo")).not.toBeNull();
    const stored = await page.evaluate(readRecord, "flaneur-demo");
    expect(stored.slice(0, 4), "a flaneur record (magic FLRC)").toEqual([70, 76, 82, 67]);

    await page.goto("/");
    await page.reload();
    await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
    await expect(shelfOf(page, "For you").first()).toBeVisible();
    expect((await categoriesOf(shelfOf(page, "For you")))[0]).toBe(BOOTS);

    // Nothing of the profile left the page: only GETs of static files, no query strings, no bodies.
    const fingerprint = Buffer.from(stored.slice(24, 48)).toString("base64");
    for (const r of requests) {
      expect(new URL(r.url()).origin).toBe(new URL(page.url()).origin);
      expect(r.method()).toBe("GET");
      expect(new URL(r.url()).search).toBe("");
      expect(r.postData()).toBeNull();
      expect(r.url()).not.toContain(fingerprint);
    }
  });

  test("a corrupt stored profile is set aside and the shelf starts afresh", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
    await page.evaluate(writeRecord, ["flaneur-demo", [70, 76, 82, 67, 1, 9, 9, 9, 9, 9, 9]]);
    await page.reload();
    await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
    await expect(shelfOf(page, "For you")).toHaveCount(0);
    const kept = await page.evaluate(readRecord, ["flaneur-demo", "quarantine"]);
    expect(kept).toEqual([70, 76, 82, 67, 1, 9, 9, 9, 9, 9, 9]);
    await view(page, boots.slice(0, 2));
    await expect.poll(async () => (await page.evaluate(readRecord, "flaneur-demo"))?.length ?? 0).toBeGreaterThan(40);
    await page.goto("/");
    await expect(shelfOf(page, "For you").first()).toBeVisible();
    expect((await categoriesOf(shelfOf(page, "For you")))[0]).toBe(BOOTS);
  });
});

