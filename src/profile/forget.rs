//! Forgetting: the shopper removes something the profile holds, and its influence.

use super::divergence::Direction;
use super::{Evidence, Profile};

/// What the shopper asks to forget.
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

/// Whether the category `path` is `ancestor` or below it: what forgetting
/// `ancestor` reaches.
///
/// ```
/// use flaneur::profile::within;
/// assert!(within("Women > Knitwear > Sweaters", "Women > Knitwear"));
/// assert!(within("Women > Knitwear", "Women > Knitwear"));
/// assert!(!within("Women > Knitwear2", "Women > Knitwear"));
/// ```
pub fn within(path: &str, ancestor: &str) -> bool {
    path.strip_prefix(ancestor).is_some_and(|rest| rest.is_empty() || rest.starts_with(" > "))
}

impl Profile {
    /// Forgets one facet value ("colour: red"): its affinity is removed.
    /// Returns whether the profile held it.
    ///
    /// ```
    /// use flaneur::profile::{Evidence, Profile};
    /// let mut p = Profile::default();
    /// let seen = Evidence {
    ///     item_id: "a",
    ///     categories: &["Knit"],
    ///     facets: &[("colour", "red")],
    ///     vector: None,
    /// };
    /// p.learn(&seen, 1.0, 0);
    /// assert!(p.forget_facet("colour", "red"));
    /// assert!(p.facet("colour", "red").is_none());
    /// assert!(p.category("Knit").is_some());
    /// ```
    pub fn forget_facet(&mut self, facet: &str, value: &str) -> bool {
        self.facets.remove(&(facet.to_owned(), value.to_owned())).is_some()
    }

    /// Forgets a category and everything below it ("Women > Knitwear" also
    /// forgets "Women > Knitwear > Sweaters"). Returns how many paths were removed.
    pub fn forget_category(&mut self, path: &str) -> usize {
        let before = self.categories.len();
        self.categories.retain(|p, _| !within(p, path));
        before - self.categories.len()
    }

    /// Forgets every trace of one item: its own affinity, impressions,
    /// purchase and dismissal marks, the recent ring, the sequence, the session's events
    /// about it and a divergent impression awaiting a reaction. (What the item
    /// taught about categories, facets and interests is taken back by
    /// [`crate::Engine::forget`], which knows the item's catalog entry.)
    /// Returns whether the profile held anything about it.
    pub fn forget_item(&mut self, item_id: &str) -> bool {
        let mut found = self.items.remove(item_id).is_some();
        found |= self.shown.remove(item_id).is_some();
        found |= self.purchases.forget(item_id);
        found |= self.dismissed.remove(item_id).is_some();
        let recent = self.recent.len();
        self.recent.retain(|id| id != item_id);
        found |= self.recent.len() != recent;
        let session = self.session.len();
        self.session.retain(|e| e.kind.item_id() != Some(item_id));
        found |= self.session.len() != session;
        found |= self.divergence.pending.remove(item_id).is_some();
        found |= self.sequence.forget(item_id);
        found
    }

    /// Every item id the profile mentions anywhere, ascending, once each: the
    /// history, impressions, purchases, dismissals, the recent ring, the
    /// session window and divergent items awaiting a reaction. What forgetting
    /// items must reach (the bounded history alone misses a purchase it evicted).
    pub fn mentioned_items(&self) -> Vec<String> {
        let mut ids: Vec<&str> = self
            .items
            .keys()
            .chain(self.shown.keys())
            .chain(self.purchases.ids())
            .chain(self.dismissed.keys())
            .chain(self.divergence.pending.keys())
            .map(String::as_str)
            .chain(self.recent.iter().map(String::as_str))
            .chain(self.session.iter().filter_map(|e| e.kind.item_id()))
            .chain(self.sequence.iter().map(|step| step.item_id.as_str()))
            .collect();
        crate::util::sort::sort(&mut ids);
        ids.dedup();
        ids.into_iter().map(str::to_owned).collect()
    }

    /// Removes, outright, the category paths and facet values `gone` names
    /// and the divergence directions (outcomes, blocked, pending) `gone_direction`
    /// names: the residue nothing else may have taught. Returns whether anything went.
    pub fn forget_where(
        &mut self,
        gone_path: impl Fn(&str) -> bool,
        gone_value: impl Fn(&str, &str) -> bool,
        gone_direction: impl Fn(&Direction) -> bool,
    ) -> bool {
        let before = self.categories.len() + self.facets.len();
        self.categories.retain(|p, _| !gone_path(p));
        self.facets.retain(|(f, v), _| !gone_value(f, v));
        let d = &mut self.divergence;
        let directions = d.outcomes.len() + d.blocked.len() + d.pending.len();
        d.outcomes.retain(|dir, _| !gone_direction(dir));
        d.blocked.retain(|dir, _| !gone_direction(dir));
        d.pending.retain(|_, (dir, _)| !gone_direction(dir));
        let after = self.categories.len() + self.facets.len();
        let d = &self.divergence;
        before != after || directions != d.outcomes.len() + d.blocked.len() + d.pending.len()
    }

    /// Rebuilds the interest vectors from `remembered` (each item's vector,
    /// weight and time, oldest first): after forgetting items, what they
    /// taught the vectors goes too (a centroid cannot be un-averaged, but it
    /// can be learned again without them).
    pub fn relearn_interests<'v>(
        &mut self,
        remembered: impl IntoIterator<Item = (&'v [f32], f32, i64)>,
    ) {
        self.interests = Default::default();
        let hl = self.half_life_ms;
        for (vector, weight, at) in remembered {
            if vector.len() <= super::MAX_VECTOR_DIMS
                && vector.iter().all(|x| x.is_finite())
                && weight.is_finite()
            {
                self.interests.learn(vector, weight, at, hl);
            }
        }
    }

    /// Forgets everything learned, keeping the half-life.
    pub fn forget_all(&mut self) {
        *self = Profile::with_half_life(self.half_life_ms);
    }

    /// Takes back what the item `item_id` taught: its own decayed weight at
    /// `now` is subtracted from each of `seen`'s categories and facet values
    /// (entries left with nothing are removed), then the item is forgotten.
    /// Interest vectors keep their shape: a centroid cannot be un-averaged.
    pub fn unlearn_item(&mut self, seen: &Evidence<'_>, now: i64) -> bool {
        let hl = self.half_life_ms;
        let Some(weight) = self.items.get(seen.item_id).map(|a| a.weight_at(now, hl)) else {
            return self.forget_item(seen.item_id);
        };
        for path in seen.categories {
            if let Some(a) = self.categories.get_mut(*path) {
                if a.subtract(weight, now, hl) {
                    self.categories.remove(*path);
                }
            }
        }
        for (facet, value) in seen.facets {
            let key = ((*facet).to_owned(), (*value).to_owned());
            if let Some(a) = self.facets.get_mut(&key) {
                if a.subtract(weight, now, hl) {
                    self.facets.remove(&key);
                }
            }
        }
        self.forget_item(seen.item_id)
    }
}
