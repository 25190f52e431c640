// Plain words for what the engine returns: reasons, signals, tastes, dates,
// prices and colour swatches. No DOM state; the elements call these.

const lang = () => document.documentElement.lang || navigator.language || "en";

/** The last step of a category path: "Women > Knitwear > Sweaters" → "Sweaters". */
export const leaf = (path) => String(path ?? "").split(" > ").at(-1);

/** A category path for reading: "Women › Knitwear › Sweaters". */
export const pathWords = (path) => String(path ?? "").split(" > ").join(" › ");

const capitalise = (s) => (s ? s[0].toUpperCase() + s.slice(1) : s);

export function formatDate(ms) {
  if (!Number.isFinite(ms)) return "";
  try {
    return new Intl.DateTimeFormat(lang(), { dateStyle: "medium" }).format(new Date(ms));
  } catch {
    return new Date(ms).toDateString();
  }
}

export function formatPrice(item) {
  if (!Number.isFinite(item?.price)) return "";
  try {
    return item.currency
      ? new Intl.NumberFormat(lang(), { style: "currency", currency: item.currency }).format(item.price)
      : new Intl.NumberFormat(lang(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(item.price);
  } catch {
    return `${item.price.toFixed(2)} ${item.currency ?? ""}`.trim();
  }
}

// A facet value as something one looks at: "red items", "relaxed styles", "cashmere".
function facetThing(facet, value) {
  if (facet === "colour" || facet === "color") return `${value} items`;
  if (facet === "style") return `${value} styles`;
  return value;
}

/** One signal of a reason in words, sentence case: "You often look at Sweaters". */
export function signalWords(signal) {
  switch (signal?.kind) {
    case "category":
      return `You often look at ${leaf(signal.label)}`;
    case "facet": {
      const [facet, ...rest] = String(signal.label).split(": ");
      return rest.length ? `You often look at ${facetThing(facet, rest.join(": "))}` : `You often look at ${signal.label}`;
    }
    case "similarity":
      return "Similar to items you looked at";
    case "popularity":
      return "Popular in this shop";
    case "freshness":
      return "New in this shop";
    case "bought_with":
      return boughtWithWords(signal.label);
    case "viewed_after": {
      const t = String(signal.label ?? "").trim();
      return t ? `Often viewed after ${t}` : "Follows what you looked at";
    }
    case "repurchase":
      // The engine's sentence ("You buy this about every 9 days; last bought 8 days ago"), as is.
      return String(signal.label ?? "");
    default:
      return capitalise(String(signal?.label ?? ""));
  }
}

/** "Often bought with Merino Crew Sweater" (the title of the cart item the engine names). */
export function boughtWithWords(title) {
  const t = String(title ?? "").trim();
  return t ? `Often bought with ${t}` : "Often bought with something in your cart";
}

/** Why a complement is shown, as a sentence: the shop's lists, not the profile. */
export function complementWhy(rec) {
  const t = String(rec.reason?.signals?.find((s) => s.kind === "bought_with")?.label ?? "").trim();
  return t
    ? `The shop's catalog lists it as often bought with “${t}”, which is in your cart.`
    : "The shop's catalog lists it as often bought with something in your cart.";
}

/** The engine's repurchase sentence of a buy-again item, shown as it is ("" when absent). */
export function repurchaseLabel(rec) {
  return String(rec.reason?.signals?.find((s) => s.kind === "repurchase")?.label ?? "").trim();
}

/** Why a buy-again item is shown (its card already says how often): the shopper's own purchases, how many, when last. */
export function repurchaseWhy(rec) {
  const signal = rec.reason?.signals?.find((s) => s.kind === "repurchase");
  const parts = [];
  const times = Number.isFinite(signal?.count) ? (signal.count === 1 ? "once" : `${signal.count} times`) : "";
  const last = Number.isFinite(signal?.lastSeen) ? formatDate(signal.lastSeen) : "";
  if (times && last) parts.push(`You bought it ${times} in this shop, last on ${last}.`);
  else if (times) parts.push(`You bought it ${times} in this shop.`);
  else if (last) parts.push(`You last bought it on ${last}.`);
  return parts.join(" ") || "You bought it before in this shop.";
}

/**
 * One kept purchase (`profile().bought[i]`) in words: "Bought 5 times, about every 9 days;
 * last on 27 Nov 2026." ("about every …" only once the personal cadence is known).
 */
export function boughtWords({ count, lastBought, everyDays }) {
  const last = formatDate(lastBought);
  const times = count === 1 ? "once" : Number.isFinite(count) ? `${count} times` : "";
  const every = Number.isFinite(everyDays) && everyDays > 0 ? `about every ${Math.round(everyDays)} day${Math.round(everyDays) === 1 ? "" : "s"}` : "";
  if (count === 1) return last ? `Bought once, on ${last}.` : "Bought once.";
  const head = ["Bought", times].filter(Boolean).join(" ") + (every ? `, ${every}` : "");
  return last ? `${head}; last on ${last}.` : `${head}.`;
}

/** A divergent step as a question: "You like red sweaters — try navy?" */
export function divergenceWords(step) {
  const anchor = leaf(step.anchor).toLowerCase();
  if (step.axis === "category") return `You like ${leaf(step.from).toLowerCase()} — try ${leaf(step.to).toLowerCase()}?`;
  return `You like ${step.from} ${anchor} — try ${step.to}?`;
}

/** The label of a recommended item: a question for a divergent one, else its strongest signal. */
export function recommendationWords(rec) {
  if (rec.kind === "divergent" && rec.reason?.divergence) return divergenceWords(rec.reason.divergence);
  if (rec.kind === "popular") return "Popular in this shop";
  if (rec.kind === "default") return "";
  if (rec.kind === "recent") return "Recently viewed";
  if (rec.kind === "complement") {
    const signal = rec.reason?.signals?.find((s) => s.kind === "bought_with");
    return boughtWithWords(signal?.label);
  }
  if (rec.kind === "buy_again") return repurchaseLabel(rec) || "You bought this before";
  const top = rec.reason?.signals?.[0];
  return top ? signalWords(top) : "";
}

/** The provenance of a signal: "3 interactions, last seen 23 Nov 2026". */
export function provenanceWords(signal) {
  const parts = [];
  if (Number.isFinite(signal.count)) parts.push(`${signal.count} interaction${signal.count === 1 ? "" : "s"}`);
  if (Number.isFinite(signal.lastSeen)) parts.push(`last seen ${formatDate(signal.lastSeen)}`);
  return parts.join(", ");
}

/** The engine's explanation text as a sentence. */
export const explanationSentence = (text) => {
  const t = capitalise(String(text ?? "").trim());
  return t && !/[.!?]$/.test(t) ? `${t}.` : t;
};

/** A taste's name: "Women › Knitwear › Sweaters" or "Colour: red". */
export const tasteName = (taste) =>
  taste.kind === "facet" ? `${capitalise(taste.label)}: ${taste.value}` : pathWords(taste.label);

/** A taste's strength in a word. */
export const strengthWords = (s) => (s >= 0.5 ? "strong" : s >= 0.25 ? "moderate" : "faint");

/** The forget request for a taste, exactly as the profile names it. */
export const forgetRequest = (taste) =>
  taste.kind === "facet" ? { facet: taste.label, value: taste.value } : { category: taste.label };

/** A stable key for a taste (focus and list bookkeeping). */
export const tasteKey = (taste) => (taste.kind === "facet" ? `facet:${taste.label}:${taste.value}` : `category:${taste.label}`);

export function storageWords(storage) {
  switch (storage) {
    case "indexeddb":
      return "in this browser's storage for this site (IndexedDB)";
    case "local":
      return "in this browser's storage for this site (localStorage)";
    default:
      return "in this tab's memory only: nothing is saved, and it is gone when you close the tab";
  }
}

export function bytesWords(n) {
  if (!Number.isFinite(n)) return "";
  return n < 1024 ? `${n} bytes` : `${(n / 1024).toFixed(1)} KB`;
}

// Swatch fills for common colour names (readable on white, not text, so no contrast rule).
const COLOURS = {
  red: "#b3261e", navy: "#1f2f57", blue: "#2f5fa7", green: "#2e6b3f", olive: "#6b6b2e", cream: "#efe6cf",
  white: "#ffffff", ivory: "#fffff0", beige: "#d9c8a9", black: "#202124", grey: "#8a8a8f", gray: "#8a8a8f",
  charcoal: "#3c3d41", mustard: "#c9962b", yellow: "#e3c332", orange: "#d8702b", brown: "#6b4427",
  tan: "#c19a6b", camel: "#b5835a", pink: "#e59bb0", purple: "#6a3d8f", burgundy: "#7a1f34", teal: "#227a7a",
};

/** A fill for a colour name: known names, then any CSS colour name, else a neutral grey. */
export function swatchFill(colour) {
  const name = String(colour ?? "").trim().toLowerCase();
  if (COLOURS[name]) return COLOURS[name];
  if (/^[a-z]+$/.test(name) && globalThis.CSS?.supports?.("color", name)) return name;
  return "#c8c8cc";
}
