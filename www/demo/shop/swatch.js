// Product pictures for a catalog without photos: an inline SVG swatch in the
// item's colour (attributes.colour, through a fixed palette) with a glyph of
// its kind of product. SVG elements with presentation attributes, so nothing
// here needs an image request, a data: URL or a style attribute.
import { svg } from "./dom.js";

/** Colour name → fill. Unknown colours fall back to the department's tint. */
export const PALETTE = {
  black: "#202124", charcoal: "#3c3f44", grey: "#8d9096", silver: "#c0c3c7", white: "#f7f7f4",
  cream: "#efe6cf", beige: "#d9c7a7", camel: "#b98a55", tan: "#c19a6b", brown: "#6b4a32",
  rust: "#a4502a", orange: "#e07b2f", coral: "#f07e6e", mustard: "#c9962b", yellow: "#f1cf48",
  gold: "#c8a24a", olive: "#6b6a2e", sage: "#a3b59a", green: "#2e6b3f", teal: "#1f7a7a",
  blue: "#3f6fb5", navy: "#1f2f57", lilac: "#b7a4d6", pink: "#e7a5b8", red: "#b3261e",
  burgundy: "#6d1f2c",
};
const TINT = { Beauty: "#eadfe6", Health: "#dce8e4", Home: "#e8e3da", "Household supplies": "#dfe7ef" };
const NEUTRAL = "#e4e2dd";

// Glyphs in a 24 × 24 box.
const GLYPHS = {
  knit: "M8 3h8l5 4-2.5 4L17 9.5V21H7V9.5L4.5 11 2 7zM7 19h10v2H7z",
  tee: "M8 3q4 2.5 8 0l6 4-3 4-2-1.5V21H7V9.5L5 11 2 7z",
  top: "M9 3h6l1 3 5 2-2 4-2-1v10H7V11l-2 1-2-4 5-2z",
  shirt: "M8 3l4 3 4-3 5 4-2 4-2-1v11H7V10l-2 1-2-4zM11.5 7h1v14h-1z",
  dress: "M9 2h6l-1 5 6 14H4l6-14z",
  skirt: "M7 4h10l4 16H3z",
  bottom: "M6 2h12l1 20h-5l-2-12-2 12H5z",
  outer: "M8 2l4 4 4-4 5 4-2 5-2-1v12H7V10l-2 1-2-5zM11.5 7h1v15h-1z",
  accessory: "M7 8V6a5 5 0 0 1 10 0v2h3l-1 13H5L4 8zm2 0h6V6a3 3 0 0 0-6 0z",
  boot: "M6 2h7v11l7 3v6H6z",
  sneaker: "M2 15l3-7 5 2 4 3 8 2v5H2z",
  shoe: "M2 14h9l4-2 7 3v4H2z",
  sandal: "M3 16h18v3H3zM7 9h3l3 7h-3zM14 9h3l-1 7h-3z",
  slipper: "M3 13c3-3 12-3 17 0l1 5H3z",
  kitchen: "M4 6h12v11a3 3 0 0 1-3 3H7a3 3 0 0 1-3-3zM16 9h2a3 3 0 0 1 0 6h-2v-2h2a1 1 0 0 0 0-2h-2z",
  textile: "M3 5h18v4H3zM3 11h18v4H3zM3 17h18v3H3z",
  lighting: "M8 3h8l3 9H5zM11 12h2v7h-2zM7 19h10v2H7z",
  decor: "M9 2h6v3l-1 2c4 2 5 6 4 10-1 3-3 5-6 5s-5-2-6-5c-1-4 0-8 4-10l-1-2z",
  baby: "M8 3h8l4 4-2 3-2-1v7l-2 5h-4l-2-5V9l-2 1-2-3z",
  toy: "M3 13h8v8H3zM13 13h8v8h-8zM8 3h8v8H8z",
  skincare: "M5 9h14v11a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1zM6 4h12v4H6z",
  makeup: "M9 11h6v11H9zM10 4l4-2v8h-4z",
  fragrance: "M10 2h4v3h-4zM6 7h12v14H6z",
  hair: "M11 2h5v2h-3v3h-2zM8 8h8v14H8z",
  pill: "M7 17a4 4 0 0 1 0-5.7l5.3-5.3a4 4 0 0 1 5.7 5.7l-5.3 5.3a4 4 0 0 1-5.7 0z",
  cross: "M9 3h6v6h6v6h-6v6H9v-6H3V9h6z",
  heart: "M12 21l-8-8a5 5 0 0 1 7-7l1 1 1-1a5 5 0 0 1 7 7z",
  bag: "M5 7h14l-1 14H6zM9 7V5a3 3 0 0 1 6 0v2h-2V5a1 1 0 0 0-2 0v2z",
  spray: "M9 2h7v2h-3v2h1l1 3a4 4 0 0 1 2 3.5V21a1 1 0 0 1-1 1H8a1 1 0 0 1-1-1v-8.5A4 4 0 0 1 9 9l1-3h1V4H9z",
};

// First match wins: (pattern on the category path, lower case) → glyph.
const KINDS = [
  [/^household supplies/, "spray"], [/knitwear/, "knit"], [/t-shirts/, "tee"], [/tops|blouses/, "top"], [/shirts/, "shirt"],
  [/dresses/, "dress"], [/skirts/, "skirt"], [/trousers|jeans/, "bottom"], [/coats|jackets/, "outer"],
  [/accessories/, "accessory"], [/boots/, "boot"], [/sneakers|kids > shoes/, "sneaker"], [/sandals/, "sandal"],
  [/slippers/, "slipper"], [/loafers|flats|shoes/, "shoe"], [/kitchen/, "kitchen"], [/lighting/, "lighting"],
  [/decor/, "decor"], [/bedding|bath|cushions|throws/, "textile"], [/baby/, "baby"], [/toys/, "toy"],
  [/kids/, "tee"], [/skincare/, "skincare"], [/makeup/, "makeup"], [/fragrance/, "fragrance"], [/hair/, "hair"],
  [/supplements/, "pill"], [/sexual|intimate/, "heart"], [/health/, "cross"],
];

/** The glyph name of a category path ("bag" when nothing fits). */
export function glyphOf(category) {
  const path = category.toLowerCase();
  return KINDS.find(([pattern]) => pattern.test(path))?.[1] ?? "bag";
}

/** The fill of an item's swatch. */
export function fillOf(item) {
  return PALETTE[item.attributes?.colour] ?? TINT[item.category.split(" > ")[0]] ?? NEUTRAL;
}

/** Relative luminance (WCAG) of "#rrggbb". */
function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * The swatch of an item (or of a category, given { category }): decorative
 * (aria-hidden) unless `label` is given, then role="img" with that label.
 */
export function swatch(item, { label, className = "swatch" } = {}) {
  const fill = fillOf(item);
  const light = luminance(fill) > 0.3;
  const el = svg(
    "svg",
    {
      class: className,
      viewBox: "0 0 120 90",
      preserveAspectRatio: "xMidYMid slice",
      focusable: "false",
      role: label ? "img" : null,
      "aria-label": label ?? null,
      "aria-hidden": label ? null : "true",
      dataset: { colour: item.attributes?.colour ?? "" },
    },
    svg("rect", { width: 120, height: 90, fill }),
    svg("path", {
      d: GLYPHS[glyphOf(item.category)],
      transform: "translate(36 21) scale(2)",
      fill: light ? "#1d1d1f" : "#ffffff",
      "fill-opacity": light ? "0.45" : "0.7",
    }),
  );
  return el;
}
