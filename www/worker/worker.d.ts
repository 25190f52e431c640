/* flaneur/worker: the Personalizer API run in a dedicated Web Worker; every method returns a Promise. */
import type {
  CatalogItem,
  CatalogManifest,
  Explanation,
  FlaneurEvent,
  FlaneurReport,
  ForgetRequest,
  ImportSummary,
  Nearest,
  OpenOptions,
  ShardedCatalog,
  Preferences,
  ProfileSummary,
  RecommendRequest,
  ReportOptions,
  Slate,
  Stats,
} from "./flaneur.js";

export type {
  CatalogItem, Explanation, FlaneurEvent, FlaneurReport, ForgetRequest, ImportSummary, Nearest, OpenOptions, Preferences,
  ProfileSummary, RecommendRequest, ReportOptions, ShardedCatalog, Slate, Stats,
};

/** Every error the worker client rejects with: the engine's codes, plus its own. */
export interface FlaneurWorkerError extends Error {
  /** "FlaneurError" for everything flaneur itself rejects with. */
  name: string;
  /**
   * The engine's code (`BAD_ARGUMENT`, `CATALOG_INVALID`, `UNKNOWN_ITEM`, …), or
   * `WORKER_UNAVAILABLE` (the worker or the engine could not start, or died) or
   * `CLOSED` (called after `close()`).
   */
  code: string;
}

/**
 * On-device personalization in a dedicated Web Worker.
 *
 * The catalog crosses to the worker once, at `open`: an `ArrayBuffer` is
 * transferred (detached in the caller: `byteLength` 0 afterwards, even if
 * `open` rejects); a `Uint8Array` is copied once and the copy transferred; a
 * JSON object or text is structured-cloned once; each part of a sharded catalog (and the bytes of
 * `addPart`) as an `ArrayBuffer` or a `Uint8Array` above. Calls run in order.
 */
export class Personalizer {
  private constructor();
  /** Starts a worker and opens a personalizer in it. */
  static open(options: OpenOptions): Promise<Personalizer>;
  /**
   * Rebuilds a part of `manifest` from the part kept before (`old`) and the patch `file` it
   * lists (`bytes`), in a worker of its own: as the main-thread `patchPart`, CATALOG_INVALID for
   * bytes other than the manifest names. Both arrays are copied; the caller's stay untouched.
   */
  static patchPart(
    manifest: CatalogManifest,
    file: string,
    bytes: Uint8Array | ArrayBuffer,
    old: Uint8Array | ArrayBuffer,
  ): Promise<{ file: string; bytes: Uint8Array }>;
  /** The shop this personalizer serves. */
  readonly shopId: string;
  /** Number of items in the catalog. */
  readonly itemCount: number;
  record(event: FlaneurEvent): Promise<boolean>;
  recommend(request?: RecommendRequest): Promise<Slate>;
  /** Why `itemId` would be recommended now: relevance, signals, words. */
  explain(itemId: string): Promise<Explanation>;
  /** The `k` items nearest `vector` by dot product, best first. */
  nearest(vector: Float32Array, k: number): Promise<Nearest>;
  profile(): Promise<ProfileSummary>;
  preferences(): Promise<Preferences>;
  setPreferences(patch: Partial<Preferences>): Promise<void>;
  forget(what: ForgetRequest): Promise<boolean>;
  exportProfile(): Promise<string>;
  importProfile(json: string): Promise<ImportSummary>;
  stats(): Promise<Stats>;
  /**
   * Adds a part of the sharded catalog `open` was given (the file the manifest names, and its
   * bytes): false when held already; `itemCount` follows. Rejects with CATALOG_INVALID for a bad
   * part (the personalizer keeps what it had), BAD_ARGUMENT without a manifest.
   */
  addPart(file: string, bytes: Uint8Array | ArrayBuffer): Promise<boolean>;
  /** The files of the sharded catalog held: core first, then shards by department; [] if whole. */
  parts(): Promise<string[]>;
  /** The shard file holding the department of `categoryPath` (a page's category), or null. */
  shardFor(categoryPath: string): Promise<string | null>;
  /** What a shelf shows of `itemIds` (null for an id not held); as the main-thread `items`. */
  items(itemIds: string[]): Promise<(CatalogItem | null)[]>;
  /** The sensitive classes of the items held, sorted. */
  sensitiveClasses(): Promise<string[]>;
  erase(): Promise<void>;
  /** As the main-thread `grantConsent` (with `consent: "required"`). */
  grantConsent(): Promise<void>;
  /** As the main-thread `revokeConsent`: erases everything, then memory only. */
  revokeConsent(): Promise<void>;
  /**
   * At most one anonymous, randomized report, handed to `send` on this thread,
   * only if the shopper opted in (`preferences().reports`) and no report was made today.
   */
  report(send: (report: FlaneurReport) => void, options?: ReportOptions): Promise<boolean>;
  /** Waits until the profile is stored (in flaneur builds that have `flush`). */
  flush(): Promise<void>;
  /** Terminates the worker; pending and later calls reject with code `CLOSED`. */
  close(): void;
  /** Alias of `close()`. */
  free(): void;
}

/** Resolves at once (the worker loads the WebAssembly itself); mirrors the main entry's `init`. */
export default function init(): Promise<void>;
