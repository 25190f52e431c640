//! Seeded synthetic catalogs and histories for benchmarks, examples and
//! evaluations (the `testkit` feature, or the core's unit tests: never part
//! of the WebAssembly build).

use crate::util::sorted_map::SortedMap;

use crate::catalog::{CatalogJson, FacetJson, ItemJson, VectorKind};

/// A small, fast, seeded generator (xorshift64*): the same seed gives the same data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed` (any value; 0 is remapped).
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// Shape of a synthetic catalog.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Number of items.
    pub items: usize,
    /// Vector dimensions.
    pub dims: usize,
    /// Leaf categories, spread over departments of 10.
    pub leaves: usize,
    /// Facets, each with 8 values.
    pub facets: usize,
}

impl Default for Shape {
    fn default() -> Self {
        Self { items: 10_000, dims: 64, leaves: 200, facets: 6 }
    }
}

/// A seeded catalog: each leaf category has a random direction; an item's
/// vector is its leaf's direction plus noise, so categories form clusters.
///
/// ```
/// use flaneur::testkit::{catalog, Shape};
/// let a = catalog(7, Shape { items: 100, ..Shape::default() });
/// let b = catalog(7, Shape { items: 100, ..Shape::default() });
/// assert_eq!(a.items[42].vector, b.items[42].vector);
/// assert!(flaneur::catalog::Catalog::from_json(a).is_ok());
/// ```
pub fn catalog(seed: u64, shape: Shape) -> CatalogJson {
    let mut rng = Rng::new(seed);
    let leaves = shape.leaves.max(1);
    let directions: Vec<Vec<f32>> =
        (0..leaves).map(|_| (0..shape.dims).map(|_| rng.unit() * 2.0 - 1.0).collect()).collect();
    let facet_names: Vec<String> = (0..shape.facets).map(|f| format!("facet{f}")).collect();
    let items = (0..shape.items)
        .map(|i| {
            let leaf = rng.below(leaves);
            let vector =
                directions[leaf].iter().map(|d| d + 0.6 * (rng.unit() * 2.0 - 1.0)).collect();
            let attributes =
                facet_names.iter().map(|f| (f.clone(), format!("v{}", rng.below(8)))).collect();
            ItemJson {
                id: format!("sku-{i:07}"),
                title: format!("Item {i}"),
                category: format!("Dept {} > Cat {} > Leaf {leaf}", leaf / 10, leaf / 3),
                attributes,
                price: Some(5.0 + rng.unit() as f64 * 200.0),
                currency: Some("EUR".into()),
                available: rng.unit() > 0.03,
                popularity: rng.unit(),
                released: None,
                sensitive: None,
                vector: (shape.dims > 0).then_some(vector),
                url: None,
                image: None,
                bought_with: Vec::new(),
            }
        })
        .collect();
    CatalogJson {
        version: 1,
        shop: "synthetic".into(),
        dims: shape.dims,
        vector_kind: VectorKind::Content,
        facets: facet_names
            .into_iter()
            .map(|f| (f, FacetJson { divergence: true }))
            .collect::<SortedMap<_, _>>(),
        items,
    }
}

/// Gives `catalog` a seeded random sequence model of `shape` (its dims
/// become the catalog's): item embeddings are the catalog's own vectors
/// projected to `shape.dims` (so items of one leaf stay close), weights small
/// and random. For tests and benchmarks: the arithmetic, not the predictions,
/// is what it exercises.
///
/// ```
/// use flaneur::catalog::{Catalog, ModelShape};
/// use flaneur::testkit::{catalog, with_random_sequence_model, Shape};
/// let mut c = Catalog::from_json(catalog(1, Shape { items: 50, ..Shape::default() })).unwrap();
/// let shape = ModelShape { dims: 8, heads: 2, max_len: 16, ffn: 8, blocks: 2, events: true };
/// with_random_sequence_model(&mut c, shape, 3).unwrap();
/// assert_eq!(c.vectors().dims(), 8);
/// ```
pub fn with_random_sequence_model(
    catalog: &mut crate::catalog::Catalog,
    shape: crate::catalog::ModelShape,
    seed: u64,
) -> crate::error::Result<()> {
    let mut rng = Rng::new(seed);
    let mut gaussian = || (0..4).map(|_| rng.unit()).sum::<f32>() - 2.0;
    let values = (0..shape.value_count()).map(|_| gaussian() * 0.15).collect();
    let model = crate::catalog::SequenceModel::from_values(shape, values)?;
    let from = catalog.vectors().dims();
    let projection: Vec<f32> = (0..from * shape.dims).map(|_| gaussian()).collect();
    let mut embeddings = vec![0.0f32; catalog.len() * shape.dims];
    for (item, out) in embeddings.chunks_exact_mut(shape.dims).enumerate() {
        if from == 0 {
            out.iter_mut().for_each(|x| *x = gaussian());
            continue;
        }
        let v = catalog.vectors().dequantize(item);
        for (k, o) in out.iter_mut().enumerate() {
            *o = v.iter().enumerate().map(|(j, x)| x * projection[j * shape.dims + k]).sum::<f32>();
        }
    }
    catalog.set_sequence_model(model, &embeddings)
}
