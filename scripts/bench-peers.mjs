#!/usr/bin/env node
// flaneur against its peers in headless Chromium (Debian's), issue #9's harness.
// Serves bench-peers/page/ (the benchmark page), www/pkg/ (flaneur, as built: make build) at /pkg/
// and bench-peers/node_modules/ (the peers, installed by `npm ci --prefix bench-peers`) at /peers/,
// then per catalog size N (10,000 and 100,000; 1,000,000 too with BENCH_1M=1), in a fresh page:
//   Task A  top 24 by dot product against the shopper's interest vector, over the whole catalog:
//           flaneur's nearest() (when the build has it), an exact JS loop (the reference),
//           tfjs-core matMul + topk on the wasm backend, Orama vector search, voy
//           (recall@24 against the JS loop; index build time reported apart)
//   Task B  flaneur's recommend({k: 24}) with the 200-event profile
//   and Personalizer.open (catalog load), record() and the wasm memory.
// Then the heavy profile at 100,000 items (heavyBench, below): a year of weekly baskets, 1,500
// purchases of 400 products, on a catalog with repurchase priors for some departments; times
// recommend({k: 24}), recommend({k: 24, shelf: "buy_again"}) and record(), and the stored size.
// Each timing: 5 warm-up runs, 31 timed; median and p95 in ms.
// Writes target/bench/report.json (the heavy profile's numbers under `scale`), the tables
// between the peers markers of docs/BENCHMARKS.md and the one between its heavy markers.
//
//   node scripts/bench-peers.mjs          (make bench-peers)
//   env: BENCH_1M=1, BENCH_SIZES=2000,5000 (instead of the defaults), PORT (8191), PKG (www/pkg), PEER_TIMEOUT_S (240), CHROMIUM,
//        BENCH_HEAVY_ONLY=1 (only the heavy profile: no peers needed; merged into an existing report.json)
import { createServer } from "node:http";
import { readFile, stat, mkdir, writeFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { cpus, loadavg } from "node:os";
import { chromium } from "@playwright/test";

const repo = fileURLToPath(new URL("..", import.meta.url));
const PORT = Number(process.env.PORT ?? 8191);
const PKG = resolve(process.env.PKG ?? join(repo, "www/pkg"));
const PEER_TIMEOUT_MS = Number(process.env.PEER_TIMEOUT_S ?? 240) * 1000;
const SIZES = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(",").map(Number)
  : [10_000, 100_000, ...(process.env.BENCH_1M === "1" ? [1_000_000] : [])];
const HEAVY_ONLY = process.env.BENCH_HEAVY_ONLY === "1";
const HEAVY_N = 100_000;
const RUNNERS = ["flaneur", "js", "tfjs", "orama", "voy"];
const PEERS = RUNNERS.slice(1);
const log = (...a) => console.error("bench-peers:", ...a);

for (const need of [join(PKG, "flaneur.js"), ...(HEAVY_ONLY ? [] : [join(repo, "bench-peers/node_modules")])]) {
  if (!existsSync(need)) throw new Error(`${need} is missing: run make bench-peers (it builds and installs first)`);
}

// --- a tiny static server: three roots, application/wasm, cross-origin isolated (5 µs timers) ---
const roots = [
  ["/pkg/", PKG + sep],
  ["/peers/", join(repo, "bench-peers/node_modules") + sep],
  ["/", join(repo, "bench-peers/page") + sep],
];
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json", ".wasm": "application/wasm" };
const server = createServer(async (req, res) => {
  const headers = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp",
    "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff" };
  try {
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    const [prefix, root] = roots.find(([p]) => pathname.startsWith(p));
    let path = normalize(join(root, decodeURIComponent(pathname.slice(prefix.length))));
    if (!path.startsWith(root)) throw Object.assign(new Error("outside root"), { status: 403 });
    if ((await stat(path)).isDirectory()) path = join(path, "index.html");
    const body = await readFile(path);
    res.writeHead(200, { ...headers, "Content-Type": types[extname(path)] ?? "application/octet-stream" });
    res.end(body);
  } catch (err) {
    const status = err.status ?? (err.code === "ENOENT" || err.code === "ENOTDIR" ? 404 : 500);
    res.writeHead(status, { ...headers, "Content-Type": "text/plain" });
    res.end(`${status}\n`);
  }
});
await new Promise((r) => server.listen(PORT, "127.0.0.1", r));

const withTimeout = (promise, ms, what) => {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s (${what})`)), ms);
  })]).finally(() => clearTimeout(timer));
};
const message = (err) => String(err?.message ?? err).split("\n")[0].replace(/^page\.evaluate: /, "").replace(/^Error: /, "");
const round = (x, d) => (x == null ? null : Number(x.toFixed(d)));

const gz = (file) => gzipSync(readFileSync(join(PKG, file)), { level: 9 }).length;
const report = {
  browser: null,
  wasm_gzip_bytes: gz("flaneur_bg.wasm"),
  glue_gzip_bytes: gz("flaneur.js"),
  wasm_raw_bytes: readFileSync(join(PKG, "flaneur_bg.wasm")).length,
  method: { warmup: 5, runs: 31, k: 24, dims: 64, events: 200, sizes: SIZES, timer: null },
  machine: { cpus: cpus().length, load_avg_1m_at_start: round(loadavg()[0], 2) },
  load_ms: {}, record_us: null, record_us_by_n: {}, memory_bytes: {},
  tasks: { A: {}, B: {} },
};

// --- the heavy profile (runs in the benchmark page: passed whole to page.evaluate) ---
//
// The catalog is bench.js's generate(N) (same seed, leaves, facets and vectors; repeated
// here so the page stays as it is) plus `repurchase` priors given by hand: Dept 0
// replenishable every 14 days, Dept 1 every 30, one category of Dept 2 every 60 (share
// 0.35), one item of Dept 3 on its own; the rest is not bought again. The shopper: a year
// of 52 weekly baskets, 1,500 purchases of 400 products (each bought at least once; the
// rest drawn by a Zipf-like weight, so a few products are bought nearly every week),
// three quarters of the products from the replenishable departments. Each basket is
// add_to_cart then purchase of each product, on the page's clock moved to that week
// (Date.now, as Task B moves it: the engine reads the time from it), the last basket a
// week before the timed slates; then the 200 browsing events of Task B's profile. Timed
// as Task B: each run imports the same snapshot (untimed) and is asked 31 minutes after
// the previous one; 5 warm-up runs, 31 timed. record(): 40 bursts of 25, the median
// burst's mean per call, views, then purchases (last: they change the profile).
async function heavyBench({ N }) {
  const { default: init, Personalizer } = await import("/pkg/flaneur.js");
  await init();
  const DIMS = 64, K = 24, EVENTS = 200, LEAVES = 200, WARMUP = 5, RUNS = 31;
  const BASKETS = 52, PURCHASES = 1500, PRODUCTS = 400, DAY = 86_400_000, WEEK = 7 * DAY;
  const FACETS = {
    colour: ["red", "navy", "green", "cream", "black", "mustard"],
    brand: ["b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7"],
    material: ["wool", "cotton", "linen", "silk", "denim"],
    style: ["classic", "casual", "sport", "formal"],
    size: ["xs", "s", "m", "l", "xl"],
    season: ["spring", "summer", "autumn", "winter"],
  };
  const round = (x, d) => Number(x.toFixed(d));
  const summary = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return { median_ms: round(s[s.length >> 1], 4), p95_ms: round(s[Math.floor(s.length * 0.95)], 4) };
  };
  const makeRand = (seed) => {
    let s = seed >>> 0;
    return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  };
  const normalize = (v) => {
    let n = 0;
    for (let j = 0; j < v.length; j++) n += v[j] * v[j];
    n = Math.sqrt(n) || 1;
    for (let j = 0; j < v.length; j++) v[j] /= n;
    return v;
  };
  // bench.js's generate(N), item for item.
  const rand = makeRand(42);
  const centroids = Array.from({ length: LEAVES }, () => normalize(Float32Array.from({ length: DIMS }, () => rand() * 2 - 1)));
  const items = new Array(N);
  const names = Object.keys(FACETS);
  const v = new Float32Array(DIMS);
  for (let i = 0; i < N; i++) {
    const leaf = i % LEAVES, c = centroids[leaf];
    for (let j = 0; j < DIMS; j++) v[j] = c[j] + 0.22 * (rand() * 2 - 1);
    normalize(v);
    const attributes = {};
    for (const f of names) attributes[f] = FACETS[f][Math.floor(rand() * FACETS[f].length)];
    items[i] = {
      id: `sku-${i}`, title: `Item ${i}`,
      category: `Dept ${Math.floor(leaf / 40)} > Cat ${Math.floor(leaf / 5)} > Leaf ${leaf}`,
      attributes, popularity: rand(), vector: Array.from(v),
    };
  }
  const interests = [17, 42, 143];
  const browsing = [];
  for (let e = 0; e < EVENTS; e++) {
    const leaf = interests[e % 3];
    const i = leaf + LEAVES * Math.floor(rand() * Math.floor(N / LEAVES));
    browsing.push({ type: e % 10 === 0 ? "add_to_cart" : "view", itemId: `sku-${i}` });
  }
  const facets = Object.fromEntries(names.map((f) => [f, { divergence: f === "colour" || f === "material" }]));
  const repurchase = {
    categories: {
      "Dept 0": { share: 0.9, interval_days: 14 },
      "Dept 1": { share: 0.6, interval_days: 30 },
      "Dept 2 > Cat 17": { share: 0.35, interval_days: 60 },
    },
    items: { "sku-123": { share: 0.6, interval_days: 9, buyers: 120 } },
  };
  const catalog = { version: 1, shop: "bench-heavy", dims: DIMS, facets, repurchase, items };

  let p;
  try {
    p = await Personalizer.open({ catalog, storage: "memory", seed: 1 });
  } catch (err) {
    return { error: `Personalizer.open refused the catalog with repurchase priors: ${err?.code ?? err?.name}: ${err?.message}` };
  }

  // The shopper's 400 products: 300 from Dept 0 and 1 (leaves 0–79), 100 from the rest.
  const shop = makeRand(7);
  const chosen = new Set(["sku-123"]);
  while (chosen.size < PRODUCTS) {
    const replenishable = chosen.size < 300;
    const leaf = replenishable ? Math.floor(shop() * 80) : 80 + Math.floor(shop() * 120);
    chosen.add(`sku-${leaf + LEAVES * Math.floor(shop() * Math.floor(N / LEAVES))}`);
  }
  const products = [...chosen];
  const weight = products.map((_, r) => 1 / (r + 1) ** 0.9);
  const total = weight.reduce((a, b) => a + b, 0);
  const draw = () => {
    let x = shop() * total;
    for (let r = 0; r < products.length; r++) if ((x -= weight[r]) < 0) return products[r];
    return products.at(-1);
  };
  // 52 baskets of 28 or 29 purchases (1,500 in all); every product in at least one.
  const baskets = Array.from({ length: BASKETS }, () => new Set());
  products.forEach((id, n) => baskets[n % BASKETS].add(id));
  const sizes = baskets.map((_, b) => Math.floor(PURCHASES / BASKETS) + (b < PURCHASES % BASKETS ? 1 : 0));
  for (let b = 0; b < BASKETS; b++) while (baskets[b].size < sizes[b]) baskets[b].add(draw());

  // The page's clock: a year ago, then a week at a time; the timed slates a week after the last basket.
  const realNow = Date.now;
  const start = realNow.call(Date) - BASKETS * WEEK;
  let now = start;
  Date.now = () => now;
  const out = { cross_origin_isolated: self.crossOriginIsolated };
  try {
    let purchases = 0;
    for (let b = 0; b < BASKETS; b++) {
      now = start + b * WEEK;
      for (const itemId of baskets[b]) {
        p.record({ type: "add_to_cart", itemId });
        now += 1_000;
      }
      for (const itemId of baskets[b]) {
        p.record({ type: "purchase", itemId });
        purchases++;
        now += 1_000;
      }
    }
    now = start + BASKETS * WEEK;
    for (const ev of browsing) {
      p.record(ev);
      now += 1_000;
    }
    const profile = p.profile();
    const snapshot = p.exportProfile();
    const timed = (request) => {
      const times = [];
      let slate;
      for (let r = 0; r < WARMUP + RUNS; r++) {
        p.importProfile(snapshot);
        now += 31 * 60_000;
        const t0 = performance.now();
        slate = p.recommend(request);
        const t1 = performance.now();
        if (r >= WARMUP) times.push(t1 - t0);
      }
      p.importProfile(snapshot);
      return { ...summary(times), items: slate.items.length };
    };
    const forYou = timed({ k: K });
    const again = timed({ k: K, shelf: "buy_again" });
    const perCall = (event) => {
      const per = [];
      for (let b = 0; b < 40; b++) {
        const t0 = performance.now();
        for (let i = 0; i < 25; i++) p.record(event(b * 25 + i));
        per.push(((performance.now() - t0) * 1000) / 25);
      }
      per.sort((a, b) => a - b);
      return round(per[per.length >> 1], 2);
    };
    now += DAY;
    const record_100k_heavy_us = perCall((n) => ({ type: "view", itemId: products[n % products.length] }));
    now += DAY;
    const record_purchase_100k_heavy_us = perCall((n) => ({ type: "purchase", itemId: products[(n * 7) % products.length] }));
    Object.assign(out, {
      recommend_100k_heavy_ms: forYou.median_ms,
      recommend_100k_heavy_p95_ms: forYou.p95_ms,
      buy_again_100k_heavy_ms: again.median_ms,
      buy_again_100k_heavy_p95_ms: again.p95_ms,
      record_100k_heavy_us,
      record_purchase_100k_heavy_us,
      profile_stored_bytes_100k_heavy: profile.storedBytes,
      export_bytes_100k_heavy: new TextEncoder().encode(snapshot).length,
      heavy: {
        items: p.itemCount, baskets: BASKETS, purchases, products: products.length, browsing_events: browsing.length,
        kept_purchases: profile.purchases,
        buy_again_items: again.items, for_you_items: forYou.items,
        warmup: WARMUP, runs: RUNS, k: K,
      },
    });
  } finally {
    Date.now = realNow;
    p.free();
  }
  return out;
}

const started = Date.now();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
report.browser = `Chromium ${browser.version()} (headless)`;
try {
  for (const N of HEAVY_ONLY ? [] : SIZES) {
    const A = (report.tasks.A[N] = {});
    let ctx = null, page = null;
    const open = async () => {
      if (ctx) await withTimeout(ctx.close(), 10_000, "close").catch(() => {});
      ctx = await browser.newContext();
      page = await ctx.newPage();
      page.on("pageerror", (e) => log(`page error: ${message(e)}`));
      await page.goto(`http://127.0.0.1:${PORT}/index.html`);
      await page.waitForFunction(() => window.benchReady === true);
      return withTimeout(page.evaluate((n) => window.bench.setup(n), N), PEER_TIMEOUT_MS, "setup");
    };
    let setup;
    try {
      setup = await open();
    } catch (err) {
      log(`N=${N}: setup failed: ${message(err)}`);
      for (const r of RUNNERS) A[r] = { error: `setup failed: ${message(err)}` };
      report.tasks.B[N] = { flaneur: { error: `setup failed: ${message(err)}` } };
      if (ctx) await ctx.close().catch(() => {});
      continue;
    }
    report.method.timer = setup.cross_origin_isolated ? "cross-origin isolated (5 µs)" : "coarse (100 µs)";
    report.load_ms[N] = setup.load_ms;
    report.memory_bytes[N] = setup.memory_bytes;
    log(`N=${N}: generated in ${setup.generate_ms} ms, Personalizer.open ${setup.load_ms} ms, wasm memory ${setup.memory_bytes} B, nearest() ${setup.has_nearest ? "present" : "absent"}`);

    for (const name of RUNNERS) {
      const t0 = Date.now();
      try {
        A[name] = await withTimeout(page.evaluate((n) => window.bench.runA(n), name), PEER_TIMEOUT_MS, name);
        log(`N=${N} A ${name}: median ${A[name].median_ms} ms, p95 ${A[name].p95_ms} ms, recall ${A[name].recall}` +
          (A[name].build_ms !== undefined ? `, build ${A[name].build_ms} ms` : "") + ` (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (err) {
        A[name] = { error: message(err) };
        log(`N=${N} A ${name}: error: ${A[name].error}`);
        if (/timed out|crash|closed|Target/.test(A[name].error)) {
          try { await open(); } catch (e) { log(`N=${N}: reopening failed: ${message(e)}`); break; }
        }
      }
    }
    const f = A.flaneur?.median_ms;
    for (const name of PEERS) if (A[name] && !A[name].error) A[name].vs_flaneur = f ? round(A[name].median_ms / f, 2) : null;

    try {
      const b = await withTimeout(page.evaluate(() => window.bench.runB()), PEER_TIMEOUT_MS, "Task B");
      report.tasks.B[N] = { flaneur: b };
      log(`N=${N} B flaneur recommend: median ${b.median_ms} ms, p95 ${b.p95_ms} ms (${b.items} items, ${b.divergent_mean} divergent per slate on average)`);
      report.record_us_by_n[N] = await withTimeout(page.evaluate(() => window.bench.recordCost()), PEER_TIMEOUT_MS, "record");
      log(`N=${N} record(): ${report.record_us_by_n[N]} µs`);
    } catch (err) {
      report.tasks.B[N] ??= { flaneur: { error: message(err) } };
      log(`N=${N} B: error: ${message(err)}`);
    }
    await ctx.close().catch(() => {});
  }
  // The heavy profile, in a fresh page of its own.
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    page.on("pageerror", (e) => log(`page error: ${message(e)}`));
    await page.goto(`http://127.0.0.1:${PORT}/index.html`);
    await page.waitForFunction(() => window.benchReady === true);
    const t0 = Date.now();
    report.scale = await withTimeout(page.evaluate(heavyBench, { N: HEAVY_N }), 2 * PEER_TIMEOUT_MS, "heavy profile");
    const h = report.scale;
    log(h.error ? `heavy: error: ${h.error}` : `heavy (${HEAVY_N} items, ${h.heavy.purchases} purchases of ${h.heavy.products} products): ` +
      `recommend ${h.recommend_100k_heavy_ms} ms, buy again ${h.buy_again_100k_heavy_ms} ms, record ${h.record_100k_heavy_us} µs, ` +
      `stored ${h.profile_stored_bytes_100k_heavy} B (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (err) {
    report.scale = { error: message(err) };
    log(`heavy: error: ${report.scale.error}`);
  } finally {
    await ctx.close().catch(() => {});
  }
} finally {
  await browser.close();
  server.close();
  server.closeAllConnections();
}
report.record_us = report.record_us_by_n[100_000] ?? Object.values(report.record_us_by_n).at(-1) ?? null;
report.elapsed_s = Math.round((Date.now() - started) / 1000);

// BENCH_HEAVY_ONLY=1: the heavy profile's numbers go into the report of the last full run.
const reportPath = join(repo, "target/bench/report.json");
let out = report;
if (HEAVY_ONLY) {
  try {
    out = { ...JSON.parse(readFileSync(reportPath, "utf8")), scale: report.scale };
  } catch {
    out = { browser: report.browser, wasm_gzip_bytes: report.wasm_gzip_bytes, wasm_raw_bytes: report.wasm_raw_bytes,
      machine: report.machine, scale: report.scale };
  }
  out.scale_elapsed_s = report.elapsed_s;
}
await mkdir(join(repo, "target/bench"), { recursive: true });
await writeFile(reportPath, JSON.stringify(out, null, 2) + "\n");

// --- the tables in docs/BENCHMARKS.md ---
const cell = (x) => (x == null ? "–" : String(x));
const lines = [];
lines.push(`${report.browser}; ${report.method.timer} timer; flaneur \`.wasm\` ${report.wasm_raw_bytes} B raw, ` +
  `${report.wasm_gzip_bytes} B gzipped (glue ${report.glue_gzip_bytes} B gzipped); ${report.machine.cpus} cores, ` +
  `load average ${report.machine.load_avg_1m_at_start} at the start. Written by \`make bench-peers\`.`, "");
lines.push("**Task A** — top 24 by dot product over the whole catalog (ms; index build apart):", "");
lines.push("| items | runner | median ms | p95 ms | recall@24 | index build ms | median ÷ flaneur's |", "| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
const label = { flaneur: "flaneur `nearest()`", js: "JS loop (exact)", tfjs: "tfjs-core wasm matMul + topk", orama: "Orama vector search", voy: "voy (k-d tree)" };
for (const N of SIZES) {
  for (const name of RUNNERS) {
    const r = report.tasks.A[N]?.[name] ?? { error: "not run" };
    if (r.error) lines.push(`| ${N.toLocaleString("en")} | ${label[name]} | error: ${r.error.replaceAll("|", "\\|")} | | | | |`);
    else lines.push(`| ${N.toLocaleString("en")} | ${label[name]} | ${r.median_ms} | ${r.p95_ms} | ${r.recall} | ${cell(r.build_ms)} | ${cell(r.vs_flaneur)} |`);
  }
}
lines.push("", "**Task B** and the rest — flaneur alone:", "");
lines.push("| items | `recommend({k: 24})` median ms | p95 ms | `Personalizer.open` ms | wasm memory MB | `record()` µs |", "| ---: | ---: | ---: | ---: | ---: | ---: |");
for (const N of SIZES) {
  const b = report.tasks.B[N]?.flaneur ?? { error: "not run" };
  const mem = report.memory_bytes[N] == null ? "–" : (report.memory_bytes[N] / 2 ** 20).toFixed(1);
  lines.push(b.error
    ? `| ${N.toLocaleString("en")} | error: ${b.error} | | ${cell(report.load_ms[N])} | ${mem} | ${cell(report.record_us_by_n[N])} |`
    : `| ${N.toLocaleString("en")} | ${b.median_ms} | ${b.p95_ms} | ${cell(report.load_ms[N])} | ${mem} | ${cell(report.record_us_by_n[N])} |`);
}

// The heavy profile's table (targets: docs/BENCHMARKS.md, "The heavy profile").
const h = report.scale ?? { error: "not run" };
const heavy = [];
heavy.push(`${report.browser}; ${report.method.timer ?? (h.cross_origin_isolated ? "cross-origin isolated (5 µs)" : "coarse (100 µs)")} timer; ` +
  `${report.machine.cpus} cores, load average ${report.machine.load_avg_1m_at_start} at the start. ` +
  `Written by \`${HEAVY_ONLY ? "BENCH_HEAVY_ONLY=1 node scripts/bench-peers.mjs" : "make bench-peers"}\`.`, "");
if (h.error) heavy.push(`Not measured: ${h.error}`);
else {
  const w = h.heavy;
  heavy.push(`${HEAVY_N.toLocaleString("en")} items; ${w.purchases.toLocaleString("en")} purchases of ${w.products} products in ${w.baskets} weekly baskets ` +
    `over a year (${w.browsing_events} browsing events after them); ${w.kept_purchases} items' purchases kept; ` +
    `buy-again slate ${w.buy_again_items} items, "For you" ${w.for_you_items}.`, "");
  heavy.push("| what | median | p95 | target |", "| --- | ---: | ---: | ---: |");
  heavy.push(`| \`recommend({k: 24})\` | ${h.recommend_100k_heavy_ms} ms | ${h.recommend_100k_heavy_p95_ms} ms | ≤ 3 ms |`);
  heavy.push(`| \`recommend({k: 24, shelf: "buy_again"})\` | ${h.buy_again_100k_heavy_ms} ms | ${h.buy_again_100k_heavy_p95_ms} ms | ≤ 3 ms |`);
  heavy.push(`| \`record()\`, a view | ${h.record_100k_heavy_us} µs | – | ≤ 30 µs |`);
  heavy.push(`| \`record()\`, a purchase | ${h.record_purchase_100k_heavy_us} µs | – | ≤ 30 µs |`);
  heavy.push(`| stored profile (\`profile().storedBytes\`) | ${h.profile_stored_bytes_100k_heavy.toLocaleString("en")} B | – | – |`);
  heavy.push(`| \`exportProfile()\` | ${h.export_bytes_100k_heavy.toLocaleString("en")} B | – | – |`);
}

const docPath = join(repo, "docs/BENCHMARKS.md");
let doc = existsSync(docPath) ? readFileSync(docPath, "utf8") : "# Benchmarks\n";
/** `doc` with the text between <!-- name:begin --> and <!-- name:end --> replaced (the markers added at the end if absent). */
const between = (doc, name, text) => {
  const begin = `<!-- ${name}:begin -->`, end = `<!-- ${name}:end -->`;
  if (!doc.includes(begin) || !doc.includes(end)) doc += `\n${begin}\n${end}\n`;
  return doc.slice(0, doc.indexOf(begin) + begin.length) + "\n" + text + "\n" + doc.slice(doc.indexOf(end));
};
if (!HEAVY_ONLY) doc = between(doc, "peers", lines.join("\n"));
doc = between(doc, "heavy", heavy.join("\n"));
await writeFile(docPath, doc);
log(`wrote target/bench/report.json and docs/BENCHMARKS.md in ${report.elapsed_s} s`);
console.log(JSON.stringify(out));
