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
// Each timing: 5 warm-up runs, 31 timed; median and p95 in ms.
// Writes target/bench/report.json and the tables between the peers markers of docs/BENCHMARKS.md.
//
//   node scripts/bench-peers.mjs          (make bench-peers)
//   env: BENCH_1M=1, BENCH_SIZES=2000,5000 (instead of the defaults), PORT (8191), PKG (www/pkg), PEER_TIMEOUT_S (240), CHROMIUM
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
const RUNNERS = ["flaneur", "js", "tfjs", "orama", "voy"];
const PEERS = RUNNERS.slice(1);
const log = (...a) => console.error("bench-peers:", ...a);

for (const need of [join(PKG, "flaneur.js"), join(repo, "bench-peers/node_modules")]) {
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

const started = Date.now();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
report.browser = `Chromium ${browser.version()} (headless)`;
try {
  for (const N of SIZES) {
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
} finally {
  await browser.close();
  server.close();
  server.closeAllConnections();
}
report.record_us = report.record_us_by_n[100_000] ?? Object.values(report.record_us_by_n).at(-1) ?? null;
report.elapsed_s = Math.round((Date.now() - started) / 1000);

await mkdir(join(repo, "target/bench"), { recursive: true });
await writeFile(join(repo, "target/bench/report.json"), JSON.stringify(report, null, 2) + "\n");

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
const docPath = join(repo, "docs/BENCHMARKS.md");
const begin = "<!-- peers:begin -->", end = "<!-- peers:end -->";
let doc = existsSync(docPath) ? readFileSync(docPath, "utf8") : `# Benchmarks\n\n${begin}\n${end}\n`;
if (!doc.includes(begin) || !doc.includes(end)) doc += `\n${begin}\n${end}\n`;
doc = doc.slice(0, doc.indexOf(begin) + begin.length) + "\n" + lines.join("\n") + "\n" + doc.slice(doc.indexOf(end));
await writeFile(docPath, doc);
log(`wrote target/bench/report.json and docs/BENCHMARKS.md in ${report.elapsed_s} s`);
console.log(JSON.stringify(report));
