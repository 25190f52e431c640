// Consent before anything is kept (issue #19): the demo shop with
// data-consent="required" on the components' script tag. Until the shop's consent
// manager grants it, a whole journey leaves nothing in IndexedDB, localStorage or
// Cache Storage; after granting the profile survives a reload; after revoking
// nothing remains.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";

const catalog = JSON.parse(readFileSync(new URL("../../www/demo/catalog.json", import.meta.url), "utf8"));
const SWEATERS = "Women > Knitwear > Sweaters";
const sweaters = catalog.items.filter((i) => i.category === SWEATERS && i.available && !i.sensitive).slice(0, 3);
const MODULE = "/components/flaneur-elements.js";
const PANEL = "Your privacy & personalization";

test.beforeEach(async ({ page }) => {
  page.on("pageerror", (err) => {
    throw err;
  });
  // The shop asks for consent: the same demo page, its script tag with data-consent="required".
  await page.route(/\/(index\.html)?(\?.*)?$/, async (route) => {
    const response = await route.fetch();
    const html = (await response.text()).replace(' data-catalog="catalog.json"', ' data-catalog="catalog.json" data-consent="required"');
    expect(html).toContain('data-consent="required"');
    await route.fulfill({ response, body: html });
  });
});

// In the page: everything the origin keeps, as names.
async function kept() {
  const databases = (await indexedDB.databases()).map((d) => d.name);
  const caches = await globalThis.caches.keys();
  return { databases, localStorage: Object.keys(localStorage), caches };
}

const nothingKept = { databases: [], localStorage: [], caches: [] };
const profile = (page) => page.evaluate(async (m) => (await (await import(m)).ready).personalizer.profile(), MODULE);

async function journey(page) {
  for (const item of sweaters) {
    await page.goto(`/#/product/${item.id}`);
    await expect(page.locator("h1")).toHaveText(item.title);
  }
  await page.locator("#add-to-cart").click();
  await expect(page.locator(".site-header")).toContainText("1");
  await page.goto("/#/");
  await expect(page.locator('flaneur-shelf[heading="For you"]')).toHaveAttribute("data-state", "ready");
  // The panel: open it, change a setting, read what it says about keeping the profile.
  await page.locator(".site-header flaneur-preferences").getByRole("button").first().click();
  const dialog = page.getByRole("dialog", { name: PANEL });
  await expect(dialog).toBeVisible();
  await expect(dialog.locator(`.fl-taste[data-key="category:${SWEATERS}"]`)).toBeVisible();
  await page.keyboard.press("Escape");
  return dialog;
}

test("with consent required nothing is kept until it is granted; granted it persists; revoked nothing remains", async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-page", "home");
  const dialog = await journey(page);
  expect((await profile(page)).consent).toBe("required");
  await page.locator(".site-header flaneur-preferences").getByRole("button").first().click();
  await expect(dialog.locator(".fl-storage")).toContainText("Not kept");
  await page.keyboard.press("Escape");
  await page.evaluate(async (m) => (await (await import(m)).ready).personalizer.flush(), MODULE);
  await page.waitForTimeout(200);
  expect(await page.evaluate(kept)).toEqual(nothingKept);

  // The shop's consent manager grants it: what this page learned is kept, and survives a reload.
  await page.evaluate(async (m) => (await import(m)).consent.grant(), MODULE);
  const granted = await profile(page);
  expect(granted.consent).toBe("granted");
  expect(granted.storage).toBe("indexeddb");
  const learned = granted.tastes.find((t) => t.label === SWEATERS)?.count ?? 0;
  expect(learned).toBeGreaterThan(0);
  await page.evaluate(async (m) => (await (await import(m)).ready).personalizer.flush(), MODULE);
  await page.reload();
  await expect(page.locator("body")).toHaveAttribute("data-page", "home");
  // A reload reads nothing until the consent manager says again that consent is given.
  expect((await profile(page)).tastes).toEqual([]);
  await page.evaluate(async (m) => (await import(m)).consent.grant(), MODULE);
  const reloaded = await profile(page);
  expect(reloaded.tastes.find((t) => t.label === SWEATERS)?.count).toBe(learned);
  await page.locator(".site-header flaneur-preferences").getByRole("button").first().click();
  await expect(dialog.locator(".fl-storage")).toContainText("Kept in this browser");
  await page.keyboard.press("Escape");

  // Revoked: erased, and nothing more is kept.
  await page.evaluate(async (m) => (await import(m)).consent.revoke(), MODULE);
  expect((await profile(page)).consent).toBe("required");
  await journey(page);
  await page.evaluate(async (m) => (await (await import(m)).ready).personalizer.flush(), MODULE);
  // Not even the empty database stays.
  expect(await page.evaluate(kept)).toEqual(nothingKept);
});

test("the TCF and Consent Mode adapters follow the shop's consent signals", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-page", "home");
  const seen = await page.evaluate(async () => {
    const { followTcf, followConsentMode } = await import("/components/consent.js");
    const calls = [];
    const fake = { grant: async () => calls.push("grant"), revoke: async () => calls.push("revoke") };
    // A stand-in for a CMP's __tcfapi: calls back with purpose consents.
    let listener;
    window.__tcfapi = (command, version, callback) => {
      if (command === "addEventListener") listener = callback;
      if (command === "removeEventListener") callback(true);
    };
    const stopTcf = followTcf(fake);
    const tcData = (consents) => ({ gdprApplies: true, eventStatus: "useractioncomplete", listenerId: 1, purpose: { consents } });
    listener(tcData({ 1: true, 5: true, 6: true }), true);
    listener(tcData({ 1: true, 5: true, 6: false }), true);
    listener({ gdprApplies: false, eventStatus: "tcloaded", listenerId: 1 }, true);
    stopTcf();
    const tcf = calls.splice(0);
    // Google Consent Mode: gtag("consent", …) pushes arguments onto dataLayer.
    window.dataLayer = [];
    function gtag() { window.dataLayer.push(arguments); }
    gtag("consent", "default", { personalization_storage: "denied", ad_storage: "denied" });
    const stopMode = followConsentMode(fake);
    gtag("consent", "update", { personalization_storage: "granted" });
    gtag("event", "page_view");
    gtag("consent", "update", { personalization_storage: "denied" });
    stopMode();
    gtag("consent", "update", { personalization_storage: "granted" });
    return { tcf, mode: calls.splice(0) };
  });
  expect(seen.tcf).toEqual(["grant", "revoke", "grant"]);
  expect(seen.mode).toEqual(["revoke", "grant", "revoke"]);
});

test("in a worker too, consent required keeps nothing until granted, and revoking leaves nothing", async ({ page }) => {
  await page.goto("/");
  const seen = await page.evaluate(async () => {
    const worker = await import("/pkg/worker.js");
    await worker.default();
    const catalog = await (await fetch("/catalog.json")).json();
    const shopId = "e2e-consent-worker";
    const p = await worker.Personalizer.open({ catalog, shopId, consent: "required", seed: 1 });
    const names = async () => (await indexedDB.databases()).map((d) => d.name);
    await p.record({ type: "view", itemId: catalog.items[0].id });
    await p.flush();
    const before = { consent: (await p.profile()).consent, databases: await names() };
    await p.grantConsent();
    await p.flush();
    const granted = (await p.profile()).consent;
    const reopened = await worker.Personalizer.open({ catalog, shopId, seed: 1 });
    const kept = (await reopened.profile()).tastes.length;
    reopened.close();
    await p.revokeConsent();
    const again = await worker.Personalizer.open({ catalog, shopId, seed: 1 });
    const after = { consent: (await p.profile()).consent, tastes: (await again.profile()).tastes.length };
    await again.erase();
    again.close();
    p.close();
    return { before, granted, kept, after };
  });
  expect(seen.before).toEqual({ consent: "required", databases: [] });
  expect(seen.granted).toBe("granted");
  expect(seen.kept).toBeGreaterThan(0);
  expect(seen.after).toEqual({ consent: "required", tastes: 0 });
});
