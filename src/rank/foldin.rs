//! The shopper's own factor, solved on the device (implicit-ALS fold-in).
//!
//! When a catalog's vectors are item factors learned by the shop from
//! aggregate data ([`VectorKind::Factors`]), the shopper's factor `x` is the
//! implicit-ALS solution for this one shopper, from the local history alone:
//!
//! ```text
//! (YᵀY + Yₕᵀ(Cₕ − I)Yₕ + λI) x = Yₕᵀ Cₕ 1,   cᵢ = 1 + α·wᵢ
//! ```
//!
//! where `Y` holds every item's factor, `h` the items of the history with
//! their decayed weights `wᵢ` (engagement affinity plus, for a bought item,
//! its per-basket decayed purchase frequency: households like this one),
//! and `x · yᵢ` predicts the shopper's preference for item `i` (near 1 for
//! items like those engaged with). `YᵀY` (d×d) is
//! computed once per catalog; a solve is a d×d Cholesky, microseconds for d = 64.
//!
//! [`VectorKind::Factors`]: crate::catalog::VectorKind::Factors

use crate::catalog::Catalog;
use crate::profile::Profile;

/// Confidence per unit of decayed item weight (α).
pub const ALPHA: f32 = 10.0;
/// Weight of one purchase occasion (decayed per basket) in the history.
pub const PURCHASE_WEIGHT: f64 = 1.0;
/// Ridge regularisation (λ).
pub const LAMBDA: f32 = 1.0;

/// `YᵀY` of a catalog, ready for fold-ins.
#[derive(Debug, Clone, PartialEq)]
pub struct FoldIn {
    dims: usize,
    gram: Vec<f64>,
}

impl FoldIn {
    /// Computes `YᵀY` over every item's (dequantized) factor: O(n·d²), once per catalog.
    pub fn new(catalog: &Catalog) -> Self {
        let vectors = catalog.vectors();
        let d = vectors.dims();
        let mut gram = vec![0.0f64; d * d];
        let mut y = vec![0.0f64; d];
        for i in 0..vectors.len() {
            let (codes, scale) = vectors.get(i);
            for (yk, &c) in y.iter_mut().zip(codes.iter()) {
                *yk = c as f64 * scale as f64;
            }
            for r in 0..d {
                let yr = y[r];
                if yr == 0.0 {
                    continue;
                }
                for (g, &yc) in gram[r * d..r * d + r + 1].iter_mut().zip(&y[..=r]) {
                    *g += yr * yc;
                }
            }
        }
        mirror_lower(&mut gram, d);
        Self { dims: d, gram }
    }

    /// Dimensions of the factors.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// The shopper's factor from the profile's item history at time `now`;
    /// `None` when the history has no item of this catalog.
    pub fn solve(&self, catalog: &Catalog, profile: &Profile, now: i64) -> Option<Vec<f32>> {
        let d = self.dims;
        let vectors = catalog.vectors();
        if d == 0 || vectors.dims() != d {
            return None;
        }
        let hl = profile.half_life_ms();
        let mut a = self.gram.clone();
        let mut b = vec![0.0f64; d];
        let mut y = vec![0.0f64; d];
        let mut any = false;
        let bought = profile.purchases();
        let engaged = profile.items().iter().map(|(id, a)| (id, a.weight_at(now, hl) as f64));
        let purchased =
            bought.iter().map(|(id, p)| (id, PURCHASE_WEIGHT * f64::from(bought.frequency(p))));
        let mut history: Vec<(&String, f64)> = engaged.chain(purchased).collect();
        crate::util::sort::sort_by(&mut history, |a, b| a.0.cmp(b.0));
        history.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 += later.1;
            }
            same
        });
        for (id, weight) in history {
            let Some(index) = catalog.index_of(id) else { continue };
            if weight <= 0.0 {
                continue;
            }
            any = true;
            let confidence = 1.0 + ALPHA as f64 * weight;
            let (codes, scale) = vectors.get(index);
            for (yk, &c) in y.iter_mut().zip(codes.iter()) {
                *yk = c as f64 * scale as f64;
            }
            for r in 0..d {
                b[r] += confidence * y[r];
                for c in 0..d {
                    a[r * d + c] += (confidence - 1.0) * y[r] * y[c];
                }
            }
        }
        if !any {
            return None;
        }
        for r in 0..d {
            a[r * d + r] += LAMBDA as f64;
        }
        cholesky_solve(&mut a, &mut b, d).then(|| b.iter().map(|&v| v as f32).collect())
    }
}

fn mirror_lower(m: &mut [f64], d: usize) {
    for r in 0..d {
        for c in 0..r {
            m[c * d + r] = m[r * d + c];
        }
    }
}

/// Solves `A x = b` in place for symmetric positive-definite `A` (d×d, row
/// major): `b` becomes `x`. Returns false (leaving garbage) if `A` is not
/// positive definite.
///
/// ```
/// use flaneur::rank::foldin::cholesky_solve;
/// let mut a = vec![4.0, 2.0, 2.0, 3.0];
/// let mut b = vec![2.0, 1.0];
/// assert!(cholesky_solve(&mut a, &mut b, 2));
/// assert!((b[0] - 0.5).abs() < 1e-12 && b[1].abs() < 1e-12);
/// ```
pub fn cholesky_solve(a: &mut [f64], b: &mut [f64], d: usize) -> bool {
    if a.len() < d * d || b.len() < d {
        return false;
    }
    // A = L Lᵀ, L stored in the lower triangle of `a`.
    for j in 0..d {
        let mut diag = a[j * d + j];
        for k in 0..j {
            diag -= a[j * d + k] * a[j * d + k];
        }
        if diag <= 0.0 || !diag.is_finite() {
            return false;
        }
        let diag = diag.sqrt();
        a[j * d + j] = diag;
        for i in j + 1..d {
            let mut v = a[i * d + j];
            for k in 0..j {
                v -= a[i * d + k] * a[j * d + k];
            }
            a[i * d + j] = v / diag;
        }
    }
    // L z = b, then Lᵀ x = z.
    for i in 0..d {
        let mut v = b[i];
        for k in 0..i {
            v -= a[i * d + k] * b[k];
        }
        b[i] = v / a[i * d + i];
    }
    for i in (0..d).rev() {
        let mut v = b[i];
        for k in i + 1..d {
            v -= a[k * d + i] * b[k];
        }
        b[i] = v / a[i * d + i];
    }
    true
}
