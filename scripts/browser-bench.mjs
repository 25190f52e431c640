// What the browser benchmarks (bench-wire.mjs, bench-scale-browser.mjs) share: a cold browser
// context over an emulated link, and the profile one context kept copied into another (a
// returning shopper); dumpProfile and restoreProfile run in the page (page.evaluate), so each is
// self-contained.

/** Debian's headless Chromium (CHROMIUM to use another), with the flags playwright.config.mjs gives it. */
export function launchChromium(chromium) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

/** The link both emulate: 10 Mbit/s down and up, 40 ms latency. */
export const NETWORK = { offline: false, latency: 40, downloadThroughput: 1_250_000, uploadThroughput: 1_250_000 };

/**
 * A fresh context of `browser` (its own renderer: nothing compiled, nothing cached) running
 * `initScript` first in every page, with the HTTP cache cleared and disabled and, when
 * `throttled`, the link above: its page and its DevTools Protocol session (Network enabled).
 */
export async function coldContext(browser, initScript, throttled, log) {
  const ctx = await browser.newContext();
  await ctx.addInitScript(initScript);
  const page = await ctx.newPage();
  page.on("pageerror", (e) => log(`page error: ${e.message}`));
  const cdp = await ctx.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.clearBrowserCache");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  if (throttled) await cdp.send("Network.emulateNetworkConditions", NETWORK);
  return { ctx, page, cdp };
}

// In the page: flaneur's IndexedDB database ("flaneur", docs/FORMATS.md), every store's
// entries, the values as arrays of bytes; and the same written back into a new database.
export async function dumpProfile() {
  const db = await new Promise((ok, no) => Object.assign(indexedDB.open("flaneur"), { onsuccess: (e) => ok(e.target.result), onerror: no }));
  const dump = { version: db.version, stores: {} };
  for (const name of db.objectStoreNames) {
    const store = db.transaction(name).objectStore(name);
    const [keys, values] = await Promise.all([store.getAllKeys(), store.getAll()].map((r) => new Promise((ok, no) => Object.assign(r, { onsuccess: () => ok(r.result), onerror: no }))));
    dump.stores[name] = keys.map((k, i) => [k, Array.from(new Uint8Array(values[i].buffer ?? values[i]))]);
  }
  db.close();
  return dump;
}
export async function restoreProfile(dump) {
  const open = indexedDB.open("flaneur", dump.version);
  open.onupgradeneeded = () => { for (const name of Object.keys(dump.stores)) open.result.createObjectStore(name); };
  const db = await new Promise((ok, no) => Object.assign(open, { onsuccess: () => ok(open.result), onerror: no }));
  for (const [name, entries] of Object.entries(dump.stores)) {
    const tx = db.transaction(name, "readwrite");
    for (const [k, v] of entries) tx.objectStore(name).put(new Uint8Array(v), k);
    await new Promise((ok, no) => Object.assign(tx, { oncomplete: ok, onabort: no }));
  }
  db.close();
}
