//! The shopper's intent in the current session, inferred on the device.
//!
//! [`classify`] reads the current session's raw events (oldest first, as
//! [`Profile::session`](crate::profile::Profile::session) yields them), turns
//! them into a handful of features, gives each label a small score from the
//! rules below, and names the leader only when it is clearly ahead. It is
//! pure: no clock, no randomness, no JavaScript; the same session always gives
//! the same [`IntentEstimate`].
//!
//! **Features**, from the session's events only (events about items that are
//! not in the catalog are ignored altogether; at most the newest
//! [`MAX_SESSION_EVENTS`] events count):
//!
//! - *events*: how many events there are; *item events*: how many engage with
//!   an item (view, click, dwell, cart add, purchase; removing from the cart
//!   and dismissing do not engage);
//! - *spread*: distinct leaf categories and departments among engaged items;
//!   *focus*: the share of item events on the most visited leaf;
//! - *visits*: a visit is a run of consecutive engaged events on one item (a
//!   click, the view it opens and the dwell that follows are one visit); a
//!   *revisit* opens an item again; the *top product* is the most visited one
//!   (ties: the longer dwell), with its visits, dwell and share of all visits;
//! - *comparison*: the most distinct items engaged with in one leaf, and
//!   *switchbacks*: revisits that come straight from another item of the same
//!   leaf (back and forth);
//! - *searches* and *refinements*: consecutive searches that share a word or
//!   where one extends the other (the profile keeps a search without its
//!   text, as a step marked when it refined the one before: see [`refines`]);
//! - *carts*: cart adds and purchases;
//! - *pace*: the median gap between consecutive events.
//!
//! **Labels** (each rule's points and threshold is a constant below):
//!
//! - [`Intent::Buying`]: a cart add or purchase ([`CART_POINTS`]); refined
//!   searches with focus ([`SEARCH_FOCUS_POINTS`]); one dominant product
//!   visited often or read long ([`DEPTH_POINTS`]).
//! - [`Intent::Comparing`], only with nothing in the cart: a comparison set of
//!   [`COMPARE_MIN_ITEMS`] items of one leaf ([`COMPARE_SET_POINTS`]),
//!   switchbacks ([`SWITCHBACK_POINTS`] each), a deliberate pace
//!   ([`DELIBERATE_POINTS`]).
//! - [`Intent::Exploring`], only with nothing in the cart and no refined search
//!   with focus: several leaves ([`SPREAD_POINTS`]) and departments
//!   ([`DEPARTMENT_POINTS`]), low focus ([`LOW_FOCUS_POINTS`]), a brisk pace
//!   ([`BRISK_POINTS`]).
//! - [`Intent::Unknown`]: fewer than [`MIN_ITEM_EVENTS`] item events and no
//!   cart add or purchase, or a confidence below [`MIN_CONFIDENCE`].
//!
//! **Confidence** is the product of the leader's strength (its score, capped
//! at 1), its lead (how far ahead of the runner-up it is, relative to its own
//! score) and the evidence (events seen, saturating at [`FULL_EVIDENCE`]).

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, CategoryId};
use crate::profile::{Event, EventKind, MAX_SESSION_EVENTS};

/// What the shopper seems to be doing now; [`classify`] infers it from the
/// current session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Intent {
    /// Browsing idly across categories: the flâneur.
    Exploring,
    /// Weighing a few alternatives.
    Comparing,
    /// Hunting a known need.
    Buying,
    /// Not enough evidence yet.
    #[default]
    Unknown,
}

/// The inferred intent and how sure [`classify`] is of it.
///
/// For [`Intent::Unknown`] the confidence is how far the leading label got
/// (always below [`MIN_CONFIDENCE`]), and 0 when there is too little evidence
/// to score at all.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntentEstimate {
    /// The label.
    pub intent: Intent,
    /// How sure, in [0, 1].
    pub confidence: f32,
}

impl IntentEstimate {
    /// No evidence: [`Intent::Unknown`] with confidence 0.
    pub const UNKNOWN: Self = Self { intent: Intent::Unknown, confidence: 0.0 };
}

impl Default for IntentEstimate {
    fn default() -> Self {
        Self::UNKNOWN
    }
}

// ---- Evidence and confidence --------------------------------------------

/// Fewer item events than this, and no cart add or purchase: [`Intent::Unknown`]
/// with confidence 0. (A cart add is strong enough on its own: a view and a cart
/// add are two item events, and they mean buying.)
pub const MIN_ITEM_EVENTS: usize = 3;
/// Below this confidence no label is clearly ahead: [`Intent::Unknown`].
pub const MIN_CONFIDENCE: f32 = 0.3;
/// Evidence is complete at this many events (searches and item events alike).
pub const FULL_EVIDENCE: f32 = 8.0;
/// A cart add or purchase is worth this many events as evidence.
pub const CART_EVIDENCE: f32 = 4.0;

// ---- Buying ---------------------------------------------------------------

/// Buying: a cart add or purchase in the session (removing it again does not
/// undo the intent it showed).
pub const CART_POINTS: f32 = 1.0;
/// Buying: at least one search refinement, and item events focused on one leaf
/// (focus at least [`FOCUS_MIN`]): searching toward one thing.
pub const SEARCH_FOCUS_POINTS: f32 = 0.6;
/// The focus (share of item events on the most visited leaf) at which refined
/// searches count as searching toward one thing.
pub const FOCUS_MIN: f32 = 0.6;
/// Buying: depth on one product. The top product holds at least
/// [`DOMINANT_SHARE`] of the visits and was visited at least [`DEEP_VISITS`]
/// times or read for at least [`DEEP_DWELL_MS`].
pub const DEPTH_POINTS: f32 = 0.5;
/// Share of all visits the top product needs for [`DEPTH_POINTS`] (several
/// products visited alike is comparing, not depth).
pub const DOMINANT_SHARE: f32 = 0.5;
/// Visits to one product that show depth.
pub const DEEP_VISITS: usize = 3;
/// Dwell on one product, in ms summed over the session, that shows depth.
pub const DEEP_DWELL_MS: f64 = 60_000.0;

// ---- Comparing ------------------------------------------------------------

/// Distinct items of one leaf that make a comparison set. Every comparing rule
/// needs one, and none applies once something is in the cart.
pub const COMPARE_MIN_ITEMS: usize = 3;
/// Comparing: a comparison set. On its own (even at a deliberate pace) it stays
/// below [`MIN_CONFIDENCE`]: viewing items one after another is not comparing
/// them; comparing needs back and forth.
pub const COMPARE_SET_POINTS: f32 = 0.15;
/// Comparing: per switchback (a revisit coming straight from another item of
/// the same leaf), up to [`MAX_SWITCHBACKS`].
pub const SWITCHBACK_POINTS: f32 = 0.25;
/// Most switchbacks that earn [`SWITCHBACK_POINTS`].
pub const MAX_SWITCHBACKS: usize = 3;
/// Comparing: a deliberate pace, the median gap at least [`DELIBERATE_GAP_MS`].
pub const DELIBERATE_POINTS: f32 = 0.1;
/// Median gap between events (ms) from which the pace is deliberate.
pub const DELIBERATE_GAP_MS: i64 = 20_000;

const _: () = assert!(
    COMPARE_SET_POINTS + DELIBERATE_POINTS < MIN_CONFIDENCE,
    "comparing needs back and forth"
);

// ---- Exploring ------------------------------------------------------------

/// Exploring: at least [`SPREAD_LEAVES`] distinct leaf categories. No exploring
/// rule applies with a cart add, or while searching toward one thing
/// (see [`SEARCH_FOCUS_POINTS`]).
pub const SPREAD_POINTS: f32 = 0.4;
/// Distinct leaves that make a spread.
pub const SPREAD_LEAVES: usize = 3;
/// Exploring: at least [`SPREAD_DEPARTMENTS`] departments (top-level categories).
pub const DEPARTMENT_POINTS: f32 = 0.2;
/// Distinct departments that make a spread.
pub const SPREAD_DEPARTMENTS: usize = 2;
/// Exploring: focus at most [`LOW_FOCUS`].
pub const LOW_FOCUS_POINTS: f32 = 0.3;
/// The focus at or below which attention is spread thin.
pub const LOW_FOCUS: f32 = 0.5;
/// Exploring: a brisk pace, the median gap at most [`BRISK_GAP_MS`].
pub const BRISK_POINTS: f32 = 0.1;
/// Median gap between events (ms) up to which the pace is brisk.
pub const BRISK_GAP_MS: i64 = 10_000;

// ---- Searches -------------------------------------------------------------

/// Words shorter than this (in characters) never make two searches a
/// refinement ("for", "in" and the like are not a shared need). Words match
/// when one is a case-insensitive prefix of the other ("boot", "boots").
pub const MIN_WORD_CHARS: usize = 3;

/// Infers the shopper's intent from the current session's events, oldest first.
///
/// Events about items the catalog lacks are ignored; only the newest
/// [`MAX_SESSION_EVENTS`] events count. See the [module documentation](self)
/// for the features, rules and thresholds.
///
/// ```
/// use flaneur::catalog::Catalog;
/// use flaneur::intent::{Intent, classify};
/// use flaneur::profile::{Event, EventKind};
///
/// let catalog = Catalog::from_json_str(r#"{"version": 1, "shop": "demo", "items": [
///   {"id": "a", "title": "Red boots", "category": "Shoes > Boots"},
///   {"id": "b", "title": "Navy boots", "category": "Shoes > Boots"},
///   {"id": "c", "title": "Cream boots", "category": "Shoes > Boots"}]}"#)?;
/// let view = |id: &str, at: i64| Event { kind: EventKind::View { item_id: id.into() }, at };
///
/// // Back and forth between three boots: comparing.
/// let session: Vec<Event> = ["a", "b", "c", "a", "b", "c", "a"]
///     .iter()
///     .zip(0..)
///     .map(|(id, n)| view(id, n * 15_000))
///     .collect();
/// assert_eq!(classify(&catalog, &session).intent, Intent::Comparing);
///
/// // Then one goes in the cart: buying.
/// let mut session = session;
/// session.push(Event { kind: EventKind::AddToCart { item_id: "a".into() }, at: 120_000 });
/// let estimate = classify(&catalog, &session);
/// assert_eq!(estimate.intent, Intent::Buying);
/// assert!(estimate.confidence > 0.5);
///
/// // Two views say nothing yet.
/// assert_eq!(classify(&catalog, &session[..2]).intent, Intent::Unknown);
/// # Ok::<(), flaneur::Error>(())
/// ```
pub fn classify<'a>(
    catalog: &Catalog,
    session: impl IntoIterator<Item = &'a Event>,
) -> IntentEstimate {
    let mut window = Window::default();
    for step in session.into_iter().filter_map(|event| resolve(catalog, event)) {
        window.push(step);
    }
    decide(&features(window.as_slice()))
}

// ---- Steps: the session's events, resolved against the catalog -------------

/// The newest events `classify` looks at.
const WINDOW: usize = MAX_SESSION_EVENTS;

/// One kept event.
#[derive(Debug, Clone, Copy)]
struct Step<'a> {
    at: i64,
    what: What<'a>,
}

#[derive(Debug, Clone, Copy)]
enum What<'a> {
    Search(&'a str),
    /// A search kept without its text: whether it refined the one before.
    Searched(bool),
    Item(ItemStep),
}

/// An event about a catalog item.
#[derive(Debug, Clone, Copy)]
struct ItemStep {
    item: usize,
    leaf: CategoryId,
    department: CategoryId,
    act: Act,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Act {
    /// A view or a click.
    Open,
    /// Time on the item's page, in ms (finite, non-negative).
    Dwell(f64),
    /// A cart add or a purchase.
    Cart,
    /// Removing from the cart or dismissing: an event, not engagement.
    Other,
}

impl Step<'_> {
    const EMPTY: Self = Step { at: 0, what: What::Search("") };

    /// The item step, if the event engages with its item.
    fn engaged(&self) -> Option<&ItemStep> {
        match &self.what {
            What::Item(step) if step.act != Act::Other => Some(step),
            _ => None,
        }
    }
}

impl ItemStep {
    fn dwell_ms(&self) -> f64 {
        match self.act {
            Act::Dwell(ms) => ms,
            _ => 0.0,
        }
    }
}

/// The event as a step, `None` when it is about an item the catalog lacks.
fn resolve<'a>(catalog: &Catalog, event: &'a Event) -> Option<Step<'a>> {
    let what = match &event.kind {
        EventKind::Search { query } => What::Search(query),
        EventKind::SearchStep { refines } => What::Searched(*refines),
        EventKind::View { item_id } | EventKind::Click { item_id } => {
            item_step(catalog, item_id, Act::Open)?
        }
        EventKind::Dwell { item_id, ms } => item_step(catalog, item_id, Act::Dwell(clean_ms(*ms)))?,
        EventKind::AddToCart { item_id } | EventKind::Purchase { item_id } => {
            item_step(catalog, item_id, Act::Cart)?
        }
        EventKind::RemoveFromCart { item_id } | EventKind::Dismiss { item_id } => {
            item_step(catalog, item_id, Act::Other)?
        }
    };
    Some(Step { at: event.at, what })
}

fn item_step(catalog: &Catalog, item_id: &str, act: Act) -> Option<What<'static>> {
    let item = catalog.index_of(item_id)?;
    let leaf = catalog.item(item).category();
    Some(What::Item(ItemStep { item, leaf, department: department(catalog, leaf), act }))
}

/// The top-level category above `leaf`.
fn department(catalog: &Catalog, leaf: CategoryId) -> CategoryId {
    let mut node = leaf;
    while let Some(parent) = catalog.taxonomy().parent(node) {
        node = parent;
    }
    node
}

/// A dwell the page measured badly (NaN, negative, infinite) counts as none.
fn clean_ms(ms: f64) -> f64 {
    if ms.is_finite() { ms.max(0.0) } else { 0.0 }
}

/// The newest [`WINDOW`] steps, on the stack.
struct Window<'a> {
    steps: [Step<'a>; WINDOW],
    len: usize,
    /// Where the oldest step is once the window is full.
    start: usize,
}

impl Default for Window<'_> {
    fn default() -> Self {
        Self { steps: [Step::EMPTY; WINDOW], len: 0, start: 0 }
    }
}

impl<'a> Window<'a> {
    fn push(&mut self, step: Step<'a>) {
        if self.len < WINDOW {
            self.steps[self.len] = step;
            self.len += 1;
        } else {
            self.steps[self.start] = step;
            self.start = (self.start + 1) % WINDOW;
        }
    }

    /// The steps, oldest first.
    fn as_slice(&mut self) -> &[Step<'a>] {
        self.steps.rotate_left(self.start);
        self.start = 0;
        &self.steps[..self.len]
    }
}

// ---- Features ---------------------------------------------------------------

/// What the rules look at (see the module documentation).
#[derive(Debug, Clone, Copy, Default)]
struct Features {
    events: usize,
    item_events: usize,
    carts: usize,
    leaves: usize,
    departments: usize,
    focus: f32,
    top: TopProduct,
    compared: usize,
    switchbacks: usize,
    refinements: usize,
    median_gap_ms: Option<i64>,
}

/// The most visited product (ties: the longer dwell).
#[derive(Debug, Clone, Copy, Default)]
struct TopProduct {
    visits: usize,
    dwell_ms: f64,
    share: f32,
}

fn features(steps: &[Step<'_>]) -> Features {
    let visits = visit_starts(steps);
    let firsts = first_engagements(steps);
    let item_events = steps.iter().filter(|s| s.engaged().is_some()).count();
    Features {
        events: steps.len(),
        item_events,
        carts: steps.iter().filter(|s| s.engaged().is_some_and(|i| i.act == Act::Cart)).count(),
        leaves: distinct(steps, |i| i.leaf),
        departments: distinct(steps, |i| i.department),
        focus: top_leaf_events(steps) as f32 / item_events.max(1) as f32,
        top: top_product(steps, &visits, &firsts),
        compared: largest_comparison_set(steps, &firsts),
        switchbacks: switchbacks(steps, &visits, &firsts),
        refinements: refinements(steps),
        median_gap_ms: median_gap(steps),
    }
}

/// The engaged item step at `i`, if any.
fn engaged_at(steps: &[Step<'_>], i: usize) -> Option<ItemStep> {
    steps.get(i).and_then(Step::engaged).copied()
}

/// Whether an engaged step before `i` has `key`.
fn seen_before<K: PartialEq>(
    steps: &[Step<'_>],
    i: usize,
    key: K,
    by: impl Fn(&ItemStep) -> K,
) -> bool {
    steps[..i].iter().filter_map(Step::engaged).any(|e| by(e) == key)
}

/// Distinct keys (leaves, departments) among engaged steps.
fn distinct<K: PartialEq>(steps: &[Step<'_>], by: impl Fn(&ItemStep) -> K + Copy) -> usize {
    (0..steps.len())
        .filter(|&i| engaged_at(steps, i).is_some_and(|e| !seen_before(steps, i, by(&e), by)))
        .count()
}

/// Item events on the most visited leaf.
fn top_leaf_events(steps: &[Step<'_>]) -> usize {
    let on_leaf = |leaf| steps.iter().filter_map(Step::engaged).filter(|e| e.leaf == leaf).count();
    steps.iter().filter_map(Step::engaged).map(|e| on_leaf(e.leaf)).max().unwrap_or(0)
}

/// Marks each item's first engaged step.
fn first_engagements(steps: &[Step<'_>]) -> [bool; WINDOW] {
    let mut firsts = [false; WINDOW];
    for (i, first) in firsts.iter_mut().enumerate().take(steps.len()) {
        *first = engaged_at(steps, i).is_some_and(|e| !seen_before(steps, i, e.item, |s| s.item));
    }
    firsts
}

/// Marks the steps that open a visit: an engaged step whose previous step is
/// not an engaged step on the same item.
fn visit_starts(steps: &[Step<'_>]) -> [bool; WINDOW] {
    let mut starts = [false; WINDOW];
    for (i, start) in starts.iter_mut().enumerate().take(steps.len()) {
        let Some(step) = engaged_at(steps, i) else { continue };
        let previous = i.checked_sub(1).and_then(|p| engaged_at(steps, p));
        *start = previous.is_none_or(|p| p.item != step.item);
    }
    starts
}

/// The most visited product: its visits, dwell and share of all visits.
fn top_product(steps: &[Step<'_>], visits: &[bool; WINDOW], firsts: &[bool; WINDOW]) -> TopProduct {
    let total = visits.iter().filter(|&&v| v).count();
    let mut top = TopProduct::default();
    for i in (0..steps.len()).filter(|&i| firsts[i]) {
        let Some(e) = engaged_at(steps, i) else { continue };
        let on_item = || {
            steps.iter().enumerate().filter(|(_, s)| s.engaged().is_some_and(|s| s.item == e.item))
        };
        let count = on_item().filter(|&(j, _)| visits[j]).count();
        let dwell_ms: f64 =
            on_item().filter_map(|(_, s)| s.engaged()).map(ItemStep::dwell_ms).sum();
        if count > top.visits || (count == top.visits && dwell_ms > top.dwell_ms) {
            top = TopProduct { visits: count, dwell_ms, share: count as f32 / total.max(1) as f32 };
        }
    }
    top
}

/// The most distinct items engaged with in one leaf.
fn largest_comparison_set(steps: &[Step<'_>], firsts: &[bool; WINDOW]) -> usize {
    let items = || (0..steps.len()).filter(|&i| firsts[i]).filter_map(|i| engaged_at(steps, i));
    items().map(|e| items().filter(|f| f.leaf == e.leaf).count()).max().unwrap_or(0)
}

/// Revisits that come straight from a visit to another item of the same leaf.
fn switchbacks(steps: &[Step<'_>], visits: &[bool; WINDOW], firsts: &[bool; WINDOW]) -> usize {
    let mut previous: Option<ItemStep> = None;
    let mut count = 0;
    for i in (0..steps.len()).filter(|&i| visits[i]) {
        let Some(e) = engaged_at(steps, i) else { continue };
        let revisit = !firsts[i];
        if revisit && previous.is_some_and(|p| p.item != e.item && p.leaf == e.leaf) {
            count += 1;
        }
        previous = Some(e);
    }
    count
}

/// Consecutive searches (in the order of searches) where the later refines the earlier.
fn refinements(steps: &[Step<'_>]) -> usize {
    let mut previous: Option<&str> = None;
    let mut count = 0;
    for step in steps {
        match step.what {
            What::Search(query) => {
                if previous.is_some_and(|p| refines(p, query)) {
                    count += 1;
                }
                previous = Some(query);
            }
            What::Searched(refined) => {
                count += usize::from(refined);
                previous = None;
            }
            What::Item(_) => {}
        }
    }
    count
}

/// Whether the query `b` refines `a`: they share a word, or one extends the
/// other ("boo" → "boots"), whatever their case and punctuation (both are
/// compared [folded](fold_query)). How the engine marks a search it keeps
/// without its text ([`EventKind::SearchStep`]).
///
/// In the page the browser folds a query as it arrives (the boundary, with
/// `String.prototype.toLowerCase` and the `\p{Alphabetic}`/`\p{N}` classes),
/// so the `.wasm` carries no Unicode case tables of its own: there, `a` and
/// `b` are folded already. Native builds fold them here.
///
/// ```
/// assert!(flaneur::intent::refines("boots", "leather boots"));
/// assert!(flaneur::intent::refines("Leather BOOTS!", "boots, brown"));
/// assert!(!flaneur::intent::refines("boots", "scarf"));
/// ```
pub fn refines(a: &str, b: &str) -> bool {
    #[cfg(not(target_arch = "wasm32"))]
    let (a, b) = (&fold_query(a), &fold_query(b));
    let extends = !a.is_empty() && !b.is_empty() && (b.starts_with(a) || a.starts_with(b));
    extends || words(a).any(|x| words(b).any(|y| y.starts_with(x) || x.starts_with(y)))
}

/// A search query as [`refines`] compares it: its words (runs of Unicode
/// letters and digits, `char::is_alphanumeric`) lowercased (`str::to_lowercase`),
/// separated by single spaces. The page folds a query the same way with the
/// browser's tables (`tests/fixtures/query-folds.tsv` holds the cases both
/// builds are tested on).
///
/// ```
/// assert_eq!(flaneur::intent::fold_query("  Leather BOOTS, size 42! "), "leather boots size 42");
/// assert_eq!(flaneur::intent::fold_query("ÉTÉ—Sandales"), "été sandales");
/// ```
pub fn fold_query(query: &str) -> String {
    let words = query.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty());
    // Split first, then lowercase the whole (as the page does): lowercasing can
    // add marks ("İ" → "i̇") that splitting would otherwise cut off.
    words.collect::<Vec<_>>().join(" ").to_lowercase()
}

/// A folded query's words of at least [`MIN_WORD_CHARS`] characters.
fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(' ').filter(|w| w.chars().count() >= MIN_WORD_CHARS)
}

/// The median gap between consecutive events in ms (the upper of the two middle
/// gaps when their number is even); a clock going backwards counts as 0.
fn median_gap(steps: &[Step<'_>]) -> Option<i64> {
    let mut gaps = [0i64; WINDOW];
    let n = steps.len().saturating_sub(1);
    for (gap, pair) in gaps.iter_mut().zip(steps.windows(2)) {
        *gap = pair[1].at.saturating_sub(pair[0].at).max(0);
    }
    let gaps = &mut gaps[..n];
    crate::util::sort::sort(gaps);
    gaps.get(n / 2).copied()
}

// ---- Rules ------------------------------------------------------------------

/// Whether the shopper refines searches and their item events focus on one leaf.
fn searching_toward_one_thing(f: &Features) -> bool {
    f.refinements > 0 && f.focus >= FOCUS_MIN
}

fn points(rule: bool, points: f32) -> f32 {
    if rule { points } else { 0.0 }
}

/// The buying rules: [`CART_POINTS`], [`SEARCH_FOCUS_POINTS`], [`DEPTH_POINTS`].
fn buying_score(f: &Features) -> f32 {
    let deep = f.top.share >= DOMINANT_SHARE
        && (f.top.visits >= DEEP_VISITS || f.top.dwell_ms >= DEEP_DWELL_MS);
    points(f.carts > 0, CART_POINTS)
        + points(searching_toward_one_thing(f), SEARCH_FOCUS_POINTS)
        + points(deep, DEPTH_POINTS)
}

/// The comparing rules: [`COMPARE_SET_POINTS`], [`SWITCHBACK_POINTS`], [`DELIBERATE_POINTS`].
fn comparing_score(f: &Features) -> f32 {
    if f.carts > 0 || f.compared < COMPARE_MIN_ITEMS {
        return 0.0;
    }
    let deliberate = f.median_gap_ms.is_some_and(|g| g >= DELIBERATE_GAP_MS);
    COMPARE_SET_POINTS
        + SWITCHBACK_POINTS * f.switchbacks.min(MAX_SWITCHBACKS) as f32
        + points(deliberate, DELIBERATE_POINTS)
}

/// The exploring rules: [`SPREAD_POINTS`], [`DEPARTMENT_POINTS`], [`LOW_FOCUS_POINTS`],
/// [`BRISK_POINTS`].
fn exploring_score(f: &Features) -> f32 {
    if f.carts > 0 || searching_toward_one_thing(f) {
        return 0.0;
    }
    let brisk = f.median_gap_ms.is_some_and(|g| g <= BRISK_GAP_MS);
    points(f.leaves >= SPREAD_LEAVES, SPREAD_POINTS)
        + points(f.departments >= SPREAD_DEPARTMENTS, DEPARTMENT_POINTS)
        + points(f.focus <= LOW_FOCUS, LOW_FOCUS_POINTS)
        + points(brisk, BRISK_POINTS)
}

/// How much the session says, in [0, 1].
fn evidence(f: &Features) -> f32 {
    let events = f.events as f32 + (CART_EVIDENCE - 1.0) * f.carts as f32;
    (events / FULL_EVIDENCE).min(1.0)
}

/// The label clearly ahead, or [`Intent::Unknown`], with its confidence.
fn decide(f: &Features) -> IntentEstimate {
    if f.item_events < MIN_ITEM_EVENTS && f.carts == 0 {
        return IntentEstimate::UNKNOWN;
    }
    let scores = [
        (Intent::Buying, buying_score(f)),
        (Intent::Comparing, comparing_score(f)),
        (Intent::Exploring, exploring_score(f)),
    ];
    // The first of equal scores leads; a tie has no lead, so the order never shows.
    let (intent, best) = scores
        .iter()
        .fold((Intent::Unknown, 0.0f32), |acc, &(i, s)| if s > acc.1 { (i, s) } else { acc });
    if best <= 0.0 {
        return IntentEstimate::UNKNOWN;
    }
    let runner_up =
        scores.iter().filter(|(i, _)| *i != intent).map(|&(_, s)| s).fold(0.0f32, f32::max);
    let lead = (best - runner_up) / best;
    let confidence = (best.min(1.0) * lead * evidence(f)).clamp(0.0, 1.0);
    let intent = if confidence >= MIN_CONFIDENCE { intent } else { Intent::Unknown };
    IntentEstimate { intent, confidence }
}
