// The first vertical slice in a real browser: the storefront loads the WASM
// package, records views, and the "For you" shelf follows them.
import { expect, test } from "@playwright/test";

const shelfCategories = (page) =>
  page.locator("#for-you .card").evaluateAll((cards) => cards.map((c) => c.dataset.category));

test.beforeEach(async ({ page }) => {
  page.on("pageerror", (err) => {
    throw err;
  });
});

test("the shelf abstains at first, then follows the categories the shopper views", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
  // A fresh profile knows nothing: flaneur shows nothing rather than filler.
  await expect(page.locator("#for-you .card")).toHaveCount(0);
  await expect(page.locator("#all .card")).toHaveCount(60);

  // View three different women's sweaters from the shop's grid. After each view the
  // shelf may hold at most round(0.2 × 6) = 1 divergent card, never first, labelled as a
  // question; the demo catalog is small, so we look for it across the three shelves.
  const sweaters = page.locator('#all .card[data-category="Women > Knitwear > Sweaters"] button.open');
  const divergentReasons = [];
  for (let i = 0; i < 3; i++) {
    await sweaters.nth(i).click();
    await expect(page.locator("#for-you .card").first()).toHaveAttribute("data-kind", "personal");
    const divergent = page.locator('#for-you .card[data-kind="divergent"]');
    expect(await divergent.count()).toBeLessThanOrEqual(1);
    if ((await divergent.count()) === 1) divergentReasons.push(await divergent.locator(".reason").textContent());
  }
  expect(divergentReasons.length, "a divergent card appeared").toBeGreaterThan(0);
  for (const reason of divergentReasons) expect(reason).toMatch(/^You like .+ — try .+\?$/);

  const categories = await shelfCategories(page);
  expect(categories.length).toBeGreaterThan(0);
  // Everything shown is related to knitwear; the best are sweaters.
  expect(categories[0]).toBe("Women > Knitwear > Sweaters");
  for (const c of categories) expect(c).toMatch(/Knitwear/);
  await expect(page.locator('#for-you .card[data-kind="personal"] .reason').first()).toContainText("You often look at");

  // The shopper moves on to boots: boots join the shelf and rank above the cardigans they never viewed.
  const boots = page.locator('#all .card[data-category="Shoes > Boots"] button.open');
  for (let i = 0; i < 4; i++) await boots.nth(i).click();
  const after = await shelfCategories(page);
  expect(after[0]).toBe("Shoes > Boots");
  expect(after).not.toContain("Home > Kitchen");
});

test("the WASM module is served as application/wasm and only same-origin assets are fetched", async ({ page }) => {
  const requests = [];
  page.on("request", (r) => requests.push(r));
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
  await page.locator("#all .card button.open").first().click();
  const wasm = requests.find((r) => r.url().endsWith(".wasm"));
  expect(wasm, "the page loads a .wasm module").toBeTruthy();
  expect((await wasm.response()).headers()["content-type"]).toBe("application/wasm");
  for (const r of requests) {
    const url = new URL(r.url());
    expect(url.origin).toBe(new URL(page.url()).origin);
    expect(r.method()).toBe("GET");
    expect(url.search).toBe("");
  }
  // Viewing an item fetched nothing at all: the profile lives in the page.
  const paths = requests.map((r) => new URL(r.url()).pathname).sort();
  expect(paths).toEqual(["/", "/app.js", "/catalog.json", "/pkg/flaneur.js", "/pkg/flaneur_bg.wasm", "/style.css"].sort());
});

test("the profile stays on the device across reloads and never travels", async ({ page }) => {
  const requests = [];
  page.on("request", (r) => requests.push(r));
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
  const boots = page.locator('#all .card[data-category="Shoes > Boots"] button.open');
  for (let i = 0; i < 3; i++) await boots.nth(i).click();
  // The record lands in IndexedDB within a few milliseconds of the last click.
  await expect.poll(() => page.evaluate(readRecord, "flaneur-demo")).not.toBeNull();
  const stored = await page.evaluate(readRecord, "flaneur-demo");
  expect(stored.slice(0, 4), "a flaneur record (magic FLRC)").toEqual([70, 76, 82, 67]);

  await page.reload();
  await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
  // Right after the reload, before any new click, the shelf knows the shopper.
  await expect(page.locator("#for-you .card").first()).toHaveAttribute("data-category", "Shoes > Boots");

  // Nothing of the profile left the page: only GETs of static files, no query strings, no bodies.
  const fingerprint = Buffer.from(stored.slice(24, 48)).toString("base64");
  for (const r of requests) {
    expect(r.method()).toBe("GET");
    expect(new URL(r.url()).search).toBe("");
    expect(r.postData()).toBeNull();
    expect(r.url()).not.toContain(fingerprint);
  }
});

test("the shop keeps working when flaneur cannot load", async ({ page }) => {
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await page.route("**/*.wasm", (route) => route.abort());
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-flaneur", "error");
  await expect(page.locator("#all .card")).toHaveCount(60);
  await expect(page.locator("#for-you-status")).toContainText("the shop works as usual");
  // Browsing still works: opening a product shows it, with no script error.
  await page.locator("#all .card button.open").first().click();
  await expect(page.locator("#viewing")).toBeVisible();
  expect(errors).toEqual([]);
});

test("a corrupt stored profile is set aside and the shelf starts afresh", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
  await page.evaluate(writeRecord, ["flaneur-demo", [70, 76, 82, 67, 1, 9, 9, 9, 9, 9, 9]]);
  await page.reload();
  await expect(page.locator("body")).toHaveAttribute("data-flaneur", "ready");
  await expect(page.locator("#for-you .card")).toHaveCount(0);
  const kept = await page.evaluate(readRecord, ["flaneur-demo", "quarantine"]);
  expect(kept).toEqual([70, 76, 82, 67, 1, 9, 9, 9, 9, 9, 9]);
  await page.locator('#all .card[data-category="Shoes > Boots"] button.open').first().click();
  await expect.poll(async () => (await page.evaluate(readRecord, "flaneur-demo"))?.length ?? 0).toBeGreaterThan(40);
  await expect(page.locator("#for-you .card").first()).toHaveAttribute("data-category", "Shoes > Boots");
});

// In the page: the bytes IndexedDB holds under `key` (object store "profiles" unless named), or null.
async function readRecord(args) {
  const [key, store] = Array.isArray(args) ? args : [args, "profiles"];
  const db = await new Promise((ok, no) => {
    const r = indexedDB.open("flaneur");
    r.onsuccess = () => ok(r.result);
    r.onerror = () => no(r.error);
  });
  try {
    if (!db.objectStoreNames.contains(store)) return null;
    const value = await new Promise((ok, no) => {
      const r = db.transaction(store).objectStore(store).get(key);
      r.onsuccess = () => ok(r.result);
      r.onerror = () => no(r.error);
    });
    return value === undefined ? null : Array.from(value);
  } finally {
    db.close();
  }
}

// In the page: stores `bytes` as the record of `key`.
async function writeRecord([key, bytes]) {
  const db = await new Promise((ok, no) => {
    const r = indexedDB.open("flaneur");
    r.onsuccess = () => ok(r.result);
    r.onerror = () => no(r.error);
  });
  const tx = db.transaction("profiles", "readwrite");
  tx.objectStore("profiles").put(new Uint8Array(bytes), key);
  await new Promise((ok, no) => { tx.oncomplete = ok; tx.onabort = () => no(tx.error); });
  db.close();
}
