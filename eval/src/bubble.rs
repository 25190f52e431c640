//! The bubble simulation: does divergence discover latent interests, and at
//! what cost in engagement and relevance?
//!
//! **Shoppers.** Each seeded shopper has a few *tastes*, a taste being a leaf
//! category, a colour and a preferred style, with a strength in (0, 1]:
//!
//! - one or two *expressed* tastes, which the shopper browses on their own
//!   every session (views of items of the taste's leaf and colour, its style
//!   more often than not): this is how the profile learns them;
//! - two or three *latent* tastes, never browsed unprompted. Each is one of
//!   three kinds, relative to an expressed taste: a *colour step* (same leaf,
//!   another colour: one divergence facet changed), a *sibling leaf* (same
//!   category and colour, the next leaf: a category step) or *elsewhere* (a
//!   leaf in a category with no expressed taste: no single step reaches it).
//!
//! **Reactions** to each item of a shown slate, at position `p` (0 first):
//!
//! - the item's *appeal* is its best match over all the shopper's tastes,
//!   expressed or latent: `strength · place · look`, where `place` is 1 for
//!   the taste's leaf, 0.3 for a sibling leaf, 0.1 for the same department
//!   and 0 elsewhere, and `look` is 0.3, plus 0.5 for the taste's colour,
//!   plus 0.2 for its style;
//! - click with probability `(BASE_CLICK + PEAK_CLICK · appeal²) · POSITION_DECAY^p`;
//!   a click is recorded as a `Click` then a `View` of the item;
//! - a clicked item goes to the cart with probability `CART_SHARE · appeal`
//!   (an `AddToCart`; the page then excludes it from later slates);
//! - an item not clicked whose appeal is below `DISLIKED` (any item of a
//!   department with no taste, most items of a category with no taste) is
//!   dismissed with probability `DISMISS`.
//!
//! Every random draw of a reaction is a hash of (seed, shopper, session,
//! slate, item, purpose): the same shopper reacts the same way to the same
//! item in the same place in every arm (common random numbers), and the
//! shopper's own browsing is identical across arms.
//!
//! **Sessions** are a day apart; each starts with a few views of the
//! shopper's own (5 in the first session, 3 after), then [`SLATES_PER_SESSION`]
//! slates of [`K`] items, each `recommend`ed, `mark_shown` and reacted to,
//! with one or two views of the shopper's own after each. Events are seconds
//! to a minute apart, so a session stays one session for the engine.
//!
//! **Discovery.** A latent taste is *exposed* when an item of its leaf and
//! colour (a *hit*) appears in a slate, *engaged* when the shopper clicks such
//! an item in a slate, and *discovered* when it was engaged and, at the end of
//! the run, the profile itself carries it: its leaf has category evidence of
//! at least [`ANCHOR_EVIDENCE`] (it could anchor divergence) and its colour
//! facet evidence of at least [`INSIDE_EVIDENCE`] (inside the bubble).
//!
//! **Worlds.** All of the above is [`World::Today`]. [`World::Near`] runs the
//! same code on shoppers with one expressed taste and two latent tastes that
//! similarity alone can reach — a neighbouring colour on the same leaf (the
//! shop's colour directions on a wheel, [`shop::Colours::Wheel`]) and a
//! sibling leaf in the same colour — for 25 sessions of slates of [`K_NEAR`].

use flaneur::Engine;
use flaneur::catalog::Catalog;
use flaneur::intent::Intent;
use flaneur::ldp::Report as LdpReport;
use flaneur::preferences::PreferencesPatch;
use flaneur::profile::{Event, EventKind, evidence};
use flaneur::rank::divergence::{ANCHOR_EVIDENCE, INSIDE_EVIDENCE};
use flaneur::rank::{Kind, Request};
use flaneur::testkit::Rng;
use rand::SeedableRng;
use rand::rngs::SmallRng;

use crate::shop::{
    self, COLOURS, LEAVES, LEAVES_PER_CATEGORY, STYLES, Shop, category_of, department_of, leaf_path,
};

/// The arms compared: `surprise` 0 (no divergence), the default and high.
pub const ARMS: [f32; 3] = [0.0, 0.2, 0.5];
/// Items per slate in [`World::Today`].
pub const K: usize = 12;
/// Items per slate in [`World::Near`].
pub const K_NEAR: usize = 10;
/// Slates per session.
pub const SLATES_PER_SESSION: usize = 3;

/// Click probability of an item nothing in the shopper's tastes matches.
pub const BASE_CLICK: f32 = 0.02;
/// Click probability added by a perfect match (appeal 1), at the first position.
pub const PEAK_CLICK: f32 = 0.45;
/// Click probability is multiplied by this per position down the slate.
pub const POSITION_DECAY: f32 = 0.97;
/// Share of clicks that go to the cart, times the appeal.
pub const CART_SHARE: f32 = 0.15;
/// Appeal below which an item is clearly disliked.
pub const DISLIKED: f32 = 0.05;
/// Probability that a clearly disliked item left unclicked is dismissed.
pub const DISMISS: f32 = 0.03;

const SECOND: i64 = 1_000;
const MINUTE: i64 = 60 * SECOND;
const DAY: i64 = 24 * 60 * MINUTE;
/// 1 May 2026, 10:00 UTC.
const START: i64 = 1_777_629_600_000;

/// Which population of shoppers, in which shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum World {
    /// The first world: one or two expressed tastes, latent tastes one
    /// colour step, one sibling leaf or a whole category away, independent
    /// colour directions; k = [`K`].
    Today,
    /// The second world: one expressed taste, and latent tastes near it that
    /// similarity alone can reach: a neighbouring colour on the same leaf
    /// (neighbouring in the shop's colour vectors, [`shop::Colours::Wheel`])
    /// and a sibling leaf in the same colour; k = [`K_NEAR`].
    Near,
}

impl World {
    /// Both worlds, in report order.
    pub const ALL: [World; 2] = [World::Today, World::Near];

    /// Its name on the command line and in the document's markers.
    pub fn name(self) -> &'static str {
        match self {
            World::Today => "today",
            World::Near => "near",
        }
    }

    /// The world of a command-line name.
    pub fn parse(name: &str) -> Option<World> {
        World::ALL.into_iter().find(|w| w.name() == name)
    }

    /// Items per slate.
    pub fn k(self) -> usize {
        match self {
            World::Today => K,
            World::Near => K_NEAR,
        }
    }

    /// How the shop's colour directions relate.
    pub fn colours(self) -> shop::Colours {
        match self {
            World::Today => shop::Colours::Independent,
            World::Near => shop::Colours::Wheel,
        }
    }

    /// The section of docs/EVALUATION.md its tables go to.
    pub fn section(self) -> &'static str {
        match self {
            World::Today => "bubble",
            World::Near => "bubble-near",
        }
    }
}

/// How a taste relates to the shopper's expressed tastes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TasteKind {
    /// Browsed by the shopper from the start.
    Expressed,
    /// Latent: an expressed taste's leaf in another colour.
    ColourStep,
    /// Latent: the next leaf of an expressed taste's category, same colour.
    SiblingLeaf,
    /// Latent: a leaf of a category with no expressed taste.
    Elsewhere,
}

impl TasteKind {
    /// The latent kinds, in table order.
    pub const LATENT: [TasteKind; 3] =
        [TasteKind::ColourStep, TasteKind::SiblingLeaf, TasteKind::Elsewhere];

    fn label(self, world: World) -> &'static str {
        match (self, world) {
            (TasteKind::Expressed, _) => "expressed",
            (TasteKind::ColourStep, World::Today) => "colour step (same leaf, another colour)",
            (TasteKind::ColourStep, World::Near) => "neighbouring colour (same leaf)",
            (TasteKind::SiblingLeaf, _) => "sibling leaf (same category and colour)",
            (TasteKind::Elsewhere, _) => "elsewhere (another category)",
        }
    }
}

/// One taste: a leaf, a colour and a preferred style.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Taste {
    /// Leaf index (see [`shop::leaf_path`]).
    pub leaf: u16,
    /// Index into [`COLOURS`].
    pub colour: u8,
    /// Index into [`STYLES`].
    pub style: u8,
    /// How much the shopper cares, in (0, 1].
    pub strength: f32,
    /// Expressed or one of the latent kinds.
    pub kind: TasteKind,
}

impl Taste {
    /// Whether `item` is a hit of this taste: its leaf and colour.
    pub fn is_hit(&self, item: &shop::Item) -> bool {
        item.leaf == self.leaf && item.colour == self.colour
    }

    /// How well `item` matches this taste, in [0, 1].
    pub fn matches(&self, item: &shop::Item) -> f32 {
        let place = if item.leaf == self.leaf {
            1.0
        } else if category_of(item.leaf) == category_of(self.leaf) {
            0.3
        } else if department_of(item.leaf) == department_of(self.leaf) {
            0.1
        } else {
            0.0
        };
        let look = 0.3
            + 0.5 * f32::from(u8::from(item.colour == self.colour))
            + 0.2 * f32::from(u8::from(item.style == self.style));
        self.strength * place * look
    }
}

/// A synthetic shopper.
#[derive(Debug, Clone, PartialEq)]
pub struct Shopper {
    /// Its number, part of every seed derived for it.
    pub id: u64,
    /// Expressed tastes first, then latent ones.
    pub tastes: Vec<Taste>,
}

impl Shopper {
    /// The item's appeal: its best match over all tastes, expressed or latent.
    pub fn appeal(&self, item: &shop::Item) -> f32 {
        self.tastes.iter().map(|t| t.matches(item)).fold(0.0, f32::max)
    }

    fn expressed(&self) -> impl Iterator<Item = &Taste> {
        self.tastes.iter().filter(|t| t.kind == TasteKind::Expressed)
    }
}

/// The probabilities of one reaction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reaction {
    /// Of a click.
    pub click: f32,
    /// Of a cart add, given a click.
    pub cart: f32,
    /// Of a dismissal, given no click.
    pub dismiss: f32,
}

/// The reaction model (see the module documentation).
pub fn reaction(appeal: f32, position: usize) -> Reaction {
    let appeal = appeal.clamp(0.0, 1.0);
    let decay = POSITION_DECAY.powi(position.min(1_000) as i32);
    Reaction {
        click: ((BASE_CLICK + PEAK_CLICK * appeal * appeal) * decay).clamp(0.0, 1.0),
        cart: (CART_SHARE * appeal).clamp(0.0, 1.0),
        dismiss: if appeal < DISLIKED { DISMISS } else { 0.0 },
    }
}

/// A 64-bit mix of `parts` (SplitMix64 steps): seeds and random draws that
/// depend only on what they are about.
pub fn mix(parts: &[u64]) -> u64 {
    let mut h: u64 = 0x243F_6A88_85A3_08D3;
    for &p in parts {
        h = h.wrapping_add(p).wrapping_add(0x9E37_79B9_7F4A_7C15);
        h = (h ^ (h >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        h = (h ^ (h >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        h ^= h >> 31;
    }
    h
}

/// A uniform draw in [0, 1) that depends only on `parts`.
fn draw(parts: &[u64]) -> f32 {
    (mix(parts) >> 40) as f32 / (1u64 << 24) as f32
}

/// The seeded shoppers of a run in `world`.
pub fn shoppers(world: World, shop: &Shop, seed: u64, count: usize) -> Vec<Shopper> {
    (0..count as u64)
        .map(|id| match world {
            World::Today => shopper(shop, seed, id),
            World::Near => near_shopper(shop, seed, id),
        })
        .collect()
}

/// One seeded shopper of [`World::Near`]: one expressed taste (a leaf, a
/// colour, a style), and two latent tastes near it, a neighbouring colour on
/// the wheel on the same leaf ([`TasteKind::ColourStep`]) and another leaf of
/// the same category in the same colour ([`TasteKind::SiblingLeaf`]), every
/// (leaf, colour) stocked.
pub fn near_shopper(shop: &Shop, seed: u64, id: u64) -> Shopper {
    let mut rng = Rng::new(mix(&[seed, id, 0x4EA2]));
    let stocked = |leaf: u16, colour: u8| !shop.of(leaf, colour).is_empty();
    let mut tastes = Vec::new();
    for _ in 0..64 {
        let leaf = rng.below(LEAVES) as u16;
        let colour = rng.below(COLOURS.len()) as u8;
        let neighbours: Vec<u8> =
            shop::colour_neighbours(colour).into_iter().filter(|&c| stocked(leaf, c)).collect();
        let first = category_of(leaf) * LEAVES_PER_CATEGORY as u16;
        let siblings: Vec<u16> = (first..first + LEAVES_PER_CATEGORY as u16)
            .filter(|&l| l != leaf && stocked(l, colour))
            .collect();
        if !stocked(leaf, colour) || neighbours.is_empty() || siblings.is_empty() {
            continue;
        }
        let style = rng.below(STYLES.len()) as u8;
        tastes.push(Taste { leaf, colour, style, strength: 1.0, kind: TasteKind::Expressed });
        let near = [
            (leaf, neighbours[rng.below(neighbours.len())], TasteKind::ColourStep),
            (siblings[rng.below(siblings.len())], colour, TasteKind::SiblingLeaf),
        ];
        for (leaf, colour, kind) in near {
            let style = rng.below(STYLES.len()) as u8;
            let strength = 0.7 + 0.3 * rng.unit();
            tastes.push(Taste { leaf, colour, style, strength, kind });
        }
        break;
    }
    Shopper { id, tastes }
}

/// One seeded shopper: one or two expressed tastes in distinct categories,
/// then two or three latent ones, every (leaf, colour) distinct and stocked.
pub fn shopper(shop: &Shop, seed: u64, id: u64) -> Shopper {
    let mut rng = Rng::new(mix(&[seed, id, 0x5107]));
    let mut tastes: Vec<Taste> = Vec::new();
    let stocked = |leaf: u16, colour: u8| !shop.of(leaf, colour).is_empty();
    let free = |tastes: &[Taste], leaf: u16, colour: u8| {
        !tastes.iter().any(|t| t.leaf == leaf && t.colour == colour)
    };
    let expressed = 1 + usize::from(rng.unit() < 0.4);
    for n in 0..expressed {
        for _ in 0..64 {
            let leaf = rng.below(LEAVES) as u16;
            let colour = rng.below(COLOURS.len()) as u8;
            let new_category = !tastes.iter().any(|t| category_of(t.leaf) == category_of(leaf));
            if new_category && stocked(leaf, colour) {
                let strength = if n == 0 { 1.0 } else { 0.9 };
                let style = rng.below(STYLES.len()) as u8;
                tastes.push(Taste { leaf, colour, style, strength, kind: TasteKind::Expressed });
                break;
            }
        }
    }
    let latent = 2 + usize::from(rng.unit() < 0.5);
    for _ in 0..latent {
        let roll = rng.unit();
        let kind = if roll < 0.35 {
            TasteKind::ColourStep
        } else if roll < 0.7 {
            TasteKind::SiblingLeaf
        } else {
            TasteKind::Elsewhere
        };
        for _ in 0..64 {
            let base = tastes[rng.below(expressed.min(tastes.len()))];
            let (leaf, colour) = match kind {
                TasteKind::ColourStep => (base.leaf, rng.below(COLOURS.len()) as u8),
                TasteKind::SiblingLeaf => {
                    let first = category_of(base.leaf) * LEAVES_PER_CATEGORY as u16;
                    (first + rng.below(LEAVES_PER_CATEGORY) as u16, base.colour)
                }
                _ => (rng.below(LEAVES) as u16, rng.below(COLOURS.len()) as u8),
            };
            let fits = match kind {
                TasteKind::ColourStep => !tastes.iter().any(|t| {
                    t.kind == TasteKind::Expressed && t.leaf == leaf && t.colour == colour
                }),
                TasteKind::SiblingLeaf => {
                    !tastes.iter().any(|t| t.kind == TasteKind::Expressed && t.leaf == leaf)
                }
                _ => !tastes.iter().any(|t| {
                    t.kind == TasteKind::Expressed && category_of(t.leaf) == category_of(leaf)
                }),
            };
            if fits && free(&tastes, leaf, colour) && stocked(leaf, colour) {
                let style = rng.below(STYLES.len()) as u8;
                let strength = 0.7 + 0.3 * rng.unit();
                tastes.push(Taste { leaf, colour, style, strength, kind });
                break;
            }
        }
    }
    Shopper { id, tastes }
}

/// What became of one latent taste in one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Latent {
    /// Its kind.
    pub kind: TasteKind,
    /// A hit was shown in a slate.
    pub exposed: bool,
    /// The kind of slot of the first hit the shopper clicked, if any.
    pub first_engaged: Option<Kind>,
    /// The profile carries it at the end of the run.
    pub carried: bool,
}

impl Latent {
    /// Engaged through a slate and carried by the profile at the end.
    pub fn discovered(&self) -> bool {
        self.first_engaged.is_some() && self.carried
    }
}

/// Counters of one shopper's run, or of all shoppers of an arm.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    /// Slates shown.
    pub slates: u64,
    /// Impressions by [`Kind::code`].
    pub impressions: [u64; 4],
    /// Clicks by the kind of slot clicked.
    pub engagements: [u64; 4],
    /// Sum of the scores of the personal items shown.
    pub personal_score: f64,
    /// Clicks on hits of expressed tastes.
    pub expressed_engagements: u64,
    /// Clicks on hits of latent tastes.
    pub latent_engagements: u64,
    /// Cart adds.
    pub carts: u64,
    /// Dismissals.
    pub dismissals: u64,
    /// One entry per latent taste.
    pub latent: Vec<Latent>,
    /// Slates by the intent the engine inferred: exploring, comparing, buying, unknown.
    pub intents: [u64; 4],
    /// Per session (first first): impressions and divergent impressions.
    pub by_session: Vec<(u64, u64)>,
    /// Per session (first first): clicks on divergent slots.
    pub divergent_clicks_by_session: Vec<u64>,
    /// The reports the shopper's device made, one a day at most (with [`Run::reports`]).
    pub reports: Vec<LdpReport>,
    /// Divergent impressions and clicks by axis, in the first three sessions.
    pub early_by_axis: std::collections::BTreeMap<String, (u64, u64)>,
}

impl Totals {
    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &Totals) {
        self.slates += other.slates;
        for k in 0..4 {
            self.impressions[k] += other.impressions[k];
            self.engagements[k] += other.engagements[k];
        }
        self.personal_score += other.personal_score;
        self.expressed_engagements += other.expressed_engagements;
        self.latent_engagements += other.latent_engagements;
        self.carts += other.carts;
        self.dismissals += other.dismissals;
        self.latent.extend_from_slice(&other.latent);
        for k in 0..4 {
            self.intents[k] += other.intents[k];
        }
        if self.by_session.len() < other.by_session.len() {
            self.by_session.resize(other.by_session.len(), (0, 0));
        }
        for (mine, theirs) in self.by_session.iter_mut().zip(&other.by_session) {
            mine.0 += theirs.0;
            mine.1 += theirs.1;
        }
        let clicks = &mut self.divergent_clicks_by_session;
        if clicks.len() < other.divergent_clicks_by_session.len() {
            clicks.resize(other.divergent_clicks_by_session.len(), 0);
        }
        for (mine, theirs) in clicks.iter_mut().zip(&other.divergent_clicks_by_session) {
            *mine += theirs;
        }
        self.reports.extend_from_slice(&other.reports);
        for (axis, (shown, clicked)) in &other.early_by_axis {
            let mine = self.early_by_axis.entry(axis.clone()).or_default();
            mine.0 += shown;
            mine.1 += clicked;
        }
    }

    fn impressions_total(&self) -> u64 {
        self.impressions.iter().sum()
    }

    fn engagements_total(&self) -> u64 {
        self.engagements.iter().sum()
    }
}

/// How to run one shopper.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    /// The `surprise` preference of the arm.
    pub surprise: f32,
    /// Items per slate.
    pub k: usize,
    /// Sessions, a day apart.
    pub sessions: usize,
    /// The run's seed.
    pub seed: u64,
    /// Exclude every hit of a latent taste from every slate (for tests: a
    /// shopper never exposed to a latent taste).
    pub hide_latent: bool,
    /// The shopper opts into the anonymous reports: the device reports (ε = 1)
    /// at the end of each session, sessions a day apart ([`Totals::reports`]).
    pub reports: bool,
}

/// Simulates one shopper for `run.sessions` sessions.
pub fn simulate(shop: &Shop, shopper: &Shopper, run: Run) -> Totals {
    simulate_in(shop, &shop.catalog, shopper, run)
}

/// [`simulate`] with `catalog` in the engine: the shop's own, or it with the
/// crowd's priors (the same items in the same order).
pub fn simulate_in(shop: &Shop, catalog: &Catalog, shopper: &Shopper, run: Run) -> Totals {
    let seed = run.seed;
    let mut engine = Engine::with_seed(catalog.clone(), mix(&[seed, shopper.id, 0xE9]));
    engine
        .set_preferences(PreferencesPatch {
            surprise: Some(run.surprise),
            reports: Some(run.reports),
            ..PreferencesPatch::default()
        })
        .expect("surprise is in [0, 1]");
    let id = |index: usize| shop.catalog.item(index).id().to_owned();
    let hidden: Vec<String> = if run.hide_latent {
        shopper
            .tastes
            .iter()
            .filter(|t| t.kind != TasteKind::Expressed)
            .flat_map(|t| shop.of(t.leaf, t.colour).iter().map(|&i| id(i)))
            .collect()
    } else {
        Vec::new()
    };
    let mut totals = Totals::default();
    let mut latent: Vec<(usize, Latent)> = shopper
        .tastes
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind != TasteKind::Expressed)
        .map(|(n, t)| {
            (n, Latent { kind: t.kind, exposed: false, first_engaged: None, carried: false })
        })
        .collect();
    let mut cart: Vec<String> = Vec::new();
    let record = |engine: &mut Engine, kind: EventKind, at: i64| {
        engine.record(&Event { kind, at }).expect("every simulated event names a catalog item");
    };
    let mut reports = Vec::new();
    let mut t = START;
    for session in 0..run.sessions {
        t = START + session as i64 * DAY;
        let mut browsing = Rng::new(mix(&[seed, shopper.id, session as u64, 0xB0]));
        let own = if session == 0 { 5 } else { 3 };
        for _ in 0..own {
            record(
                &mut engine,
                EventKind::View { item_id: id(own_pick(shop, shopper, &mut browsing)) },
                t,
            );
            t += MINUTE;
        }
        for slate_number in 0..SLATES_PER_SESSION {
            let exclude: Vec<String> = cart.iter().chain(&hidden).cloned().collect();
            let request = Request { k: run.k, exclude, ..Request::default() };
            let slate = engine.recommend(&request, t).expect("a valid request");
            engine.mark_shown(&slate.impressions(), t);
            totals.slates += 1;
            totals.intents[intent_slot(slate.intent)] += 1;
            if totals.by_session.len() <= session {
                totals.by_session.resize(session + 1, (0, 0));
            }
            totals.by_session[session].0 += slate.items.len() as u64;
            totals.by_session[session].1 +=
                slate.items.iter().filter(|r| r.kind == Kind::Divergent).count() as u64;
            for (position, shown) in slate.items.iter().enumerate() {
                let kind = shown.kind;
                let item = &shop.items[shown.index];
                totals.impressions[kind.code() as usize] += 1;
                if kind == Kind::Personal {
                    totals.personal_score += f64::from(shown.score);
                }
                for (n, l) in &mut latent {
                    l.exposed |= shopper.tastes[*n].is_hit(item);
                }
                let odds = reaction(shopper.appeal(item), position);
                let early_axis = shown.reason.divergence.as_ref().filter(|_| session < 3);
                if let Some(d) = early_axis {
                    totals.early_by_axis.entry(d.axis.clone()).or_default().0 += 1;
                }
                let draws = |purpose: u64| {
                    draw(&[
                        seed,
                        shopper.id,
                        session as u64,
                        slate_number as u64,
                        shown.index as u64,
                        purpose,
                    ])
                };
                if draws(1) < odds.click {
                    t += 15 * SECOND;
                    record(&mut engine, EventKind::Click { item_id: shown.item_id.clone() }, t);
                    t += SECOND;
                    record(&mut engine, EventKind::View { item_id: shown.item_id.clone() }, t);
                    totals.engagements[kind.code() as usize] += 1;
                    if let Some(d) = early_axis {
                        totals.early_by_axis.entry(d.axis.clone()).or_default().1 += 1;
                    }
                    if kind == Kind::Divergent {
                        let clicks = &mut totals.divergent_clicks_by_session;
                        clicks.resize(clicks.len().max(session + 1), 0);
                        clicks[session] += 1;
                    }
                    if shopper.expressed().any(|e| e.is_hit(item)) {
                        totals.expressed_engagements += 1;
                    }
                    for (n, l) in &mut latent {
                        if shopper.tastes[*n].is_hit(item) {
                            totals.latent_engagements += 1;
                            l.first_engaged.get_or_insert(kind);
                        }
                    }
                    if draws(2) < odds.cart {
                        t += 15 * SECOND;
                        record(
                            &mut engine,
                            EventKind::AddToCart { item_id: shown.item_id.clone() },
                            t,
                        );
                        cart.push(shown.item_id.clone());
                        totals.carts += 1;
                    }
                } else if draws(3) < odds.dismiss {
                    t += 5 * SECOND;
                    record(&mut engine, EventKind::Dismiss { item_id: shown.item_id.clone() }, t);
                    totals.dismissals += 1;
                }
            }
            t += MINUTE;
            for _ in 0..1 + browsing.below(2) {
                record(
                    &mut engine,
                    EventKind::View { item_id: id(own_pick(shop, shopper, &mut browsing)) },
                    t,
                );
                t += MINUTE;
            }
        }
        if run.reports {
            // The session's report, the same day (the device's own randomness: seeded here,
            // never the page's seed).
            let today = (t / DAY) as i32;
            let draw = mix(&[seed, shopper.id, session as u64 + 1, 0x1D]);
            let mut rng = SmallRng::seed_from_u64(draw);
            if let Some(report) = engine.report(today, 1.0, &mut rng).expect("ε = 1 is allowed") {
                reports.push(report);
            }
        }
    }
    let profile = engine.profile();
    let half_life = profile.half_life_ms();
    totals.reports = reports;
    for (n, l) in &mut latent {
        let taste = shopper.tastes[*n];
        let leaf = profile
            .category(&leaf_path(taste.leaf))
            .map_or(0.0, |a| evidence(a.weight_at(t, half_life)));
        let colour = profile
            .facet("colour", COLOURS[taste.colour as usize])
            .map_or(0.0, |a| evidence(a.weight_at(t, half_life)));
        l.carried = leaf >= ANCHOR_EVIDENCE && colour >= INSIDE_EVIDENCE;
    }
    totals.latent = latent.into_iter().map(|(_, l)| l).collect();
    totals
}

/// Where an intent is counted in [`Totals::intents`].
fn intent_slot(intent: Intent) -> usize {
    match intent {
        Intent::Exploring => 0,
        Intent::Comparing => 1,
        Intent::Buying => 2,
        Intent::Unknown => 3,
    }
}

/// An item the shopper opens on their own: a hit of an expressed taste, of
/// its style more often than not.
fn own_pick(shop: &Shop, shopper: &Shopper, rng: &mut Rng) -> usize {
    let expressed: Vec<&Taste> = shopper.expressed().collect();
    let taste = expressed[rng.below(expressed.len())];
    let hits = shop.of(taste.leaf, taste.colour);
    let styled: Vec<usize> =
        hits.iter().copied().filter(|&i| shop.items[i].style == taste.style).collect();
    let pool = if rng.unit() < 0.6 && !styled.is_empty() { &styled[..] } else { hits };
    pool[rng.below(pool.len())]
}

/// The parameters of a run of the whole simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Which shoppers in which shop.
    pub world: World,
    /// Shoppers per arm (the same shoppers in every arm).
    pub shoppers: usize,
    /// Sessions per shopper.
    pub sessions: usize,
    /// Seed of the shop, the shoppers, the engines and the reactions.
    pub seed: u64,
    /// Items in the shop.
    pub items: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self::for_world(World::Today)
    }
}

impl Config {
    /// The defaults of `world`: 400 shoppers × 10 sessions today, 400
    /// shoppers × 25 sessions in the near world (about 15 s in release: one
    /// expressed taste and k = 10 make its slates cheaper).
    pub fn for_world(world: World) -> Self {
        let (shoppers, sessions) = match world {
            World::Today => (400, 10),
            World::Near => (400, 25),
        };
        Self { world, shoppers, sessions, seed: 1, items: shop::DEFAULT_ITEMS }
    }

    /// Whether these are `world`'s defaults (only those are published).
    pub fn is_default(&self) -> bool {
        *self == Self::for_world(self.world)
    }
}

/// The totals of every arm, in the order of [`ARMS`].
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The run's parameters.
    pub config: Config,
    /// `(surprise, totals over all shoppers)`.
    pub arms: Vec<(f32, Totals)>,
}

/// Runs every arm on the same shop and shoppers.
pub fn run(config: Config) -> Report {
    let world = config.world;
    let shop = shop::shop_with(config.seed, config.items, shop::DEFAULT_DIMS, world.colours());
    let shoppers = shoppers(world, &shop, config.seed, config.shoppers);
    let arms = ARMS
        .iter()
        .map(|&surprise| {
            let mut totals = Totals::default();
            for shopper in &shoppers {
                let run = Run {
                    surprise,
                    k: world.k(),
                    sessions: config.sessions,
                    seed: config.seed,
                    hide_latent: false,
                    reports: false,
                };
                totals.add(&simulate(&shop, shopper, run));
            }
            (surprise, totals)
        })
        .collect();
    Report { config, arms }
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |x| format!("{:.1}%", 100.0 * x))
}

fn relative(x: Option<f64>, base: Option<f64>) -> String {
    match (x, base) {
        (Some(x), Some(b)) if b > 0.0 => format!("{:+.1}%", 100.0 * (x / b - 1.0)),
        _ => "–".to_owned(),
    }
}

/// The report as Markdown: exposure and cost, discovery, and the divergent
/// share session by session.
pub fn render(report: &Report) -> String {
    let c = report.config;
    let k = c.world.k();
    let personal = Kind::Personal.code() as usize;
    let divergent = Kind::Divergent.code() as usize;
    let mut out = String::new();
    out.push_str(&format!(
        "{} shoppers × {} sessions × {} slates of k = {}, seed {}, {} items; the same shoppers \
         and random draws in every arm.\n\n",
        c.shoppers, c.sessions, SLATES_PER_SESSION, k, c.seed, c.items
    ));

    out.push_str(
        "**Exposure and cost.** Clicks: all clicks of all shoppers, on any item. Engagement = \
         clicks per impression. Relevance cost: clicks on items of the shopper's expressed \
         tastes per slate, and the mean score of the personal items that remain, both against \
         surprise 0.\n\n",
    );
    out.push_str(
        "| surprise | divergent share of impressions (budget) | items per slate | \
         slates in buying intent | clicks (vs 0) | engagement: all | personal slots | \
         divergent slots | expressed-taste clicks per slate (vs 0) | \
         mean personal score (vs 0) |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|---|---|---|\n");
    let base_clicks = report.arms.first().map(|(_, t)| t.engagements_total() as f64);
    let cost = |t: &Totals| {
        (
            ratio(t.expressed_engagements as f64, t.slates as f64),
            ratio(t.personal_score, t.impressions[personal] as f64),
        )
    };
    let (base_expressed, base_score) =
        report.arms.first().map(|(_, t)| cost(t)).unwrap_or((None, None));
    for (surprise, t) in &report.arms {
        let impressions = t.impressions_total() as f64;
        let (expressed, score) = cost(t);
        let budget = (surprise * k as f32).round() / k as f32;
        let clicks = t.engagements_total();
        out.push_str(&format!(
            "| {surprise:.1} | {} ({}) | {:.1} | {} | {clicks} ({}) | {} | {} | {} | {:.3} ({}) \
             | {:.3} ({}) |\n",
            percent(ratio(t.impressions[divergent] as f64, impressions)),
            percent(Some(f64::from(budget))),
            ratio(impressions, t.slates as f64).unwrap_or(0.0),
            percent(ratio(t.intents[intent_slot(Intent::Buying)] as f64, t.slates as f64)),
            relative(Some(clicks as f64), base_clicks),
            percent(ratio(t.engagements_total() as f64, impressions)),
            percent(ratio(t.engagements[personal] as f64, t.impressions[personal] as f64)),
            percent(ratio(t.engagements[divergent] as f64, t.impressions[divergent] as f64)),
            expressed.unwrap_or(0.0),
            relative(expressed, base_expressed),
            score.unwrap_or(0.0),
            relative(score, base_score),
        ));
    }

    let count = |kind: TasteKind| {
        report.arms.first().map_or(0, |(_, t)| t.latent.iter().filter(|l| l.kind == kind).count())
    };
    let kinds: Vec<TasteKind> =
        TasteKind::LATENT.into_iter().filter(|&kind| count(kind) > 0).collect();
    out.push_str(&format!(
        "\n**Discovery** of the {} latent tastes after {} sessions: discovered (exposed in \
         brackets), by kind.\n\n",
        report.arms.first().map_or(0, |(_, t)| t.latent.len()),
        c.sessions
    ));
    out.push_str("| surprise | all latent (±95%) |");
    for &kind in &kinds {
        out.push_str(&format!(" {}, n = {} |", kind.label(c.world), count(kind)));
    }
    out.push_str(" first click in a divergent slot | latent-taste clicks per slate |\n|---|---|");
    for _ in &kinds {
        out.push_str("---|");
    }
    out.push_str("---|---|\n");
    for (surprise, t) in &report.arms {
        let share = |kind: Option<TasteKind>| {
            let of_kind: Vec<&Latent> =
                t.latent.iter().filter(|l| kind.is_none_or(|k| l.kind == k)).collect();
            let n = of_kind.len() as f64;
            let discovered = ratio(of_kind.iter().filter(|l| l.discovered()).count() as f64, n);
            let exposed = ratio(of_kind.iter().filter(|l| l.exposed).count() as f64, n);
            (n, discovered, exposed)
        };
        let (n, discovered, exposed) = share(None);
        let margin = discovered.map_or(0.0, |p| 1.96 * (p * (1.0 - p) / n).sqrt());
        out.push_str(&format!(
            "| {surprise:.1} | {} ± {:.1} ({}) |",
            percent(discovered),
            100.0 * margin,
            percent(exposed)
        ));
        for &kind in &kinds {
            let (_, discovered, exposed) = share(Some(kind));
            out.push_str(&format!(" {} ({}) |", percent(discovered), percent(exposed)));
        }
        let found = t.latent.iter().filter(|l| l.discovered()).count() as f64;
        let via_divergent = t
            .latent
            .iter()
            .filter(|l| l.discovered() && l.first_engaged == Some(Kind::Divergent))
            .count() as f64;
        out.push_str(&format!(
            " {} | {:.3} |\n",
            percent(ratio(via_divergent, found)),
            ratio(t.latent_engagements as f64, t.slates as f64).unwrap_or(0.0)
        ));
    }

    out.push_str("\n**Divergent share of impressions, session by session.**\n\n| surprise |");
    for session in 1..=c.sessions {
        out.push_str(&format!(" {session} |"));
    }
    out.push_str("\n|---|");
    for _ in 0..c.sessions {
        out.push_str("---|");
    }
    out.push('\n');
    for (surprise, t) in &report.arms {
        out.push_str(&format!("| {surprise:.1} |"));
        for &(impressions, divergent) in &t.by_session {
            out.push_str(&format!(" {} |", percent(ratio(divergent as f64, impressions as f64))));
        }
        out.push('\n');
    }
    if c.world == World::Near {
        out.push('\n');
        out.push_str(&bar(report));
    }
    out
}

/// The bar of issue #20 in the near world: at the default surprise (0.2),
/// at most 5% fewer clicks than at surprise 0, and at least as many latent
/// tastes discovered.
pub fn bar(report: &Report) -> String {
    let arm = |surprise: f32| report.arms.iter().find(|(s, _)| *s == surprise).map(|(_, t)| t);
    let (Some(none), Some(default)) = (arm(0.0), arm(0.2)) else {
        return String::new();
    };
    let found = |t: &Totals| t.latent.iter().filter(|l| l.discovered()).count();
    let clicks = ratio(default.engagements_total() as f64, none.engagements_total() as f64);
    let cost = clicks.map_or(0.0, |r| 1.0 - r);
    let verdict = |ok: bool| if ok { "met" } else { "**not met**" };
    format!(
        "**Bar** (issue #20): the default surprise 0.2 against surprise 0 costs {:.1}% of all \
         clicks (bar: at most 5%: {}) and discovers {} latent tastes against {} ({:.2}×; bar: at \
         least as many: {}).\n",
        100.0 * cost,
        verdict(cost <= 0.05),
        found(default),
        found(none),
        ratio(found(default) as f64, found(none) as f64).unwrap_or(0.0),
        verdict(found(default) >= found(none)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small_shop() -> Shop {
        shop::shop(3, 960, 16)
    }

    #[test]
    fn reaction_probabilities_are_probabilities() {
        let shop = small_shop();
        let shoppers = shoppers(World::Today, &shop, 3, 20);
        for shopper in &shoppers {
            for item in shop.items.iter().take(200) {
                let appeal = shopper.appeal(item);
                assert!((0.0..=1.0).contains(&appeal), "appeal {appeal}");
                for position in [0, 1, 5, 11, 999, usize::MAX] {
                    let r = reaction(appeal, position);
                    for p in [r.click, r.cart, r.dismiss] {
                        assert!((0.0..=1.0).contains(&p), "{r:?}");
                    }
                }
            }
        }
        for appeal in [-1.0, 0.0, 0.5, 1.0, 2.0, f32::INFINITY] {
            let r = reaction(appeal, 0);
            assert!(
                [r.click, r.cart, r.dismiss].iter().all(|p| (0.0..=1.0).contains(p)),
                "{appeal}: {r:?}"
            );
        }
        // A perfect match at the top is likelier clicked than lower down, and than a mismatch.
        assert!(reaction(1.0, 0).click > reaction(1.0, 11).click);
        assert!(reaction(1.0, 0).click > reaction(0.0, 0).click);
    }

    #[test]
    fn shoppers_have_expressed_and_latent_tastes() {
        let shop = small_shop();
        for shopper in shoppers(World::Today, &shop, 3, 50) {
            let expressed =
                shopper.tastes.iter().filter(|t| t.kind == TasteKind::Expressed).count();
            assert!((1..=2).contains(&expressed), "{shopper:?}");
            assert!(shopper.tastes.len() > expressed, "{shopper:?}");
            for t in &shopper.tastes {
                assert!(!shop.of(t.leaf, t.colour).is_empty());
            }
        }
    }

    #[test]
    fn a_latent_taste_never_shown_is_never_discovered() {
        let shop = small_shop();
        for shopper in shoppers(World::Today, &shop, 5, 3) {
            let run = Run {
                surprise: 0.5,
                k: K,
                sessions: 3,
                seed: 5,
                hide_latent: true,
                reports: false,
            };
            let totals = simulate(&shop, &shopper, run);
            assert!(totals.slates > 0);
            assert!(!totals.latent.is_empty());
            for l in &totals.latent {
                assert!(!l.exposed && l.first_engaged.is_none() && !l.discovered(), "{l:?}");
            }
            assert_eq!(totals.latent_engagements, 0);
        }
        // The contrast: the same shoppers, latent tastes not hidden, are shown some.
        let exposed: usize = shoppers(World::Today, &shop, 5, 3)
            .iter()
            .map(|s| {
                let run = Run {
                    surprise: 0.5,
                    k: K,
                    sessions: 3,
                    seed: 5,
                    hide_latent: false,
                    reports: false,
                };
                simulate(&shop, s, run)
            })
            .map(|t| t.latent.iter().filter(|l| l.exposed).count())
            .sum();
        assert!(exposed > 0);
    }

    #[test]
    fn near_shoppers_have_one_expressed_taste_and_two_near_ones() {
        let shop = shop::shop_with(3, 960, 16, shop::Colours::Wheel);
        for shopper in shoppers(World::Near, &shop, 3, 50) {
            let kinds: Vec<TasteKind> = shopper.tastes.iter().map(|t| t.kind).collect();
            assert_eq!(
                kinds,
                [TasteKind::Expressed, TasteKind::ColourStep, TasteKind::SiblingLeaf],
                "{shopper:?}"
            );
            let [e, colour, sibling] = [0, 1, 2].map(|n| shopper.tastes[n]);
            assert_eq!(colour.leaf, e.leaf);
            assert!(shop::colour_neighbours(e.colour).contains(&colour.colour), "{shopper:?}");
            assert_eq!(
                (sibling.colour, category_of(sibling.leaf)),
                (e.colour, category_of(e.leaf))
            );
            assert_ne!(sibling.leaf, e.leaf);
            assert!(shopper.tastes.iter().all(|t| !shop.of(t.leaf, t.colour).is_empty()));
        }
    }

    /// Mean of `f` over the items of (leaf, colour).
    fn mean_over(shop: &Shop, leaf: u16, colour: u8, f: impl Fn(usize) -> f32) -> f32 {
        let items = shop.of(leaf, colour);
        items.iter().map(|&i| f(i)).sum::<f32>() / items.len().max(1) as f32
    }

    #[test]
    fn near_latent_tastes_are_reachable_by_similarity() {
        use flaneur::preferences::Preferences;
        use flaneur::rank::{Scorer, Weights};
        let threshold = Preferences::default().threshold;
        let (mut neighbour, mut opposite, mut independent) = (0.0, 0.0, 0.0);
        let mut n = 0.0;
        let wheel =
            shop::shop_with(1, shop::DEFAULT_ITEMS, shop::DEFAULT_DIMS, World::Near.colours());
        let flat = shop::shop(1, shop::DEFAULT_ITEMS, shop::DEFAULT_DIMS);
        for shopper in shoppers(World::Near, &wheel, 1, 20) {
            let e = shopper.tastes[0];
            // The colour opposite the expressed one on the wheel: three steps away.
            let at = shop::COLOUR_WHEEL.iter().position(|&c| c == e.colour).unwrap();
            let far = shop::COLOUR_WHEEL[(at + 3) % shop::COLOUR_WHEEL.len()];
            let vector = |shop: &Shop, colour: u8| {
                // The profile after the first session's own browsing: views of the expressed taste.
                let mut engine = Engine::with_seed(shop.catalog.clone(), 7);
                let mut browsing = Rng::new(shopper.id);
                for v in 0..5 {
                    let item_id = shop.catalog.item(own_pick(shop, &shopper, &mut browsing)).id();
                    let kind = EventKind::View { item_id: item_id.to_owned() };
                    engine.record(&Event { kind, at: START + v * MINUTE }).unwrap();
                }
                let now = START + 10 * MINUTE;
                let scorer = Scorer::new(&shop.catalog, engine.profile(), now, Weights::default());
                for t in &shopper.tastes[1..] {
                    let relevance = mean_over(shop, t.leaf, t.colour, |i| scorer.relevance(i));
                    assert!(relevance >= threshold, "{t:?}: relevance {relevance}");
                }
                mean_over(shop, e.leaf, colour, |i| scorer.signals(i).vector)
            };
            neighbour += vector(&wheel, shopper.tastes[1].colour);
            opposite += vector(&wheel, far);
            independent += vector(&flat, shopper.tastes[1].colour);
            n += 1.0;
        }
        let (neighbour, opposite, independent) = (neighbour / n, opposite / n, independent / n);
        // On the wheel, the neighbouring colour is nearer the expressed taste than the opposite
        // colour, and nearer than the same colour is in the shop of independent colours.
        assert!(neighbour > opposite + 0.03, "{neighbour} vs {opposite}");
        assert!(neighbour > independent + 0.02, "{neighbour} vs {independent}");
    }

    #[test]
    fn a_tiny_near_run_is_deterministic() {
        let config =
            Config { shoppers: 2, sessions: 3, items: 960, ..Config::for_world(World::Near) };
        let a = run(config);
        assert_eq!(a, run(config));
        assert_eq!(render(&a), render(&run(config)));
        assert!(render(&a).contains("**Bar**"));
        assert!(a.arms.iter().all(|(_, t)| t.slates == (2 * 3 * SLATES_PER_SESSION) as u64));
        assert!(a.arms.iter().all(|(_, t)| {
            t.by_session.iter().all(|&(i, _)| i <= (2 * SLATES_PER_SESSION * K_NEAR) as u64)
        }));
    }

    #[test]
    fn a_tiny_run_is_deterministic() {
        let config = Config { world: World::Today, shoppers: 2, sessions: 2, seed: 11, items: 960 };
        let a = run(config);
        let b = run(config);
        assert_eq!(a, b);
        assert_eq!(render(&a), render(&b));
        assert_eq!(a.arms.len(), ARMS.len());
        assert!(a.arms.iter().all(|(_, t)| t.slates == (2 * 2 * SLATES_PER_SESSION) as u64));
    }
}
