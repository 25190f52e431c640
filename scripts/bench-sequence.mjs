#!/usr/bin/env node
// The sequence model in headless Chromium (Debian's), issue #21's targets: a full
// recommend({k: 24}) after a 200-event history, right after a step (every item scored by
// the model again) and again (the scores kept), and one record() (encoding one position
// with the cached keys and values), on two binary catalogs that carry a model of the
// evaluation's shape (d = 64, two single-head blocks, window 200): MovieLens-1M's 5-core
// size (3,416 items) and 100,000 items, written by
//   cargo run --release --example sequence_catalogs -- target/bench
// (make bench-sequence runs it). Each timing: 15 (recommend) or 5 (record) warm-up runs,
// then 31 (each recommend) or 101 (record) timed; median and p95. Writes target/bench/sequence.json and the table
// between the sequence markers of docs/BENCHMARKS.md.
//
//   node scripts/bench-sequence.mjs     env: PORT (8193), PKG (www/pkg), CHROMIUM
import { createServer } from "node:http";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { cpus, loadavg } from "node:os";
import { chromium } from "@playwright/test";

const repo = fileURLToPath(new URL("..", import.meta.url));
const PORT = Number(process.env.PORT ?? 8193);
const PKG = resolve(process.env.PKG ?? join(repo, "www/pkg"));
const BENCH = join(repo, "target/bench");
const SIZES = [3416, 100_000];
const log = (...a) => console.error("bench-sequence:", ...a);

for (const need of [join(PKG, "flaneur.js"), ...SIZES.map((n) => join(BENCH, `sequence-${n}.bin`))]) {
  if (!existsSync(need)) throw new Error(`${need} is missing: run make bench-sequence`);
}

const roots = [
  ["/pkg/", PKG + sep],
  ["/bench/", BENCH + sep],
];
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".wasm": "application/wasm" };
const page = `<!doctype html><meta charset="utf-8"><title>sequence bench</title><script type="module">
import init, { Personalizer } from "/pkg/flaneur.js";
await init();
window.Personalizer = Personalizer;
window.benchReady = true;
</script>`;
const server = createServer(async (req, res) => {
  const headers = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp",
    "Cache-Control": "no-cache" };
  try {
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    if (pathname === "/" || pathname === "/index.html") {
      res.writeHead(200, { ...headers, "Content-Type": types[".html"] });
      return res.end(page);
    }
    const [prefix, root] = roots.find(([p]) => pathname.startsWith(p)) ?? [];
    if (!root) throw Object.assign(new Error("no root"), { status: 404 });
    const path = normalize(join(root, decodeURIComponent(pathname.slice(prefix.length))));
    if (!path.startsWith(root)) throw Object.assign(new Error("outside root"), { status: 403 });
    const body = await readFile(path);
    res.writeHead(200, { ...headers, "Content-Type": types[extname(path)] ?? "application/octet-stream" });
    res.end(body);
  } catch (err) {
    const status = err.status ?? (err.code === "ENOENT" ? 404 : 500);
    res.writeHead(status, { ...headers, "Content-Type": "text/plain" });
    res.end(`${status}\n`);
  }
});
await new Promise((r) => server.listen(PORT, "127.0.0.1", r));

// Runs in the page: open on the binary catalog, a 200-event history, then the timings.
async function measure({ n }) {
  const bytes = new Uint8Array(await (await fetch(`/bench/sequence-${n}.bin`)).arrayBuffer());
  const t0 = performance.now();
  const p = await Personalizer.open({ catalog: bytes, storage: "memory", seed: 1 });
  const open_ms = performance.now() - t0;
  // Item ids are the testkit's, "sku-<index, 7 digits>".
  const count = n;
  let lcg = 12345;
  const next = () => ((lcg = (Math.imul(lcg, 1664525) + 1013904223) >>> 0) / 4294967296);
  const id = (i) => `sku-${String(i).padStart(7, "0")}`;
  const at0 = Date.now() - 300 * 60_000;
  for (let e = 0; e < 200; e++) p.record({ type: "view", itemId: id(Math.floor(next() * count)), at: at0 + e * 60_000 });
  const now = at0 + 200 * 60_000;
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return { median: s[Math.floor(s.length / 2)], p95: s[Math.floor(s.length * 0.95)] };
  };
  // Interleaved, so both see the same warm-up (V8 tiers wasm up as it runs): a step
  // (record, untimed), the first slate after it (the model's scores of every item are
  // stale and computed again: a page view) and the same slate again (the scores kept).
  const fresh = [], rec = [];
  for (let r = 0; r < 46; r++) {
    p.record({ type: "view", itemId: id(Math.floor(next() * count)), at: now - 1000 + r });
    let t = performance.now();
    const slate = p.recommend({ k: 24 });
    const first = performance.now() - t;
    t = performance.now();
    p.recommend({ k: 24 });
    const again = performance.now() - t;
    if (r >= 15) { fresh.push(first); rec.push(again); }
    if (r === 0 && !(slate.items.length > 0)) throw new Error("an empty slate");
  }
  const records = [];
  for (let r = 0; r < 106; r++) {
    const item = id(Math.floor(next() * count));
    const t = performance.now();
    p.record({ type: "view", itemId: item, at: now + r });
    const us = (performance.now() - t) * 1000;
    if (r >= 5) records.push(us);
  }
  const summary = p.profile();
  return { open_ms, recommend: stats(rec), after_step: stats(fresh), record_us: stats(records), sequence_steps: summary.sequenceSteps };
}

const report = {
  browser: null,
  wasm_raw_bytes: readFileSync(join(PKG, "flaneur_bg.wasm")).length,
  wasm_gzip_bytes: gzipSync(readFileSync(join(PKG, "flaneur_bg.wasm")), { level: 9 }).length,
  machine: { cpus: cpus().length, load_avg_1m_at_start: Number(loadavg()[0].toFixed(2)) },
  catalogs: {},
};
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
report.browser = `Chromium ${browser.version()} (headless)`;
try {
  for (const n of SIZES) {
    const ctx = await browser.newContext();
    const tab = await ctx.newPage();
    tab.on("pageerror", (e) => log(`page error: ${e.message}`));
    await tab.goto(`http://127.0.0.1:${PORT}/`);
    await tab.waitForFunction(() => window.benchReady === true);
    const bin = readFileSync(join(BENCH, `sequence-${n}.bin`));
    const r = await tab.evaluate(measure, { n });
    report.catalogs[n] = { bytes: bin.length, gzip_bytes: gzipSync(bin, { level: 9 }).length, ...r };
    log(`${n} items: recommend after a step median ${r.after_step.median.toFixed(3)} ms ` +
      `(p95 ${r.after_step.p95.toFixed(3)}), again ${r.recommend.median.toFixed(3)} ms (p95 ${r.recommend.p95.toFixed(3)}), ` +
      `record median ${r.record_us.median.toFixed(1)} µs, open ${r.open_ms.toFixed(1)} ms, ${r.sequence_steps} steps kept`);
    await ctx.close();
  }
} finally {
  await browser.close();
  server.close();
  server.closeAllConnections();
}
await mkdir(BENCH, { recursive: true });
await writeFile(join(BENCH, "sequence.json"), JSON.stringify(report, null, 2) + "\n");

const f = (x, d) => x.toFixed(d);
const lines = [
  `${report.browser}; ${report.machine.cpus} cores, load average ${report.machine.load_avg_1m_at_start} at the start; ` +
    `\`.wasm\` ${report.wasm_raw_bytes.toLocaleString("en")} B raw, ${report.wasm_gzip_bytes.toLocaleString("en")} B gzipped. ` +
    "Written by `make bench-sequence`.",
  "",
  "| items | catalog (gzip) | `recommend({k: 24})` after a step, median | p95 | target | `recommend` again, median | p95 | " +
    "`record()` median | p95 | target | `Personalizer.open` |",
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
];
for (const n of SIZES) {
  const c = report.catalogs[n];
  const target = n <= 10_000 ? "≤ 3 ms" : "≤ 8 ms";
  lines.push(`| ${n.toLocaleString("en")} | ${c.gzip_bytes.toLocaleString("en")} B | ${f(c.after_step.median, 3)} ms | ` +
    `${f(c.after_step.p95, 3)} ms | ${target} | ${f(c.recommend.median, 3)} ms | ${f(c.recommend.p95, 3)} ms | ` +
    `${f(c.record_us.median, 1)} µs | ${f(c.record_us.p95, 1)} µs | ≤ 200 µs | ` +
    `${f(c.open_ms, 1)} ms |`);
}
const docPath = join(repo, "docs/BENCHMARKS.md");
let doc = readFileSync(docPath, "utf8");
const begin = "<!-- sequence:begin -->", end = "<!-- sequence:end -->";
if (!doc.includes(begin)) doc += `\n${begin}\n${end}\n`;
doc = doc.slice(0, doc.indexOf(begin) + begin.length) + "\n" + lines.join("\n") + "\n" + doc.slice(doc.indexOf(end));
await writeFile(docPath, doc);
log("wrote target/bench/sequence.json and docs/BENCHMARKS.md");
