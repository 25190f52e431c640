// The storefront's only link to flaneur: the web components module
// (components/flaneur-elements.js, which exports `ready` and `record`). The
// shop imports it dynamically, so that if it (or the WASM behind it) fails to
// load, every page still lists, shows and sells products: `track` then does
// nothing and the footer says suggestions are unavailable.
let mod = null;
let failed = false;
const early = []; // calls (to record, to visit) made before the module arrived

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
    for (const call of early.splice(0)) call();
    const { personalizer } = await mod.ready;
    setState("ready", "Suggestions are computed on this device: what you look at stays in this browser.");
    offerReport(personalizer);
  } catch (err) {
    failed = true;
    early.length = 0;
    console.warn("flaneur is unavailable; the shop works without it:", err?.code ?? err?.name, err?.message);
    setState("error", `Personal suggestions are unavailable (${err?.code ?? err?.name ?? "error"}); the shop works as usual.`);
  }
}

// Anonymous measurement (docs/PRIVACY.md). flaneur makes no network call of
// its own: when the shopper has opted in (in the preference panel; off by
// default) and today's privacy budget allows, `report` hands this function one
// randomized yes/no answer, { v, question, answer, epsilon, day }, and the shop
// posts it to its own server. Without the opt-in it is never called.
export const REPORTS_URL = "/flaneur-reports";
/** The report waits a random 5 to 60 s: not next to the page load's cookie-carrying requests. */
export const REPORT_DELAY_MS = [5_000, 60_000];

// No cookie and no referrer (not sendBeacon, which sends cookies): nothing
// links the report to the shopper's session but what any request shows.
function sendReport(report) {
  fetch(REPORTS_URL, {
    method: "POST",
    credentials: "omit",
    referrerPolicy: "no-referrer",
    keepalive: true,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(report),
  }).catch(() => {});
}

// Asks flaneur for a report once per page load, after a random delay: the
// period since the last report (earlier visits included) ends then, and
// flaneur decides whether there is one (opted in, not yet today nor in this
// tab, budget left). Not on leaving, when the page may die between storing the
// spent budget and sending. data-flaneur-report on <body> says "waiting", then
// how the attempt ended ("sent" or "none").
// Never throws: a flaneur build without `report` simply sends nothing.
function offerReport(personalizer) {
  if (typeof personalizer?.report !== "function") return;
  const [least, most] = REPORT_DELAY_MS;
  document.body.dataset.flaneurReport = "waiting";
  setTimeout(() => {
    personalizer.report(sendReport).then(
      (sent) => (document.body.dataset.flaneurReport = sent ? "sent" : "none"),
      (err) => console.warn("flaneur could not report", err?.code ?? err),
    );
  }, least + Math.random() * (most - least));
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
  else early.push(() => send(event));
}

/**
 * Tells flaneur that this page shows the department of `categoryPath` (a category page, or a
 * product of that category): with the demo's sharded catalog, that department's shard is
 * fetched then, because of the page and never because of the profile. Never throws.
 */
export function visit(categoryPath) {
  if (failed) return;
  const call = () => Promise.resolve(mod.visit?.(categoryPath)).catch(() => {});
  if (mod) call();
  else early.push(call);
}

/**
 * A <flaneur-shelf> (an inert element when the components are not loaded). `hideEmpty`:
 * shown only while it has cards (hidden from the start, so also without the components).
 */
export function shelf({ k, context, heading, hideEmpty = false }) {
  const el = document.createElement("flaneur-shelf");
  el.setAttribute("k", String(k));
  if (context) el.setAttribute("context", context);
  if (heading) el.setAttribute("heading", heading);
  if (hideEmpty) {
    el.setAttribute("hide-empty", "");
    el.hidden = true;
  }
  return el;
}
