//! The links of a part's items (product page and image), taken out of its
//! catalog so that a page can keep them outside WebAssembly memory: they are
//! a third of what a catalog holds, and only a shelf reads them, a few at a time.

use super::Catalog;

/// Marks an absent link in [`Links::ends`]; the other bits are where the
/// link would end (the previous link's end), so that the next one starts there.
pub const ABSENT: u32 = 1 << 31;

/// Each item's `url` and `image`, item after item: their UTF-8 text run
/// together, and per item two ends, the url's then the image's (slot `2i`
/// and `2i + 1`), [`ABSENT`] set on a link the item does not have.
///
/// ```
/// use flaneur::catalog::Catalog;
/// let mut part = Catalog::from_json_str(r#"{"version":1,"shop":"s","items":[
///   {"id":"a","title":"A","category":"K","url":"/p/a","image":"/i/a.jpg"},
///   {"id":"b","title":"B","category":"K","image":""}]}"#).unwrap();
/// let links = part.take_links();
/// assert_eq!((links.url(0), links.image(0)), (Some("/p/a"), Some("/i/a.jpg")));
/// assert_eq!((links.url(1), links.image(1)), (None, Some("")));
/// assert_eq!(part.item(0).url(), None, "the catalog holds them no more");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Links {
    /// The links' text, slot after slot.
    pub text: Vec<u8>,
    /// Per slot, where its link ends in `text`, [`ABSENT`] set when there is none.
    pub ends: Vec<u32>,
}

impl Links {
    /// Number of items.
    pub fn len(&self) -> usize {
        self.ends.len() / 2
    }

    /// Whether it holds no item.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Item `item`'s product page; `None` when it has none or is out of range.
    pub fn url(&self, item: usize) -> Option<&str> {
        self.link(item.checked_mul(2)?)
    }

    /// Item `item`'s image address; `None` when it has none or is out of range.
    pub fn image(&self, item: usize) -> Option<&str> {
        self.link(item.checked_mul(2)?.checked_add(1)?)
    }

    fn link(&self, slot: usize) -> Option<&str> {
        let end = *self.ends.get(slot)?;
        let before = slot.checked_sub(1).map(|s| self.ends[s]);
        let span = Self::span(before, end)?;
        std::str::from_utf8(self.text.get(span)?).ok()
    }

    /// Where a link lies in the text, from its slot's end and the previous
    /// slot's (`None` for the first slot): `None` when the link is absent or
    /// the ends are out of order. What a page keeping `text` and `ends`
    /// elsewhere reads with.
    pub fn span(before: Option<u32>, end: u32) -> Option<std::ops::Range<usize>> {
        if end & ABSENT != 0 {
            return None;
        }
        let start = before.map_or(0, |b| b & !ABSENT) as usize;
        let end = end as usize;
        (start <= end).then_some(start..end)
    }

    fn push(&mut self, link: Option<&str>) {
        if let Some(link) = link {
            self.text.extend_from_slice(link.as_bytes());
        }
        // A part's text stays far below 2 GiB (its file is bounded).
        let end = self.text.len() as u32 & !ABSENT;
        self.ends.push(if link.is_some() { end } else { end | ABSENT });
    }
}

impl Catalog {
    /// Takes every item's links out of the catalog, item after item: the
    /// items then have none, and a catalog joined from this one holds none
    /// (its strings keep them until it is dropped, as a part opened only to be
    /// joined is). A page keeps them where a shelf reads them
    /// (`Personalizer.items`).
    pub fn take_links(&mut self) -> Links {
        let n = self.len();
        let mut links = Links { text: Vec::with_capacity(n * 64), ends: Vec::with_capacity(2 * n) };
        for i in 0..n {
            let item = self.item(i);
            let (url, image) = (item.url(), item.image());
            links.push(url);
            links.push(image);
        }
        links.text.shrink_to_fit();
        (self.columns.url, self.columns.image) = (Vec::new(), Vec::new());
        links
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn every_link_comes_out_in_item_order_and_the_catalog_keeps_none() {
        use crate::testkit::{Shape, catalog};
        let mut json = catalog(5, Shape { items: 200, dims: 4, leaves: 6, facets: 2 });
        for (k, item) in json.items.iter_mut().enumerate() {
            item.url = (k % 3 != 0).then(|| format!("/p/{k}/é"));
            item.image = (k % 5 != 0)
                .then(|| if k % 7 == 0 { String::new() } else { format!("/i/{}", k % 9) });
        }
        let whole = Catalog::from_json(json).unwrap();
        let mut taken = whole.clone();
        let links = taken.take_links();
        assert_eq!(links.len(), whole.len());
        for item in whole.iter() {
            let i = item.index();
            assert_eq!((links.url(i), links.image(i)), (item.url(), item.image()), "item {i}");
            assert_eq!((taken.item(i).url(), taken.item(i).image()), (None, None));
        }
        assert_eq!((links.url(whole.len()), links.image(usize::MAX)), (None, None));
        // No column is spent on links the catalog does not hold, nor on a catalog joined from it.
        let mut parts = whole.split(1, 20).unwrap();
        parts.iter_mut().for_each(|part| drop(part.take_links()));
        let joined = Catalog::from_parts(&parts).unwrap();
        for c in [&taken.columns, &joined.columns] {
            assert_eq!((c.url.capacity(), c.image.capacity()), (0, 0));
        }
        assert_eq!(whole.columns.url.len(), whole.len(), "the catalog with links has the column");
        // Everything else is the catalog's still.
        assert!(
            whole.iter().zip(taken.iter()).all(|(a, b)| a.id() == b.id() && a.title() == b.title())
        );
    }

    #[test]
    fn a_span_out_of_order_or_absent_is_none() {
        assert_eq!(Links::span(None, 3), Some(0..3));
        assert_eq!(Links::span(Some(3 | ABSENT), 5), Some(3..5));
        assert_eq!(Links::span(Some(4), 3), None);
        assert_eq!(Links::span(Some(1), 4 | ABSENT), None);
    }
}
