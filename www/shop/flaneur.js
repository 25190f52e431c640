// The storefront's only link to flaneur: the web components module
// (components/flaneur-elements.js, which exports `ready` and `record`). The
// shop imports it dynamically, so that if it (or the WASM behind it) fails to
// load, every page still lists, shows and sells products: `track` then does
// nothing and the footer says suggestions are unavailable.
let mod = null;
let failed = false;
const early = []; // events tracked before the module arrived

function setState(state, message) {
  document.body.dataset.flaneur = state;
  const status = document.getElementById("flaneur-status");
  if (status) status.textContent = message;
}

/**
 * Loads the components with `load` (a function returning the module's
 * promise, so the import path stays in app.js), then waits for `ready`.
 */
export async function connect(load) {
  setState("loading", "Loading suggestions…");
  try {
    mod = await load();
    for (const event of early.splice(0)) send(event);
    await mod.ready;
    setState("ready", "Suggestions are computed on this device: what you look at stays in this browser.");
  } catch (err) {
    failed = true;
    early.length = 0;
    console.warn("flaneur is unavailable; the shop works without it:", err?.code ?? err?.name, err?.message);
    setState("error", `Personal suggestions are unavailable (${err?.code ?? err?.name ?? "error"}); the shop works as usual.`);
  }
}

function send(event) {
  try {
    // record queues until flaneur is ready; it may return a promise.
    Promise.resolve(mod.record(event)).catch((err) => console.warn("flaneur could not record", event.type, err?.code ?? err));
  } catch (err) {
    console.warn("flaneur could not record", event.type, err?.code ?? err);
  }
}

/** Tells flaneur what the shopper did ({ type, itemId } or { type: "search", query }). Never throws. */
export function track(event) {
  if (failed) return;
  if (mod) send(event);
  else early.push(event);
}

/** A <flaneur-shelf> (an inert element when the components are not loaded). */
export function shelf({ k, context, heading }) {
  const el = document.createElement("flaneur-shelf");
  el.setAttribute("k", String(k));
  if (context) el.setAttribute("context", context);
  if (heading) el.setAttribute("heading", heading);
  return el;
}
