//! A few distinct interest vectors, learned online: never one blurred average.

use super::Affinity;

/// Most interests kept.
pub const MAX_INTERESTS: usize = 4;
/// Cosine similarity above which an item joins an existing interest.
pub const JOIN_SIMILARITY: f32 = 0.6;

/// One cluster of the shopper's taste: a unit centroid and its affinity.
#[derive(Debug, Clone, PartialEq)]
pub struct Interest {
    /// Unit-length centre of the items that formed it.
    pub centroid: Vec<f32>,
    /// How strong and how recent.
    pub affinity: Affinity,
}

/// Up to [`MAX_INTERESTS`] interests. An item joins the most similar one when
/// it is similar enough, starts a new one otherwise, and replaces the weakest
/// when all slots are taken.
///
/// ```
/// use flaneur::profile::Interests;
/// let mut interests = Interests::default();
/// interests.learn(&[1.0, 0.0], 1.0, 0, 1e9);
/// interests.learn(&[0.0, 1.0], 1.0, 0, 1e9);   // unlike the first: a second interest
/// interests.learn(&[0.9, 0.1], 1.0, 0, 1e9);   // joins the first
/// assert_eq!(interests.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Interests {
    list: Vec<Interest>,
}

impl Interests {
    /// Interests as stored, in the order they were formed.
    pub(super) fn from_list(list: Vec<Interest>) -> Self {
        Self { list }
    }

    /// Learns from one item's unit `vector` with `weight` at time `at`.
    pub fn learn(&mut self, vector: &[f32], weight: f32, at: i64, half_life_ms: f64) {
        if vector.iter().all(|&x| x == 0.0) {
            return;
        }
        let best = self
            .list
            .iter()
            .enumerate()
            .filter(|(_, i)| i.centroid.len() == vector.len())
            .map(|(n, i)| (n, cosine(&i.centroid, vector)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((n, similarity)) if similarity >= JOIN_SIMILARITY => {
                let interest = &mut self.list[n];
                if weight > 0.0 {
                    let mass = interest.affinity.weight_at(at, half_life_ms);
                    for (c, v) in interest.centroid.iter_mut().zip(vector) {
                        *c = *c * mass + v * weight;
                    }
                    normalise(&mut interest.centroid);
                }
                interest.affinity.add(weight, at, half_life_ms);
            }
            _ if weight <= 0.0 => {}
            _ => {
                let fresh =
                    Interest { centroid: vector.to_vec(), affinity: Affinity::new(weight, at) };
                if self.list.len() < MAX_INTERESTS {
                    self.list.push(fresh);
                } else if let Some(weakest) = self.weakest(at, half_life_ms) {
                    self.list[weakest] = fresh;
                }
            }
        }
    }

    fn weakest(&self, at: i64, half_life_ms: f64) -> Option<usize> {
        self.list
            .iter()
            .enumerate()
            .min_by(|a, b| {
                a.1.affinity
                    .weight_at(at, half_life_ms)
                    .total_cmp(&b.1.affinity.weight_at(at, half_life_ms))
            })
            .map(|(n, _)| n)
    }

    /// The interests, in the order they were formed.
    pub fn iter(&self) -> impl Iterator<Item = &Interest> {
        self.list.iter()
    }

    /// Number of interests.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// Cosine similarity of two vectors (0 when either is zero).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let (mut dot, mut na, mut nb) = (0.0f32, 0.0f32, 0.0f32);
    for (x, y) in a.iter().zip(b) {
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na == 0.0 || nb == 0.0 { 0.0 } else { dot / (na.sqrt() * nb.sqrt()) }
}

fn normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}
