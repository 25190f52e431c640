//! The shopper's bubble: the categories and facet values the profile is sure of.

use crate::catalog::{Catalog, CategoryId, FacetValueId};
use crate::rank::relevance::Scorer;

/// Category evidence from which a category can anchor a divergence.
pub const ANCHOR_EVIDENCE: f32 = 0.3;
/// Facet-value evidence from which a value is inside the bubble: a clear
/// preference (about two interactions), so a value seen once is still a
/// direction to step to.
pub const INSIDE_EVIDENCE: f32 = 0.4;
/// Evidence from which the shopper's strongest value of a facet is a clear
/// preference (about two interactions): only such facets are axes to step
/// along; a facet without one constrains nothing.
pub const TOP_EVIDENCE: f32 = 0.4;
/// Most anchors.
pub const MAX_ANCHORS: usize = 3;

/// The core of the shopper's tastes, at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Bubble {
    /// Categories below the department level the shopper likes, strongest
    /// first; no anchor is an ancestor of another.
    pub anchors: Vec<(CategoryId, f32)>,
    /// Per facet (by index): the shopper's strongest value and its evidence,
    /// when it is a clear preference ([`TOP_EVIDENCE`]).
    pub tops: Vec<Option<(FacetValueId, f32)>>,
    /// Per facet value id: whether it is inside the bubble.
    pub inside: Vec<bool>,
}

impl Bubble {
    /// Reads the bubble off a scorer (evidence already decayed to its moment).
    pub fn new(catalog: &Catalog, scorer: &Scorer<'_>) -> Self {
        let taxonomy = catalog.taxonomy();
        let mut nodes: Vec<(CategoryId, f32)> = (0..taxonomy.len() as CategoryId)
            .filter(|&n| taxonomy.depth(n) >= 1)
            .map(|n| (n, scorer.category_evidence(n)))
            .filter(|&(_, e)| e >= ANCHOR_EVIDENCE)
            .collect();
        // Strongest first; among equals the more specific (deeper) category.
        crate::util::sort::sort_by(&mut nodes, |a, b| {
            b.1.total_cmp(&a.1)
                .then(taxonomy.depth(b.0).cmp(&taxonomy.depth(a.0)))
                .then(a.0.cmp(&b.0))
        });
        let mut anchors: Vec<(CategoryId, f32)> = Vec::new();
        for (node, evidence) in nodes {
            let related = anchors.iter().any(|&(a, _)| {
                taxonomy.lineage(node).any(|n| n == a) || taxonomy.lineage(a).any(|n| n == node)
            });
            if !related {
                anchors.push((node, evidence));
            }
            if anchors.len() == MAX_ANCHORS {
                break;
            }
        }
        let inside: Vec<bool> = (0..catalog.facet_value_count() as u32)
            .map(|v| scorer.facet_evidence(v) >= INSIDE_EVIDENCE)
            .collect();
        let mut tops: Vec<Option<(FacetValueId, f32)>> = vec![None; catalog.facets().len()];
        for v in 0..catalog.facet_value_count() as u32 {
            let evidence = scorer.facet_evidence(v);
            if evidence < TOP_EVIDENCE {
                continue;
            }
            let (facet, _) = catalog.facet_value(v);
            let slot = &mut tops[facet as usize];
            if slot.is_none_or(|(_, best)| evidence > best) {
                *slot = Some((v, evidence));
            }
        }
        Self { anchors, tops, inside }
    }

    /// Whether the bubble has anything to diverge from.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }
}
