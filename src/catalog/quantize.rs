//! Item vectors, L2-normalised and quantized to int8 with one scale per item.

/// All item vectors of a catalog, struct-of-arrays: `codes[i*dims..][..dims]`
/// holds item `i`, and `codes · scale ≈` the item's unit vector.
///
/// ```
/// use flaneur::catalog::QuantizedVectors;
/// let mut v = QuantizedVectors::new(2);
/// v.push(&[3.0, 4.0]);
/// let (codes, scale) = v.get(0);
/// assert_eq!(codes, &[95, 127]);
/// assert!((codes[1] as f32 * scale - 0.8).abs() < 1e-6);
/// ```
#[derive(Debug, Clone, Default)]
pub struct QuantizedVectors {
    dims: usize,
    codes: Vec<i8>,
    scales: Vec<f32>,
}

impl QuantizedVectors {
    /// An empty set of `dims`-dimensional vectors.
    pub fn new(dims: usize) -> Self {
        Self { dims, codes: Vec::new(), scales: Vec::new() }
    }

    /// Vectors from their stored parts (the binary catalog loader validates them first):
    /// `codes` holds `scales.len() * dims` codes, item after item.
    pub(super) fn from_parts(dims: usize, codes: Vec<i8>, scales: Vec<f32>) -> Self {
        debug_assert_eq!(codes.len(), scales.len() * dims);
        Self { dims, codes, scales }
    }

    /// Dimensions per vector; 0 when the catalog has no vectors.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Number of vectors.
    pub fn len(&self) -> usize {
        self.scales.len()
    }

    /// Whether there are no vectors.
    pub fn is_empty(&self) -> bool {
        self.scales.is_empty()
    }

    /// Appends one vector (length `dims`, finite); a zero vector is kept as zeros.
    pub fn push(&mut self, vector: &[f32]) {
        let (codes, scale) = quantize(vector);
        self.codes.extend_from_slice(&codes);
        self.scales.push(scale);
    }

    /// Appends one vector keeping its magnitude (for learned item factors,
    /// whose length carries meaning): `code · scale` recovers each component
    /// within `scale / 2`.
    pub fn push_raw(&mut self, vector: &[f32]) {
        let max_abs = vector.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let scale = if max_abs > 0.0 { max_abs / 127.0 } else { 0.0 };
        self.codes.extend(
            vector.iter().map(|x| {
                if scale > 0.0 { (x / scale).round().clamp(-127.0, 127.0) as i8 } else { 0 }
            }),
        );
        self.scales.push(scale);
    }

    /// Replaces vector `i` as [`QuantizedVectors::push`] (`raw: false`) or
    /// [`QuantizedVectors::push_raw`] (`raw: true`) would have stored it.
    /// `i` and the length must be in range (the caller checks).
    ///
    /// ```
    /// use flaneur::catalog::QuantizedVectors;
    /// let mut v = QuantizedVectors::new(2);
    /// v.push(&[0.0, 0.0]);
    /// v.replace(0, &[0.0, 2.0], false);
    /// assert_eq!(v.get(0).0, &[0, 127]);
    /// ```
    pub fn replace(&mut self, i: usize, vector: &[f32], raw: bool) {
        let mut one = Self::new(self.dims);
        if raw {
            one.push_raw(vector)
        } else {
            one.push(vector)
        }
        self.codes[i * self.dims..(i + 1) * self.dims].copy_from_slice(&one.codes);
        self.scales[i] = one.scales[0];
    }

    /// Room for `n` more vectors, if it can be had (a hint, never an error).
    pub fn reserve(&mut self, n: usize) {
        let _ = self.codes.try_reserve(n.saturating_mul(self.dims));
        let _ = self.scales.try_reserve(n);
    }

    /// Euclidean length of vector `i` (about 1 for content vectors).
    pub fn norm(&self, i: usize) -> f32 {
        let (codes, scale) = self.get(i);
        // Summed in integers (exact, and vectorised by the compiler): the
        // same value the f32 sum of these integers gave up to 1,040 dimensions.
        (codes.iter().map(|&c| c as i32 * c as i32).sum::<i32>() as f32).sqrt() * scale
    }

    /// Codes and scale of vector `i`.
    pub fn get(&self, i: usize) -> (&[i8], f32) {
        (&self.codes[i * self.dims..(i + 1) * self.dims], self.scales[i])
    }

    /// All codes, item after item.
    pub fn codes(&self) -> &[i8] {
        &self.codes
    }

    /// All scales, one per item.
    pub fn scales(&self) -> &[f32] {
        &self.scales
    }

    /// Vector `i` as a unit-length `f32` vector (approximately).
    pub fn dequantize(&self, i: usize) -> Vec<f32> {
        let (codes, scale) = self.get(i);
        codes.iter().map(|&c| c as f32 * scale).collect()
    }
}

/// L2-normalises `vector` and maps it to int8 codes with a symmetric scale:
/// the largest component becomes ±127, and `code * scale` recovers each
/// component of the unit vector within `scale / 2`.
pub fn quantize(vector: &[f32]) -> (Vec<i8>, f32) {
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
    let unit: Vec<f32> =
        if norm == 0.0 { Vec::new() } else { vector.iter().map(|x| x / norm).collect() };
    quantize_as_is(&unit).unwrap_or_else(|| (vec![0; vector.len()], 0.0))
}

/// Maps `vector` as it is (not normalised) to int8 codes with a symmetric
/// scale: the largest component becomes ±127. `None` for an empty, zero or
/// non-finite vector.
///
/// ```
/// use flaneur::catalog::quantize::quantize_as_is;
/// assert_eq!(quantize_as_is(&[2.0, -1.0]), Some((vec![127, -64], 2.0 / 127.0)));
/// assert_eq!(quantize_as_is(&[0.0, 0.0]), None);
/// ```
pub fn quantize_as_is(vector: &[f32]) -> Option<(Vec<i8>, f32)> {
    let max = vector.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    if !(max > 0.0 && max.is_finite()) {
        return None;
    }
    let scale = max / 127.0;
    Some((vector.iter().map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8).collect(), scale))
}
