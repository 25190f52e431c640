//! The engine: one catalog, one profile, one set of preferences.
//!
//! This is what the browser boundary wraps. It knows nothing of JavaScript and
//! never reads a clock: callers pass every timestamp.
//!
//! ```
//! use flaneur::{Engine, catalog::Catalog, profile::{Event, EventKind}, rank::Request};
//! let catalog = Catalog::from_json_str(r#"{"version":1,"shop":"s","items":[
//!   {"id":"jeans","title":"Jeans","category":"Denim"},
//!   {"id":"tee","title":"Tee","category":"Tops"},
//!   {"id":"shorts","title":"Shorts","category":"Denim"}]}"#).unwrap();
//! let mut engine = Engine::new(catalog);
//! engine.record(&Event { kind: EventKind::View { item_id: "jeans".into() }, at: 0 }).unwrap();
//! engine.record(&Event { kind: EventKind::View { item_id: "jeans".into() }, at: 1 }).unwrap();
//! let slate = engine.recommend(&Request { k: 2, ..Request::default() }, 2).unwrap();
//! assert_eq!(slate.items[0].item_id, "shorts"); // same category; the tee is withheld
//! assert_eq!(slate.withheld, 1); // and the jeans, just viewed, are not echoed back
//! let seen = Request { k: 2, include_seen: true, ..Request::default() };
//! assert_eq!(engine.recommend(&seen, 2).unwrap().items[0].item_id, "jeans");
//! ```

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::VecDeque;

use crate::catalog::{Catalog, VectorKind};
use crate::error::{Error, Result};
use crate::intent::{Intent, IntentEstimate, classify, refines};
use crate::journal::Change;
use crate::ldp::{Period, Report, Reporting, grouped_questions};
use crate::preferences::{IntentSetting, Preferences, PreferencesPatch};
use crate::profile::divergence::{CATEGORY_AXIS, Direction};
use crate::profile::{
    Dropped, Event, EventKind, Evidence, Forget, ImportSummary, Impression, MAX_QUERY_BYTES,
    MAX_SESSION_EVENTS, Profile, ProfileExport, ProfileImport, ProfileView, SESSION_GAP_MS,
    StepKind, within,
};
use crate::rank::balls::NodeBalls;
use crate::rank::explain::{Reason, explain};
use crate::rank::foldin::FoldIn;
use crate::rank::{Inputs, Request, Scorer, SequenceQuery, SequenceScores, Slate, recommend_in};
use crate::sequence::{Encoder, Tracker};
use crate::slot::Kind;
use crate::snapshot::Snapshot;
use crate::util::sorted_map::SortedMap;

/// What [`Engine::record`] did with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// The profile learned from it.
    Learned,
    /// Learning is paused or personalization is off: nothing changed.
    Paused,
    /// The item is in a sensitive class the shopper has not opted into: nothing changed.
    Sensitive,
    /// The event carries nothing to learn about tastes (a search, for now).
    Nothing,
}

/// What [`Engine::apply`] did with a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// An event, and what became of it.
    Event(Recorded),
    /// A slate shown: whether its impressions were noted (not while paused).
    Shown(bool),
    /// A forget: whether there was anything to forget.
    Forgot(bool),
    /// New preferences.
    Preferences,
    /// An imported profile, and what the import changed.
    Imported(ImportSummary),
}

impl Applied {
    /// Whether the change must be stored (and replayed onto what other tabs
    /// stored): everything but an event the profile did not learn from and a
    /// slate whose impressions were not noted. A forget and new preferences
    /// are stored even while paused.
    pub fn is_kept(&self) -> bool {
        !matches!(
            self,
            Applied::Event(Recorded::Paused | Recorded::Sensitive | Recorded::Nothing)
                | Applied::Shown(false)
        )
    }
}

/// What [`Engine::explain`] says about one item.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// The item.
    pub item_id: String,
    /// Its relevance to the profile, in [0, 1].
    pub relevance: f32,
    /// Whether it clears the shopper's threshold (with personalization on).
    pub recommendable: bool,
    /// The strongest signals, with provenance.
    pub reason: Reason,
    /// The signals in words ("you often look at Knitwear; …").
    pub text: String,
    /// How broad the profile's evidence keeps slates, in [0, 1]: 1 with
    /// nothing known (related categories weigh nearly as much as the leaf,
    /// the shop's order more), towards 0 as evidence grows (`rank::breadth`).
    pub breadth: f32,
}

/// A catalog, the shopper's profile for it, and the shopper's preferences.
#[derive(Debug, Clone)]
pub struct Engine {
    catalog: Catalog,
    profile: Profile,
    preferences: Preferences,
    /// The privacy ledger and the counts for the next LDP report.
    reporting: Reporting,
    /// `YᵀY` of a catalog of item factors, computed on the first slate.
    fold_in: OnceCell<FoldIn>,
    /// Balls around each category's vectors, computed on the first slate.
    balls: OnceCell<NodeBalls>,
    /// The catalog's sequence model run on the profile's sequence, kept in
    /// step with it (one position per new step).
    sequence: RefCell<Tracker>,
    /// The sequence model's signal of every item for the tracker's state
    /// (keyed by its generation): scored once per new step, read by every
    /// slate and explanation until the next.
    sequence_scores: RefCell<Option<(u64, Option<SequenceScores>)>>,
    /// The session's recent searches as typed (cut to [`MAX_QUERY_BYTES`]),
    /// by time: in memory only, never stored, so that the profile keeps a
    /// search as a text-free step that says whether it refined the one before.
    queries: VecDeque<(i64, String)>,
    /// Seed of the random choices; each slate uses the next value, so the
    /// same seed and the same calls give the same slates.
    seed: u64,
    slates: Cell<u64>,
}

impl Engine {
    /// An engine with an empty profile and default preferences.
    pub fn new(catalog: Catalog) -> Self {
        Self::with_seed(catalog, 0)
    }

    /// An engine whose random choices (divergence) follow `seed`.
    pub fn with_seed(catalog: Catalog, seed: u64) -> Self {
        Self {
            catalog,
            profile: Profile::default(),
            preferences: Preferences::default(),
            reporting: Reporting::default(),
            fold_in: OnceCell::new(),
            balls: OnceCell::new(),
            sequence: RefCell::new(Tracker::default()),
            sequence_scores: RefCell::new(None),
            queries: VecDeque::new(),
            seed,
            slates: Cell::new(0),
        }
    }

    /// Makes the random choices follow `seed` from now on, as if the engine
    /// had been made [`Engine::with_seed`] it (a copy of a prepared engine
    /// then draws apart from the original, as two devices do).
    ///
    /// ```
    /// use flaneur::{Engine, catalog::Catalog};
    /// let catalog = Catalog::from_json_str(r#"{"version":1,"shop":"s","items":[]}"#).unwrap();
    /// let mut copy = Engine::with_seed(catalog, 1);
    /// copy.set_seed(2);
    /// ```
    pub fn set_seed(&mut self, seed: u64) {
        self.seed = seed;
        self.slates.set(0);
    }

    /// The catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The profile.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The preferences.
    pub fn preferences(&self) -> &Preferences {
        &self.preferences
    }

    /// Replaces the profile (one read back from storage).
    pub fn replace_profile(&mut self, profile: Profile) {
        self.profile = profile;
        self.sequence.get_mut().reset();
    }

    /// Replaces the catalog (the same shop's, with more or other items: the
    /// parts of a sharded catalog joined again after a shard arrives). The
    /// profile, the preferences, the reporting state, the seed and the slate
    /// count are kept: the profile is keyed by the shop's strings, so it holds
    /// for the new catalog as for the old. Everything derived from the
    /// catalog (the fold-in, the balls, the sequence model's encoder and
    /// scores) is dropped and computed again for the new one when needed.
    ///
    /// ```
    /// use flaneur::{Engine, catalog::Catalog};
    /// let one = r#"{"version":1,"shop":"s","items":[{"id":"a","title":"A","category":"X"}]}"#;
    /// let two = r#"{"version":1,"shop":"s","items":[{"id":"a","title":"A","category":"X"},
    ///   {"id":"b","title":"B","category":"X"}]}"#;
    /// let mut engine = Engine::new(Catalog::from_json_str(one).unwrap());
    /// engine.replace_catalog(Catalog::from_json_str(two).unwrap());
    /// assert_eq!(engine.catalog().len(), 2);
    /// ```
    pub fn replace_catalog(&mut self, catalog: Catalog) {
        self.catalog = catalog;
        self.forget_derived();
    }

    /// Joins a shard of the sharded catalog the engine holds into it, in
    /// place ([`Catalog::join_shard_in_place`]: `layout` counts the items of
    /// the parts held, the core first, then the shards in department order);
    /// as [`Engine::replace_catalog`] with the joined catalog, without ever
    /// holding two catalogs. On an error nothing changes.
    pub fn join_shard(&mut self, layout: &[(Option<&str>, usize)], shard: &Catalog) -> Result<()> {
        self.catalog.join_shard_in_place(layout, shard)?;
        self.forget_derived();
        Ok(())
    }

    /// Drops what was computed from the catalog, to be computed again from the new one.
    fn forget_derived(&mut self) {
        self.fold_in = OnceCell::new();
        self.balls = OnceCell::new();
        self.sequence.get_mut().reset();
        *self.sequence_scores.get_mut() = None;
    }

    /// The privacy ledger and the counts for the next report.
    pub fn reporting(&self) -> &Reporting {
        &self.reporting
    }

    /// Replaces the preferences after validating them. A sensitive class no
    /// longer allowed is unlearned (as [`Engine::set_preferences`]).
    pub fn replace_preferences(&mut self, preferences: Preferences) -> Result<()> {
        preferences.validate()?;
        self.switch_preferences(preferences);
        Ok(())
    }

    /// Restores the default preferences (reports and every sensitive class off).
    pub fn reset_preferences(&mut self) {
        self.switch_preferences(Preferences::default());
    }

    /// Updates the preferences; an invalid patch changes nothing. Turning
    /// reports off discards what was counted for the next report (the ledger
    /// stays: opting out and in again frees no budget). Turning a sensitive
    /// class off unlearns every trace of its items ([`Engine::unlearn_hidden_sensitive`]).
    pub fn set_preferences(&mut self, patch: PreferencesPatch) -> Result<()> {
        let mut next = self.preferences.clone();
        next.apply(patch)?;
        self.switch_preferences(next);
        Ok(())
    }

    /// Makes `next` the preferences, and forgets what they no longer allow.
    fn switch_preferences(&mut self, next: Preferences) {
        let lost =
            self.preferences.sensitive.iter().any(|(c, on)| *on && !next.allows_sensitive(c));
        self.preferences = next;
        self.drop_period_unless_opted_in();
        if lost {
            self.unlearn_hidden_sensitive();
        }
    }

    /// Unlearns every trace of every item of a sensitive class the shopper
    /// has not opted into, everywhere the profile keeps anything: what the
    /// items taught (as [`Forget::Item`]), the category paths and facet values
    /// only such items have (no residue survives a subtraction), divergence
    /// directions anchored in or leading to such a category or facet value, the interest
    /// vectors (learned again without them) and the period counted for the next
    /// LDP report (which cannot be attributed per item). Returns how many items
    /// the profile mentioned.
    fn unlearn_hidden_sensitive(&mut self) -> usize {
        self.sequence.get_mut().reset();
        let now = self.profile.last_event_at().unwrap_or(0);
        let ids = self.mentioned_where(|e, i| e.is_hidden_sensitive(i));
        for id in &ids {
            self.unlearn_item(id, now);
        }
        let (paths, values) = self.only_hidden_sensitive();
        let path = |p: &str| paths.binary_search_by(|x| x.as_str().cmp(p)).is_ok();
        let value = |f: &str, v: &str| {
            values.binary_search_by(|(a, b)| (a.as_str(), b.as_str()).cmp(&(f, v))).is_ok()
        };
        self.profile.forget_where(path, value, |d| {
            let to = if d.axis == CATEGORY_AXIS { path(&d.to) } else { value(&d.axis, &d.to) };
            path(&d.anchor) || to
        });
        self.relearn_interests();
        self.reporting.period = Default::default();
        self.queries.clear();
        ids.len()
    }

    /// The item ids the profile mentions anywhere whose catalog item `gone` names.
    fn mentioned_where(&self, gone: impl Fn(&Self, usize) -> bool) -> Vec<String> {
        let mut ids = self.profile.mentioned_items();
        ids.retain(|id| self.catalog.index_of(id).is_some_and(|i| gone(self, i)));
        ids
    }

    /// The category paths (with their prefixes) and facet values that only
    /// items of sensitive classes not opted into have, each sorted.
    fn only_hidden_sensitive(&self) -> (Vec<String>, Vec<(String, String)>) {
        let mut paths: SortedMap<&str, bool> = SortedMap::new();
        let mut values: SortedMap<(&str, &str), bool> = SortedMap::new();
        for index in 0..self.catalog.len() {
            let hidden = self.is_hidden_sensitive(index);
            let traits = Traits::of(&self.catalog, index);
            for path in traits.categories {
                *paths.entry(path).or_insert(true) &= hidden;
            }
            for value in traits.facets {
                *values.entry(value).or_insert(true) &= hidden;
            }
        }
        let paths = paths.into_iter().filter(|(_, hidden)| *hidden);
        let values = values.into_iter().filter(|(_, hidden)| *hidden);
        (
            paths.map(|(p, _)| p.to_owned()).collect(),
            values.map(|((f, v), _)| (f.to_owned(), v.to_owned())).collect(),
        )
    }

    /// Nothing is kept for a report the shopper has not opted into.
    fn drop_period_unless_opted_in(&mut self) {
        if !self.preferences.reports {
            self.reporting.period = Default::default();
        }
    }

    /// The local differential privacy report of the period since the last
    /// one, made on `today` (days since 1970-01-01, UTC) with `epsilon`:
    /// `None` unless the shopper opted in ([`Preferences::reports`]) and
    /// [`Reporting::report`] makes one (not yet today, budget left); whether
    /// one is made never depends on what the period counted.
    /// A report spends its ε and starts a new period; the caller stores the
    /// record (with the spent ledger) before handing the report to anyone.
    /// `rng` must be unpredictable to whoever receives the report (the
    /// browser's `crypto.getRandomValues`), never the page's seed.
    ///
    /// # Errors
    ///
    /// As [`Reporting::report`]: an ε other than 0.5 or 1 is [`Error::BadArgument`].
    pub fn report<R: rand::Rng + ?Sized>(
        &mut self,
        today: i32,
        epsilon: f64,
        rng: &mut R,
    ) -> Result<Option<Report>> {
        let axes: Vec<&str> = self
            .catalog
            .facets()
            .iter()
            .filter(|f| f.divergence)
            .map(|f| f.name.as_str())
            .collect();
        let departments: Vec<&str> =
            self.catalog.report_departments().iter().map(String::as_str).collect();
        let schema = grouped_questions(&axes, &departments);
        if !self.preferences.reports {
            // The same argument errors either way; nothing is drawn.
            crate::ldp::check_request(&schema, epsilon, today)?;
            return Ok(None);
        }
        self.reporting.report(&schema, epsilon, today, rng)
    }

    /// Learns from one event. Events about items missing from the catalog are
    /// refused with [`Error::UnknownItem`] and change nothing.
    pub fn record(&mut self, event: &Event) -> Result<Recorded> {
        let item = match event.kind.item_id() {
            Some(id) => Some(
                self.catalog
                    .index_of(id)
                    .ok_or_else(|| Error::UnknownItem { id: id.to_owned() })?,
            ),
            None => None,
        };
        if !self.preferences.is_learning() {
            return Ok(Recorded::Paused);
        }
        if item.is_some_and(|i| self.is_hidden_sensitive(i)) {
            return Ok(Recorded::Sensitive);
        }
        if let EventKind::Search { query } = &event.kind {
            let refines = self.refines_previous(query, event.at);
            self.remember_query(query, event.at);
            let step = Event { kind: EventKind::SearchStep { refines }, at: event.at };
            self.profile.note_session(&step);
            return Ok(Recorded::Nothing);
        }
        self.profile.note_session(event);
        let (Some(index), Some(item_id)) = (item, event.kind.item_id()) else {
            return Ok(Recorded::Nothing);
        };
        let engaged = matches!(
            event.kind,
            EventKind::View { .. }
                | EventKind::Click { .. }
                | EventKind::AddToCart { .. }
                | EventKind::Purchase { .. }
        );
        if engaged && self.preferences.reports {
            self.count_engagement(item_id);
        }
        let traits = Traits::of(&self.catalog, index);
        let vector =
            (self.catalog.vectors().dims() > 0).then(|| self.catalog.vectors().dequantize(index));
        if engaged {
            self.profile.note_engagement(item_id, event.at);
        } else if matches!(event.kind, EventKind::Dismiss { .. }) {
            self.profile.note_dismissal(item_id, event.at);
        }
        self.profile.learn(
            &traits.evidence(item_id, vector.as_deref()),
            event.kind.weight(),
            event.at,
        );
        match event.kind {
            EventKind::Purchase { .. } => self.profile.mark_purchased(item_id, event.at),
            EventKind::Dismiss { .. } => self.profile.mark_dismissed(item_id, event.at),
            _ => {}
        }
        self.note_step(item_id, &event.kind);
        Ok(Recorded::Learned)
    }

    /// Adds a view, cart addition or purchase to the profile's sequence and
    /// encodes it, when the catalog carries a sequence model (without one,
    /// the order of steps is not kept: nothing would read it).
    fn note_step(&mut self, item_id: &str, kind: &EventKind) {
        if self.catalog.sequence_model().is_none() {
            return;
        }
        let kind = match kind {
            EventKind::View { .. } => StepKind::View,
            EventKind::AddToCart { .. } => StepKind::AddToCart,
            EventKind::Purchase { .. } => StepKind::Purchase,
            _ => return,
        };
        self.profile.note_step(item_id, kind);
        self.sequence.get_mut().sync(&self.catalog, self.profile.sequence());
    }

    /// Calls `f` with what the sequence model makes of the profile's
    /// sequence (`None` without a model or before the first step): the
    /// encoder brought in step, the items' signals scored once per state of
    /// it and kept for the slates and explanations that follow.
    fn with_sequence<R>(&self, f: impl FnOnce(Option<SequenceQuery<'_>>) -> R) -> R {
        let mut tracker = self.sequence.borrow_mut();
        tracker.sync(&self.catalog, self.profile.sequence());
        let (generation, encoder) = (tracker.generation(), tracker.encoder());
        let mut cache = self.sequence_scores.borrow_mut();
        if cache.as_ref().is_none_or(|(cached, _)| *cached != generation) {
            *cache = Some((generation, sequence_scores(&self.catalog, encoder)));
        }
        let scores = cache.as_ref().and_then(|(_, scores)| scores.as_ref());
        f(scores.map(|scores| SequenceQuery { scores, anchor: attended_item(encoder) }))
    }

    /// Whether `query`, searched at `at`, refines the session's previous
    /// search: the last search step of a live session, whose words this engine
    /// remembers (a search another tab made is not remembered: it refines nothing).
    fn refines_previous(&self, query: &str, at: i64) -> bool {
        let session = || self.profile.session();
        let live = session().last().is_some_and(|e| at.saturating_sub(e.at) <= SESSION_GAP_MS);
        let previous = session().filter(|e| matches!(e.kind, EventKind::SearchStep { .. })).last();
        let Some(previous_at) = previous.filter(|_| live).map(|e| e.at) else { return false };
        let previous = self.queries.iter().rev().find(|(t, _)| *t == previous_at);
        previous.is_some_and(|(_, q)| refines(q, query))
    }

    /// Remembers a search in memory (once: a replayed search is already there).
    fn remember_query(&mut self, query: &str, at: i64) {
        let query = crate::util::text::prefix(query, MAX_QUERY_BYTES);
        if self.queries.iter().any(|(t, q)| *t == at && q == query) {
            return;
        }
        self.queries.push_back((at, query.to_owned()));
        if self.queries.len() > MAX_SESSION_EVENTS {
            self.queries.pop_front();
        }
    }

    /// Counts an engagement with `item_id` for the next report: by the kind
    /// of slot it was last shown in, and as accepted along its axis if it was
    /// a divergent item awaiting a reaction (before the profile settles both).
    fn count_engagement(&mut self, item_id: &str) {
        let Some(kind) = self.profile.shown().get(item_id).map(|s| s.kind) else { return };
        let direction = self.profile.divergence().pending().get(item_id).map(|(d, _)| d);
        let direction = direction.filter(|_| kind == Kind::Divergent);
        count_for_report(&self.catalog, &mut self.reporting.period, kind, direction, true);
    }

    /// Whether the item at `index` is in a sensitive class the shopper has not opted into.
    fn is_hidden_sensitive(&self, index: usize) -> bool {
        self.catalog
            .item(index)
            .sensitive()
            .is_some_and(|class| !self.preferences.allows_sensitive(class))
    }

    /// Notes that the page showed these items (a slate's
    /// [`Slate::impressions`]) at `now`: impressions without engagement
    /// slowly lower an item's relevance, and divergence learns from them.
    /// Returns whether anything was noted: nothing is while paused.
    pub fn mark_shown(&mut self, shown: &[Impression], now: i64) -> bool {
        // A recently viewed list is not a recommendation: nothing is learned from showing it.
        if !self.preferences.is_learning() || !shown.iter().any(|i| i.kind.is_recommendation()) {
            return false;
        }
        for item in shown.iter().filter(|item| item.kind.is_recommendation()) {
            self.profile.mark_shown(&item.item_id, item.kind, now);
            if self.preferences.reports {
                let (period, direction) = (&mut self.reporting.period, item.direction.as_ref());
                count_for_report(&self.catalog, period, item.kind, direction, false);
            }
            if let Some(direction) = &item.direction {
                self.profile.note_divergent_shown(&item.item_id, direction, now);
            }
        }
        true
    }

    /// Forgets something the profile holds, and its influence; returns
    /// whether there was anything to forget. Works while learning is paused.
    pub fn forget(&mut self, what: &Forget, now: i64) -> bool {
        self.sequence.get_mut().reset();
        match what {
            Forget::Facet { facet, value } => self.profile.forget_facet(facet, value),
            Forget::Category(path) => {
                let paths = self.profile.forget_category(path);
                // The category's items go too, wherever the profile mentions
                // them: their history, purchases, dismissals, impressions, the
                // session and what they taught the interest vectors.
                let items = self.mentioned_where(|e, i| {
                    within(e.catalog.taxonomy().path(e.catalog.item(i).category()), path)
                });
                for id in &items {
                    self.unlearn_item(id, now);
                }
                if !items.is_empty() {
                    self.relearn_interests();
                }
                // And divergence's steps from or to it.
                let steps = self.profile.forget_where(
                    |_| false,
                    |_, _| false,
                    |d| within(&d.anchor, path) || (d.axis == CATEGORY_AXIS && within(&d.to, path)),
                );
                paths > 0 || !items.is_empty() || steps
            }
            Forget::Item(id) => {
                let forgot = self.unlearn_item(id, now);
                self.relearn_interests();
                forgot
            }
            Forget::Everything => {
                let had = !self.profile.is_empty();
                self.profile.forget_all();
                self.queries.clear();
                self.reporting.period = Default::default();
                had
            }
        }
    }

    /// Applies one change as the page made it (see [`crate::journal`]): the
    /// one path by which the page changes the profile or the preferences.
    /// [`Applied::is_kept`] says whether the change must be stored.
    ///
    /// # Errors
    ///
    /// As [`Engine::record`], [`Engine::set_preferences`] and
    /// [`Engine::import`]; an erroneous change changes nothing.
    pub fn apply(&mut self, change: &Change) -> Result<Applied> {
        Ok(match change {
            Change::Event(event) => Applied::Event(self.record(event)?),
            Change::Shown { items, at } => Applied::Shown(self.mark_shown(items, *at)),
            Change::Forget { what, at } => Applied::Forgot(self.forget(what, *at)),
            Change::Preferences(patch) => {
                self.set_preferences(patch.clone())?;
                Applied::Preferences
            }
            Change::Import(import) => Applied::Imported(self.import(import)?),
        })
    }

    /// Makes the engine hold `base` (the latest stored snapshot, `None` when
    /// nothing is stored) with `pending` replayed onto it: how a tab takes in
    /// what other tabs stored without losing its own unsaved changes.
    pub fn rebase(&mut self, base: Option<Snapshot>, pending: &[Change]) {
        let (profile, preferences, reporting) = match base {
            Some(snapshot) => (snapshot.profile, snapshot.preferences, snapshot.reporting),
            None => (Profile::default(), Preferences::default(), Reporting::default()),
        };
        self.profile = profile;
        self.preferences = preferences;
        self.reporting = reporting;
        self.sequence.get_mut().reset();
        for change in pending {
            // Each change was valid when the page made it, against this same
            // catalog; one that no longer applies (an import of another
            // version) is skipped rather than undoing the others.
            let _ = self.apply(change);
        }
    }

    /// The snapshot of this engine's profile, preferences and reporting
    /// state to store, taken at `now`.
    pub fn snapshot(&self, now: i64) -> Snapshot {
        Snapshot {
            shop: self.catalog.shop().to_owned(),
            saved_at: now,
            preferences: self.preferences.clone(),
            profile: self.profile.clone(),
            reporting: self.reporting.clone(),
            epoch: 0,
        }
    }

    /// Why the item `item_id` would be recommended at `now`: its relevance
    /// and the strongest signals behind it, from the same scorer that ranks
    /// slates (without the divergence step, which belongs to a slate).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownItem`] for an id not in the catalog.
    pub fn explain(&self, item_id: &str, now: i64) -> Result<Explanation> {
        let index = self
            .catalog
            .index_of(item_id)
            .ok_or_else(|| Error::UnknownItem { id: item_id.to_owned() })?;
        let factor = self.fold_in().and_then(|f| f.solve(&self.catalog, &self.profile, now));
        let scorer = Scorer::for_shopper(&self.catalog, &self.profile, now, factor.as_deref());
        let (reason, relevance, breadth) = self.with_sequence(|query| {
            let scorer = match query {
                Some(query) => query.apply(scorer),
                None => scorer,
            };
            let reason = explain(&scorer, &self.catalog, &self.profile, index);
            (reason, scorer.relevance(index), scorer.breadth())
        });
        Ok(Explanation {
            item_id: item_id.to_owned(),
            relevance,
            recommendable: self.preferences.personalization
                && relevance >= self.preferences.threshold,
            text: reason.describe(),
            reason,
            breadth,
        })
    }

    /// `YᵀY` of a catalog of item factors (computed once), `None` for content vectors.
    fn fold_in(&self) -> Option<&FoldIn> {
        (self.catalog.vector_kind() == VectorKind::Factors)
            .then(|| self.fold_in.get_or_init(|| FoldIn::new(&self.catalog)))
    }

    /// Takes back what the item `id` taught (its categories up to the root,
    /// its facet values) and forgets its traces; the interest vectors are
    /// the caller's to rebuild.
    fn unlearn_item(&mut self, id: &str, now: i64) -> bool {
        let Some(index) = self.catalog.index_of(id) else { return self.profile.forget_item(id) };
        let traits = Traits::of(&self.catalog, index);
        self.profile.unlearn_item(&traits.evidence(id, None), now)
    }

    /// Rebuilds the interest vectors from the items the profile still
    /// remembers, oldest first (after forgetting some of them).
    fn relearn_interests(&mut self) {
        let vectors = self.catalog.vectors();
        if vectors.dims() == 0 {
            return;
        }
        let mut remembered: Vec<(Vec<f32>, f32, i64)> = self
            .profile
            .items()
            .iter()
            .filter(|(_, a)| a.weight > 0.0)
            .filter_map(|(id, a)| {
                self.catalog.index_of(id).map(|i| (vectors.dequantize(i), a.weight, a.last_seen))
            })
            .collect();
        crate::util::sort::sort_by_key(&mut remembered, |(_, _, at)| *at);
        self.profile.relearn_interests(remembered.iter().map(|(v, w, at)| (v.as_slice(), *w, *at)));
    }

    /// The profile, readable, at `now`.
    pub fn profile_view(&self, now: i64) -> ProfileView {
        self.profile.view(now)
    }

    /// The shopper's copy of their profile and preferences.
    pub fn export(&self, now: i64) -> ProfileExport {
        ProfileExport::new(self.catalog.shop(), &self.profile, &self.preferences, now)
    }

    /// Replaces the profile (and preferences, if the export has them) with an
    /// export's; anything invalid is refused and nothing changes. The opt-ins
    /// in force hold: `reports` and the sensitive classes keep their current
    /// values whatever the export says, and every trace of a sensitive class
    /// not opted into is dropped from the imported profile. Returns what the
    /// import changed, for the shopper.
    pub fn import(&mut self, import: &ProfileImport) -> Result<ImportSummary> {
        let (profile, preferences) = import.decode(self.catalog.shop())?;
        let mut kept = Vec::new();
        if let Some(mut p) = preferences {
            if p.reports != self.preferences.reports {
                kept.push("reports");
            }
            if p.sensitive != self.preferences.sensitive {
                kept.push("sensitive");
            }
            p.reports = self.preferences.reports;
            p.sensitive = self.preferences.sensitive.clone();
            self.preferences = p;
            self.drop_period_unless_opted_in();
        }
        self.profile = profile;
        self.sequence.get_mut().reset();
        let sensitive = self.unlearn_hidden_sensitive_if_any();
        let p = &self.profile;
        Ok(ImportSummary {
            tastes: p.categories().len() + p.facets().len(),
            items: p.items().len(),
            dropped: Dropped { sensitive },
            preferences_kept: kept,
        })
    }

    /// [`Engine::unlearn_hidden_sensitive`] when the catalog has an item of a
    /// class not opted into (else there is nothing to look for).
    fn unlearn_hidden_sensitive_if_any(&mut self) -> usize {
        let any = (0..self.catalog.len()).any(|i| self.is_hidden_sensitive(i));
        if any { self.unlearn_hidden_sensitive() } else { 0 }
    }

    /// The session's intent at `now`: the shopper's own word if given
    /// (confidence 1), else inferred on the device from the current session's
    /// events. A session idle for [`SESSION_GAP_MS`] is over: a new one starts
    /// with no evidence, so its intent is unknown.
    pub fn intent(&self, now: i64) -> IntentEstimate {
        match self.preferences.intent {
            IntentSetting::Exploring => {
                IntentEstimate { intent: Intent::Exploring, confidence: 1.0 }
            }
            IntentSetting::Buying => IntentEstimate { intent: Intent::Buying, confidence: 1.0 },
            IntentSetting::Auto => {
                let live = self
                    .profile
                    .session()
                    .last()
                    .is_some_and(|e| now.saturating_sub(e.at) <= SESSION_GAP_MS);
                if live {
                    classify(&self.catalog, self.profile.session())
                } else {
                    IntentEstimate::UNKNOWN
                }
            }
        }
    }

    /// The slate for `request` at time `now` (ms since the epoch).
    pub fn recommend(&self, request: &Request, now: i64) -> Result<Slate> {
        let fold_in = self.fold_in();
        // A sequence model's bounds are exact (every item is scored): no balls.
        let balls = (self.catalog.vectors().dims() > 0 && self.catalog.sequence_model().is_none())
            .then(|| self.balls.get_or_init(|| NodeBalls::new(&self.catalog)));
        let slate_number = self.slates.get();
        self.slates.set(slate_number.wrapping_add(1));
        self.with_sequence(|sequence| {
            let inputs = Inputs {
                sequence,
                fold_in,
                balls,
                divergence: Some(self.profile.divergence()),
                intent: self.intent(now).intent,
                session_start: self.profile.session_start().unwrap_or(now),
                seed: self.seed ^ slate_number.wrapping_mul(0x9E37_79B9_7F4A_7C15),
                ..Inputs::new(&self.catalog, &self.profile, &self.preferences, now)
            };
            recommend_in(&inputs, request)
        })
    }
}

/// Counts one slot of `kind` for the next report in `period`: shown, or
/// engaged with when `accepted`; for a divergent step (`direction`), along its
/// axis and, when the catalog lists the anchor's department as a report
/// department, within it too (`colour@Women`).
fn count_for_report(
    catalog: &Catalog,
    period: &mut Period,
    kind: Kind,
    direction: Option<&Direction>,
    accepted: bool,
) {
    let axis = direction.map(|d| d.axis.as_str());
    if accepted {
        period.engaged(kind, axis);
    } else {
        period.shown(kind, axis);
    }
    if let Some(group) = direction.and_then(|d| catalog.report_group(&d.axis, &d.anchor)) {
        period.in_group(&group, accepted);
    }
}

/// What the encoder makes of the sequence: the signal of every item, with
/// the evidence of the sequence's length as confidence. `None` before the
/// first step.
fn sequence_scores(catalog: &Catalog, encoder: &Encoder) -> Option<SequenceScores> {
    let steps = encoder.len() as f32;
    SequenceScores::new(catalog, encoder.state()?, steps / (steps + SEQUENCE_EVIDENCE))
}

/// The item of the step the encoder's prediction attended to most.
fn attended_item(encoder: &Encoder) -> Option<u32> {
    let weights = encoder.attention()?;
    let best = (0..weights.len()).max_by(|&a, &b| weights[a].total_cmp(&weights[b]))?;
    encoder.steps().get(best).map(|step| step.item)
}

/// Steps at which the sequence signal of the model's best item reaches one
/// half: one step gives one half, 2 steps two thirds, 10 steps 0.91 (the
/// model weighs the context itself; this only tempers a single step).
const SEQUENCE_EVIDENCE: f32 = 1.0;

/// What an item teaches the profile, in the shop's strings: its category
/// path with every prefix, root first, and its `(facet, value)` pairs.
struct Traits<'c> {
    categories: Vec<&'c str>,
    facets: Vec<(&'c str, &'c str)>,
}

impl<'c> Traits<'c> {
    fn of(catalog: &'c Catalog, index: usize) -> Self {
        let item = catalog.item(index);
        let taxonomy = catalog.taxonomy();
        Self {
            categories: taxonomy.lineage(item.category()).map(|n| taxonomy.path(n)).collect(),
            facets: item
                .attributes()
                .map(|(f, v)| (catalog.facets()[f as usize].name.as_str(), v))
                .collect(),
        }
    }

    fn evidence<'a>(&'a self, item_id: &'a str, vector: Option<&'a [f32]>) -> Evidence<'a> {
        Evidence { item_id, categories: &self.categories, facets: &self.facets, vector }
    }
}
