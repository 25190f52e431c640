// The privacy promise held against a hostile reading (issue #19), on the demo shop: a shopper
// opts into health, browses, carts, buys and searches health items, then opts out; nothing of
// health is left anywhere flaneur keeps or hands out: profile(), exportProfile() (and its
// decoded data), the raw IndexedDB record and the slates. An export made while opted in,
// imported again, is filtered by the opt-ins in force and says so.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { readRecord } from "./idb.mjs";

const catalog = JSON.parse(readFileSync(new URL("../../www/demo/catalog.json", import.meta.url), "utf8"));
const health = catalog.items.filter((i) => i.sensitive === "health" && i.available);
const prefixes = (path) => path.split(" > ").map((_, n, levels) => levels.slice(0, n + 1).join(" > "));
const under = (item, path) => item.category === path || item.category.startsWith(`${path} > `);
// Every category path of a health item under which every item is sensitive: what only
// sensitive items teach.
const healthPaths = [...new Set(health.flatMap((i) => prefixes(i.category)))].filter((p) =>
  catalog.items.filter((i) => under(i, p)).every((i) => i.sensitive),
);
// A word of a health item's title that nothing the profile may hold contains (no id,
// category or attribute of any item): found in the profile, it can only come from the search.
const everyday = catalog.items.filter((i) => !i.sensitive);
const elsewhere = JSON.stringify(catalog.items.map((i) => [i.id, i.category, i.attributes])).toLowerCase();
const QUERY = health
  .flatMap((i) => i.title.toLowerCase().split(/[^a-z]+/))
  .find((w) => w.length >= 5 && !elsewhere.includes(w));

const MODULE = "/components/flaneur-elements.js";
const call = (page, method, arg) =>
  page.evaluate(
    async ([m, method, arg]) => {
      const { personalizer } = await (await import(m)).ready;
      const value = await personalizer[method](arg);
      return value === undefined ? null : JSON.parse(JSON.stringify(value));
    },
    [MODULE, method, arg],
  );

async function openPanel(page) {
  await page.locator(".site-header flaneur-preferences").getByRole("button").first().click();
  return page.getByRole("dialog", { name: "Your privacy & personalization" });
}

async function visit(page, item, { cart = false } = {}) {
  await page.goto(`/#/product/${item.id}`);
  await expect(page.locator("h1")).toHaveText(item.title);
  if (cart) await page.locator("#add-to-cart").click();
}

/** Every form in which flaneur keeps or hands out the profile, as text to search. */
async function everyForm(page) {
  await call(page, "flush");
  const exported = await call(page, "exportProfile");
  const data = Buffer.from(JSON.parse(exported).data, "base64").toString("latin1");
  const record = await page.evaluate(readRecord, catalog.shop);
  const slate = await call(page, "recommend", { k: 24, fill: true });
  return {
    "profile()": JSON.stringify(await call(page, "profile")),
    exportProfile: exported,
    "export data": data,
    "IndexedDB record": Buffer.from(record ?? []).toString("latin1"),
    slate: JSON.stringify(slate.items.map((i) => i.itemId)),
    shelves: JSON.stringify(await page.locator("[data-item-id]").evaluateAll((els) => els.map((e) => e.dataset.itemId))),
  };
}

function traces(forms) {
  const found = [];
  for (const [form, text] of Object.entries(forms)) {
    for (const needle of [...health.map((i) => i.id), ...healthPaths, QUERY]) {
      if (text.includes(needle)) found.push(`${form}: ${needle}`);
    }
  }
  return found;
}

test("opting out of health leaves no trace of it, and an import cannot bring it back", async ({ page }) => {
  test.setTimeout(90_000);
  expect(health.length, "the demo catalog has a health class").toBeGreaterThanOrEqual(4);
  expect(healthPaths.length, "with categories of its own").toBeGreaterThan(0);
  expect(QUERY, "and a word only health items have").toBeTruthy();
  await page.goto("/#/");
  await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");

  // Opt in, then browse, cart, buy and search health items (and one everyday item).
  let dialog = await openPanel(page);
  await dialog.getByRole("checkbox", { name: "Learn from and suggest health items" }).check();
  await page.keyboard.press("Escape");
  await visit(page, health[0], { cart: true });
  await visit(page, health[1], { cart: true });
  await visit(page, health[2]);
  await visit(page, everyday.find((i) => i.available));
  await page.goto("/#/cart");
  await page.locator("#buy").click();
  await expect(page.locator("#order-placed")).toBeVisible();
  await page.locator("#search-input").fill(QUERY);
  await page.locator("#search-input").press("Enter");
  await expect(page.locator("body")).toHaveAttribute("data-page", "search");
  await page.goto("/#/");
  const before = traces(await everyForm(page));
  expect(before.some((t) => t.startsWith("IndexedDB record")), "health reached the stored record").toBe(true);
  // Even opted in, the search's words are kept nowhere.
  expect(before.filter((t) => t.endsWith(`: ${QUERY}`))).toEqual([]);
  const optedIn = await call(page, "exportProfile");

  // Opt out: nothing of health anywhere, the query words included.
  dialog = await openPanel(page);
  await dialog.getByRole("checkbox", { name: "Learn from and suggest health items" }).uncheck();
  await page.keyboard.press("Escape");
  await page.goto("/#/");
  await expect(page.locator('flaneur-shelf[heading="For you"]')).toHaveAttribute("data-state", "ready");
  const after = await everyForm(page);
  expect(traces(after)).toEqual([]);
  expect((await call(page, "profile")).preferences.sensitive).toEqual({});
  expect(after["IndexedDB record"].toLowerCase()).not.toContain("health");

  // The export made while opted in, imported through the panel: filtered, and the panel says so.
  dialog = await openPanel(page);
  await dialog
    .getByLabel("Import a profile you exported")
    .setInputFiles({ name: "opted-in.json", mimeType: "application/json", buffer: Buffer.from(optedIn) });
  const status = dialog.locator(".fl-dialog__status");
  await expect(status).toContainText(/Left out \d+ items? of sensitive categories/);
  await expect(status).toContainText("Kept your own choice for sensitive categories");
  await page.keyboard.press("Escape");
  expect((await call(page, "preferences")).sensitive).toEqual({});
  expect(traces(await everyForm(page))).toEqual([]);
});
