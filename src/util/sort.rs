//! One sort routine for the whole crate.
//!
//! The standard library's sorts are generic over the element *and* the
//! comparison closure, so every call site compiles its own copy of the sorting
//! algorithm: in the WebAssembly build that was about 100 KB of code before
//! `wasm-opt` for some twenty call sites. Here the algorithm (a stable merge
//! sort of positions) is compiled once, behind a `&dyn Fn` comparison; what
//! each call site adds is a closure and the in-place permutation, a few dozen
//! instructions. The price is an indirect call per comparison, which the
//! crate's sorts (candidate pools of a few hundred, a catalog's ids once per
//! load) do not notice.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, stably (equal items keep their order).
///
/// ```
/// use flaneur::util::sort::sort_by;
/// let mut v = [(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd')];
/// sort_by(&mut v, |x, y| x.0.cmp(&y.0));
/// assert_eq!(v, [(0, 'd'), (1, 'b'), (2, 'a'), (2, 'c')]);
/// ```
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    // Already in order (a way's items, usually): one pass, nothing moved.
    if items.windows(2).all(|pair| compare(&pair[0], &pair[1]) != Ordering::Greater) {
        return;
    }
    if items.len() <= RUN {
        // Short slices (an item's facet values): insertion, no allocation.
        for i in 1..items.len() {
            let mut j = i;
            while j > 0 && compare(&items[j - 1], &items[j]) == Ordering::Greater {
                items.swap(j - 1, j);
                j -= 1;
            }
        }
        return;
    }
    let order = {
        let items = &*items;
        sorted_positions(items.len(), &|a, b| compare(&items[a], &items[b]))
    };
    permute(items, &order);
}

/// Sorts `items` by the key `key` gives each, stably.
///
/// ```
/// use flaneur::util::sort::sort_by_key;
/// let mut v = ["ccc", "a", "bb"];
/// sort_by_key(&mut v, |s| s.len());
/// assert_eq!(v, ["a", "bb", "ccc"]);
/// ```
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in their natural order, stably.
///
/// ```
/// use flaneur::util::sort::sort;
/// let mut v = [3u32, 1, 2];
/// sort(&mut v);
/// assert_eq!(v, [1, 2, 3]);
/// ```
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// Runs shorter than this are sorted by insertion before merging.
const RUN: usize = 16;

/// The positions `0..n` in the order `compare` puts them, ties by position:
/// a bottom-up merge sort (insertion-sorted runs of [`RUN`], then merges that
/// double their width), compiled once for every caller.
fn sorted_positions(n: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<u32> {
    let mut order: Vec<u32> = (0..n as u32).collect();
    for run in order.chunks_mut(RUN) {
        for i in 1..run.len() {
            let mut j = i;
            while j > 0 && compare(run[j - 1] as usize, run[j] as usize) == Ordering::Greater {
                run.swap(j - 1, j);
                j -= 1;
            }
        }
    }
    let mut spare = vec![0u32; n];
    let mut width = RUN;
    while width < n {
        for (from, to) in order.chunks(2 * width).zip(spare.chunks_mut(2 * width)) {
            let (left, right) = from.split_at(width.min(from.len()));
            let (mut i, mut j) = (0, 0);
            for slot in to.iter_mut() {
                // Take from the right only when strictly smaller: stability.
                let take_right = i == left.len()
                    || (j < right.len()
                        && compare(right[j] as usize, left[i] as usize) == Ordering::Less);
                if take_right {
                    *slot = right[j];
                    j += 1;
                } else {
                    *slot = left[i];
                    i += 1;
                }
            }
        }
        std::mem::swap(&mut order, &mut spare);
        width *= 2;
    }
    order
}

/// Rearranges `items` so that position `i` holds what was at `order[i]`, in
/// place, following each cycle of the permutation once.
fn permute<T>(items: &mut [T], order: &[u32]) {
    let mut done = vec![false; items.len()];
    for start in 0..items.len() {
        if done[start] {
            continue;
        }
        let mut at = start;
        loop {
            done[at] = true;
            let next = order[at] as usize;
            if next == start {
                break;
            }
            items.swap(at, next);
            at = next;
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use rand::rngs::SmallRng;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        let mut rng = SmallRng::seed_from_u64(5);
        for n in [0usize, 1, 2, 15, 16, 17, 31, 33, 100, 1000, 4097] {
            for modulus in [1usize, 3, 50, 1 << 30] {
                let v: Vec<(usize, usize)> =
                    (0..n).map(|i| (rng.random_range(0..modulus), i)).collect();
                let mut ours = v.clone();
                let mut reference = v.clone();
                sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
                reference.sort_by_key(|a| a.0);
                assert_eq!(ours, reference, "n {n}, keys below {modulus}");
            }
        }
    }
}
