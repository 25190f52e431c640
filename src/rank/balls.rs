//! One ball per category around its items' vectors, for a bound on the
//! vector signal that needs no dot product per item.
//!
//! For a category with items `yᵢ` (as stored: dequantized), centre `m` (their
//! mean) and radius `R = maxᵢ |yᵢ − m|`, any query `u` gives
//! `u · yᵢ = u · m + u · (yᵢ − m) ≤ u · m + |u| R` (Cauchy–Schwarz). A heavy
//! profile knows many categories, so the category signal alone no longer rules
//! them out; this bound does, for the categories whose items point elsewhere.
//! Computed once per catalog, O(n · d).

use crate::catalog::Catalog;

/// Relative and absolute slack added to a ball's bound, so that it holds
/// whatever the rounding of the int8 dot product it bounds.
const SLACK: (f32, f32) = (1e-4, 1e-5);

/// Per taxonomy node, the ball around its own items' vectors.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeBalls {
    dims: usize,
    /// `dims` floats per node: the centre (zero for a node without items).
    centres: Vec<f32>,
    /// Per node: the radius (0 without items).
    radii: Vec<f32>,
    /// Per item: the length of its stored vector.
    norms: Vec<f32>,
}

impl NodeBalls {
    /// The balls of every node of `catalog` (none when it has no vectors).
    pub fn new(catalog: &Catalog) -> Self {
        let vectors = catalog.vectors();
        let dims = vectors.dims();
        let nodes = catalog.taxonomy().len();
        let mut centres = vec![0.0f32; nodes * dims];
        let mut radii = vec![0.0f32; nodes];
        if dims == 0 || vectors.len() != catalog.len() {
            return Self { dims: 0, centres: Vec::new(), radii, norms: Vec::new() };
        }
        let norms = (0..vectors.len()).map(|i| vectors.norm(i)).collect();
        let mut sum = vec![0.0f64; dims];
        for node in 0..nodes {
            let items = catalog.items_in(node as u32);
            if items.is_empty() {
                continue;
            }
            sum.iter_mut().for_each(|s| *s = 0.0);
            for &i in items {
                let (codes, scale) = vectors.get(i as usize);
                for (s, &c) in sum.iter_mut().zip(codes.iter()) {
                    *s += f64::from(c) * f64::from(scale);
                }
            }
            let centre = &mut centres[node * dims..(node + 1) * dims];
            for (c, s) in centre.iter_mut().zip(&sum) {
                *c = (*s / items.len() as f64) as f32;
            }
            let mut radius = 0.0f64;
            for &i in items {
                let (codes, scale) = vectors.get(i as usize);
                let d2: f64 = codes
                    .iter()
                    .zip(centre.iter())
                    .map(|(&c, &m)| {
                        let d = f64::from(c) * f64::from(scale) - f64::from(m);
                        d * d
                    })
                    .sum();
                radius = radius.max(d2.sqrt());
            }
            radii[node] = radius as f32;
        }
        Self { dims, centres, radii, norms }
    }

    /// An upper bound of `u · yᵢ` for item `i` alone, given `|u|`: `|u| |yᵢ|`
    /// (+∞ when unknown). Item factors' lengths vary (a rarely bought item's
    /// is short), so it rules out many items a category's ball lets through.
    #[inline(always)]
    pub fn item_bound(&self, index: usize, norm: f32) -> f32 {
        match self.norms.get(index) {
            Some(&length) => {
                let bound = length * norm;
                bound + bound.abs() * SLACK.0 + SLACK.1
            }
            None => f32::INFINITY,
        }
    }

    /// Dimensions of the vectors (0: no balls).
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// An upper bound of `u · yᵢ` for every item `i` of `node`, given `u`
    /// and its norm; +∞ when unknown.
    pub fn bound(&self, node: usize, u: &[f32], norm: f32) -> f32 {
        let (Some(centre), Some(&radius)) =
            (self.centres.get(node * self.dims..(node + 1) * self.dims), self.radii.get(node))
        else {
            return f32::INFINITY;
        };
        if self.dims == 0 || u.len() != self.dims {
            return f32::INFINITY;
        }
        let dot: f64 = centre.iter().zip(u).map(|(&m, &x)| f64::from(m) * f64::from(x)).sum();
        let bound = (dot + f64::from(norm) * f64::from(radius)) as f32;
        bound + bound.abs() * SLACK.0 + SLACK.1
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_bound_holds_for_every_item_and_is_tight_for_a_tight_cluster() {
        let catalog = Catalog::from_json_str(
            r#"{"version":1,"shop":"s","dims":3,"items":[
              {"id":"a","title":"A","category":"X","vector":[1,0.1,0]},
              {"id":"b","title":"B","category":"X","vector":[1,0,0.1]},
              {"id":"c","title":"C","category":"Y","vector":[0,0,1]}]}"#,
        )
        .unwrap();
        let balls = NodeBalls::new(&catalog);
        let u = [0.0f32, 0.0, 1.0];
        for i in 0..3 {
            let node = catalog.item(i).category() as usize;
            let y = catalog.vectors().dequantize(i);
            let dot: f32 = y.iter().zip(&u).map(|(a, b)| a * b).sum();
            assert!(dot <= balls.bound(node, &u, 1.0), "item {i}");
        }
        let x = catalog.item(0).category() as usize;
        assert!(balls.bound(x, &u, 1.0) < 0.2, "X points elsewhere: {}", balls.bound(x, &u, 1.0));
    }
}
