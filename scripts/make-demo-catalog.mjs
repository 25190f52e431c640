#!/usr/bin/env node
// Writes www/demo/catalog.json, the demo storefront's catalog (flaneur JSON v1):
// 2,082 invented products over eight departments and 46 leaf categories.
//
// Provenance: nothing here comes from a real shop or an open data set. Every
// product is made up by this script from the word lists below (departments,
// leaf categories, product nouns, colours, materials, invented brand names,
// styles) and a seeded PRNG. The script reads no input and no network.
//
// Deterministic: one seeded PRNG (mulberry32), no clock, no Math.random, and
// only arithmetic whose result IEEE 754 fixes (+, −, ×, ÷, sqrt, round), so two
// runs, on any machine, write the same bytes. `make demo-catalog` runs it.
//
// What it makes, per item:
// - title: "Navy merino crew-neck sweater" (colour, sometimes a detail,
//   material, product noun), or the form a department uses ("Rose face cream,
//   50 ml", "Vitamin D3 capsules, 90 pack");
// - category: a leaf path such as "Women > Knitwear > Sweaters";
// - attributes: colour, brand, material, style (all four are divergence
//   facets) where they make sense: no material for beauty, no colour for
//   skincare or supplements;
// - price in EUR: a range per leaf × material × brand tier, shop-rounded (49.95);
// - available: about 5 % sold out; popularity: skewed (most items low, a few
//   best-sellers); released: a date for about a third (new arrivals);
// - sensitive: "health" for the Health department, "intimate" for its
//   sexual wellbeing shelf (flaneur learns nothing from those without opt-in);
// - household supplies (the last department, 46 items over 6 leaves): "Lavender laundry
//   detergent, 1.5 l", priced from the usual price of its size; the catalog's top-level
//   `repurchase` priors (REPURCHASE) mark them replenishable, with an interval per leaf
//   (laundry 30 days, paper towels 14, …), which the "Buy again" shelf and "For you" use;
// - url "#/product/<id>" (the demo's hash route);
// - bought_with: 3 to 6 ids of items "often bought with" it, from leaves that
//   go with its own (sweaters with scarves, trousers and boots; dresses with
//   sandals and evening accessories; bedding with cushions and throws;
//   skincare with makeup), popular, available and matching ones first. A
//   sensitive item is only ever listed with items of its own class (never a
//   supplement beside a sweater). They come from a second seeded PRNG, drawn
//   after every item is made, so the items themselves do not change with them;
// - vector (16 dims, unit length, 3 decimals): department + product family +
//   leaf + product noun + colour + material + style directions + a little
//   noise, so that items of one leaf cluster, knitwear of both departments is
//   close, and within a leaf items of one colour or material are closer still.
//
// The items are listed in the shop's merchandising order: department after
// department; within one, leaves take turns, each leaf's items best first
// (available, then popular and recent). Ids follow that order: sku-00001, …
import { writeFileSync } from "node:fs";

const DIMS = 16;
const SEED = 20261123;
const BOUGHT_WITH_SEED = 20261204;
const OUT = new URL("../www/demo/catalog.json", import.meta.url);
const MAX_BYTES = 2_000_000;

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const pick = (list) => list[Math.floor(rand() * list.length)];
/** Picks from [[value, weight], …]. */
const weighted = (pairs) => {
  let r = rand() * pairs.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of pairs) if ((r -= w) < 0) return v;
  return pairs.at(-1)[0];
};
/** Roughly normal, mean 0, sd ≈ 1 (Irwin–Hall: no log or cos, so no platform-dependent rounding). */
const gauss = () => (rand() + rand() + rand() + rand() + rand() + rand() - 3) * Math.SQRT2;
const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const unit = (v) => {
  const n = norm(v);
  return v.map((x) => x / n);
};
const directions = new Map();
/** A fixed random unit direction per name, drawn the first time the name is asked for. */
const dir = (name) => {
  if (!directions.has(name)) directions.set(name, unit(Array.from({ length: DIMS }, gauss)));
  return directions.get(name);
};
const cap = (s) => s[0].toUpperCase() + s.slice(1);
const round = (x, places) => Math.round(x * 10 ** places) / 10 ** places;

// ---------------------------------------------------------------- word lists

const APPAREL = ["black", "navy", "grey", "cream", "white", "camel", "red", "burgundy", "green", "olive", "blue", "pink", "brown", "mustard", "charcoal", "rust", "lilac", "sage"];
const MENSWEAR = ["black", "navy", "grey", "charcoal", "cream", "white", "camel", "olive", "green", "blue", "brown", "burgundy", "rust", "mustard"];
const FOOTWEAR = ["black", "brown", "tan", "white", "navy", "grey", "burgundy", "olive", "cream", "red", "pink", "green"];
const HOMEWARE = ["white", "cream", "grey", "charcoal", "sage", "blue", "navy", "rust", "mustard", "pink", "green", "black", "beige"];
const KIDSWEAR = ["red", "navy", "blue", "yellow", "green", "pink", "grey", "orange", "lilac", "teal", "white", "mustard"];
const SHADES = ["red", "pink", "burgundy", "coral", "beige", "brown", "lilac", "black", "gold", "silver", "navy", "green"];

/** Price factor of a material (cashmere costs more than cotton). */
const MATERIAL_PRICE = {
  cashmere: 2.1, alpaca: 1.5, mohair: 1.4, merino: 1.25, silk: 1.7, leather: 1.5, suede: 1.35, nubuck: 1.3,
  linen: 1.15, wool: 1.1, tweed: 1.25, velvet: 1.2, satin: 1.15, "cast iron": 1.5, brass: 1.4, marble: 1.5,
  porcelain: 1.1, "olive wood": 1.2, "stainless steel": 1.1, down: 1.6,
};

/** How a material reads in a title, where that differs from its facet value. */
const MATERIAL_IN_TITLE = { wood: "wooden", "wool felt": "felt", "recycled plastic": "recycled-plastic" };

/**
 * Departments → leaves. A leaf: path, family (shared across departments: the
 * vectors of men's and women's knitwear are close), count, price range (EUR),
 * colours, materials, nouns (a noun, or [noun, its own materials] where the
 * leaf's do not fit it), details (optional words before the material),
 * and the title form: "apparel" (colour detail material noun), "shade"
 * (colour finish noun), "ingredient" (ingredient noun, size), "pack" (noun,
 * and a pack size when the leaf lists sizes).
 */
const DEPARTMENTS = [
  {
    name: "Women",
    brands: ["Alder", "Brume", "Corvo", "Dune", "Isla Wren", "Maren", "Solenne", "Tilde"],
    styles: ["classic", "relaxed", "minimal", "romantic", "modern", "vintage"],
    leaves: [
      { path: "Women > Knitwear > Sweaters", family: "knit", count: 96, price: [45, 120], colours: APPAREL,
        materials: ["merino", "wool", "cashmere", "cotton", "alpaca"],
        nouns: ["crew-neck sweater", "turtleneck sweater", "V-neck sweater", "cable-knit sweater", "roll-neck sweater"],
        details: ["ribbed", "oversized", "fine-knit", "chunky", "cropped"] },
      { path: "Women > Knitwear > Cardigans", family: "knit", count: 64, price: [49, 125], colours: APPAREL,
        materials: ["wool", "cotton", "cashmere", "mohair", "merino"],
        nouns: ["cardigan", "longline cardigan", "cropped cardigan", "button-through cardigan"],
        details: ["ribbed", "boxy", "fine-knit", "chunky"] },
      { path: "Women > Dresses > Day dresses", family: "dress", count: 72, price: [39, 110], colours: APPAREL,
        materials: ["cotton", "linen", "viscose", "jersey"],
        nouns: ["wrap dress", "shirt dress", "midi dress", "smock dress", "T-shirt dress"],
        details: ["tiered", "belted", "printed", "pleated"] },
      { path: "Women > Dresses > Evening dresses", family: "dress", count: 40, price: [79, 220], colours: ["black", "navy", "burgundy", "green", "red", "gold", "silver", "pink", "cream"],
        materials: ["silk", "satin", "velvet", "crepe"],
        nouns: ["slip dress", "maxi dress", "sheath dress", "one-shoulder dress"],
        details: ["draped", "sequinned", "backless"] },
      { path: "Women > Tops > Blouses", family: "top", count: 48, price: [35, 95], colours: APPAREL,
        materials: ["silk", "cotton", "viscose", "linen"],
        nouns: ["blouse", "tie-neck blouse", "pussy-bow blouse", "peasant blouse"],
        details: ["ruffled", "sheer", "embroidered"] },
      { path: "Women > Tops > T-shirts", family: "tee", count: 56, price: [15, 39], colours: APPAREL,
        materials: ["cotton", "organic cotton", "jersey", "linen"],
        nouns: ["crew-neck T-shirt", "boxy T-shirt", "long-sleeve top", "vest top"],
        details: ["striped", "ribbed"] },
      { path: "Women > Trousers & jeans", family: "bottom", count: 60, price: [45, 120], colours: ["black", "navy", "blue", "grey", "cream", "camel", "olive", "brown", "white"],
        materials: ["denim", "wool", "cotton", "linen", "corduroy"],
        nouns: ["wide-leg trousers", "straight-leg jeans", "tapered trousers", "culottes", "flared jeans"],
        details: ["high-rise", "pleated", "cropped"] },
      { path: "Women > Skirts", family: "skirt", count: 36, price: [35, 95], colours: APPAREL,
        materials: ["cotton", "wool", "satin", "denim", "corduroy"],
        nouns: ["pleated midi skirt", "A-line skirt", "pencil skirt", "wrap skirt"],
        details: ["printed", "button-front"] },
      { path: "Women > Coats & jackets", family: "outer", count: 44, price: [89, 260], colours: ["black", "navy", "camel", "grey", "cream", "olive", "brown", "burgundy", "green"],
        materials: ["wool", "cotton", "leather", "tweed", "nylon", "down"],
        nouns: ["wrap coat", "trench coat", "quilted jacket", "blazer", "puffer jacket"],
        details: ["double-breasted", "belted", "cropped", "longline"] },
      { path: "Women > Accessories", family: "accessory", count: 44, price: [19, 140], colours: APPAREL,
        materials: ["wool", "cashmere", "silk", "cotton"],
        nouns: ["scarf", ["beret", ["wool", "cashmere"]], ["belt", ["leather", "suede"]], ["tote bag", ["leather", "canvas"]],
          ["crossbody bag", ["leather", "suede"]], ["gloves", ["leather", "wool", "cashmere"]]],
        details: ["woven", "quilted"] },
    ],
  },
  {
    name: "Men",
    brands: ["Alder", "Corvo", "Dune", "Fjell", "Hollis", "Oakmoor", "Varro"],
    styles: ["classic", "relaxed", "minimal", "utility", "modern", "sporty"],
    leaves: [
      { path: "Men > Knitwear > Sweaters", family: "knit", count: 64, price: [49, 130], colours: MENSWEAR,
        materials: ["merino", "wool", "cashmere", "cotton", "lambswool"],
        nouns: ["crew-neck jumper", "quarter-zip jumper", "roll-neck jumper", "cable-knit jumper", "V-neck jumper"],
        details: ["ribbed", "chunky", "fine-knit", "fisherman"] },
      { path: "Men > Knitwear > Cardigans", family: "knit", count: 28, price: [59, 140], colours: MENSWEAR,
        materials: ["wool", "cotton", "lambswool", "merino"],
        nouns: ["shawl-collar cardigan", "cardigan", "zip cardigan"],
        details: ["chunky", "fine-knit"] },
      { path: "Men > Shirts", family: "shirt", count: 72, price: [35, 95], colours: ["white", "blue", "navy", "grey", "olive", "cream", "pink", "black", "green", "brown", "burgundy"],
        materials: ["cotton", "linen", "flannel", "denim", "corduroy", "oxford cotton"],
        nouns: ["button-down shirt", "overshirt", "camp-collar shirt", "work shirt", "polo shirt"],
        details: ["checked", "striped", "slim-fit", "relaxed-fit"] },
      { path: "Men > T-shirts", family: "tee", count: 52, price: [15, 39], colours: MENSWEAR,
        materials: ["cotton", "organic cotton", "jersey", "linen"],
        nouns: ["crew-neck T-shirt", "henley", "long-sleeve T-shirt", "pocket T-shirt"],
        details: ["striped", "heavyweight", "slim-fit"] },
      { path: "Men > Trousers & jeans", family: "bottom", count: 64, price: [45, 120], colours: ["navy", "black", "grey", "blue", "olive", "camel", "brown", "cream", "charcoal"],
        materials: ["denim", "cotton", "wool", "corduroy", "linen"],
        nouns: ["chinos", "slim jeans", "straight jeans", "cargo trousers", "pleated trousers"],
        details: ["tapered", "relaxed", "stretch"] },
      { path: "Men > Coats & jackets", family: "outer", count: 48, price: [99, 290], colours: ["black", "navy", "camel", "grey", "olive", "brown", "charcoal", "green"],
        materials: ["wool", "cotton", "nylon", "leather", "tweed", "down"],
        nouns: ["overcoat", "parka", "bomber jacket", "chore jacket", "blazer", "puffer jacket"],
        details: ["double-breasted", "hooded", "waxed", "quilted"] },
      { path: "Men > Accessories", family: "accessory", count: 40, price: [19, 120], colours: MENSWEAR,
        materials: ["wool", "cashmere", "merino"],
        nouns: ["beanie", "scarf", ["belt", ["leather", "suede"]], ["wallet", ["leather"]], ["gloves", ["leather", "wool"]], ["cap", ["cotton", "wool"]]],
        details: ["ribbed", "woven"] },
    ],
  },
  {
    name: "Shoes",
    brands: ["Cobble & Co", "Corvo", "Fjell", "Strada", "Tread", "Wren"],
    styles: ["classic", "minimal", "sporty", "rugged", "modern"],
    leaves: [
      { path: "Shoes > Boots", family: "boot", count: 84, price: [89, 230], colours: FOOTWEAR,
        materials: ["leather", "suede", "nubuck"],
        nouns: ["Chelsea boots", "ankle boots", "lace-up boots", "hiking boots", "knee-high boots", "work boots", ["rain boots", ["rubber"]]],
        details: ["chunky-soled", "heeled", "shearling-lined", "waterproof"] },
      { path: "Shoes > Sneakers", family: "sneaker", count: 84, price: [59, 160], colours: FOOTWEAR,
        materials: ["leather", "canvas", "suede", "mesh", "knit"],
        nouns: ["low-top sneakers", "high-top sneakers", "running shoes", "slip-on sneakers", "court sneakers"],
        details: ["platform", "retro", "lightweight"] },
      { path: "Shoes > Loafers & flats", family: "shoe", count: 56, price: [69, 180], colours: FOOTWEAR,
        materials: ["leather", "suede", "patent leather", "canvas"],
        nouns: ["penny loafers", "ballet flats", "mules", "brogues", "boat shoes"],
        details: ["chunky", "square-toe", "tasselled"] },
      { path: "Shoes > Sandals", family: "sandal", count: 48, price: [35, 120], colours: FOOTWEAR,
        materials: ["leather", "suede", "rubber", "raffia", "canvas"],
        nouns: ["slide sandals", "strappy sandals", "espadrilles", "sport sandals", "flip-flops"],
        details: ["platform", "woven", "padded"] },
      { path: "Shoes > Slippers", family: "slipper", count: 24, price: [25, 75], colours: ["grey", "navy", "cream", "brown", "pink", "red", "charcoal", "green"],
        materials: ["wool felt", "suede", "shearling", "cotton"],
        nouns: ["moccasin slippers", "slipper boots", "mule slippers"],
        details: ["fleece-lined", "quilted"] },
    ],
  },
  {
    name: "Home",
    brands: ["Hearth", "Kiln", "Linnea", "Mora", "Tidewater", "Fenwick"],
    styles: ["minimal", "rustic", "scandi", "classic", "bohemian", "modern"],
    leaves: [
      { path: "Home > Kitchen", family: "kitchen", count: 96, price: [8, 120], colours: HOMEWARE,
        materials: ["stoneware", "porcelain", "enamel", "glass"],
        nouns: ["mug", "cereal bowl", "teapot", "dinner plate", "serving bowl",
          ["frying pan", ["cast iron", "stainless steel"]], ["chopping board", ["olive wood", "oak"]], ["casserole dish", ["cast iron", "stoneware"]]],
        details: ["speckled", "hand-glazed", "large", "stackable"] },
      { path: "Home > Bedding", family: "textile", count: 64, price: [29, 160], colours: HOMEWARE,
        materials: ["linen", "cotton", "flannel", "silk", "cotton percale"],
        nouns: ["duvet cover", "pillowcase pair", "fitted sheet", "bedspread", "throw blanket"],
        details: ["washed", "striped", "waffle", "king-size"] },
      { path: "Home > Bath", family: "textile", count: 48, price: [12, 75], colours: HOMEWARE,
        materials: ["cotton", "organic cotton", "linen", "bamboo"],
        nouns: ["bath towel", "hand towel", "bath mat", "bathrobe", "bath sheet"],
        details: ["waffle", "ribbed", "fringed"] },
      { path: "Home > Living > Cushions & throws", family: "textile", count: 56, price: [19, 110], colours: HOMEWARE,
        materials: ["wool", "linen", "velvet", "cotton", "bouclé"],
        nouns: ["cushion cover", "throw", "floor cushion", "bolster cushion"],
        details: ["fringed", "woven", "checked", "embroidered"] },
      { path: "Home > Living > Lighting", family: "lighting", count: 40, price: [29, 240], colours: ["white", "black", "gold", "cream", "green", "grey", "rust", "blue"],
        materials: ["ceramic", "brass", "rattan", "glass", "linen", "paper"],
        nouns: ["table lamp", "floor lamp", "pendant shade", "wall light", "desk lamp"],
        details: ["dimmable", "globe", "pleated"] },
      { path: "Home > Living > Decor", family: "decor", count: 56, price: [9, 95], colours: HOMEWARE,
        materials: ["ceramic", "glass", "brass", "marble"],
        nouns: ["vase", "candle holder", ["picture frame", ["oak", "brass", "walnut"]], ["plant pot", ["terracotta", "ceramic", "concrete"]],
          ["tray", ["oak", "brass", "marble", "rattan"]], ["mirror", ["brass", "oak", "rattan"]]],
        details: ["ribbed", "handmade", "small", "large"] },
    ],
  },
  {
    name: "Kids",
    brands: ["Little Fern", "Pip & Pine", "Bramble", "Tumble"],
    styles: ["playful", "classic", "sporty", "cosy"],
    leaves: [
      { path: "Kids > Girls", family: "kidswear", count: 52, price: [12, 55], colours: KIDSWEAR,
        materials: ["cotton", "organic cotton", "jersey", "denim", "fleece"],
        nouns: ["dress", "leggings", "hoodie", "cardigan", "pinafore", "T-shirt"],
        details: ["striped", "floral", "spotted"] },
      { path: "Kids > Boys", family: "kidswear", count: 52, price: [12, 55], colours: KIDSWEAR,
        materials: ["cotton", "organic cotton", "jersey", "denim", "fleece"],
        nouns: ["hoodie", "joggers", "T-shirt", "jeans", "sweatshirt", "shorts"],
        details: ["striped", "dinosaur-print", "colour-block"] },
      { path: "Kids > Baby", family: "baby", count: 40, price: [9, 45], colours: ["white", "cream", "grey", "sage", "yellow", "pink", "blue", "lilac", "mustard"],
        materials: ["organic cotton", "cotton", "jersey"],
        nouns: ["bodysuit", "romper", "sleepsuit", ["knitted hat", ["merino", "cotton"]], ["swaddle blanket", ["muslin", "organic cotton"]]],
        details: ["ribbed", "striped", "2-pack"] },
      { path: "Kids > Toys", family: "toy", count: 44, price: [9, 79], colours: KIDSWEAR,
        materials: ["wood", "recycled plastic"],
        nouns: ["train set", "stacking rings", "building blocks", "puzzle", "play kitchen set", ["rabbit soft toy", ["plush", "felt", "cotton"]]],
        details: ["painted", "mini", "musical"] },
      { path: "Kids > Shoes", family: "sneaker", count: 28, price: [19, 59], colours: KIDSWEAR,
        materials: ["canvas", "leather", "rubber", "mesh"],
        nouns: ["sneakers", "sandals", "first shoes", ["wellies", ["rubber"]]],
        details: ["light-up", "hook-and-loop"] },
    ],
  },
  {
    name: "Beauty",
    brands: ["Lumen", "Petal", "Nordbad", "Saline", "Verity"],
    styles: ["natural", "clinical", "luxe"],
    leaves: [
      { path: "Beauty > Skincare", family: "skincare", count: 52, price: [9, 68], form: "ingredient",
        ingredients: ["rose", "vitamin C", "niacinamide", "hyaluronic", "oat", "aloe", "retinol", "green tea"],
        nouns: ["face cream", "serum", "gel cleanser", "eye cream", "face oil", "clay mask"],
        sizes: ["15 ml", "30 ml", "50 ml", "100 ml"] },
      { path: "Beauty > Makeup", family: "makeup", count: 52, price: [8, 42], form: "shade", colours: SHADES,
        nouns: ["lipstick", "nail polish", "eyeshadow palette", "lip liner", "blush", "eyeliner"],
        details: ["matte", "satin", "gloss", "shimmer"] },
      { path: "Beauty > Fragrance", family: "fragrance", count: 36, price: [29, 120], form: "ingredient",
        ingredients: ["vetiver", "neroli", "fig", "cedar", "rose", "amber", "sea salt", "vanilla"],
        nouns: ["eau de parfum", "eau de toilette", "body mist", "scented candle"],
        sizes: ["30 ml", "50 ml", "100 ml"] },
      { path: "Beauty > Hair care", family: "hair", count: 36, price: [7, 38], form: "ingredient",
        ingredients: ["argan", "coconut", "tea tree", "rosemary", "oat", "keratin"],
        nouns: ["shampoo", "conditioner", "hair oil", "hair mask", "styling cream"],
        sizes: ["100 ml", "250 ml", "500 ml"] },
    ],
  },
  {
    name: "Health",
    brands: ["Vitalis", "Nordic Leaf", "Pharmavie"],
    styles: [],
    leaves: [
      { path: "Health > Supplements", family: "supplement", count: 32, price: [6, 35], form: "pack", sensitive: "health",
        nouns: ["Vitamin D3 capsules", "Magnesium citrate tablets", "Omega-3 capsules", "Iron + vitamin C tablets", "Probiotic capsules", "Multivitamin tablets", "Zinc lozenges", "Folic acid tablets"],
        sizes: ["30 pack", "60 pack", "90 pack", "120 pack"] },
      { path: "Health > Medical devices", family: "device", count: 14, price: [12, 89], form: "pack", sensitive: "health",
        nouns: ["Digital thermometer", "Blood pressure monitor", "Pulse oximeter", "Heat pad", "Weekly pill organiser"] },
      { path: "Health > Sexual wellbeing", family: "intimate", count: 14, price: [6, 45], form: "pack", sensitive: "intimate",
        nouns: ["Ultra-thin condoms, 12 pack", "Latex-free condoms, 12 pack", "Water-based lubricant, 100 ml", "Massage oil, 200 ml"] },
    ],
  },
  // Last, so every item above (and its id) is drawn exactly as before this department existed.
  // Bought again and again: the catalog's `repurchase` priors (REPURCHASE, below) say how often.
  {
    name: "Household supplies",
    brands: ["Brightwell", "Clearbrook", "Greenhaven", "Pureva", "Tidy & Co"],
    styles: ["eco", "classic"],
    // form "supply": each noun with its sizes and the shop's usual price of each size (EUR).
    leaves: [
      { path: "Household supplies > Laundry", family: "laundry", count: 10, form: "supply", styles: ["eco", "classic", "concentrated"],
        scents: ["lavender", "fresh linen", "unscented", "eucalyptus", "cotton blossom"],
        nouns: [["laundry detergent", [["1.5 l", 7.5], ["2.5 l", 11.5]]], ["laundry pods", [["24 pack", 8], ["40 pack", 12.5]]],
          ["fabric conditioner", [["1 l", 3.5], ["2 l", 5.5]]], ["stain remover spray", [["500 ml", 4.5]]]] },
      { path: "Household supplies > Dishwashing", family: "dishwashing", count: 8, form: "supply", styles: ["eco", "classic", "concentrated"],
        scents: ["lemon", "green tea", "unscented", "grapefruit"],
        nouns: [["washing-up liquid", [["500 ml", 2], ["900 ml", 3.2]]], ["dishwasher tablets", [["30 pack", 6.5], ["60 pack", 11]]],
          ["rinse aid", [["500 ml", 3]]]] },
      { path: "Household supplies > Paper towels & tissues", family: "paper", count: 8, form: "supply",
        nouns: [["kitchen paper towels", [["2 rolls", 2.5], ["4 rolls", 4.5], ["6 rolls", 6]]],
          ["toilet paper", [["9 rolls", 4.5], ["18 rolls", 8]]], ["facial tissues", [["3 boxes", 4]]]] },
      { path: "Household supplies > Bin bags", family: "binbag", count: 6, form: "supply",
        nouns: [["bin bags, 30 l", [["20 pack", 2.5], ["40 pack", 4.5]]], ["kitchen bin bags, 50 l", [["20 pack", 3.5]]],
          ["compostable food waste bags, 10 l", [["50 pack", 4]]]] },
      { path: "Household supplies > Cleaning sprays", family: "spray", count: 8, form: "supply", styles: ["eco", "classic", "concentrated"],
        scents: ["lemon", "pine", "unscented", "mint"],
        nouns: [["all-purpose cleaner", [["500 ml", 2.5], ["750 ml", 3.3]]], ["bathroom cleaner", [["750 ml", 3.5]]],
          ["glass cleaner", [["500 ml", 2.8]]], ["kitchen degreaser", [["500 ml", 3.5]]]] },
      { path: "Household supplies > Sponges & cloths", family: "sponge", count: 6, form: "supply",
        nouns: [["scrub sponges", [["3 pack", 2], ["6 pack", 3.5]]], ["microfibre cloths", [["4 pack", 4], ["8 pack", 7]]],
          ["dish brush", [["1 piece", 3.5]]], ["steel wool pads", [["10 pack", 2.5]]]] },
    ],
  },
];

/**
 * The catalog's repurchase priors (JSON v1 `repurchase`): how much of what the shop sells
 * in a category is bought again (share) and after how long (interval_days), aggregated over
 * the shop's customers; here invented. Only the household supplies are replenishable, so
 * every other department ranks exactly as it did without them.
 */
const REPURCHASE = {
  categories: {
    "Household supplies": { share: 1.0, interval_days: 14 },
    "Household supplies > Laundry": { share: 1.0, interval_days: 30 },
    "Household supplies > Dishwashing": { share: 1.0, interval_days: 21 },
    "Household supplies > Paper towels & tissues": { share: 1.0, interval_days: 14 },
    "Household supplies > Bin bags": { share: 0.9, interval_days: 28 },
    "Household supplies > Cleaning sprays": { share: 0.8, interval_days: 30 },
    "Household supplies > Sponges & cloths": { share: 0.8, interval_days: 21 },
  },
};

// ---------------------------------------------------------------- items

/** Shop rounding: 4.99 under 20 EUR, else …9.95 or …4.95. */
function shopPrice(p) {
  if (p < 20) return Math.max(1, Math.round(p)) - 0.01;
  return Math.round(p / 5) * 5 - 0.05;
}

/** A day between 2025-12-01 and 2026-11-15, as YYYY-MM-DD (fixed epoch, no clock). */
const FIRST_DAY = Date.UTC(2025, 11, 1);
const releasedDate = () => new Date(FIRST_DAY + Math.floor(rand() * 350) * 86_400_000).toISOString().slice(0, 10);

function makeItem(dept, leaf, brandTier) {
  const brand = pick(dept.brands);
  const styles = leaf.styles ?? dept.styles;
  const style = styles.length ? pick(styles) : undefined;
  const form = leaf.form ?? "apparel";
  const [noun, nounMaterials] = [pick(leaf.nouns)].map((n) => (Array.isArray(n) ? n : [n, leaf.materials]))[0];
  const attributes = {};
  let title;
  let material;
  let colour;
  let extra; // the ingredient or size, which moves the vector like a material
  let usual; // form "supply": the usual price of the size drawn
  if (form === "apparel") {
    colour = pick(leaf.colours);
    material = pick(nounMaterials);
    const detail = leaf.details && rand() < 0.35 ? `${pick(leaf.details)} ` : "";
    title = `${cap(colour)} ${detail}${MATERIAL_IN_TITLE[material] ?? material} ${noun}`;
  } else if (form === "shade") {
    colour = pick(leaf.colours);
    title = `${cap(colour)} ${pick(leaf.details)} ${noun}`;
  } else if (form === "ingredient") {
    extra = pick(leaf.ingredients);
    title = `${cap(extra)} ${noun}, ${pick(leaf.sizes)}`;
  } else if (form === "supply") {
    // "Lavender laundry detergent, 1.5 l"; "Kitchen paper towels, 4 rolls" where the leaf has no
    // scents. A noun comes with its own sizes (in the place of the materials of the apparel form).
    const scent = leaf.scents ? pick(leaf.scents) : undefined;
    const [size, price] = pick(nounMaterials);
    extra = scent;
    usual = price;
    title = scent ? `${cap(scent)} ${noun}, ${size}` : `${cap(noun)}, ${size}`;
  } else if (leaf.sizes) {
    extra = pick(leaf.sizes);
    title = `${noun}, ${extra}`;
  } else {
    title = noun;
  }
  if (colour) attributes.colour = colour;
  attributes.brand = brand;
  if (material) attributes.material = material;
  if (style) attributes.style = style;

  const [lo, hi] = leaf.price ?? [usual * 0.85, usual * 1.2];
  const raw = (lo + (hi - lo) * rand()) * (MATERIAL_PRICE[material] ?? 1) * brandTier[brand];
  const price = round(shopPrice(raw), 2);

  // Popularity: most items little, a few best-sellers; brands and leaves differ a bit.
  const u = rand();
  const popularity = round(Math.min(1, u * u * u * u * (0.45 + 0.4 * brandTier[brand]) + 0.01 * rand()), 3);

  const parts = [
    [dir(`dept:${dept.name}`), 0.55],
    [dir(`family:${leaf.family}`), 0.6],
    [dir(`leaf:${leaf.path}`), 0.75],
    [dir(`noun:${leaf.path}:${noun}`), 0.3],
  ];
  if (colour) parts.push([dir(`colour:${colour}`), 0.4]);
  if (material) parts.push([dir(`material:${material}`), 0.3]);
  if (extra) parts.push([dir(`extra:${extra}`), 0.3]);
  if (style) parts.push([dir(`style:${style}`), 0.12]);
  const v = Array.from({ length: DIMS }, (_, d) => parts.reduce((s, [x, w]) => s + w * x[d], 0) + 0.06 * gauss());
  const vector = unit(v).map((x) => round(x, 3) || 0); // || 0: no "-0"

  const item = {
    title,
    category: leaf.path,
    attributes,
    price,
    currency: "EUR",
    available: rand() >= 0.05,
    popularity,
  };
  if (rand() < 0.33) item.released = releasedDate();
  if (leaf.sensitive) item.sensitive = leaf.sensitive;
  item.vector = vector;
  return item;
}

const departments = DEPARTMENTS.map((dept) => {
  const brandTier = Object.fromEntries(dept.brands.map((b) => [b, round(0.85 + 0.5 * rand(), 2)]));
  const leaves = dept.leaves.map((leaf) => {
    const items = Array.from({ length: leaf.count }, () => makeItem(dept, leaf, brandTier));
    // Best first: available, then popular, recent arrivals a little ahead.
    const merch = (i) => (i.available ? 1 : 0) * 10 + i.popularity + (i.released >= "2026-09-01" ? 0.15 : 0);
    return items.map((item, n) => ({ item, n, key: merch(item) })).sort((a, b) => b.key - a.key || a.n - b.n).map((x) => x.item);
  });
  // Leaves take turns, so a department's page starts with a bit of everything.
  const order = [];
  for (let turn = 0; order.length < leaves.reduce((s, l) => s + l.length, 0); turn++) {
    for (const leaf of leaves) if (turn < leaf.length) order.push(leaf[turn]);
  }
  return order;
});

const made = departments.flat().map(({ vector, ...item }, n) => {
  const id = `sku-${String(n + 1).padStart(5, "0")}`;
  return { id, ...item, url: `#/product/${id}`, vector };
});

// ---------------------------------------------------------------- bought with

/** Leaf → the leaves whose items are bought with its items, most often first. */
const GOES_WITH = {
  "Women > Knitwear > Sweaters": ["Women > Accessories", "Women > Trousers & jeans", "Shoes > Boots", "Women > Skirts", "Women > Coats & jackets"],
  "Women > Knitwear > Cardigans": ["Women > Tops > T-shirts", "Women > Tops > Blouses", "Women > Trousers & jeans", "Women > Accessories", "Shoes > Loafers & flats"],
  "Women > Dresses > Day dresses": ["Shoes > Sandals", "Women > Accessories", "Women > Knitwear > Cardigans", "Shoes > Sneakers"],
  "Women > Dresses > Evening dresses": ["Shoes > Sandals", "Women > Accessories", "Beauty > Fragrance", "Beauty > Makeup"],
  "Women > Tops > Blouses": ["Women > Trousers & jeans", "Women > Skirts", "Women > Knitwear > Cardigans", "Shoes > Loafers & flats"],
  "Women > Tops > T-shirts": ["Women > Trousers & jeans", "Women > Skirts", "Shoes > Sneakers", "Women > Knitwear > Cardigans"],
  "Women > Trousers & jeans": ["Women > Tops > Blouses", "Women > Knitwear > Sweaters", "Shoes > Boots", "Women > Tops > T-shirts", "Shoes > Sneakers"],
  "Women > Skirts": ["Women > Tops > Blouses", "Women > Knitwear > Sweaters", "Shoes > Boots", "Shoes > Loafers & flats"],
  "Women > Coats & jackets": ["Women > Accessories", "Women > Knitwear > Sweaters", "Shoes > Boots", "Women > Trousers & jeans"],
  "Women > Accessories": ["Women > Coats & jackets", "Women > Knitwear > Sweaters", "Women > Dresses > Evening dresses", "Shoes > Boots"],
  "Men > Knitwear > Sweaters": ["Men > Shirts", "Men > Trousers & jeans", "Men > Accessories", "Shoes > Boots"],
  "Men > Knitwear > Cardigans": ["Men > T-shirts", "Men > Shirts", "Men > Trousers & jeans", "Shoes > Loafers & flats"],
  "Men > Shirts": ["Men > Trousers & jeans", "Men > Knitwear > Sweaters", "Shoes > Loafers & flats", "Men > Accessories"],
  "Men > T-shirts": ["Men > Trousers & jeans", "Shoes > Sneakers", "Men > Knitwear > Cardigans", "Men > Coats & jackets"],
  "Men > Trousers & jeans": ["Men > Shirts", "Men > T-shirts", "Men > Knitwear > Sweaters", "Shoes > Sneakers", "Shoes > Boots"],
  "Men > Coats & jackets": ["Men > Accessories", "Men > Knitwear > Sweaters", "Shoes > Boots", "Men > Trousers & jeans"],
  "Men > Accessories": ["Men > Coats & jackets", "Men > Knitwear > Sweaters", "Shoes > Boots"],
  "Shoes > Boots": ["Women > Trousers & jeans", "Men > Trousers & jeans", "Women > Knitwear > Sweaters", "Men > Coats & jackets", "Women > Accessories"],
  "Shoes > Sneakers": ["Women > Tops > T-shirts", "Men > T-shirts", "Men > Trousers & jeans", "Women > Trousers & jeans"],
  "Shoes > Loafers & flats": ["Women > Tops > Blouses", "Men > Shirts", "Women > Skirts", "Men > Trousers & jeans"],
  "Shoes > Sandals": ["Women > Dresses > Day dresses", "Women > Dresses > Evening dresses", "Women > Tops > T-shirts", "Men > T-shirts"],
  "Shoes > Slippers": ["Home > Bath", "Home > Living > Cushions & throws", "Home > Bedding"],
  "Home > Kitchen": ["Home > Kitchen", "Home > Living > Decor", "Home > Living > Lighting"],
  "Home > Bedding": ["Home > Living > Cushions & throws", "Home > Bath", "Home > Living > Lighting", "Shoes > Slippers"],
  "Home > Bath": ["Home > Bedding", "Beauty > Hair care", "Beauty > Skincare", "Shoes > Slippers"],
  "Home > Living > Cushions & throws": ["Home > Bedding", "Home > Living > Decor", "Home > Living > Lighting"],
  "Home > Living > Lighting": ["Home > Living > Decor", "Home > Living > Cushions & throws", "Home > Bedding"],
  "Home > Living > Decor": ["Home > Living > Lighting", "Home > Living > Cushions & throws", "Home > Kitchen", "Beauty > Fragrance"],
  "Kids > Girls": ["Kids > Shoes", "Kids > Girls", "Kids > Toys"],
  "Kids > Boys": ["Kids > Shoes", "Kids > Boys", "Kids > Toys"],
  "Kids > Baby": ["Kids > Baby", "Kids > Toys", "Home > Bath"],
  "Kids > Toys": ["Kids > Toys", "Kids > Girls", "Kids > Boys", "Kids > Baby"],
  "Kids > Shoes": ["Kids > Girls", "Kids > Boys"],
  "Beauty > Skincare": ["Beauty > Makeup", "Beauty > Skincare", "Beauty > Hair care", "Home > Bath"],
  "Beauty > Makeup": ["Beauty > Skincare", "Beauty > Makeup", "Beauty > Fragrance"],
  "Beauty > Fragrance": ["Beauty > Makeup", "Beauty > Skincare", "Women > Accessories"],
  "Beauty > Hair care": ["Beauty > Hair care", "Beauty > Skincare", "Home > Bath"],
  "Health > Supplements": ["Health > Supplements", "Health > Medical devices"],
  "Health > Medical devices": ["Health > Medical devices", "Health > Supplements"],
  "Health > Sexual wellbeing": ["Health > Sexual wellbeing"],
  // Household supplies go in one basket with each other, never with the other departments.
  "Household supplies > Laundry": ["Household supplies > Laundry", "Household supplies > Cleaning sprays", "Household supplies > Dishwashing"],
  "Household supplies > Dishwashing": ["Household supplies > Sponges & cloths", "Household supplies > Dishwashing", "Household supplies > Paper towels & tissues"],
  "Household supplies > Paper towels & tissues": ["Household supplies > Bin bags", "Household supplies > Cleaning sprays", "Household supplies > Paper towels & tissues"],
  "Household supplies > Bin bags": ["Household supplies > Paper towels & tissues", "Household supplies > Cleaning sprays", "Household supplies > Dishwashing"],
  "Household supplies > Cleaning sprays": ["Household supplies > Sponges & cloths", "Household supplies > Paper towels & tissues", "Household supplies > Cleaning sprays"],
  "Household supplies > Sponges & cloths": ["Household supplies > Dishwashing", "Household supplies > Cleaning sprays", "Household supplies > Sponges & cloths"],
};

const boughtRand = mulberry32(BOUGHT_WITH_SEED);
const byLeaf = new Map();
for (const item of made) {
  if (!byLeaf.has(item.category)) byLeaf.set(item.category, []);
  byLeaf.get(item.category).push(item);
}

/** 3 to 6 items bought with `item`: from its leaves in turn, the best of a few drawn from each. */
function boughtWith(item) {
  const leaves = GOES_WITH[item.category];
  const count = 3 + Math.floor(boughtRand() * 4);
  const chosen = [];
  for (let slot = 0; chosen.length < count && slot < count * 3; slot++) {
    const pool = (byLeaf.get(leaves[slot % leaves.length]) ?? []).filter(
      (other) => other.title !== item.title && other.sensitive === item.sensitive && !chosen.includes(other),
    );
    let best;
    let bestScore = -1;
    for (let draw = 0; draw < 4 && pool.length > 0; draw++) {
      const other = pool[Math.floor(boughtRand() * pool.length)];
      const a = item.attributes;
      const b = other.attributes;
      const score = other.popularity + (other.available ? 0.3 : 0) + (a.colour && a.colour === b.colour ? 0.2 : 0)
        + (a.style && a.style === b.style ? 0.1 : 0) + 0.05 * boughtRand();
      if (score > bestScore) [best, bestScore] = [other, score];
    }
    if (best) chosen.push(best);
  }
  return chosen.map((other) => other.id);
}

const items = made.map((item) => {
  const { vector, ...rest } = item;
  return { ...rest, bought_with: boughtWith(item), vector };
});

const catalog = {
  version: 1,
  shop: "flaneur-demo",
  dims: DIMS,
  facets: {
    colour: { divergence: true },
    brand: { divergence: true },
    material: { divergence: true },
    style: { divergence: true },
  },
  repurchase: REPURCHASE,
  items,
};

// ---------------------------------------------------------------- checks and output

const check = (ok, what) => {
  if (!ok) throw new Error(`make-demo-catalog: ${what}`);
};
const inLeaf = (path) => items.filter((i) => i.category === path);
check(new Set(items.map((i) => i.id)).size === items.length, "ids are unique");
check(items.length >= 2000, "at least 2,000 items");
for (const path of ["Women > Knitwear > Sweaters", "Women > Knitwear > Cardigans", "Shoes > Boots", "Home > Kitchen", "Health > Supplements"]) {
  check(inLeaf(path).length >= 6, `${path} has items`);
}
for (const colour of ["red", "navy"]) {
  check(inLeaf("Women > Knitwear > Sweaters").some((i) => i.attributes.colour === colour && i.available), `${colour} sweaters`);
}
check(items.filter((i) => i.category.startsWith("Health")).every((i) => i.sensitive), "Health items are sensitive");
const byId = new Map(items.map((i) => [i.id, i]));
const household = items.filter((i) => i.category.startsWith("Household supplies > "));
check(household.length >= 30 && household.length <= 60, "30 to 60 household supplies");
check(household.every((i) => !i.sensitive && i.bought_with.every((id) => byId.get(id)?.category.startsWith("Household supplies > "))),
  "household supplies are bought with household supplies only");
for (const [path, prior] of Object.entries(REPURCHASE.categories)) {
  check(items.some((i) => i.category === path || i.category.startsWith(`${path} > `)), `repurchase: ${path} is a category of the catalog`);
  check(prior.share >= 0.3 && prior.share <= 1 && prior.interval_days >= 1, `repurchase: ${path} is replenishable, with an interval`);
}
for (const item of items) {
  const listed = item.bought_with.map((id) => byId.get(id));
  check(item.bought_with.length >= 3 && item.bought_with.length <= 6, `${item.id}: 3 to 6 bought with`);
  check(new Set(item.bought_with).size === item.bought_with.length, `${item.id}: bought with, none twice`);
  check(listed.every((o) => o && o !== item), `${item.id}: bought with other items of the catalog`);
  check(listed.every((o) => o.sensitive === item.sensitive), `${item.id}: bought with, its own class only`);
  check(Object.keys(item.attributes).every((f) => f in catalog.facets), `${item.id}: declared facets`);
  check(item.vector.length === DIMS && item.vector.every(Number.isFinite), `${item.id}: vector`);
  check(item.price > 0 && item.popularity >= 0 && item.popularity <= 1, `${item.id}: price, popularity`);
}

// One item per line: readable diffs, compact file.
const { items: list, ...header } = catalog;
const head = JSON.stringify(header, null, 2).replace(/\n}$/, "");
const text = `${head},\n  "items": [\n${list.map((i) => "    " + JSON.stringify(i)).join(",\n")}\n  ]\n}\n`;
check(text.length <= MAX_BYTES, `at most ${MAX_BYTES} bytes (got ${text.length})`);
writeFileSync(OUT, text);

const perDepartment = {};
for (const item of items) {
  const d = item.category.split(" > ")[0];
  perDepartment[d] = (perDepartment[d] ?? 0) + 1;
}
const bytes = Buffer.byteLength(text);
console.log(`wrote ${items.length} items (${bytes} bytes) to ${OUT.pathname}`);
console.log(Object.entries(perDepartment).map(([d, n]) => `  ${d}: ${n}`).join("\n"));
