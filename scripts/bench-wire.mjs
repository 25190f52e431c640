#!/usr/bin/env node
// On the wire, issue #22: what the demo costs a shopper's connection with and without the
// compression scripts/serve.mjs now does (br or gzip as the browser accepts; COMPRESS=0 sends
// every file as it is). Starts serve.mjs twice, COMPRESS=1 on PORT and COMPRESS=0 on PORT + 1,
// and loads the demo's home page in headless Chromium (Debian's) over an emulated link
// (Chrome DevTools Protocol: 10 Mbit/s down and up, 40 ms latency, HTTP cache cleared and
// disabled), each run in fresh browser contexts:
//   1. a first visit (no profile): the bytes received (the sum of Network.loadingFinished's
//      encodedDataLength, headers included; per resource: the .wasm, catalog.json,
//      the sharded catalog's parts, the JS) and the time until "For you" is rendered (data-state="ready");
//      a new shopper's "For you" is empty ("Nothing yet"), flaneur abstains rather than fill it;
//   2. three sweaters viewed (hash routes, no download), the profile flushed to IndexedDB;
//   3. in a new context (a new renderer: no compiled module, no file cached) holding a copy
//      of that profile, the home page again (a returning shopper on a cold cache): the bytes
//      again and the time until "For you" first has cards, the first personalized slate
//      (the kinds of its cards are kept).
// Times are the page's performance.now() (from navigation start) when a MutationObserver,
// installed before the page's scripts, first sees the shelf ready or holding a card (the
// e2e tests' selector, flaneur-shelf[heading="For you"] [data-item-id]). One untimed
// visit per server first (it waits for brotli: the server compresses in the background and
// sends gzip until then); then RUNS runs of each mode, interleaved; medians. Writes
// target/bench/wire.json and the table between the wire markers of docs/BENCHMARKS.md.
//
//   node scripts/bench-wire.mjs     env: PORT (8194; 8195 too), RUNS (3), CHROMIUM
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "@playwright/test";
import { NETWORK, coldContext, dumpProfile, launchChromium, restoreProfile } from "./browser-bench.mjs";

const repo = fileURLToPath(new URL("..", import.meta.url));
const PORT = Number(process.env.PORT ?? 8194);
const RUNS = Number(process.env.RUNS ?? 3);
const BENCH = join(repo, "target/bench");
const MODES = [
  { name: "compressed", compress: "1", port: PORT },
  { name: "uncompressed", compress: "0", port: PORT + 1 },
];
const log = (...a) => console.error("bench-wire:", ...a);

// The demo opens flaneur on its sharded catalog (www/demo/catalog/): the manifest, the core, and a
// department's shard when a page of it is opened. `catalog_bin` counts all of those parts.
const MANIFEST = JSON.parse(readFileSync(join(repo, "www/demo/catalog/manifest.json"), "utf8"));
const FILES = { wasm: "www/pkg/flaneur_bg.wasm", catalog_json: "www/demo/catalog.json", catalog_bin: `www/demo/catalog/${MANIFEST.core.file}` };
for (const path of Object.values(FILES)) {
  if (!existsSync(join(repo, path))) throw new Error(`${path} is missing: run make bench-wire`);
}
const catalog = JSON.parse(readFileSync(join(repo, FILES.catalog_json), "utf8"));
const SWEATERS = catalog.items
  .filter((i) => i.category === "Women > Knitwear > Sweaters" && i.available && !i.sensitive)
  .slice(0, 3);

/** Starts serve.mjs for `mode`; resolves with the child once it listens. */
function serve(mode) {
  const { ROOT: _root, ...env } = process.env; // the demo, whatever the caller's ROOT
  const child = spawn(process.execPath, [join(repo, "scripts/serve.mjs")], {
    cwd: repo,
    env: { ...env, PORT: String(mode.port), COMPRESS: mode.compress, REPORTS: join(BENCH, "wire-reports.jsonl") },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => String(d).includes("http://") && resolve(child));
    child.on("exit", (code) => reject(new Error(`serve.mjs (${mode.name}) exited with ${code}`)));
  });
}

/** HEAD `url` with `accept` as Accept-Encoding: the Content-Encoding and Content-Length the server would send now. */
const head = (url, accept) =>
  new Promise((resolve, reject) => {
    httpRequest(url, { method: "HEAD", headers: { "Accept-Encoding": accept } }, (res) => {
      res.resume();
      resolve({ encoding: res.headers["content-encoding"] ?? null, length: Number(res.headers["content-length"]) });
    }).on("error", reject).end();
  });

const kindOf = (url) => {
  const path = new URL(url).pathname;
  if (path.endsWith(".wasm")) return "wasm";
  if (path === "/catalog.json") return "catalog_json";
  if (path.startsWith("/catalog/")) return "catalog_bin";
  if (path.endsWith(".js")) return "js";
  return "other";
};

// Before the page's scripts: when "For you" is first ready, and first holds a card.
function watchShelf() {
  const mark = (window.__wire = { ready: null, items: null, kinds: null, note: null });
  const observer = new MutationObserver(() => {
    const shelf = document.querySelector('flaneur-shelf[heading="For you"]');
    if (!shelf) return;
    if (mark.ready === null && shelf.dataset.state === "ready") {
      mark.ready = performance.now();
      mark.note = shelf.querySelector("p")?.textContent ?? null;
    }
    const cards = shelf.querySelectorAll("[data-item-id]");
    if (mark.items === null && cards.length) {
      mark.items = performance.now();
      mark.kinds = [...cards].map((c) => c.dataset.kind);
    }
    if (mark.ready !== null && mark.items !== null) observer.disconnect();
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });
}

/**
 * A fresh browser context (its own renderer: nothing compiled, nothing cached) on `origin`,
 * HTTP cache cleared and disabled, the link emulated; `visit(until)` loads the home page and
 * returns the shelf's marks, the bytes received and the encodings of the big files.
 */
async function fresh(browser, origin) {
  const { ctx, page, cdp } = await coldContext(browser, watchShelf, true, log);
  let resources = new Map(); // requestId → { url, encoding, bytes }
  cdp.on("Network.requestWillBeSent", (e) => resources.set(e.requestId, { url: e.request.url, encoding: null, bytes: 0 }));
  cdp.on("Network.responseReceived", (e) => {
    const r = resources.get(e.requestId);
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    if (r) r.encoding = headers["content-encoding"] ?? "identity";
  });
  const finished = (e) => {
    const r = resources.get(e.requestId);
    if (r) r.bytes = e.encodedDataLength ?? 0;
  };
  cdp.on("Network.loadingFinished", finished);
  cdp.on("Network.loadingFailed", finished);
  const visit = async (until) => {
    resources = new Map();
    await page.goto(`${origin}/`);
    await page.waitForFunction((key) => window.__wire[key] !== null, until, { timeout: 30_000 });
    await page.waitForLoadState("networkidle");
    const mark = await page.evaluate(() => window.__wire);
    const bytes = { total: 0, wasm: 0, catalog_json: 0, catalog_bin: 0, js: 0, other: 0 };
    const encodings = {};
    for (const r of resources.values()) {
      bytes.total += r.bytes;
      bytes[kindOf(r.url)] += r.bytes;
      if (kindOf(r.url) !== "other" && kindOf(r.url) !== "js") encodings[kindOf(r.url)] = r.encoding;
    }
    return { ms: mark[until], bytes, requests: resources.size, encodings, mark };
  };
  return { ctx, page, visit };
}

/**
 * One run against `mode`'s server: a first visit and three product views in one context, then
 * the home page in another with the profile they left (copied over on a 404 page, which loads
 * no script): a returning shopper whose browser kept the profile but no file.
 */
async function run(browser, mode) {
  const origin = `http://127.0.0.1:${mode.port}`;
  const a = await fresh(browser, origin);
  let first, profile;
  try {
    first = await a.visit("ready");
    for (const item of SWEATERS) {
      await a.page.goto(`${origin}/#/product/${item.id}`);
      await a.page.locator("h1", { hasText: item.title }).waitFor();
    }
    // The views are recorded once their department's shard is joined: wait for the three.
    const events = () => a.page.evaluate(async () => (await (await import("/components/flaneur-elements.js")).ready).personalizer.profile().sessionEvents);
    for (let t = 0; (await events()) < SWEATERS.length; t++) {
      if (t === 600) throw new Error("the three views were not recorded");
      await new Promise((r) => setTimeout(r, 100));
    }
    await a.page.evaluate(async () => (await (await import("/components/flaneur-elements.js")).ready).personalizer.flush());
    profile = await a.page.evaluate(dumpProfile);
  } finally {
    await a.ctx.close();
  }
  const b = await fresh(browser, origin);
  try {
    await b.page.goto(`${origin}/bench-wire-no-such-page`);
    await b.page.evaluate(restoreProfile, profile);
    const back = await b.visit("items").catch(async (err) => {
      log("returning: For you never held a card", JSON.stringify(await b.page.evaluate(() => [window.__wire, document.querySelector('flaneur-shelf[heading="For you"]')?.outerHTML.slice(0, 400)])));
      throw err;
    });
    const kinds = {};
    for (const k of back.mark.kinds) kinds[k] = (kinds[k] ?? 0) + 1;
    return {
      first_visit: { shelf_ready_ms: first.ms, shelf_note: first.mark.note, cards: first.mark.kinds?.length ?? 0, bytes: first.bytes, requests: first.requests, encodings: first.encodings },
      returning: { first_slate_ms: back.ms, shelf_ready_ms: back.mark.ready, card_kinds: kinds, bytes: back.bytes, requests: back.requests, encodings: back.encodings },
    };
  } finally {
    await b.ctx.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const report = {
  browser: null,
  machine: { cpus: cpus().length, load_avg_1m_at_start: Number(loadavg()[0].toFixed(2)) },
  network: { down_bytes_per_s: NETWORK.downloadThroughput, up_bytes_per_s: NETWORK.uploadThroughput, latency_ms: NETWORK.latency, http_cache: "cleared and disabled" },
  files: {},
  runs: {},
  median: {},
};
await mkdir(BENCH, { recursive: true });
const servers = [];
const browser = await launchChromium(chromium);
report.browser = `Chromium ${browser.version()} (headless)`;
try {
  for (const mode of MODES) servers.push(await serve(mode));
  // One untimed visit each (the browser and the server warm), then wait until every file the
  // page fetched is sent as it will be: with compression, brotli rather than gzip.
  for (const mode of MODES) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const urls = new Set();
    page.on("request", (r) => urls.add(r.url()));
    await page.goto(`http://127.0.0.1:${mode.port}/`);
    await page.locator('flaneur-shelf[heading="For you"][data-state="ready"]').waitFor({ timeout: 120_000 });
    await ctx.close();
    if (mode.compress === "1") {
      const deadline = Date.now() + 120_000;
      for (const url of urls) {
        while ((await head(url, "br, gzip")).encoding === "gzip" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      }
      log(`${mode.name}: brotli ready for the ${urls.size} files of the home page`);
      // The three big files as the server sends them: raw, br, gzip (Content-Length of a HEAD).
      for (const [key, path] of Object.entries(FILES)) {
        const url = `http://127.0.0.1:${mode.port}/${path.replace(/^www\/(demo\/)?/, "")}`;
        const [raw, br, gzip] = await Promise.all(["identity", "br", "gzip"].map((a) => head(url, a)));
        report.files[key] = { raw: raw.length, br: br.length, gzip: gzip.length };
        if (br.encoding !== "br" || gzip.encoding !== "gzip") throw new Error(`${url}: not served as br and gzip`);
      }
    }
  }
  for (const mode of MODES) report.runs[mode.name] = [];
  for (let r = 0; r < RUNS; r++) {
    for (const mode of MODES) {
      const result = await run(browser, mode);
      report.runs[mode.name].push(result);
      log(`${mode.name} run ${r + 1}: first visit ${result.first_visit.bytes.total.toLocaleString("en")} B, ` +
        `shelf ready ${result.first_visit.shelf_ready_ms.toFixed(0)} ms (${result.first_visit.cards} cards); returning ` +
        `${result.returning.bytes.total.toLocaleString("en")} B, first slate ${result.returning.first_slate_ms.toFixed(0)} ms ` +
        `(${JSON.stringify(result.returning.card_kinds)}); encodings ${JSON.stringify(result.returning.encodings)}`);
    }
  }
} finally {
  await browser.close();
  for (const child of servers) child.kill("SIGTERM");
}

for (const mode of MODES) {
  const runs = report.runs[mode.name];
  const m = (f) => median(runs.map(f));
  report.median[mode.name] = {
    bytes: m((x) => x.first_visit.bytes.total),
    wasm_bytes: m((x) => x.first_visit.bytes.wasm),
    catalog_json_bytes: m((x) => x.first_visit.bytes.catalog_json),
    catalog_bin_bytes: m((x) => x.first_visit.bytes.catalog_bin),
    js_bytes: m((x) => x.first_visit.bytes.js),
    first_visit_shelf_ready_ms: m((x) => x.first_visit.shelf_ready_ms),
    first_slate_ms: m((x) => x.returning.first_slate_ms),
    returning_bytes: m((x) => x.returning.bytes.total),
    encodings: runs[0].returning.encodings,
    card_kinds: runs[0].returning.card_kinds,
  };
}
await writeFile(join(BENCH, "wire.json"), JSON.stringify(report, null, 2) + "\n");

const B = (n) => `${n.toLocaleString("en")} B`;
const ms = (x) => `${Math.round(x).toLocaleString("en")} ms`;
const [on, off] = MODES.map((mode) => report.median[mode.name]);
const kinds = Object.entries(on.card_kinds).map(([k, n]) => `${n} ${k}`).join(", ");
const lines = [
  `${report.browser}; ${report.machine.cpus} cores, load average ${report.machine.load_avg_1m_at_start} at the start; ` +
    `medians of ${RUNS} runs a mode. Files: \`.wasm\` ${B(report.files.wasm.raw)} (br ${B(report.files.wasm.br)}, ` +
    `gzip ${B(report.files.wasm.gzip)}), \`catalog.json\` ${B(report.files.catalog_json.raw)} (br ` +
    `${B(report.files.catalog_json.br)}), the sharded catalog's core ${B(report.files.catalog_bin.raw)} (br ` +
    `${B(report.files.catalog_bin.br)}). Written by \`make bench-wire\`.`,
  "",
  "| mode | bytes over the network | `.wasm` | catalog (JSON + sharded parts) | JS | first personalized slate (returning, cold cache) | first visit: \"For you\" ready (empty) |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
];
for (const [label, m] of [["compressed (br)", on], ["uncompressed (`COMPRESS=0`)", off]]) {
  lines.push(`| ${label} | ${B(m.bytes)} | ${B(m.wasm_bytes)} | ${B(m.catalog_json_bytes)} + ${B(m.catalog_bin_bytes)} | ` +
    `${B(m.js_bytes)} | ${ms(m.first_slate_ms)} | ${ms(m.first_visit_shelf_ready_ms)} |`);
}
lines.push("", `The first personalized slate held ${kinds} cards (the first visit's "For you" is empty: flaneur abstains for a new shopper).`);
const docPath = join(repo, "docs/BENCHMARKS.md");
let doc = readFileSync(docPath, "utf8");
const begin = "<!-- wire:begin -->", end = "<!-- wire:end -->";
if (!doc.includes(begin)) doc += `\n${begin}\n${end}\n`;
doc = doc.slice(0, doc.indexOf(begin) + begin.length) + "\n" + lines.join("\n") + "\n" + doc.slice(doc.indexOf(end));
await writeFile(docPath, doc);
log(`compressed: ${B(on.bytes)}, first slate ${ms(on.first_slate_ms)}; uncompressed: ${B(off.bytes)}, first slate ${ms(off.first_slate_ms)}`);
log("wrote target/bench/wire.json and docs/BENCHMARKS.md");
