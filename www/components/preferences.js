// <flaneur-preferences label="Your privacy & personalization">
//
// A button that opens a modal <dialog>: the shopper's settings (applied at
// once), what the profile holds with its provenance and a "Forget" per taste,
// what it keeps of the shopper's purchases ("Bought regularly", a "Forget" per item),
// export / import / erase, and what stays on the device.
// data-state on the element: "loading" | "ready" | "error".
import { CHANGE, describe, forgetParts, hidden, itemOf, notify, ready, state, warn } from "./runtime.js";
import { h, masked, uid } from "./dom.js";
import {
  boughtWords, bytesWords, forgetRequest, formatDate, storageWords, strengthWords, tasteKey, tasteName,
} from "./words.js";

const TITLE = "Your privacy & personalization";

const SLIDERS = [
  {
    key: "intensity",
    label: "How much your interests shape suggestions",
    hint: "At 0%, suggestions follow the shop's own order.",
  },
  {
    key: "surprise",
    label: "Surprise",
    hint: "How often to suggest something one step outside what you usually look at.",
  },
  {
    key: "discretion",
    label: "Discretion",
    hint: "Higher keeps suggestions less revealing of exactly what you looked at.",
  },
];

const INTENTS = [
  ["auto", "Let the shop work it out"],
  ["exploring", "Just browsing"],
  ["buying", "I know what I want"],
];

const percent = (x) => Math.round(100 * (Number(x) || 0));
const safeName = (s) => String(s).replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "shop";

export class FlaneurPreferences extends HTMLElement {
  #built = false;
  #personalizer = null;
  #button;
  #dialog;
  #unavailable;
  #live; // sections shown once flaneur is open
  #status;
  #controls = {};
  #outputs = {};
  #sensitiveSet;
  #sensitiveBoxes;
  #tastes;
  #tastesEmpty;
  #storage;
  #counts;
  #notices;
  #knowsHeading;
  #bought;
  #boughtEmpty;
  #boughtHeading;
  #eraseButton;
  #confirm;
  #focusAfterForget = null;
  #onChange = (event) => {
    // A shard joined may bring sensitive classes the page had not seen (a sharded catalog
    // without the page's own copy of it).
    if (event?.detail?.reason === "catalog" && this.#personalizer) this.#buildSensitive();
    if (this.#dialog?.open && this.#personalizer) this.#refresh();
  };

  connectedCallback() {
    try {
      if (!this.#built) this.#build();
      document.addEventListener(CHANGE, this.#onChange);
    } catch (err) {
      warn("the panel failed", err);
    }
  }

  disconnectedCallback() {
    document.removeEventListener(CHANGE, this.#onChange);
  }

  /** Opens the dialog (the button does this). */
  open() {
    try {
      if (this.#personalizer) this.#refresh();
      if (!this.#dialog.open) this.#dialog.showModal();
    } catch (err) {
      warn("the panel failed", err);
    }
  }

  /** Closes the dialog; focus returns to the button. */
  close() {
    if (this.#dialog?.open) this.#dialog.close();
  }

  #build() {
    this.#built = true;
    this.dataset.state = "loading";
    const titleId = uid("fl-prefs-title");
    this.#button = h(
      "button",
      { type: "button", class: "fl-prefs-button", "aria-haspopup": "dialog" },
      this.getAttribute("label") || TITLE,
    );
    this.#button.addEventListener("click", () => this.open());

    this.#status = h("p", { class: "fl-dialog__status", role: "status", "aria-live": "polite" });
    this.#unavailable = h("p", { class: "fl-dialog__note" }, "Loading…");
    this.#live = h("div", { class: "fl-dialog__live", hidden: true }, this.#settings(), this.#knows(), this.#purchases(), this.#data());

    const close = h("button", { type: "button", class: "fl-button", dataset: { action: "close" } }, "Close");
    close.addEventListener("click", () => this.close());
    this.#dialog = h(
      "dialog",
      masked({ class: "fl-dialog", "aria-labelledby": titleId }),
      h(
        "div",
        { class: "fl-dialog__frame" },
        h("div", { class: "fl-dialog__head" }, h("h2", { id: titleId, class: "fl-dialog__title" }, TITLE), close),
        h("div", { class: "fl-dialog__body" }, this.#statement(), this.#unavailable, this.#live),
        this.#status,
      ),
    );
    // Esc closes natively ("cancel" then "close"); a click on the backdrop closes too.
    this.#dialog.addEventListener("click", (event) => {
      if (event.target === this.#dialog) this.close();
    });
    this.#dialog.addEventListener("close", () => {
      this.#confirm.hidden = true;
      this.#eraseButton.setAttribute("aria-expanded", "false");
      this.#button.focus();
    });
    this.replaceChildren(this.#button, this.#dialog);

    ready.then(
      ({ personalizer }) => {
        this.#personalizer = personalizer;
        this.#unavailable.hidden = true;
        this.#live.hidden = false;
        this.#buildSensitive();
        this.dataset.state = "ready";
        if (this.#dialog.open) this.#refresh();
      },
      (err) => {
        this.dataset.state = "error";
        this.dataset.error = err?.code ?? err?.name ?? "ERROR";
        this.#unavailable.textContent =
          "Personalization isn't available in this browser right now, so nothing is being learned or stored. The shop works as usual.";
      },
    );
  }

  #statement() {
    return h(
      "section",
      { class: "fl-section", "aria-labelledby": this.#headingId("stays") },
      h("h3", { id: this.#headingId("stays") }, "What stays on this device"),
      h(
        "ul",
        { class: "fl-statement" },
        h("li", {}, "Your profile is computed and kept in this browser, for this shop only."),
        h(
          "li",
          {},
          "Your profile, and why each suggestion is made, are never sent anywhere. " +
            "The shop still sees the pages and pictures your browser asks it for, as any website does.",
        ),
        h("li", {}, "You can see what is kept below, change how it is used, export it or erase it at any time."),
      ),
    );
  }

  #ids = {};
  #headingId(name) {
    return (this.#ids[name] ??= uid(`fl-prefs-${name}`));
  }

  // ---- settings -------------------------------------------------------------------------------

  #checkbox(key, label, hint, { role } = {}) {
    const id = uid(`fl-${key}`);
    const hintId = uid(`fl-${key}-hint`);
    const input = h("input", { type: "checkbox", id, role, "aria-describedby": hintId, dataset: { pref: key } });
    input.addEventListener("change", () => this.#apply({ [key]: input.checked }));
    this.#controls[key] = input;
    return h(
      "div",
      { class: "fl-field fl-field--check" },
      input,
      h("label", { for: id }, label),
      h("p", { id: hintId, class: "fl-hint" }, hint),
    );
  }

  #slider({ key, label, hint }) {
    const id = uid(`fl-${key}`);
    const hintId = uid(`fl-${key}-hint`);
    const input = h("input", {
      type: "range", id, min: "0", max: "100", step: "5", "aria-describedby": hintId, dataset: { pref: key },
    });
    const output = h("output", { for: id, class: "fl-value", "aria-hidden": "true" });
    input.addEventListener("input", () => this.#showValue(key, input.value));
    input.addEventListener("change", () => this.#apply({ [key]: Number(input.value) / 100 }));
    this.#controls[key] = input;
    this.#outputs[key] = output;
    return h(
      "div",
      { class: "fl-field fl-field--range" },
      h("div", { class: "fl-field__row" }, h("label", { for: id }, label), output),
      input,
      h("p", { id: hintId, class: "fl-hint" }, hint),
    );
  }

  #showValue(key, value) {
    this.#outputs[key].textContent = `${value}%`;
    this.#controls[key].setAttribute("aria-valuetext", `${value}%`);
  }

  #settings() {
    const name = uid("fl-intent");
    const intentLegend = uid("fl-intent-legend");
    const radios = INTENTS.map(([value, label]) => {
      const id = uid("fl-intent");
      const input = h("input", { type: "radio", name, id, value, dataset: { pref: "intent" } });
      input.addEventListener("change", () => {
        if (input.checked) this.#apply({ intent: value });
      });
      return h("div", { class: "fl-field fl-field--check" }, input, h("label", { for: id }, label));
    });
    this.#controls.intent = radios.map((r) => r.querySelector("input"));

    this.#sensitiveBoxes = h("div", { class: "fl-sensitive" });
    this.#sensitiveSet = h(
      "fieldset",
      { class: "fl-fieldset", hidden: true },
      h("legend", {}, "Sensitive categories"),
      h(
        "p",
        { class: "fl-hint" },
        "Unless you opt in, looking at these items teaches nothing and they are never suggested.",
      ),
      this.#sensitiveBoxes,
    );

    return h(
      "section",
      { class: "fl-section", "aria-labelledby": this.#headingId("settings") },
      h("h3", { id: this.#headingId("settings") }, "Personalization"),
      this.#checkbox(
        "personalization",
        "Personalize suggestions for me",
        "Off: suggestions follow the shop's own order and your profile is not used.",
        { role: "switch" },
      ),
      this.#checkbox(
        "paused",
        "Pause learning",
        "While paused, nothing you do is learned. What is already known stays until you forget it.",
      ),
      SLIDERS.map((s) => this.#slider(s)),
      h(
        "fieldset",
        { class: "fl-fieldset", "aria-labelledby": intentLegend },
        h("legend", { id: intentLegend }, "What brings you here?"),
        radios,
      ),
      this.#sensitiveSet,
      this.#reports(),
    );
  }

  // The local-DP opt-in (docs/PRIVACY.md): off by default, and the statement
  // says exactly what leaves the browser when it is on.
  #reports() {
    const legend = uid("fl-reports-legend");
    return h(
      "fieldset",
      { class: "fl-fieldset", "aria-labelledby": legend },
      h("legend", { id: legend }, "Help the shop measure its suggestions"),
      this.#checkbox(
        "reports",
        "Send the shop anonymous, randomized answers",
        "Off unless you turn it on. When on, at most once a day this browser sends the shop one yes-or-no " +
          "answer about the suggestions shown here (for example “did you click a surprise suggestion?”) " +
          "and the date. At least 1 time in 4 (27%) the answer is flipped at random, so it says nothing " +
          "reliable about you: only totals over many shoppers mean something. From them the shop learns " +
          "which kinds of surprise suggestion people take up (another colour, say, rather than another " +
          "material), never who, and may start new shoppers' suggestions from that. Nothing else is sent: no " +
          "identifier, no products, no profile. Turning it off discards what was counted for the next answer.",
        { role: "switch" },
      ),
    );
  }

  #buildSensitive() {
    const classes = state.sensitiveClasses;
    this.#sensitiveSet.hidden = classes.length === 0;
    this.#controls.sensitive = {};
    this.#sensitiveBoxes.replaceChildren(
      ...classes.map((cls) => {
        const id = uid("fl-sensitive");
        const input = h("input", { type: "checkbox", id, dataset: { pref: "sensitive", sensitiveClass: cls } });
        input.addEventListener("change", () => {
          const current = this.#personalizer.preferences().sensitive ?? {};
          this.#apply({ sensitive: { ...current, [cls]: input.checked } });
        });
        this.#controls.sensitive[cls] = input;
        return h("div", { class: "fl-field fl-field--check" }, input, h("label", { for: id }, `Learn from and suggest ${cls} items`));
      }),
    );
  }

  #apply(patch) {
    const p = this.#personalizer;
    if (!p) return;
    try {
      p.setPreferences(patch);
      notify({ reason: "preferences" });
    } catch (err) {
      this.#say(`That setting couldn't be changed (${describe(err)}).`, true);
    }
    this.#syncControls(p.preferences());
  }

  #syncControls(prefs) {
    this.#controls.personalization.checked = !!prefs.personalization;
    this.#controls.paused.checked = !!prefs.paused;
    this.#controls.reports.checked = !!prefs.reports;
    for (const { key } of SLIDERS) {
      const value = String(percent(prefs[key]));
      if (this.#controls[key].value !== value) this.#controls[key].value = value;
      this.#showValue(key, value);
    }
    for (const radio of this.#controls.intent) radio.checked = radio.value === prefs.intent;
    for (const [cls, box] of Object.entries(this.#controls.sensitive ?? {})) box.checked = !!prefs.sensitive?.[cls];
  }

  // ---- what the profile holds ----------------------------------------------------------------

  #knows() {
    this.#knowsHeading = h("h3", { id: this.#headingId("knows"), tabindex: "-1" }, "What this shop's page knows about you");
    this.#storage = h("p", { class: "fl-storage" });
    this.#tastes = h("ul", { class: "fl-tastes", role: "list", "aria-labelledby": this.#headingId("knows") });
    this.#tastesEmpty = h("p", { class: "fl-hint", hidden: true }, "Nothing yet: no interests have been learned.");
    this.#counts = h("p", { class: "fl-hint" });
    this.#notices = h("ul", { class: "fl-notices", hidden: true });
    return h(
      "section",
      { class: "fl-section", "aria-labelledby": this.#headingId("knows") },
      this.#knowsHeading,
      this.#storage,
      this.#notices,
      this.#tastes,
      this.#tastesEmpty,
      this.#counts,
    );
  }

  // ---- what the profile keeps of the shopper's purchases ---------------------------------------

  #purchases() {
    const id = this.#headingId("bought");
    this.#boughtHeading = h("h3", { id, tabindex: "-1" }, "Bought regularly");
    this.#bought = h("ul", { class: "fl-bought", role: "list", "aria-labelledby": id });
    this.#boughtEmpty = h("p", { class: "fl-hint" }, "Nothing yet: no purchase in this shop is kept.");
    return h(
      "section",
      { class: "fl-section", "aria-labelledby": id },
      this.#boughtHeading,
      h(
        "p",
        { class: "fl-hint" },
        "What this device keeps of your purchases in this shop, for the “Buy again” list. Forget one and it leaves that list, with what it taught.",
      ),
      this.#bought,
      this.#boughtEmpty,
    );
  }

  /** The purchases list: `profile().bought`, most recently bought first. */
  #showPurchases(profile) {
    const purchases = Array.isArray(profile.bought) ? profile.bought : [];
    const active = document.activeElement;
    const focusId = active && this.#bought.contains(active) ? active.closest("[data-item-id]")?.dataset.itemId : null;
    const rows = purchases.map((purchase) => this.#purchase(purchase));
    this.#bought.replaceChildren(...rows);
    this.#boughtEmpty.hidden = rows.length > 0;
    if (this.#focusAfterForgetPurchase !== null) {
      const index = Math.min(this.#focusAfterForgetPurchase, rows.length - 1);
      this.#focusAfterForgetPurchase = null;
      (rows[index]?.querySelector("button") ?? this.#boughtHeading).focus();
    } else if (focusId) {
      (rows.find((r) => r.dataset.itemId === focusId)?.querySelector("button") ?? this.#boughtHeading).focus();
    }
  }

  #focusAfterForgetPurchase = null;

  #purchase(purchase) {
    const itemId = String(purchase.itemId);
    // The title from the catalog the page loaded; the id when the catalog no longer lists it.
    const name = String(itemOf(itemId)?.title ?? itemId);
    const nameId = uid("fl-bought");
    const forget = h(
      "button",
      { type: "button", class: "fl-button fl-button--quiet", "aria-describedby": nameId, dataset: { action: "forget" } },
      "Forget",
    );
    forget.addEventListener("click", () => this.#forgetPurchase(itemId, name, forget));
    return h(
      "li",
      { class: "fl-bought__item", dataset: { itemId } },
      h(
        "div",
        { class: "fl-bought__text" },
        h("p", { class: "fl-bought__name", id: nameId }, name),
        h("p", { class: "fl-bought__meta" }, boughtWords(purchase)),
      ),
      forget,
    );
  }

  #forgetPurchase(itemId, name, button) {
    const index = [...this.#bought.children].indexOf(button.closest("li"));
    let forgotten = false;
    try {
      forgotten = this.#personalizer.forget({ itemId });
    } catch (err) {
      this.#say(`“${name}” couldn't be forgotten (${describe(err)}).`, true);
      return;
    }
    this.#say(forgotten ? `Forgot “${name}”: its purchases are no longer kept, nor used.` : `“${name}” was already gone.`);
    this.#focusAfterForgetPurchase = Math.max(0, index);
    notify({ reason: "forget" });
  }

  #refresh() {
    const p = this.#personalizer;
    let profile;
    try {
      profile = p.profile();
    } catch (err) {
      this.#say(`The profile couldn't be read (${describe(err)}).`, true);
      return;
    }
    this.#syncControls(profile.preferences);

    this.#storage.textContent =
      profile.consent === "required"
        ? "Not kept: you haven't agreed to this shop keeping a profile on this device, so what this page learns stays in this tab's memory and is gone when you close it."
        : `Kept ${storageWords(profile.storage)}: ${bytesWords(profile.storedBytes)}.`;
    this.#notices.hidden = profile.notices.length === 0;
    this.#notices.replaceChildren(...profile.notices.map((n) => h("li", {}, `Storage note: ${n}`)));

    const active = document.activeElement;
    const focusKey = active && this.#tastes.contains(active) ? active.closest("[data-key]")?.dataset.key : null;
    const rows = profile.tastes.map((taste) => this.#taste(taste));
    this.#tastes.replaceChildren(...rows);
    this.#tastesEmpty.hidden = rows.length > 0;
    if (this.#focusAfterForget !== null) {
      const index = Math.min(this.#focusAfterForget, rows.length - 1);
      this.#focusAfterForget = null;
      (rows[index]?.querySelector("button") ?? this.#knowsHeading).focus();
    } else if (focusKey) {
      (rows.find((r) => r.dataset.key === focusKey)?.querySelector("button") ?? this.#knowsHeading).focus();
    }

    this.#showPurchases(profile);

    const n = (count, one, many) => `${count} ${count === 1 ? one : many}`;
    const purchases = Number(profile.purchases) || 0;
    this.#counts.textContent =
      `Also kept: ${n(profile.items, "item", "items")} you looked at recently, ` +
      `${n(profile.interestVectors, "interest pattern", "interest patterns")}, ` +
      `${n(purchases, "item", "items")} you bought (listed under “Bought regularly”), ` +
      `${n(profile.dismissals, "item", "items")} marked “Not interested”, ` +
      `the order of your last ${n(Number(profile.sequenceSteps) || 0, "view, cart addition " +
        "or purchase", "views, cart additions and purchases")} (without times) and ` +
      `${n(profile.sessionEvents, "action", "actions")} from this visit. ` +
      `Interests fade by half every ${profile.halfLifeDays} days without new visits.`;
  }

  #taste(taste) {
    const name = tasteName(taste);
    const nameId = uid("fl-taste");
    // "Forget" stays the button's name; the taste is its description (see shelf.js).
    const forget = h(
      "button",
      { type: "button", class: "fl-button fl-button--quiet", "aria-describedby": nameId, dataset: { action: "forget" } },
      "Forget",
    );
    forget.addEventListener("click", () => this.#forget(taste, name, forget));
    const seen = taste.count === 1
      ? `1 interaction, on ${formatDate(taste.lastSeen)}`
      : `${taste.count} interactions, first seen ${formatDate(taste.firstSeen)}, last seen ${formatDate(taste.lastSeen)}`;
    return h(
      "li",
      { class: "fl-taste", dataset: { key: tasteKey(taste), kind: taste.kind } },
      h(
        "div",
        { class: "fl-taste__text" },
        h("p", { class: "fl-taste__name", id: nameId }, name, h("span", { class: "fl-taste__strength" }, ` — ${strengthWords(taste.strength)}`)),
        h("p", { class: "fl-taste__meta" }, `From ${seen}. Fades by ${formatDate(taste.expiresAt)}.`),
      ),
      forget,
    );
  }

  #forget(taste, name, button) {
    const index = [...this.#tastes.children].indexOf(button.closest("li"));
    let forgotten = false;
    try {
      forgotten = this.#personalizer.forget(forgetRequest(taste));
    } catch (err) {
      this.#say(`“${name}” couldn't be forgotten (${describe(err)}).`, true);
      return;
    }
    this.#say(forgotten ? `Forgot “${name}”.` : `“${name}” was already gone.`);
    this.#focusAfterForget = Math.max(0, index);
    notify({ reason: "forget" });
  }

  // ---- export, import, erase -----------------------------------------------------------------

  #data() {
    const exportButton = h("button", { type: "button", class: "fl-button", dataset: { action: "export" } }, "Export my profile");
    exportButton.addEventListener("click", () => this.#export());

    const fileId = uid("fl-import");
    const file = h("input", { type: "file", id: fileId, accept: ".json,application/json", class: "fl-file", dataset: { action: "import" } });
    file.addEventListener("change", () => this.#import(file));

    const confirmId = uid("fl-erase-confirm");
    const confirmText = uid("fl-erase-text");
    this.#eraseButton = h(
      "button",
      { type: "button", class: "fl-button fl-button--danger", "aria-expanded": "false", "aria-controls": confirmId, dataset: { action: "erase" } },
      "Erase everything…",
    );
    const yes = h("button", { type: "button", class: "fl-button fl-button--danger", dataset: { action: "erase-confirm" } }, "Yes, erase everything");
    const no = h("button", { type: "button", class: "fl-button", dataset: { action: "erase-cancel" } }, "Cancel");
    this.#confirm = h(
      "div",
      { class: "fl-confirm", id: confirmId, role: "group", "aria-labelledby": confirmText, hidden: true },
      h("p", { id: confirmText }, "Erase your profile, your settings and everything stored for this shop in this browser? This can't be undone."),
      h("div", { class: "fl-row" }, yes, no),
    );
    this.#eraseButton.addEventListener("click", () => {
      const open = this.#confirm.hidden;
      this.#confirm.hidden = !open;
      this.#eraseButton.setAttribute("aria-expanded", String(open));
      if (open) no.focus();
    });
    no.addEventListener("click", () => {
      this.#confirm.hidden = true;
      this.#eraseButton.setAttribute("aria-expanded", "false");
      this.#eraseButton.focus();
    });
    yes.addEventListener("click", () => this.#erase(yes));

    return h(
      "section",
      { class: "fl-section", "aria-labelledby": this.#headingId("data") },
      h("h3", { id: this.#headingId("data") }, "Your data"),
      h("div", { class: "fl-row" }, exportButton),
      h(
        "div",
        { class: "fl-field" },
        h("label", { for: fileId }, "Import a profile you exported"),
        file,
      ),
      h("div", { class: "fl-row" }, this.#eraseButton),
      this.#confirm,
    );
  }

  #export() {
    try {
      const json = this.#personalizer.exportProfile();
      const name = `flaneur-profile-${safeName(state.shop || this.#personalizer.shopId)}.json`;
      const url = URL.createObjectURL(new Blob([json], { type: "application/json" }));
      // Inside the dialog: everything outside a modal dialog is inert.
      const a = h("a", { href: url, download: name, hidden: true });
      this.#dialog.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 30_000);
      this.#say(`Downloaded ${name}: your profile as JSON, to keep or import elsewhere.`);
    } catch (err) {
      this.#say(`The profile couldn't be exported (${describe(err)}).`, true);
    }
  }

  async #import(input) {
    const file = input.files?.[0];
    if (!file) return;
    try {
      const summary = this.#personalizer.importProfile(await file.text());
      this.#say(`Imported your profile from ${file.name}: ${importWords(summary)}`);
      notify({ reason: "import" });
    } catch (err) {
      this.#say(`Couldn't import ${file.name}: ${describe(err)}. Your current profile is unchanged.`, true);
    } finally {
      input.value = "";
    }
  }

  async #erase(yes) {
    yes.disabled = true;
    try {
      await this.#personalizer.erase();
      hidden.clear();
      await forgetParts();
      this.#say("Everything is erased: nothing about you is stored for this shop in this browser now.");
    } catch (err) {
      this.#say(`Erasing failed (${describe(err)}).`, true);
    } finally {
      yes.disabled = false;
      this.#confirm.hidden = true;
      this.#eraseButton.setAttribute("aria-expanded", "false");
      this.#eraseButton.focus();
      notify({ reason: "erase" });
    }
  }

  #say(text, isError = false) {
    this.#status.classList.toggle("fl-dialog__status--error", isError);
    this.#status.textContent = text;
  }
}

/** What an import changed (`importProfile`'s summary), in words for the shopper. */
export function importWords({ tastes, items, dropped, preferencesKept }) {
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  const parts = [`${plural(tastes, "taste", "tastes")} and ${plural(items, "item", "items")} now in your profile.`];
  if (dropped.sensitive > 0) {
    parts.push(`Left out ${plural(dropped.sensitive, "item", "items")} of sensitive categories you haven't allowed, with everything they taught.`);
  }
  const kept = { reports: "anonymous reports", sensitive: "sensitive categories" };
  if (preferencesKept.length > 0) {
    parts.push(`Kept your own choice for ${preferencesKept.map((p) => kept[p] ?? p).join(" and ")}: an import never changes these.`);
  }
  return parts.join(" ");
}
