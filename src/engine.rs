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
//! assert_eq!(slate.items[0].item_id, "jeans");
//! assert_eq!(slate.items[1].item_id, "shorts"); // same category; the tee is withheld
//! assert_eq!(slate.withheld, 0);
//! ```

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::preferences::{Preferences, PreferencesPatch};
use crate::journal::Change;
use crate::ldp::{Report, Reporting, questions};
use crate::measure::Kind;
use crate::portability::{ProfileExport, ProfileImport};
use crate::record::Record;
use crate::profile::{Event, EventKind, Evidence, Profile, ProfileView, SESSION_GAP_MS};
use std::cell::{Cell, OnceCell};

use crate::catalog::VectorKind;
use crate::divergence::Direction;
use crate::intent::{Intent, IntentEstimate, classify};
use crate::preferences::IntentSetting;
use crate::rank::foldin::FoldIn;
use crate::explain::{Reason, explain};
use crate::rank::{Inputs, Request, Scorer, Slate, Weights, recommend_in};

/// What [`Engine::forget`] forgets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Forget {
    /// One facet value ("colour: red").
    Facet {
        /// The facet's name.
        facet: String,
        /// The value.
        value: String,
    },
    /// A category and everything below it.
    Category(String),
    /// One item, with what it taught about categories and facet values.
    Item(String),
    /// Everything learned.
    Everything,
}

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
            seed,
            slates: Cell::new(0),
        }
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
    }

    /// The privacy ledger and the counts for the next report.
    pub fn reporting(&self) -> &Reporting {
        &self.reporting
    }

    /// Replaces the preferences after validating them.
    pub fn replace_preferences(&mut self, preferences: Preferences) -> Result<()> {
        preferences.validate()?;
        self.preferences = preferences;
        self.drop_period_unless_opted_in();
        Ok(())
    }

    /// Restores the default preferences (reports off).
    pub fn reset_preferences(&mut self) {
        self.preferences = Preferences::default();
        self.drop_period_unless_opted_in();
    }

    /// Updates the preferences; an invalid patch changes nothing. Turning
    /// reports off discards what was counted for the next report (the ledger
    /// stays: opting out and in again frees no budget).
    pub fn set_preferences(&mut self, patch: PreferencesPatch) -> Result<()> {
        self.preferences.apply(patch)?;
        self.drop_period_unless_opted_in();
        Ok(())
    }

    /// Nothing is kept for a report the shopper has not opted into.
    fn drop_period_unless_opted_in(&mut self) {
        if !self.preferences.reports {
            self.reporting.period = Default::default();
        }
    }

    /// The local differential privacy report of the period since the last
    /// one, made on `today` (days since 1970-01-01, UTC) with `epsilon`:
    /// `None` unless the shopper opted in ([`Preferences::reports`]), the
    /// period showed something and no report was made today.
    /// A report spends its ε and starts a new period; the caller stores the
    /// record (with the spent ledger) before handing the report to anyone.
    /// `rng` must be unpredictable to whoever receives the report (the
    /// browser's `crypto.getRandomValues`), never the page's seed.
    ///
    /// # Errors
    ///
    /// As [`Reporting::report`]: an ε outside (0, 1] is [`Error::BadArgument`].
    pub fn report<R: rand::Rng + ?Sized>(&mut self, today: i32, epsilon: f64, rng: &mut R) -> Result<Option<Report>> {
        let axes: Vec<&str> = self.catalog.facets().iter().filter(|f| f.divergence).map(|f| f.name.as_str()).collect();
        let schema = questions(&axes);
        if !self.preferences.reports {
            // The same argument errors either way; an empty period reports nothing and draws nothing.
            return Reporting::default().report(&schema, epsilon, today, rng);
        }
        self.reporting.report(&schema, epsilon, today, rng)
    }

    /// Learns from one event. Events about items missing from the catalog are
    /// refused with [`Error::UnknownItem`] and change nothing.
    pub fn record(&mut self, event: &Event) -> Result<Recorded> {
        let item = match event.kind.item_id() {
            Some(id) => Some(self.catalog.index_of(id).ok_or_else(|| Error::UnknownItem { id: id.to_owned() })?),
            None => None,
        };
        if !self.preferences.is_learning() {
            return Ok(Recorded::Paused);
        }
        if item.is_some_and(|i| self.is_hidden_sensitive(i)) {
            return Ok(Recorded::Sensitive);
        }
        self.profile.note_session(event);
        let (Some(index), Some(item_id)) = (item, event.kind.item_id()) else {
            return Ok(Recorded::Nothing);
        };
        let engaged = matches!(
            event.kind,
            EventKind::View { .. } | EventKind::Click { .. } | EventKind::AddToCart { .. } | EventKind::Purchase { .. }
        );
        if engaged && self.preferences.reports {
            self.count_engagement(item_id);
        }
        let item = self.catalog.item(index);
        let taxonomy = self.catalog.taxonomy();
        let categories: Vec<&str> = taxonomy.lineage(item.category()).map(|n| taxonomy.path(n)).collect();
        let facets: Vec<(&str, &str)> =
            item.attributes().map(|(f, v)| (self.catalog.facets()[f as usize].name.as_str(), v)).collect();
        let vector = (self.catalog.vectors().dims() > 0).then(|| self.catalog.vectors().dequantize(index));
        let evidence = Evidence { item_id, categories: &categories, facets: &facets, vector: vector.as_deref() };
        if engaged {
            self.profile.note_engagement(item_id, event.at);
        } else if matches!(event.kind, EventKind::Dismiss { .. }) {
            self.profile.note_dismissal(item_id, event.at);
        }
        self.profile.learn(&evidence, event.kind.weight(), event.at);
        match event.kind {
            EventKind::Purchase { .. } => self.profile.mark_purchased(item_id, event.at),
            EventKind::Dismiss { .. } => self.profile.mark_dismissed(item_id, event.at),
            _ => {}
        }
        Ok(Recorded::Learned)
    }

    /// Counts an engagement with `item_id` for the next report: by the kind
    /// of slot it was last shown in, and as accepted along its axis if it was
    /// a divergent item awaiting a reaction (before the profile settles both).
    fn count_engagement(&mut self, item_id: &str) {
        let Some(kind) = self.profile.shown().get(item_id).map(|s| s.kind) else { return };
        let axis = self.profile.divergence().pending().get(item_id).map(|(d, _)| d.axis.as_str());
        self.reporting.period.engaged(kind, axis.filter(|_| kind == Kind::Divergent));
    }

    /// Whether the item at `index` is in a sensitive class the shopper has not opted into.
    fn is_hidden_sensitive(&self, index: usize) -> bool {
        self.catalog.item(index).sensitive().is_some_and(|class| !self.preferences.allows_sensitive(class))
    }

    /// Notes that the page showed `slate` at `now`: impressions without
    /// engagement slowly lower an item's relevance. Does nothing while paused.
    pub fn mark_shown(&mut self, slate: &Slate, now: i64) {
        if !self.preferences.is_learning() {
            return;
        }
        for item in &slate.items {
            self.profile.mark_shown(&item.item_id, item.kind, now);
            let divergence = item.reason.divergence.as_ref();
            if self.preferences.reports {
                self.reporting.period.shown(item.kind, divergence.map(|r| r.axis.as_str()));
            }
            if let Some(reason) = divergence {
                let direction = Direction { anchor: reason.anchor.clone(), axis: reason.axis.clone(), to: reason.to.clone() };
                self.profile.note_divergent_shown(&item.item_id, &direction, now);
            }
        }
    }

    /// Forgets something the profile holds, and its influence; returns
    /// whether there was anything to forget. Works while learning is paused.
    pub fn forget(&mut self, what: &Forget, now: i64) -> bool {
        match what {
            Forget::Facet { facet, value } => self.profile.forget_facet(facet, value),
            Forget::Category(path) => {
                let paths = self.profile.forget_category(path);
                // The category's items go too: their history, impressions and
                // what they taught the interest vectors.
                let below = format!("{path} > ");
                let taxonomy = self.catalog.taxonomy();
                let items: Vec<String> = self
                    .profile
                    .items()
                    .keys()
                    .filter(|id| {
                        self.catalog.index_of(id).is_some_and(|i| {
                            let p = taxonomy.path(self.catalog.item(i).category());
                            p == path || p.starts_with(&below)
                        })
                    })
                    .cloned()
                    .collect();
                for id in &items {
                    self.unlearn_item(id, now);
                }
                if !items.is_empty() {
                    self.relearn_interests();
                }
                paths > 0 || !items.is_empty()
            }
            Forget::Item(id) => {
                let forgot = self.unlearn_item(id, now);
                self.relearn_interests();
                forgot
            }
            Forget::Everything => {
                let had = !self.profile.is_empty();
                self.profile.forget_all();
                self.reporting.period = Default::default();
                had
            }
        }
    }

    /// Applies one change as the page made it (see [`crate::journal`]).
    ///
    /// # Errors
    ///
    /// As [`Engine::record`], [`Engine::set_preferences`] and
    /// [`Engine::import`]; an erroneous change changes nothing.
    pub fn apply(&mut self, change: &Change) -> Result<()> {
        match change {
            Change::Event(event) => self.record(event).map(|_| ()),
            Change::Shown { slate, at } => {
                self.mark_shown(slate, *at);
                Ok(())
            }
            Change::Forget { what, at } => {
                self.forget(what, *at);
                Ok(())
            }
            Change::Preferences(patch) => self.set_preferences(patch.clone()),
            Change::Import(import) => self.import(import),
        }
    }

    /// Makes the engine hold `base` (the latest stored record, `None` when
    /// nothing is stored) with `pending` replayed onto it: how a tab takes in
    /// what other tabs stored without losing its own unsaved changes.
    pub fn rebase(&mut self, base: Option<Record>, pending: &[Change]) {
        let (profile, preferences, reporting) = match base {
            Some(record) => (record.profile, record.preferences, record.reporting),
            None => (Profile::default(), Preferences::default(), Reporting::default()),
        };
        self.profile = profile;
        self.preferences = preferences;
        self.reporting = reporting;
        for change in pending {
            // Each change was valid when the page made it, against this same
            // catalog; one that no longer applies (an import of another
            // version) is skipped rather than undoing the others.
            let _ = self.apply(change);
        }
    }

    /// The stored record of this engine's profile and preferences, saved at `now`.
    pub fn record_at(&self, now: i64) -> Record {
        Record {
            shop: self.catalog.shop().to_owned(),
            saved_at: now,
            preferences: self.preferences.clone(),
            profile: self.profile.clone(),
            reporting: self.reporting.clone(),
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
        let index = self.catalog.index_of(item_id).ok_or_else(|| Error::UnknownItem { id: item_id.to_owned() })?;
        let mut scorer = Scorer::new(&self.catalog, &self.profile, now, Weights::default());
        let factor = self.fold_in().and_then(|f| f.solve(&self.catalog, &self.profile, now));
        if let Some(factor) = &factor {
            scorer = scorer.with_user_factor(factor);
        }
        let reason = explain(&scorer, &self.catalog, &self.profile, index);
        let relevance = scorer.relevance(index);
        Ok(Explanation {
            item_id: item_id.to_owned(),
            relevance,
            recommendable: self.preferences.personalization && relevance >= self.preferences.threshold,
            text: reason.describe(),
            reason,
        })
    }

    /// `YᵀY` of a catalog of item factors (computed once), `None` for content vectors.
    fn fold_in(&self) -> Option<&FoldIn> {
        (self.catalog.vector_kind() == VectorKind::Factors).then(|| self.fold_in.get_or_init(|| FoldIn::new(&self.catalog)))
    }

    /// Takes back what the item `id` taught (its categories up to the root,
    /// its facet values) and forgets its traces; the interest vectors are
    /// the caller's to rebuild.
    fn unlearn_item(&mut self, id: &str, now: i64) -> bool {
        let Some(index) = self.catalog.index_of(id) else { return self.profile.forget_item(id) };
        let item = self.catalog.item(index);
        let taxonomy = self.catalog.taxonomy();
        let categories: Vec<&str> = taxonomy.lineage(item.category()).map(|n| taxonomy.path(n)).collect();
        let facets: Vec<(&str, &str)> =
            item.attributes().map(|(f, v)| (self.catalog.facets()[f as usize].name.as_str(), v)).collect();
        let seen = Evidence { item_id: id, categories: &categories, facets: &facets, vector: None };
        self.profile.unlearn_item(&seen, now)
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
            .filter_map(|(id, a)| self.catalog.index_of(id).map(|i| (vectors.dequantize(i), a.weight, a.last_seen)))
            .collect();
        crate::sort::sort_by_key(&mut remembered, |(_, _, at)| *at);
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
    /// export's; anything invalid is refused and nothing changes.
    pub fn import(&mut self, import: &ProfileImport) -> Result<()> {
        let (profile, preferences) = import.decode(self.catalog.shop())?;
        self.profile = profile;
        if let Some(p) = preferences {
            self.preferences = p;
            self.drop_period_unless_opted_in();
        }
        Ok(())
    }

    /// The session's intent at `now`: the shopper's own word if given
    /// (confidence 1), else inferred on the device from the current session's
    /// events. A session idle for [`SESSION_GAP_MS`] is over: a new one starts
    /// with no evidence, so its intent is unknown.
    pub fn intent(&self, now: i64) -> IntentEstimate {
        match self.preferences.intent {
            IntentSetting::Exploring => IntentEstimate { intent: Intent::Exploring, confidence: 1.0 },
            IntentSetting::Buying => IntentEstimate { intent: Intent::Buying, confidence: 1.0 },
            IntentSetting::Auto => {
                let live = self.profile.session().last().is_some_and(|e| now.saturating_sub(e.at) <= SESSION_GAP_MS);
                if live { classify(&self.catalog, self.profile.session()) } else { IntentEstimate::UNKNOWN }
            }
        }
    }

    /// The slate for `request` at time `now` (ms since the epoch).
    pub fn recommend(&self, request: &Request, now: i64) -> Result<Slate> {
        let fold_in = self.fold_in();
        let slate_number = self.slates.get();
        self.slates.set(slate_number.wrapping_add(1));
        let inputs = Inputs {
            fold_in,
            divergence: Some(self.profile.divergence()),
            intent: self.intent(now).intent,
            session_start: self.profile.session_start().unwrap_or(now),
            seed: self.seed ^ slate_number.wrapping_mul(0x9E37_79B9_7F4A_7C15),
            ..Inputs::new(&self.catalog, &self.profile, &self.preferences, now)
        };
        recommend_in(&inputs, request)
    }
}
