#!/usr/bin/env node
// Scoring micro-benchmark in Node: times `recommend({k: 24})` (score every
// item, abstain, top-k, explain) over a seeded synthetic catalog.
//
//   node scripts/bench-scoring.mjs [PKG_DIR] [ITEMS]   (defaults: www/pkg, 20000)
//
// Prints one JSON line: {"items", "runs", "median_ms", "p95_ms"}.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const pkg = resolve(process.argv[2] ?? "www/pkg");
const N = Number(process.argv[3] ?? 20000);
const DIMS = 64, RUNS = 41, WARMUP = 5;

const { default: init, Personalizer } = await import(pathToFileURL(`${pkg}/flaneur.js`).href);
await init({ module_or_path: readFileSync(`${pkg}/flaneur_bg.wasm`) });

let seed = 42;
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const colours = ["red", "navy", "green", "cream", "black", "mustard"];
const items = Array.from({ length: N }, (_, i) => ({
  id: `sku-${i}`,
  title: `Item ${i}`,
  category: `Dept ${i % 5} > Cat ${i % 40} > Leaf ${i % 200}`,
  attributes: { colour: colours[i % 6], brand: `b${i % 50}` },
  popularity: rand(),
  vector: Array.from({ length: DIMS }, () => rand() * 2 - 1),
}));
const catalog = { version: 1, shop: "bench", dims: DIMS, facets: { colour: {}, brand: {} }, items };
const p = await Personalizer.open({ catalog, storage: "memory" });
const now = Date.now();
for (let e = 0; e < 200; e++) p.record({ type: e % 10 === 0 ? "add_to_cart" : "view", itemId: `sku-${(e * 7919) % N}`, at: now - (200 - e) * 60_000 });

const times = [];
for (let r = 0; r < WARMUP + RUNS; r++) {
  const t0 = performance.now();
  const slate = p.recommend({ k: 24 });
  const t1 = performance.now();
  if (slate.items.length === 0) throw new Error("benchmark profile produced an empty slate");
  if (r >= WARMUP) times.push(t1 - t0);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const p95 = times[Math.floor(times.length * 0.95)];
console.log(JSON.stringify({ items: N, runs: RUNS, median_ms: +median.toFixed(3), p95_ms: +p95.toFixed(3) }));
