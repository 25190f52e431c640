// <flaneur-shelf k="12" context="item:ID | category:PATH | query:TEXT" heading="For you">
//
// A labelled region with a list of recommended cards. Re-renders when it is
// connected, when an attribute changes and on every `flaneur:change`.
// data-state on the element: "loading" | "ready" | "error".
// Each card: data-item-id, data-kind ("personal" | "divergent" | "popular" | "default"), data-category.
import { CHANGE, describe, hidden, notify, ready, state, warn } from "./runtime.js";
import { h, masked, swatch, uid } from "./dom.js";
import {
  explanationSentence, formatPrice, leaf, provenanceWords, recommendationWords, signalWords, swatchFill,
} from "./words.js";

const NOTHING_YET = "Nothing yet — look around and suggestions appear here; they're computed on this device.";
const NOTHING_CLOSE =
  "Nothing here is close enough to what you've looked at, so this stays empty rather than showing filler. Suggestions are computed on this device.";
const PAUSED_EMPTY = "Learning is paused, so nothing new is picked up. Suggestions are computed on this device.";
const DEFAULT_ORDER = "Personalization is off, so this is the shop's own selection.";
const ON_DEVICE = "Picked on this device from what you've looked at in this shop.";
const UNAVAILABLE = "Suggestions aren't available right now. Everything else in the shop works as usual.";

/** "item:sku-1" → { itemId }, "category:Women > Knitwear" → { category }, "query:red" → { query }. */
export function parseContext(attr) {
  const text = String(attr ?? "").trim();
  const colon = text.indexOf(":");
  if (colon < 0) return {};
  const kind = text.slice(0, colon).trim();
  const value = text.slice(colon + 1).trim();
  if (!value) return {};
  if (kind === "item") return { itemId: value };
  if (kind === "category") return { category: value };
  if (kind === "query") return { query: value };
  // The attribute's text is not repeated: a query: context holds what the shopper searched.
  console.warn("flaneur-shelf: a context that is not item:…, category:… or query:… is ignored");
  return {};
}

function clampInt(value, fallback, min, max) {
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

export class FlaneurShelf extends HTMLElement {
  static observedAttributes = ["k", "context", "heading", "heading-level", "fill"];

  #built = false;
  #scheduled = false;
  #expanded = new Set(); // item ids whose "Why this?" is open
  #focusAfterDismiss = null; // index of the card whose "Not interested" was pressed
  #heading;
  #note;
  #list;
  #status;
  #onChange = () => this.#schedule();

  connectedCallback() {
    try {
      if (!this.#built) this.#build();
      document.addEventListener(CHANGE, this.#onChange);
      this.#schedule();
    } catch (err) {
      warn("the shelf failed", err);
    }
  }

  disconnectedCallback() {
    document.removeEventListener(CHANGE, this.#onChange);
  }

  attributeChangedCallback() {
    if (!this.#built) return;
    try {
      this.#syncHeading();
      this.#schedule();
    } catch (err) {
      warn("the shelf failed", err);
    }
  }

  #build() {
    this.#built = true;
    if (!this.dataset.state) this.dataset.state = "loading";
    const headingId = uid("fl-shelf-heading");
    this.#heading = h("h2", { id: headingId, class: "fl-shelf__heading", tabindex: "-1" });
    this.#note = h("p", { class: "fl-shelf__note" }, "Loading suggestions…");
    this.#list = h("ul", { class: "fl-cards", role: "list" });
    this.#status = h("p", { class: "fl-sr-only", role: "status", "aria-live": "polite" });
    this.replaceChildren(
      h(
        "section",
        masked({ class: "fl-shelf", "aria-labelledby": headingId }),
        this.#heading,
        this.#note,
        this.#list,
        this.#status,
      ),
    );
    this.#syncHeading();
  }

  #syncHeading() {
    const level = clampInt(this.getAttribute("heading-level"), 2, 2, 6);
    if (this.#heading.localName !== `h${level}`) {
      const replacement = h(`h${level}`, { id: this.#heading.id, class: "fl-shelf__heading", tabindex: "-1" });
      this.#heading.replaceWith(replacement);
      this.#heading = replacement;
    }
    this.#heading.textContent = this.getAttribute("heading") || "For you";
  }

  // Coalesces every change of one task into one render.
  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    ready.then(
      ({ personalizer }) => {
        this.#scheduled = false;
        if (this.isConnected) this.#render(personalizer);
      },
      (err) => {
        this.#scheduled = false;
        this.#fail(err);
      },
    );
  }

  #fail(err) {
    this.dataset.state = "error";
    this.dataset.error = err?.code ?? err?.name ?? "ERROR";
    this.#list.replaceChildren();
    this.#note.textContent = UNAVAILABLE;
  }

  #request() {
    const request = {
      k: clampInt(this.getAttribute("k"), 12, 1, 1000),
      context: parseContext(this.getAttribute("context")),
    };
    if (hidden.size) request.exclude = [...hidden];
    if (this.hasAttribute("fill")) request.fill = true;
    return request;
  }

  #render(personalizer) {
    // Where the keyboard was, to put it back on the same control of the same card.
    const active = document.activeElement;
    const focus = active && this.#list.contains(active)
      ? { itemId: active.closest("[data-item-id]")?.dataset.itemId, action: active.dataset.action }
      : null;

    let slate;
    try {
      slate = personalizer.recommend(this.#request());
    } catch (err) {
      warn("no suggestions", err);
      this.#fail(err);
      return;
    }
    const recs = slate.items.filter((rec) => state.items.has(rec.itemId));
    const cards = recs.map((rec) => this.#card(rec, personalizer));
    this.#list.replaceChildren(...cards);
    for (const id of this.#expanded) if (!recs.some((r) => r.itemId === id)) this.#expanded.delete(id);

    if (recs.length === 0) this.#note.textContent = this.#emptyWords(personalizer);
    else if (recs.every((r) => r.kind === "default")) this.#note.textContent = DEFAULT_ORDER;
    else this.#note.textContent = ON_DEVICE;
    delete this.dataset.error;
    this.dataset.state = "ready";

    if (this.#focusAfterDismiss !== null) {
      const index = Math.min(this.#focusAfterDismiss, cards.length - 1);
      this.#focusAfterDismiss = null;
      (cards[index]?.querySelector("[data-action=dismiss]") ?? this.#heading).focus();
    } else if (focus) {
      const card = cards.find((c) => c.dataset.itemId === focus.itemId);
      (card?.querySelector(`[data-action="${focus.action}"]`) ?? card?.querySelector("[data-action]") ?? this.#heading).focus();
    }
  }

  #emptyWords(personalizer) {
    try {
      const profile = personalizer.profile();
      const knowsNothing = profile.tastes.length === 0 && profile.items === 0;
      if (profile.preferences.paused && knowsNothing) return PAUSED_EMPTY;
      return knowsNothing ? NOTHING_YET : NOTHING_CLOSE;
    } catch {
      return NOTHING_YET;
    }
  }

  #card(rec, personalizer) {
    const item = state.items.get(rec.itemId);
    const title = String(item.title ?? item.id);
    const whyId = uid("fl-why");
    const titleId = uid("fl-title");
    const label = recommendationWords(rec);

    // The buttons' names stay generic ("Why this?", "Not interested"); the item's
    // title is their description, so trackers that read button text get no title.
    const name = item.url
      ? h("a", { class: "fl-card__link", id: titleId, href: item.url, dataset: { action: "link" }, onclick: () => this.#clicked(item.id, personalizer) }, title)
      : h("span", { id: titleId }, title);
    const why = h("div", { class: "fl-why", id: whyId, hidden: true });
    const whyButton = h(
      "button",
      {
        type: "button",
        class: "fl-button",
        "aria-expanded": "false",
        "aria-controls": whyId,
        "aria-describedby": titleId,
        dataset: { action: "why" },
      },
      "Why this?",
    );
    whyButton.addEventListener("click", () => {
      const open = whyButton.getAttribute("aria-expanded") !== "true";
      if (open) this.#expanded.add(item.id);
      else this.#expanded.delete(item.id);
      this.#setWhy(whyButton, why, open, rec, personalizer);
    });
    const dismiss = h(
      "button",
      { type: "button", class: "fl-button fl-button--quiet", "aria-describedby": titleId, dataset: { action: "dismiss" } },
      "Not interested",
    );
    dismiss.addEventListener("click", () => this.#dismiss(item, personalizer));

    const card = h(
      "li",
      { class: `fl-card fl-card--${rec.kind}`, dataset: { itemId: item.id, kind: rec.kind, category: item.category ?? "" } },
      swatch(swatchFill(item.attributes?.colour ?? item.attributes?.color), item.attributes?.colour),
      h(
        "div",
        { class: "fl-card__body" },
        h("p", { class: "fl-card__title" }, name),
        item.price !== undefined ? h("p", { class: "fl-card__price" }, formatPrice(item)) : null,
        label || rec.kind === "divergent"
          ? h(
            "p",
            { class: "fl-card__reason" },
            rec.kind === "divergent" ? h("span", { class: "fl-badge" }, "Something different") : null,
            rec.kind === "divergent" ? " " : null,
            label,
          )
          : null,
      ),
      h("div", { class: "fl-card__actions" }, whyButton, dismiss),
      why,
    );
    if (this.#expanded.has(item.id)) this.#setWhy(whyButton, why, true, rec, personalizer);
    return card;
  }

  #setWhy(button, region, open, rec, personalizer) {
    button.setAttribute("aria-expanded", String(open));
    region.hidden = !open;
    if (!open) return;
    let explanation;
    try {
      explanation = personalizer.explain(rec.itemId);
    } catch (err) {
      region.replaceChildren(h("p", {}, `No explanation is available (${describe(err)}).`));
      return;
    }
    const signals = explanation.reason?.signals ?? [];
    const total = signals.reduce((sum, s) => sum + Math.max(0, s.contribution ?? 0), 0);
    const step = rec.reason?.divergence;
    const parts = [
      h("p", { class: "fl-why__text" }, explanationSentence(explanation.text) || "Nothing in your profile points to it."),
      h(
        "p",
        { class: "fl-why__relevance" },
        `Match with what you've looked at: ${Math.round(100 * (explanation.relevance ?? 0))}%`,
        explanation.recommendable ? "." : " — not enough to be suggested on its own.",
      ),
      step
        ? h(
          "p",
          { class: "fl-why__step" },
          step.axis === "category"
            ? `One step from ${leaf(step.from).toLowerCase()} to ${leaf(step.to).toLowerCase()}, to widen what you see.`
            : `One step from ${step.from} to ${step.to} (${step.axis}) in ${leaf(step.anchor).toLowerCase()}, to widen what you see.`,
        )
        : null,
      signals.length
        ? h(
          "ul",
          { class: "fl-why__signals" },
          signals.map((s) => {
            const provenance = provenanceWords(s);
            const share = total > 0 ? Math.round((100 * Math.max(0, s.contribution ?? 0)) / total) : null;
            return h(
              "li",
              { dataset: { signal: s.kind } },
              signalWords(s),
              provenance ? ` — ${provenance}` : "",
              share !== null ? ` (about ${share}% of this match)` : "",
            );
          }),
        )
        : null,
      h("p", { class: "fl-why__where" }, "Worked out in your browser; nothing about it is sent to the shop."),
    ];
    region.replaceChildren(...parts.filter(Boolean));
  }

  #clicked(itemId, personalizer) {
    // Recorded now, before the browser follows the link; the re-render waits for a later
    // task, so the link is still in the document when the browser follows it.
    try {
      if (personalizer.record({ type: "click", itemId })) {
        setTimeout(() => notify({ reason: "record" }), 0);
      }
    } catch (err) {
      warn("a click was not recorded", err);
    }
  }

  #dismiss(item, personalizer) {
    const index = [...this.#list.children].findIndex((c) => c.dataset.itemId === item.id);
    hidden.add(item.id);
    this.#expanded.delete(item.id);
    let learned = false;
    try {
      learned = personalizer.record({ type: "dismiss", itemId: item.id });
    } catch (err) {
      warn("a dismissal was not recorded", err);
    }
    this.#focusAfterDismiss = Math.max(0, index);
    let paused = false;
    try {
      paused = personalizer.preferences().paused;
    } catch {}
    this.#announce(
      learned
        ? `Removed “${item.title}”. It won't be suggested again.`
        : paused
          ? `Hidden “${item.title}” on this page. Learning is paused, so it isn't remembered.`
          : `Hidden “${item.title}” on this page.`,
    );
    notify({ reason: "dismiss" });
  }

  #announce(text) {
    this.#status.textContent = "";
    // A fresh text node in a later task, so screen readers announce a repeat.
    setTimeout(() => {
      this.#status.textContent = text;
    }, 50);
  }
}
