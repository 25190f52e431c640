// The "Buy again" shelf (<flaneur-shelf context="buy-again">) and the panel's "Bought
// regularly" list, in the components and in the demo shop, with screenshots (attached to
// each test's results and written to target/e2e-screenshots/).
//
// The first test pins the components' side (the request the shelf makes, the cards and the
// panel rows they draw) against fixed answers; the journey runs the real engine over the
// demo catalog's household supplies, on a clock the test sets: a month of weekly baskets
// bought through the shop's own cart, then the home page a week after the last one.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { axeRunsHere, seriousA11yViolations, shot, watchPage } from "./page.mjs";
import { expectOnlyStaticGets } from "./requests.mjs";

const catalog = JSON.parse(readFileSync(new URL("../../www/demo/catalog.json", import.meta.url), "utf8"));
const byId = new Map(catalog.items.map((i) => [i.id, i]));
const MODULE = "/components/flaneur-elements.js";
const PANEL = "Your privacy & personalization";
const DAY = 24 * 60 * 60 * 1000;
const WEEK = 7 * DAY;
/** Monday 2 Nov 2026, 18:00 UTC: the first basket. */
const T0 = Date.UTC(2026, 10, 2, 18);

const household = catalog.items.filter((i) => i.category.startsWith("Household supplies > ") && i.available && !i.sensitive);
const first = (pattern) => household.find((i) => pattern.test(i.title));
// Bought every week: a detergent and paper towels; bought once: sponges and a sweater.
const DETERGENT = first(/laundry detergent/);
const TOWELS = first(/paper towels/);
const REGULAR = [DETERGENT, TOWELS];
const SPONGES = household.find((i) => i.category === "Household supplies > Sponges & cloths");
const SWEATER = catalog.items.find((i) => i.category === "Women > Knitwear > Sweaters" && i.available && !i.sensitive);
const ONCE = [SPONGES, SWEATER];

const againShelf = (page) => page.locator('main flaneur-shelf[context="buy-again"]');
const cardIds = (locator) => locator.evaluateAll((cards) => cards.map((c) => c.dataset.itemId));

watchPage(test);

/** The page's own personalizer, called with `arg`; its answer as plain JSON. */
const call = (page, method, arg) =>
  page.evaluate(
    async ([m, method, arg]) => {
      const { personalizer } = await (await import(m)).ready;
      const value = await personalizer[method](arg);
      return value === undefined ? null : JSON.parse(JSON.stringify(value));
    },
    [MODULE, method, arg],
  );

async function openPanel(page, root = page.locator(".site-header flaneur-preferences")) {
  await root.getByRole("button", { name: PANEL }).click();
  return page.getByRole("dialog", { name: PANEL });
}

test("the shelf asks for the buy-again slate, shows each item's repurchase sentence, and hides while empty (a fixed slate)", async ({ page }, testInfo) => {
  await page.goto("/components-demo.html");
  await expect(page.locator("flaneur-shelf")).toHaveAttribute("data-state", "ready");
  const [a, b, c] = household;

  // shelfOf: the context attribute → the engine's shelf.
  const shelves = await page.evaluate(async () => {
    const { shelfOf } = await import("/components/shelf.js");
    return ["buy-again", " buy-again ", "buy_again", "recent", "cart", "", null, "item:sku-1", "category:Household supplies"].map(shelfOf);
  });
  expect(shelves).toEqual(["buy_again", "buy_again", "for_you", "recent", "complements", "for_you", "for_you", "for_you", "for_you"]);

  // The page's personalizer answers a fixed buy-again slate and keeps every request.
  await page.evaluate(
    async ({ m, a, b, c, at }) => {
      const flaneur = await import(m);
      const { personalizer } = await flaneur.ready;
      window.requests = [];
      window.forgotten = [];
      const signal = (label, count) => ({ kind: "repurchase", label, count, lastSeen: at, contribution: 1 });
      window.answer = [
        // A label with markup in it: drawn as text, never parsed.
        { itemId: a, score: 0.9, kind: "buy_again", reason: { signals: [signal("You buy this about every 9 days; <b>last</b> bought 8 days ago", 5)] } },
        { itemId: b, score: 0.5, kind: "buy_again", reason: { signals: [signal("You buy this about every 14 days; last bought 10 days ago", 3)] } },
        { itemId: c, score: 0.1, kind: "buy_again", reason: { signals: [signal("You bought this once, 20 days ago", 1)] } },
      ];
      const recommend = personalizer.recommend.bind(personalizer);
      personalizer.recommend = (request) => {
        if (request.shelf !== "buy_again") return recommend(request);
        window.requests.push(structuredClone(request));
        return { items: window.answer, withheld: 0, intent: "unknown", breadth: 1 };
      };
      personalizer.forget = (what) => {
        window.forgotten.push(what);
        window.answer = window.answer.filter((r) => r.itemId !== what.itemId);
        return true;
      };
      const shelf = document.createElement("flaneur-shelf");
      shelf.setAttribute("context", "buy-again");
      shelf.setAttribute("k", "8");
      shelf.setAttribute("hide-empty", "");
      document.querySelector("main").prepend(shelf);
    },
    { m: MODULE, a: a.id, b: b.id, c: c.id, at: T0 },
  );
  const shelf = page.locator('flaneur-shelf[context="buy-again"]');
  const cards = shelf.locator("[data-item-id]");
  await expect(cards).toHaveCount(3);
  await expect(shelf).toBeVisible();
  expect(await page.evaluate(() => window.requests)).toContainEqual({ k: 8, context: {}, shelf: "buy_again" });

  // Its heading, its note, the cards in the engine's order, the engine's sentence as the reason.
  await expect(shelf.getByRole("region", { name: "Buy again" })).toBeVisible();
  await expect(shelf.locator(".fl-shelf__note")).toHaveText(
    "What you buy regularly, the most due first. Worked out on this device from your own purchases.",
  );
  expect(await cardIds(cards)).toEqual([a.id, b.id, c.id]);
  await expect(cards.first()).toHaveAttribute("data-kind", "buy_again");
  await expect(cards.locator(".fl-card__reason")).toHaveText([
    "You buy this about every 9 days; <b>last</b> bought 8 days ago",
    "You buy this about every 14 days; last bought 10 days ago",
    "You bought this once, 20 days ago",
  ]);
  await expect(cards.first().locator("b")).toHaveCount(0);
  // "Why this?" and "Forget" (the title is their description, not their name); no "Not interested".
  await expect(shelf.getByRole("button", { name: "Not interested" })).toHaveCount(0);
  const forget = cards.first().getByRole("button", { name: "Forget", exact: true });
  await expect(forget).toHaveAccessibleDescription(a.title);
  const why = cards.first().getByRole("button", { name: "Why this?", exact: true });
  await why.click();
  await expect(why).toHaveAttribute("aria-expanded", "true");
  await expect(cards.first().locator(".fl-why__text")).toHaveText(/^You bought it 5 times in this shop, last on .+2026\.$/);
  await expect(cards.first().locator(".fl-why__where")).toHaveText(
    "Worked out in your browser from your own purchases; nothing about them is sent to the shop.",
  );
  await shot(page, testInfo, "component-buy-again.png", shelf);

  // "Forget" asks the engine to forget that item, says so, and keeps the focus in the shelf.
  await forget.click();
  expect(await page.evaluate(() => window.forgotten)).toEqual([{ itemId: a.id }]);
  await expect(cards).toHaveCount(2);
  await expect(shelf.getByRole("status")).toHaveText(`Forgot “${a.title}”: it is off this list, and what it taught is no longer used.`);
  await expect(page.locator(":focus")).toHaveAttribute("data-action", "forget");

  // Emptied while the keyboard is in it, the shelf stays, says why it is empty, and its heading
  // takes the focus; once the focus is elsewhere, it hides (hide-empty).
  const refresh = () => page.evaluate(async (m) => (await import(m)).notify({ reason: "test" }), MODULE);
  await page.evaluate(() => (window.answer = []));
  await refresh();
  await expect(cards).toHaveCount(0);
  await expect(shelf).toBeVisible();
  await expect(shelf.locator(".fl-shelf__note")).toHaveText(
    "What you buy more than once appears here when it is due again. This list stays on this device.",
  );
  await expect(page.locator(":focus")).toHaveText("Buy again");
  await page.evaluate(() => document.activeElement.blur());
  await refresh();
  await expect(shelf).toBeHidden();
  // Without the attribute it shows again, and says why it is empty.
  await shelf.evaluate((el) => el.removeAttribute("hide-empty"));
  await expect(shelf).toBeVisible();
  await page.evaluate(async (m) => {
    const flaneur = await import(m);
    const { personalizer } = await flaneur.ready;
    const prefs = personalizer.preferences();
    personalizer.preferences = () => ({ ...prefs, personalization: false });
    flaneur.notify({ reason: "test" });
  }, MODULE);
  await expect(shelf.locator(".fl-shelf__note")).toHaveText("Personalization is off, so this list stays empty.");
});

test("the panel lists what the device keeps of purchases, with titles, cadence and last date, and forgets one (a fixed profile)", async ({ page }) => {
  await page.goto("/components-demo.html");
  await expect(page.locator("flaneur-preferences")).toHaveAttribute("data-state", "ready");
  const [a, b] = household;
  await page.evaluate(
    async ({ m, a, b, at }) => {
      const { personalizer } = await (await import(m)).ready;
      window.forgotten = [];
      window.purchases = [
        { itemId: a, count: 5, lastBought: at, everyDays: 9 },
        { itemId: b, count: 1, lastBought: at },
        { itemId: "sku-gone", count: 2, lastBought: at },
      ];
      const profile = personalizer.profile.bind(personalizer);
      personalizer.profile = () => ({ ...profile(), purchases: window.purchases.length, bought: window.purchases });
      personalizer.forget = (what) => {
        window.forgotten.push(what);
        window.purchases = window.purchases.filter((p) => p.itemId !== what.itemId);
        return true;
      };
    },
    { m: MODULE, a: a.id, b: b.id, at: T0 },
  );
  const dialog = await openPanel(page, page.locator("flaneur-preferences"));
  const section = dialog.getByRole("region", { name: "Bought regularly" });
  const rows = section.getByRole("listitem");
  await expect(rows).toHaveCount(3);
  // The catalog's title where the page has it, else the id; "about every N days" once known.
  await expect(rows.locator(".fl-bought__name")).toHaveText([a.title, b.title, "sku-gone"]);
  await expect(rows.nth(0).locator(".fl-bought__meta")).toHaveText(/^Bought 5 times, about every 9 days; last on .+2026\.$/);
  await expect(rows.nth(1).locator(".fl-bought__meta")).toHaveText(/^Bought once, on .+2026\.$/);
  await expect(rows.nth(2).locator(".fl-bought__meta")).toHaveText(/^Bought 2 times; last on .+2026\.$/);
  await expect(dialog.locator(".fl-hint").filter({ hasText: "Also kept:" })).toContainText("3 items you bought");

  const forget = rows.nth(0).getByRole("button", { name: "Forget", exact: true });
  await expect(forget).toHaveAccessibleDescription(a.title);
  await forget.click();
  expect(await page.evaluate(() => window.forgotten)).toEqual([{ itemId: a.id }]);
  await expect(rows).toHaveCount(2);
  await expect(dialog.locator(".fl-dialog__status")).toHaveText(`Forgot “${a.title}”: its purchases are no longer kept, nor used.`);
  await expect(page.locator(":focus")).toHaveAttribute("data-action", "forget");
  await expect(page.locator(":focus")).toHaveAccessibleDescription(b.title);

  await page.evaluate(async (m) => {
    window.purchases = [];
    (await import(m)).notify({ reason: "test" });
  }, MODULE);
  await expect(rows).toHaveCount(0);
  await expect(section).toContainText("Nothing yet: no purchase in this shop is kept.");
});

/** One basket, through the shop's own buy flow: each product page, "Add to cart", then "Buy". */
async function buy(page, items) {
  for (const item of items) {
    await page.goto(`/#/product/${item.id}`);
    await expect(page.locator("h1")).toHaveText(item.title);
    await page.locator("#add-to-cart").click();
  }
  await page.locator("#cart-link").click();
  await expect(page.locator("body")).toHaveAttribute("data-page", "cart");
  await expect(page.locator("#cart-lines .cart-line")).toHaveCount(items.length);
  await page.locator("#buy").click();
  await expect(page.locator("#order-placed")).toBeVisible();
  // Stored before the next visit (a reload reads the record).
  await call(page, "flush");
}

async function home(page) {
  await page.goto("/#/");
  await expect(page.locator("body")).toHaveAttribute("data-page", "home");
  await expect(page.locator('main flaneur-shelf[heading="For you"]')).toHaveAttribute("data-state", "ready");
  await expect(againShelf(page)).toHaveAttribute("data-state", "ready");
}

test("a month of weekly household baskets: a week later, Buy again lists them with how often they are bought; Forget and personalization off empty it", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  expect(household.length, "the demo catalog has household supplies").toBeGreaterThanOrEqual(30);
  expect(catalog.repurchase?.categories?.["Household supplies"]?.share, "marked replenishable").toBeGreaterThanOrEqual(0.3);
  for (const item of [...REGULAR, ...ONCE]) expect(item, "the journey's items are in the catalog").toBeTruthy();
  const requests = [];
  page.on("request", (r) => requests.push(r));

  // A fresh shopper: the shelf is there, hidden, with nothing in it.
  await page.clock.install({ time: T0 - DAY });
  await page.goto("/");
  await home(page);
  await expect(againShelf(page)).toBeHidden();
  await expect(againShelf(page).locator("[data-item-id]")).toHaveCount(0);

  // Five weekly baskets: detergent and paper towels each week; sponges and a sweater once, in the first.
  for (let week = 0; week < 5; week++) {
    await page.clock.setSystemTime(T0 + week * WEEK);
    await page.reload();
    await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
    await buy(page, week === 0 ? [...REGULAR, ...ONCE] : REGULAR);
  }
  const kept = (await call(page, "profile")).bought;
  expect(Array.isArray(kept), "profile().bought lists what is kept of each purchase").toBe(true);
  for (const item of REGULAR) {
    const p = kept.find((x) => x.itemId === item.id);
    expect(p, `${item.title} is kept`).toBeTruthy();
    expect(p.count).toBe(5);
    expect(p.lastBought).toBe(T0 + 4 * WEEK);
  }

  // A week after the last basket (a new visit): Buy again, with the regulars and their cadence.
  await page.clock.setSystemTime(T0 + 5 * WEEK);
  await page.reload();
  await home(page);
  const shelf = againShelf(page);
  const cards = shelf.locator("[data-item-id]");
  await expect(shelf).toBeVisible();
  await expect(shelf.getByRole("region", { name: "Buy again" })).toBeVisible();
  const ids = await cardIds(cards);
  for (const item of REGULAR) {
    expect(ids, `${item.title} is on Buy again`).toContain(item.id);
    const card = shelf.locator(`[data-item-id="${item.id}"]`);
    await expect(card).toHaveAttribute("data-kind", "buy_again");
    await expect(card.locator(".fl-card__reason")).toHaveText(/every \d+ days/);
  }
  // What was bought once ranks below every regular item, or is not there at all.
  const lastRegular = Math.max(...REGULAR.map((i) => ids.indexOf(i.id)));
  for (const item of ONCE) {
    const at = ids.indexOf(item.id);
    expect(at === -1 || at > lastRegular, `${item.title} (bought once) at ${at}, regulars up to ${lastRegular}`).toBe(true);
  }
  // The shelf sits above For you on the home page.
  const order = await page.locator("main flaneur-shelf").evaluateAll((els) => els.map((e) => e.getAttribute("context") ?? "for-you"));
  expect(order.indexOf("buy-again")).toBeLessThan(order.indexOf("for-you"));
  await shot(page, testInfo, "buy-again-home.png", shelf);
  if (axeRunsHere()) expect(await seriousA11yViolations(page), "axe, home with Buy again").toEqual([]);

  // The panel lists them under "Bought regularly"; forgetting the detergent takes it off the shelf.
  let dialog = await openPanel(page);
  const row = dialog.getByRole("region", { name: "Bought regularly" }).locator(`[data-item-id="${DETERGENT.id}"]`);
  await expect(row.locator(".fl-bought__name")).toHaveText(DETERGENT.title);
  await expect(row.locator(".fl-bought__meta")).toHaveText(/^Bought 5 times, about every \d+ days?; last on .+\.$/);
  await row.scrollIntoViewIfNeeded();
  await shot(page, testInfo, "buy-again-panel.png");
  if (axeRunsHere()) expect(await seriousA11yViolations(page), "axe, panel with Bought regularly").toEqual([]);
  await row.getByRole("button", { name: "Forget", exact: true }).click();
  await expect(row).toHaveCount(0);
  await page.keyboard.press("Escape");
  await expect(shelf.locator(`[data-item-id="${DETERGENT.id}"]`)).toHaveCount(0);
  await expect(shelf.locator(`[data-item-id="${TOWELS.id}"]`)).toHaveCount(1);
  expect((await call(page, "profile")).bought.some((p) => p.itemId === DETERGENT.id)).toBe(false);
  // Still gone after a reload (what the device stored forgot it too).
  await call(page, "flush");
  await page.reload();
  await home(page);
  await expect(shelf.locator(`[data-item-id="${TOWELS.id}"]`)).toHaveCount(1);
  await expect(shelf.locator(`[data-item-id="${DETERGENT.id}"]`)).toHaveCount(0);

  // Personalization off: the engine's buy-again slate is empty and the shelf is hidden.
  dialog = await openPanel(page);
  await dialog.getByRole("switch", { name: "Personalize suggestions for me" }).uncheck();
  await page.keyboard.press("Escape");
  await expect(shelf.locator("[data-item-id]")).toHaveCount(0);
  await expect(shelf).toBeHidden();
  expect((await call(page, "recommend", { k: 8, shelf: "buy_again" })).items).toEqual([]);
  // On again: back.
  dialog = await openPanel(page);
  await dialog.getByRole("switch", { name: "Personalize suggestions for me" }).check();
  await page.keyboard.press("Escape");
  await expect(shelf.locator(`[data-item-id="${TOWELS.id}"]`)).toHaveCount(1);

  // Nothing of the purchases left the page: only plain GETs of the shop's static files.
  const bought = [...REGULAR, ...ONCE];
  const checked = await expectOnlyStaticGets(requests, new URL(page.url()).origin, [
    ...bought.map((i) => i.id),
    ...bought.map((i) => i.title),
    "purchase",
  ]);
  expect(checked).toBeGreaterThan(10);
});
