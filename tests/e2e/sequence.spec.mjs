// The demo's sequence model (issue #21): the storefront opens flaneur on its sharded catalog
// (www/demo/catalog/, split from catalog.bin), whose core carries a model trained on the synthetic session log (scripts/make-demo-sessions.mjs),
// and "For you" follows the order of what the shopper looked at, saying so: "Often viewed
// after <title>". Nothing of the order leaves the page.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { shot, watchPage } from "./page.mjs";

const catalog = JSON.parse(readFileSync(new URL("../../www/demo/catalog.json", import.meta.url), "utf8"));
const byId = new Map(catalog.items.map((i) => [i.id, i]));
const MODULE = "/components/flaneur-elements.js";
const forYou = (page) => page.locator('flaneur-shelf[heading="For you"]');

watchPage(test);

// A coat, then something the shop lists with it: the start of an outfit.
function journey() {
  const ok = (i) => i && i.available && !i.sensitive;
  for (const first of catalog.items.filter((i) => ok(i) && i.category === "Women > Coats & jackets")) {
    const second = (first.bought_with ?? []).map((id) => byId.get(id)).find(ok);
    if (second) return [first, second];
  }
  throw new Error("no coat with an item listed with it in the demo catalog");
}

test("two product views: For you has a card that says which one it follows, and only GETs left the page", async ({ page }, testInfo) => {
  test.setTimeout(30_000);
  const requests = [];
  page.on("request", (r) => requests.push(r));
  const viewed = journey();
  for (const item of viewed) {
    await page.goto(`/#/product/${item.id}`);
    await expect(page.locator("h1")).toHaveText(item.title);
  }
  await page.locator("a.brand").click();
  await expect(page.locator("body")).toHaveAttribute("data-page", "home");
  await expect(forYou(page)).toHaveAttribute("data-state", "ready");

  // The engine runs on the sharded catalog, whose core carries the model, and keeps the order
  // (a view is recorded once its department's shard is joined: wait for both).
  const steps = () => page.evaluate(async (m) => (await (await import(m)).ready).personalizer.profile().sequenceSteps, MODULE);
  await expect.poll(steps).toBe(2);
  const paths = requests.map((r) => new URL(r.url()).pathname);
  expect(paths).toContain("/catalog/manifest.json");
  expect(paths.some((p) => /^\/catalog\/core-[0-9a-f]{16}\.bin$/.test(p))).toBe(true);

  const titles = viewed.map((i) => i.title);
  const followed = forYou(page).locator(".fl-card__reason", { hasText: /^Often viewed after / });
  await expect(followed.first(), "a sequence-driven card").toBeVisible();
  const reasons = await followed.allTextContents();
  for (const reason of reasons) {
    const title = reason.replace(/^Often viewed after /, "").trim();
    expect(titles, `"${reason}" names a product just viewed`).toContain(title);
  }
  await shot(page, testInfo, "sequence-for-you.png", forYou(page));

  for (const r of requests) {
    const url = new URL(r.url());
    expect(url.origin).toBe(new URL(page.url()).origin);
    expect(r.method()).toBe("GET");
    expect(url.search).toBe("");
  }
});

test("without the sharded catalog the shop still works, on the JSON catalog", async ({ page }) => {
  await page.route("**/catalog/manifest.json", (route) => route.fulfill({ status: 404, body: "" }));
  await page.goto("/");
  await expect(forYou(page)).toHaveAttribute("data-state", "ready");
  const item = catalog.items.find((i) => i.available && !i.sensitive);
  await page.goto(`/#/product/${item.id}`);
  await expect(page.locator("h1")).toHaveText(item.title);
  const summary = await page.evaluate(async (m) => (await (await import(m)).ready).personalizer.profile(), MODULE);
  expect(summary.sequenceSteps, "no model, no order kept").toBe(0);
  expect(summary.items).toBeGreaterThan(0);
});

test("with data-engine-catalog the engine opens the whole binary catalog, model included; unavailable, the JSON one", async ({ page }) => {
  const html = readFileSync(new URL("../../www/demo/index.html", import.meta.url), "utf8")
    .replace(/data-manifest="[^"]*"/, 'data-engine-catalog="catalog.bin"');
  expect(html).toContain('data-engine-catalog="catalog.bin"');
  await page.route(/\/$/, (route) => route.fulfill({ status: 200, contentType: "text/html", body: html }));
  const paths = [];
  page.on("request", (r) => paths.push(new URL(r.url()).pathname));
  const [first, second] = journey();
  await page.goto("/");
  await expect(forYou(page)).toHaveAttribute("data-state", /ready|empty/);
  const held = () => page.evaluate(async (m) => {
    const p = (await (await import(m)).ready).personalizer;
    return { items: p.itemCount, parts: p.parts(), steps: p.profile().sequenceSteps };
  }, MODULE);
  expect(await held()).toEqual({ items: catalog.items.length, parts: [], steps: 0 });
  expect(paths).toContain("/catalog.bin");
  expect(paths.filter((p) => p.startsWith("/catalog/")), "no manifest, no part").toEqual([]);
  // The model is in the binary catalog: two product views are two steps of the order kept.
  for (const item of [first, second]) {
    await page.goto(`/#/product/${item.id}`);
    await expect(page.locator("h1")).toHaveText(item.title);
  }
  await expect.poll(async () => (await held()).steps).toBe(2);

  // The binary catalog unavailable: a coded warning, and the shop runs on the JSON catalog.
  const warnings = [];
  page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  await page.route("**/catalog.bin", (route) => route.fulfill({ status: 404, body: "" }));
  await page.goto("about:blank");
  await page.goto("/");
  await expect(forYou(page)).toHaveAttribute("data-state", /ready|empty/);
  expect(await held()).toMatchObject({ items: catalog.items.length, parts: [] });
  expect(warnings.some((w) => /binary catalog unavailable, using the JSON one \(CATALOG_UNAVAILABLE\)/.test(w)), warnings.join("\n")).toBe(true);
});
