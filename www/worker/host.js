// The worker side of flaneur/worker (worker-host.js in the package): loads the
// engine, opens one Personalizer and runs the calls worker.js posts, one at a
// time and in order. Requests are `{ id, method, args }`; replies are
// `{ id, ok: true, value }` or `{ id, ok: false, error: { name, message, code } }`
// (an Error's `name` and `code` do not survive structured cloning, so they are
// sent as plain fields).
import init, { Personalizer } from "./flaneur.js";

/** The only methods a page may call; a name the engine lacks is refused with BAD_ARGUMENT. */
const METHODS = new Set([
  "record",
  "recommend",
  "explain",
  "nearest",
  "profile",
  "preferences",
  "setPreferences",
  "forget",
  "exportProfile",
  "importProfile",
  "stats",
  "erase",
  "flush",
  "grantConsent",
  "revokeConsent",
  "addPart",
  "parts",
  "shardFor",
  "items",
  "sensitiveClasses",
]);

const ready = init().then(
  () => null,
  (e) => ({ name: "FlaneurError", message: `flaneur worker: the engine could not load (${e?.message ?? e})`, code: "WORKER_UNAVAILABLE" }),
);
let personalizer = null;
let queue = Promise.resolve();

const refuse = (message) => ({ name: "FlaneurError", message, code: "BAD_ARGUMENT" });

async function run(method, args) {
  if (method === "open") {
    const failed = await ready;
    if (failed) throw failed;
    if (personalizer) throw refuse("open: this worker already has a personalizer");
    personalizer = await Personalizer.open(...args);
    return { shopId: personalizer.shopId, itemCount: personalizer.itemCount };
  }
  if (method === "patchPart") {
    // Static, before any `open`: a part rebuilt from the kept one and its patch.
    const failed = await ready;
    if (failed) throw failed;
    return Personalizer.patchPart(...args);
  }
  if (!personalizer) throw refuse(`${method}: no personalizer is open`);
  if (method === "report") {
    // The page's `send` cannot cross to the worker: the report (or null) goes
    // back, and the client hands it to `send` on the page's side.
    let made = null;
    await personalizer.report((report) => (made = report), ...args);
    return made;
  }
  if (!METHODS.has(method) || typeof personalizer[method] !== "function") {
    throw refuse(`${method}: not a method of this flaneur build`);
  }
  if (method === "addPart") {
    // The catalog grew: the client's `itemCount` follows.
    const added = personalizer.addPart(...args);
    return { added, itemCount: personalizer.itemCount };
  }
  return personalizer[method](...args);
}

self.onmessage = ({ data: { id, method, args } }) => {
  queue = queue.then(async () => {
    try {
      self.postMessage({ id, ok: true, value: await run(String(method), Array.isArray(args) ? args : []) });
    } catch (e) {
      const { name = "Error", message = String(e), code } = e ?? {};
      self.postMessage({ id, ok: false, error: { name, message, code } });
    }
  });
};
