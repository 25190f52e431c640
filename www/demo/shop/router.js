// Hash routes: #/, #/category/<slug path>, #/product/<id>, #/search?q=…, #/cart.
// Everything after "?" is a query string (sort=…, q=…).

/** The route of a location hash: { name, … }. */
export function parse(hash) {
  const raw = hash.replace(/^#/, "");
  const [path, query = ""] = splitOnce(raw, "?");
  const params = new URLSearchParams(query);
  const parts = path.split("/").filter(Boolean).map(safeDecode);
  if (parts.length === 0) return { name: "home" };
  const [head, ...rest] = parts;
  if (head === "category" && rest.length > 0) return { name: "category", slug: rest.join("/"), sort: params.get("sort") ?? "" };
  if (head === "product" && rest.length === 1) return { name: "product", id: rest[0] };
  if (head === "search" && rest.length === 0) return { name: "search", q: (params.get("q") ?? "").trim(), sort: params.get("sort") ?? "" };
  if (head === "cart" && rest.length === 0) return { name: "cart" };
  return { name: "not-found" };
}

function splitOnce(s, sep) {
  const at = s.indexOf(sep);
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + 1)];
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const withQuery = (base, params) => {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString().replace(/\+/g, "%20");
  return query ? `${base}?${query}` : base;
};

/** Links to each route. */
export const href = {
  home: () => "#/",
  category: (node, sort = "") => withQuery(`#/category/${node.slug.split("/").map(encodeURIComponent).join("/")}`, { sort }),
  product: (id) => `#/product/${encodeURIComponent(id)}`,
  search: (q, sort = "") => withQuery("#/search", { q, sort }),
  cart: () => "#/cart",
};
