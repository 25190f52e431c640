//! The facet value ids of every row, in 16 bits while the catalog has at
//! most 65,536 distinct `(facet, value)` pairs (every shop but the very
//! largest), else in 32: half the bytes of a column a slate reads for every
//! item it scores.

use super::FacetValueId;
use super::row_merge::{Room, RowPlan, RowSource};

/// Most distinct `(facet, value)` pairs whose ids 16 bits hold.
const NARROW_PAIRS: usize = 1 << 16;

/// Each row's facet value ids, rows run together (`Columns::attr_start`
/// says where each begins).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FacetIdColumn {
    /// Ids in 16 bits.
    Narrow(Vec<u16>),
    /// Ids in 32 bits, once a catalog has more pairs than 16 bits hold
    /// (and while a builder gathers them).
    Wide(Vec<u32>),
}

impl Default for FacetIdColumn {
    fn default() -> Self {
        FacetIdColumn::Narrow(Vec::new())
    }
}

/// One row's facet value ids, sorted by facet: a borrowed slice of either width.
#[derive(Debug, Clone, Copy)]
pub enum FacetIds<'a> {
    /// Ids in 16 bits.
    Narrow(&'a [u16]),
    /// Ids in 32 bits.
    Wide(&'a [u32]),
}

impl<'a> FacetIds<'a> {
    /// Number of ids.
    #[inline(always)]
    pub fn len(self) -> usize {
        match self {
            FacetIds::Narrow(ids) => ids.len(),
            FacetIds::Wide(ids) => ids.len(),
        }
    }

    /// Whether there is none.
    #[inline(always)]
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The ids, in order.
    pub fn iter(self) -> impl Iterator<Item = FacetValueId> + 'a {
        let (narrow, wide): (&[u16], &[u32]) = match self {
            FacetIds::Narrow(ids) => (ids, &[]),
            FacetIds::Wide(ids) => (&[], ids),
        };
        narrow.iter().map(|&id| id as FacetValueId).chain(wide.iter().copied())
    }

    /// Whether `id` is among them.
    pub fn contains(self, id: FacetValueId) -> bool {
        match self {
            FacetIds::Narrow(ids) => u16::try_from(id).is_ok_and(|id| ids.contains(&id)),
            FacetIds::Wide(ids) => ids.contains(&id),
        }
    }

    /// The ids, copied.
    pub fn to_vec(self) -> Vec<FacetValueId> {
        self.iter().collect()
    }

    /// The sum of `f` over the ids: a loop over the slice, no call per id.
    #[inline(always)]
    pub(crate) fn sum_of(self, f: impl Fn(FacetValueId) -> f32) -> f32 {
        let mut sum = 0.0f32;
        match self {
            FacetIds::Narrow(ids) => {
                for &id in ids {
                    sum += f(id as FacetValueId);
                }
            }
            FacetIds::Wide(ids) => {
                for &id in ids {
                    sum += f(id);
                }
            }
        }
        sum
    }
}

impl PartialEq for FacetIds<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl FacetIdColumn {
    /// The ids of a column gathered in 32 bits, narrowed when the catalog's
    /// `pairs` distinct pairs allow.
    pub(crate) fn fitted(ids: Vec<u32>, pairs: usize) -> Self {
        if pairs <= NARROW_PAIRS {
            FacetIdColumn::Narrow(ids.iter().map(|&id| id as u16).collect())
        } else {
            FacetIdColumn::Wide(ids)
        }
    }

    /// The ids at `start..end`.
    #[inline(always)]
    pub(crate) fn slice(&self, start: usize, end: usize) -> FacetIds<'_> {
        match self {
            FacetIdColumn::Narrow(ids) => FacetIds::Narrow(&ids[start..end]),
            FacetIdColumn::Wide(ids) => FacetIds::Wide(&ids[start..end]),
        }
    }

    /// Number of ids.
    pub(crate) fn len(&self) -> usize {
        match self {
            FacetIdColumn::Narrow(ids) => ids.len(),
            FacetIdColumn::Wide(ids) => ids.len(),
        }
    }

    /// Ids its allocation has room for.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub(crate) fn capacity(&self) -> usize {
        match self {
            FacetIdColumn::Narrow(ids) => ids.capacity(),
            FacetIdColumn::Wide(ids) => ids.capacity(),
        }
    }

    /// The bytes its allocation holds.
    pub(crate) fn held_bytes(&self) -> usize {
        match self {
            FacetIdColumn::Narrow(ids) => 2 * ids.capacity(),
            FacetIdColumn::Wide(ids) => 4 * ids.capacity(),
        }
    }

    /// Has `f` append to or rewrite the ids in 32 bits (a narrow column is
    /// widened first), as a builder gathers them.
    pub(crate) fn with_wide<R>(&mut self, f: impl FnOnce(&mut Vec<u32>) -> R) -> R {
        let mut ids = self.take_wide();
        let out = f(&mut ids);
        *self = FacetIdColumn::Wide(ids);
        out
    }

    /// The ids in 32 bits, taken out (it is left empty).
    fn take_wide(&mut self) -> Vec<u32> {
        match std::mem::take(self) {
            FacetIdColumn::Narrow(ids) => ids.iter().map(|&id| id as u32).collect(),
            FacetIdColumn::Wide(ids) => ids,
        }
    }

    /// The ids in 16 bits, taken out (it is left empty); only for ids that fit.
    fn take_narrow(&mut self) -> Vec<u16> {
        match std::mem::take(self) {
            FacetIdColumn::Narrow(ids) => ids,
            FacetIdColumn::Wide(ids) => ids.iter().map(|&id| id as u16).collect(),
        }
    }

    /// Narrows the ids to 16 bits when the catalog's `pairs` distinct pairs allow.
    pub(crate) fn fit_width(&mut self, pairs: usize) {
        let ids = self.take_wide();
        *self = Self::fitted(ids, pairs);
    }

    /// Room for `n` more ids in 32 bits, where a builder gathers them
    /// ([`Self::with_wide`]), if it can be had.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.with_wide(|ids| {
            let _ = ids.try_reserve(n);
        });
    }

    /// Gives back the room past its ids once every part is joined ([`Room::fit`]).
    pub(crate) fn fit(&mut self, room: Room) {
        match self {
            FacetIdColumn::Narrow(ids) => room.fit(ids),
            FacetIdColumn::Wide(ids) => room.fit(ids),
        }
    }

    /// The rows in `order` (row `r` takes row `order[r]`'s ids), with their starts.
    pub(crate) fn arranged(&self, start: &[u32], order: &[u32]) -> (Vec<u32>, Self) {
        fn pick<T: Copy>(ids: &[T], start: &[u32], order: &[u32]) -> (Vec<u32>, Vec<T>) {
            let mut starts = Vec::with_capacity(order.len() + 1);
            let mut out = Vec::with_capacity(ids.len());
            starts.push(0);
            for &row in order {
                let row = row as usize;
                out.extend_from_slice(&ids[start[row] as usize..start[row + 1] as usize]);
                starts.push(out.len() as u32);
            }
            (starts, out)
        }
        match self {
            FacetIdColumn::Narrow(ids) => {
                let (starts, ids) = pick(ids, start, order);
                (starts, FacetIdColumn::Narrow(ids))
            }
            FacetIdColumn::Wide(ids) => {
                let (starts, ids) = pick(ids, start, order);
                (starts, FacetIdColumn::Wide(ids))
            }
        }
    }

    /// Merges a join's rows in place ([`RowPlan::merge_ragged`]): a held
    /// row's ids through `held`, a shard row's (`shard`'s rows, `shard_start`)
    /// through `theirs`, ids in 16 bits while the `pairs` joined allow.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn merge<F: Fn(usize) -> RowSource>(
        &mut self,
        start: &mut Vec<u32>,
        plan: &RowPlan<F>,
        room: Room,
        pairs: usize,
        held: &[u32],
        shard: (&[u32], &FacetIdColumn),
        theirs: &[u32],
    ) {
        let (shard_start, shard_ids) = shard;
        let row = |s: usize| shard_start[s] as usize..shard_start[s + 1] as usize;
        if pairs > NARROW_PAIRS {
            let mut ids = self.take_wide();
            let wide: std::borrow::Cow<'_, [u32]> = match shard_ids {
                FacetIdColumn::Wide(w) => w.as_slice().into(),
                FacetIdColumn::Narrow(n) => n.iter().map(|&id| id as u32).collect(),
            };
            let (held, theirs) = (|v: u32| held[v as usize], |v: u32| theirs[v as usize]);
            plan.merge_ragged(start, &mut ids, room, held, theirs, |s| &wide[row(s)]);
            *self = FacetIdColumn::Wide(ids);
            return;
        }
        // Every id, held or the shard's, old or joined, is below `pairs` and fits.
        let mut ids = self.take_narrow();
        let narrow: std::borrow::Cow<'_, [u16]> = match shard_ids {
            FacetIdColumn::Narrow(n) => n.as_slice().into(),
            FacetIdColumn::Wide(w) => w.iter().map(|&id| id as u16).collect(),
        };
        let (held, theirs) = (|v: u16| held[v as usize] as u16, |v: u16| theirs[v as usize] as u16);
        plan.merge_ragged(start, &mut ids, room, held, theirs, |s| &narrow[row(s)]);
        *self = FacetIdColumn::Narrow(ids);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_held_in_16_bits_up_to_65536_pairs_and_read_alike() {
        let ids = vec![0, 7, 65_535, 3];
        let narrow = FacetIdColumn::fitted(ids.clone(), 65_536);
        assert!(matches!(narrow, FacetIdColumn::Narrow(_)));
        assert_eq!(narrow.held_bytes(), 8);
        let wide = FacetIdColumn::fitted(vec![0, 7, 65_536, 3], 65_537);
        assert!(matches!(wide, FacetIdColumn::Wide(_)));
        assert_eq!(narrow.slice(1, 3).to_vec(), [7, 65_535]);
        assert_eq!(wide.slice(1, 3).to_vec(), [7, 65_536]);
        assert_eq!(narrow.slice(0, 2), FacetIdColumn::Wide(ids).slice(0, 2), "equal by ids");
        assert!(narrow.slice(0, 4).contains(65_535) && !narrow.slice(0, 4).contains(65_536 + 7));
        assert_eq!(wide.slice(0, 4).sum_of(|id| id as f32), 65_546.0);
    }

    #[test]
    fn a_join_past_65536_pairs_widens_the_ids_and_keeps_them() {
        // Held rows [1], [2, 3]; one shard row [0] slotted first.
        let sources = [RowSource::Shard(0), RowSource::Held(0), RowSource::Held(1)];
        let plan = RowPlan::new(3, |r| sources[r]);
        let room = Room { items: 3, expected: 0, at_once: false };
        let shard = (&[0u32, 1][..], &FacetIdColumn::Narrow(vec![0]));
        for (pairs, shift) in [(10, 5u32), (70_000, 65_530)] {
            let mut ids = FacetIdColumn::Narrow(vec![1, 2, 3]);
            let mut start = vec![0u32, 1, 3];
            let held: Vec<u32> = (0..4).map(|v| v + shift).collect();
            ids.merge(&mut start, &plan, room, pairs, &held, shard, &[9]);
            assert_eq!(start, [0, 1, 2, 4]);
            let want = [9, 1 + shift, 2 + shift, 3 + shift];
            assert_eq!(ids.slice(0, 4).to_vec(), want, "{pairs} pairs");
            assert_eq!(matches!(ids, FacetIdColumn::Wide(_)), pairs > NARROW_PAIRS);
        }
    }
}
