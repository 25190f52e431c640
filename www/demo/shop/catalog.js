// The shop's own view of its catalog (flaneur JSON v1, docs/FORMATS.md): items
// by id, the category tree, and the items under a category in shop order.
// This is the shop's code: it works whether or not flaneur loads.

/** "Coats & jackets" → "coats-and-jackets". */
export function slugify(name) {
  return name
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
}

/** Builds the shop from a parsed catalog. */
export function makeShop(catalog) {
  const items = catalog.items;
  const byId = new Map(items.map((item, index) => [item.id, { item, index }]));
  const nodes = new Map(); // path → node
  const bySlug = new Map(); // "women/knitwear/sweaters" → node
  const departments = [];
  for (const item of items) {
    const names = item.category.split(">").map((s) => s.trim());
    let parent = null;
    for (let depth = 0; depth < names.length; depth++) {
      const path = names.slice(0, depth + 1).join(" > ");
      let node = nodes.get(path);
      if (!node) {
        const slug = parent ? `${parent.slug}/${slugify(names[depth])}` : slugify(names[depth]);
        node = { path, name: names[depth], slug, depth, parent, children: [], count: 0 };
        nodes.set(path, node);
        bySlug.set(slug, node);
        if (parent) parent.children.push(node);
        else departments.push(node);
      }
      node.count += 1;
      parent = node;
    }
  }
  const under = new Map();
  return {
    name: catalog.shop,
    items,
    departments,
    /** The item with this id, or undefined. */
    item: (id) => byId.get(id)?.item,
    /** Position in the shop's merchandising order. */
    rank: (item) => byId.get(item.id)?.index ?? Infinity,
    /** The category node of a path ("Women > Knitwear") or undefined. */
    node: (path) => nodes.get(path),
    /** The category node of a slug path ("women/knitwear"), or of a full path, or undefined. */
    nodeBySlug: (slug) => bySlug.get(slug.toLowerCase()) ?? nodes.get(slug),
    /** Items in the category or below it, in shop order (cached). */
    itemsUnder(path) {
      if (!under.has(path)) {
        under.set(path, items.filter((i) => i.category === path || i.category.startsWith(`${path} > `)));
      }
      return under.get(path);
    },
    /** The node and its ancestors, department first. */
    trail(path) {
      const trail = [];
      for (let node = nodes.get(path); node; node = node.parent) trail.unshift(node);
      return trail;
    },
  };
}

/** Indexes the catalog: `json` when the page already has it, else fetched from `url`. */
export async function loadShop(url = "catalog.json", json = null) {
  if (json) return makeShop(json);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`catalog: HTTP ${response.status}`);
  return makeShop(await response.json());
}
