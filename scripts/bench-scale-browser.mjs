#!/usr/bin/env node
// The 100,000-item sharded catalog in headless Chromium (issue #22), after scripts/bench-scale.mjs
// built it (target/scale/shards2): a page of scripts/scale-site/ (the web components with
// data-manifest alone, a "For you" shelf) served by scripts/serve.mjs (ROOT=target/scale/site,
// brotli or gzip), over a 10 Mbit/s, 40 ms link emulated with the DevTools Protocol, HTTP cache
// cleared and disabled, each run in fresh contexts:
//   1. a first visit to a department page (#dept=…): bytes received until "For you" is ready
//      (a new shopper's stays empty: flaneur abstains) and the shard is joined;
//   2. a returning shopper on a cold cache: the profile of three views in that department
//      (recorded in another context) copied into a new one, then the home page: the time from
//      navigation to the first card of "For you" (the first personalized slate; the kept shard
//      is not there, a cold cache has only the core) and the bytes.
// RUNS runs (3), medians. Prints JSON; bench-scale.mjs merges it into report.json.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "@playwright/test";
import { NETWORK, coldContext, dumpProfile, launchChromium, restoreProfile } from "./browser-bench.mjs";

const repo = fileURLToPath(new URL("..", import.meta.url));
const PORT = Number(process.env.PORT ?? 8196);
const RUNS = Number(process.env.RUNS ?? 3);
const parts = join(repo, process.env.PARTS ?? "target/scale/shards2");
const feed = join(repo, process.env.FEED ?? "target/scale/feed-100000.csv");
const log = (...a) => console.error("bench-scale-browser:", ...a);
for (const path of [parts, feed, join(repo, "www/pkg/flaneur_bg.wasm")]) {
  if (!existsSync(path)) throw new Error(`${path} is missing: run make bench-scale`);
}

// The site: the page, the components, the package and the catalog's parts.
const site = join(repo, "target/scale/site");
rmSync(site, { recursive: true, force: true });
mkdirSync(site, { recursive: true });
cpSync(join(repo, "scripts/scale-site"), site, { recursive: true });
cpSync(join(repo, "www/components"), join(site, "components"), { recursive: true });
cpSync(join(repo, "www/pkg"), join(site, "pkg"), { recursive: true });
cpSync(parts, join(site, "catalog"), { recursive: true });

// The department of the first shard, and three of its items from the feed (the category is the
// last column of the generated feed).
const manifest = JSON.parse(readFileSync(join(parts, "manifest.json"), "utf8"));
const dept = manifest.shards[0].department;
const viewed = readFileSync(feed, "utf8").split("\n").slice(1)
  .filter((line) => { const category = line.slice(line.lastIndexOf(",") + 1); return category === dept || category.startsWith(`${dept} >`); })
  .slice(0, 3).map((line) => line.slice(0, line.indexOf(",")));

function watchShelf() {
  const mark = (window.__scale = { ready: null, items: null });
  new MutationObserver(() => {
    const shelf = document.querySelector('flaneur-shelf[heading="For you"]');
    if (mark.ready === null && shelf?.dataset.state === "ready") mark.ready = performance.now();
    if (mark.items === null && shelf?.querySelector("[data-item-id]")) mark.items = performance.now();
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });
}

async function fresh(browser, throttled) {
  const { ctx, page, cdp } = await coldContext(browser, watchShelf, throttled, log);
  const bytes = new Map();
  cdp.on("Network.loadingFinished", (e) => bytes.set(e.requestId, e.encodedDataLength ?? 0));
  return { ctx, page, bytes: () => [...bytes.values()].reduce((s, b) => s + b, 0), reset: () => bytes.clear() };
}

const MODULE = "/components/flaneur-elements.js";
const server = spawn(process.execPath, [join(repo, "scripts/serve.mjs")], {
  cwd: repo, env: { ...process.env, PORT: String(PORT), ROOT: site, COMPRESS: "1" }, stdio: ["ignore", "pipe", "inherit"],
});
// The server goes with this script, whatever ends it (a browser that fails to launch too).
process.on("exit", () => server.kill("SIGTERM"));
await new Promise((ok, no) => {
  server.stdout.on("data", (d) => String(d).includes("http://") && ok());
  server.on("exit", (code) => no(new Error(`serve.mjs exited with ${code}`)));
});
const origin = `http://127.0.0.1:${PORT}`;
const browser = await launchChromium(chromium);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = [];
try {
  // The shopper's profile, once: a department page, three views there.
  const a = await fresh(browser, false);
  await a.page.goto(`${origin}/#dept=${encodeURIComponent(dept)}`);
  const learned = await a.page.evaluate(async ([m, dept, ids]) => {
    const mod = await import(m);
    await mod.visit(dept);
    const got = [];
    for (const itemId of ids) got.push(await mod.record({ type: "view", itemId }));
    await (await mod.ready).personalizer.flush();
    return got;
  }, [MODULE, dept, viewed]);
  if (!learned.every(Boolean)) throw new Error(`the views of ${viewed} were not learned: ${learned}`);
  const profile = await a.page.evaluate(dumpProfile);
  // Untimed: let the server compress every file in brotli (it sends gzip until then).
  await a.page.goto(`${origin}/`);
  await a.page.waitForFunction(() => window.__scale.items !== null, null, { timeout: 60_000 });
  await new Promise((r) => setTimeout(r, 15_000));
  await a.ctx.close();

  for (let run = 0; run < RUNS; run++) {
    const first = await fresh(browser, true);
    await first.page.goto(`${origin}/#dept=${encodeURIComponent(dept)}`);
    await first.page.waitForFunction(() => window.__scale.ready !== null, null, { timeout: 60_000 });
    await first.page.waitForFunction(async (m) => (await (await import(m)).ready).personalizer.parts().length === 2, MODULE, { timeout: 60_000 });
    await first.page.waitForLoadState("networkidle");
    const firstBytes = first.bytes();
    await first.ctx.close();

    const back = await fresh(browser, true);
    await back.page.goto(`${origin}/no-such-page`);
    await back.page.evaluate(restoreProfile, profile);
    back.reset();
    await back.page.goto(`${origin}/`);
    await back.page.waitForFunction(() => window.__scale.items !== null, null, { timeout: 60_000 });
    const ms = await back.page.evaluate(() => window.__scale.items);
    await back.page.waitForLoadState("networkidle");
    runs.push({ first_visit_bytes: firstBytes, cold_first_slate_ms: ms, returning_bytes: back.bytes() });
    log(`run ${run + 1}: first visit ${firstBytes} B; returning, cold: first slate ${Math.round(ms)} ms, ${back.bytes()} B`);
    await back.ctx.close();
  }
} finally {
  await browser.close();
  server.kill("SIGTERM");
}
const m = (k) => median(runs.map((r) => r[k]));
console.log(JSON.stringify({
  browser: "Chromium (headless)", department: dept, network: NETWORK, runs,
  first_visit_bytes: m("first_visit_bytes"), cold_first_slate_ms: m("cold_first_slate_ms"), cold_returning_bytes: m("returning_bytes"),
}, null, 2));
