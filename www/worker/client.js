// flaneur/worker: the same Personalizer, run in a dedicated Web Worker.
//
//   import init, { Personalizer } from "flaneur/worker";
//   await init(); // resolves at once: the worker loads the WebAssembly itself
//   const p = await Personalizer.open({ catalog: bytes, storage: "memory" });
//   await p.record({ type: "view", itemId: "sku-1" });
//   const slate = await p.recommend({ k: 12 });
//   p.close();
//
// Every method of the main-thread API exists here with the same name, the same
// arguments and the same result, wrapped in a Promise; calls run in the order
// they are made. `shopId` and `itemCount` are plain properties set by `open`.
// Errors reject as `Error`s with the engine's `name` ("FlaneurError"),
// `message` and `code`, plus two codes of the worker's own:
//   WORKER_UNAVAILABLE  the worker or the engine could not start (or died)
//   CLOSED              the personalizer was closed (`close()` / `free()`)
//
// The catalog crosses to the worker once, at `open`:
//   ArrayBuffer   transferred, not copied: it is detached in the caller
//                 (byteLength 0 afterwards, even if `open` rejects). Pass
//                 `buffer.slice(0)` to keep a copy.
//   Uint8Array    its bytes are copied once, then that copy is transferred; the
//                 caller's array and its buffer are left untouched.
//   object, text  structured-cloned once.
//   { manifest, parts }  (a sharded catalog) the manifest is cloned, each part
//                 as above (an ArrayBuffer transferred, a Uint8Array copied).
// `addPart(file, bytes)` moves its bytes the same way; the static `patchPart` runs
// in a worker of its own, before `open`, as the main-thread one does. Later calls carry only
// their own small arguments and results.
//
// Storage: the worker has no localStorage, so `storage: "local"` falls back to
// memory there (with a STORAGE_UNAVAILABLE notice in `profile()`). Before
// `close()`, await `flush()` for storage that writes asynchronously.

/** Lets only `open` construct a Personalizer. */
const OPENING = Symbol("flaneur worker open");

/** A FlaneurError-shaped `Error` from `{ name, message, code }`. */
function flaneurError({ name = "FlaneurError", message, code }) {
  const err = new Error(message);
  err.name = name;
  if (code !== undefined) err.code = code;
  return err;
}

/** The catalog option as it will be posted, and what to transfer with it. */
// One report per browser session and shop, as on the main thread
// (src/wasm/session.rs): a worker has no sessionStorage and a reload starts a
// new one, so the page keeps the claim, under the same sessionStorage key.
const claimed = new Set();
const reportedKey = (shopId) => `flaneur:reported:${shopId}`;

function session() {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // storage denied: the page's memory still holds the claim
  }
}

/** `options` of `report` as the engine reads them: nothing, or `{ epsilon: 0.5 | 1 }`. */
function reportOptionsOk(options) {
  if (options === undefined || options === null) return true;
  if (typeof options !== "object") return false;
  return Object.keys(options).every((k) => k === "epsilon") && [undefined, 0.5, 1].includes(options.epsilon);
}

function catalogTransfer(catalog) {
  if (catalog instanceof ArrayBuffer) return [catalog, [catalog]];
  if (catalog instanceof Uint8Array) {
    const copy = catalog.slice(); // exactly its bytes, in a buffer of its own
    return [copy, [copy.buffer]];
  }
  const parts = catalog?.parts;
  const sharded = typeof catalog === "object" && catalog !== null && "manifest" in catalog;
  if (sharded && typeof parts === "object" && parts !== null) {
    const moved = {};
    const transfer = [];
    for (const [file, bytes] of Object.entries(parts)) {
      const isBytes = bytes instanceof ArrayBuffer || bytes instanceof Uint8Array;
      const [part, list] = isBytes ? catalogTransfer(bytes) : [bytes, []];
      moved[file] = part;
      transfer.push(...list);
    }
    return [{ ...catalog, parts: moved }, transfer];
  }
  return [catalog, []];
}

export class Personalizer {
  #worker;
  #pending = new Map(); // id -> { resolve, reject }
  #nextId = 0;
  #closed = null; // the error later calls reject with, once closed

  /** The shop this personalizer serves (set by `open`). */
  shopId = "";
  /** Number of items in the catalog (set by `open`). */
  itemCount = 0;

  constructor(token, worker) {
    if (token !== OPENING) throw flaneurError({ message: "use Personalizer.open(options)", code: "BAD_ARGUMENT" });
    this.#worker = worker;
    worker.onmessage = ({ data }) => {
      const call = this.#pending.get(data.id);
      if (!call) return;
      this.#pending.delete(data.id);
      if (data.ok) call.resolve(data.value);
      else call.reject(flaneurError(data.error));
    };
    // A module that fails to load or an uncaught error: nothing will answer any more.
    const die = (what) => this.#shut(flaneurError({ message: `flaneur worker: ${what}`, code: "WORKER_UNAVAILABLE" }));
    worker.onerror = (event) => {
      event.preventDefault();
      die(event.message || "the worker failed to start or to load its module");
    };
    worker.onmessageerror = () => die("a reply could not be deserialized");
  }

  /** A worker of flaneur's, not yet open; WORKER_UNAVAILABLE if it cannot start. */
  static #start() {
    let worker;
    try {
      worker = new Worker(new URL("./worker-host.js", import.meta.url), { type: "module" });
    } catch (e) {
      throw flaneurError({ message: `flaneur worker: could not start (${e?.message ?? e})`, code: "WORKER_UNAVAILABLE" });
    }
    return new Personalizer(OPENING, worker);
  }

  /**
   * Starts a worker and opens a personalizer in it; options as the main-thread
   * `Personalizer.open`. Rejects with the engine's error (`CATALOG_INVALID`,
   * `BAD_ARGUMENT`, …) or `WORKER_UNAVAILABLE`, and then the worker is gone.
   */
  static async open(options) {
    const p = Personalizer.#start();
    let message = options;
    let transfer = [];
    if (options !== null && typeof options === "object" && "catalog" in options) {
      const [catalog, moved] = catalogTransfer(options.catalog);
      message = { ...options, catalog };
      transfer = moved;
    }
    try {
      const { shopId, itemCount } = await p.#call("open", [message], transfer);
      p.shopId = shopId;
      p.itemCount = itemCount;
      return p;
    } catch (e) {
      p.close();
      throw e;
    }
  }

  /**
   * As the main-thread static `patchPart`, run in a worker of its own (started for the call,
   * terminated after): `{ file, bytes }`, the part a patch rebuilds from the part kept before.
   * Both byte arguments are copied to the worker; the caller's arrays are left untouched.
   */
  static async patchPart(manifest, file, bytes, old) {
    const p = Personalizer.#start();
    const isBytes = (b) => b instanceof ArrayBuffer || b instanceof Uint8Array;
    const copy = (b) => (b instanceof ArrayBuffer ? new Uint8Array(b.slice(0)) : b instanceof Uint8Array ? b.slice() : b);
    const [patch, part] = [copy(bytes), copy(old)];
    const transfer = [patch, part].filter(isBytes).map((b) => b.buffer);
    try {
      return await p.#call("patchPart", [manifest, file, patch, part], transfer);
    } finally {
      p.close();
    }
  }

  // The main-thread methods, each a Promise of the same result. worker-host.js
  // allows exactly these names and forwards them to the engine as they are.
  record(event) { return this.#call("record", [event]); }
  recommend(request) { return this.#call("recommend", [request]); }
  explain(itemId) { return this.#call("explain", [itemId]); }
  nearest(vector, k) { return this.#call("nearest", [vector, k]); }
  profile() { return this.#call("profile", []); }
  preferences() { return this.#call("preferences", []); }
  setPreferences(patch) { return this.#call("setPreferences", [patch]); }
  forget(what) { return this.#call("forget", [what]); }
  exportProfile() { return this.#call("exportProfile", []); }
  importProfile(json) { return this.#call("importProfile", [json]); }
  stats() { return this.#call("stats", []); }
  parts() { return this.#call("parts", []); }
  shardFor(categoryPath) { return this.#call("shardFor", [categoryPath]); }
  items(itemIds) { return this.#call("items", [itemIds]); }
  sensitiveClasses() { return this.#call("sensitiveClasses", []); }
  /** As the main-thread `addPart`; `itemCount` follows the joined catalog. */
  async addPart(file, bytes) {
    const isBytes = bytes instanceof ArrayBuffer || bytes instanceof Uint8Array;
    const [moved, transfer] = isBytes ? catalogTransfer(bytes) : [bytes, []];
    const { added, itemCount } = await this.#call("addPart", [file, moved], transfer);
    this.itemCount = itemCount;
    return added;
  }
  /** As the main-thread `erase`; a worker has no localStorage, so the page clears flaneur's keys there. */
  erase() { return this.#andLocal(this.#call("erase", [])); }
  flush() { return this.#call("flush", []); }
  grantConsent() { return this.#call("grantConsent", []); }
  /** As the main-thread `revokeConsent`; like `erase`, clears the page's localStorage keys too. */
  revokeConsent() { return this.#andLocal(this.#call("revokeConsent", [])); }

  /** Waits for `erasing` (the worker's part) after removing flaneur's localStorage keys; rejects with the first failure. */
  async #andLocal(erasing) {
    const erased = erasing.then(() => null, (e) => e);
    let failed = null;
    try {
      const storage = globalThis.localStorage; // throws where the page may not use it: nothing was kept
      for (const kind of ["profile", "quarantine", "quarantined-at"]) storage?.removeItem(`flaneur:${kind}:${this.shopId}`);
      session()?.removeItem(reportedKey(this.shopId));
    } catch (e) {
      if (e?.name !== "SecurityError") {
        failed = flaneurError({ message: `erase: localStorage refused (${e?.message ?? e})`, code: "STORAGE_UNAVAILABLE" });
      }
    }
    const error = (await erased) ?? failed;
    if (error) throw error;
  }

  /** As the main-thread `report`: the worker makes the report and stores the spent budget, `send` runs here. */
  async report(send, options) {
    if (typeof send !== "function") throw flaneurError({ message: "send: expected a function", code: "BAD_ARGUMENT" });
    if (!reportOptionsOk(options)) {
      throw flaneurError({ message: "options.epsilon: must be 0.5 or 1", code: "BAD_ARGUMENT" });
    }
    const shop = this.shopId;
    if (claimed.has(shop) || session()?.getItem(reportedKey(shop)) != null) return false;
    claimed.add(shop);
    let report;
    try {
      report = await this.#call("report", [options]);
    } finally {
      if (!report) claimed.delete(shop);
    }
    if (!report) return false;
    try {
      session()?.setItem(reportedKey(shop), "1");
    } catch {
      // a full or denied sessionStorage: the page's memory still holds the claim
    }
    send(report);
    return true;
  }

  /** Terminates the worker. Pending and later calls reject with code `CLOSED`. */
  close() {
    this.#shut(flaneurError({ message: "this flaneur worker personalizer is closed", code: "CLOSED" }));
  }

  /** Alias of `close()`, like the main-thread `free()`. */
  free() {
    this.close();
  }

  #shut(error) {
    if (this.#closed) return;
    this.#closed = error;
    this.#worker.terminate();
    for (const { reject } of this.#pending.values()) reject(error);
    this.#pending.clear();
  }

  #call(method, args, transfer = []) {
    if (this.#closed) return Promise.reject(flaneurError(this.#closed));
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      try {
        this.#worker.postMessage({ id, method, args }, transfer);
      } catch (e) {
        // DataCloneError: an argument that cannot cross to the worker (a function, a DOM node…).
        reject(flaneurError({ message: `${method}: ${e?.message ?? e}`, code: "BAD_ARGUMENT" }));
        return;
      }
      this.#pending.set(id, { resolve, reject });
    });
  }
}

/** Mirrors the main entry's `init()`; the worker loads the WebAssembly itself, so there is nothing to wait for. */
export default async function init() {}
