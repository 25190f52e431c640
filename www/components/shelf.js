// <flaneur-shelf k="12" context="item:ID | category:PATH | query:TEXT | recent | cart | buy-again"
//                cart="ID ID…" include-seen heading="For you" heading-level="2" fill hide-empty>
//
// A labelled region with a list of cards. Re-renders when it is connected,
// when an attribute changes and on every `flaneur:change`.
//   context   none: "For you"; item:ID, category:PATH, query:TEXT: suggestions for that page;
//             "recent": the shopper's recently viewed items, newest first (kept on this
//             device anyway; not suggestions); "cart": items often bought with what is in
//             the cart, from the shop's own co-purchase lists in the catalog; "buy-again":
//             the shopper's own past purchases, the most due first (what the device keeps of
//             them, with the shop's repurchase intervals; not suggestions)
//   cart      the ids in the page's cart, separated by spaces or commas (they stay on the
//             device): what context="cart" starts from, and never shown by the other shelves;
//             without it the engine uses the cart adds it saw in this session
//   include-seen  (boolean) show items viewed in this session, in the cart or bought too
//   heading   default "For you" ("Recently viewed" for context="recent", "Often bought
//             together" for context="cart", "Buy again" for context="buy-again");
//             heading-level 2–6 (default 2)
//   fill      (boolean) popular items fill the slots nothing is relevant enough for
//   hide-empty  (boolean) the element is `hidden` while it has no card (loading, empty or
//             failed), so a page shows the shelf only when it has something; it stays shown
//             while the keyboard is in it (after "Forget" on its last card)
// data-state on the element: "loading" | "ready" | "error".
// Each card: data-item-id, data-kind ("personal" | "divergent" | "popular" | "default" |
// "recent" | "complement" | "buy_again"), data-category. Recent cards have "Forget" (the
// item and what it taught) instead of "Why this?" and "Not interested"; buy-again cards
// show the engine's repurchase sentence ("You buy this about every 9 days; …") as their
// reason, and have "Why this?" and "Forget" (the item, its purchases and what they taught).
import { CHANGE, describe, hidden, itemOf, notify, ready, warn } from "./runtime.js";
import { h, masked, swatch, uid } from "./dom.js";
import {
  complementWhy, explanationSentence, formatPrice, leaf, provenanceWords, recommendationWords, repurchaseWhy, signalWords,
  swatchFill,
} from "./words.js";

const NOTHING_YET = "Nothing yet — look around and suggestions appear here; they're computed on this device.";
const NOTHING_CLOSE =
  "Nothing here is close enough to what you've looked at, so this stays empty rather than showing filler. Suggestions are computed on this device.";
const PAUSED_EMPTY = "Learning is paused, so nothing new is picked up. Suggestions are computed on this device.";
const DEFAULT_ORDER = "Personalization is off, so this is the shop's own selection.";
const ON_DEVICE = "Picked on this device from what you've looked at in this shop.";
const UNAVAILABLE = "Suggestions aren't available right now. Everything else in the shop works as usual.";
// context="recent"
const RECENT_NOTE = "What you looked at lately, newest first. This list stays on this device.";
const RECENT_EMPTY = "Items you look at appear here. This list stays on this device.";
const RECENT_UNAVAILABLE = "This list isn't available right now. Everything else in the shop works as usual.";
const RECENT_PAUSED = "Learning is paused, so what you look at now isn't added here. This list stays on this device.";
// context="buy-again"
const BUY_AGAIN_NOTE = "What you buy regularly, the most due first. Worked out on this device from your own purchases.";
const BUY_AGAIN_EMPTY = "What you buy more than once appears here when it is due again. This list stays on this device.";
const BUY_AGAIN_PAUSED = "Learning is paused, so this list stays empty for now. It stays on this device.";
// context="recent", "cart" and "buy-again", as the engine keeps them empty
const LIST_OFF = "Personalization is off, so this list stays empty.";
const LIST_SHOP_ORDER = "Your settings keep suggestions to the shop's own order, so this list stays empty.";
// context="cart"
const CART_NOTE = "From the shop's lists of items bought together. Your cart stays on this device.";
const CART_EMPTY = "Add something to your cart to see what's often bought with it.";
const CART_NOTHING =
  "Nothing else is often bought with what's in your cart (what you've just looked at or bought isn't repeated here).";

/** The shelf a context asks for: "recent", "complements" (context="cart"), "buy_again" (context="buy-again") or "for_you". */
export function shelfOf(attr) {
  const text = String(attr ?? "").trim();
  if (text === "recent") return "recent";
  if (text === "cart") return "complements";
  if (text === "buy-again") return "buy_again";
  return "for_you";
}

/** The shelves that are the shopper's own lists (kept on the device), not suggestions. */
const OWN_LISTS = new Set(["recent", "buy_again"]);

/** The ids of a cart attribute: "a b,c" → ["a", "b", "c"] (empty parts dropped, duplicates once). */
export function parseCart(attr) {
  return [...new Set(String(attr ?? "").split(/[\s,]+/).filter(Boolean))];
}

const DEFAULT_HEADINGS = {
  for_you: "For you", recent: "Recently viewed", complements: "Often bought together", buy_again: "Buy again",
};

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
  console.warn("flaneur-shelf: a context that is not item:…, category:…, query:…, recent, cart or buy-again is ignored");
  return {};
}

function clampInt(value, fallback, min, max) {
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

export class FlaneurShelf extends HTMLElement {
  static observedAttributes = ["k", "context", "cart", "include-seen", "heading", "heading-level", "fill", "hide-empty"];

  #built = false;
  #scheduled = false;
  #expanded = new Set(); // item ids whose "Why this?" is open
  #focusAfterDismiss = null; // index of the card whose "Not interested" (or "Forget") was pressed
  #hid = false; // whether hide-empty set `hidden` (so removing the attribute shows the element again)
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
    this.#hideIfEmpty(true);
  }

  // hide-empty: hidden while there is no card, unless the keyboard is in the shelf.
  #hideIfEmpty(empty, focusInside = false) {
    if (this.hasAttribute("hide-empty")) {
      const hide = empty && !focusInside;
      if (hide !== this.hidden) this.hidden = hide;
      this.#hid = hide;
    } else if (this.#hid) {
      this.hidden = false;
      this.#hid = false;
    }
  }

  #syncHeading() {
    const level = clampInt(this.getAttribute("heading-level"), 2, 2, 6);
    if (this.#heading.localName !== `h${level}`) {
      const replacement = h(`h${level}`, { id: this.#heading.id, class: "fl-shelf__heading", tabindex: "-1" });
      this.#heading.replaceWith(replacement);
      this.#heading = replacement;
    }
    this.#heading.textContent = this.getAttribute("heading") || DEFAULT_HEADINGS[shelfOf(this.getAttribute("context"))];
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
    this.#note.textContent = OWN_LISTS.has(shelfOf(this.getAttribute("context"))) ? RECENT_UNAVAILABLE : UNAVAILABLE;
    this.#hideIfEmpty(true);
  }

  #request() {
    const shelf = shelfOf(this.getAttribute("context"));
    const request = {
      k: clampInt(this.getAttribute("k"), 12, 1, 1000),
      context: shelf === "for_you" ? parseContext(this.getAttribute("context")) : {},
    };
    if (shelf !== "for_you") request.shelf = shelf;
    if (this.hasAttribute("cart")) request.context.cart = parseCart(this.getAttribute("cart"));
    if (hidden.size) request.exclude = [...hidden];
    if (this.hasAttribute("fill")) request.fill = true;
    if (this.hasAttribute("include-seen")) request.includeSeen = true;
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
    const recs = slate.items.filter((rec) => itemOf(rec.itemId));
    const cards = recs.map((rec) => this.#card(rec, personalizer));
    this.#list.replaceChildren(...cards);
    for (const id of this.#expanded) if (!recs.some((r) => r.itemId === id)) this.#expanded.delete(id);

    const shelf = shelfOf(this.getAttribute("context"));
    if (recs.length === 0) this.#note.textContent = this.#emptyWords(personalizer, shelf);
    else if (shelf === "recent") this.#note.textContent = RECENT_NOTE;
    else if (shelf === "complements") this.#note.textContent = CART_NOTE;
    else if (shelf === "buy_again") this.#note.textContent = BUY_AGAIN_NOTE;
    else if (recs.every((r) => r.kind === "default")) this.#note.textContent = DEFAULT_ORDER;
    else this.#note.textContent = ON_DEVICE;
    delete this.dataset.error;
    this.dataset.state = "ready";
    this.#hideIfEmpty(recs.length === 0, Boolean(focus));

    if (this.#focusAfterDismiss !== null) {
      const index = Math.min(this.#focusAfterDismiss, cards.length - 1);
      this.#focusAfterDismiss = null;
      (cards[index]?.querySelector("[data-action=dismiss], [data-action=forget]") ?? this.#heading).focus();
    } else if (focus) {
      const card = cards.find((c) => c.dataset.itemId === focus.itemId);
      (card?.querySelector(`[data-action="${focus.action}"]`) ?? card?.querySelector("[data-action]") ?? this.#heading).focus();
    }
  }

  #emptyWords(personalizer, shelf) {
    if (shelf !== "for_you") {
      let prefs = {};
      try {
        prefs = personalizer.preferences();
      } catch {}
      // The engine keeps both lists empty with personalization off or at (effective) intensity 0.
      if (prefs.personalization === false) return LIST_OFF;
      if (prefs.intensity === 0 || prefs.discretion === 1) return LIST_SHOP_ORDER;
      if (shelf === "recent") return prefs.paused ? RECENT_PAUSED : RECENT_EMPTY;
      // The engine keeps the buy-again list empty while learning is paused, too.
      if (shelf === "buy_again") return prefs.paused ? BUY_AGAIN_PAUSED : BUY_AGAIN_EMPTY;
      return this.hasAttribute("cart") && parseCart(this.getAttribute("cart")).length ? CART_NOTHING : CART_EMPTY;
    }
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
    const item = itemOf(rec.itemId);
    const title = String(item.title ?? item.id);
    const whyId = uid("fl-why");
    const titleId = uid("fl-title");
    const label = recommendationWords(rec);
    // A recently viewed item is not a suggestion: no "Why this?", no "Not interested",
    // and following it records no click (its product page records the view). A buy-again
    // item is the shopper's own purchase: "Why this?" and "Forget", and no click either.
    const recent = rec.kind === "recent";
    const buyAgain = rec.kind === "buy_again";
    const own = recent || buyAgain;

    // The buttons' names stay generic ("Why this?", "Not interested", "Forget"); the item's
    // title is their description, so trackers that read button text get no title.
    const onclick = own ? null : () => this.#clicked(item.id, personalizer);
    const name = item.url
      ? h("a", { class: "fl-card__link", id: titleId, href: item.url, dataset: { action: "link" }, onclick }, title)
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
    const forget = own
      ? h(
        "button",
        { type: "button", class: "fl-button fl-button--quiet", "aria-describedby": titleId, dataset: { action: "forget" } },
        "Forget",
      )
      : null;
    forget?.addEventListener("click", () => this.#forget(item, personalizer));

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
      h("div", { class: "fl-card__actions" }, recent ? forget : buyAgain ? [whyButton, forget] : [whyButton, dismiss]),
      recent ? null : why,
    );
    if (this.#expanded.has(item.id)) this.#setWhy(whyButton, why, true, rec, personalizer);
    return card;
  }

  #setWhy(button, region, open, rec, personalizer) {
    button.setAttribute("aria-expanded", String(open));
    region.hidden = !open;
    if (!open) return;
    if (rec.kind === "buy_again") {
      // Not from the interests: from the shopper's own purchases, kept on this device.
      region.replaceChildren(
        h("p", { class: "fl-why__text" }, repurchaseWhy(rec)),
        h("p", { class: "fl-why__where" }, "Worked out in your browser from your own purchases; nothing about them is sent to the shop."),
      );
      return;
    }
    if (rec.kind === "complement") {
      // Not from the profile: from the shop's lists of items bought together.
      region.replaceChildren(
        h("p", { class: "fl-why__text" }, complementWhy(rec)),
        h(
          "p",
          { class: "fl-why__where" },
          "Worked out in your browser from the shop's catalog; flaneur sends nothing about your cart to the shop.",
        ),
      );
      return;
    }
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

  // "Forget" on a recently viewed or buy-again card: the engine forgets the item and what it
  // taught (its views and purchases, and their weight in the interests), so it leaves this list.
  #forget(item, personalizer) {
    const index = [...this.#list.children].findIndex((c) => c.dataset.itemId === item.id);
    let forgot = false;
    let failed = false;
    try {
      forgot = personalizer.forget({ itemId: item.id });
    } catch (err) {
      failed = true;
      warn("an item was not forgotten", err);
    }
    this.#focusAfterDismiss = Math.max(0, index);
    this.#announce(
      failed
        ? `“${item.title}” could not be forgotten.`
        : forgot
          ? `Forgot “${item.title}”: it is off this list, and what it taught is no longer used.`
          : `Nothing was kept about “${item.title}”.`,
    );
    notify({ reason: "forget" });
  }

  #announce(text) {
    this.#status.textContent = "";
    // A fresh text node in a later task, so screen readers announce a repeat.
    setTimeout(() => {
      this.#status.textContent = text;
    }, 50);
  }
}
