// Example adapters from a shop's consent manager to flaneur's consent hook
// (`consent` from flaneur-elements.js, with data-consent="required" on its script tag).
// They read signals the shop's page already has; they load no script of their own.
//
//   import { consent } from "/components/flaneur-elements.js";
//   import { followTcf } from "/components/consent.js";
//   followTcf(consent);               // an IAB TCF v2 CMP (window.__tcfapi)
//   followConsentMode(consent);       // or Google Consent Mode (gtag("consent", …))
//
// Each calls consent.grant() when the shopper's choice allows keeping a profile and
// consent.revoke() when it does not (which erases what was kept), only when the
// decision changes, and returns a function that stops following.

/**
 * Follows an IAB TCF v2 CMP through `__tcfapi("addEventListener", 2, …)`. Granted when
 * the GDPR does not apply, or when every purpose in `purposes` has consent: by default
 * 1 (store and/or access information on a device), 5 (create profiles to personalise
 * content) and 6 (use profiles to select personalised content).
 */
export function followTcf(consent, { purposes = [1, 5, 6], api = globalThis.__tcfapi } = {}) {
  if (typeof api !== "function") return () => {};
  const decide = decider(consent);
  let listenerId = null;
  api("addEventListener", 2, (tcData, success) => {
    if (!success || !tcData) return;
    listenerId = tcData.listenerId ?? listenerId;
    if (tcData.gdprApplies === false) return decide(true);
    if (tcData.eventStatus !== "tcloaded" && tcData.eventStatus !== "useractioncomplete") return;
    decide(purposes.every((id) => tcData.purpose?.consents?.[id] === true));
  });
  return () => {
    if (listenerId !== null) api("removeEventListener", 2, () => {}, listenerId);
  };
}

/**
 * Follows Google Consent Mode: reads the `gtag("consent", "default" | "update", {…})`
 * commands on `dataLayer`, those already there and those to come (it wraps
 * `dataLayer.push`: install it after the Google tag has loaded). Granted when every
 * signal in `signals` is "granted": by default `personalization_storage`; a shop that
 * ties it to its ads choice can add "ad_personalization".
 */
export function followConsentMode(consent, { signals = ["personalization_storage"], dataLayer = (globalThis.dataLayer ??= []) } = {}) {
  const decide = decider(consent);
  const state = {};
  const read = (entry) => {
    if (entry?.[0] !== "consent" || (entry[1] !== "default" && entry[1] !== "update")) return false;
    Object.assign(state, entry[2]);
    return true;
  };
  const verdict = () => decide(signals.every((s) => state[s] === "granted"));
  if (Array.from(dataLayer).filter(read).length > 0) verdict();
  const push = dataLayer.push;
  const wrapped = function (...entries) {
    const result = push.apply(this, entries);
    if (entries.filter(read).length > 0) verdict();
    return result;
  };
  dataLayer.push = wrapped;
  return () => {
    if (dataLayer.push === wrapped) dataLayer.push = push;
  };
}

/** Calls grant() or revoke() when the decision differs from the last one. */
function decider(consent) {
  let last = null;
  return (granted) => {
    if (granted === last) return;
    last = granted;
    (granted ? consent.grant() : consent.revoke())?.catch?.(() => {});
  };
}
