// flaneur's embeddable web components: one script tag and two elements.
//
//   <script type="module" src="/components/flaneur-elements.js" data-catalog="/catalog.json"></script>
//   <flaneur-shelf k="12" context="item:sku-0001"></flaneur-shelf>
//   <flaneur-preferences></flaneur-preferences>
//
// Optional on the script tag: data-storage="indexeddb" | "local" | "memory",
// data-shop="storage key" (defaults to the catalog's shop), data-consent="required"
// (nothing is read or kept on the device until `consent.grant()`; "implied", the
// default, keeps the profile from the start), data-engine-catalog="catalog.bin" (the
// engine's binary copy) or data-manifest="catalog/manifest.json" (a sharded catalog:
// the core at once, a department's shard when `visit` says a page shows it).
//
// The module opens ONE Personalizer for the page (../pkg/flaneur.js, relative
// to this file) and exports:
//   ready   Promise<{ personalizer, catalog }>; rejects (already handled) if flaneur cannot run
//   catalog Promise of the parsed catalog data-catalog names, for a page that lists it too (one
//           download); null with data-manifest alone: the shelves then read what they show from
//           the engine (`personalizer.items(ids)`), so a large shop ships no copy of its catalog
//   record  record(event) → Promise<boolean>: queued until ready, never rejects
//   notify  notify(detail): dispatch `flaneur:change` after calling the personalizer directly
//   CHANGE  "flaneur:change", dispatched on `document` after every change
//   visit   visit(categoryPath) → Promise<boolean>: this page shows that department (with
//           data-manifest, its shard is fetched once, kept, and joined); never rejects
//   consent { grant(), revoke() } → Promise<boolean>: the shop's consent manager's hook
//           (./consent.js: followTcf(consent), followConsentMode(consent))
//
// Styles: a <link rel="stylesheet"> to flaneur-elements.css beside this file,
// added once to <head> (style-src 'self' allows it; no inline styles anywhere).
import { CHANGE, catalog, consent, notify, ready, record, visit } from "./runtime.js";
import { FlaneurShelf } from "./shelf.js";
import { FlaneurPreferences } from "./preferences.js";

export { CHANGE, catalog, consent, notify, ready, record, visit };

function addStylesheet() {
  const href = new URL("./flaneur-elements.css", import.meta.url).href;
  const present = [...document.querySelectorAll('link[rel="stylesheet"]')].some((l) => l.href === href);
  if (present) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  link.dataset.flaneur = "";
  document.head.append(link);
}

try {
  addStylesheet();
  if (!customElements.get("flaneur-shelf")) customElements.define("flaneur-shelf", FlaneurShelf);
  if (!customElements.get("flaneur-preferences")) customElements.define("flaneur-preferences", FlaneurPreferences);
} catch (err) {
  // Never into the page: without the elements, the shop's markup simply stays as it is.
  console.warn(`flaneur: the elements could not be defined (${err?.name ?? "Error"})`);
}
