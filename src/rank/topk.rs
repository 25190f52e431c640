//! Top-k over a stream, with a running floor and a deterministic tie-break.

use std::cmp::Ordering;

/// Best first: higher score, then earlier position (the shop's default order).
fn better(a: &(f32, u32), b: &(f32, u32)) -> Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// The `k` best `(score, position)` pairs, best first: one pass through a
/// [`Pool`] (its running floor drops most pairs at once; at most `2k` are ever
/// sorted together), so it costs O(n log k) at worst.
///
/// ```
/// use flaneur::rank::topk::top_k;
/// let best = top_k(vec![(0.2, 0), (0.9, 1), (0.5, 2), (0.9, 3)], 3);
/// assert_eq!(best, vec![(0.9, 1), (0.9, 3), (0.5, 2)]);
/// ```
pub fn top_k(scored: Vec<(f32, u32)>, k: usize) -> Vec<(f32, u32)> {
    let mut pool = Pool::new(k);
    pool.extend(scored);
    pool.finish()
}

/// Keeps the best `k` of `held`, best first.
fn trim(held: &mut Vec<(f32, u32)>, k: usize) {
    crate::util::sort::sort_by(held, better);
    held.truncate(k);
}

/// The `k` best of a stream of `(score, position)` pairs, kept with a running
/// floor: at most `2k` pairs are held, trimmed to `k` whenever full, so
/// scoring a large catalog allocates nothing per item. [`Pool::finish`] gives
/// exactly what [`top_k`] would give for the same pairs.
///
/// ```
/// use flaneur::rank::topk::{Pool, top_k};
/// let pairs = [(0.2, 0), (0.9, 1), (0.5, 2), (0.9, 3), (0.1, 4)];
/// let mut pool = Pool::new(2);
/// pairs.iter().for_each(|&p| pool.push(p));
/// assert_eq!(pool.finish(), top_k(pairs.to_vec(), 2));
/// ```
#[derive(Debug)]
pub struct Pool {
    k: usize,
    held: Vec<(f32, u32)>,
    /// The k-th best score once the pool was trimmed (−∞ before): anything
    /// lower cannot be among the best k.
    floor: f32,
}

impl Pool {
    /// A pool for the best `k`.
    pub fn new(k: usize) -> Self {
        Self { k, held: Vec::with_capacity(2 * k + 1), floor: f32::NEG_INFINITY }
    }

    /// Offers one pair.
    #[inline]
    pub fn push(&mut self, pair: (f32, u32)) {
        self.extend(std::iter::once(pair));
    }

    /// Offers every pair of `pairs` (the floor stays in a register meanwhile:
    /// the form for a scan of the whole catalog).
    #[inline]
    pub fn extend(&mut self, pairs: impl IntoIterator<Item = (f32, u32)>) {
        if self.k == 0 {
            return;
        }
        let mut floor = self.floor;
        for pair in pairs {
            // Below the k-th best so far: never among the best k (ties are kept; trimming
            // settles them).
            if pair.0 < floor {
                continue;
            }
            self.held.push(pair);
            if self.held.len() >= 2 * self.k {
                trim(&mut self.held, self.k);
                if let Some(&(score, _)) = self.held.last() {
                    floor = score;
                }
            }
        }
        self.floor = floor;
    }

    /// The score below which a pushed pair is dropped at once (`-∞` until
    /// the pool first trims): a caller may skip computing such a score.
    #[inline]
    pub fn floor(&self) -> f32 {
        self.floor
    }

    /// The best `k`, best first.
    pub fn finish(mut self) -> Vec<(f32, u32)> {
        trim(&mut self.held, self.k);
        self.held
    }
}
