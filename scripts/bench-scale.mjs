#!/usr/bin/env node
// A catalog at scale, issue #22: what a 100,000-product shop's sharded catalog costs a shopper's
// connection. With the catalog compiler (target/release/flaneur):
//   1. a generated 100,000-item Merchant Center feed (`flaneur catalog generate`), built whole
//      and sharded (`--shards DEPTH --core-items 1000`, DEPTH 1 and 2);
//   2. a first visit, one department page then home: the manifest, the core and the largest
//      shard (the worst department), plus flaneur's .wasm and JS (pkg/flaneur.js and
//      www/components/*.js), each gzipped (level 9, as a CDN would at least);
//   3. the same feed with 1% of prices and availability changed, built again and patched from
//      the first build (`flaneur catalog diff`): a returning shopper who had every part pays the
//      new manifest and every patch, gzipped;
//   4. the sharded build in headless Chromium (scripts/bench-scale-browser.mjs): a first visit's
//      bytes as sent (brotli), and the cold first personalized slate at 10 Mbit/s, 40 ms.
//   5. WebAssembly memory with the whole catalog, and with every shard loaded three ways (added
//      one at a time in department order, in reverse, and every part opened at once: the largest
//      is the measure), and how long a shard takes to join, at ITEMS and at 1,000,000 items
//      (scripts/bench-scale-memory.mjs);
//   6. the same with product-quantized vectors (`--vector-codes pq`, issue #22 "Compact vectors"):
//      the bytes whole and at the deepest depth, `recommend({k: 24})` over ITEMS in Node against
//      the int8 build (scripts/bench-scale-recommend.mjs), and the memory at 1,000,000 items.
// Merges the `scale` keys of issue #22 into target/bench/report.json (keeping what bench-peers
// wrote there; `recommend_100k_ms` is its heavy profile's recommend over 100,000 items,
// `cold_first_slate_demo_ms` bench-wire's on the demo, `recall_at_24` and `ndcg10_relative_change`
// make eval's for the compact vectors chosen, on ML-1M) and prints what it measured as JSON.
//
//   node scripts/bench-scale.mjs      env: ITEMS (100000), DEPTHS ("1 2"), CORE (1000), MILLION (0: skip 1M)
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const repo = new URL("..", import.meta.url).pathname;
const ITEMS = Number(process.env.ITEMS ?? 100_000);
const DEPTHS = (process.env.DEPTHS ?? "1 2").split(/\s+/).filter(Boolean).map(Number);
const CORE = Number(process.env.CORE ?? 1000);
const dir = join(repo, "target/scale");
const bin = join(repo, "target/release/flaneur");
const log = (...a) => console.error("bench-scale:", ...a);
const flaneur = (...args) => execFileSync(bin, args, { cwd: repo, stdio: ["ignore", "pipe", "inherit"] }).toString();
const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;

execFileSync("cargo", ["build", "--release", "--quiet", "-p", "flaneur-compiler", "--bin", "flaneur"], { cwd: repo, stdio: "inherit" });
mkdirSync(dir, { recursive: true });
const feed = join(dir, `feed-${ITEMS}.csv`);
const changed = join(dir, `feed-${ITEMS}-changed.csv`);
if (!existsSync(feed)) flaneur("catalog", "generate", "--items", String(ITEMS), "-o", feed);
// 1% of the items: every hundredth a price 10% lower, every other of those out of stock.
let n = 0;
const original = readFileSync(feed, "utf8").split("\n");
const lines = original.map((line, k) => {
  if (k === 0 || k % 100 !== 50) return line;
  n += 1;
  return line.replace(/,(\d+)\.(\d\d) EUR,(in stock|out of stock),/, (_, a, b, stock) => {
    const price = ((Number(`${a}.${b}`) * 0.9).toFixed(2));
    return `,${price} EUR,${n % 2 ? (stock === "in stock" ? "out of stock" : "in stock") : stock},`;
  });
});
writeFileSync(changed, lines.join("\n"));
const differing = lines.filter((l, k) => l !== original[k]).length;
log(`${ITEMS} items; ${differing} lines changed in the second feed`);

const whole = join(dir, "whole.bin");
flaneur("catalog", "build", feed, "-o", whole);
const wasm = join(repo, "www/pkg/flaneur_bg.wasm");
if (!existsSync(wasm)) throw new Error("www/pkg/flaneur_bg.wasm is missing: run make build");
const js = [join(repo, "www/pkg/flaneur.js"), ...readdirSync(join(repo, "www/components")).filter((f) => f.endsWith(".js")).map((f) => join(repo, "www/components", f))];
const code = { wasm_gzip_bytes: gz(wasm), js_gzip_bytes: js.reduce((s, f) => s + gz(f), 0) };
const result = { items: ITEMS, whole: { bytes: statSync(whole).size, gzip_bytes: gz(whole) }, ...code, depths: {} };
// Product codes: the same feed, whole and at the deepest depth.
const wholePq = join(dir, "whole-pq.bin");
flaneur("catalog", "build", feed, "-o", wholePq, "--vector-codes", "pq");
const deepest = Math.max(...DEPTHS);
const pqParts = join(dir, `shards${deepest}-pq`);
rmSync(pqParts, { recursive: true, force: true });
flaneur("catalog", "build", feed, "-o", pqParts, "--shards", String(deepest), "--core-items", String(CORE), "--vector-codes", "pq");
const firstVisit = (parts) => {
  const m = JSON.parse(readFileSync(join(parts, "manifest.json"), "utf8"));
  return gz(join(parts, "manifest.json")) + gz(join(parts, m.core.file)) + Math.max(...m.shards.map((s) => gz(join(parts, s.file))));
};
const recommend = execFileSync(process.execPath, [join(repo, "scripts/bench-scale-recommend.mjs"), whole, wholePq], { cwd: repo })
  .toString().trim().split("\n").map((l) => JSON.parse(l));
result.product_codes = {
  whole: { bytes: statSync(wholePq).size, gzip_bytes: gz(wholePq) },
  catalog_first_visit_gzip_bytes: firstVisit(pqParts),
  recommend_int8_ms: recommend[0].median_ms,
  recommend_pq_ms: recommend[1].median_ms,
};
log(`product codes: whole ${result.product_codes.whole.bytes} B; recommend int8 ${recommend[0].median_ms} ms, pq ${recommend[1].median_ms} ms`);

for (const depth of DEPTHS) {
  const [a, b] = [`shards${depth}`, `shards${depth}-changed`].map((d) => join(dir, d));
  for (const [src, out] of [[feed, a], [changed, b]]) {
    rmSync(out, { recursive: true, force: true });
    flaneur("catalog", "build", src, "-o", out, "--shards", String(depth), "--core-items", String(CORE));
  }
  const manifest = JSON.parse(readFileSync(join(a, "manifest.json"), "utf8"));
  const shardGz = manifest.shards.map((s) => gz(join(a, s.file)));
  const catalogFirst = gz(join(a, "manifest.json")) + gz(join(a, manifest.core.file)) + Math.max(...shardGz);
  flaneur("catalog", "diff", a, b);
  const next = JSON.parse(readFileSync(join(b, "manifest.json"), "utf8"));
  const patches = (next.patches ?? []).map((p) => gz(join(b, p.file)));
  const unpatched = [next.core, ...next.shards].filter((p) => !(next.patches ?? []).some((q) => q.to === p.file));
  const returning = gz(join(b, "manifest.json")) + patches.reduce((s, x) => s + x, 0) + unpatched.reduce((s, p) => s + gz(join(b, p.file)), 0);
  result.depths[depth] = {
    shards: manifest.shards.length,
    core_gzip_bytes: gz(join(a, manifest.core.file)),
    shard_gzip_bytes: { min: Math.min(...shardGz), max: Math.max(...shardGz) },
    catalog_first_visit_gzip_bytes: catalogFirst,
    first_visit_bytes: catalogFirst + code.wasm_gzip_bytes + code.js_gzip_bytes,
    patches: patches.length,
    parts_refetched: unpatched.length,
    returning_bytes: returning,
  };
  log(`depth ${depth}: ${manifest.shards.length} shards; first visit ${result.depths[depth].first_visit_bytes} B; returning ${returning} B`);
}

// In headless Chromium over an emulated 10 Mbit/s link (scripts/bench-scale-browser.mjs).
const browser = JSON.parse(execFileSync(process.execPath, [join(repo, "scripts/bench-scale-browser.mjs")], {
  cwd: repo, env: { ...process.env, PARTS: `target/scale/shards${Math.max(...DEPTHS)}`, FEED: `target/scale/feed-${ITEMS}.csv` },
  stdio: ["ignore", "pipe", "inherit"],
}).toString());
result.browser = browser;
// WebAssembly memory at ITEMS: the whole catalog, and every shard of the sharded one added.
const memory = (mode, parts, whole) => JSON.parse(execFileSync(process.execPath, [join(repo, "scripts/bench-scale-memory.mjs"), mode,
  parts, ...(whole ? [whole] : [])], { cwd: repo }).toString());
// Every shard loaded three ways: added in department order, in reverse, and opened with every
// part at once. Where the allocator finds room for each join moves the peak by tens of percent
// from one way (or build) to another: the largest of the three is the measure.
const memories = (parts, whole) => {
  const [forward, reverse, returning] = ["sharded", "sharded-reverse", "returning"].map((m) => memory(m, parts));
  return {
    whole_bytes: memory("whole", parts, whole).wasm_memory_bytes,
    sharded_all_bytes: Math.max(forward.wasm_memory_bytes, reverse.wasm_memory_bytes, returning.wasm_memory_bytes),
    sharded_forward_bytes: forward.wasm_memory_bytes,
    sharded_reverse_bytes: reverse.wasm_memory_bytes,
    returning_bytes: returning.wasm_memory_bytes,
    join_median_ms: forward.join_median_ms,
    join_max_ms: forward.join_max_ms,
  };
};
const shown = (m) => `whole ${m.whole_bytes} B, every shard added ${m.sharded_forward_bytes} B (reverse order ${m.sharded_reverse_bytes} B), ` +
  `opened with every part ${m.returning_bytes} B (a join: median ${m.join_median_ms} ms)`;
result.memory = memories(join(dir, `shards${Math.max(...DEPTHS)}`));
log(`wasm memory: ${shown(result.memory)}`);
// The same at 1,000,000 items (MILLION=0 skips it: about two minutes more), sharded at the deepest depth.
if (process.env.MILLION !== "0") {
  const big = join(repo, "target/scale1m");
  mkdirSync(big, { recursive: true });
  const bigFeed = join(big, "feed.csv");
  if (!existsSync(bigFeed)) flaneur("catalog", "generate", "--items", "1000000", "-o", bigFeed);
  flaneur("catalog", "build", bigFeed, "-o", join(big, "whole.bin"));
  const parts = join(big, `shards${Math.max(...DEPTHS)}`);
  rmSync(parts, { recursive: true, force: true });
  flaneur("catalog", "split", join(big, "whole.bin"), "-o", parts, "--shards", String(Math.max(...DEPTHS)), "--core-items", String(CORE));
  result.memory_1m = memories(parts);
  log(`1,000,000 items: wasm memory ${shown(result.memory_1m)}`);
  flaneur("catalog", "build", bigFeed, "-o", join(big, "whole-pq.bin"), "--vector-codes", "pq");
  const pq = join(big, `shards${Math.max(...DEPTHS)}-pq`);
  rmSync(pq, { recursive: true, force: true });
  flaneur("catalog", "split", join(big, "whole-pq.bin"), "-o", pq, "--shards", String(Math.max(...DEPTHS)), "--core-items", String(CORE));
  result.memory_1m_pq = memories(pq, join(big, "whole-pq.bin"));
  log(`1,000,000 items, product codes: wasm memory ${shown(result.memory_1m_pq)}`);
}

const reportPath = join(repo, "target/bench/report.json");
const report = existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, "utf8")) : {};
const readJson = (p) => { try { return JSON.parse(readFileSync(join(repo, p), "utf8")); } catch { return null; } };
const wire = readJson("target/bench/wire.json");
// The compact vectors shipped (docs/EVALUATION.md): `--vector-codes pq`, on ML-1M.
const chosen = readJson("target/eval/vectors/vectors-report.json")
  ?.find((d) => d.dataset === "ml-1m")
  ?.codecs.find((c) => c.codec === "PQ 32 × 256, rotated, int8 centroids (shipped)");
const best = result.depths[Math.max(...DEPTHS)];
report.scale = {
  ...(report.scale?.error ? {} : report.scale),
  items: ITEMS,
  shards: best.shards,
  first_visit_bytes: best.first_visit_bytes,
  returning_bytes: best.returning_bytes,
  cold_first_slate_ms: browser.cold_first_slate_ms,
  first_visit_browser_bytes: browser.first_visit_bytes,
  cold_first_slate_demo_ms: wire?.median?.compressed?.first_slate_ms ?? null,
  // At 1,000,000 items with product codes (what a shop that size ships); int8 beside it.
  memory_1m_bytes: result.memory_1m_pq?.sharded_all_bytes ?? null,
  memory_1m_int8_bytes: result.memory_1m?.sharded_all_bytes ?? null,
  recommend_100k_pq_node_ms: result.product_codes.recommend_pq_ms,
  recommend_100k_int8_node_ms: result.product_codes.recommend_int8_ms,
  memory_bytes: result.memory.sharded_all_bytes,
  memory_whole_bytes: result.memory.whole_bytes,
  recommend_100k_ms: report.scale?.recommend_100k_heavy_ms ?? null,
  wasm_gzip_bytes: code.wasm_gzip_bytes,
  recall_at_24: chosen?.recall24 ?? null,
  ndcg10_relative_change: chosen?.ndcg10?.relative ?? null,
  catalog: result,
};
mkdirSync(join(repo, "target/bench"), { recursive: true });
writeFileSync(reportPath, JSON.stringify(report, null, 2) + "\n");
writeFileSync(join(dir, "scale.json"), JSON.stringify(result, null, 2) + "\n");
console.log(JSON.stringify(result, null, 2));
