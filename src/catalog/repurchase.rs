//! TEMPORARY interface stub (replaced by the catalog-repurchase branch).

/// Share of buyers who buy again at or above which a category (or item) is replenishable.
pub const REPLENISHABLE_SHARE: f32 = 0.3;

/// How a category or item is bought again, from the shop's aggregate order log.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Repurchase {
    /// Share of its buyers who bought it again, in [0, 1] (1 when marked by hand).
    pub share: f32,
    /// Typical days between two purchases by the same buyer (median), > 0.
    pub interval_days: f32,
    /// Distinct buyers it was learned from (0 when marked by hand).
    pub buyers: u32,
}

impl Repurchase {
    /// Whether it is bought again often enough to be replenished.
    pub fn is_replenishable(&self) -> bool {
        self.share >= REPLENISHABLE_SHARE
    }
}
