// The shop's cart: the shop's own state, not flaneur's. Kept for this tab in
// sessionStorage (in memory when that is unavailable), never in localStorage.
// Pages record add_to_cart / remove_from_cart / purchase with flaneur themselves.
const KEY = "shop:cart";
let lines = load(); // [{ id, qty }], in the order added
const listeners = new Set();

function load() {
  try {
    const parsed = JSON.parse(sessionStorage.getItem(KEY) ?? "[]");
    return Array.isArray(parsed) ? parsed.filter((l) => typeof l?.id === "string" && l.qty > 0) : [];
  } catch {
    return [];
  }
}

function save() {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(lines));
  } catch {
    // Storage unavailable or full: the cart lives in memory for this page.
  }
  for (const fn of listeners) fn();
}

export const cart = {
  /** [{ id, qty }], a copy. */
  lines: () => lines.map((l) => ({ ...l })),
  /** Units in the cart. */
  count: () => lines.reduce((n, l) => n + l.qty, 0),
  qty: (id) => lines.find((l) => l.id === id)?.qty ?? 0,
  add(id, qty = 1) {
    const line = lines.find((l) => l.id === id);
    if (line) line.qty += qty;
    else lines.push({ id, qty });
    save();
  },
  /** Removes one unit (the whole line at 0). */
  decrement(id) {
    const line = lines.find((l) => l.id === id);
    if (!line) return;
    line.qty -= 1;
    if (line.qty <= 0) lines = lines.filter((l) => l !== line);
    save();
  },
  remove(id) {
    lines = lines.filter((l) => l.id !== id);
    save();
  },
  clear() {
    lines = [];
    save();
  },
  /** Calls `fn` after every change; returns the unsubscribe function. */
  subscribe(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
};
