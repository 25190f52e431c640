//! Items one step outside the bubble, and the direction each one takes.

use super::{Bubble, CATEGORY_AXIS, Direction};
use crate::catalog::{Catalog, CategoryId};

/// An item outside the bubble, the direction it takes, and how far.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The item's position.
    pub index: usize,
    /// Where it leads.
    pub direction: Direction,
    /// The shopper's own value on the axis (or the anchor category's path).
    pub from: String,
    /// 1 for one step outside; 2 for two (offered only after an accepted divergence).
    pub steps: u8,
}

/// Every eligible item that keeps an anchor the shopper likes and changes
/// exactly one divergence facet to a value outside the bubble (red → navy
/// sweaters), or that sits in a sibling category of an anchor with the
/// shopper's values on every divergence facet. With `farther`, items two steps
/// out (two facets changed, or a sibling category and one facet) qualify too;
/// their direction is their first changed axis.
pub fn candidates(
    catalog: &Catalog,
    bubble: &Bubble,
    eligible: impl Fn(usize) -> bool,
    farther: bool,
) -> Vec<Candidate> {
    let taxonomy = catalog.taxonomy();
    let max_steps = if farther { 2 } else { 1 };
    let places = places(catalog, bubble);
    let mut out = Vec::new();
    for index in 0..catalog.len() {
        let item = catalog.item(index);
        // Cheap structural test first (a table per taxonomy node), then the caller's filter.
        let Some(place) = places[item.category() as usize] else { continue };
        if !eligible(index) {
            continue;
        }
        // Divergence facets on which the item leaves the bubble.
        let mut changed: Vec<(u16, &str)> = Vec::new();
        for &value in item.facet_value_ids() {
            let (facet, text) = catalog.facet_value(value);
            let divergence = catalog.facets().get(facet as usize).is_some_and(|f| f.divergence);
            let top = bubble.tops.get(facet as usize).copied().flatten();
            if divergence && top.is_some() && !bubble.inside.get(value as usize).copied().unwrap_or(false) {
                changed.push((facet, text));
            }
        }
        let steps = changed.len() + usize::from(place.sibling.is_some());
        if steps == 0 || steps > max_steps {
            continue;
        }
        let anchor_path = taxonomy.path(place.anchor).to_owned();
        let (direction, from) = match place.sibling {
            Some(level) => {
                let to = taxonomy.path(level).to_owned();
                (Direction { anchor: anchor_path.clone(), axis: CATEGORY_AXIS.into(), to }, anchor_path)
            }
            None => {
                let (facet, to) = changed[0];
                let from = bubble.tops[facet as usize].map(|(v, _)| catalog.facet_value(v).1.to_owned()).unwrap_or_default();
                let axis = catalog.facets()[facet as usize].name.clone();
                (Direction { anchor: anchor_path, axis, to: to.to_owned() }, from)
            }
        };
        out.push(Candidate { index, direction, from, steps: steps as u8 });
    }
    out
}

/// Where a taxonomy node stands relative to the bubble's anchors.
#[derive(Clone, Copy)]
struct Place {
    /// The anchor the node lies under, or whose sibling it lies under.
    anchor: CategoryId,
    /// For a node under a sibling of the anchor: that sibling.
    sibling: Option<CategoryId>,
}

/// For every taxonomy node, its place: under an anchor (strongest anchor
/// first), under a sibling of an anchor, or nowhere one step can reach.
fn places(catalog: &Catalog, bubble: &Bubble) -> Vec<Option<Place>> {
    let taxonomy = catalog.taxonomy();
    (0..taxonomy.len() as CategoryId)
        .map(|node| {
            bubble.anchors.iter().find_map(|&(anchor, _)| {
                // The node's category at the anchor's level: the anchor itself, a sibling of it, or neither.
                let level = taxonomy.lineage(node).nth(taxonomy.depth(anchor))?;
                if level == anchor {
                    Some(Place { anchor, sibling: None })
                } else if taxonomy.parent(level).is_some() && taxonomy.parent(level) == taxonomy.parent(anchor) {
                    Some(Place { anchor, sibling: Some(level) })
                } else {
                    None
                }
            })
        })
        .collect()
}
