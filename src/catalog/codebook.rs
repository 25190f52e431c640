//! Product-quantized vectors (issue #22, "Compact vectors"): each item's
//! vector cut into `subspaces` runs of `width` dimensions, each run stored as
//! one byte, the index of one of 256 centroids of its sub-space. At 64
//! dimensions and 32 sub-spaces that is 32 bytes an item instead of int8's
//! 68 (64 codes and a scale).
//!
//! The centroids are int8 codes with one scale for all of them, so an item's
//! decoded vector is the concatenation of its centroids' codes, times that
//! scale: the int8 row the rest of the engine scores, decoded a row or a
//! block of rows at a time ([`Codebook::decode_into`]).

use crate::util::bytes::crc32;

/// Centroids per sub-space: one byte of code.
pub const CENTROIDS: usize = 256;

/// The most dimensions a product-quantized vector may have (a decoded row
/// fits a fixed buffer: [`Codes::Decoded`]).
pub const MAX_PQ_DIMS: usize = 256;

/// The centroids of every sub-space, or, in a shard, only the check of its
/// core's (a shard's codes are decoded by the catalog it joins).
#[derive(Debug, Clone, PartialEq)]
pub struct Codebook {
    subspaces: usize,
    /// Dimensions per sub-space.
    width: usize,
    /// `subspaces × 256 × width` codes: sub-space `s`, centroid `c` at
    /// `(s · 256 + c) · width`, when `width` is not 2. Empty in a shard.
    centroids: Vec<i8>,
    /// The same when `width` is 2 (the shipped shape), as pairs, each copied
    /// as one when decoding. Empty in a shard.
    pairs: Vec<[i8; 2]>,
    /// One scale for every centroid code.
    scale: f32,
    /// CRC-32 of the centroids (as bytes) then the scale (little-endian):
    /// what a shard names its core's codebook by.
    check: u32,
}

impl Codebook {
    /// A codebook of `subspaces` sub-spaces of `width` dimensions from its
    /// centroids (`subspaces × 256 × width` codes in ±127) and their scale.
    /// `None` when the sizes disagree, a code is -128 or the scale is not
    /// finite and above 0.
    pub fn new(subspaces: usize, width: usize, centroids: Vec<i8>, scale: f32) -> Option<Self> {
        let dims = subspaces.checked_mul(width)?;
        let fits = subspaces > 0
            && width > 0
            && dims <= MAX_PQ_DIMS
            && centroids.len() == dims * CENTROIDS
            && !centroids.contains(&i8::MIN)
            && scale.is_finite()
            && scale > 0.0;
        fits.then(|| {
            let check = Self::check_of(&centroids, scale);
            let (centroids, pairs) = match width {
                2 => (Vec::new(), centroids.chunks_exact(2).map(|p| [p[0], p[1]]).collect()),
                _ => (centroids, Vec::new()),
            };
            Self { subspaces, width, centroids, pairs, scale, check }
        })
    }

    /// A shard's codebook: the sizes, scale and check of its core's, no centroids.
    pub(crate) fn reference(subspaces: usize, width: usize, scale: f32, check: u32) -> Self {
        Self { subspaces, width, centroids: Vec::new(), pairs: Vec::new(), scale, check }
    }

    /// The same codebook without its centroids (what a shard stores).
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn as_reference(&self) -> Self {
        Self::reference(self.subspaces, self.width, self.scale, self.check)
    }

    /// The check of `centroids` and `scale` as stored.
    pub(crate) fn check_of(centroids: &[i8], scale: f32) -> u32 {
        let mut bytes: Vec<u8> = centroids.iter().map(|&c| c as u8).collect();
        bytes.extend_from_slice(&scale.to_le_bytes());
        crc32(&bytes)
    }

    /// Sub-spaces: code bytes per item.
    pub fn subspaces(&self) -> usize {
        self.subspaces
    }

    /// Dimensions per sub-space.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Dimensions of a decoded vector.
    pub fn dims(&self) -> usize {
        self.subspaces * self.width
    }

    /// The centroids' codes (empty in a shard).
    pub fn centroids(&self) -> &[i8] {
        if self.width == 2 { self.pairs.as_flattened() } else { &self.centroids }
    }

    /// The scale of every centroid code, and so of every decoded row.
    pub fn scale(&self) -> f32 {
        self.scale
    }

    /// The codebook's check (see the field).
    pub fn check(&self) -> u32 {
        self.check
    }

    /// Whether it holds its centroids (a core's or a whole catalog's), not
    /// only their check (a shard's).
    pub fn has_centroids(&self) -> bool {
        !self.centroids().is_empty()
    }

    /// Bytes it holds.
    pub(crate) fn held_bytes(&self) -> usize {
        self.centroids.capacity() + 2 * self.pairs.capacity()
    }

    /// Decodes one stored row (`subspaces` code bytes) into `out`
    /// (`dims` codes). Zeros where the centroids are not held.
    #[inline]
    pub fn decode_into(&self, stored: &[i8], out: &mut [i8]) {
        let w = self.width;
        if self.centroids().len() < self.subspaces * CENTROIDS * w {
            out.fill(0);
            return;
        }
        if w == 2 {
            // The shipped shape: two codes a centroid, copied as one pair (a
            // slice copy of a length unknown here would call `memcpy`).
            for (s, (&code, run)) in stored.iter().zip(out.chunks_exact_mut(2)).enumerate() {
                if let Some(pair) = self.pairs.get(s * CENTROIDS + code as u8 as usize) {
                    run.copy_from_slice(pair);
                }
            }
            return;
        }
        for (s, (&code, run)) in stored.iter().zip(out.chunks_exact_mut(w)).enumerate() {
            let at = (s * CENTROIDS + code as u8 as usize) * w;
            if let Some(centroid) = self.centroids.get(at..at + w) {
                for (o, &c) in run.iter_mut().zip(centroid) {
                    *o = c;
                }
            }
        }
    }
}

/// An item's int8 codes: borrowed from the held rows, or decoded from its
/// product-quantized codes. The decoded row lives in the value itself, on the
/// stack: reading an item's vector never allocates.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Codes<'a> {
    /// The row as it is held.
    Held(&'a [i8]),
    /// A decoded row: its first `len` codes.
    Decoded {
        /// The decoded codes, then zeros.
        codes: [i8; MAX_PQ_DIMS],
        /// Codes decoded: the vectors' dims.
        len: usize,
    },
}

/// Equal when the codes are, held or decoded.
impl PartialEq for Codes<'_> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl PartialEq<&[i8]> for Codes<'_> {
    fn eq(&self, other: &&[i8]) -> bool {
        **self == **other
    }
}

impl<const N: usize> PartialEq<&[i8; N]> for Codes<'_> {
    fn eq(&self, other: &&[i8; N]) -> bool {
        **self == other[..]
    }
}

impl std::ops::Deref for Codes<'_> {
    type Target = [i8];

    #[inline(always)]
    fn deref(&self) -> &[i8] {
        match self {
            Codes::Held(codes) => codes,
            Codes::Decoded { codes, len } => &codes[..*len],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> Codebook {
        // Two sub-spaces of two dimensions; centroid c of sub-space s
        // holds (s·10 + c % 100, -(c % 100)).
        let mut centroids = Vec::new();
        for s in 0..2i32 {
            for c in 0..CENTROIDS as i32 {
                centroids.extend([(s * 10 + c % 100) as i8, (-(c % 100)) as i8]);
            }
        }
        Codebook::new(2, 2, centroids, 0.5).unwrap()
    }

    /// A row decodes to its centroids' codes, sub-space after sub-space; a
    /// shard's codebook (no centroids) decodes to zeros and keeps the check.
    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn rows_decode_to_their_centroids() {
        let b = book();
        let mut out = [9i8; 4];
        b.decode_into(&[3, -1i8], &mut out); // codes 3 and 255
        assert_eq!(out, [3, -3, 10 + 55, -55]);
        let shard = b.as_reference();
        assert!(!shard.has_centroids() && shard.check() == b.check());
        shard.decode_into(&[3, 4], &mut out);
        assert_eq!(out, [0; 4]);
    }

    /// Sizes that disagree, a -128 code or a bad scale make no codebook; the
    /// check changes with the scale.
    #[test]
    fn only_consistent_codebooks_are_made() {
        let b = book();
        assert!(Codebook::new(2, 2, b.centroids().to_vec(), 0.0).is_none());
        assert!(Codebook::new(2, 2, b.centroids().to_vec(), f32::NAN).is_none());
        assert!(Codebook::new(2, 3, b.centroids().to_vec(), 0.5).is_none());
        let mut bad = b.centroids().to_vec();
        bad[7] = i8::MIN;
        assert!(Codebook::new(2, 2, bad, 0.5).is_none());
        assert!(Codebook::new(200, 2, vec![0; 200 * 2 * CENTROIDS], 0.5).is_none(), "400 dims");
        let other = Codebook::new(2, 2, b.centroids().to_vec(), 0.25).unwrap();
        assert_ne!(other.check(), b.check());
    }
}
