#!/usr/bin/env node
// `recommend({k: 24})` over a generated catalog built two ways (issue #22, "Compact vectors"):
// int8 vectors and product codes (`catalog build --vector-codes pq`), the same feed, in Node (the
// browser's .wasm, www/pkg/), alternating between the two so that a busy machine slows both alike.
// The profile: 200 events (every tenth an add-to-cart) over items spread across the catalog, a
// minute apart up to the moment of ranking. Prints one JSON line per file, in the order given:
// {"file", "items", "runs", "median_ms", "p95_ms"}.
//   node scripts/bench-scale-recommend.mjs WHOLE.bin [WHOLE-PQ.bin …]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));
const files = process.argv.slice(2);
const RUNS = 41, WARMUP = 5, EVENTS = 200;
const engine = await import(join(repo, "www/pkg/flaneur.js"));
engine.initSync({ module: readFileSync(join(repo, "www/pkg/flaneur_bg.wasm")) });

const now = Date.now();
const opened = [];
for (const file of files) {
  const p = await engine.Personalizer.open({ catalog: readFileSync(file), storage: "memory", seed: 1 });
  const n = p.itemCount;
  // Generated ids are `sku-` and seven digits.
  const id = (i) => `sku-${String(i).padStart(7, "0")}`;
  for (let e = 0; e < EVENTS; e++) {
    const type = e % 10 === 0 ? "add_to_cart" : "view";
    p.record({ type, itemId: id((e * 7919) % n), at: now - (EVENTS - e) * 60_000 });
  }
  opened.push({ file, p, n, times: [] });
}
for (let r = 0; r < WARMUP + RUNS; r++) {
  for (const o of opened) {
    const t0 = performance.now();
    const slate = o.p.recommend({ k: 24 });
    const t1 = performance.now();
    if (slate.items.length === 0) throw new Error(`${o.file}: an empty slate`);
    if (r >= WARMUP) o.times.push(t1 - t0);
  }
}
for (const o of opened) {
  const sorted = [...o.times].sort((a, b) => a - b);
  const at = (q) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 1000) / 1000;
  console.log(JSON.stringify({ file: o.file, items: o.n, runs: RUNS, median_ms: at(0.5), p95_ms: at(0.95) }));
}
