//! A map kept as one vector sorted by key: the profile's maps.
//!
//! The profile's maps are small (each is capped at a few hundred entries) and
//! read far more often than written, so a sorted vector with binary search
//! serves them as well as a B-tree. In the WebAssembly build it is also much
//! smaller: `BTreeMap`'s node-balancing code is compiled again for every key
//! and value type (about 89 KB before `wasm-opt` for the profile's ten maps),
//! where this is a binary search and `Vec::insert`/`remove`. Iteration is in
//! key order, like a `BTreeMap`'s, so encodings and views stay the same.

use std::borrow::Borrow;
use std::cmp::Ordering;

/// A map from `K` to `V` kept sorted by key, with `BTreeMap`'s interface for
/// what the crate uses of it.
///
/// ```
/// use flaneur::util::sorted_map::SortedMap;
/// let mut m = SortedMap::new();
/// m.insert("b".to_string(), 2);
/// m.insert("a".to_string(), 1);
/// *m.entry("c".to_string()).or_insert(0) += 3;
/// assert_eq!(m.keys().map(String::as_str).collect::<Vec<_>>(), ["a", "b", "c"]);
/// assert_eq!(m.get("c"), Some(&3));
/// assert_eq!(m.remove("a"), Some(1));
/// assert_eq!(m.len(), 2);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        Self { entries: Vec::new() }
    }
}

impl<K: std::fmt::Debug, V: std::fmt::Debug> std::fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.entries.iter().map(|(k, v)| (k, v))).finish()
    }
}

/// Iterator over `(&K, &V)` in key order.
pub type Iter<'a, K, V> =
    std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

impl<K: Ord, V> SortedMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Where `key` is (`Ok`) or would go (`Err`).
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value of `key`.
    #[inline]
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    /// The value of `key`, to change.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    /// Whether `key` has a value.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`, returning the value it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// The place of `key`, to read or fill.
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        let at = self.find(&key);
        Entry { map: self, key, at }
    }

    /// Entries in key order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// Entries in key order, values to change.
    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (&K, &mut V)> + ExactSizeIterator {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// Keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// Values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Values in key order, to change.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Keeps the entries `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// The entry with the smallest key.
    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(|(k, v)| (k, v))
    }

    /// The entry with the largest key.
    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last().map(|(k, v)| (k, v))
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// A key's place in a [`SortedMap`], from [`SortedMap::entry`].
pub struct Entry<'a, K, V> {
    map: &'a mut SortedMap<K, V>,
    key: K,
    at: Result<usize, usize>,
}

impl<'a, K, V> Entry<'a, K, V> {
    /// The value, inserting the one `make` gives when the key has none.
    pub fn or_insert_with(self, make: impl FnOnce() -> V) -> &'a mut V {
        let i = match self.at {
            Ok(i) => i,
            Err(i) => {
                self.map.entries.insert(i, (self.key, make()));
                i
            }
        };
        &mut self.map.entries[i].1
    }

    /// The value, inserting `value` when the key has none.
    pub fn or_insert(self, value: V) -> &'a mut V {
        self.or_insert_with(|| value)
    }

    /// The value, inserting the default when the key has none.
    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }
}

impl<'a, K: Ord, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    /// Like collecting into a `BTreeMap`: of equal keys, the last one wins.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut entries: Vec<(K, V)> = iter.into_iter().collect();
        crate::util::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
        // Stable sort: of a run of equal keys the last inserted is last; keep it.
        let mut kept: Vec<(K, V)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match kept.last() {
                Some(last) if last.0.cmp(&entry.0) == Ordering::Equal => {
                    let slot = kept.len() - 1;
                    kept[slot] = entry;
                }
                _ => kept.push(entry),
            }
        }
        Self { entries: kept }
    }
}

impl<K: Ord, V> Extend<(K, V)> for SortedMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(entries: [(K, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

/// Serialized as a map in key order, as a `BTreeMap` is.
impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for SortedMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.entries.iter().map(|(k, v)| (k, v)))
    }
}

/// Read from a map; of repeated keys the last wins, as in a `BTreeMap`.
impl<'de, K, V> serde::Deserialize<'de> for SortedMap<K, V>
where
    K: Ord + serde::Deserialize<'de>,
    V: serde::Deserialize<'de>,
{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K, V> serde::de::Visitor<'de> for Entries<K, V>
        where
            K: Ord + serde::Deserialize<'de>,
            V: serde::Deserialize<'de>,
        {
            type Value = SortedMap<K, V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                // Collected, then sorted once: no quadratic inserts, however long the map.
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(256));
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(entries.into_iter().collect())
            }
        }
        deserializer.deserialize_map(Entries(std::marker::PhantomData))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {

    #[test]
    fn serde_reads_and_writes_a_map_in_key_order_the_last_of_repeated_keys_winning() {
        let m: SortedMap<String, bool> =
            serde_json::from_str(r#"{"b": true, "a": false, "b": false}"#).unwrap();
        assert_eq!(
            m.iter().collect::<Vec<_>>(),
            [(&"a".to_owned(), &false), (&"b".to_owned(), &false)]
        );
        assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"a":false,"b":false}"#);
        let reference: std::collections::BTreeMap<String, bool> =
            serde_json::from_str(r#"{"b": true, "a": false, "b": false}"#).unwrap();
        assert_eq!(serde_json::to_string(&reference).unwrap(), serde_json::to_string(&m).unwrap());
        assert!(serde_json::from_str::<SortedMap<String, bool>>("[1]").is_err());
        assert_eq!(
            SortedMap::from([(2, 'b'), (1, 'a')]).keys().copied().collect::<Vec<_>>(),
            [1, 2]
        );
    }

    use super::*;
    use rand::rngs::SmallRng;
    use rand::{RngExt, SeedableRng};
    use std::collections::BTreeMap;

    #[test]
    fn behaves_like_a_btreemap() {
        let mut rng = SmallRng::seed_from_u64(3);
        let mut ours: SortedMap<u32, u32> = SortedMap::new();
        let mut reference: BTreeMap<u32, u32> = BTreeMap::new();
        for step in 0..5000u32 {
            let key = rng.random_range(0..300u32);
            match rng.random_range(0..6u32) {
                0 => assert_eq!(ours.remove(&key), reference.remove(&key)),
                1 => {
                    *ours.entry(key).or_insert(0) += step;
                    *reference.entry(key).or_insert(0) += step;
                }
                2 if step % 50 == 0 => {
                    ours.retain(|k, _| k % 7 != step % 7);
                    reference.retain(|k, _| k % 7 != step % 7);
                }
                3 => assert_eq!(ours.get(&key), reference.get(&key)),
                _ => assert_eq!(ours.insert(key, step), reference.insert(key, step)),
            }
            assert!(ours.iter().eq(reference.iter()), "step {step}");
            assert_eq!(ours.last_key_value(), reference.last_key_value());
        }
        assert!(ours.len() > 50, "the comparison covered a map of {} entries", ours.len());
        let with_repeats: SortedMap<u32, u32> = [(2, 1), (1, 1), (2, 2)].into_iter().collect();
        assert_eq!(
            with_repeats.iter().map(|(&k, &v)| (k, v)).collect::<Vec<_>>(),
            [(1, 1), (2, 2)]
        );
    }
}
