//! Item factors learned on the shop's side from **aggregate** co-purchase
//! counts: how many orders contained both items of a pair (and, optionally,
//! how many contained each item). No order, customer or session is read —
//! only counts the shop's order system already sums up — and pairs seen in
//! fewer than `--min-co-purchases` orders (default 5) are dropped, so no
//! single shopper's basket shapes the published vectors.
//!
//! The counts form a symmetric matrix `C` (`C[i][j]` orders with both `i` and
//! `j`, `C[i][i]` orders with `i`), scaled to `C'[i][j] = C[i][j] / (C[i][i] C[j][j])^β / s`
//! with `β` the damping (default 0: raw counts, which rank best on MovieLens;
//! 0.5 is cosine) and `s` making the largest diagonal entry 1. Its `d` largest
//! eigenpairs `C' ≈ U Λ Uᵀ` give the item factors `Y = U √Λ`, so
//! `yᵢ · yⱼ ≈ C'[i][j]`.
//! This is the right input for the device's implicit-ALS fold-in
//! (`src/rank/foldin.rs`): `C = RᵀR` is exactly what the fold-in needs to know
//! about everyone else's orders, so the catalog declares `vector_kind: "factors"`.
//! Items without co-purchases get zero factors (category and facets still rank them).
//!
//! The same kept pairs give each item its "often bought with" list
//! ([`CoPurchases::neighbours`]): the partners ranked by the cosine
//! `Cᵢⱼ / √(Cᵢᵢ Cⱼⱼ)` of the raw counts, not by `Cᵢⱼ` itself, which would put
//! the shop's best sellers on every list. Cosine is 1 only for items always
//! bought together and, unlike lift (`Cᵢⱼ · orders / (Cᵢᵢ Cⱼⱼ)`), needs no total
//! order count and does not blow up for rare items (the count floor already
//! keeps the rarest pairs out).
//!
//! The file: CSV or TSV lines `item_a,item_b,count`; `item_a == item_b` gives an
//! item's own order count (when absent, the largest of its pair counts is used).
//! A header line is allowed. Each unordered pair appears once.
//!
//! Without that file, the order log (`--orders`) gives the same counts
//! ([`Counts::of_baskets`]): a basket is a user's lines with the same
//! timestamp, counted once per item; a basket of more than
//! [`MAX_BASKET`] items adds to its items' own counts but to no pair.

use std::collections::HashMap;
use std::path::Path;

use crate::problem::{At, Problem, Problems};
use crate::{delimited, eigen};

/// Power iterations of the eigen-solver.
const ITERATIONS: usize = 12;

/// The most items of one basket whose pairs are counted (a larger one is a
/// bulk order, and would cost its size squared).
pub const MAX_BASKET: usize = 64;

/// Raw co-purchase counts by catalog position, before the floor is applied.
#[derive(Default)]
pub struct Counts {
    /// Orders with both items of a pair (lower position first), and the line first giving it.
    pairs: HashMap<(u32, u32), (f64, u64)>,
    /// Orders with the item.
    own: HashMap<u32, f64>,
    /// Data lines read, and lines naming an item not in the feed.
    lines_read: usize,
    unknown: usize,
}

impl Counts {
    /// The counts of the baskets of an order log: `(user, item, ms)` lines,
    /// a basket being one user's lines with the same timestamp.
    pub fn of_baskets(lines: &[crate::orders::Line]) -> Self {
        let mut sorted: Vec<(u32, i64, u32)> =
            lines.iter().map(|l| (l.user, l.ms, l.item)).collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut counts = Counts { lines_read: sorted.len(), ..Counts::default() };
        for basket in sorted.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            for (k, &(_, _, i)) in basket.iter().enumerate() {
                *counts.own.entry(i).or_insert(0.0) += 1.0;
                if basket.len() <= MAX_BASKET {
                    for &(_, _, j) in &basket[k + 1..] {
                        counts.pairs.entry((i.min(j), i.max(j))).or_insert((0.0, 0)).0 += 1.0;
                    }
                }
            }
        }
        counts
    }
}

/// The normalized co-purchase matrix over the items that have kept pairs.
pub struct CoPurchases {
    /// Catalog index of each matrix row.
    pub items: Vec<u32>,
    /// Off-diagonal entries, row by row (both halves of the symmetric matrix).
    row_start: Vec<usize>,
    cols: Vec<u32>,
    values: Vec<f64>,
    /// The scaled diagonal.
    diagonal: Vec<f64>,
    /// The raw counts: of each off-diagonal entry, and of each row's item.
    counts: Vec<f64>,
    own: Vec<f64>,
    /// Data lines read, pairs kept, and lines naming an item not in the feed.
    pub lines_read: usize,
    pub pairs_kept: usize,
    pub unknown: usize,
}

fn problem(
    problems: &mut Problems,
    path: &Path,
    line: u64,
    column: &str,
    message: impl Into<String>,
) {
    problems.0.push(Problem {
        at: At::File(path.display().to_string(), line, column.into()),
        message: message.into(),
    });
}

/// Reads the counts; `index_of` maps an item id of the feed to its catalog index.
/// Every problem of the file is recorded with its line and column.
pub fn read(
    path: &Path,
    min_count: f64,
    damping: f64,
    index_of: impl Fn(&str) -> Option<u32>,
    problems: &mut Problems,
) -> Option<CoPurchases> {
    let counts = read_counts(path, index_of, problems)?;
    Some(normalize(counts, min_count, damping))
}

/// The raw counts of the file at `path`.
fn read_counts(
    path: &Path,
    index_of: impl Fn(&str) -> Option<u32>,
    problems: &mut Problems,
) -> Option<Counts> {
    let mut pairs: HashMap<(u32, u32), (f64, u64)> = HashMap::new();
    let mut own: HashMap<u32, f64> = HashMap::new();
    let (mut lines_read, mut unknown) = (0, 0);
    let read = delimited::records(path, |line, record| {
        let record = match record {
            Ok(r) => r,
            Err(e) => return problem(problems, path, line, "(row)", e),
        };
        if record.len() != 3 {
            return problem(
                problems,
                path,
                line,
                "(row)",
                format!("has {} fields, expected item_a,item_b,count", record.len()),
            );
        }
        let (a, b, count) = (record[0].trim(), record[1].trim(), record[2].trim());
        let count = match count.parse::<f64>() {
            Ok(c) if c.is_finite() && c >= 0.0 => c,
            _ if line == 1 => return, // a header
            _ => {
                return problem(problems, path, line, "count", format!("{count:?} is not a count"));
            }
        };
        if a.is_empty() || b.is_empty() {
            return problem(
                problems,
                path,
                line,
                if a.is_empty() { "item_a" } else { "item_b" },
                "empty item id",
            );
        }
        lines_read += 1;
        let (Some(i), Some(j)) = (index_of(a), index_of(b)) else {
            unknown += 1; // an item the feed no longer has
            return;
        };
        if i == j {
            if own.insert(i, count).is_some() {
                problem(
                    problems,
                    path,
                    line,
                    "item_a",
                    format!("the count of {a:?} is given twice"),
                );
            }
            return;
        }
        let key = (i.min(j), i.max(j));
        if let Some(&(_, first)) = pairs.get(&key) {
            return problem(
                problems,
                path,
                line,
                "item_b",
                format!("the pair {a:?}, {b:?} is given twice (first at line {first})"),
            );
        }
        pairs.insert(key, (count, line));
    });
    if let Err(e) = read {
        problems.feed(format!("{}: {e}", path.display()));
        return None;
    }
    Some(Counts { pairs, own, lines_read, unknown })
}

/// Keeps the pairs counted at least `min_count` times and scales them (the module's doc).
pub fn normalize(counts: Counts, min_count: f64, damping: f64) -> CoPurchases {
    let Counts { pairs, own, lines_read, unknown } = counts;
    // Keep the pairs bought together often enough; order them so the matrix is the same whatever
    // the file's order.
    let mut kept: Vec<(u32, u32, f64)> = pairs
        .into_iter()
        .filter(|(_, (c, _))| *c >= min_count && *c > 0.0)
        .map(|((i, j), (c, _))| (i, j, c))
        .collect();
    kept.sort_unstable_by_key(|x| (x.0, x.1));
    let pairs_kept = kept.len();
    let mut items: Vec<u32> = kept.iter().flat_map(|&(i, j, _)| [i, j]).collect();
    items.sort_unstable();
    items.dedup();
    let row_of: HashMap<u32, usize> = items.iter().enumerate().map(|(r, &i)| (i, r)).collect();
    let n = items.len();
    // Each item's own count: given, and at least its largest pair count.
    let mut count_of: Vec<f64> = items.iter().map(|i| own.get(i).copied().unwrap_or(0.0)).collect();
    let mut degree = vec![0usize; n];
    for &(i, j, c) in &kept {
        let (ri, rj) = (row_of[&i], row_of[&j]);
        count_of[ri] = count_of[ri].max(c);
        count_of[rj] = count_of[rj].max(c);
        degree[ri] += 1;
        degree[rj] += 1;
    }
    let mut row_start = vec![0usize; n + 1];
    for r in 0..n {
        row_start[r + 1] = row_start[r] + degree[r];
    }
    // C'ᵢⱼ = Cᵢⱼ / (CᵢᵢCⱼⱼ)^β / s, s = the largest Cᵢᵢ^(1-2β).
    let weight: Vec<f64> = count_of.iter().map(|&c| c.powf(-damping)).collect();
    let diagonal: Vec<f64> = count_of.iter().zip(&weight).map(|(c, w)| c * w * w).collect();
    let scale = diagonal.iter().copied().fold(0.0, f64::max);
    let diagonal: Vec<f64> = diagonal.into_iter().map(|d| d / scale).collect();
    let mut fill = row_start.clone();
    let mut cols = vec![0u32; row_start[n]];
    let mut values = vec![0.0; row_start[n]];
    let mut counts = vec![0.0; row_start[n]];
    for &(i, j, c) in &kept {
        let (ri, rj) = (row_of[&i], row_of[&j]);
        let v = c * weight[ri] * weight[rj] / scale;
        for (from, to) in [(ri, rj), (rj, ri)] {
            cols[fill[from]] = to as u32;
            values[fill[from]] = v;
            counts[fill[from]] = c;
            fill[from] += 1;
        }
    }
    CoPurchases {
        items,
        row_start,
        cols,
        values,
        diagonal,
        counts,
        own: count_of,
        lines_read,
        pairs_kept,
        unknown,
    }
}

impl CoPurchases {
    /// `Y = C' X` for `k` vectors at once (row-major, `k` values per item).
    fn multiply(&self, x: &[f64], y: &mut [f64], k: usize) {
        for (r, out) in y.chunks_exact_mut(k).enumerate() {
            let d = self.diagonal[r];
            out.iter_mut().zip(&x[r * k..(r + 1) * k]).for_each(|(o, &xv)| *o = d * xv);
            for e in self.row_start[r]..self.row_start[r + 1] {
                let (w, c) = (self.values[e], self.cols[e] as usize);
                out.iter_mut().zip(&x[c * k..(c + 1) * k]).for_each(|(o, &xv)| *o += w * xv);
            }
        }
    }

    /// Each item's `top` partners by catalog index, strongest first: by cosine
    /// `Cᵢⱼ / √(Cᵢᵢ Cⱼⱼ)`, ties by the larger count, then the lower index.
    /// Items with no kept pair are left out.
    pub fn neighbours(&self, top: usize) -> Vec<(u32, Vec<u32>)> {
        let mut out = Vec::new();
        for (r, &item) in self.items.iter().enumerate() {
            let edges = self.row_start[r]..self.row_start[r + 1];
            let mut scored: Vec<(f64, f64, u32)> = edges
                .map(|e| {
                    let (c, other) = (self.counts[e], self.cols[e] as usize);
                    (c / (self.own[r] * self.own[other]).sqrt(), c, self.items[other])
                })
                .collect();
            scored
                .sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
            scored.truncate(top);
            if !scored.is_empty() {
                out.push((item, scored.into_iter().map(|(_, _, other)| other).collect()));
            }
        }
        out
    }

    /// The `dims`-dimensional factor of each matrix row (`self.items[r]`), `Y = U √Λ`.
    pub fn factors(&self, dims: usize) -> Vec<Vec<f32>> {
        let n = self.items.len();
        let (values, vectors) =
            eigen::top_eigenpairs(n, dims, ITERATIONS, |x, y, k| self.multiply(x, y, k));
        let mut factors = vec![vec![0.0f32; dims]; n];
        for (r, (value, u)) in values.iter().zip(&vectors).enumerate() {
            let s = value.max(0.0).sqrt();
            for (f, x) in factors.iter_mut().zip(u) {
                f[r] = (x * s) as f32;
            }
        }
        factors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> std::path::PathBuf {
        let path =
            std::env::temp_dir().join(format!("flaneur-copurchase-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn factors_reproduce_the_normalized_counts() {
        // Two baskets that go together: {a, b, c} and {x, y}; a weak a–x link below the
        // threshold.
        let path = write(
            "ok.csv",
            "item_a,item_b,count\na,a,40\nb,b,30\nc,c,20\na,b,20\na,c,10\nb,c,10\n\
             x,y,12\nx,x,15\ny,y,12\na,x,2\nzz,a,9\n",
        );
        let ids = ["a", "b", "c", "x", "y"];
        let index_of = |s: &str| ids.iter().position(|&i| i == s).map(|p| p as u32);
        let mut problems = Problems::default();
        let m = read(&path, 5.0, 0.0, index_of, &mut problems).expect("read");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!((m.lines_read, m.pairs_kept, m.unknown), (11, 4, 1));
        assert_eq!(m.items, [0, 1, 2, 3, 4]);
        let y = m.factors(8);
        let dot = |y: &[Vec<f32>], i: usize, j: usize| {
            y[i].iter().zip(&y[j]).map(|(p, q)| (p * q) as f64).sum::<f64>()
        };
        // With d ≥ the rank, y_i · y_j recovers C' exactly: raw counts over the largest own
        // count, 40.
        assert!((dot(&y, 0, 1) - 20.0 / 40.0).abs() < 1e-4, "{}", dot(&y, 0, 1));
        assert!((dot(&y, 3, 4) - 12.0 / 40.0).abs() < 1e-4, "{}", dot(&y, 3, 4));
        assert!((dot(&y, 0, 0) - 1.0).abs() < 1e-4 && (dot(&y, 2, 2) - 0.5).abs() < 1e-4);
        assert!(
            dot(&y, 0, 3).abs() < 1e-4,
            "the a–x pair is below the threshold: {}",
            dot(&y, 0, 3)
        );
        // Cosine damping: C'[a][b] = 20 / √(40·30), every diagonal 1.
        let cosine = read(&path, 5.0, 0.5, index_of, &mut problems).expect("read").factors(8);
        assert!(
            (dot(&cosine, 0, 1) - 20.0 / 1200f64.sqrt()).abs() < 1e-4,
            "{}",
            dot(&cosine, 0, 1)
        );
        assert!((dot(&cosine, 3, 4) - 12.0 / 180f64.sqrt()).abs() < 1e-4, "{}", dot(&cosine, 3, 4));
        assert!((dot(&cosine, 2, 2) - 1.0).abs() < 1e-4);
        std::fs::remove_file(path).ok();
    }

    #[test]
    fn neighbours_rank_by_cosine_not_by_count() {
        // `p` is popular: bought with `a` 30 times out of 300; `b` with `a` 10 times out of 10.
        let path =
            write("cosine.csv", "a,a,40\np,p,300\nb,b,10\nc,c,50\na,p,30\na,b,10\na,c,4\nb,c,6\n");
        let ids = ["a", "b", "c", "p"];
        let index_of = |s: &str| ids.iter().position(|&i| i == s).map(|p| p as u32);
        let mut problems = Problems::default();
        let m = read(&path, 5.0, 0.0, index_of, &mut problems).expect("read");
        // a: b 10/√400 = 0.5 before p 30/√12000 ≈ 0.27; a–c (4) is under the floor.
        assert_eq!(m.neighbours(8), [(0, vec![1, 3]), (1, vec![0, 2]), (2, vec![1]), (3, vec![0])]);
        assert_eq!(m.neighbours(1)[0], (0, vec![1]));
        std::fs::remove_file(path).ok();
    }

    #[test]
    fn baskets_are_one_users_lines_at_one_time() {
        use crate::orders::Line;
        let line = |user, item, ms| Line { user, item, ms };
        // User 0 buys {0, 1, 2} at t=5 (item 1 twice), then {0, 1} at t=9; user 1 buys
        // {0, 1} at t=5 and item 2 alone at t=6.
        let lines = [
            line(0, 0, 5),
            line(0, 1, 5),
            line(0, 1, 5),
            line(0, 2, 5),
            line(0, 0, 9),
            line(0, 1, 9),
            line(1, 1, 5),
            line(1, 0, 5),
            line(1, 2, 6),
        ];
        let counts = Counts::of_baskets(&lines);
        assert_eq!(counts.pairs.len(), 3);
        assert_eq!(counts.pairs[&(0, 1)].0, 3.0);
        assert_eq!((counts.pairs[&(0, 2)].0, counts.pairs[&(1, 2)].0), (1.0, 1.0));
        assert_eq!((counts.own[&0], counts.own[&1], counts.own[&2]), (3.0, 3.0, 2.0));
        let m = normalize(counts, 2.0, 0.0);
        assert_eq!((m.pairs_kept, m.neighbours(8)), (1, vec![(0, vec![1]), (1, vec![0])]));
        // A bulk basket counts its items but no pair.
        let bulk: Vec<Line> = (0..=MAX_BASKET as u32).map(|i| line(0, i, 1)).collect();
        let counts = Counts::of_baskets(&bulk);
        assert!(counts.pairs.is_empty() && counts.own.len() == MAX_BASKET + 1);
    }

    #[test]
    fn every_problem_has_its_line_and_column() {
        let path = write("bad.csv", "a,b,3\na,b,4\nb,c,many\na,,2\nb,c\nc,c,1\nc,c,2\n");
        let ids = ["a", "b", "c"];
        let index_of = |s: &str| ids.iter().position(|&i| i == s).map(|p| p as u32);
        let mut problems = Problems::default();
        read(&path, 1.0, 0.0, index_of, &mut problems).expect("read");
        let text: Vec<String> = problems.0.iter().map(ToString::to_string).collect();
        let p = path.display();
        assert_eq!(
            text,
            [
                format!(
                    "{p}: line 2, column item_b: the pair \"a\", \"b\" is given twice \
                     (first at line 1)"
                ),
                format!("{p}: line 3, column count: \"many\" is not a count"),
                format!("{p}: line 4, column item_b: empty item id"),
                format!("{p}: line 5, column (row): has 2 fields, expected item_a,item_b,count"),
                format!("{p}: line 7, column item_a: the count of \"c\" is given twice"),
            ]
        );
        std::fs::remove_file(path).ok();
    }
}
