// Prices and words as the shop shows them.
const formats = new Map();

/** "€49.95": the item's price in its currency (EUR by default), or "" without a price. */
export function price(amount, currency = "EUR") {
  if (typeof amount !== "number") return "";
  if (!formats.has(currency)) {
    formats.set(currency, new Intl.NumberFormat("en-IE", { style: "currency", currency }));
  }
  return formats.get(currency).format(amount);
}

export const capitalize = (s) => (s ? s[0].toUpperCase() + s.slice(1) : s);

/** "1 item", "3 items". */
export const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
