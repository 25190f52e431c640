//! Lossy codecs for a catalog's item vectors (issue #22, "Compact vectors"):
//! each encodes every item's vector into fewer bytes than today's int8 codes
//! and decodes it back to `f32`, so that `flaneur-eval vectors` can compile a
//! catalog whose int8 codes hold the compact code's values (what the device
//! would rank with if the compact code were shipped) without any change to
//! the core. Everything here is deterministic: the random rotation and the
//! k-means of product quantization draw from a seeded generator.
//!
//! A catalog's item factors (`Y = U √Λ` from the co-purchase counts, see
//! `compiler/src/copurchase.rs`) have very unequal dimensions: the first one
//! carries the popularity direction, and an item's norm grows with its
//! popularity. So a scalar code with one scale per item spends its few levels
//! on the first dimension; a seeded random rotation (which the device's
//! fold-in and every dot product are blind to: `(YR)ᵀ(YR) = Rᵀ YᵀY R`, `xR · yR
//! = x · y`) or a per-dimension scale spreads them. Items without factors
//! (zero vectors) stay exactly zero under every codec.

use flaneur::catalog::CENTROIDS;
pub use flaneur_compiler::product_codes::{kmeans, nearest, rotation};

/// Vectors, row after row.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub rows: usize,
    pub dims: usize,
    /// `rows × dims` values.
    pub values: Vec<f32>,
}

impl Matrix {
    /// `rows × dims` values, row after row.
    pub fn new(rows: usize, dims: usize, values: Vec<f32>) -> Self {
        assert_eq!(values.len(), rows * dims, "{rows} rows of {dims} values");
        Self { rows, dims, values }
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.values[i * self.dims..(i + 1) * self.dims]
    }

    fn is_zero(&self, i: usize) -> bool {
        self.row(i).iter().all(|&x| x == 0.0)
    }

    /// The mean squared error per item of `other` against `self`, over the squared norm:
    /// `Σ‖a − b‖² / Σ‖a‖²` (both at `self.dims`; `other` zero-padded when shorter).
    pub fn relative_error(&self, other: &Matrix) -> f64 {
        let (mut err, mut norm) = (0.0f64, 0.0f64);
        for i in 0..self.rows {
            let b = other.row(i);
            for (j, &a) in self.row(i).iter().enumerate() {
                let d = f64::from(a) - f64::from(b.get(j).copied().unwrap_or(0.0));
                err += d * d;
                norm += f64::from(a) * f64::from(a);
            }
        }
        if norm > 0.0 { err / norm } else { 0.0 }
    }

    /// `self · m` (`m`: `self.dims × cols`, row-major).
    pub fn times(&self, m: &[f64], cols: usize) -> Matrix {
        let mut values = vec![0.0f32; self.rows * cols];
        for i in 0..self.rows {
            let row = self.row(i);
            for (c, out) in values[i * cols..(i + 1) * cols].iter_mut().enumerate() {
                *out = row
                    .iter()
                    .enumerate()
                    .map(|(k, &x)| f64::from(x) * m[k * cols + c])
                    .sum::<f64>() as f32;
            }
        }
        Matrix::new(self.rows, cols, values)
    }
}

/// How a scalar code spreads its levels over the dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spread {
    /// The vectors as they are.
    None,
    /// After a seeded random rotation (the device works in the rotated space unchanged).
    Rotate,
    /// Each dimension first divided by its root mean square over the catalog
    /// (one `f32` per dimension shipped with the catalog), multiplied back on decoding.
    Columns,
}

/// A codec, and what it costs per item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// Today: int8 codes and one `f32` scale per item. The identity here (the
    /// source vectors are the catalog's int8 codes, decoded).
    Int8,
    /// `bits`-bit symmetric codes (`±(2^(bits−1) − 1)`) with one `f32` scale per
    /// item (the largest |component| becomes the largest code), after `spread`.
    Scalar { bits: u32, spread: Spread },
    /// `bits`-bit codes with a per-dimension offset and step learned over the
    /// catalog (each dimension's minimum and maximum), no per-item scale.
    Column { bits: u32 },
    /// Product quantization: the vector cut into `subspaces` equal sub-vectors,
    /// each coded by `bits` bits, the nearest of `2^bits` centroids (k-means
    /// over the catalog's sub-vectors, seeded; one centroid fixed at zero),
    /// after a seeded random rotation when `rotate`.
    Pq { subspaces: usize, bits: u32, rotate: bool },
    /// The first `dims` principal components (the top eigenvectors of `YᵀY`:
    /// uncentered, as the fold-in uses the vectors), int8 with one scale per
    /// item at `dims` dimensions: the catalog itself is `dims`-dimensional.
    Pca { dims: usize },
    /// The long tail at lower dimensions: the `head_percent`% most popular
    /// items keep int8 at full dimensions, the others the first `dims`
    /// principal components (int8); all in the principal axes' basis.
    Tail { head_percent: u32, dims: usize },
    /// What ships (`catalog build --vector-codes pq`, `flaneur_compiler::product_codes`):
    /// PQ 32 × 256 on rotated vectors with int8 centroids of one scale, the
    /// items' codes chosen among the centroids as stored. The identity here:
    /// the compiler codes the catalog and the device decodes it.
    Shipped,
}

/// The codecs `flaneur-eval vectors` measures, today's first.
pub const CODECS: [Codec; 19] = [
    Codec::Int8,
    Codec::Scalar { bits: 6, spread: Spread::None },
    Codec::Scalar { bits: 6, spread: Spread::Rotate },
    Codec::Column { bits: 6 },
    Codec::Scalar { bits: 5, spread: Spread::Rotate },
    Codec::Column { bits: 5 },
    Codec::Scalar { bits: 4, spread: Spread::None },
    Codec::Scalar { bits: 4, spread: Spread::Rotate },
    Codec::Scalar { bits: 4, spread: Spread::Columns },
    Codec::Column { bits: 4 },
    Codec::Pq { subspaces: 32, bits: 8, rotate: false },
    Codec::Pq { subspaces: 32, bits: 8, rotate: true },
    Codec::Pq { subspaces: 16, bits: 8, rotate: false },
    Codec::Pq { subspaces: 16, bits: 8, rotate: true },
    Codec::Pca { dims: 48 },
    Codec::Pca { dims: 32 },
    Codec::Tail { head_percent: 20, dims: 32 },
    Codec::Tail { head_percent: 20, dims: 16 },
    Codec::Shipped,
];

/// Bytes of one per-item scale.
const SCALE_BYTES: f64 = 4.0;

impl Codec {
    /// A short label for tables.
    pub fn label(&self) -> String {
        let spread = |s: Spread| match s {
            Spread::None => "",
            Spread::Rotate => ", rotated",
            Spread::Columns => ", per-dimension RMS",
        };
        match *self {
            Codec::Int8 => "int8 + f32 scale (today)".into(),
            Codec::Scalar { bits, spread: s } => format!("{bits}-bit, per-item scale{}", spread(s)),
            Codec::Column { bits } => format!("{bits}-bit, per-dimension offset and step"),
            Codec::Pq { subspaces, bits, rotate } => {
                format!(
                    "PQ {subspaces} × {}{}",
                    1u32 << bits,
                    if rotate { ", rotated" } else { "" }
                )
            }
            Codec::Pca { dims } => format!("PCA {dims} dims, int8"),
            Codec::Tail { head_percent, dims } => {
                format!("top {head_percent}% int8, the rest PCA {dims} dims int8")
            }
            Codec::Shipped => "PQ 32 × 256, rotated, int8 centroids (shipped)".into(),
        }
    }

    /// A name for files (letters, digits and dashes).
    pub fn slug(&self) -> String {
        let spread = |s: Spread| match s {
            Spread::None => "",
            Spread::Rotate => "-rot",
            Spread::Columns => "-rms",
        };
        match *self {
            Codec::Int8 => "int8".into(),
            Codec::Scalar { bits, spread: s } => format!("scalar{bits}{}", spread(s)),
            Codec::Column { bits } => format!("column{bits}"),
            Codec::Pq { subspaces, bits, rotate } => {
                format!("pq{subspaces}x{bits}{}", if rotate { "-rot" } else { "" })
            }
            Codec::Pca { dims } => format!("pca{dims}"),
            Codec::Tail { head_percent, dims } => format!("tail{head_percent}-{dims}"),
            Codec::Shipped => "pq32-shipped".into(),
        }
    }

    /// Bytes per item at `dims` dimensions (the mean over items for [`Codec::Tail`]).
    pub fn bytes_per_item(&self, dims: usize) -> f64 {
        let d = dims as f64;
        match *self {
            Codec::Int8 => d + SCALE_BYTES,
            Codec::Scalar { bits, .. } => d * f64::from(bits) / 8.0 + SCALE_BYTES,
            Codec::Column { bits } => d * f64::from(bits) / 8.0,
            Codec::Pq { subspaces, bits, .. } => subspaces as f64 * f64::from(bits) / 8.0,
            Codec::Pca { dims: k } => k.min(dims) as f64 + SCALE_BYTES,
            Codec::Tail { head_percent, dims: k } => {
                let head = f64::from(head_percent) / 100.0;
                head * (d + SCALE_BYTES) + (1.0 - head) * (k.min(dims) as f64 + SCALE_BYTES)
            }
            Codec::Shipped => d / 2.0,
        }
    }

    /// What the catalog ships once besides the items' codes, at `dims` dimensions, in words.
    pub fn shared(&self, dims: usize) -> String {
        match *self {
            Codec::Int8 | Codec::Scalar { spread: Spread::None, .. } => "–".into(),
            Codec::Scalar { spread: Spread::Rotate, .. } => "a seed".into(),
            Codec::Scalar { spread: Spread::Columns, .. } => format!("{} B", 4 * dims),
            Codec::Column { .. } => format!("{} B", 8 * dims),
            Codec::Pq { bits, .. } => {
                let b = (1usize << bits) * dims * 4;
                if b >= 1024 { format!("{} KB", b / 1024) } else { format!("{b} B") }
            }
            Codec::Pca { .. } | Codec::Tail { .. } => "–".into(),
            Codec::Shipped => format!("{} KB", CENTROIDS * dims / 1024),
        }
    }

    /// Encodes every row of `y` and decodes it back: the vectors the device
    /// would rank with, and the same in `y`'s basis. `popularity` (per row)
    /// orders the head and the tail of [`Codec::Tail`]; `seed` draws the
    /// rotation and the k-means.
    pub fn apply(&self, y: &Matrix, popularity: &[u32], seed: u64) -> Coded {
        let d = y.dims;
        // The codec's basis (`d × cols`, orthonormal columns), when it is not `y`'s.
        let (vectors, basis, cols) = match *self {
            Codec::Int8 | Codec::Shipped => (y.clone(), None, d),
            Codec::Scalar { bits, spread: Spread::Rotate } => {
                let r = rotation(d, seed);
                (scalar(&y.times(&r, d), bits, Spread::None), Some(r), d)
            }
            Codec::Scalar { bits, spread } => (scalar(y, bits, spread), None, d),
            Codec::Column { bits } => (column(y, bits), None, d),
            Codec::Pq { subspaces, bits, rotate: false } => (pq(y, subspaces, bits, seed), None, d),
            Codec::Pq { subspaces, bits, rotate: true } => {
                let r = rotation(d, seed);
                (pq(&y.times(&r, d), subspaces, bits, seed), Some(r), d)
            }
            Codec::Pca { dims } => {
                let k = dims.min(d);
                let axes = principal_axes(y, k);
                (int8(&y.times(&axes, k)), Some(axes), k)
            }
            Codec::Tail { head_percent, dims } => {
                let axes = principal_axes(y, d);
                (tail(&y.times(&axes, d), popularity, head_percent, dims), Some(axes), d)
            }
        };
        let reconstructed = match &basis {
            Some(m) => vectors.times(&transpose(m, d, cols), d),
            None => vectors.clone(),
        };
        Coded { vectors, reconstructed }
    }
}

/// A codec's output.
#[derive(Debug, Clone, PartialEq)]
pub struct Coded {
    /// The decoded vectors the catalog ships (in the codec's basis, at its dimensions).
    pub vectors: Matrix,
    /// The same, back in the source's basis and dimensions (for the reconstruction error).
    pub reconstructed: Matrix,
}

/// The transpose of the `rows × cols` row-major `m`.
pub fn transpose(m: &[f64], rows: usize, cols: usize) -> Vec<f64> {
    let mut t = vec![0.0f64; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            t[c * rows + r] = m[r * cols + c];
        }
    }
    t
}

/// Today's int8 code with one scale per item (the core's `push_raw`), decoded.
fn int8(y: &Matrix) -> Matrix {
    scalar(y, 8, Spread::None)
}

/// Symmetric `bits`-bit codes with one scale per row, decoded; [`Spread::Columns`]
/// divides each dimension by its root mean square first and multiplies it back
/// after (a rotation is the caller's).
fn scalar(y: &Matrix, bits: u32, spread: Spread) -> Matrix {
    let levels = ((1u32 << (bits - 1)) - 1) as f32;
    let d = y.dims;
    let (input, rms) = match spread {
        Spread::None | Spread::Rotate => (y.clone(), None),
        Spread::Columns => {
            let rms = column_rms(y);
            let mut scaled = y.clone();
            for row in scaled.values.chunks_exact_mut(d) {
                for (x, &r) in row.iter_mut().zip(&rms) {
                    *x = if r > 0.0 { *x / r } else { 0.0 };
                }
            }
            (scaled, Some(rms))
        }
    };
    let mut out = input;
    for row in out.values.chunks_exact_mut(d) {
        let max = row.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 { max / levels } else { 0.0 };
        for x in row.iter_mut() {
            *x =
                if scale > 0.0 { (*x / scale).round().clamp(-levels, levels) * scale } else { 0.0 };
        }
        if let Some(rms) = &rms {
            for (x, &r) in row.iter_mut().zip(rms) {
                *x *= r;
            }
        }
    }
    out
}

/// Each dimension's root mean square over the rows.
fn column_rms(y: &Matrix) -> Vec<f32> {
    let mut sum = vec![0.0f64; y.dims];
    for row in y.values.chunks_exact(y.dims) {
        for (s, &x) in sum.iter_mut().zip(row) {
            *s += f64::from(x) * f64::from(x);
        }
    }
    sum.iter().map(|s| (s / y.rows.max(1) as f64).sqrt() as f32).collect()
}

/// `bits`-bit codes on a per-dimension grid from each dimension's minimum to
/// its maximum over the non-zero rows, decoded; zero rows stay zero.
fn column(y: &Matrix, bits: u32) -> Matrix {
    let steps = ((1u32 << bits) - 1) as f32;
    let d = y.dims;
    let (mut lo, mut hi) = (vec![f32::INFINITY; d], vec![f32::NEG_INFINITY; d]);
    for i in (0..y.rows).filter(|&i| !y.is_zero(i)) {
        for (j, &x) in y.row(i).iter().enumerate() {
            lo[j] = lo[j].min(x);
            hi[j] = hi[j].max(x);
        }
    }
    let mut out = y.clone();
    for i in 0..y.rows {
        if y.is_zero(i) {
            continue;
        }
        for (j, x) in out.values[i * d..(i + 1) * d].iter_mut().enumerate() {
            let step = (hi[j] - lo[j]) / steps;
            *x = if step > 0.0 { lo[j] + ((*x - lo[j]) / step).round() * step } else { lo[j] };
        }
    }
    out
}

/// Product quantization with `subspaces` sub-spaces of `2^bits` centroids, decoded.
fn pq(y: &Matrix, subspaces: usize, bits: u32, seed: u64) -> Matrix {
    let d = y.dims;
    assert!(subspaces > 0 && d % subspaces == 0, "{d} dims in {subspaces} sub-spaces");
    let w = d / subspaces;
    let train: Vec<usize> = (0..y.rows).filter(|&i| !y.is_zero(i)).collect();
    let mut out = y.clone();
    for s in 0..subspaces {
        let points: Vec<&[f32]> = train.iter().map(|&i| &y.row(i)[s * w..(s + 1) * w]).collect();
        let centroids = kmeans(&points, w, 1 << bits, seed ^ ((s as u64 + 1) * 0x9E37_79B9));
        for i in 0..y.rows {
            let sub = &mut out.values[i * d + s * w..i * d + (s + 1) * w];
            let c = nearest(&centroids, w, sub);
            sub.copy_from_slice(&centroids[c * w..(c + 1) * w]);
        }
    }
    out
}

/// The long tail at lower dimensions (see [`Codec::Tail`]), `rotated` in the
/// principal axes' basis: int8 for the head, the first `dims` components
/// (int8, the rest zero) for the others.
fn tail(rotated: &Matrix, popularity: &[u32], head_percent: u32, dims: usize) -> Matrix {
    let d = rotated.dims;
    let k = dims.min(d);
    let mut out = int8(rotated);
    let mut order: Vec<usize> = (0..rotated.rows).collect();
    order.sort_by(|&a, &b| popularity[b].cmp(&popularity[a]).then(a.cmp(&b)));
    let head = (rotated.rows * head_percent as usize).div_ceil(100).min(rotated.rows);
    for &i in &order[head..] {
        let short = int8(&Matrix::new(1, k, rotated.row(i)[..k].to_vec()));
        let row = &mut out.values[i * d..(i + 1) * d];
        row.fill(0.0);
        row[..k].copy_from_slice(&short.values);
    }
    out
}

/// The `k` leading eigenvectors of `YᵀY` as the columns of a `dims × k`
/// matrix (row-major), by eigenvalue, largest first; each one's sign makes
/// its largest component positive.
pub fn principal_axes(y: &Matrix, k: usize) -> Vec<f64> {
    let d = y.dims;
    let mut gram = vec![0.0f64; d * d];
    for row in y.values.chunks_exact(d) {
        for r in 0..d {
            for c in 0..d {
                gram[r * d + c] += f64::from(row[r]) * f64::from(row[c]);
            }
        }
    }
    let (values, vectors) = jacobi(&mut gram, d);
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    let mut axes = vec![0.0f64; d * k];
    for (c, &e) in order.iter().take(k).enumerate() {
        let column: Vec<f64> = (0..d).map(|r| vectors[r * d + e]).collect();
        let big = column.iter().fold(0.0f64, |m, &x| if x.abs() > m.abs() { x } else { m });
        let sign = if big < 0.0 { -1.0 } else { 1.0 };
        for (r, &x) in column.iter().enumerate() {
            axes[r * k + c] = sign * x;
        }
    }
    axes
}

/// Eigenvalues and eigenvectors (columns of a `d × d` row-major matrix) of
/// the symmetric `a` (destroyed), by cyclic Jacobi rotations.
fn jacobi(a: &mut [f64], d: usize) -> (Vec<f64>, Vec<f64>) {
    let mut v = vec![0.0f64; d * d];
    for i in 0..d {
        v[i * d + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..d)
            .flat_map(|r| (0..d).filter(move |&c| c != r).map(move |c| (r, c)))
            .map(|(r, c)| a[r * d + c] * a[r * d + c])
            .sum();
        let diag: f64 = (0..d).map(|i| a[i * d + i] * a[i * d + i]).sum();
        if off <= 1e-24 * diag.max(1e-300) {
            break;
        }
        for p in 0..d {
            for q in p + 1..d {
                let apq = a[p * d + q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (a[q * d + q] - a[p * d + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..d {
                    let (akp, akq) = (a[k * d + p], a[k * d + q]);
                    a[k * d + p] = c * akp - s * akq;
                    a[k * d + q] = s * akp + c * akq;
                }
                for k in 0..d {
                    let (apk, aqk) = (a[p * d + k], a[q * d + k]);
                    a[p * d + k] = c * apk - s * aqk;
                    a[q * d + k] = s * apk + c * aqk;
                }
                for k in 0..d {
                    let (vkp, vkq) = (v[k * d + p], v[k * d + q]);
                    v[k * d + p] = c * vkp - s * vkq;
                    v[k * d + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..d).map(|i| a[i * d + i]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flaneur_compiler::product_codes::Rng;

    /// `rows × dims` seeded values whose dimensions fall off like a catalog's
    /// factors (dimension `j` scaled by `1 / (1 + j)`, rows by a popularity-like
    /// norm), with `zeros` leading zero rows.
    fn factors(rows: usize, dims: usize, zeros: usize, seed: u64) -> Matrix {
        let mut rng = Rng::from_state(seed);
        let mut values = vec![0.0f32; rows * dims];
        for i in zeros..rows {
            let norm = 0.2 + 2.0 * rng.uniform();
            for j in 0..dims {
                values[i * dims + j] = (norm * rng.gaussian() / (1.0 + j as f64)) as f32;
            }
        }
        Matrix::new(rows, dims, values)
    }

    #[test]
    fn scalar_codes_round_trip_within_half_a_step() {
        let y = factors(200, 16, 3, 1);
        for bits in [4, 5, 6, 8] {
            let levels = ((1 << (bits - 1)) - 1) as f32;
            let coded = Codec::Scalar { bits, spread: Spread::None }.apply(&y, &[0; 200], 1);
            assert_eq!(coded.vectors, coded.reconstructed);
            for i in 0..y.rows {
                let max = y.row(i).iter().fold(0.0f32, |m, x| m.max(x.abs()));
                for (a, b) in y.row(i).iter().zip(coded.vectors.row(i)) {
                    assert!((a - b).abs() <= max / levels / 2.0 * 1.0001, "{bits} bits, row {i}");
                }
            }
        }
        // Eight bits of int8 codes decode to themselves: today's codec is the identity.
        let once = int8(&y);
        assert_eq!(int8(&once), once);
        assert_eq!(Codec::Int8.apply(&once, &[0; 200], 1).vectors, once);
    }

    #[test]
    fn rotation_is_orthonormal_and_spreads_the_levels() {
        let r = rotation(16, 3);
        for a in 0..16 {
            for b in 0..16 {
                let dot: f64 = (0..16).map(|k| r[a * 16 + k] * r[b * 16 + k]).sum();
                assert!((dot - f64::from(u8::from(a == b))).abs() < 1e-9);
            }
        }
        // Dot products survive the rotation; the 4-bit code loses less after it.
        let y = factors(300, 16, 0, 2);
        let rotated = y.times(&r, 16);
        let dot = |m: &Matrix| m.row(0).iter().zip(m.row(1)).map(|(a, b)| a * b).sum::<f32>();
        assert!((dot(&y) - dot(&rotated)).abs() < 1e-4);
        let plain = Codec::Scalar { bits: 4, spread: Spread::None }.apply(&y, &[], 3);
        let spread = Codec::Scalar { bits: 4, spread: Spread::Rotate }.apply(&y, &[], 3);
        let columns = Codec::Scalar { bits: 4, spread: Spread::Columns }.apply(&y, &[], 3);
        let (e0, e1, e2) = (
            y.relative_error(&plain.reconstructed),
            y.relative_error(&spread.reconstructed),
            y.relative_error(&columns.reconstructed),
        );
        assert!(e1 < e0 && e2 < e0, "plain {e0}, rotated {e1}, per-dimension RMS {e2}");
    }

    #[test]
    fn column_codes_stay_on_each_dimensions_grid() {
        let y = factors(150, 8, 2, 4);
        let coded = Codec::Column { bits: 4 }.apply(&y, &[], 1);
        for j in 0..8 {
            let column = || (2..150).map(|i| y.row(i)[j]);
            let lo = column().fold(f32::INFINITY, f32::min);
            let hi = column().fold(f32::NEG_INFINITY, f32::max);
            let step = (hi - lo) / 15.0;
            for i in 2..150 {
                assert!((y.row(i)[j] - coded.vectors.row(i)[j]).abs() <= step / 2.0 * 1.0001);
            }
        }
        assert!(coded.vectors.row(0).iter().chain(coded.vectors.row(1)).all(|&x| x == 0.0));
    }

    #[test]
    fn product_quantization_beats_a_random_codebook() {
        let y = factors(400, 8, 0, 5);
        let coded = Codec::Pq { subspaces: 4, bits: 4, rotate: false }.apply(&y, &[], 7);
        // The same number of centroids drawn at random among the sub-vectors, no k-means.
        let mut rng = Rng::from_state(9);
        let mut random = y.clone();
        for s in 0..4 {
            let mut centroids = vec![0.0f32; 16 * 2];
            for c in 1..16 {
                let pick = (rng.uniform() * 400.0) as usize;
                centroids[c * 2..c * 2 + 2].copy_from_slice(&y.row(pick)[s * 2..s * 2 + 2]);
            }
            for i in 0..400 {
                let sub = &mut random.values[i * 8 + s * 2..i * 8 + s * 2 + 2];
                let c = nearest(&centroids, 2, sub);
                sub.copy_from_slice(&centroids[c * 2..c * 2 + 2]);
            }
        }
        let (pq, baseline) = (y.relative_error(&coded.vectors), y.relative_error(&random));
        assert!(pq < 0.8 * baseline, "PQ {pq} against a random codebook's {baseline}");
        assert!(pq < 0.2, "PQ {pq}");
        // More centroids, less error.
        let finer = Codec::Pq { subspaces: 4, bits: 6, rotate: false }.apply(&y, &[], 7);
        assert!(y.relative_error(&finer.vectors) < pq);
    }

    #[test]
    fn principal_components_keep_the_leading_subspace() {
        // Rank 3 in 8 dimensions: three principal components lose only int8's rounding.
        let basis = factors(3, 8, 0, 6);
        let weights = factors(100, 3, 0, 7);
        let mut values = vec![0.0f32; 100 * 8];
        for i in 0..100 {
            for k in 0..3 {
                for j in 0..8 {
                    values[i * 8 + j] += weights.row(i)[k] * basis.row(k)[j];
                }
            }
        }
        let y = Matrix::new(100, 8, values);
        let coded = Codec::Pca { dims: 3 }.apply(&y, &[], 1);
        assert_eq!(coded.vectors.dims, 3);
        assert!(y.relative_error(&coded.reconstructed) < 1e-4);
        let two = Codec::Pca { dims: 2 }.apply(&y, &[], 1);
        assert!(y.relative_error(&two.reconstructed) > 1e-3);
        // The axes are orthonormal.
        let axes = principal_axes(&y, 8);
        for a in 0..8 {
            for b in 0..8 {
                let dot: f64 = (0..8).map(|k| axes[k * 8 + a] * axes[k * 8 + b]).sum();
                assert!((dot - f64::from(u8::from(a == b))).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn the_tail_keeps_fewer_dimensions() {
        let y = factors(50, 8, 0, 8);
        let popularity: Vec<u32> = (0..50).collect();
        let coded = Codec::Tail { head_percent: 20, dims: 2 }.apply(&y, &popularity, 1);
        // The 10 most popular (rows 40..50) keep every dimension, the others two.
        for i in 0..50 {
            let kept = coded.vectors.row(i).iter().filter(|&&x| x != 0.0).count();
            if i >= 40 { assert_eq!(kept, 8, "row {i}") } else { assert!(kept <= 2, "row {i}") }
        }
        assert_eq!(Codec::Tail { head_percent: 20, dims: 16 }.bytes_per_item(64), 29.6);
    }

    #[test]
    fn every_codec_is_deterministic_and_keeps_zero_rows() {
        let y = factors(120, 64, 4, 9);
        let popularity: Vec<u32> = (0..120).map(|i| (i * 37 % 120) as u32).collect();
        for codec in CODECS {
            let a = codec.apply(&y, &popularity, 1);
            assert_eq!(a, codec.apply(&y, &popularity, 1), "{}", codec.label());
            for i in 0..4 {
                assert!(a.vectors.row(i).iter().all(|&x| x == 0.0), "{}", codec.label());
            }
            let error = y.relative_error(&a.reconstructed);
            assert!(error < 0.35, "{}: {error}", codec.label());
            assert!(!codec.slug().is_empty() && codec.bytes_per_item(64) <= 68.0);
        }
        let bytes: Vec<f64> = CODECS.iter().map(|c| c.bytes_per_item(64)).collect();
        assert_eq!(&bytes[..4], &[68.0, 52.0, 52.0, 48.0]);
        let pq16 = Codec::Pq { subspaces: 16, bits: 8, rotate: false };
        assert_eq!((pq16.bytes_per_item(64), pq16.shared(64)), (16.0, "64 KB".into()));
        assert_eq!(Codec::Pca { dims: 32 }.bytes_per_item(64), 36.0);
    }
}
