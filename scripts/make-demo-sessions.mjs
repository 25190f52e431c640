#!/usr/bin/env node
// Writes a synthetic session log of the demo shop (`user,item,timestamp,event`,
// the input of `flaneur model train`): what the demo's sequence model learns from.
//
// Provenance: invented by this script from www/demo/catalog.json and a seeded
// PRNG; no real shopper is in it. Deterministic: mulberry32, no clock, no
// Math.random, so two runs write the same bytes.
//
// How the invented shoppers move, step after step, from the item they look at:
// - 45 %: an item the shop lists as often bought with it (a sweater, then a
//   scarf, then boots): the order a sequence model can learn and no bag of
//   items shows;
// - 25 %: another item of the same leaf in the same colour or style (comparing);
// - 30 %: a fresh start in one of the shopper's two departments, popular first.
// After a view, 12 % of steps put the item in the cart; a session with a cart
// ends in a purchase of it 40 % of the time. Sensitive items (health) are left
// out: the device learns nothing from them without the shopper's opt-in.
//
//   node scripts/make-demo-sessions.mjs [OUT.csv]   (default target/demo/sessions.csv)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const SEED = 20261205;
const SHOPPERS = 3000;
const T0 = Date.UTC(2026, 8, 1); // the first session: 1 September 2026
const DAY = 86_400_000;

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const out = process.argv[2] ?? new URL("../target/demo/sessions.csv", import.meta.url).pathname;
const catalog = JSON.parse(readFileSync(new URL("../www/demo/catalog.json", import.meta.url)));
const items = catalog.items.filter((item) => !item.sensitive && item.available !== false);
const byId = new Map(items.map((item) => [item.id, item]));
const department = (item) => item.category.split(" > ")[0];
const departments = [...new Set(items.map(department))];
const byLeaf = new Map();
const byDepartment = new Map();
for (const item of items) {
  if (!byLeaf.has(item.category)) byLeaf.set(item.category, []);
  byLeaf.get(item.category).push(item);
  if (!byDepartment.has(department(item))) byDepartment.set(department(item), []);
  byDepartment.get(department(item)).push(item);
}

const rand = mulberry32(SEED);
const pick = (list) => list[Math.floor(rand() * list.length)];
/** A popular item of `list`: popularity-weighted. */
function popular(list) {
  const total = list.reduce((sum, item) => sum + item.popularity + 0.05, 0);
  let r = rand() * total;
  for (const item of list) {
    r -= item.popularity + 0.05;
    if (r <= 0) return item;
  }
  return list[list.length - 1];
}

function next(item, favourites) {
  const r = rand();
  const withIt = (item.bought_with ?? []).map((id) => byId.get(id)).filter(Boolean);
  if (r < 0.45 && withIt.length) return pick(withIt);
  if (r < 0.7) {
    const like = byLeaf
      .get(item.category)
      .filter(
        (other) =>
          other !== item &&
          (other.attributes?.colour === item.attributes?.colour ||
            other.attributes?.style === item.attributes?.style),
      );
    if (like.length) return pick(like);
  }
  return popular(byDepartment.get(pick(favourites)));
}

const lines = ["user,item,timestamp,event"];
for (let shopper = 0; shopper < SHOPPERS; shopper++) {
  const user = `u${String(shopper).padStart(5, "0")}`;
  const favourites = [pick(departments), pick(departments)];
  const sessions = 1 + Math.floor(rand() * 4);
  let at = T0 + Math.floor(rand() * 60) * DAY + Math.floor(rand() * DAY);
  for (let s = 0; s < sessions; s++) {
    let item = popular(byDepartment.get(favourites[0]));
    let cart = null;
    const steps = 4 + Math.floor(rand() * 17);
    for (let step = 0; step < steps; step++) {
      lines.push(`${user},${item.id},${at},view`);
      at += 20_000 + Math.floor(rand() * 70_000);
      if (rand() < 0.12) {
        lines.push(`${user},${item.id},${at},add_to_cart`);
        at += 5_000 + Math.floor(rand() * 20_000);
        cart = item;
      }
      item = next(item, favourites);
    }
    if (cart && rand() < 0.4) lines.push(`${user},${cart.id},${at},purchase`);
    at += DAY + Math.floor(rand() * 14 * DAY);
  }
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, lines.join("\n") + "\n");
console.error(`${out}: ${lines.length - 1} events of ${SHOPPERS} shoppers`);
