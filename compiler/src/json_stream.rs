//! Streaming reads of a JSON feed whose top-level object holds one large
//! array (`items` of JSON v1, `products` of a Shopify export): the object is
//! visited key by key and the array element by element, each element handed
//! to a callback as soon as it is parsed, so only one element is ever held in
//! memory, whatever the size of the file.

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::marker::PhantomData;
use std::path::Path;

use serde::Deserializer as _;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

/// What a reader does with the keys of the document's top-level object.
pub trait Fields {
    /// What the top-level value should be, for the error when it is not an object.
    fn expecting(&self) -> &'static str;

    /// Reads the value of `key` from `map`: exactly one `next_value` or
    /// `next_value_seed` call (unknown keys: [`skip`]).
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error>;

    /// Called once the object has ended, e.g. to report a missing required key.
    fn end<E: de::Error>(&mut self) -> Result<(), E>;
}

/// Skips the value of an unknown key without keeping any of it.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// Reads the top-level object of the JSON document at `path` with `fields`.
///
/// `Ok(Err(e))` is an error of the document itself (syntax, a wrong type of a
/// value read from the stream, a missing key, trailing characters): it carries
/// line and column, and ends the read. `Err` is an I/O error.
/// A UTF-8 byte order mark (as Windows tools write) is skipped.
pub fn read_object<F: Fields>(
    path: &Path,
    fields: &mut F,
) -> std::io::Result<Result<(), serde_json::Error>> {
    let mut reader = BufReader::with_capacity(1 << 16, File::open(path)?);
    if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    let mut de = serde_json::Deserializer::from_reader(reader);
    match de.deserialize_map(Object(fields)).and_then(|()| de.end()) {
        Err(e) if e.is_io() => Err(std::io::Error::other(e)),
        result => Ok(result),
    }
}

/// Visits the top-level object, handing each key to [`Fields::field`].
struct Object<'a, F>(&'a mut F);

impl<'de, F: Fields> Visitor<'de> for Object<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0.expecting())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            self.0.field(&key, &mut map)?;
        }
        self.0.end()
    }
}

/// A JSON array read element by element: each element is deserialized as `T`
/// and handed to `each` with its index before the next one is read. As a
/// [`DeserializeSeed`] it is the value of a key: `map.next_value_seed(Elements::new(…))`,
/// which returns the number of elements.
pub struct Elements<T, F> {
    each: F,
    element: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned, F: FnMut(usize, T)> Elements<T, F> {
    /// Calls `each(index, element)` for every element of the array.
    pub fn new(each: F) -> Self {
        Self { each, element: PhantomData }
    }
}

impl<'de, T: DeserializeOwned, F: FnMut(usize, T)> DeserializeSeed<'de> for Elements<T, F> {
    type Value = usize;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: DeserializeOwned, F: FnMut(usize, T)> Visitor<'de> for Elements<T, F> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<S: SeqAccess<'de>>(mut self, mut seq: S) -> Result<usize, S::Error> {
        let mut index = 0;
        while let Some(element) = seq.next_element::<T>()? {
            (self.each)(index, element);
            index += 1;
        }
        Ok(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collects the `list` array and the other keys.
    #[derive(Default)]
    struct Collect {
        keys: Vec<String>,
        list: Vec<(usize, serde_json::Value)>,
    }

    impl Fields for Collect {
        fn expecting(&self) -> &'static str {
            "an object"
        }
        fn field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            self.keys.push(key.to_string());
            if key == "list" {
                let list = &mut self.list;
                map.next_value_seed(Elements::new(|i, v| list.push((i, v)))).map(drop)
            } else {
                skip(map)
            }
        }
        fn end<E: de::Error>(&mut self) -> Result<(), E> {
            if self.keys.iter().any(|k| k == "list") {
                Ok(())
            } else {
                Err(E::missing_field("list"))
            }
        }
    }

    fn read(text: &str) -> (Collect, Result<(), serde_json::Error>) {
        let dir = std::env::temp_dir().join(format!("flaneur-json-stream-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let path =
            dir.join(format!("{}.json", NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
        std::fs::write(&path, text).unwrap();
        let mut c = Collect::default();
        let r = read_object(&path, &mut c).unwrap();
        let _ = std::fs::remove_file(&path);
        (c, r)
    }

    #[test]
    fn elements_are_handed_over_in_order_and_other_keys_skipped() {
        let (c, r) = read(
            r#"{"a": {"deep": [1, {"x": null}]}, "list": [1, "two", {"three": 3}], "z": "end"}"#,
        );
        r.unwrap();
        assert_eq!(c.keys, ["a", "list", "z"]);
        let list: Vec<String> = c.list.iter().map(|(i, v)| format!("{i}:{v}")).collect();
        assert_eq!(list, ["0:1", "1:\"two\"", "2:{\"three\":3}"]);
    }

    #[test]
    fn errors_carry_line_and_column_and_keep_what_came_before() {
        let (c, r) = read("{\"list\": [1,\n 2,\n 3 4]}");
        let e = r.unwrap_err();
        assert_eq!((e.line(), e.column()), (3, 4));
        assert_eq!(c.list.len(), 3);
        let (_, r) = read(r#"{"other": 1}"#);
        assert!(r.unwrap_err().to_string().starts_with("missing field `list`"));
        let (_, r) = read(r#"{"list": []} x"#);
        assert!(r.unwrap_err().to_string().starts_with("trailing characters"));
        let (_, r) = read(r#"[1, 2]"#);
        assert!(r.unwrap_err().to_string().contains("expected an object"));
    }
}
