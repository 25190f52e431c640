// Erase means erased (issue #19): every store, a worker's page, and a write another
// tab queued just after the erase, in real Chromium.
import { expect, test } from "@playwright/test";

test.beforeEach(async ({ page }) => {
  page.on("pageerror", (err) => {
    throw err;
  });
  await page.goto("/");
});

// In the page: opens a personalizer (main thread, or worker) over the demo catalog.
async function openFlaneur({ shopId, storage, worker }) {
  const entry = await import(worker ? "/pkg/worker.js" : "/pkg/flaneur.js");
  await entry.default();
  const catalog = await (await fetch("/catalog.json")).json();
  window.catalog = catalog;
  window.flaneur = await entry.Personalizer.open({ catalog, shopId, ...(storage ? { storage } : {}), seed: 7 });
  return (await window.flaneur.profile()).storage;
}

// In the page: every flaneur key still held for `shopId`, in IndexedDB and localStorage.
async function leftovers(shopId) {
  const left = Object.keys(localStorage).filter((k) => k.endsWith(`:${shopId}`) && k.startsWith("flaneur:"));
  if (!(await indexedDB.databases()).some((d) => d.name === "flaneur")) return left;
  const db = await new Promise((ok, no) => {
    const r = indexedDB.open("flaneur");
    r.onsuccess = () => ok(r.result);
    r.onerror = () => no(r.error);
  });
  for (const store of db.objectStoreNames) {
    const keys = await new Promise((ok, no) => {
      const r = db.transaction(store).objectStore(store).getAllKeys();
      r.onsuccess = () => ok(r.result);
      r.onerror = () => no(r.error);
    });
    if (keys.includes(shopId)) left.push(`indexeddb ${store}`);
  }
  db.close();
  return left;
}

test("erase in a worker also clears what the page kept in localStorage", async ({ page }) => {
  const shopId = "e2e-erase-worker";
  await page.evaluate((shopId) => {
    localStorage.setItem(`flaneur:profile:${shopId}`, "RkxSQwk=");
    localStorage.setItem(`flaneur:quarantine:${shopId}`, "junk");
  }, shopId);
  expect(await page.evaluate(openFlaneur, { shopId, worker: true })).toBe("indexeddb");
  await page.evaluate(async () => {
    await window.flaneur.record({ type: "view", itemId: window.catalog.items[0].id });
    await window.flaneur.flush();
    await window.flaneur.erase();
  });
  expect(await page.evaluate(leftovers, shopId)).toEqual([]);
});

test("a write another tab queued just after an erase brings no pre-erase event back", async ({ context, page }) => {
  const shopId = "e2e-erase-race";
  const other = await context.newPage();
  await other.goto("/");
  expect(await page.evaluate(openFlaneur, { shopId })).toBe("indexeddb");
  await page.evaluate(async () => {
    await window.flaneur.erase();
    window.flaneur.record({ type: "view", itemId: window.catalog.items[0].id });
    await window.flaneur.flush();
  });
  // The other tab hears of the erase late (a busy or throttled tab): its queued write
  // must not need the message.
  await other.evaluate(() => {
    const plain = Object.getOwnPropertyDescriptor(BroadcastChannel.prototype, "onmessage");
    Object.defineProperty(BroadcastChannel.prototype, "onmessage", {
      configurable: true,
      get() { return plain.get.call(this); },
      set(f) { plain.set.call(this, f && ((e) => setTimeout(() => f(e), 1000))); },
    });
  });
  expect(await other.evaluate(openFlaneur, { shopId })).toBe("indexeddb");

  // The other tab records, then stays busy (a long task): its write, scheduled for
  // after that task, is created after this tab's erase, and runs after it.
  const busy = other.evaluate(() => {
    window.flaneur.record({ type: "view", itemId: window.catalog.items[1].id });
    const until = performance.now() + 600;
    while (performance.now() < until);
  });
  await page.waitForTimeout(150);
  await page.evaluate(() => window.flaneur.erase());
  await busy;
  await other.evaluate(() => window.flaneur.flush());
  await other.waitForTimeout(100);

  const third = await context.newPage();
  await third.goto("/");
  await third.evaluate(openFlaneur, { shopId });
  const tastes = await third.evaluate(async () => (await window.flaneur.profile()).tastes.length);
  expect(tastes, "nothing recorded before the erase came back").toBe(0);
  expect(await third.evaluate(leftovers, shopId)).toEqual([]);
});

test("the panel says everything is erased only when it is: a newer-format record goes too", async ({ page }) => {
  const shopId = "flaneur-demo";
  // A record written by a newer flaneur (the page works in memory), and a quarantined copy in localStorage.
  await page.evaluate(async ([shopId]) => {
    const db = await new Promise((ok, no) => {
      const r = indexedDB.open("flaneur", 1);
      r.onupgradeneeded = () => {
        for (const s of ["profiles", "quarantine"]) r.result.createObjectStore(s);
      };
      r.onsuccess = () => ok(r.result);
      r.onerror = () => no(r.error);
    });
    const tx = db.transaction("profiles", "readwrite");
    tx.objectStore("profiles").put(new Uint8Array([70, 76, 82, 67, 9, 1, 2, 3, 4, 5, 6, 7, 8]), shopId);
    await new Promise((ok) => (tx.oncomplete = ok));
    db.close();
    localStorage.setItem(`flaneur:quarantine:${shopId}`, "left over");
  }, [shopId]);
  await page.goto("/components-demo.html");
  await expect(page.locator("flaneur-preferences")).toHaveAttribute("data-state", "ready");
  await page.locator("flaneur-preferences").getByRole("button").first().click();
  const dialog = page.getByRole("dialog", { name: "Your privacy & personalization" });
  await dialog.getByRole("button", { name: "Erase everything…" }).click();
  await dialog.getByRole("button", { name: "Yes, erase everything" }).click();
  await expect(dialog.getByRole("status")).toHaveText(/^Everything is erased/);
  expect(await page.evaluate(leftovers, shopId)).toEqual([]);
});
