// The one shared flaneur of a page: finds the embedding <script>, loads the
// engine, fetches the catalog (and the engine's binary copy, if the tag names
// one with data-engine-catalog) and opens ONE Personalizer that every element
// (and the storefront, through `record`) uses. Nothing here ever throws into
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
  const tags = [...document.querySelectorAll("script[type=module][data-catalog]")];
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
  if (!script) throw failure("NO_CATALOG", "no <script type=module data-catalog=…> tag names the catalog");
  return script;
}

/**
 * The catalog the embedding tag names, fetched and parsed once: a page that
 * needs it too (a storefront listing its products) can take this copy
 * instead of downloading it again. Rejects (handled) if it cannot be loaded.
 */
export const catalog = embedding().then((script) => fetchCatalog(new URL(script.dataset.catalog, document.baseURI)));
catalog.catch(() => {});

// The engine's own copy of the catalog, when the tag names one
// (data-engine-catalog="catalog.bin": binary, with what only the binary form
// carries, such as a sequence model); the parsed JSON otherwise, or when that
// copy cannot be had (the shop then still works, on the JSON).
async function engineCatalog(script, json) {
  const name = script.dataset.engineCatalog;
  if (!name) return json;
  try {
    const response = await fetch(new URL(name, document.baseURI), { credentials: "same-origin" });
    if (!response.ok) throw failure("CATALOG_UNAVAILABLE", `the catalog ${name} answered ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    warn("binary catalog unavailable, using the JSON one", err);
    return json;
  }
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
  const personalizer = await openWith(engine, await engineCatalog(script, json), json, options);
  const items = new Map();
  const sensitive = new Set();
  for (const item of json.items ?? []) {
    items.set(item.id, item);
    if (typeof item.sensitive === "string" && item.sensitive) sensitive.add(item.sensitive);
  }
  state.items = items;
  state.sensitiveClasses = [...sensitive].sort();
  state.shop = String(json.shop ?? personalizer.shopId);
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

// Filled in by boot: the catalog's items by id, its sensitive classes, its shop.
export const state = { items: new Map(), sensitiveClasses: [], shop: "" };

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
  return ready.then(
    ({ personalizer }) => {
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
        if (method === "revokeConsent") hidden.clear();
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
