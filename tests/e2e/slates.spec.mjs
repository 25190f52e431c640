// The shelves of issue #20 — "Recently viewed" (context="recent"), "Often bought
// together" (context="cart") and "no echo" on "For you" — in the demo shop and the
// components, with screenshots (attached to each test's results and written to
// target/e2e-screenshots/).
//
// The first test pins the component's side (the request it makes, the cards it draws)
// against a fixed slate; the journeys run the real engine over the demo catalog.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { axeRunsHere, seriousA11yViolations, shot, watchPage } from "./page.mjs";
import { readRecord } from "./idb.mjs";

const catalog = JSON.parse(readFileSync(new URL("../../www/demo/catalog.json", import.meta.url), "utf8"));
const byId = new Map(catalog.items.map((i) => [i.id, i]));
const KNITWEAR = "Women > Knitwear";
const LEAVES = ["Women > Knitwear > Sweaters", "Women > Knitwear > Cardigans"];
const MODULE = "/components/flaneur-elements.js";
const DAY = 24 * 60 * 60 * 1000;
/** 2 Dec 2026, 10:00 UTC. */
const T0 = Date.UTC(2026, 11, 2, 10);

const forYou = (page) => page.locator('flaneur-shelf[heading="For you"]');
const recentShelf = (page) => page.locator('main flaneur-shelf[context="recent"]');
const cartShelf = (page) => page.locator('main flaneur-shelf[context="cart"]');
const cardIds = (locator) => locator.evaluateAll((cards) => cards.map((c) => c.dataset.itemId));

watchPage(test);

async function home(page) {
  await page.locator("a.brand").click();
  await expect(page.locator("body")).toHaveAttribute("data-page", "home");
  await expect(forYou(page)).toHaveAttribute("data-state", "ready");
  await expect(recentShelf(page)).toHaveAttribute("data-state", "ready");
}

/** From a category page: opens each item's card in the grid (a view), then goes Back. */
async function viewFromGrid(page, items) {
  for (const item of items) {
    await page.locator(`#grid .card[data-item-id="${item.id}"] a`).first().click();
    await expect(page.locator("h1")).toHaveText(item.title);
    await page.goBack();
    await expect(page.locator("body")).toHaveAttribute("data-page", "category");
  }
}

async function openProduct(page, item) {
  await page.goto(`/#/product/${item.id}`);
  await expect(page.locator("h1")).toHaveText(item.title);
}

/** The page's own personalizer writes what it holds now (so a reload reads it). */
const flush = (page) => page.evaluate(async (m) => (await (await import(m)).ready).personalizer.flush(), MODULE);

test("the shelf asks for the recent and complements slates and draws their cards (a fixed slate)", async ({ page }, testInfo) => {
  await page.goto("/components-demo.html");
  await expect(page.locator("flaneur-shelf")).toHaveAttribute("data-state", "ready");
  const [a, b, c, d] = catalog.items.filter((i) => !i.sensitive && i.available);
  // The page's personalizer answers fixed slates and keeps every request.
  await page.evaluate(
    async ({ m, a, b, c, d }) => {
      const flaneur = await import(m);
      const { personalizer } = await flaneur.ready;
      window.requests = [];
      window.forgotten = [];
      window.answer = {
        recent: [
          { itemId: a, score: 0, kind: "recent", reason: { signals: [] } },
          { itemId: b, score: 0, kind: "recent", reason: { signals: [] } },
        ],
        complements: [
          {
            itemId: c, score: 0.5, kind: "complement",
            // A label with markup in it: drawn as text, never parsed.
            reason: { signals: [{ kind: "bought_with", label: "Wool <b>socks</b>", contribution: 0.5 }] },
          },
        ],
        for_you: [{ itemId: d, score: 0.4, kind: "personal", reason: { signals: [] } }],
      };
      personalizer.recommend = (request) => {
        window.requests.push(structuredClone(request));
        return { items: window.answer[request.shelf ?? "for_you"] ?? [], withheld: 0, intent: "unknown", breadth: 1 };
      };
      personalizer.forget = (what) => (window.forgotten.push(what), true);
      const main = document.querySelector("main");
      const recent = document.createElement("flaneur-shelf");
      recent.setAttribute("context", "recent");
      recent.setAttribute("k", "8");
      const cart = document.createElement("flaneur-shelf");
      cart.setAttribute("context", "cart");
      cart.setAttribute("cart", `${a}, ${b}  ${a}`);
      main.append(recent, cart);
      document.querySelector('flaneur-shelf[heading="For you"]').setAttribute("include-seen", "");
    },
    { m: MODULE, a: a.id, b: b.id, c: c.id, d: d.id },
  );
  const recent = page.locator('flaneur-shelf[context="recent"]');
  const cart = page.locator('flaneur-shelf[context="cart"]');
  await expect(recent.locator("[data-item-id]")).toHaveCount(2);
  await expect(cart.locator("[data-item-id]")).toHaveCount(1);

  // The requests: the shelf by name, the cart's ids (once each), includeSeen on request.
  const requests = await page.evaluate(() => window.requests);
  expect(requests).toContainEqual({ k: 8, context: {}, shelf: "recent" });
  expect(requests).toContainEqual({ k: 12, context: { cart: [a.id, b.id] }, shelf: "complements" });
  expect(requests).toContainEqual({ k: 12, context: {}, includeSeen: true });

  // Recently viewed: its own heading, labelled cards, no "Why this?" nor "Not interested", a "Forget".
  await expect(recent.getByRole("region", { name: "Recently viewed" })).toBeVisible();
  await expect(recent.locator(".fl-shelf__note")).toHaveText("What you looked at lately, newest first. This list stays on this device.");
  expect(await cardIds(recent.locator("[data-item-id]"))).toEqual([a.id, b.id]);
  await expect(recent.locator("[data-item-id]").first()).toHaveAttribute("data-kind", "recent");
  await expect(recent.locator(".fl-card__reason").first()).toHaveText("Recently viewed");
  await expect(recent.getByRole("button", { name: /Why this/ })).toHaveCount(0);
  await expect(recent.getByRole("button", { name: /Not interested/ })).toHaveCount(0);
  await expect(recent.getByRole("button", { name: "Forget" })).toHaveCount(2);

  // Often bought together: the cart item's title as text.
  await expect(cart.getByRole("region", { name: "Often bought together" })).toBeVisible();
  const complement = cart.locator("[data-item-id]").first();
  await expect(complement).toHaveAttribute("data-kind", "complement");
  await expect(complement.locator(".fl-card__reason")).toHaveText("Often bought with Wool <b>socks</b>");
  await expect(complement.locator("b")).toHaveCount(0);
  await complement.getByRole("button", { name: /Why this/ }).click();
  await expect(complement.locator(".fl-why__text")).toHaveText(
    "The shop's catalog lists it as often bought with “Wool <b>socks</b>”, which is in your cart.",
  );
  await shot(page, testInfo, "component-recent-and-complements.png", recent);

  // "Forget" asks the engine to forget that item, says so, and keeps the focus in the shelf.
  await page.evaluate(() => window.answer.recent.shift());
  await recent.getByRole("button", { name: "Forget" }).first().click();
  expect(await page.evaluate(() => window.forgotten)).toEqual([{ itemId: a.id }]);
  await expect(recent.locator("[data-item-id]")).toHaveCount(1);
  await expect(recent.getByRole("status")).toHaveText(`Forgot “${a.title}”: it is off this list, and what it taught is no longer used.`);
  await expect(page.locator(":focus")).toHaveAttribute("data-action", "forget");

  // The cart attribute is live; empty slates say what would fill them, in plain words.
  await page.evaluate(() => {
    window.answer.recent = [];
    window.answer.complements = [];
    window.requests = [];
  });
  await cart.evaluate((el, id) => el.setAttribute("cart", id), c.id);
  await expect.poll(() => page.evaluate(() => window.requests.map((r) => r.context.cart))).toContainEqual([c.id]);
  await expect(cart.locator(".fl-shelf__note")).toHaveText(/^Nothing else is often bought with what's in your cart/);
  await cart.evaluate((el) => el.removeAttribute("cart"));
  await expect(cart.locator(".fl-shelf__note")).toHaveText("Add something to your cart to see what's often bought with it.");
  await page.evaluate(async (m) => (await import(m)).notify({ reason: "test" }), MODULE);
  await expect(recent.locator(".fl-shelf__note")).toHaveText("Items you look at appear here. This list stays on this device.");
  // The engine keeps both lists empty with personalization off, and the shelves say so.
  await page.evaluate(async (m) => {
    const flaneur = await import(m);
    const { personalizer } = await flaneur.ready;
    const prefs = personalizer.preferences();
    personalizer.preferences = () => ({ ...prefs, personalization: false });
    flaneur.notify({ reason: "test" });
  }, MODULE);
  await expect(recent.locator(".fl-shelf__note")).toHaveText("Personalization is off, so this list stays empty.");
  await expect(cart.locator(".fl-shelf__note")).toHaveText("Personalization is off, so this list stays empty.");
});

test("four views from Women › Knitwear: For you echoes none of them and spreads wide; Recently viewed lists them newest first", async ({ page }, testInfo) => {
  test.setTimeout(20_000);
  await page.goto("/#/category/women/knitwear");
  await expect(page.locator("h1")).toHaveText("Knitwear");
  // Four sweaters and cardigans from the first page of the grid, as a shopper would pick them.
  const shown = await cardIds(page.locator("#grid .card"));
  const viewed = shown.map((id) => byId.get(id)).filter((i) => i.available && LEAVES.includes(i.category)).slice(0, 4);
  expect(viewed).toHaveLength(4);
  expect(viewed.every((i) => i.category.startsWith(KNITWEAR))).toBe(true);
  await viewFromGrid(page, viewed);
  await home(page);

  // For you: none of the four (no echo), at least three leaf categories, one divergent card, labelled.
  const cards = forYou(page).locator("[data-item-id]");
  await expect(cards.first()).toBeVisible();
  const ids = await cardIds(cards);
  for (const item of viewed) expect(ids, `"${item.title}" was just viewed`).not.toContain(item.id);
  const leaves = new Set(await cards.evaluateAll((cs) => cs.map((c) => c.dataset.category)));
  expect(leaves.size, `leaf categories: ${[...leaves].join(", ")}`).toBeGreaterThanOrEqual(3);
  const divergent = forYou(page).locator('[data-kind="divergent"]');
  await expect(divergent).not.toHaveCount(0);
  await expect(divergent.first().locator(".fl-badge")).toHaveText("Something different");
  await expect(divergent.first().locator(".fl-card__reason")).toHaveText(/^Something different\s*You like .+ — try .+\?$/);
  await expect(divergent.first().locator(".fl-badge")).toBeVisible();
  await shot(page, testInfo, "four-views-for-you.png", forYou(page));

  // Recently viewed: exactly the four, newest first, each labelled as such.
  const recent = recentShelf(page).locator("[data-item-id]");
  await expect(recent).toHaveCount(4);
  expect(await cardIds(recent)).toEqual(viewed.map((i) => i.id).reverse());
  await expect(recent.locator(".fl-card__reason")).toHaveText(Array(4).fill("Recently viewed"));
  await expect(recentShelf(page).getByRole("region", { name: "Recently viewed" })).toBeVisible();
  await shot(page, testInfo, "four-views-recently-viewed.png", recentShelf(page));
  if (axeRunsHere()) expect(await seriousA11yViolations(page), "axe, home").toEqual([]);
});

// The cart journey's item: one the catalog lists others as bought with (the catalog's
// co-purchase lists), else any available sweater (and then the journey fails, saying why).
function cartItem() {
  const listed = (i) => Array.isArray(i.bought_with) && i.bought_with.some((id) => byId.get(id)?.available && !byId.get(id)?.sensitive);
  return (
    catalog.items.find((i) => i.available && !i.sensitive && i.category.startsWith(KNITWEAR) && listed(i)) ??
    catalog.items.find((i) => i.available && !i.sensitive && listed(i)) ??
    catalog.items.find((i) => i.available && i.category === LEAVES[0])
  );
}

test("view, add to cart, open the cart: Often bought with <that item>, and nothing leaves the page", async ({ page }, testInfo) => {
  test.setTimeout(20_000);
  const requests = [];
  page.on("request", (r) => requests.push(r));
  const item = cartItem();
  await openProduct(page, item);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.locator("#cart-count")).toHaveText("1");
  await page.locator("#cart-link").click();
  await expect(page.locator("body")).toHaveAttribute("data-page", "cart");
  const shelf = cartShelf(page);
  await expect(shelf).toHaveAttribute("cart", item.id);
  await expect(shelf).toHaveAttribute("data-state", "ready");
  await expect(shelf.getByRole("region", { name: "Often bought together" })).toBeVisible();
  const withIt = shelf.locator('[data-kind="complement"]', { hasText: `Often bought with ${item.title}` });
  await expect(withIt.first(), "the catalog lists items bought with it (bought_with)").toBeVisible();
  expect(await cardIds(shelf.locator("[data-item-id]"))).not.toContain(item.id);
  await shot(page, testInfo, "cart-often-bought-together.png", shelf);
  if (axeRunsHere()) expect(await seriousA11yViolations(page), "axe, cart").toEqual([]);

  // The cart changes, the shelf follows: emptied, it says what would fill it.
  await page.getByRole("button", { name: `Remove ${item.title}` }).click();
  await expect(shelf).toHaveAttribute("cart", "");
  await expect(shelf.locator("[data-item-id]")).toHaveCount(0);
  await expect(shelf.locator(".fl-shelf__note")).toHaveText("Add something to your cart to see what's often bought with it.");

  // The cart's ids stayed in the page: only GETs of the shop's static files.
  for (const r of requests) {
    const url = new URL(r.url());
    expect(url.origin).toBe(new URL(page.url()).origin);
    expect(r.method()).toBe("GET");
    expect(url.search).toBe("");
    expect(r.postData()).toBeNull();
  }
});

test("Recently viewed outlives the session; Forget removes one item, Erase everything the rest", async ({ page }, testInfo) => {
  test.setTimeout(20_000);
  await page.clock.install({ time: T0 });
  const viewed = catalog.items.filter((i) => i.available && !i.sensitive && i.category === LEAVES[1]).slice(0, 3);
  await page.goto("/");
  for (const item of viewed) await openProduct(page, item);
  await home(page);
  const cards = recentShelf(page).locator("[data-item-id]");
  await expect(cards).toHaveCount(3);
  await flush(page);
  await expect.poll(() => page.evaluate(readRecord, catalog.shop)).not.toBeNull();

  // A day later (a new session), after a reload: still listed, newest first.
  await page.clock.setSystemTime(T0 + DAY);
  await page.reload();
  await expect(recentShelf(page)).toHaveAttribute("data-state", "ready");
  await expect(cards).toHaveCount(3);
  expect(await cardIds(cards)).toEqual(viewed.map((i) => i.id).reverse());
  await shot(page, testInfo, "recently-viewed-next-day.png", recentShelf(page));

  // "Forget" on a card: that item is gone, and stays gone after a reload.
  const [newest] = viewed.slice(-1);
  await recentShelf(page).locator(`[data-item-id="${newest.id}"]`).getByRole("button", { name: "Forget" }).click();
  await expect(cards).toHaveCount(2);
  await expect(recentShelf(page).getByRole("status")).toContainText(`Forgot “${newest.title}”`);
  await flush(page);
  await page.reload();
  await expect(recentShelf(page)).toHaveAttribute("data-state", "ready");
  expect(await cardIds(cards)).toEqual(viewed.slice(0, 2).map((i) => i.id).reverse());

  // The panel's "Erase everything": the list is empty and says what would fill it.
  await page.locator(".site-header flaneur-preferences").getByRole("button").first().click();
  const dialog = page.getByRole("dialog", { name: "Your privacy & personalization" });
  await dialog.getByRole("button", { name: "Erase everything…" }).click();
  await dialog.getByRole("button", { name: "Yes, erase everything" }).click();
  await page.keyboard.press("Escape");
  await expect(cards).toHaveCount(0);
  await expect(recentShelf(page).locator(".fl-shelf__note")).toHaveText("Items you look at appear here. This list stays on this device.");
  await shot(page, testInfo, "recently-viewed-erased.png", recentShelf(page));
});
