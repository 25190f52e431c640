#!/usr/bin/env node
// Writes www/catalog.json, the demo storefront's catalog (flaneur JSON v1).
//
// Deterministic: a seeded PRNG, no input, no network. Every item is invented
// here: titles from colour × material × product noun, vectors from a fixed
// random direction per category, colour and material plus a little noise
// (so "similar" means similar category, colour and material), popularity from
// the PRNG. Run `node scripts/make-demo-catalog.mjs` to regenerate it.
import { writeFileSync } from "node:fs";

const DIMS = 16;
const PER_CATEGORY = 6;

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20261123);
const pick = (list) => list[Math.floor(rand() * list.length)];
const direction = () => Array.from({ length: DIMS }, () => rand() * 2 - 1);

const categories = [
  { path: "Women > Knitwear > Sweaters", noun: "sweater", materials: ["wool", "cashmere", "cotton"] },
  { path: "Women > Knitwear > Cardigans", noun: "cardigan", materials: ["wool", "cotton"] },
  { path: "Women > Dresses", noun: "dress", materials: ["linen", "silk", "cotton"] },
  { path: "Men > Knitwear > Sweaters", noun: "jumper", materials: ["wool", "cashmere"] },
  { path: "Men > Shirts", noun: "shirt", materials: ["linen", "cotton"] },
  { path: "Shoes > Sneakers", noun: "sneakers", materials: ["canvas", "leather"] },
  { path: "Shoes > Boots", noun: "boots", materials: ["leather", "suede"] },
  { path: "Home > Kitchen", noun: "mug", materials: ["stoneware", "porcelain"] },
  { path: "Home > Bedding", noun: "duvet cover", materials: ["linen", "cotton"] },
  { path: "Health > Supplements", noun: "vitamin pack", materials: ["capsules"], sensitive: "health" },
];
const colours = ["red", "navy", "green", "cream", "black", "mustard"];
const brands = ["Alder", "Brume", "Corvo", "Dune"];
const styles = ["classic", "relaxed", "modern"];

const colourDir = Object.fromEntries(colours.map((c) => [c, direction()]));
const materialDir = {};
const items = [];
let n = 0;
for (const cat of categories) {
  const base = direction();
  for (const m of cat.materials) materialDir[m] ??= direction();
  for (let i = 0; i < PER_CATEGORY; i++) {
    const colour = colours[(i + categories.indexOf(cat)) % colours.length];
    const material = pick(cat.materials);
    const v = base.map((b, d) => 1.0 * b + 0.45 * colourDir[colour][d] + 0.3 * materialDir[material][d] + 0.1 * (rand() * 2 - 1));
    const norm = Math.hypot(...v);
    n += 1;
    const item = {
      id: `sku-${String(n).padStart(4, "0")}`,
      title: `${colour[0].toUpperCase()}${colour.slice(1)} ${material} ${cat.noun}`,
      category: cat.path,
      attributes: { colour, material, brand: pick(brands), style: pick(styles) },
      price: Math.round((15 + rand() * 135) * 100) / 100,
      currency: "EUR",
      available: rand() > 0.05,
      popularity: Math.round(rand() * 100) / 100,
      vector: v.map((x) => Math.round((x / norm) * 1e4) / 1e4),
    };
    if (cat.sensitive) item.sensitive = cat.sensitive;
    items.push(item);
  }
}
// The shop's default merchandising order: interleave departments, as a shop's home page would.
items.sort((a, b) => (Number(a.id.slice(4)) % PER_CATEGORY) - (Number(b.id.slice(4)) % PER_CATEGORY) || a.id.localeCompare(b.id));

const catalog = {
  version: 1,
  shop: "flaneur-demo",
  dims: DIMS,
  facets: {
    colour: { divergence: true },
    material: { divergence: true },
    brand: { divergence: true },
    style: { divergence: true },
  },
  items,
};
const out = new URL("../www/catalog.json", import.meta.url);
// One item per line: readable diffs, small file.
const { items: list, ...header } = catalog;
const head = JSON.stringify(header, null, 2).replace(/\n}$/, "");
writeFileSync(out, `${head},\n  "items": [\n${list.map((i) => "    " + JSON.stringify(i)).join(",\n")}\n  ]\n}\n`);
console.log(`wrote ${items.length} items to ${out.pathname}`);
