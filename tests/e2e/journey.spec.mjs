// A shopper's journey through the demo shop, with every request and every storage write
// recorded: browse sweaters, look at red ones, add one to the cart; the shelf follows, a
// divergent card explains itself, the panel shows what was learned and forgets it on
// request, intensity 0 restores the shop's order, erase clears storage — and nothing the
// shopper did leaves the page. Screenshots of the home page and the open panel are
// attached to the test's results.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { seriousA11yViolations, shot } from "./page.mjs";

const catalog = JSON.parse(readFileSync(new URL("../../www/demo/catalog.json", import.meta.url), "utf8"));
const SWEATERS = "Women > Knitwear > Sweaters";
const redSweaters = catalog.items.filter((i) => i.category === SWEATERS && i.attributes.colour === "red" && i.available);
// A red item the journey never comes near: what it owes to the profile is the colour alone.
const redElsewhere = catalog.items.find(
  (i) => i.attributes.colour === "red" && !i.category.startsWith("Women") && !i.sensitive && i.available,
);

// Runs in the page before any of its scripts: records every way data could leave the page
// or be written down, and every CSP violation.
function instrument() {
  // Not a page of the shop (Firefox runs init scripts in a new tab's first, blank document
  // too, where storage is off limits): nothing to record.
  if (!/^https?:$/.test(location.protocol)) return;
  const log = (window.__flaneurLog = { sent: [], writes: [], violations: [] });
  const wrap = (target, name, kind) => {
    const original = target[name];
    if (typeof original !== "function") return;
    target[name] = function (...args) {
      log[kind].push({ api: name, args: args.map((a) =>
        typeof a === "string" ? a : a instanceof URL ? a.href : a instanceof Request ? a.url : a?.constructor?.name ?? String(a),
      ) });
      return original.apply(this, args);
    };
  };
  wrap(window, "fetch", "sent");
  wrap(navigator, "sendBeacon", "sent");
  wrap(XMLHttpRequest.prototype, "send", "sent");
  for (const Ctor of ["WebSocket", "EventSource"]) {
    const Original = window[Ctor];
    window[Ctor] = function (...args) {
      log.sent.push({ api: Ctor, args: [String(args[0])] });
      return new Original(...args);
    };
  }
  for (const area of ["localStorage", "sessionStorage"]) {
    const storage = window[area];
    const setItem = storage.setItem.bind(storage);
    Object.defineProperty(storage, "setItem", { value: (k, v) => (log.writes.push({ api: `${area}.setItem`, key: k, value: String(v) }), setItem(k, v)) });
  }
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  Object.defineProperty(document, "cookie", {
    get: () => cookie.get.call(document),
    set: (v) => (log.writes.push({ api: "document.cookie", key: "", value: v }), cookie.set.call(document, v)),
  });
  for (const method of ["put", "add"]) {
    const original = IDBObjectStore.prototype[method];
    IDBObjectStore.prototype[method] = function (value, key) {
      log.writes.push({ api: `indexedDB.${method}`, key: `${this.name}/${key}`, value: value?.constructor?.name ?? typeof value });
      return original.call(this, value, key);
    };
  }
  document.addEventListener("securitypolicyviolation", (e) =>
    log.violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
}

const forYou = (page) => page.locator('flaneur-shelf[heading="For you"] [data-item-id]');
const byId = new Map(catalog.items.map((i) => [i.id, i]));

async function openProduct(page, item) {
  await page.goto(`/#/product/${item.id}`);
  await expect(page.locator("h1")).toHaveText(item.title);
}

async function home(page) {
  await page.goto("/#/");
  await expect(page.locator("body")).toHaveAttribute("data-page", "home");
  await expect(page.locator('flaneur-shelf[heading="For you"]')).toHaveAttribute("data-state", "ready");
}

// In the page: the components' personalizer explains an item.
const explain = (page, id) =>
  page.evaluate(async (id) => (await (await import("/components/flaneur-elements.js")).ready).personalizer.explain(id), id);

test("the journey moves the shelf, explains itself, obeys the panel, and keeps every byte on the device", async ({ page, context }, testInfo) => {
  test.setTimeout(90_000);
  expect(redSweaters.length, "the demo catalog has red sweaters").toBeGreaterThanOrEqual(4);
  expect(redElsewhere, "and a red item outside women's wear").toBeTruthy();
  const requests = [];
  page.on("request", (r) => requests.push(r));
  page.on("pageerror", (err) => {
    throw err;
  });
  await page.addInitScript(instrument);
  // This journey follows tastes (categories, colours, similar items): the engine opens the
  // JSON catalog, without the sequence model (tests/e2e/sequence.spec.mjs runs the model).
  await page.route("**/catalog/manifest.json", (route) => route.fulfill({ status: 404, body: "" }));

  // A fresh shopper: the shelf abstains rather than guess.
  await home(page);
  await expect(forYou(page)).toHaveCount(0);
  await shot(page, testInfo, "home-fresh.png");

  // Browse sweaters, look at red ones, watching the home shelf for a divergent card.
  await page.goto(`/#/category/women/knitwear/sweaters`);
  await expect(page.locator("body")).toHaveAttribute("data-page", "category");
  const divergentReasons = [];
  for (const item of redSweaters.slice(0, 4)) {
    await openProduct(page, item);
    await home(page);
    await expect(forYou(page).first()).toHaveAttribute("data-kind", "personal");
    const divergent = page.locator('flaneur-shelf[heading="For you"] [data-kind="divergent"]');
    for (const text of await divergent.locator(".fl-card__reason").allTextContents()) divergentReasons.push(text.trim());
  }
  // The shelf moved toward red sweaters…
  const ids = await forYou(page).evaluateAll((cards) => cards.map((c) => c.dataset.itemId));
  const personal = await page.locator('flaneur-shelf[heading="For you"] [data-kind="personal"]').evaluateAll((cs) => cs.map((c) => c.dataset.itemId));
  expect(byId.get(ids[0]).category).toBe(SWEATERS);
  const redShare = personal.filter((id) => byId.get(id).attributes.colour === "red").length / personal.length;
  const catalogRedShare = catalog.items.filter((i) => i.attributes.colour === "red").length / catalog.items.length;
  expect(redShare, "red is over-represented among personal picks").toBeGreaterThan(2 * catalogRedShare);
  // …and a divergent card appeared, its reason a question one step outside the bubble.
  expect(divergentReasons.length, "a divergent card appeared").toBeGreaterThan(0);
  // (labelled visibly: a badge, then the reason as a question)
  for (const reason of divergentReasons) expect(reason).toMatch(/^Something different\s*You like .+ — try .+\?$/);
  await shot(page, testInfo, "home-after-red-sweaters.png");

  // Every card explains itself.
  const first = forYou(page).first();
  await first.getByRole("button", { name: /Why this/ }).click();
  await expect(first.getByRole("button", { name: /Why this/ })).toHaveAttribute("aria-expanded", "true");
  await expect(first).toContainText(/Sweaters/);

  // Add one to the cart.
  await openProduct(page, redSweaters[0]);
  await page.locator("#add-to-cart").click();
  await expect(page.locator(".site-header")).toContainText("1");

  // The panel lists the learned interests.
  await page.locator(".site-header flaneur-preferences").getByRole("button").first().click();
  const dialog = page.getByRole("dialog", { name: "Your privacy & personalization" });
  await expect(dialog).toBeVisible();
  await expect(dialog.locator(`.fl-taste[data-key="category:${SWEATERS}"]`)).toBeVisible();
  const red = dialog.locator('.fl-taste[data-key="facet:colour:red"]');
  await expect(red).toBeVisible();
  await shot(page, testInfo, "panel-open.png");
  expect(await seriousA11yViolations(page), "axe, panel open").toEqual([]);

  // Forgetting "colour: red" removes its influence: a red item far from sweaters loses
  // what it owed to the colour.
  const before = await explain(page, redElsewhere.id);
  expect(before.reason.signals.some((s) => s.kind === "facet" && s.label === "colour: red")).toBe(true);
  await red.getByRole("button", { name: /^Forget/ }).click();
  await expect(red).toHaveCount(0);
  const after = await explain(page, redElsewhere.id);
  expect(after.reason.signals.some((s) => s.kind === "facet" && s.label === "colour: red")).toBe(false);
  expect(after.relevance).toBeLessThan(before.relevance);

  // Intensity 0 restores the shop's own order.
  const intensity = dialog.getByRole("slider", { name: "How much your interests shape suggestions" });
  await intensity.focus();
  await page.keyboard.press("Home");
  await expect(intensity).toHaveValue("0");
  await page.keyboard.press("Escape");
  await home(page);
  const kinds = await forYou(page).evaluateAll((cards) => cards.map((c) => c.dataset.kind));
  expect(kinds.length).toBeGreaterThan(0);
  expect(new Set(kinds)).toEqual(new Set(["default"]));
  const shopOrder = catalog.items.filter((i) => !i.sensitive && i.available).map((i) => i.id);
  const shown = await forYou(page).evaluateAll((cards) => cards.map((c) => c.dataset.itemId));
  expect(shown).toEqual(shopOrder.filter((id) => shown.includes(id)).slice(0, shown.length));
  expect(await seriousA11yViolations(page), "axe, home").toEqual([]);

  // Erase clears storage.
  await page.locator(".site-header flaneur-preferences").getByRole("button").first().click();
  await dialog.getByRole("button", { name: "Erase everything…" }).click();
  await dialog.getByRole("button", { name: "Yes, erase everything" }).click();
  await expect(dialog.locator(".fl-taste")).toHaveCount(0);
  const left = await page.evaluate(async () => {
    const db = await new Promise((ok, no) => {
      const r = indexedDB.open("flaneur");
      r.onsuccess = () => ok(r.result);
      r.onerror = () => no(r.error);
    });
    const keys = [];
    for (const store of db.objectStoreNames) {
      keys.push(...(await new Promise((ok) => { const r = db.transaction(store).objectStore(store).getAllKeys(); r.onsuccess = () => ok(r.result); })));
    }
    db.close();
    return { idb: keys, local: Object.keys(localStorage), session: Object.keys(sessionStorage) };
  });
  expect(left.idb).toEqual([]);
  expect(left.local).toEqual([]);
  expect(left.session.every((k) => !k.startsWith("flaneur")), "only the shop's own cart may remain in the tab").toBe(true);

  // Privacy: what was sent, and what was written.
  const origin = new URL(page.url()).origin;
  const viewedIds = redSweaters.slice(0, 4).map((i) => i.id);
  for (const r of requests) {
    const url = new URL(r.url());
    expect(url.origin, r.url()).toBe(origin);
    expect(r.method(), r.url()).toBe("GET");
    expect(url.search, r.url()).toBe("");
    expect(r.postData(), r.url()).toBeNull();
    expect(url.pathname).toMatch(/^\/(|index\.html|app\.js|style\.css|catalog\.(json|bin)|catalog\/(manifest\.json|(core|shard)-[0-9a-f]{16}\.bin)|shop\/[\w/-]+\.js|components\/[\w.-]+\.(js|css)|pkg\/[\w.-]+\.(js|wasm)|favicon\.ico)$/);
    const headers = await r.allHeaders();
    expect(headers.cookie, "no cookie travels").toBeUndefined();
    for (const [name, value] of Object.entries(headers)) {
      for (const id of viewedIds) expect(value, `header ${name}`).not.toContain(id);
      expect(value, `header ${name}`).not.toMatch(/red|sweater/i);
    }
  }
  expect(await context.cookies()).toEqual([]);
  const log = await page.evaluate(() => window.__flaneurLog);
  for (const call of log.sent) {
    expect(call.api, JSON.stringify(call)).toBe("fetch");
    expect(new URL(call.args[0], origin).pathname).toMatch(/^\/(catalog\.(json|bin)|catalog\/(manifest\.json|(core|shard)-[0-9a-f]{16}\.bin)|pkg\/flaneur_bg\.wasm)$/);
  }
  expect(log.sent.some((c) => c.api === "sendBeacon" || c.api === "WebSocket" || c.api === "EventSource" || c.api === "send")).toBe(false);
  for (const write of log.writes) {
    const allowed =
      (write.api === "indexedDB.put" && write.key === `profiles/${catalog.shop}` && write.value === "Uint8Array") ||
      (write.api === "sessionStorage.setItem" && !write.key.startsWith("flaneur"));
    expect(allowed, `unexpected write ${JSON.stringify(write)}`).toBe(true);
  }
  expect(log.writes.some((w) => w.api === "indexedDB.put"), "the profile was written, on the device").toBe(true);
  expect(log.violations, "the demo works under its strict CSP").toEqual([]);
  const csp = (await requests.find((r) => new URL(r.url()).pathname === "/").response()).headers()["content-security-policy"];
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).toContain("connect-src 'self'");
});
