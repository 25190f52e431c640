// flaneur/worker: the engine in a dedicated Web Worker, on the demo page (strict CSP),
// against the main-thread engine with the same catalog, seed and events.
import { readFileSync } from "node:fs";
import { crc32 } from "node:zlib";
import { expect, test } from "@playwright/test";

/** 1 May 2026, 10:00 UTC: the clock both engines read while slates are compared. */
const NOW = 1_777_629_600_000;
const MINUTE = 60_000;

/**
 * A two-item binary v1 catalog (docs/FORMATS.md), shop "tiny", no facets, no
 * vectors: small enough to write here, so the test can pass an ArrayBuffer.
 */
function tinyBinaryCatalog() {
  const body = [];
  const u8 = (v) => body.push(v & 0xff);
  const u32 = (v) => [0, 8, 16, 24].forEach((s) => u8(v >>> s));
  const str = (s) => { const b = Buffer.from(s, "utf8"); u32(b.length); b.forEach(u8); };
  const u32s = (vs) => { u32(vs.length); vs.forEach(u32); };
  const bytesOf = (TypedArray, vs) => { u32(vs.length); new Uint8Array(TypedArray.from(vs).buffer).forEach(u8); };
  const NO_STR = 0xffffffff;
  str("tiny"); // shop
  u8(0); // vector kind: content
  u32(0); // dims
  u32(0); // facets
  str("t-1t-2Wool socksLeather boots"); // string text: ids 0, 1; titles 2, 3
  u32s([3, 6, 16, 29]); // string ends
  u32(1); str("Shoes"); // taxonomy
  u32(0); // facet values
  u32(2); // items
  u32s([0, 1]); // id
  u32s([2, 3]); // title
  u32s([0, 0]); // category
  u32s([0, 0, 0]); // attr_start
  u32s([]); // attrs
  bytesOf(Float64Array, [12, 80]); // price
  u32s([NO_STR, NO_STR]); // currency
  u32(2); u8(1); u8(1); // available
  bytesOf(Float32Array, [0.5, 0.25]); // popularity
  for (let i = 0; i < 4; i++) u32s([NO_STR, NO_STR]); // released, sensitive, url, image
  u32(0); // codes
  u32(0); // scales
  u32s([0, 1]); // id order
  const header = Buffer.alloc(16);
  header.write("FLNRCAT\0", 0, "latin1");
  header.writeUInt16LE(1, 8);
  header.writeUInt16LE(0, 10);
  header.writeUInt32LE(crc32(Buffer.from(body)), 12);
  return [...header, ...body];
}

// The worker's clock is frozen from the page over a BroadcastChannel (Firefox over WebDriver
// BiDi cannot evaluate in a worker): the test serves the worker's script with a prelude that
// listens on CLOCK for the instant to freeze at, and says so once it has.
const CLOCK = "flaneur-test-clock";
const CLOCK_PRELUDE = `{
  const now = Date.now;
  let frozen;
  const clock = new BroadcastChannel(${JSON.stringify(CLOCK)});
  clock.onmessage = (e) => { frozen = e.data; clock.postMessage("frozen"); };
  Date.now = () => frozen ?? now();
}
`;

/** Freezes `Date.now` at `now` in the page and in its engine's worker. */
async function freezeClocks(page, now) {
  await page.evaluate(({ now, name }) => new Promise((resolve) => {
    const clock = new BroadcastChannel(name);
    clock.onmessage = (e) => e.data === "frozen" && (clock.close(), resolve());
    clock.postMessage(now);
    Date.now = () => now;
  }), { now, name: CLOCK });
}

test.beforeEach(async ({ page }) => {
  await page.route("**/pkg/worker-host.js", async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: CLOCK_PRELUDE + (await response.text()) });
  });
  page.on("pageerror", (err) => {
    throw err;
  });
  // The demo page serves the package under its strict CSP; the tests load flaneur themselves.
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-page", "home");
});

test("worker mode gives the same slates as main-thread mode", async ({ page }) => {
  const opened = await page.evaluate(async () => {
    const main = await import("/pkg/flaneur.js");
    const worker = await import("/pkg/worker.js");
    await main.default();
    await worker.default();
    const catalog = await (await fetch("/catalog.json")).json();
    const options = { catalog, storage: "memory", seed: 1 };
    globalThis.onMain = await main.Personalizer.open(options);
    globalThis.inWorker = await worker.Personalizer.open(options);
    globalThis.otherSeed = await main.Personalizer.open({ ...options, seed: 2 });
    const summary = (p) => ({ shopId: p.shopId, itemCount: p.itemCount });
    return { main: summary(onMain), worker: summary(inWorker), items: catalog.items };
  });
  expect(opened.worker).toEqual(opened.main);
  expect(opened.worker.itemCount).toBe(opened.items.length);

  // The engine really runs in a worker, and both engines read the same frozen clock
  // (scores decay with time, so slates are compared at one instant).
  const workers = page.workers().filter((w) => w.url().endsWith("/pkg/worker-host.js"));
  expect(workers).toHaveLength(1);
  await freezeClocks(page, NOW);

  const byCategory = (c) => opened.items.filter((i) => i.category === c).map((i) => i.id);
  const sweaters = byCategory("Women > Knitwear > Sweaters");
  const boots = byCategory("Shoes > Boots");
  const events = [
    ...sweaters.slice(0, 4).map((itemId) => ({ type: "view", itemId })),
    { type: "dwell", itemId: sweaters[0], ms: 40_000 },
    { type: "click", itemId: sweaters[1] },
    ...boots.slice(0, 2).map((itemId) => ({ type: "view", itemId })),
    { type: "view", itemId: sweaters[2] },
  ].map((e, i, all) => ({ ...e, at: NOW - (all.length - i) * MINUTE }));
  const requests = [{ k: 6 }, { k: 6 }, { k: 4, context: { itemId: boots[0] } }, { k: 8, fill: true }];

  const { main, worker, other, promised } = await page.evaluate(
    async ({ events, requests }) => {
      const run = async (p) => {
        const recorded = [];
        for (const e of events) recorded.push(await p.record(e));
        const slates = [];
        for (const r of requests) slates.push(await p.recommend(r));
        await p.setPreferences({ diversity: 0.8 });
        slates.push(await p.recommend({ k: 6 }));
        await p.setPreferences({ surprise: 1 }); // more divergent picks: Thompson draws from the seed
        for (let i = 0; i < 3; i++) slates.push(await p.recommend({ k: 6 }));
        const explained = await p.explain(events[0].itemId);
        const query = new Float32Array(16).map((_, i) => Math.cos(i));
        const near = await p.nearest(query, 5);
        const nearest = { ids: near.ids, scores: Array.from(near.scores), typed: near.scores instanceof Float32Array };
        return { recorded, slates, explained, nearest, stats: await p.stats(), profile: await p.profile(), exported: await p.exportProfile() };
      };
      const promised = inWorker.stats() instanceof Promise;
      return { main: await run(onMain), worker: await run(inWorker), other: await run(otherSeed), promised };
    },
    { events, requests },
  );
  expect(promised, "worker methods return Promises").toBe(true);
  expect(main.recorded.filter(Boolean).length, "the engine learned from the events").toBeGreaterThan(5);
  expect(worker.recorded).toEqual(main.recorded);
  expect(main.slates[0].items[0].kind).toBe("personal");
  const kinds = main.slates.flatMap((s) => s.items.map((i) => i.kind));
  expect(kinds, "seeded divergent picks are part of the comparison").toContain("divergent");
  expect(other.slates, "another seed gives other slates, so equal slates mean the seed reached the worker").not.toEqual(
    main.slates,
  );
  for (const [i, slate] of main.slates.entries()) {
    expect(slate.items.length, `slate ${i} is not empty`).toBeGreaterThan(0);
    const essentials = (s) => s.items.map(({ itemId, kind, score }) => ({ itemId, kind, score }));
    expect(essentials(worker.slates[i]), `slate ${i}`).toEqual(essentials(slate));
    expect(worker.slates[i], `slate ${i}, reasons included`).toEqual(slate);
  }
  expect(main.explained.relevance, "explain reads the learned profile").toBeGreaterThan(0);
  expect(worker.explained).toEqual(main.explained);
  expect(main.nearest.ids.length, "nearest returns k items").toBe(5);
  expect(worker.nearest.typed && main.nearest.typed, "scores arrive as a Float32Array").toBe(true);
  expect(worker.nearest).toEqual(main.nearest);
  expect(worker.stats).toEqual(main.stats);
  expect(worker.stats.personal.impressions).toBeGreaterThan(0);
  expect(worker.profile).toEqual(main.profile);
  expect(worker.exported).toBe(main.exported);
});

test("worker errors keep their name, message and code; the catalog is transferred; close is final", async ({ page }) => {
  const result = await page.evaluate(async (bytes) => {
    const main = await import("/pkg/flaneur.js");
    const { Personalizer } = await import("/pkg/worker.js");
    await main.default();
    const caught = async (f) => {
      try {
        await f();
        return "resolved";
      } catch (e) {
        return { isError: e instanceof Error, name: e.name, message: e.message, code: e.code };
      }
    };

    // An ArrayBuffer is transferred: detached in the page as soon as open posts it.
    const buffer = new Uint8Array(bytes).buffer;
    const opening = Personalizer.open({ catalog: buffer, storage: "memory", seed: 1 });
    const detachedAtOnce = buffer.byteLength;
    const p = await opening;
    const reference = await main.Personalizer.open({ catalog: new Uint8Array(bytes), storage: "memory", seed: 1 });

    // A Uint8Array view is copied: neither the view nor its larger buffer is touched.
    const larger = new Uint8Array(bytes.length + 8);
    larger.set(bytes, 4);
    const view = larger.subarray(4, 4 + bytes.length);
    const fromView = await Personalizer.open({ catalog: view, storage: "memory" });
    const viewKept = { buffer: larger.buffer.byteLength, view: view.byteLength, first: view[0] };
    fromView.close();

    // The engine's errors, from the worker and on the main thread.
    const errors = {
      badType: [await caught(() => p.record({ type: "nope" })), await caught(() => reference.record({ type: "nope" }))],
      unknownItem: [
        await caught(() => p.record({ type: "view", itemId: "sku-none" })),
        await caught(() => reference.record({ type: "view", itemId: "sku-none" })),
      ],
      badImport: [await caught(() => p.importProfile("{")), await caught(() => reference.importProfile("{"))],
    };
    const garbage = new TextEncoder().encode("not a catalog at all").buffer;
    const badCatalog = [
      await caught(() => Personalizer.open({ catalog: garbage })),
      await caught(() => main.Personalizer.open({ catalog: new TextEncoder().encode("not a catalog at all") })),
    ];
    const garbageDetached = garbage.byteLength;
    const uncloneable = await caught(() => p.record({ type: "view", itemId: "t-1", at: () => 1 }));

    // Still usable after errors; then close: pending and later calls reject with CLOSED.
    const afterErrors = await p.record({ type: "view", itemId: "t-2", at: 1_777_629_600_000 });
    const pending = caught(() => p.recommend({ k: 2 }));
    p.close();
    const closed = { pending: await pending, later: await caught(() => p.stats()), free: (p.free(), await caught(() => p.profile())) };
    return {
      detachedAtOnce,
      opened: { shopId: p.shopId, itemCount: p.itemCount },
      reference: { shopId: reference.shopId, itemCount: reference.itemCount },
      viewKept,
      viewOpened: fromView.itemCount,
      errors,
      badCatalog,
      garbageDetached,
      uncloneable,
      afterErrors,
      closed,
    };
  }, tinyBinaryCatalog());

  expect(result.detachedAtOnce, "the catalog ArrayBuffer was transferred, not copied").toBe(0);
  expect(result.opened).toEqual({ shopId: "tiny", itemCount: 2 });
  expect(result.opened).toEqual(result.reference);
  expect(result.viewKept).toEqual({ buffer: result.viewKept.view + 8, view: result.viewKept.view, first: 0x46 });
  expect(result.viewOpened).toBe(2);

  for (const [what, [fromWorker, onMain]] of Object.entries(result.errors)) {
    expect(fromWorker.isError, what).toBe(true);
    expect(fromWorker.name, what).toBe("FlaneurError");
    expect(fromWorker, what).toEqual(onMain);
  }
  expect(result.errors.badType[0].code).toBe("BAD_ARGUMENT");
  expect(result.errors.unknownItem[0].code).toBe("UNKNOWN_ITEM");
  expect(result.badCatalog[0].code).toBe("CATALOG_INVALID");
  expect(result.badCatalog[0]).toEqual(result.badCatalog[1]);
  expect(result.garbageDetached).toBe(0);
  expect(result.uncloneable.code).toBe("BAD_ARGUMENT");
  expect(result.afterErrors).toBe(true);

  expect(result.closed.pending.code).toBe("CLOSED");
  expect(result.closed.later).toMatchObject({ isError: true, name: "FlaneurError", code: "CLOSED" });
  expect(result.closed.free.code).toBe("CLOSED");
  await expect.poll(() => page.workers().length, { message: "every worker was terminated" }).toBe(0);
});

test("a sharded catalog in the worker: patched as on the main thread, opened on a manifest, a shard added", async ({ page }) => {
  // The demo's sharded catalog (www/demo/catalog/) is the earlier build; tests/fixtures/demo-next/ the next one.
  const next = (file) => [...readFileSync(new URL(`../fixtures/demo-next/${file}`, import.meta.url))];
  const manifest = JSON.parse(readFileSync(new URL("../fixtures/demo-next/manifest.json", import.meta.url), "utf8"));
  const patch = manifest.patches.find((p) => p.to === manifest.core.file);
  const shard = manifest.patches.find((p) => p.to === manifest.shards[0].file);
  const result = await page.evaluate(async ({ manifest, patch, shard, patchBytes, shardPatchBytes }) => {
    const main = await import("/pkg/flaneur.js");
    const { Personalizer } = await import("/pkg/worker.js");
    await main.default();
    const old = async (file) => new Uint8Array(await (await fetch(`/catalog/${file}`)).arrayBuffer());
    const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
    const oldCore = await old(patch.from);
    const inWorker = await Personalizer.patchPart(manifest, patch.file, new Uint8Array(patchBytes), oldCore);
    const onMain = main.Personalizer.patchPart(manifest, patch.file, new Uint8Array(patchBytes), oldCore);
    const shardPart = await Personalizer.patchPart(manifest, shard.file, new Uint8Array(shardPatchBytes), await old(shard.from));
    let refused;
    try {
      await Personalizer.patchPart(manifest, patch.file, new TextEncoder().encode("FLNRPAT but not this one"), oldCore);
    } catch (e) {
      refused = { name: e.name, code: e.code };
    }
    const options = { storage: "memory", seed: 1 };
    const p = await Personalizer.open({ catalog: { manifest, parts: { [inWorker.file]: inWorker.bytes } }, ...options });
    const reference = await main.Personalizer.open({ catalog: { manifest, parts: { [onMain.file]: onMain.bytes } }, ...options });
    const core = p.itemCount;
    const added = [await p.addPart(shardPart.file, shardPart.bytes), reference.addPart(shardPart.file, shardPart.bytes)];
    window.sharded = { p, reference };
    return {
      file: [inWorker.file, onMain.file],
      sameBytes: same(inWorker.bytes, onMain.bytes),
      shardFile: shardPart.file,
      refused,
      core,
      added,
      itemCount: [p.itemCount, reference.itemCount],
      parts: [await p.parts(), reference.parts()],
    };
  }, { manifest, patch, shard, patchBytes: next(patch.file), shardPatchBytes: next(shard.file) });

  // The patching workers are gone; both engines read the same frozen clock.
  await expect.poll(() => page.workers().length).toBe(1);
  await freezeClocks(page, NOW);
  result.slates = await page.evaluate(async (now) => {
    const { p, reference } = window.sharded;
    // The same views in both (a slate counts as shown: both are asked it), then the same slates.
    const viewed = reference.recommend({ k: 3, fill: true }).items.map((i) => i.itemId);
    await p.recommend({ k: 3, fill: true });
    for (const [k, itemId] of viewed.entries()) {
      const event = { type: "view", itemId, at: now - (10 - k) * 60_000 };
      await p.record(event);
      reference.record(event);
    }
    const slate = async (q) => (await q.recommend({ k: 8 })).items.map((i) => i.itemId);
    const slates = [await slate(p), await slate(reference)];
    p.close();
    return slates;
  }, NOW);

  expect(result.file).toEqual([manifest.core.file, manifest.core.file]);
  expect(result.sameBytes, "the worker's patched part is the main thread's, byte for byte").toBe(true);
  expect(result.shardFile).toBe(manifest.shards[0].file);
  expect(result.refused).toEqual({ name: "FlaneurError", code: "CATALOG_INVALID" });
  expect(result.core).toBe(manifest.core.items);
  expect(result.added).toEqual([true, true]);
  expect(result.itemCount[0]).toBe(manifest.core.items + manifest.shards[0].items);
  expect(result.itemCount[0]).toBe(result.itemCount[1]);
  expect(result.parts[0]).toEqual([manifest.core.file, manifest.shards[0].file]);
  expect(result.parts[0]).toEqual(result.parts[1]);
  expect(result.slates[0].length).toBe(8);
  expect(result.slates[0]).toEqual(result.slates[1]);
  await expect.poll(() => page.workers().length, { message: "every worker was terminated" }).toBe(0);
});

test("a report made in the worker reaches the page's send only with the opt-in, once a day", async ({ page }) => {
  const result = await page.evaluate(async (bytes) => {
    const { Personalizer } = await import("/pkg/worker.js");
    const sent = [];
    const send = (r) => sent.push(r);
    const p = await Personalizer.open({ catalog: new Uint8Array(bytes), storage: "indexeddb", shopId: "worker-reports", seed: 3 });
    await p.erase();
    const browse = async () => {
      await p.record({ type: "view", itemId: "t-1" });
      return (await p.recommend({ k: 2 })).items.length;
    };
    const shown = await browse();
    const withoutOptIn = await p.report(send);
    let notAFunction;
    try {
      await p.report("send");
    } catch (e) {
      notAFunction = e.code;
    }
    await p.setPreferences({ reports: true });
    await browse();
    const first = await p.report(send, { epsilon: 1 });
    await browse();
    const second = await p.report(send);
    const markBefore = sessionStorage.getItem("flaneur:reported:worker-reports");
    // A new worker in the same tab (as after a reload), even with the ledger erased, makes no
    // second report in this browser session (a moved page clock would buy nothing either).
    await p.erase();
    const markAfter = sessionStorage.getItem("flaneur:reported:worker-reports");
    p.close();
    const q = await Personalizer.open({ catalog: new Uint8Array(bytes), storage: "indexeddb", shopId: "worker-reports", seed: 3 });
    await q.setPreferences({ reports: true });
    await q.flush();
    const reopened = await q.report(send);
    let badEpsilon;
    try {
      await q.report(send, { epsilon: 0.25 });
    } catch (e) {
      badEpsilon = e.code;
    }
    await q.erase();
    q.close();
    return { shown, withoutOptIn, notAFunction, first, second, reopened, badEpsilon, sent, markBefore, markAfter };
  }, tinyBinaryCatalog());
  expect(result.shown, "the slate shows items, so the period is not empty").toBeGreaterThan(0);
  expect(result.withoutOptIn).toBe(false);
  expect(result.notAFunction).toBe("BAD_ARGUMENT");
  expect([result.first, result.second, result.reopened]).toEqual([true, false, false]);
  expect(result.badEpsilon).toBe("BAD_ARGUMENT");
  // The tab's mark of its report is kept for the shop, so erase removes it (the page's memory
  // still holds its claim, hence no second report above).
  expect([result.markBefore, result.markAfter]).toEqual(["1", null]);
  expect(result.sent).toHaveLength(1);
  expect(Object.keys(result.sent[0]).sort()).toEqual(["answer", "day", "epsilon", "question", "v"]);
  expect(result.sent[0]).toMatchObject({ v: 2, epsilon: 1, day: new Date().toISOString().slice(0, 10) });
});

test("open rejects with WORKER_UNAVAILABLE when the worker or its engine cannot load", async ({ page }) => {
  const open = () =>
    page.evaluate(async () => {
      const { Personalizer } = await import("/pkg/worker.js");
      const catalog = await (await fetch("/catalog.json")).text();
      try {
        await Personalizer.open({ catalog, storage: "memory" });
        return "opened";
      } catch (e) {
        return { name: e.name, code: e.code, message: e.message };
      }
    });
  await page.route("**/pkg/worker-host.js", (route) => route.abort());
  expect(await open()).toMatchObject({ name: "FlaneurError", code: "WORKER_UNAVAILABLE" });

  await page.unroute("**/pkg/worker-host.js");
  await page.route("**/*.wasm", (route) => route.abort());
  const noEngine = await open();
  expect(noEngine).toMatchObject({ name: "FlaneurError", code: "WORKER_UNAVAILABLE" });
  expect(noEngine.message).toContain("engine could not load");
});
