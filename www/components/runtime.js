// The one shared flaneur of a page: finds the embedding <script>, loads the
// engine, fetches the catalog (and the engine's own copy, if the tag names one:
// a binary catalog with data-engine-catalog, or a sharded one's manifest with
// data-manifest) and opens ONE Personalizer that every element (and the
// storefront, through `record` and `visit`) uses. Nothing here ever throws into
// the page: failures become a rejected `ready` (already handled, so no
// unhandled-rejection noise) that the elements turn into a quiet message.

export const CHANGE = "flaneur:change";

const PKG = new URL("../pkg/flaneur.js", import.meta.url);

// Items hidden on this page by "Not interested": the engine remembers a
// dismissal, but not while learning is paused or for a sensitive item the
// shopper has not opted into; the page still keeps its word until it unloads.
export const hidden = new Set();

// Module scripts have no document.currentScript: the embedding tag is the
// module script with data-catalog whose src is this module (or the first one).
function findScript() {
  const here = new URL("./flaneur-elements.js", import.meta.url).href;
  const tags = [...document.querySelectorAll("script[type=module][data-catalog], script[type=module][data-manifest]")];
  return tags.find((s) => s.src === here) ?? tags[0] ?? null;
}

function failure(code, message) {
  return Object.assign(new Error(message), { name: "FlaneurError", code });
}

async function fetchCatalog(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw failure("CATALOG_UNAVAILABLE", `the catalog ${url.pathname} answered ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw failure("CATALOG_INVALID", `the catalog ${url.pathname} is not JSON`);
  }
}

// The embedding tag, once the document is parsed.
async function embedding() {
  if (document.readyState === "loading") {
    await new Promise((resolve) => document.addEventListener("DOMContentLoaded", resolve, { once: true }));
  }
  const script = findScript();
  if (!script) throw failure("NO_CATALOG", "no <script type=module data-catalog=… or data-manifest=…> tag names the catalog");
  return script;
}

/**
 * The catalog the embedding tag names, fetched and parsed once: a page that
 * needs it too (a storefront listing its products) can take this copy
 * instead of downloading it again. Rejects (handled) if it cannot be loaded.
 */
export const catalog = embedding().then((script) =>
  script.dataset.catalog ? fetchCatalog(new URL(script.dataset.catalog, document.baseURI)) : null,
);
catalog.catch(() => {});

// The engine's own copy of the catalog, when the tag names one
// (data-engine-catalog="catalog.bin": binary, with what only the binary form
// carries, such as a sequence model); the parsed JSON otherwise, or when that
// copy cannot be had (the shop then still works, on the JSON).
async function engineCatalog(script, json) {
  const name = script.dataset.engineCatalog;
  if (!name) return json;
  try {
    return await fetchBytes(new URL(name, document.baseURI));
  } catch (err) {
    warn("binary catalog unavailable, using the JSON one", err);
    return json;
  }
}

// ---- a sharded catalog (data-manifest; docs/FORMATS.md, "Sharded catalog v1") ----------------
//
// The privacy invariant: what this page fetches is a function of the pages the shopper opened,
// never of the profile. Every page fetches the manifest and the core; a department's shard is
// fetched when the page says it shows that department (`visit`), and never otherwise. Parts are
// kept in the Cache API (`PART_CACHE`, emptied by `erase()` and `consent.revoke()`), so a later
// page draws on the departments opened before without a request; a part of an earlier build is
// brought up to date with the patch the manifest lists for it, when a page needs it again.

/** The Cache API cache that keeps the parts of a sharded catalog (docs/PRIVACY.md). */
export const PART_CACHE = "flaneur-catalog-parts";

// Set by boot when the engine's catalog is sharded: the manifest's URL, the manifest, the cache,
// the personalizer once open, and the parts fetched but not yet kept (nothing is kept while
// the profile is not: storage "memory", or consent required and not granted).
// `loading` chains the shards being added (`busy` of them not done yet); `waiting` counts the
// records waiting behind them.
const sharded = { base: null, manifest: null, store: null, loading: Promise.resolve(), busy: 0, waiting: 0, personalizer: null, unkept: new Map(), replaced: new Set() };

// The store of kept parts; with `create` false, only if one exists (opening creates it, and
// nothing may be created while nothing is kept).
async function openPartCache(create) {
  try {
    if (typeof caches === "undefined" || (!create && !(await caches.has(PART_CACHE)))) return null;
    return await caches.open(PART_CACHE);
  } catch {
    return null; // an opaque origin, a private mode without storage: nothing is kept
  }
}

async function fetchBytes(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw failure("CATALOG_UNAVAILABLE", `${url.pathname} answered ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function cachedBytes(file) {
  try {
    const hit = await sharded.store?.match(new URL(file, sharded.base));
    return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
  } catch {
    return null;
  }
}

// Keeps a part fetched (or patched) for later pages, once flaneur may keep anything.
async function keep(file, bytes, replaces) {
  sharded.unkept.set(file, bytes);
  if (replaces) sharded.replaced.add(replaces);
  await keepParts();
}

// Whether the profile is kept on this device; the parts of the pages opened are kept only then.
function keeping() {
  try {
    const profile = sharded.personalizer?.profile();
    return Boolean(profile) && profile.storage !== "memory" && profile.consent !== "required";
  } catch {
    return false;
  }
}

async function keepParts() {
  if (!keeping() || sharded.unkept.size + sharded.replaced.size === 0) return;
  sharded.store ??= await openPartCache(true);
  if (!sharded.store) return;
  const unkept = [...sharded.unkept];
  const replaced = [...sharded.replaced];
  sharded.unkept.clear();
  sharded.replaced.clear();
  try {
    for (const [file, bytes] of unkept) await sharded.store.put(new URL(file, sharded.base), new Response(bytes));
    for (const file of replaced) await sharded.store.delete(new URL(file, sharded.base));
  } catch {
    // a full or refused store: the parts are still used on this page
  }
}

// The part `file` of the manifest: kept from an earlier page; else an earlier build's part kept,
// patched; else fetched. `Personalizer.patchPart` checks every byte against the manifest.
async function part(engine, file) {
  const kept = await cachedBytes(file);
  if (kept) return kept;
  for (const patch of sharded.manifest.patches ?? []) {
    if (patch.to !== file) continue;
    const old = await cachedBytes(patch.from);
    if (!old) continue;
    try {
      const bytes = await fetchBytes(new URL(patch.file, sharded.base));
      const patched = engine.Personalizer.patchPart(sharded.manifest, patch.file, bytes, old);
      await keep(file, patched.bytes, patch.from);
      return patched.bytes;
    } catch (err) {
      warn("a catalog patch failed, fetching the part", err);
    }
  }
  const bytes = await fetchBytes(new URL(file, sharded.base));
  await keep(file, bytes);
  return bytes;
}

// The manifest (revalidated: a new build is seen at once), the core, and the shards of this
// build kept from earlier pages (no request). Kept files no longer named, nor patched from, go.
async function shardedCatalog(engine, url) {
  const response = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
  if (!response.ok) throw failure("CATALOG_UNAVAILABLE", `the manifest ${url.pathname} answered ${response.status}`);
  const manifest = await response.json();
  sharded.base = url;
  sharded.manifest = manifest;
  sharded.store = await openPartCache(false);
  const parts = { [manifest.core.file]: await part(engine, manifest.core.file) };
  const named = new Set([manifest.core.file, ...(manifest.shards ?? []).map((s) => s.file)]);
  for (const patch of manifest.patches ?? []) named.add(patch.from);
  for (const request of (await sharded.store?.keys().catch(() => [])) ?? []) {
    const file = new URL(request.url).pathname.split("/").pop();
    if (new URL(request.url).href !== new URL(file, url).href || !named.has(file)) {
      await sharded.store.delete(request).catch(() => {});
    }
  }
  for (const shard of manifest.shards ?? []) {
    const bytes = await cachedBytes(shard.file);
    if (bytes) parts[shard.file] = bytes;
  }
  return { manifest, parts };
}

// Opens on the parts; if the engine refuses one kept from before (a damaged store), on the
// core alone, fetched again, and the kept parts are dropped.
async function openSharded(engine, catalog, options) {
  try {
    return await engine.Personalizer.open({ catalog, ...options });
  } catch (err) {
    if (Object.keys(catalog.parts).length === 1 && !sharded.store) throw err;
    warn("a kept catalog part was refused, fetching the core again", err);
    await sharded.store?.keys().then((keys) => Promise.all(keys.map((k) => sharded.store.delete(k)))).catch(() => {});
    sharded.unkept.clear();
    const core = sharded.manifest.core.file;
    const bytes = await fetchBytes(new URL(core, sharded.base));
    await keep(core, bytes);
    return engine.Personalizer.open({ catalog: { manifest: sharded.manifest, parts: { [core]: bytes } }, ...options });
  }
}

/**
 * Tells flaneur that the page shows the department of `categoryPath` ("Women > Knitwear": a
 * category page, or a product page of that category). With a sharded catalog, that
 * department's shard is fetched (once; kept for later pages) and joined, and the shelves
 * refresh. Call it for the page opened, never for what the profile likes: what a page fetches
 * must follow the pages the shopper opened. Resolves to whether a shard was added; never rejects.
 */
export function visit(categoryPath) {
  const load = async () => {
    const { personalizer } = await ready;
    if (!sharded.manifest) return false;
    const file = personalizer.shardFor(String(categoryPath));
    if (!file || personalizer.parts().includes(file)) return false;
    const engine = await import(PKG.href);
    const added = personalizer.addPart(file, await part(engine, file));
    if (added && !(await catalog.catch(() => null))) state.sensitiveClasses = engineClasses(personalizer);
    if (added) notify({ reason: "catalog" });
    return added;
  };
  sharded.busy += 1;
  const result = sharded.loading
    .then(load)
    .catch((err) => {
      warn("a catalog shard could not be added", err);
      return false;
    })
    .finally(() => {
      sharded.busy -= 1;
    });
  sharded.loading = result;
  return result;
}

/** Empties the kept catalog parts (with `erase()` and `consent.revoke()`). Never rejects. */
export async function forgetParts() {
  sharded.unkept.clear();
  sharded.replaced.clear();
  try {
    if (typeof caches !== "undefined") await caches.delete(PART_CACHE);
  } catch {
    // nothing kept, or no Cache API
  }
  sharded.store = null;
}

async function boot() {
  const script = await embedding();
  const options = {};
  // The engine knows the stores' names and refuses any other with BAD_ARGUMENT.
  if (script.dataset.storage) options.storage = script.dataset.storage;
  if (script.dataset.shop) options.shopId = script.dataset.shop;
  // data-consent="required": nothing is kept until `consent.grant()` (the engine refuses other values).
  if (script.dataset.consent) options.consent = script.dataset.consent;
  // A dynamic import, so a missing or refused engine is a rejected promise here,
  // not a failed module graph that would leave the elements undefined.
  const [engine, json] = await Promise.all([import(PKG.href), catalog]);
  await engine.default();
  const personalizer = script.dataset.manifest
    ? await openManifest(engine, new URL(script.dataset.manifest, document.baseURI), json, options)
    : await openWith(engine, await engineCatalog(script, json), json, options);
  if (sharded.manifest) {
    sharded.personalizer = personalizer;
    await keepParts();
  }
  const items = new Map();
  const sensitive = new Set();
  for (const item of json?.items ?? []) {
    items.set(item.id, item);
    if (typeof item.sensitive === "string" && item.sensitive) sensitive.add(item.sensitive);
  }
  state.personalizer = personalizer;
  state.items = items;
  // Without a copy of the catalog (data-manifest alone), what the engine holds.
  state.sensitiveClasses = json ? [...sensitive].sort() : engineClasses(personalizer);
  state.shop = String(json?.shop ?? personalizer.shopId);
  // Writes land within milliseconds; on leaving, ask for the last ones.
  addEventListener("pagehide", () => personalizer.flush().catch(() => {}));
  // Another tab may have taught this profile something (the engine merges it
  // on its own): refresh what is shown when the shopper comes back.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") notify({ reason: "visible" });
  });
  return { personalizer, catalog: json };
}

// Opens on `first`; if the engine refuses it (a binary catalog it cannot read),
// on the JSON catalog the page lists.
async function openWith(engine, first, json, options) {
  try {
    return await engine.Personalizer.open({ catalog: first, ...options });
  } catch (err) {
    if (first === json) throw err;
    warn("binary catalog refused, using the JSON one", err);
    return engine.Personalizer.open({ catalog: json, ...options });
  }
}

// Opens on the sharded catalog; if it cannot be had at all, on the JSON catalog the page lists.
async function openManifest(engine, url, json, options) {
  try {
    return await openSharded(engine, await shardedCatalog(engine, url), options);
  } catch (err) {
    sharded.manifest = null;
    if (!json) throw err;
    warn("sharded catalog unavailable, using the JSON one", err);
    return engine.Personalizer.open({ catalog: json, ...options });
  }
}

// Filled in by boot: the catalog's items by id (from the page's copy of the catalog; else
// filled as the shelves ask, see `itemOf`), its sensitive classes, its shop, the personalizer.
export const state = { items: new Map(), sensitiveClasses: [], shop: "", personalizer: null };

function engineClasses(personalizer) {
  try {
    return typeof personalizer.sensitiveClasses === "function" ? personalizer.sensitiveClasses() : [];
  } catch {
    return [];
  }
}

/**
 * What a card shows of `itemId` (a JSON v1 catalog item): from the page's copy of the catalog
 * when the tag names one, else from the engine's (`items`, the parts joined so far);
 * undefined when neither holds it.
 */
export function itemOf(itemId) {
  const known = state.items.get(itemId);
  if (known) return known;
  try {
    const [item] = state.personalizer?.items?.([itemId]) ?? [];
    if (!item) return undefined;
    state.items.set(itemId, item);
    return item;
  } catch {
    return undefined;
  }
}

/** Resolves to `{ personalizer, catalog }` once flaneur is open; rejects (handled) if it cannot be. */
export const ready = boot();
ready.catch((err) => warn("personalization unavailable", err));

/**
 * Says in the console that something went wrong, by its code alone: messages
 * can name items and values, and error trackers collect the console.
 */
export function warn(what, err) {
  console.warn(`flaneur: ${what} (${codeOf(err)})`);
}

/** The stable code of an error flaneur (or the browser) raised, never its text. */
function codeOf(err) {
  const code = err?.code ?? err?.name;
  return typeof code === "string" && /^[A-Za-z_]{1,40}$/.test(code) ? code : "ERROR";
}

/**
 * Tells every shelf and panel that the profile or the preferences changed.
 * The event carries only what changed in kind (`{ reason: "forget" }`), never
 * item ids, forget targets or preference values: any script on the page can
 * listen to it (analytics tags, session-replay tools).
 */
export function notify({ reason = "change" } = {}) {
  try {
    document.dispatchEvent(new CustomEvent(CHANGE, { detail: { reason: String(reason) } }));
  } catch (err) {
    warn("a flaneur:change listener failed", err);
  }
}

/**
 * Records something the shopper did (`{ type: "view", itemId }`, …). Queued
 * until flaneur is open, in call order. Resolves to whether the profile learned
 * from it (false when paused, for a sensitive class not opted into, for an
 * unknown item, or when flaneur is unavailable); never rejects.
 */
export function record(event) {
  const calledAt = Date.now();
  return ready.then(
    async ({ personalizer }) => {
      // An item the engine holds is learned at once, so that a pagehide right after loses
      // nothing; one it may not hold yet waits for the shards of the pages visited so far
      // (its own among them), and so does every record after a waiting one: the profile
      // learns in the order the page recorded, each event at the time it was recorded.
      if (sharded.waiting > 0 || (sharded.busy > 0 && !holds(personalizer, event))) {
        sharded.waiting += 1;
        try {
          await sharded.loading;
        } finally {
          sharded.waiting -= 1;
        }
        if (event && typeof event === "object" && event.at == null) event = { ...event, at: calledAt };
      }
      let learned = false;
      try {
        learned = personalizer.record(event);
      } catch (err) {
        warn("could not record an event", err);
        return false;
      }
      if (learned) notify({ reason: "record" });
      return learned;
    },
    () => false,
  );
}

/** Whether the engine holds the item `event` names (true for an event that names none). */
function holds(personalizer, event) {
  const id = event?.itemId;
  if (typeof id !== "string") return true;
  try {
    return personalizer.items([id])[0] !== null;
  } catch {
    return true;
  }
}

/**
 * "CODE: message" for an error the engine (or boot) raised: its stable `code`, and
 * its `message` as written (the engine writes it for people; it is never parsed here).
 */
export function describe(err) {
  const code = err?.code ?? err?.name ?? "ERROR";
  const message = String(err?.message ?? err ?? "");
  return message ? `${code}: ${message}` : code;
}

/**
 * The shop's consent manager tells flaneur whether the shopper agreed to keeping a
 * profile on this device (with data-consent="required" on the script tag; see
 * consent.js for adapters to IAB TCF and Google Consent Mode). Both queue until
 * flaneur is open, resolve to whether they took effect, and never reject.
 *   grant()   keep the profile: the stored one is read and merged with what this page learned
 *   revoke()  erase everything flaneur kept (every tab, every store) and keep nothing more
 */
export const consent = {
  grant: () => settle("grantConsent"),
  revoke: () => settle("revokeConsent"),
};

function settle(method) {
  return ready.then(
    async ({ personalizer }) => {
      try {
        await personalizer[method]();
        if (method === "revokeConsent") {
          hidden.clear();
          await forgetParts();
        } else {
          await keepParts();
        }
        return true;
      } catch (err) {
        warn(`${method} failed`, err);
        return false;
      } finally {
        notify({ reason: "consent" });
      }
    },
    () => false,
  );
}
