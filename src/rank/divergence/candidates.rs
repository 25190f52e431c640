//! Items one step outside the bubble, and the direction each one takes.

use std::collections::HashMap;

use super::Bubble;
use crate::catalog::{Catalog, CategoryId, ItemRef};
use crate::profile::divergence::{CATEGORY_AXIS, Direction};

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

/// The items outside the bubble that lead one way, and how far each one is.
#[derive(Debug, Clone, PartialEq)]
pub struct Way {
    /// Where they lead.
    pub direction: Direction,
    /// The shopper's own value on the axis (or the anchor category's path).
    pub from: String,
    /// `(position, steps)` of each item, category after category.
    pub items: Vec<(usize, u8)>,
}

/// Every eligible item that keeps an anchor the shopper likes and changes
/// exactly one divergence facet to a value outside the bubble (red → navy
/// sweaters), or that sits in a sibling category of an anchor with the
/// shopper's values on every divergence facet, grouped by direction, the
/// directions in order. With `farther`, items two steps out (two facets
/// changed, or a sibling category and one facet) qualify too; their direction
/// is their first changed axis.
///
/// One pass over the items of the categories one step can reach (the
/// catalog's per-category lists), with no allocation per item: directions are
/// keyed by ids while scanning, and their names are spelled once per direction.
///
/// `listed` gives the positions of a category's items to look at (a
/// category's list in the catalog, or fewer when the caller knows the others
/// are not allowed); `allowed` is asked first and must be cheap (a hidden
/// item fails it before its facets are read); `eligible` (which may score the
/// item) is asked of the items that go one way.
pub fn ways<'c>(
    catalog: &'c Catalog,
    bubble: &Bubble,
    listed: impl Fn(CategoryId) -> &'c [u32],
    allowed: impl Fn(ItemRef<'c>) -> bool,
    eligible: impl Fn(ItemRef<'c>) -> bool,
    farther: bool,
) -> Vec<Way> {
    let taxonomy = catalog.taxonomy();
    let max_steps = if farther { 2 } else { 1 };
    let places = places(catalog, bubble);
    // Per facet value: whether an item with it leaves the bubble on a divergence facet.
    let outward: Vec<bool> = (0..catalog.facet_value_count() as u32)
        .map(|value| {
            let (facet, _) = catalog.facet_value(value);
            catalog.facets().get(facet as usize).is_some_and(|f| f.divergence)
                && bubble.tops.get(facet as usize).copied().flatten().is_some()
                && !bubble.inside.get(value as usize).copied().unwrap_or(false)
        })
        .collect();
    // (anchor, facet or `u32::MAX` for a sibling category, value id or sibling category) → way.
    let mut way_of: HashMap<(CategoryId, u32, u32), usize> = HashMap::new();
    // The last key looked up: a category's items mostly go the same way.
    let mut last: Option<((CategoryId, u32, u32), usize)> = None;
    let mut ways: Vec<Way> = Vec::new();
    // Only the categories one step can reach, through their item lists; the
    // caller's filter (which may score the item) comes after the cheap
    // structural tests.
    let reachable =
        places.iter().enumerate().filter_map(|(node, place)| Some((node as CategoryId, (*place)?)));
    for (node, place) in reachable {
        let listed = listed(node);
        // A node's own list: its items come with their rows.
        let first_row = if listed.len() == catalog.items_in(node).len() {
            catalog.first_row_of(node)
        } else {
            None
        };
        for (at, &index) in listed.iter().enumerate() {
            let index = index as usize;
            let item = match first_row {
                Some(first) => catalog.item_at_row(index, first + at),
                None => catalog.item(index),
            };
            if !allowed(item) {
                continue;
            }
            // Divergence facets on which the item leaves the bubble: how many, and the first.
            let mut changed = 0usize;
            let mut first: Option<(u16, u32)> = None;
            for value in item.facet_value_ids().iter() {
                if outward.get(value as usize).copied().unwrap_or(false) {
                    changed += 1;
                    first = first.or_else(|| Some((catalog.facet_value(value).0, value)));
                }
            }
            let steps = changed + usize::from(place.sibling.is_some());
            if steps == 0 || steps > max_steps || !eligible(item) {
                continue;
            }
            let key = match (place.sibling, first) {
                (Some(level), _) => (place.anchor, u32::MAX, level),
                (None, Some((facet, value))) => (place.anchor, facet as u32, value),
                (None, None) => continue, // steps ≥ 1 without a sibling means a changed facet
            };
            if let Some((_, way)) = last.filter(|&(known, _)| known == key) {
                ways[way].items.push((index, steps as u8));
                continue;
            }
            let way = *way_of.entry(key).or_insert_with(|| {
                let anchor_path = taxonomy.path(place.anchor).to_owned();
                let (direction, from) = match place.sibling {
                    Some(level) => {
                        let to = taxonomy.path(level).to_owned();
                        (
                            Direction {
                                anchor: anchor_path.clone(),
                                axis: CATEGORY_AXIS.into(),
                                to,
                            },
                            anchor_path,
                        )
                    }
                    None => {
                        let (facet, value) = (key.1 as usize, key.2);
                        let from = bubble.tops[facet]
                            .map(|(v, _)| catalog.facet_value(v).1.to_owned())
                            .unwrap_or_default();
                        let axis = catalog.facets()[facet].name.clone();
                        (
                            Direction {
                                anchor: anchor_path,
                                axis,
                                to: catalog.facet_value(value).1.to_owned(),
                            },
                            from,
                        )
                    }
                };
                ways.push(Way { direction, from, items: Vec::new() });
                ways.len() - 1
            });
            ways[way].items.push((index, steps as u8));
            last = Some((key, way));
        }
    }
    crate::util::sort::sort_by(&mut ways, |a, b| a.direction.cmp(&b.direction));
    ways
}

/// [`ways`], one entry per item, by position.
pub fn candidates(
    catalog: &Catalog,
    bubble: &Bubble,
    eligible: impl Fn(usize) -> bool,
    farther: bool,
) -> Vec<Candidate> {
    let listed = |node| catalog.items_in(node);
    let eligible = |item: ItemRef<'_>| eligible(item.index());
    let mut out: Vec<Candidate> = ways(catalog, bubble, listed, |_| true, eligible, farther)
        .into_iter()
        .flat_map(|w| {
            let (direction, from) = (w.direction, w.from);
            w.items.into_iter().map(move |(index, steps)| Candidate {
                index,
                direction: direction.clone(),
                from: from.clone(),
                steps,
            })
        })
        .collect();
    crate::util::sort::sort_by_key(&mut out, |c| c.index);
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
                // The node's category at the anchor's level: the anchor itself, a sibling of
                // it, or neither.
                let level = taxonomy.lineage(node).nth(taxonomy.depth(anchor))?;
                if level == anchor {
                    Some(Place { anchor, sibling: None })
                } else if taxonomy.parent(level).is_some()
                    && taxonomy.parent(level) == taxonomy.parent(anchor)
                {
                    Some(Place { anchor, sibling: Some(level) })
                } else {
                    None
                }
            })
        })
        .collect()
}

/// Whether the items at `personal` already cover where `way` leads: an item
/// under its sibling category, or an item under its anchor with the value it
/// steps to. Such a step is no divergence: the personal part of the slate
/// shows it already.
pub fn covered(catalog: &Catalog, way: &Way, personal: &[usize]) -> bool {
    let taxonomy = catalog.taxonomy();
    let under = |index: usize, node: CategoryId| {
        taxonomy.lineage(catalog.item(index).category()).any(|n| n == node)
    };
    let direction = &way.direction;
    if direction.axis == CATEGORY_AXIS {
        let Some(sibling) = taxonomy.find(&direction.to) else { return false };
        return personal.iter().any(|&i| under(i, sibling));
    }
    let (Some(anchor), Some(facet)) =
        (taxonomy.find(&direction.anchor), catalog.facet_index(&direction.axis))
    else {
        return false;
    };
    let Some(value) = catalog.find_facet_value(facet, &direction.to) else { return false };
    personal.iter().any(|&i| under(i, anchor) && catalog.item(i).facet_value_ids().contains(value))
}
