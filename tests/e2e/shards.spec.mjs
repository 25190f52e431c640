// Shards that follow the pages (issue #22). The demo opens flaneur on its sharded catalog
// (www/demo/catalog/: manifest.json, a core, one shard per department). What a device fetches
// is a function of the pages the shopper opened, never of the profile: two shoppers with
// different profiles who follow the same navigation make the same requests, shards included;
// a shopper who never opens a page of a department never fetches its shard. Shards fetched
// are kept in the Cache API for later pages, and erase empties it.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { watchPage } from "./page.mjs";

const www = (path) => readFileSync(new URL(`../../www/demo/${path}`, import.meta.url), "utf8");
const catalog = JSON.parse(www("catalog.json"));
const manifest = JSON.parse(www("catalog/manifest.json"));
const shardOf = (department) => `/catalog/${manifest.shards.find((s) => s.department === department).file}`;
const MODULE = "/components/flaneur-elements.js";
const PANEL = "Your privacy & personalization";
const forYou = (page) => page.locator('flaneur-shelf[heading="For you"]');
const ok = (i) => i.available !== false && !i.sensitive;
const knitwear = catalog.items.find((i) => ok(i) && i.category.startsWith("Women > Knitwear"));
const lipstick = catalog.items.find((i) => ok(i) && i.category.startsWith("Beauty"));

watchPage(test);

// In the page: the components' personalizer, once open.
const personalizer = async (m) => (await (await import(m)).ready).personalizer;

/** Every request `page` makes from now on, as "METHOD path body". */
function log(page) {
  const seen = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    seen.push(`${r.method()} ${url.pathname}${url.search} ${r.postData() ?? ""}`.trim());
  });
  return seen;
}

/** The paths of the parts kept in the Cache API (none when its store does not exist; opening it would create it). */
function keptParts(page) {
  return page.evaluate(async () =>
    (await caches.has("flaneur-catalog-parts"))
      ? (await (await caches.open("flaneur-catalog-parts")).keys()).map((r) => new URL(r.url).pathname).sort()
      : []);
}

/** The parts the page's personalizer holds, as served paths. */
async function parts(page) {
  return page.evaluate(async (m) => (await (await import(m)).ready).personalizer.parts().map((f) => `/catalog/${f}`), MODULE);
}

/**
 * A shopper whose profile already holds views of a few core items of `department`, recorded
 * from the page without opening any page of them: the profile differs, the pages opened do not.
 */
async function shopperWhoLikes(browser, baseURL, department) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
  const ids = catalog.items.filter((i) => ok(i) && i.category.startsWith(`${department} >`)).map((i) => i.id);
  const learned = await page.evaluate(
    async ([m, ids]) => {
      const p = (await (await import(m)).ready).personalizer;
      let n = 0;
      for (const itemId of ids) {
        if (n === 6) break;
        try {
          if (p.record({ type: "view", itemId })) n += 1;
        } catch {
          // not in the core: this shopper never opened a page of its department
        }
      }
      await p.flush();
      return n;
    },
    [MODULE, ids],
  );
  expect(learned, `six ${department} items of the core`).toBe(6);
  await page.close();
  return context;
}

/** home → Women > Knitwear → one sweater → home, in a new page of `context`: its requests and the home slate. */
async function follow(context, route) {
  const page = await context.newPage();
  const requests = log(page);
  await page.goto("/");
  await expect(forYou(page)).toHaveAttribute("data-state", /ready|empty/);
  for (const hash of route) {
    await page.goto(`/${hash}`);
    await expect(page.locator("body")).toHaveAttribute("data-page", hash.includes("/product/") ? "product" : "category");
  }
  await page.goto("/#/");
  await expect(page.locator("body")).toHaveAttribute("data-page", "home");
  await expect(forYou(page)).toHaveAttribute("data-state", "ready");
  // Wait until every shard asked for is joined, then until nothing more is in flight.
  await page.waitForLoadState("networkidle");
  const held = await parts(page);
  const slate = await forYou(page).locator("[data-item-id]").evaluateAll((cards) => cards.map((c) => c.dataset.itemId));
  await page.close();
  return { requests, held, slate };
}

test("two shoppers with different profiles, the same navigation: the same requests, shards included", async ({ browser, baseURL }) => {
  test.setTimeout(60_000);
  const route = ["#/category/women/knitwear", `#/product/${knitwear.id}`];
  const a = await follow(await shopperWhoLikes(browser, baseURL, "Beauty"), route);
  const b = await follow(await shopperWhoLikes(browser, baseURL, "Men"), route);
  expect(a.slate, "the profiles differ, and so do their slates").not.toEqual(b.slate);
  expect(a.requests.length).toBeGreaterThan(5);
  // The same requests; their order may differ where the page loads files side by side.
  expect([...a.requests].sort()).toEqual([...b.requests].sort());
  expect(a.requests).toContain(`GET ${shardOf("Women")}`);
  for (const r of a.requests) expect(r.startsWith("GET "), r).toBe(true);
  // Only the department opened: the Beauty and Men profiles fetched no shard of theirs.
  const shards = a.requests.filter((r) => r.includes("/catalog/shard-"));
  expect(shards).toEqual([`GET ${shardOf("Women")}`]);
  expect(a.held).toEqual([`/catalog/${manifest.core.file}`, shardOf("Women")]);
});

test("a shopper who never opens a Women page never fetches its shard", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL });
  const { requests, held } = await follow(context, ["#/category/beauty", `#/product/${lipstick.id}`]);
  expect(requests).toContain(`GET ${shardOf("Beauty")}`);
  expect(requests.filter((r) => r.includes("/catalog/shard-"))).toEqual([`GET ${shardOf("Beauty")}`]);
  expect(held).not.toContain(shardOf("Women"));
  await context.close();
});

test("while a shard is on its way, a view of an item the page holds is learned at once; one of the shard waits for it, in order", async ({ page }) => {
  // The Women shard is held back until the test lets it through.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route(`**${shardOf("Women")}`, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
  const women = catalog.items.filter((i) => ok(i) && i.category.startsWith("Women >")).map((i) => i.id);
  const picked = await page.evaluate(async ([m, ids]) => {
    const p = (await (await import(m)).ready).personalizer;
    const held = p.items(ids);
    const core = ids.filter((_, k) => held[k]);
    return { core: core[0], second: core[1], shard: ids.find((_, k) => !held[k]) };
  }, [MODULE, women]);
  expect(picked.second && picked.shard, "the core holds some Women items and not others").toBeTruthy();
  const waiting = (id) => `(async () => {
    const m = await import("${MODULE}");
    window.outcomes ??= {};
    m.record({ type: "view", itemId: "${id}" }).then((learned) => (window.outcomes["${id}"] = learned));
  })()`;

  // A product page of the core: learned while the shard is still held (a pagehide now loses nothing).
  await page.evaluate(async (m) => void (await import(m)).visit("Women > Knitwear"), MODULE);
  await page.evaluate(waiting(picked.core));
  await expect.poll(() => page.evaluate((id) => window.outcomes?.[id], picked.core), { timeout: 3_000 }).toBe(true);

  // One of the shard waits for it; a later view of the core waits behind that one.
  const second = picked.second;
  await page.evaluate(waiting(picked.shard));
  await page.evaluate(waiting(second));
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => window.outcomes)).toEqual({ [picked.core]: true });
  release();
  await expect.poll(() => page.evaluate(() => window.outcomes)).toEqual({ [picked.core]: true, [picked.shard]: true, [second]: true });
  const recent = await page.evaluate(async (m) => (await (await import(m)).ready).personalizer.recommend({ shelf: "recent", k: 3 }).items.map((i) => i.itemId), MODULE);
  expect(recent, "newest first, in the order the page recorded them").toEqual([second, picked.shard, picked.core]);
});

test("a shard fetched is kept for later pages without a request, and erase empties the store", async ({ page }) => {
  test.setTimeout(45_000);
  await page.goto(`/#/product/${knitwear.id}`);
  await expect(page.locator("h1")).toHaveText(knitwear.title);
  await expect.poll(() => parts(page)).toContain(shardOf("Women"));
  await expect.poll(() => keptParts(page)).toEqual([`/catalog/${manifest.core.file}`, shardOf("Women")].sort());

  // A new page load: the core and the Women shard come from the store, not the network.
  const requests = log(page);
  await page.goto("about:blank");
  await page.goto("/");
  await expect(forYou(page)).toHaveAttribute("data-state", "ready");
  expect(await parts(page)).toEqual([`/catalog/${manifest.core.file}`, shardOf("Women")]);
  expect(requests.filter((r) => r.includes("/catalog/") && !r.endsWith("manifest.json"))).toEqual([]);

  // Erase: nothing of it stays, the kept parts included.
  await page.locator("flaneur-preferences").getByRole("button", { name: PANEL }).click();
  const dialog = page.getByRole("dialog", { name: PANEL });
  await dialog.getByRole("button", { name: "Erase everything…" }).click();
  await dialog.getByRole("button", { name: "Yes, erase everything" }).click();
  await expect(dialog.getByRole("status")).toHaveText(/^Everything is erased/);
  expect(await keptParts(page)).toEqual([]);
});

test("a damaged kept shard is refused with a coded warning, and the shop runs on the core", async ({ page }) => {
  const warnings = [];
  page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
  await page.evaluate(async (file) => {
    const store = await caches.open("flaneur-catalog-parts");
    await store.put(new URL(`/catalog/${file}`, location.href), new Response(new Uint8Array([70, 76, 78, 82, 1, 2, 3])));
  }, manifest.shards[0].file);
  await page.goto("about:blank");
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
  expect(await parts(page)).toEqual([`/catalog/${manifest.core.file}`]);
  expect(warnings.some((w) => /a kept catalog part was refused, fetching the core again \(CATALOG_INVALID\)/.test(w)), warnings.join("\n")).toBe(true);
});

test("nothing is kept while consent is required and not granted; granted, the parts of the pages opened are", async ({ page }) => {
  const html = www("index.html").replace("data-manifest=", 'data-consent="required" data-manifest=');
  await page.route(/\/$/, (route) => route.fulfill({ status: 200, contentType: "text/html", body: html }));
  await page.goto(`/#/product/${knitwear.id}`);
  await expect(page.locator("h1")).toHaveText(knitwear.title);
  await expect.poll(() => parts(page)).toContain(shardOf("Women"));
  expect(await keptParts(page)).toEqual([]);
  expect(await page.evaluate(async (m) => (await import(m)).consent.grant(), MODULE)).toBe(true);
  await expect.poll(() => keptParts(page)).toEqual([`/catalog/${manifest.core.file}`, shardOf("Women")].sort());
  expect(await page.evaluate(async (m) => (await import(m)).consent.revoke(), MODULE)).toBe(true);
  await expect.poll(() => keptParts(page)).toEqual([]);
});

// The demo's next build (scripts/make-demo-next.sh): 1% of prices and availability changed,
// its manifest listing a patch from each of the demo's parts.
const fixture = (name) => readFileSync(new URL(`../fixtures/demo-next/${name}`, import.meta.url));
const next = JSON.parse(fixture("manifest.json"));

test("a returning shopper after a new build fetches the manifest and the patches of the parts of the pages opened, nothing more", async ({ page }) => {
  test.setTimeout(45_000);
  await page.goto(`/#/product/${knitwear.id}`);
  await expect(page.locator("h1")).toHaveText(knitwear.title);
  await expect.poll(() => parts(page)).toContain(shardOf("Women"));
  await page.waitForLoadState("networkidle");

  // The shop publishes the next build.
  await page.route("**/catalog/manifest.json", (route) => route.fulfill({ status: 200, contentType: "application/json", body: fixture("manifest.json") }));
  await page.route(/\/catalog\/patch-[0-9a-f]{16}\.bin$/, (route) =>
    route.fulfill({ status: 200, contentType: "application/octet-stream", body: fixture(new URL(route.request().url()).pathname.split("/").pop()) }));
  const requests = log(page);
  await page.goto("about:blank");
  await page.goto(`/#/product/${knitwear.id}`);
  await expect(page.locator("h1")).toHaveText(knitwear.title);
  const women = next.shards.find((s) => s.department === "Women").file;
  await expect.poll(() => parts(page)).toEqual([`/catalog/${next.core.file}`, `/catalog/${women}`]);

  const fromCatalog = requests.filter((r) => r.includes("/catalog/"));
  const patches = [next.core.file, women].map((to) => next.patches.find((p) => p.to === to));
  expect(fromCatalog.sort()).toEqual(["GET /catalog/manifest.json", ...patches.map((p) => `GET /catalog/${p.file}`)].sort());
  expect(patches.reduce((sum, p) => sum + p.bytes, 0), "what changed, not the parts again").toBeLessThan(1_000);
  await expect.poll(() => keptParts(page)).toEqual([`/catalog/${next.core.file}`, `/catalog/${women}`].sort());
});

test("a patch that is not the one the manifest names is refused, and the part is fetched whole", async ({ page }) => {
  const warnings = [];
  page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
  await page.waitForLoadState("networkidle");
  await page.route("**/catalog/manifest.json", (route) => route.fulfill({ status: 200, contentType: "application/json", body: fixture("manifest.json") }));
  await page.route(/\/catalog\/patch-[0-9a-f]{16}\.bin$/, (route) => route.fulfill({ status: 200, body: Buffer.from("FLNRPAT but not this one") }));
  // The next build's core itself is not served: the shop keeps working on the JSON catalog.
  const requests = log(page);
  await page.goto("about:blank");
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
  expect(warnings.some((w) => /a catalog patch failed, fetching the part \(CATALOG_INVALID\)/.test(w)), warnings.join("\n")).toBe(true);
  expect(requests).toContain(`GET /catalog/${next.core.file}`);
  expect(warnings.some((w) => /sharded catalog unavailable, using the JSON one \(CATALOG_UNAVAILABLE\)/.test(w)), warnings.join("\n")).toBe(true);
});

test("with data-manifest alone the shelves draw their cards from the engine: the catalog's titles and links", async ({ page }) => {
  const html = www("index.html").replace(' data-catalog="catalog.json"', "");
  expect(html).not.toContain("data-catalog");
  await page.route(/\/$/, (route) => route.fulfill({ status: 200, contentType: "text/html", body: html }));
  const byId = new Map(catalog.items.map((i) => [i.id, i]));
  const sweaters = catalog.items.filter((i) => ok(i) && i.category === knitwear.category).slice(0, 2);
  for (const item of sweaters) {
    await page.goto(`/#/product/${item.id}`);
    await expect(page.locator("h1")).toHaveText(item.title);
  }
  // The views are recorded once the Women shard is joined; the shelf redraws then.
  const events = () => page.evaluate(async (m) => (await (await import(m)).ready).personalizer.profile().sessionEvents, MODULE);
  await expect.poll(events).toBeGreaterThanOrEqual(2);
  await page.goto("/#/");
  await expect(forYou(page)).toHaveAttribute("data-state", "ready");
  await expect(forYou(page).locator("[data-item-id]").first()).toBeVisible();
  const cards = await forYou(page).locator("[data-item-id]").evaluateAll((els) =>
    els.map((el) => ({ id: el.dataset.itemId, title: el.querySelector(".fl-card__link")?.textContent, href: el.querySelector(".fl-card__link")?.getAttribute("href") })));
  expect(cards.length).toBeGreaterThan(0);
  for (const card of cards) {
    expect(card.title, card.id).toBe(byId.get(card.id).title);
    expect(card.href, card.id).toBe(byId.get(card.id).url);
  }
  expect(await page.evaluate(async (m) => (await import(m)).catalog, MODULE), "no copy of the catalog").toBeNull();
  // The panel offers the sensitive classes of what the engine holds; a Health page brings its own.
  await page.goto("/#/category/health");
  await expect(page.locator("body")).toHaveAttribute("data-page", "category");
  await expect.poll(() => parts(page)).toContain(shardOf("Health"));
  const all = [...new Set(catalog.items.map((i) => i.sensitive).filter(Boolean))].sort();
  expect(await page.evaluate(async (m) => (await (await import(m)).ready).personalizer.sensitiveClasses(), MODULE)).toEqual(all);
  await page.locator("flaneur-preferences").getByRole("button", { name: PANEL }).click();
  const dialog = page.getByRole("dialog", { name: PANEL });
  for (const cls of all) await expect(dialog.getByLabel(`Learn from and suggest ${cls} items`)).toBeVisible();
});
