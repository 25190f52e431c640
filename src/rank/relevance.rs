//! Calibrated relevance of one item for one profile, in [0, 1].
//!
//! Each signal is first mapped to [0, 1] by the same saturating evidence curve
//! for every shopper ([`crate::profile::evidence`]), then the signals are mixed
//! with fixed weights. A threshold on the result therefore means the same
//! amount of evidence for a new shopper and a long-standing one.

use crate::catalog::ItemRef;
use crate::catalog::dates::day_of;
use crate::catalog::{
    Catalog, CategoryId, FacetValueId, Scratch,
    quantize::{quantize, quantize_as_is},
};
use crate::profile::{Profile, evidence};

use super::kernel::{dot_i8, dot_i8_many, dot_i8_rows};
use super::sequence_scores::SequenceScores;
use crate::profile::interests::MAX_INTERESTS;

/// How much each signal counts in relevance. The weights of the signals a
/// catalog can provide are renormalised to sum to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// Affinity to the item's category path.
    pub category: f32,
    /// Affinity to the item's facet values.
    pub facets: f32,
    /// Similarity to the closest interest vector.
    pub vector: f32,
    /// The shop's aggregate popularity prior.
    pub popularity: f32,
    /// How recently the item was released.
    pub freshness: f32,
}

impl Weights {
    /// These weights with the vector signal weighing `share` of relevance and
    /// the others sharing the rest in their proportions (all of it to the
    /// vector signal when the others weigh nothing).
    fn with_vector_share(self, share: f32) -> Self {
        let rest = self.category + self.facets + self.popularity + self.freshness;
        let k = if rest > 0.0 { (1.0 - share) / rest } else { 0.0 };
        Self {
            category: self.category * k,
            facets: self.facets * k,
            vector: if rest > 0.0 { share } else { 1.0 },
            popularity: self.popularity * k,
            freshness: self.freshness * k,
        }
    }
}

impl Default for Weights {
    fn default() -> Self {
        Self { category: 0.45, facets: 0.2, vector: 0.3, popularity: 0.05, freshness: 0.05 }
    }
}

/// Share of relevance that a shopper's fold-in preference `x · yᵢ` carries in
/// a catalog of learned item factors (the other signals share the rest in
/// their usual proportions). Learned from everyone's aggregate orders, it is
/// the strongest signal there is: on MovieLens-1M (docs/EVALUATION.md) moving
/// it from the default 0.3 to 0.6 / 0.7 / 0.8 took NDCG@10 from 0.048 to
/// 0.055 / 0.057 / 0.057, while MovieLens-100k stayed within noise (0.053–0.055).
pub const FACTOR_WEIGHT: f32 = 0.7;

/// Share of relevance that a catalog's sequence model carries when the
/// shopper has a sequence for it ([`Scorer::with_sequence`]): what the model
/// predicts from the order of the shopper's own steps is the strongest signal
/// a catalog can give (docs/EVALUATION.md, "Sequences").
pub const SEQUENCE_WEIGHT: f32 = 0.8;

/// Freshness halves every 90 days after an item's release.
pub const FRESHNESS_HALF_LIFE_DAYS: f32 = 90.0;

/// Freshness in [0, 1] of an item released on `day`, seen on `today` (days
/// since 1970-01-01): 1 on release (or before), halving every
/// [`FRESHNESS_HALF_LIFE_DAYS`].
///
/// ```
/// use flaneur::rank::freshness;
/// assert_eq!(freshness(Some(100), 100), 1.0);
/// assert_eq!(freshness(Some(100), 190), 0.5);
/// assert_eq!(freshness(None, 190), 0.0);
/// ```
pub fn freshness(day: Option<i32>, today: i32) -> f32 {
    match day {
        None => 0.0,
        Some(day) if day >= today => 1.0,
        Some(day) => (-((today - day) as f32) / FRESHNESS_HALF_LIFE_DAYS).exp2(),
    }
}

/// Relevance after an item was bought: bought items are not pushed again,
/// unless they are staples (replenishable, see [`Catalog::is_staple`]).
pub const PURCHASED_FACTOR: f32 = 0.2;
/// Impressions without engagement that cost nothing; each one beyond costs 10%.
pub const SHOWN_GRACE: u32 = 3;
/// The lowest factor that impressions without engagement can bring an item to.
pub const SHOWN_FLOOR: f32 = 0.5;

/// The relevance factor for an item shown `count` times without engagement.
///
/// ```
/// use flaneur::rank::shown_factor;
/// assert_eq!(shown_factor(3), 1.0);
/// assert!((shown_factor(5) - 0.81).abs() < 1e-6);
/// assert_eq!(shown_factor(100), 0.5);
/// ```
pub fn shown_factor(count: u32) -> f32 {
    if count <= SHOWN_GRACE {
        1.0
    } else {
        0.9f32.powi((count - SHOWN_GRACE).min(64) as i32).max(SHOWN_FLOOR)
    }
}

/// An item's relevance without its vector signal: the weighted mix of the
/// other signals and the penalty. Relevance is always completed by
/// [`Partial::with_vector`], the same arithmetic in the same order, so a
/// bound taken with the best vector holds exactly in floating point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Partial {
    /// The weighted category, facet, popularity and freshness signals.
    pub rest: f32,
    /// The penalty factor (1 when none).
    pub penalty: f32,
}

impl Partial {
    /// The relevance with `vector` as the vector signal of weight `weight`.
    #[inline(always)]
    pub(crate) fn with_vector(self, weight: f32, vector: f32) -> f32 {
        ((self.rest + weight * vector) * self.penalty).clamp(0.0, 1.0)
    }
}

/// One item's signals, each in [0, 1], and the relevance they make.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Signals {
    /// Category affinity (deeper levels weigh more).
    pub category: f32,
    /// Mean facet-value affinity.
    pub facets: f32,
    /// Best interest similarity, times that interest's evidence.
    pub vector: f32,
    /// Popularity prior.
    pub popularity: f32,
    /// Freshness of the release date.
    pub freshness: f32,
    /// Evidence that the item is often bought with what the shopper buys.
    pub co_purchase: f32,
    /// Multiplier for dismissal (0), purchase and impressions without engagement (1 when none).
    pub penalty: f32,
    /// The weighted mix, times `penalty`: the item's relevance.
    pub relevance: f32,
}

/// Scores items of one catalog for one profile at one moment. Building it
/// reads the profile once; scoring an item then costs a few array lookups and
/// one int8 dot product per interest.
pub struct Scorer<'a> {
    catalog: &'a Catalog,
    weights: Weights,
    /// The day of `now`, for freshness.
    today: i32,
    /// Evidence per taxonomy node.
    category: Vec<f32>,
    /// Category signal per taxonomy node (a function of the node's lineage only).
    category_signal: Vec<f32>,
    /// Evidence per facet value id.
    facets: Vec<f32>,
    /// Interest centroids, quantized, one row of `dims` codes after another.
    centroids: Vec<i8>,
    /// Per interest: its quantization scale and its evidence.
    interest_weights: Vec<(f32, f32)>,
    /// `(item index, factor)` for items the profile penalises, sorted by index.
    penalties: Vec<(u32, f32)>,
    /// `(item index, co-purchase evidence, the bought item that adds most)`
    /// of the items often bought with what the shopper buys, sorted by index
    /// ([`co_purchase`]).
    co_purchased: Vec<(u32, f32, u32)>,
    /// Per taxonomy node, the largest co-purchase evidence of its items.
    node_co_purchase: Vec<f32>,
    /// One bit per item: whether it is in `penalties` (most items are not,
    /// and a bit test spares them the binary search).
    penalised: Vec<u64>,
    /// The largest value the vector signal can take for any item.
    vector_bound: f32,
    /// The shopper's fold-in factor, quantized with its scale, for catalogs of item factors.
    user_factor: Option<(Vec<i8>, f32)>,
    /// How broad the profile's evidence keeps the slate ([`super::breadth`]).
    breadth: f32,
    /// Per taxonomy node, a bound of its items' vector signal (empty: `vector_bound`).
    node_vector: Vec<f32>,
    /// With a fold-in factor: the balls (for the items' lengths) and the factor's length.
    factor_lengths: Option<(&'a super::balls::NodeBalls, f32)>,
    /// With a sequence model: the vector signal of every item.
    sequence: Option<&'a SequenceScores>,
    /// With a sequence model: the item of the step that weighed most in the
    /// prediction (the explanation's "Often viewed after").
    sequence_anchor: Option<u32>,
}

impl<'a> Scorer<'a> {
    /// The scorer of a shopper's slates and explanations: default weights,
    /// and the vector signal from `factor` when the catalog's vectors are
    /// item factors and the fold-in solved one (see [`Scorer::with_user_factor`]).
    pub fn for_shopper(
        catalog: &'a Catalog,
        profile: &'a Profile,
        now: i64,
        factor: Option<&[f32]>,
    ) -> Self {
        let scorer = Self::new(catalog, profile, now, Weights::default());
        match factor {
            Some(factor) => scorer.with_user_factor(factor),
            None => scorer,
        }
    }

    /// Prepares scoring at time `now` (ms) with explicit `weights`: decays
    /// every affinity to `now`.
    pub fn new(catalog: &'a Catalog, profile: &'a Profile, now: i64, weights: Weights) -> Self {
        let hl = profile.half_life_ms();
        let breadth = super::breadth::breadth(profile, now);
        let taxonomy = catalog.taxonomy();
        let category: Vec<f32> = (0..taxonomy.len() as u32)
            .map(|node| {
                profile
                    .category(taxonomy.path(node))
                    .map_or(0.0, |a| evidence(a.weight_at(now, hl)))
            })
            .collect();
        let category_signal = (0..taxonomy.len() as u32)
            .map(|node| lineage_signal(catalog, &category, node, breadth))
            .collect();
        let mut facets = vec![0.0; catalog.facet_value_count()];
        for ((facet, value), a) in profile.facets() {
            let id = catalog.facet_index(facet).and_then(|f| catalog.find_facet_value(f, value));
            if let Some(id) = id {
                facets[id as usize] = evidence(a.weight_at(now, hl));
            }
        }
        let dims = catalog.vectors().dims();
        let mut centroids = Vec::new();
        let mut interest_weights = Vec::new();
        for interest in profile
            .interests()
            .iter()
            .filter(|i| dims > 0 && i.centroid.len() == dims)
            .take(MAX_INTERESTS)
        {
            let (codes, scale) = quantize(&interest.centroid);
            centroids.extend_from_slice(&codes);
            interest_weights.push((scale, evidence(interest.affinity.weight_at(now, hl))));
        }
        let mut weights = weights;
        if dims == 0 {
            weights.vector = 0.0;
        }
        if !catalog.has_release_dates() {
            weights.freshness = 0.0;
        }
        let total = weights.category
            + weights.facets
            + weights.vector
            + weights.popularity
            + weights.freshness;
        if total > 0.0 {
            weights.category /= total;
            weights.facets /= total;
            weights.vector /= total;
            weights.popularity /= total;
            weights.freshness /= total;
        }
        let penalties = penalties(catalog, profile);
        let co_purchased = co_purchase(catalog, profile);
        let mut node_co_purchase =
            vec![0.0f32; if co_purchased.is_empty() { 0 } else { taxonomy.len() }];
        for &(index, evidence, _) in &co_purchased {
            let node = catalog.item(index as usize).category() as usize;
            if let Some(max) = node_co_purchase.get_mut(node) {
                *max = max.max(evidence);
            }
        }
        let mut penalised = vec![0u64; catalog.len().div_ceil(64)];
        for &(index, _) in &penalties {
            penalised[index as usize / 64] |= 1 << (index % 64);
        }
        // Each interest's similarity is clamped to 1 and weighted by its evidence.
        let vector_bound =
            interest_weights.iter().map(|&(_, strength)| strength).fold(0.0, f32::max);
        Self {
            catalog,
            weights,
            today: day_of(now),
            category,
            category_signal,
            facets,
            centroids,
            interest_weights,
            penalties,
            co_purchased,
            node_co_purchase,
            penalised,
            vector_bound,
            user_factor: None,
            breadth,
            node_vector: Vec::new(),
            factor_lengths: None,
            sequence: None,
            sequence_anchor: None,
        }
    }

    /// How broad the profile's evidence keeps the slate, in [0, 1] ([`super::breadth`]).
    pub fn breadth(&self) -> f32 {
        self.breadth
    }

    /// Scores the vector signal as the predicted preference `x · yᵢ` of the
    /// shopper's fold-in factor `x` (see [`super::foldin`]) instead of the
    /// similarity to interest vectors, weighing it [`FACTOR_WEIGHT`] of
    /// relevance. A factor of the wrong length is ignored.
    pub fn with_user_factor(mut self, factor: &[f32]) -> Self {
        if factor.len() == self.catalog.vectors().dims() {
            if let Some(quantized) = quantize_as_is(factor) {
                self.user_factor = Some(quantized);
                self.vector_bound = 1.0;
                self.weights = self.weights.with_vector_share(FACTOR_WEIGHT);
            }
        }
        self
    }

    /// Takes the vector signal from a sequence model's `scores` of every item
    /// ([`SequenceScores`], scored once per state of the shopper's sequence),
    /// weighing [`SEQUENCE_WEIGHT`] of relevance: the scan looks signals up and
    /// each category's bound is its best item's signal, exactly. `anchor` is
    /// the item of the step the prediction attended to most. Scores of
    /// another catalog are ignored.
    pub fn with_sequence(mut self, scores: &'a SequenceScores, anchor: Option<u32>) -> Self {
        if !scores.fits(self.catalog) {
            return self;
        }
        self.sequence = Some(scores);
        self.sequence_anchor = anchor;
        self.vector_bound = scores.confidence();
        self.weights = self.weights.with_vector_share(SEQUENCE_WEIGHT);
        self
    }

    /// The vector signal of a fold-in factor's score (or of a bound of it).
    #[inline(always)]
    fn factor_signal(&self, score: f32) -> f32 {
        score.clamp(0.0, 1.0)
    }

    /// Whether the vector signal comes from a sequence model.
    pub fn uses_sequence(&self) -> bool {
        self.sequence.is_some()
    }

    /// The item of the step a sequence model's prediction attended to most.
    pub fn sequence_anchor(&self) -> Option<u32> {
        self.sequence_anchor
    }

    /// Bounds the vector signal per category with the catalog's `balls`
    /// ([`super::balls`]): call it after [`Self::with_user_factor`]. Balls of
    /// other dimensions are ignored.
    pub fn with_balls(mut self, balls: &'a super::balls::NodeBalls) -> Self {
        if self.sequence.is_some() {
            // Its bounds are already exact: every item was scored.
            return self;
        }
        let dims = self.catalog.vectors().dims();
        if balls.dims() == 0 || balls.dims() != dims {
            return self;
        }
        let dequantize = |codes: &[i8], scale: f32| -> (Vec<f32>, f32) {
            let u: Vec<f32> = codes.iter().map(|&c| f32::from(c) * scale).collect();
            let norm = u.iter().map(|x| x * x).sum::<f32>().sqrt();
            (u, norm)
        };
        // Each query with the factor its clamped signal is multiplied by.
        let queries: Vec<(Vec<f32>, f32, f32)> = match &self.user_factor {
            Some((codes, scale)) => {
                let (u, norm) = dequantize(codes, *scale);
                self.factor_lengths = Some((balls, norm));
                vec![(u, norm, 1.0)]
            }
            None => self
                .centroids
                .chunks_exact(dims)
                .zip(&self.interest_weights)
                .map(|(codes, &(scale, strength))| {
                    let (u, norm) = dequantize(codes, scale);
                    (u, norm, strength)
                })
                .collect(),
        };
        let nodes = self.catalog.taxonomy().len();
        self.node_vector = (0..nodes)
            .map(|node| {
                queries
                    .iter()
                    .map(|(u, norm, k)| self.factor_signal(balls.bound(node, u, *norm)) * k)
                    .fold(0.0f32, f32::max)
                    .min(self.vector_bound)
            })
            .collect();
        self
    }

    /// A bound of the vector signal of the item at `index` of taxonomy node
    /// `node` (whose bound is `node_bound`): with a fold-in factor, also the
    /// product of the two lengths.
    #[inline(always)]
    pub fn item_vector_bound(&self, index: usize, node_bound: f32) -> f32 {
        if let Some(scores) = self.sequence {
            return scores.signal(self.catalog, index);
        }
        match self.factor_lengths {
            Some((balls, norm)) => {
                node_bound.min(self.factor_signal(balls.item_bound(index, norm)))
            }
            None => node_bound,
        }
    }

    /// A bound of the vector signal of every item of taxonomy node `node`.
    #[inline(always)]
    pub fn node_vector_bound(&self, node: u32) -> f32 {
        if let Some(bound) = self.sequence.and_then(|scores| scores.node_bound(node)) {
            return bound;
        }
        self.node_vector.get(node as usize).copied().unwrap_or(self.vector_bound)
    }

    /// Whether the vector signal comes from a fold-in factor.
    pub fn uses_user_factor(&self) -> bool {
        self.user_factor.is_some()
    }

    /// The catalog it scores.
    pub(crate) fn catalog(&self) -> &'a Catalog {
        self.catalog
    }

    /// The normalised weights in use.
    pub fn weights(&self) -> Weights {
        self.weights
    }

    /// Evidence for one taxonomy node, in [0, 1).
    pub fn category_evidence(&self, node: u32) -> f32 {
        self.category.get(node as usize).copied().unwrap_or(0.0)
    }

    /// Evidence for one facet value, in [0, 1).
    #[inline(always)]
    pub fn facet_evidence(&self, value: FacetValueId) -> f32 {
        self.facets.get(value as usize).copied().unwrap_or(0.0)
    }

    /// All signals of the item at `index`.
    pub fn signals(&self, index: usize) -> Signals {
        self.signals_with(index, self.vector_signal(index))
    }

    /// An upper bound of [`Self::relevance`] that skips the vector signal
    /// (the int8 dot products), assuming the best the profile allows: the
    /// same arithmetic in the same order, so the bound holds exactly in
    /// floating point. Ranking scores the vectors of only the items whose
    /// bound could still enter the slate.
    ///
    /// ```
    /// use flaneur::{
    ///     Engine,
    ///     catalog::Catalog,
    ///     profile::{Event, EventKind},
    ///     rank::{Scorer, Weights},
    /// };
    /// let c = Catalog::from_json_str(r#"{"version":1,"shop":"s","dims":2,"items":[
    ///   {"id":"a","title":"A","category":"Knit","vector":[1,0]},
    ///   {"id":"b","title":"B","category":"Shoes","vector":[0,1]}]}"#).unwrap();
    /// let mut engine = Engine::new(c);
    /// engine.record(&Event { kind: EventKind::View { item_id: "a".into() }, at: 0 }).unwrap();
    /// let s = Scorer::new(engine.catalog(), engine.profile(), 0, Weights::default());
    /// for i in 0..2 {
    ///     assert!(s.relevance(i) <= s.relevance_bound(i));
    /// }
    /// assert!(s.relevance(1) < s.relevance_bound(1)); // "b" points elsewhere
    /// ```
    pub fn relevance_bound(&self, index: usize) -> f32 {
        self.signals_with(index, self.vector_bound).relevance
    }

    /// Per taxonomy node, an upper bound of the relevance of any item of that
    /// node: its facets, vector, popularity and freshness taken at the best
    /// the profile allows and no penalty, loosened by a hair so that it holds
    /// whatever the rounding. One table lookup then rules out most items of a
    /// catalog before [`Self::relevance_bound`] looks at them.
    ///
    /// ```
    /// use flaneur::{
    ///     Engine,
    ///     catalog::Catalog,
    ///     profile::{Event, EventKind},
    ///     rank::{Scorer, Weights},
    /// };
    /// let c = Catalog::from_json_str(r#"{"version":1,"shop":"s","items":[
    ///   {"id":"a","title":"A","category":"Knit"},
    ///   {"id":"b","title":"B","category":"Shoes"}]}"#).unwrap();
    /// let mut engine = Engine::new(c);
    /// engine.record(&Event { kind: EventKind::View { item_id: "a".into() }, at: 0 }).unwrap();
    /// let s = Scorer::new(engine.catalog(), engine.profile(), 0, Weights::default());
    /// let bounds = s.category_bounds();
    /// for i in 0..2 {
    ///     assert!(s.relevance(i) <= bounds[engine.catalog().item(i).category() as usize]);
    /// }
    /// ```
    pub fn category_bounds(&self) -> Vec<f32> {
        let w = self.weights;
        let facets = self.facets.iter().copied().fold(0.0, f32::max);
        let freshness = if w.freshness > 0.0 { 1.0 } else { 0.0 };
        self.category_signal
            .iter()
            .enumerate()
            .map(|(node, &category)| {
                let co = self.node_co_purchase.get(node).copied().unwrap_or(0.0);
                let mix = CO_PURCHASE_WEIGHT * co
                    + w.category * category
                    + w.facets * facets
                    + w.vector * self.node_vector_bound(node as u32)
                    + w.popularity
                    + w.freshness * freshness;
                mix.clamp(0.0, 1.0) * (1.0 + 1e-5) + 1e-6
            })
            .collect()
    }

    /// A lower bound of the relevance of `item` that reads only its
    /// category: its weighted category signal, every other signal being
    /// at least 0 (and the same sum in the same order in floating point, so
    /// it holds exactly); 0 for an item with a penalty.
    #[inline(always)]
    pub(crate) fn category_floor(&self, item: ItemRef<'_>) -> f32 {
        if self.has_penalty(item.index()) {
            return 0.0;
        }
        let category = self.category_signal.get(item.category() as usize).copied().unwrap_or(0.0);
        (self.weights.category * category).clamp(0.0, 1.0)
    }

    /// The signals of the item at `index` with `vector` as its vector signal.
    #[inline(always)]
    fn signals_with(&self, index: usize, vector: f32) -> Signals {
        let (signals, partial) = self.parts(self.catalog.item(index));
        let relevance = partial.with_vector(self.weights.vector, vector);
        Signals { vector, relevance, ..signals }
    }

    /// Everything of the item at `index`'s relevance but its vector signal:
    /// the scan bounds it with the best vector first and computes the dot
    /// product only when the bound leaves a chance, without reading the
    /// item's other signals twice.
    #[inline(always)]
    pub(crate) fn partial(&self, item: ItemRef<'_>) -> Partial {
        self.parts(item).1
    }

    /// The item's signals but its vector (0) and relevance (0), and the
    /// [`Partial`] they make: the one place their mix is written.
    #[inline(always)]
    fn parts(&self, item: ItemRef<'_>) -> (Signals, Partial) {
        let index = item.index();
        let category = self.category_signal.get(item.category() as usize).copied().unwrap_or(0.0);
        let values = item.facet_value_ids();
        let facets = if values.is_empty() {
            0.0
        } else {
            // A loop (`sum_of`), not `map().sum()`: the same sum in the same
            // order, and no call per item in a `.wasm` built for size.
            values.sum_of(|v| self.facet_evidence(v)) / values.len() as f32
        };
        let popularity = item.popularity().clamp(0.0, 1.0);
        let freshness = if self.weights.freshness > 0.0 {
            freshness(item.released_day(), self.today)
        } else {
            0.0
        };
        let penalty = self.penalty(index);
        let w = self.weights;
        let co_purchase = self.co_purchase_of(index);
        let rest = CO_PURCHASE_WEIGHT * co_purchase
            + w.category * category
            + w.facets * facets
            + w.popularity * popularity
            + w.freshness * freshness;
        let signals = Signals {
            category,
            facets,
            vector: 0.0,
            popularity,
            freshness,
            co_purchase,
            penalty,
            relevance: 0.0,
        };
        (signals, Partial { rest, penalty })
    }

    /// The vector signal of the item at `index`, in [0, 1].
    #[inline(always)]
    pub(crate) fn vector_of(&self, index: usize) -> f32 {
        self.vector_signal(index)
    }

    /// The weight of the vector signal.
    pub(crate) fn vector_weight(&self) -> f32 {
        self.weights.vector
    }

    /// The co-purchase evidence of the item at `index` (0 when none).
    #[inline(always)]
    fn co_purchase_of(&self, index: usize) -> f32 {
        if self.co_purchased.is_empty() {
            return 0.0;
        }
        self.co_purchased
            .binary_search_by_key(&(index as u32), |&(i, _, _)| i)
            .map_or(0.0, |slot| self.co_purchased[slot].1)
    }

    /// The bought item that makes the item at `index` most "often bought
    /// with" what the shopper buys, if any.
    pub fn co_purchase_source(&self, index: usize) -> Option<usize> {
        self.co_purchased
            .binary_search_by_key(&(index as u32), |&(i, _, _)| i)
            .ok()
            .map(|slot| self.co_purchased[slot].2 as usize)
    }

    /// Whether the profile penalises the item at `index` at all.
    #[inline(always)]
    fn has_penalty(&self, index: usize) -> bool {
        self.penalised.get(index / 64).is_some_and(|word| word & (1 << (index % 64)) != 0)
    }

    /// The penalty factor of the item at `index` (1 when none).
    #[inline]
    pub fn penalty(&self, index: usize) -> f32 {
        if !self.has_penalty(index) {
            return 1.0;
        }
        self.penalties
            .binary_search_by_key(&(index as u32), |&(i, _)| i)
            .map_or(1.0, |slot| self.penalties[slot].1)
    }

    /// Relevance of the item at `index`, in [0, 1].
    pub fn relevance(&self, index: usize) -> f32 {
        self.signals(index).relevance
    }

    /// The vector signals of `items` (one category's, say) in `out`, one per
    /// item, each equal to the item's own [`Self::vector_signal`]: a batch
    /// of dot products over one block of vector rows. False, and `out`
    /// untouched, when their vectors do not sit in one block or the profile
    /// gives no vector signal.
    pub(crate) fn vector_signals(
        &self,
        items: &[u32],
        out: &mut Vec<f32>,
        scratch: &mut Scratch,
    ) -> bool {
        let no_signal = self.user_factor.is_none() && self.interest_weights.is_empty();
        if self.sequence.is_none() && no_signal {
            return false;
        }
        let Some((codes, scales)) = self.catalog.vectors().block(items, scratch) else {
            return false;
        };
        out.clear();
        if let Some(scores) = self.sequence {
            out.extend(items.iter().map(|&i| scores.signal(self.catalog, i as usize)));
            return true;
        }
        let mut dots = vec![0i32; scales.len()];
        if let Some((x, x_scale)) = &self.user_factor {
            dot_i8_rows(x, codes, &mut dots);
            let signals = dots.iter().zip(scales);
            out.extend(
                signals.map(|(&dot, &scale)| self.factor_signal(dot as f32 * scale * x_scale)),
            );
            return true;
        }
        out.resize(scales.len(), 0.0);
        let dims = self.catalog.vectors().dims().max(1);
        for (centroid, &(centroid_scale, strength)) in
            self.centroids.chunks_exact(dims).zip(&self.interest_weights)
        {
            dot_i8_rows(centroid, codes, &mut dots);
            for ((best, &dot), &scale) in out.iter_mut().zip(&dots).zip(scales) {
                // `vector_signal`'s arithmetic, in its order.
                let signal = (dot as f32 * scale * centroid_scale).clamp(0.0, 1.0) * strength;
                if signal > *best {
                    *best = signal;
                }
            }
        }
        true
    }

    /// Best cosine similarity to an interest, each weighted by its evidence.
    fn vector_signal(&self, index: usize) -> f32 {
        if let Some(scores) = self.sequence {
            return scores.signal(self.catalog, index);
        }
        if let Some((x, x_scale)) = &self.user_factor {
            let (codes, scale) = self.catalog.vectors().get(index);
            return self.factor_signal(dot_i8(&codes, x) as f32 * scale * x_scale);
        }
        if self.interest_weights.is_empty() {
            return 0.0;
        }
        let (codes, scale) = self.catalog.vectors().get(index);
        let mut dots = [0i32; MAX_INTERESTS];
        let dots = &mut dots[..self.interest_weights.len()];
        dot_i8_many(&codes, &self.centroids, dots);
        // A comparison, not `f32::max` (which WebAssembly builds call out to
        // `fmaxf` for, to ignore NaN: none can arise here, scales being finite).
        let mut best = 0.0f32;
        for (&dot, &(centroid_scale, strength)) in dots.iter().zip(&self.interest_weights) {
            let signal = (dot as f32 * scale * centroid_scale).clamp(0.0, 1.0) * strength;
            if signal > best {
                best = signal;
            }
        }
        best
    }
}

/// The profile's dismissals, purchases and impressions as per-item factors,
/// resolved to catalog positions once (a few hundred lookups, not one per item).
fn penalties(catalog: &Catalog, profile: &Profile) -> Vec<(u32, f32)> {
    let dismissed = profile.dismissed().keys().map(|id| (id, 0.0));
    let purchased = profile.purchases().ids().map(|id| (id, PURCHASED_FACTOR));
    let shown = profile.shown().iter().map(|(id, s)| (id, shown_factor(s.count)));
    let mut out: Vec<(u32, f32)> = dismissed
        .chain(shown)
        .filter(|(_, factor)| *factor < 1.0)
        .filter_map(|(id, factor)| Some((catalog.index_of(id)? as u32, factor)))
        .collect();
    let one_offs = purchased
        .filter_map(|(id, factor)| Some((catalog.index_of(id)?, factor)))
        .filter(|&(index, _)| !catalog.is_staple(index))
        .map(|(index, factor)| (index as u32, factor));
    out.extend(one_offs);
    crate::util::sort::sort_by_key(&mut out, |&(i, _)| i);
    out.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 *= later.1;
        }
        same
    });
    out
}

/// Weight, added to relevance, of an item's co-purchase evidence.
pub const CO_PURCHASE_WEIGHT: f32 = 0.3;

/// Items often bought with what the shopper bought (the catalog's
/// bought-with lists of the purchase history, each neighbour `1/(rank+1)`
/// times the purchase's decayed frequency), as evidence in [0, 1), sorted
/// by index; empty without purchases or lists.
fn co_purchase(catalog: &Catalog, profile: &Profile) -> Vec<(u32, f32, u32)> {
    let bought = profile.purchases();
    if bought.is_empty() || !catalog.has_bought_with() {
        return Vec::new();
    }
    // (neighbour, summed weight, its largest single weight, that weight's source)
    let mut out: Vec<(u32, f32, f32, u32)> = Vec::new();
    for (id, p) in bought.iter() {
        let Some(index) = catalog.index_of(id) else { continue };
        let frequency = bought.frequency(p);
        for (rank, &j) in catalog.bought_with(index).iter().enumerate() {
            let w = frequency / (rank + 1) as f32;
            out.push((j, w, w, index as u32));
        }
    }
    crate::util::sort::sort_by_key(&mut out, |&(i, _, _, source)| (i, source));
    out.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 += later.1;
            if later.2 > kept.2 {
                kept.2 = later.2;
                kept.3 = later.3;
            }
        }
        same
    });
    out.into_iter().map(|(i, w, _, source)| (i, evidence(w), source)).collect()
}

/// Weighted mean of the evidence along a node's category path, the level at
/// depth `d` weighing `1 + d · (1 − breadth)`: a shared department counts, a
/// shared leaf more, and the more so the more evidence there is.
fn lineage_signal(catalog: &Catalog, evidence: &[f32], node: CategoryId, breadth: f32) -> f32 {
    let taxonomy = catalog.taxonomy();
    let (mut sum, mut norm) = (0.0, 0.0);
    for level in taxonomy.lineage(node) {
        let w = super::breadth::level_weight(taxonomy.depth(level), breadth);
        sum += w * evidence.get(level as usize).copied().unwrap_or(0.0);
        norm += w;
    }
    if norm > 0.0 { sum / norm } else { 0.0 }
}
