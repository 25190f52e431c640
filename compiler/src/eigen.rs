//! The largest eigenpairs of a large symmetric matrix known only through its
//! product with vectors: randomized subspace iteration (Halko, Martinsson &
//! Tropp 2011, algorithm 4.4) followed by a Rayleigh–Ritz step solved with
//! cyclic Jacobi rotations. Everything is `f64`, single-threaded and in a
//! fixed order, and the start block comes from a fixed SplitMix64 sequence,
//! so the same matrix always gives bit-identical results on every machine.

/// A deterministic pseudo-random sequence (SplitMix64), uniform in [-1, 1).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }
}

/// A dot product in four lanes (a fixed order, so results stay bit-identical,
/// and one the compiler vectorizes, unlike a single running sum).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut lanes = [0.0f64; 4];
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = a4.remainder().iter().zip(b4.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in a4.zip(b4) {
        for l in 0..4 {
            lanes[l] += x[l] * y[l];
        }
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + tail
}

/// Orthonormalizes the `k` columns of `q` (row-major, `n` rows of `k`) by
/// Cholesky QR, `passes` times (two, CholQR2, repair what the first lost
/// to rounding; one is enough between power steps). Both passes read the rows in
/// order, `O(n k²)` each, and stay in cache. A column that depends on the earlier
/// ones (a pivot below 1e-6 of its norm) becomes zero: the subspace has a smaller
/// rank.
fn orthonormalize(q: &mut [f64], n: usize, k: usize, passes: usize) {
    for _pass in 0..passes {
        // G = QᵀQ (upper triangle).
        let mut g = vec![0.0; k * k];
        for row in q.chunks_exact(k).take(n) {
            for a in 0..k {
                let x = row[a];
                if x == 0.0 {
                    continue;
                }
                for (gb, &y) in g[a * k + a..(a + 1) * k].iter_mut().zip(&row[a..]) {
                    *gb += x * y;
                }
            }
        }
        // G = RᵀR, R upper triangular; a dependent column gets a zero row.
        let mut r = vec![0.0; k * k];
        let mut kept = vec![true; k];
        for c in 0..k {
            let mut pivot = g[c * k + c];
            for p in 0..c {
                pivot -= r[p * k + c] * r[p * k + c];
            }
            if pivot.is_nan() || pivot <= 1e-12 * g[c * k + c] || g[c * k + c] <= 0.0 {
                kept[c] = false;
                continue;
            }
            let d = pivot.sqrt();
            r[c * k + c] = d;
            for j in c + 1..k {
                let mut v = g[c * k + j];
                for p in 0..c {
                    v -= r[p * k + c] * r[p * k + j];
                }
                r[c * k + j] = v / d;
            }
        }
        // Q ← Q R⁻¹, row by row (forward substitution on x R = row), with R's
        // columns stored contiguously.
        let mut rt = vec![0.0; k * k];
        for p in 0..k {
            for c in p..k {
                rt[c * k + p] = r[p * k + c];
            }
        }
        for row in q.chunks_exact_mut(k).take(n) {
            for c in 0..k {
                if !kept[c] {
                    row[c] = 0.0;
                    continue;
                }
                row[c] = (row[c] - dot(&row[..c], &rt[c * k..c * k + c])) / rt[c * k + c];
            }
        }
    }
}

/// Eigenvalues and eigenvectors of a small symmetric `k×k` matrix `a`
/// (row-major; destroyed) by cyclic Jacobi rotations. Returns the values and
/// the vectors as the columns of a row-major `k×k` matrix.
pub fn jacobi(a: &mut [f64], k: usize) -> (Vec<f64>, Vec<f64>) {
    let mut v = vec![0.0; k * k];
    for i in 0..k {
        v[i * k + i] = 1.0;
    }
    for _sweep in 0..100 {
        let diagonal: f64 = (0..k).map(|i| a[i * k + i] * a[i * k + i]).sum();
        let off: f64 = (0..k)
            .flat_map(|p| (p + 1..k).map(move |q| (p, q)))
            .map(|(p, q)| a[p * k + q] * a[p * k + q])
            .sum();
        if off <= 1e-24 * diagonal || off == 0.0 {
            break;
        }
        for p in 0..k {
            for q in p + 1..k {
                let apq = a[p * k + q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (a[q * k + q] - a[p * k + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                // A ← Pᵀ A P with P the rotation in the (p, q) plane.
                for r in 0..k {
                    let (arp, arq) = (a[r * k + p], a[r * k + q]);
                    a[r * k + p] = c * arp - s * arq;
                    a[r * k + q] = s * arp + c * arq;
                }
                for r in 0..k {
                    let (apr, aqr) = (a[p * k + r], a[q * k + r]);
                    a[p * k + r] = c * apr - s * aqr;
                    a[q * k + r] = s * apr + c * aqr;
                }
                for r in 0..k {
                    let (vrp, vrq) = (v[r * k + p], v[r * k + q]);
                    v[r * k + p] = c * vrp - s * vrq;
                    v[r * k + q] = s * vrp + c * vrq;
                }
            }
        }
    }
    ((0..k).map(|i| a[i * k + i]).collect(), v)
}

/// The `wanted` largest eigenpairs of the symmetric `n×n` matrix `M`, given
/// `multiply(x, y, k)` computing `Y = M X` for `k` vectors at once (row-major:
/// row `i` of `X` holds the `k` values of item `i`). Returns `(values,
/// vectors)`, values in decreasing order, `vectors[r]` of length `n` and unit
/// length (fewer pairs than `wanted` when the matrix's rank or `n` is smaller).
///
/// `iterations` power steps sharpen the subspace; 10 is plenty for the
/// slowly decaying spectra of co-purchase matrices.
pub fn top_eigenpairs(
    n: usize,
    wanted: usize,
    iterations: usize,
    mut multiply: impl FnMut(&[f64], &mut [f64], usize),
) -> (Vec<f64>, Vec<Vec<f64>>) {
    let k = (wanted + 10).min(n);
    if k == 0 {
        return (Vec::new(), Vec::new());
    }
    let mut rng = SplitMix(0x0066_6c61_6e65_7572); // "flaneur"
    let mut q: Vec<f64> = (0..n * k).map(|_| rng.next()).collect();
    let mut z = vec![0.0; n * k];
    orthonormalize(&mut q, n, k, 2);
    for step in 0..iterations {
        multiply(&q, &mut z, k);
        std::mem::swap(&mut q, &mut z);
        orthonormalize(&mut q, n, k, if step + 1 == iterations { 2 } else { 1 });
    }
    // Rayleigh–Ritz: B = Qᵀ M Q, eigenvectors of M ≈ Q × eigenvectors of B.
    multiply(&q, &mut z, k);
    let mut b = vec![0.0; k * k];
    for (qi, zi) in q.chunks_exact(k).zip(z.chunks_exact(k)) {
        for r in 0..k {
            if qi[r] == 0.0 {
                continue;
            }
            for (bc, &zc) in b[r * k..(r + 1) * k].iter_mut().zip(zi) {
                *bc += qi[r] * zc;
            }
        }
    }
    for r in 0..k {
        for c in r + 1..k {
            let mean = 0.5 * (b[r * k + c] + b[c * k + r]);
            b[r * k + c] = mean;
            b[c * k + r] = mean;
        }
    }
    let (values, v) = jacobi(&mut b, k);
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&x, &y| values[y].total_cmp(&values[x]).then(x.cmp(&y)));
    let mut out_values = Vec::new();
    let mut out_vectors = Vec::new();
    for &r in order.iter().take(wanted) {
        let u: Vec<f64> =
            q.chunks_exact(k).map(|qi| (0..k).map(|c| qi[c] * v[c * k + r]).sum()).collect();
        let norm = u.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm < 0.5 {
            continue; // a direction of the zero columns: the matrix's rank is smaller
        }
        out_values.push(values[r]);
        out_vectors.push(u);
    }
    (out_values, out_vectors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jacobi_diagonalizes_a_symmetric_matrix() {
        let m = [4.0, 1.0, 2.0, 1.0, 3.0, 0.5, 2.0, 0.5, 1.0];
        let (values, v) = jacobi(&mut m.clone(), 3);
        // M v_r = λ_r v_r for every column r.
        for r in 0..3 {
            for i in 0..3 {
                let mv: f64 = (0..3).map(|j| m[i * 3 + j] * v[j * 3 + r]).sum();
                assert!(
                    (mv - values[r] * v[i * 3 + r]).abs() < 1e-10,
                    "{mv} vs {}",
                    values[r] * v[i * 3 + r]
                );
            }
        }
        assert!((values.iter().sum::<f64>() - 8.0).abs() < 1e-10, "trace");
    }

    #[test]
    fn subspace_iteration_finds_the_largest_eigenpairs_deterministically() {
        // A block matrix: two groups of 30 items that go together, plus noise-free identity.
        let n = 60;
        let mut m = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                m[i * n + j] = if i == j {
                    1.0
                } else if (i < 30) == (j < 30) {
                    if i < 30 { 0.5 } else { 0.2 }
                } else {
                    0.0
                };
            }
        }
        let multiply = |x: &[f64], y: &mut [f64], k: usize| {
            for i in 0..n {
                for c in 0..k {
                    y[i * k + c] = (0..n).map(|j| m[i * n + j] * x[j * k + c]).sum();
                }
            }
        };
        let (values, vectors) = top_eigenpairs(n, 2, 10, multiply);
        // Group eigenvalues: 1 + 0.5·29 = 15.5 and 1 + 0.2·29 = 6.8.
        assert!((values[0] - 15.5).abs() < 1e-6, "{values:?}");
        assert!((values[1] - 6.8).abs() < 1e-6, "{values:?}");
        assert!(
            vectors[0][..30].iter().all(|x| x.abs() > 0.15)
                && vectors[0][30..].iter().all(|x| x.abs() < 1e-6)
        );
        let again = top_eigenpairs(n, 2, 10, multiply);
        assert_eq!(again.0, values);
        assert_eq!(again.1, vectors);
    }

    #[test]
    fn a_matrix_of_smaller_rank_gives_fewer_pairs() {
        // Rank 1: M = u uᵀ.
        let u = [1.0, 2.0, 2.0];
        let multiply = |x: &[f64], y: &mut [f64], k: usize| {
            for c in 0..k {
                let dot: f64 = (0..3).map(|i| u[i] * x[i * k + c]).sum();
                for i in 0..3 {
                    y[i * k + c] = u[i] * dot;
                }
            }
        };
        let (values, vectors) = top_eigenpairs(3, 3, 5, multiply);
        assert_eq!(values.len(), 1, "{values:?}");
        assert!((values[0] - 9.0).abs() < 1e-9, "{values:?}");
        let expected = [1.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0];
        let sign = vectors[0][0].signum();
        assert!(
            vectors[0].iter().zip(expected).all(|(x, e)| (x * sign - e).abs() < 1e-9),
            "{vectors:?}"
        );
    }
}
