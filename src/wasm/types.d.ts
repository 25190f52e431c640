/** Options of `Personalizer.open`. */
export interface OpenOptions {
  /**
   * The shop's catalog: binary v1 bytes, a JSON v1 object or its text, or a sharded catalog's
   * manifest and the parts fetched (see docs/FORMATS.md).
   */
  catalog: ShardedCatalog | ArrayBuffer | Uint8Array | object | string;
  /** Storage key; defaults to the catalog's `shop`. */
  shopId?: string;
  /**
   * Where the profile lives: "indexeddb" (default; one record per shop, merged across tabs),
   * "local" (localStorage) or "memory" (nothing kept). Falls back indexeddb → local → memory
   * where a store is unavailable; `profile().notices` says so.
   */
  storage?: "indexeddb" | "local" | "memory";
  /**
   * "implied" (default): the profile is kept from the start. "required": nothing is read from
   * or written to any store until `grantConsent()`; learning stays in memory (EU shops: ePrivacy).
   */
  consent?: "implied" | "required";
  /** Seed for reproducible choices (Thompson sampling); from crypto.getRandomValues when absent. */
  seed?: number;
}

/**
 * A sharded catalog as the page has it (docs/FORMATS.md, "Sharded catalog v1"): the parsed
 * manifest.json and the parts fetched, by file name; the core must be among them. Add the shard
 * of a department when a page of it is opened (`shardFor`, `addPart`), never from the profile.
 */
export interface ShardedCatalog {
  manifest: CatalogManifest;
  parts: Record<string, Uint8Array | ArrayBuffer>;
}

/** manifest.json of a sharded catalog, as `flaneur catalog build --shards` writes it. */
export interface CatalogManifest {
  format: "flaneur-catalog-manifest";
  version: 1;
  shop: string;
  /** The build every part carries, 16 hex digits. */
  build: string;
  /** Category levels that make a department. */
  depth: number;
  core: CatalogPartFile;
  /** One per department, ascending by department. */
  shards?: CatalogPartFile[];
  /** Patches from an earlier build's parts to this build's (`flaneur catalog diff`). */
  patches?: CatalogPatchFile[];
}

/** A patch from an earlier build's part to one of this manifest's: `patch-<hash>.bin`. */
export interface CatalogPatchFile {
  /** The earlier part's file name. */
  from: string;
  /** The part of this manifest it builds. */
  to: string;
  file: string;
  hash: string;
  bytes: number;
}

/** One file of a sharded catalog: `core-<hash>.bin` or `shard-<hash>.bin`. */
export interface CatalogPartFile {
  /** The department whose items a shard holds (absent for the core). */
  department?: string;
  file: string;
  hash: string;
  bytes: number;
  items: number;
}

/**
 * What `items(ids)` returns for an item the catalog holds: its display data, shaped as a JSON v1
 * catalog item (docs/FORMATS.md).
 */
export interface CatalogItem {
  id: string;
  title: string;
  /** The category path, "Women > Knitwear > Sweaters". */
  category: string;
  /** Facet values by facet name. */
  attributes: Record<string, string>;
  available: boolean;
  price?: number;
  /** ISO 4217. */
  currency?: string;
  url?: string;
  image?: string;
  /** The sensitive class, when the item has one. */
  sensitive?: string;
}

/** Something the shopper did. `at` is ms since the epoch and defaults to now. */
export type FlaneurEvent = { at?: number } & (
  | { type: "view" | "click" | "add_to_cart" | "remove_from_cart" | "purchase" | "dismiss"; itemId: string }
  | { type: "dwell"; itemId: string; ms: number }
  | { type: "search"; query: string }
);

/** What `recommend` is asked. */
export interface RecommendRequest {
  k?: number;
  /**
   * "for_you" (default): recommendations. "recent": the items the shopper viewed, newest
   * first (kind "recent", not recommendations). "complements": items often bought with the
   * cart's (kind "complement", from the catalog's aggregate co-purchase lists). "buy_again":
   * the shopper's own purchases, most due first (kind "buy_again"; the reason's one signal,
   * kind "repurchase", says the cadence in words).
   */
  shelf?: "for_you" | "recent" | "complements" | "buy_again";
  /**
   * `cart`: the ids in the page's cart (it stays on the device); when absent, the session's
   * cart adds less removals.
   */
  context?: { itemId?: string; category?: string; query?: string; cart?: string[] };
  exclude?: string[];
  /** Fill slots nothing is relevant enough for with popular items (kind "popular"). Default false. */
  fill?: boolean;
  /**
   * Let the slate show items viewed this session, in the cart or bought. Default false: no echo.
   */
  includeSeen?: boolean;
}

/** One signal behind a recommendation, with its provenance. */
export interface Signal {
  /**
   * "bought_with": often bought with the cart item whose title is the label. "repurchase": the
   * label is a sentence ("You buy this about every 9 days; last bought 8 days ago"), `count`
   * the occasions it was bought on, `lastSeen` the last purchase. "viewed_after": the catalog's
   * sequence model predicts it from the order of the shopper's own steps; the label is the title
   * of the step it attended to most.
   */
  kind:
    | "category"
    | "facet"
    | "similarity"
    | "popularity"
    | "freshness"
    | "bought_with"
    | "repurchase"
    | "viewed_after";
  label: string;
  contribution: number;
  count?: number;
  lastSeen?: number;
}

/** Why a divergent item is one step outside the bubble ("You like red sweaters — navy?"). */
export interface DivergentReason {
  anchor: string;
  axis: string;
  from: string;
  to: string;
  steps: number;
}

/** One recommended item. */
export interface Recommendation {
  itemId: string;
  score: number;
  kind: "personal" | "divergent" | "default" | "popular" | "recent" | "complement" | "buy_again";
  reason: { signals: Signal[]; divergence?: DivergentReason };
}

/** Impressions and engagements of one kind of slot. */
export interface Counter {
  impressions: number;
  engagements: number;
}

/** Local measurement, per kind of slot. */
export interface Stats {
  personal: Counter;
  divergent: Counter;
  popular: Counter;
  default: Counter;
}

/** What `explain` returns: why one item would (or would not) be recommended now. */
export interface Explanation {
  itemId: string;
  /** Relevance to the profile, in [0, 1]. */
  relevance: number;
  /** Whether it clears the shopper's threshold (with personalization on). */
  recommendable: boolean;
  reason: { signals: Signal[] };
  /** The signals in words. */
  text: string;
  /** How broad the evidence keeps slates: 1 with nothing known, towards 0 as evidence grows. */
  breadth: number;
}

/** What `nearest` returns: item ids best first, and their dot products with the query. */
export interface Nearest {
  ids: string[];
  scores: Float32Array;
}

/** What `recommend` returns. */
export interface Slate {
  items: Recommendation[];
  /** Slots no item was relevant enough for: left empty, or taken by "popular" fill when asked. */
  withheld: number;
  intent: "exploring" | "comparing" | "buying" | "unknown";
  /**
   * How widely the slate spreads, in [0, 1]: 1 when little is known (related categories, the
   * shop's order), towards 0 as evidence grows.
   */
  breadth: number;
}

/** The shopper's settings. */
export interface Preferences {
  personalization: boolean;
  intensity: number;
  threshold: number;
  diversity: number;
  surprise: number;
  discretion: number;
  intent: "auto" | "exploring" | "buying";
  paused: boolean;
  sensitive: Record<string, boolean>;
  /** Opt-in (off by default): `report` may hand the shop one randomized answer a day. */
  reports: boolean;
}

/**
 * What `report` hands to the page's `send`, and nothing else: one yes/no
 * question about how suggestions were received since the last report, its
 * answer randomized with `epsilon` (local differential privacy), and the day.
 */
export interface FlaneurReport {
  v: 2;
  /** `shown.<kind>`, `engaged.<kind>`, `divergent.shown.<axis>` or `divergent.accepted.<axis>`. */
  question: string;
  /** The permanent answer (true with probability 3/4), kept with probability e^ε / (1 + e^ε). */
  answer: boolean;
  epsilon: 0.5 | 1;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
}

/** `report` options. */
export interface ReportOptions {
  /**
   * ε of this report's daily answer: 0.5 or 1 (default), nothing else (`BAD_ARGUMENT`).
   * One report a day at most, whatever its ε, until the lifetime budget (ε 60) is spent.
   */
  epsilon?: 0.5 | 1;
}

/** One taste the profile holds, with its provenance. */
export interface Taste {
  kind: "category" | "facet";
  label: string;
  value?: string;
  strength: number;
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** When it fades away on its own, without new interactions (ms). */
  expiresAt: number;
}

/** One item the shopper bought, as the device keeps it. */
export interface Bought {
  itemId: string;
  /** Separate occasions it was bought on. */
  count: number;
  /** The latest purchase (ms). */
  lastBought: number;
  /** The shopper's own mean days between two purchases, once bought twice. */
  everyDays?: number;
}

/** What `profile()` returns. */
export interface ProfileSummary {
  tastes: Taste[];
  items: number;
  interestVectors: number;
  /** Items whose purchases the device keeps. */
  purchases: number;
  /** Those items, most recently bought first (they never leave the device). */
  bought: Bought[];
  dismissals: number;
  sessionEvents: number;
  /** Steps (views, cart additions, purchases, in order) the catalog's sequence model reads. */
  sequenceSteps: number;
  halfLifeDays: number;
  preferences: Preferences;
  /** Bytes the stored record takes (or would take, when kept in memory). */
  storedBytes: number;
  /** Where the profile is kept now: after a failure (a full quota) this is "memory". */
  storage: "indexeddb" | "local" | "memory";
  /** Whether the profile is kept: "implied" (no consent asked), "required" (memory only), "granted". */
  consent: "implied" | "required" | "granted";
  /** Unreadable records set aside (0 to 2, one per store); deleted after 30 days, and by `erase()`. */
  quarantined: number;
  /** What went wrong with storage, if anything (e.g. "STORAGE_FULL: …"). */
  notices: string[];
  intent: { intent: "exploring" | "comparing" | "buying" | "unknown"; confidence: number };
}

/** What `importProfile` returns: what the import changed, to tell the shopper. */
export interface ImportSummary {
  /** Tastes (category paths and facet values) the profile now holds. */
  tastes: number;
  /** Items with a history of their own in it. */
  items: number;
  /** What was left out: items of sensitive classes not opted into, with every trace of them. */
  dropped: { sensitive: number };
  /** Preferences the export asked to change that were kept as they are: only the shopper turns them on. */
  preferencesKept: KeptPreference[];
}

/** A preference an import never changes. */
export type KeptPreference = "reports" | "sensitive";

/** What `forget` takes. */
export type ForgetRequest = { facet: string; value: string } | { category: string } | { itemId: string } | { all: true };

/** Every error flaneur throws or rejects with. */
export interface FlaneurError extends Error {
  name: "FlaneurError";
  code:
    | "CATALOG_INVALID" | "CATALOG_VERSION" | "UNKNOWN_ITEM" | "BAD_ARGUMENT" | "BUSY"
    | "PROFILE_CORRUPT" | "PROFILE_VERSION" | "STORAGE_UNAVAILABLE" | "RANDOM_UNAVAILABLE"
    | "INTERNAL";
}
