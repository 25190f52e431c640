// The npm package (pkg/, from `make package`) in the two ways a shop's page can use it:
// a plain <script type="module"> importing it by a relative path, and a Vite build
// importing "flaneur". Fixtures: tests/package/, laid out by scripts/build-package-fixtures.sh.
import { readFileSync, statSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { PLAIN_URL, VITE_URL } from "../../playwright.config.mjs";

const catalog = JSON.parse(readFileSync(new URL("../../www/demo/catalog.json", import.meta.url), "utf8"));
const categoryOf = new Map(catalog.items.map((item) => [item.id, item.category]));
const byCategory = new Map();
for (const item of catalog.items) byCategory.set(item.category, [...(byCategory.get(item.category) ?? []), item]);
// Sensitive items (health, …) are learned from only with the shopper's opt-in: not those.
const categories = [...byCategory.keys()].filter(
  (c) => byCategory.get(c).length >= 4 && byCategory.get(c).every((item) => !item.sensitive),
);
// Two unrelated categories: the slate must follow whichever one was viewed.
const viewed = [categories.at(-1), categories[0]];
const wasmSize = statSync(new URL("../../pkg/flaneur_bg.wasm", import.meta.url)).size;

test.beforeAll(() => {
  expect(categories.length, "the demo catalog has two categories of four ordinary items or more").toBeGreaterThanOrEqual(2);
  expect(viewed[0]).not.toBe(viewed[1]);
});

// Opens the page having viewed three items of `category`; returns what the page fetched and logged.
async function openAfterViewing(page, url, category) {
  const problems = [];
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    // (Failed loads are checked by URL below: the browser's own /favicon.ico request may 404.)
    if (!["error", "warning"].includes(msg.type()) || msg.text().startsWith("Failed to load resource")) return;
    problems.push(`console.${msg.type()}: ${msg.text()}`);
  });
  const responses = [];
  page.on("response", (r) => {
    responses.push(r);
    if (r.status() >= 400 && new URL(r.url()).pathname !== "/favicon.ico") problems.push(`${r.status()} ${r.url()}`);
  });
  const query = byCategory.get(category).slice(0, 3).map((item) => `view=${encodeURIComponent(item.id)}`).join("&");
  await page.goto(`${url}/?${query}`);
  return { problems, responses };
}

// The slate listed in <ol id=slot>: ready, non-empty, led by an item of the viewed category.
async function expectSlateFollows(page, slot, category) {
  const list = page.locator(`#${slot}`);
  await expect(list).toHaveAttribute("data-state", "ready");
  const ids = await list.locator("li").evaluateAll((items) => items.map((li) => li.dataset.itemId));
  expect(ids.length, `${slot}: a non-empty slate`).toBeGreaterThan(0);
  for (const id of ids) expect(categoryOf.has(id), `${slot}: ${id} is a catalog item`).toBe(true);
  expect(categoryOf.get(ids[0]), `${slot}: the first item's category`).toBe(category);
  expect(new Set(ids).size, `${slot}: no item twice`).toBe(ids.length);
}

// The .wasm the page loaded (the page's and, with a worker, the worker's): the package's, as application/wasm.
async function expectWasm(responses, pathPattern) {
  const wasm = responses.filter((r) => new URL(r.url()).pathname.endsWith(".wasm"));
  expect(wasm.length, "the page fetched a .wasm").toBeGreaterThan(0);
  for (const r of wasm) {
    expect(new URL(r.url()).pathname).toMatch(pathPattern);
    expect(r.status()).toBe(200);
    expect(r.headers()["content-type"]).toBe("application/wasm");
    expect((await r.body()).length, "the bytes of pkg/flaneur_bg.wasm").toBe(wasmSize);
  }
}

for (const category of viewed) {
  test(`plain module page: pkg/ imported by a relative path, slate follows ${category}`, async ({ page }) => {
    const { problems, responses } = await openAfterViewing(page, PLAIN_URL, category);
    await expectSlateFollows(page, "main", category);
    await expect(page.locator("#main")).toHaveAttribute("data-item-count", String(catalog.items.length));
    await expectWasm(responses, /^\/pkg\/flaneur_bg\.wasm$/);
    const glue = responses.find((r) => new URL(r.url()).pathname === "/pkg/flaneur.js");
    expect(glue?.headers()["content-type"]).toMatch(/^text\/javascript/);
    expect(problems).toEqual([]);
  });

  test(`Vite build: "flaneur" from node_modules, .wasm emitted as an asset, slate follows ${category}`, async ({ page }) => {
    const { problems, responses } = await openAfterViewing(page, VITE_URL, category);
    await expectSlateFollows(page, "main", category);
    await expect(page.locator("#main")).toHaveAttribute("data-item-count", String(catalog.items.length));
    // Vite rewrote new URL("flaneur_bg.wasm", import.meta.url) to its hashed asset.
    await expectWasm(responses, /^\/assets\/flaneur_bg-[\w-]+\.wasm$/);
    // The bundle, not the package's files, is what the page loaded.
    const paths = responses.map((r) => new URL(r.url()).pathname);
    expect(paths.filter((p) => p.includes("flaneur.js") || p.includes("node_modules"))).toEqual([]);
    // The worker entry too: Vite bundled worker-host.js and the worker loaded the same .wasm.
    await expectSlateFollows(page, "worker", category);
    expect(problems).toEqual([]);
  });
}
