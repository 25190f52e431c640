//! What only a shelf reads of a part's items (title, product page, image),
//! taken out of its catalog so that a page can keep it outside WebAssembly
//! memory: nearly half of what a part holds, read a few items at a time.

use super::Catalog;
use super::strings::{NO_STR, StrId};

/// Marks an absent text in [`ShelfText::ends`]; the other bits are where it
/// would end (the previous one's end), so that the next one starts there.
pub const ABSENT: u32 = 1 << 31;

/// Each item's `title`, `url` and `image`, item after item: their UTF-8 text
/// run together, and per item three ends, the title's, the url's, then the
/// image's (slots `3i`, `3i + 1` and `3i + 2`), [`ABSENT`] set on a link the
/// item does not have.
///
/// ```
/// use flaneur::catalog::Catalog;
/// let mut part = Catalog::from_json_str(r#"{"version":1,"shop":"s","items":[
///   {"id":"a","title":"A","category":"K","url":"/p/a","image":"/i/a.jpg"},
///   {"id":"b","title":"B","category":"K","image":""}]}"#).unwrap();
/// let shelf = part.take_shelf_text();
/// assert_eq!((shelf.title(0), shelf.url(0)), (Some("A"), Some("/p/a")));
/// assert_eq!(shelf.image(0), Some("/i/a.jpg"));
/// assert_eq!((shelf.url(1), shelf.image(1)), (None, Some("")));
/// assert_eq!((part.item(0).title(), part.item(0).url()), ("", None), "the catalog holds none");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShelfText {
    /// The text, slot after slot.
    pub text: Vec<u8>,
    /// Per slot, where its text ends in `text`, [`ABSENT`] set when there is none.
    pub ends: Vec<u32>,
}

impl ShelfText {
    /// Slots per item: title, url, image.
    pub const SLOTS: usize = 3;

    /// Number of items.
    pub fn len(&self) -> usize {
        self.ends.len() / Self::SLOTS
    }

    /// Whether it holds no item.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Item `item`'s title; `None` when it is out of range.
    pub fn title(&self, item: usize) -> Option<&str> {
        self.slot(item.checked_mul(Self::SLOTS)?)
    }

    /// Item `item`'s product page; `None` when it has none or is out of range.
    pub fn url(&self, item: usize) -> Option<&str> {
        self.slot(item.checked_mul(Self::SLOTS)?.checked_add(1)?)
    }

    /// Item `item`'s image address; `None` when it has none or is out of range.
    pub fn image(&self, item: usize) -> Option<&str> {
        self.slot(item.checked_mul(Self::SLOTS)?.checked_add(2)?)
    }

    fn slot(&self, slot: usize) -> Option<&str> {
        let end = *self.ends.get(slot)?;
        let before = slot.checked_sub(1).map(|s| self.ends[s]);
        let span = Self::span(before, end)?;
        std::str::from_utf8(self.text.get(span)?).ok()
    }

    /// Where a slot's text lies, from its end and the previous slot's
    /// (`None` for the first slot): `None` when the text is absent or
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

    fn push(&mut self, text: Option<&str>) {
        if let Some(text) = text {
            self.text.extend_from_slice(text.as_bytes());
        }
        // A part's text stays far below 2 GiB (its file is bounded).
        let end = self.text.len() as u32 & !ABSENT;
        self.ends.push(if text.is_some() { end } else { end | ABSENT });
    }
}

impl Catalog {
    /// Takes every item's title and links out of the catalog, item after
    /// item: the items then have none (a title is `""`), and the catalog's
    /// string arena keeps only the strings it still uses. A page keeps them
    /// where a shelf reads them (`Personalizer.items`) and names from them
    /// the items an explanation cites ([`crate::rank::explain::Signal::item`]).
    /// Such a catalog is a page's; it is not written to a file.
    pub fn take_shelf_text(&mut self) -> ShelfText {
        let n = self.len();
        let mut shelf = ShelfText {
            text: Vec::with_capacity(n * 96),
            ends: Vec::with_capacity(ShelfText::SLOTS * n),
        };
        for i in 0..n {
            let item = self.item(i);
            let (title, url, image) = (item.title(), item.url(), item.image());
            shelf.push(Some(title));
            shelf.push(url);
            shelf.push(image);
        }
        shelf.text.shrink_to_fit();
        let c = &mut self.columns;
        (c.title, c.url, c.image) = (Vec::new(), Vec::new(), Vec::new());
        self.keep_used_strings();
        shelf
    }

    /// Rebuilds the string arena with only the strings the catalog uses:
    /// the facet values, then each item's id, currency, release date and
    /// sensitive class, in that order (the facet values' order by text is
    /// kept, their ids change).
    fn keep_used_strings(&mut self) {
        let old = std::mem::take(&mut self.strings);
        let mut map = vec![NO_STR; old.len()];
        let kept = &mut self.strings;
        let mut keep = |id: &mut StrId| {
            let Some(slot) = map.get_mut(*id as usize) else { return };
            if *slot == NO_STR {
                kept.text.push_str(old.get(*id));
                kept.ends.push(kept.text.len() as u32);
                *slot = (kept.ends.len() - 1) as StrId;
            }
            *id = *slot;
        };
        for (_, value) in &mut self.facet_values {
            keep(value);
        }
        let c = &mut self.columns;
        for column in [&mut c.id, &mut c.currency, &mut c.released, &mut c.sensitive] {
            column.iter_mut().for_each(&mut keep);
        }
        if let Some(currency) = &mut c.currency_all {
            keep(currency);
        }
        self.strings.text.shrink_to_fit();
        self.strings.ends.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn every_title_and_link_comes_out_in_item_order_and_the_catalog_keeps_none() {
        use crate::testkit::{Shape, catalog};
        let mut json = catalog(5, Shape { items: 200, dims: 4, leaves: 6, facets: 2 });
        for (k, item) in json.items.iter_mut().enumerate() {
            item.url = (k % 3 != 0).then(|| format!("/p/{k}/é"));
            item.image = (k % 5 != 0)
                .then(|| if k % 7 == 0 { String::new() } else { format!("/i/{}", k % 9) });
        }
        let whole = Catalog::from_json(json).unwrap();
        let mut taken = whole.clone();
        let links = taken.take_shelf_text();
        assert_eq!(links.len(), whole.len());
        for item in whole.iter() {
            let i = item.index();
            assert_eq!((links.url(i), links.image(i)), (item.url(), item.image()), "item {i}");
            assert_eq!(links.title(i), Some(item.title()));
            let gone = taken.item(i);
            assert_eq!((gone.title(), gone.url(), gone.image()), ("", None, None));
        }
        assert_eq!((links.url(whole.len()), links.image(usize::MAX)), (None, None));
        // No column is spent on links the catalog does not hold, nor on a catalog joined from it.
        let mut parts = whole.split(1, 20).unwrap();
        parts.iter_mut().for_each(|part| drop(part.take_shelf_text()));
        let joined = Catalog::from_parts(&parts).unwrap();
        for c in [&taken.columns, &joined.columns] {
            assert_eq!((c.title.capacity(), c.url.capacity(), c.image.capacity()), (0, 0, 0));
        }
        assert_eq!(whole.columns.url.len(), whole.len(), "the catalog with links has the column");
        // Everything else is the catalog's still, and its arena holds no title or link.
        assert!(whole.iter().zip(taken.iter()).all(|(a, b)| a.id() == b.id()
            && a.category() == b.category()
            && a.price() == b.price()
            && a.currency() == b.currency()
            && a.attributes().eq(b.attributes())
            && taken.index_of(a.id()) == Some(a.index())));
        let title = whole.item(0).title();
        assert!(!title.is_empty() && whole.strings.text.contains(title));
        assert!(!taken.strings.text.contains(title) && !taken.strings.text.contains("/p/"));
        let ids: usize = whole.iter().map(|item| item.id().len()).sum();
        assert!(taken.strings.text.len() < ids + 400, "{} bytes", taken.strings.text.len());
    }

    #[test]
    fn a_span_out_of_order_or_absent_is_none() {
        assert_eq!(ShelfText::span(None, 3), Some(0..3));
        assert_eq!(ShelfText::span(Some(3 | ABSENT), 5), Some(3..5));
        assert_eq!(ShelfText::span(Some(4), 3), None);
        assert_eq!(ShelfText::span(Some(1), 4 | ABSENT), None);
    }
}
