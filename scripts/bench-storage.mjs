#!/usr/bin/env node
// Storage benchmark in headless Chromium (Debian's): what keeping the profile
// costs the page, per store. Serves the demo (scripts/serve.mjs; build first: make build), opens the
// demo catalog in a page, and for "indexeddb", "local" and "memory" times:
//   record_us   one record() call (the page never waits for storage)
//   flush_ms    a burst of 25 records + recommend, until stored (await flush())
//   open_ms     Personalizer.open with the stored record (memory: nothing to read)
// Prints one JSON line per store with medians, then the ratio to memory.
//
//   node scripts/bench-storage.mjs        (make bench-browser)
import { spawn } from "node:child_process";
import { chromium } from "@playwright/test";

const PORT = Number(process.env.PORT ?? 8190);
const server = spawn(process.execPath, ["scripts/serve.mjs"], { env: { ...process.env, PORT: String(PORT) }, stdio: "ignore" });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  for (let i = 0; ; i++) {
    try {
      await page.goto(`http://127.0.0.1:${PORT}/`);
      break;
    } catch (err) {
      if (i > 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const results = await page.evaluate(async () => {
    const { default: init, Personalizer } = await import("/pkg/flaneur.js");
    await init();
    const catalog = await (await fetch("/catalog.json")).json();
    const ids = catalog.items.filter((i) => !i.sensitive).map((i) => i.id);
    const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const out = [];
    for (const storage of ["indexeddb", "local", "memory"]) {
      const shopId = `bench-${storage}`;
      const p = await Personalizer.open({ catalog, shopId, storage, seed: 1 });
      await p.erase();
      const record = [], flush = [], open = [];
      for (let burst = 0; burst < 41; burst++) {
        // performance.now() is coarse in a page (100 µs): time the 25 calls together.
        const t0 = performance.now();
        for (let i = 0; i < 25; i++) p.record({ type: "view", itemId: ids[(burst * 25 + i) % ids.length] });
        record.push(((performance.now() - t0) * 1000) / 25);
        p.recommend({ k: 6 });
        await p.flush();
        flush.push(performance.now() - t0);
      }
      for (let i = 0; i < 21; i++) {
        const t = performance.now();
        const q = await Personalizer.open({ catalog, shopId, storage, seed: 1 });
        open.push(performance.now() - t);
        q.free();
      }
      const summary = p.profile();
      out.push({ storage: summary.storage, record_us: median(record), flush_ms: median(flush), open_ms: median(open), stored_bytes: summary.storedBytes });
      await p.erase();
      p.free();
    }
    return out;
  });
  const memory = results.find((r) => r.storage === "memory");
  for (const r of results) {
    const round = (x, d) => Number(x.toFixed(d));
    console.log(JSON.stringify({
      storage: r.storage,
      record_us: round(r.record_us, 1),
      flush_ms: round(r.flush_ms, 2),
      open_ms: round(r.open_ms, 2),
      stored_bytes: r.stored_bytes,
      flush_vs_memory: round(r.flush_ms / memory.flush_ms, 2),
      open_vs_memory: round(r.open_ms / memory.open_ms, 2),
    }));
  }
} finally {
  await browser.close();
  server.kill();
}
