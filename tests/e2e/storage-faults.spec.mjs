// Storage faults in a real browser (issue #11): an interrupted write, a full quota, IndexedDB
// unavailable, a stored profile from every older format version, and one with random bytes
// flipped. Each must end in a working page, a valid profile, and no silent loss of a
// profile that was readable: what cannot be read is kept aside (quarantine) or left as it is.
import { readFileSync } from "node:fs";
import { crc32 } from "node:zlib";
import { expect, test } from "@playwright/test";
import { readRecord, writeRecord } from "./idb.mjs";

const fixture = (name) => [...readFileSync(new URL(`../fixtures/${name}`, import.meta.url))];
const DEMO = "flaneur-demo";

test.beforeEach(async ({ page }) => {
  page.on("pageerror", (err) => {
    throw err;
  });
});

// In the page: opens a personalizer over the demo catalog (closing the previous one) and
// returns what it says about itself; `slate` is the size of a slate padded with popular
// items (a fresh or faded profile rightly recommends nothing personal).
async function openFlaneur({ shopId = "flaneur-demo", storage } = {}) {
  const { default: init, Personalizer } = await import("/pkg/flaneur.js");
  await init();
  window.catalog ??= await (await fetch("/catalog.json")).json();
  window.flaneur?.free();
  window.flaneur = await Personalizer.open({ catalog: window.catalog, shopId, ...(storage ? { storage } : {}) });
  const p = window.flaneur.profile();
  return { storage: p.storage, notices: p.notices, items: p.items, tastes: p.tastes.length, slate: window.flaneur.recommend({ k: 6, fill: true }).items.length };
}

// In the page: views `n` boots (or all of them), then optionally waits for the write.
async function viewBoots({ n, flush = true }) {
  const boots = window.catalog.items.filter((i) => i.category === "Shoes > Boots" && i.available).map((i) => i.id);
  for (let i = 0; i < n; i++) window.flaneur.record({ type: "view", itemId: boots[i % boots.length] });
  if (flush) await window.flaneur.flush();
}

// In the page: the number of views the profile holds (every view touches one root category).
function views() {
  return window.flaneur.profile().tastes.filter((t) => t.kind === "category" && !t.label.includes(" > ")).reduce((n, t) => n + t.count, 0);
}

/** A stored record in format version 1 (docs/FORMATS.md) around `profile`, for `shop`. */
function recordV1(shop, profile) {
  const out = [];
  const varint = (v) => {
    do {
      let b = v & 0x7f;
      v = Math.floor(v / 128);
      if (v) b |= 0x80;
      out.push(b);
    } while (v);
  };
  const le = (size, write) => {
    const b = Buffer.alloc(size);
    write(b);
    out.push(...b);
  };
  out.push(...Buffer.from("FLRC"), 1);
  varint(Buffer.byteLength(shop));
  out.push(...Buffer.from(shop));
  le(8, (b) => b.writeBigInt64LE(1_780_000_000_000n));
  out.push(1); // flags: personalization on
  for (const v of [0.8, 0.2, 0.15, 0.2, 0]) le(4, (b) => b.writeFloatLE(v));
  out.push(0); // intent: auto
  varint(0); // no sensitive classes
  varint(profile.length);
  out.push(...profile);
  le(4, (b) => b.writeUInt32LE(crc32(Buffer.from(out))));
  return out;
}

/** The profile inside a stored record (after the shop, time, flags, ranges, intent and classes). */
function profileOf(record) {
  let at = 5;
  const varint = () => {
    let v = 0;
    for (let shift = 1; ; shift *= 128) {
      const b = record[at++];
      v += (b & 0x7f) * shift;
      if (b < 0x80) return v;
    }
  };
  const skip = (n) => (at += n); // after reading n: `at += varint()` would add to the old `at`
  skip(varint()); // shop
  skip(8 + 1 + 20 + 1); // saved at, flags, ranges, intent
  for (let n = varint(); n > 0; n--) skip(varint() + 1);
  const len = varint();
  return record.slice(at, at + len);
}

test("a stored profile from every older format version is read, kept and rewritten in the current one", async ({ page }) => {
  await page.goto("/");
  const recordV1ProfileV2 = fixture("record-v1.bin"); // written by flaneur's record v1 code
  const cases = [
    ["record v1, profile v2", recordV1ProfileV2, 9],
    ["record v1, profile v1", recordV1(DEMO, fixture("profile-v1.bin")), 1],
    ["record v1 rebuilt here (the encoder above is the documented layout)", recordV1(DEMO, profileOf(recordV1ProfileV2)), 9],
  ];
  for (const [what, bytes, items] of cases) {
    await page.evaluate(() => window.flaneur?.erase());
    await page.evaluate(writeRecord, [DEMO, bytes]);
    const opened = await page.evaluate(openFlaneur, {});
    expect(opened.notices, what).toEqual([]);
    expect(opened.storage, what).toBe("indexeddb");
    expect(opened.items, what).toBe(items);
    expect(opened.slate, what).toBeGreaterThan(0);
    // The next write stores it as the current version, and it reads back with everything.
    await page.evaluate(viewBoots, { n: 1 });
    const stored = await page.evaluate(readRecord, DEMO);
    expect(stored[4], what).toBe(3);
    const reopened = await page.evaluate(openFlaneur, {});
    expect(reopened.notices, what).toEqual([]);
    expect(reopened.items, what).toBe(items + 1);
  }

  // Record v2 is v3 without the erase epoch (its last 8 bytes before the checksum).
  const v3 = await page.evaluate(readRecord, DEMO);
  const v2 = v3.slice(0, -12);
  v2[4] = 2;
  v2.push(...new Uint8Array(new Uint32Array([crc32(Buffer.from(v2))]).buffer));
  const held = (await page.evaluate(openFlaneur, {})).items;
  await page.evaluate(writeRecord, [DEMO, v2]);
  const fromV2 = await page.evaluate(openFlaneur, {});
  expect(fromV2.notices, "record v2").toEqual([]);
  expect(fromV2.items, "record v2").toBe(held);
  await page.evaluate(viewBoots, { n: 1 });
  expect((await page.evaluate(readRecord, DEMO))[4], "record v2").toBe(3);

  // flaneur 0.1 kept its export JSON in localStorage: it moves into IndexedDB, in the current format.
  const exported = await page.evaluate(async () => {
    await window.flaneur.erase();
    const { Personalizer } = await import("/pkg/flaneur.js");
    const memory = await Personalizer.open({ catalog: window.catalog, storage: "memory" });
    const boots = window.catalog.items.filter((i) => i.category === "Shoes > Boots").map((i) => i.id);
    for (const itemId of boots.slice(0, 4)) memory.record({ type: "view", itemId });
    return memory.exportProfile();
  });
  await page.evaluate(([key, text]) => localStorage.setItem(key, text), [`flaneur:profile:${DEMO}`, exported]);
  const adopted = await page.evaluate(openFlaneur, {});
  expect(adopted.notices).toEqual([]);
  expect(adopted.items).toBe(4);
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("flaneur:")))).toEqual([]);
  await page.evaluate(viewBoots, { n: 1 });
  expect((await page.evaluate(readRecord, DEMO))[4]).toBe(3);
});

test("a stored profile with random bytes flipped is set aside, never silently lost, and a fresh one works", async ({ page }) => {
  await page.goto("/");
  await page.evaluate(openFlaneur, {});
  await page.evaluate(viewBoots, { n: 6 });
  const good = await page.evaluate(readRecord, DEMO);
  expect(good.length).toBeGreaterThan(100);
  let seed = 0x5eed;
  const random = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (let trial = 0; trial < 12; trial++) {
    const flipped = [...good];
    const flips = 1 + (trial % 3);
    for (let f = 0; f < flips; f++) flipped[Math.floor(random() * flipped.length)] ^= 1 + Math.floor(random() * 255);
    await page.evaluate(() => window.flaneur?.free());
    await page.evaluate(() => { window.flaneur = null; });
    await page.evaluate(writeRecord, [DEMO, flipped]);
    const opened = await page.evaluate(openFlaneur, {});
    expect(opened.slate, `trial ${trial}: the page keeps recommending`).toBeGreaterThan(0);
    const notice = opened.notices.join(" ");
    if (notice.startsWith("PROFILE_VERSION")) {
      // A flip that reads as a newer format: the record is left exactly as it is.
      expect(opened.storage).toBe("memory");
      expect(await page.evaluate(readRecord, DEMO), `trial ${trial}`).toEqual(flipped);
      continue;
    }
    expect(notice, `trial ${trial}`).toMatch(/^PROFILE_CORRUPT: the stored profile could not be read/);
    expect(opened.items, `trial ${trial}: a fresh profile`).toBe(0);
    // The unreadable bytes are kept aside, exactly.
    expect(await page.evaluate(readRecord, [DEMO, "quarantine"]), `trial ${trial}`).toEqual(flipped);
    // The fresh profile learns and is stored validly.
    await page.evaluate(viewBoots, { n: 2 });
    const reopened = await page.evaluate(openFlaneur, {});
    expect(reopened.notices, `trial ${trial}`).toEqual([]);
    expect(reopened.items, `trial ${trial}`).toBeGreaterThan(0);
  }
});

test("a write interrupted by closing the page leaves the old record or the new one", async ({ context }) => {
  let before = 0;
  for (const [trial, wait] of [0, 0, 1, 2, 5, 20].entries()) {
    const page = await context.newPage();
    await page.goto("/");
    const opened = await page.evaluate(openFlaneur, { shopId: "e2e-interrupted" });
    expect(opened.notices, `trial ${trial}`).toEqual([]);
    expect(await page.evaluate(views), `trial ${trial}: what the last page stored`).toBeGreaterThanOrEqual(before);
    before = await page.evaluate(views);
    // 300 views, and the page closes while they are being written.
    await page.evaluate(viewBoots, { n: 300, flush: false });
    if (wait) await page.waitForTimeout(wait);
    await page.close();
    const check = await context.newPage();
    await check.goto("/");
    const after = await check.evaluate(openFlaneur, { shopId: "e2e-interrupted" });
    expect(after.notices, `trial ${trial}: the record is readable`).toEqual([]);
    expect([before, before + 300], `trial ${trial}: all or nothing`).toContain(await check.evaluate(views));
    await check.close();
  }
});

test("a full quota keeps the stored profile intact and the page working, in both stores", async ({ context }) => {
  for (const storage of ["indexeddb", "local"]) {
    const shopId = `e2e-full-${storage}`;
    const page = await context.newPage();
    await page.goto("/");
    await page.evaluate(openFlaneur, { shopId, storage });
    await page.evaluate(viewBoots, { n: 5 });
    await page.close();

    const full = await context.newPage();
    await full.addInitScript(() => {
      const refuse = () => {
        throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      };
      IDBObjectStore.prototype.put = refuse;
      Storage.prototype.setItem = refuse;
    });
    await full.goto("/");
    const opened = await full.evaluate(openFlaneur, { shopId, storage });
    expect(opened.storage, storage).toBe(storage);
    expect(await full.evaluate(views), `${storage}: the stored profile is read`).toBe(5);
    await full.evaluate(viewBoots, { n: 3 });
    const after = await full.evaluate(() => window.flaneur.profile());
    expect(after.storage, storage).toBe("memory");
    expect(after.notices.some((n) => n.startsWith("STORAGE_FULL")), storage).toBe(true);
    expect(await full.evaluate(views), `${storage}: learning goes on in memory`).toBe(8);
    expect(await full.evaluate(() => window.flaneur.recommend({ k: 6 }).items.length)).toBeGreaterThan(0);
    await full.close();

    const later = await context.newPage();
    await later.goto("/");
    const reopened = await later.evaluate(openFlaneur, { shopId, storage });
    expect(reopened.notices, storage).toEqual([]);
    expect(await later.evaluate(views), `${storage}: the stored profile was not lost`).toBe(5);
    await later.close();
  }
});

test("without IndexedDB the profile lives in localStorage, and without either the shop still works", async ({ page, context }) => {
  await context.addInitScript(() => {
    Object.defineProperty(window, "indexedDB", {
      get() {
        throw new DOMException("IndexedDB is disabled here", "SecurityError");
      },
    });
  });
  await page.goto("/");
  const opened = await page.evaluate(openFlaneur, { shopId: "e2e-no-idb" });
  expect(opened.storage).toBe("local");
  expect(opened.notices.join(" ")).toMatch(/^STORAGE_UNAVAILABLE: IndexedDB cannot be used here/);
  await page.evaluate(viewBoots, { n: 4 });
  await page.reload();
  await page.evaluate(openFlaneur, { shopId: "e2e-no-idb" });
  expect(await page.evaluate(views), "kept across a reload").toBe(4);

  // Neither store: the demo storefront still personalizes within the page, and says nothing breaks.
  const bare = await context.newPage();
  await bare.addInitScript(() => {
    Object.defineProperty(window, "localStorage", {
      get() {
        throw new DOMException("storage is disabled here", "SecurityError");
      },
    });
  });
  bare.on("pageerror", (err) => {
    throw err;
  });
  await bare.goto("/");
  await expect(bare.locator("body")).toHaveAttribute("data-flaneur", "ready");
  const boots = (await bare.evaluate(() => fetch("/catalog.json").then((r) => r.json()))).items.filter(
    (i) => i.category === "Shoes > Boots" && i.available,
  );
  for (const item of boots.slice(0, 3)) {
    await bare.goto(`/#/product/${item.id}`);
    await expect(bare.locator("h1")).toHaveText(item.title);
  }
  await bare.goto("/#/");
  await expect(bare.locator('flaneur-shelf[heading="For you"] [data-item-id]').first()).toBeVisible();
  const storage = await bare.evaluate(async () => (await (await import("/components/flaneur-elements.js")).ready).personalizer.profile().storage);
  expect(storage).toBe("memory");
});
