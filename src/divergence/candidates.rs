//! Items one step outside the bubble, and the direction each one takes.

use super::{Bubble, CATEGORY_AXIS, Direction};
use crate::catalog::Catalog;

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
    let mut out = Vec::new();
    for index in (0..catalog.len()).filter(|&i| eligible(i)) {
        let item = catalog.item(index);
        let leaf = item.category();
        for &(anchor, _) in &bubble.anchors {
            // The item's category at the anchor's level: the anchor itself, a sibling of it, or neither.
            let Some(level) = taxonomy.lineage(leaf).nth(taxonomy.depth(anchor)) else { continue };
            let under = level == anchor;
            let sibling = !under && taxonomy.parent(level).is_some() && taxonomy.parent(level) == taxonomy.parent(anchor);
            if !under && !sibling {
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
            let steps = changed.len() + usize::from(sibling);
            if steps == 0 || steps > max_steps {
                continue;
            }
            let anchor_path = taxonomy.path(anchor).to_owned();
            let (direction, from) = if sibling {
                let to = taxonomy.path(level).to_owned();
                (Direction { anchor: anchor_path.clone(), axis: CATEGORY_AXIS.into(), to }, anchor_path)
            } else {
                let (facet, to) = changed[0];
                let from = bubble.tops[facet as usize].map(|(v, _)| catalog.facet_value(v).1.to_owned()).unwrap_or_default();
                let axis = catalog.facets()[facet as usize].name.clone();
                (Direction { anchor: anchor_path, axis, to: to.to_owned() }, from)
            };
            out.push(Candidate { index, direction, from, steps: steps as u8 });
            break;
        }
    }
    out
}
