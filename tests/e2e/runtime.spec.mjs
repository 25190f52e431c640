// The browser runtime as a storefront developer uses it: IndexedDB persistence,
// tabs that merge, erase, storage failures and coded errors, in real Chromium.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";

const demoItems = JSON.parse(readFileSync(new URL("../../www/demo/catalog.json", import.meta.url), "utf8")).items.length;

test.beforeEach(async ({ page }) => {
  page.on("pageerror", (err) => {
    throw err;
  });
});

// In the page: loads the package and opens a personalizer over the demo catalog.
async function openFlaneur({ shopId, storage }) {
  const { default: init, Personalizer } = await import("/pkg/flaneur.js");
  await init();
  const catalog = await (await fetch("/catalog.json")).json();
  window.flaneur = await Personalizer.open({ catalog, shopId, ...(storage ? { storage } : {}), seed: 7 });
  window.catalog = catalog;
  return window.flaneur.profile().storage;
}

// In the page: the flaneur keys IndexedDB and localStorage hold, per store.
async function storedKeys() {
  const db = await new Promise((ok, no) => {
    const r = indexedDB.open("flaneur");
    r.onsuccess = () => ok(r.result);
    r.onerror = () => no(r.error);
  });
  const keys = {};
  for (const store of db.objectStoreNames) {
    keys[store] = await new Promise((ok, no) => {
      const r = db.transaction(store).objectStore(store).getAllKeys();
      r.onsuccess = () => ok(r.result);
      r.onerror = () => no(r.error);
    });
  }
  db.close();
  keys.localStorage = Object.keys(localStorage).filter((k) => k.startsWith("flaneur:"));
  return keys;
}

// Sum of the counts of the top-level categories: every view touches exactly one.
const rootCount = (profile) =>
  profile.tastes.filter((t) => t.kind === "category" && !t.label.includes(" > ")).reduce((n, t) => n + t.count, 0);

test("two tabs recording 500 events each at the same time lose none", async ({ context }) => {
  const tabs = [await context.newPage(), await context.newPage()];
  for (const tab of tabs) {
    await tab.goto("/");
    expect(await tab.evaluate(openFlaneur, { shopId: "e2e-tabs" })).toBe("indexeddb");
  }
  await tabs[0].evaluate(() => window.flaneur.erase());

  // Both tabs record at once: 500 views each, in bursts of 25, yielding between bursts so
  // that writes from the two tabs interleave.
  const record = (tab, seed) =>
    tab.evaluate(async (seed) => {
      // Sensitive items teach nothing without opt-in: leave them out of the count.
      const ids = window.catalog.items.filter((i) => !i.sensitive).map((i) => i.id);
      let learned = 0;
      let x = seed;
      for (let burst = 0; burst < 20; burst++) {
        for (let i = 0; i < 25; i++) {
          x = (x * 1103515245 + 12345) % 2147483648;
          if (window.flaneur.record({ type: "view", itemId: ids[x % ids.length] })) learned++;
        }
        await new Promise((r) => setTimeout(r, 0));
      }
      await window.flaneur.flush();
      return learned;
    }, seed);
  expect(await Promise.all([record(tabs[0], 1), record(tabs[1], 2)])).toEqual([500, 500]);

  const third = await context.newPage();
  await third.goto("/");
  await third.evaluate(openFlaneur, { shopId: "e2e-tabs" });
  expect(rootCount(await third.evaluate(() => window.flaneur.profile()))).toBe(1000);
  // Each tab also took in the other's events (BroadcastChannel), without reloading.
  for (const tab of tabs) {
    await expect.poll(async () => rootCount(await tab.evaluate(() => window.flaneur.profile()))).toBe(1000);
  }
});

test("erase() leaves nothing in IndexedDB or localStorage", async ({ page }) => {
  await page.goto("/");
  await page.evaluate(openFlaneur, { shopId: "e2e-erase" });
  await page.evaluate(async () => {
    // A record in each store: the IndexedDB one, and an older localStorage one.
    for (const item of window.catalog.items.slice(0, 5)) window.flaneur.record({ type: "view", itemId: item.id });
    await window.flaneur.flush();
    localStorage.setItem("flaneur:quarantine:e2e-erase", "left over");
  });
  let keys = await page.evaluate(storedKeys);
  expect(keys.profiles).toContain("e2e-erase");
  expect(keys.localStorage).toContain("flaneur:quarantine:e2e-erase");

  await page.evaluate(() => window.flaneur.erase());
  keys = await page.evaluate(storedKeys);
  expect(keys.profiles).not.toContain("e2e-erase");
  expect(keys.quarantine).not.toContain("e2e-erase");
  expect(keys.localStorage.filter((k) => k.endsWith(":e2e-erase"))).toEqual([]);
  const profile = await page.evaluate(() => window.flaneur.profile());
  expect(profile.tastes).toEqual([]);
  // And a reload finds nothing either.
  await page.reload();
  await page.evaluate(openFlaneur, { shopId: "e2e-erase" });
  expect((await page.evaluate(() => window.flaneur.profile())).tastes).toEqual([]);
});

test("a full quota keeps flaneur working in memory and says so", async ({ page }) => {
  await page.addInitScript(() => {
    IDBObjectStore.prototype.put = function () {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    };
  });
  await page.goto("/");
  expect(await page.evaluate(openFlaneur, { shopId: "e2e-quota" })).toBe("indexeddb");
  const { profile, first } = await page.evaluate(async () => {
    const boots = window.catalog.items.filter((i) => i.category === "Shoes > Boots" && i.available).map((i) => i.id);
    for (const itemId of boots.slice(0, 3)) window.flaneur.record({ type: "view", itemId });
    await window.flaneur.flush(); // the write fails: flaneur carries on in memory
    const first = window.flaneur.recommend({ k: 6 }).items[0]?.itemId;
    return { profile: window.flaneur.profile(), first: window.catalog.items.find((i) => i.id === first)?.category };
  });
  expect(profile.storage).toBe("memory");
  expect(profile.notices.some((n) => n.startsWith("STORAGE_FULL"))).toBe(true);
  expect(rootCount(profile)).toBe(3);
  // Still learning and recommending from what it holds in memory.
  expect(first).toBe("Shoes > Boots");
});

test("bad arguments from JavaScript are coded errors, never crashes", async ({ page }) => {
  await page.goto("/");
  await page.evaluate(openFlaneur, { shopId: "e2e-args", storage: "memory" });
  const codes = await page.evaluate(async () => {
    const { Personalizer } = await import("/pkg/flaneur.js");
    const p = window.flaneur;
    const attempt = async (f) => {
      try {
        await f();
        return "no error";
      } catch (err) {
        return `${err instanceof Error && err.name}:${err.code}`;
      }
    };
    return {
      noOptions: await attempt(() => Personalizer.open()),
      brokenCatalog: await attempt(() => Personalizer.open({ catalog: "{" })),
      unknownStorage: await attempt(() => Personalizer.open({ catalog: window.catalog, storage: "cookies" })),
      unknownType: await attempt(() => p.record({ type: "nope", itemId: "x" })),
      unknownItem: await attempt(() => p.record({ type: "view", itemId: "no-such-item" })),
      notAnEvent: await attempt(() => p.record(42)),
      badK: await attempt(() => p.recommend({ k: -1 })),
      misspelt: await attempt(() => p.recommend({ kk: 3 })),
      badPreference: await attempt(() => p.setPreferences({ intensity: 2 })),
      badForget: await attempt(() => p.forget({})),
      badImport: await attempt(() => p.importProfile(42)),
      badExplain: await attempt(() => p.explain(7)),
      unknownExplain: await attempt(() => p.explain("no-such-item")),
      stillWorks: p.recommend({ k: 3 }).items.length >= 0 && p.itemCount,
    };
  });
  expect(codes).toEqual({
    noOptions: "FlaneurError:BAD_ARGUMENT",
    brokenCatalog: "FlaneurError:CATALOG_INVALID",
    unknownStorage: "FlaneurError:BAD_ARGUMENT",
    unknownType: "FlaneurError:BAD_ARGUMENT",
    unknownItem: "FlaneurError:UNKNOWN_ITEM",
    notAnEvent: "FlaneurError:BAD_ARGUMENT",
    badK: "FlaneurError:BAD_ARGUMENT",
    misspelt: "FlaneurError:BAD_ARGUMENT",
    badPreference: "FlaneurError:BAD_ARGUMENT",
    badForget: "FlaneurError:BAD_ARGUMENT",
    badImport: "FlaneurError:BAD_ARGUMENT",
    badExplain: "FlaneurError:BAD_ARGUMENT",
    unknownExplain: "FlaneurError:UNKNOWN_ITEM",
    stillWorks: demoItems,
  });
});
