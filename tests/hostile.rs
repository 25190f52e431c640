//! Hostile catalogs (issue #11): each is refused with a clear error, within
//! bounded time and memory. Memory is measured by a counting allocator: the
//! peak of live heap bytes the reading thread holds while the catalog is read.
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

use flaneur::Error;
use flaneur::util::bytes::crc32;

mod common;
use common::binary;
use flaneur::catalog::{Catalog, MAX_FIELD_BYTES};

struct Counting;

thread_local! {
    /// Live heap bytes allocated by this thread, and their peak: each test
    /// thread counts its own, so tests running at once do not mix.
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn grew(by: usize) {
    let _ = LIVE.try_with(|live| {
        live.set(live.get() + by);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(live.get())));
    });
}

fn shrank(by: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(by)));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        shrank(layout.size());
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size())
            } else {
                shrank(layout.size() - new_size)
            }
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `read`, returning its result, the heap it grew by at its peak and the time it took.
fn measure<T>(read: impl FnOnce() -> T) -> (T, usize, Duration) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let started = Instant::now();
    let out = read();
    let took = started.elapsed();
    (out, PEAK.with(Cell::get).saturating_sub(base), took)
}

const MB: usize = 1 << 20;

/// Asserts that `result` is the refusal `code` naming `words`, reached in
/// under a second with at most `heap` bytes of heap.
fn refused(
    what: &str,
    (result, peak, took): (Result<Catalog, Error>, usize, Duration),
    code: &str,
    words: &[&str],
    heap: usize,
) {
    let err = match result {
        Ok(c) => panic!("{what}: accepted ({} items)", c.len()),
        Err(e) => e,
    };
    assert_eq!(err.code(), code, "{what}: {err}");
    let message = err.to_string();
    for w in words {
        assert!(message.contains(w), "{what}: {message:?} does not say {w:?}");
    }
    assert!(message.len() < 400, "{what}: the message itself is bounded ({} bytes)", message.len());
    assert!(peak <= heap, "{what}: {peak} bytes of heap at the peak, at most {heap}");
    assert!(took < Duration::from_secs(1), "{what}: took {took:?}");
}

const TEXT: &str = "t-1t-2Wool socksLeather boots";
const ENDS: [u32; 4] = [3, 6, 16, 29];

#[test]
fn the_binary_builder_writes_a_catalog_the_decoder_accepts() {
    // The hostile cases below are this catalog with one part changed: were it
    // refused itself, they would prove nothing.
    let catalog = Catalog::from_binary(&binary(2, TEXT, &ENDS, 0, 0, 0)).unwrap();
    assert_eq!((catalog.len(), catalog.item(1).title()), (2, "Leather boots"));
    let with_vectors = Catalog::from_binary(&binary(2, TEXT, &ENDS, 4, 8, 2)).unwrap();
    assert_eq!(with_vectors.vectors().dims(), 4);
}

#[test]
fn ten_million_items_declared_in_a_kilobyte_are_refused_without_allocating_them() {
    let bytes = binary(10_000_000, TEXT, &ENDS, 0, 0, 0);
    assert!(bytes.len() < 1024);
    refused(
        "10M items",
        measure(|| Catalog::from_binary(&bytes)),
        "CATALOG_INVALID",
        &["10000000"],
        MB / 4,
    );
}

#[test]
fn a_string_table_pointing_outside_the_buffer_is_refused() {
    for (what, ends) in [
        ("an end past the text", vec![3, 6, 16, 4_000_000]),
        ("an end past u32", vec![3, 6, 16, u32::MAX]),
        ("decreasing ends", vec![3, 6, 2, 29]),
        ("an end inside a UTF-8 sequence", vec![3, 6, 16, 29]),
    ] {
        let text = if what.contains("UTF-8") { "t-1t-2Wool sock\u{e9}Leather boot" } else { TEXT };
        let bytes = binary(2, text, &ends, 0, 0, 0);
        refused(
            what,
            measure(|| Catalog::from_binary(&bytes)),
            "CATALOG_INVALID",
            &["string"],
            MB / 4,
        );
    }
    // Ids that point at strings that do not exist.
    let mut b = binary(2, TEXT, &ENDS, 0, 0, 0);
    let at = b
        .windows(12)
        .position(|w| w == [2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0])
        .expect("the title column");
    b[at + 4..at + 8].copy_from_slice(&4_000_000u32.to_le_bytes());
    let crc = crc32(&b[16..]).to_le_bytes();
    b[12..16].copy_from_slice(&crc);
    refused(
        "a title id past the table",
        measure(|| Catalog::from_binary(&b)),
        "CATALOG_INVALID",
        &["title"],
        MB / 4,
    );
}

#[test]
fn vectors_of_the_wrong_length_are_refused() {
    for (codes, scales) in [(7, 2), (9, 2), (8, 1), (8, 3), (0, 0)] {
        let bytes = binary(2, TEXT, &ENDS, 4, codes, scales);
        refused(
            &format!("{codes} codes, {scales} scales"),
            measure(|| Catalog::from_binary(&bytes)),
            "CATALOG_INVALID",
            &[],
            MB / 4,
        );
    }
    let json = r#"{"version":1,"shop":"s","dims":4,"items":[
        {"id":"a","title":"A","category":"X","vector":[1,0,0,0]},
        {"id":"b","title":"B","category":"X","vector":[1,0,0]}]}"#;
    refused(
        "a short JSON vector",
        measure(|| Catalog::from_json_str(json)),
        "CATALOG_INVALID",
        &["\"b\"", "vector", "3 values, dims is 4"],
        MB,
    );
    let json = json.replace("[1,0,0]}", "[1,0,0,0,0]}");
    refused(
        "a long JSON vector",
        measure(|| Catalog::from_json_str(&json)),
        "CATALOG_INVALID",
        &["5 values"],
        MB,
    );
    let json = json.replace(r#""dims":4"#, r#""dims":1000000"#);
    refused(
        "a million dims",
        measure(|| Catalog::from_json_str(&json)),
        "CATALOG_INVALID",
        &["dims", "1000000"],
        MB,
    );
}

#[test]
fn deeply_nested_json_is_refused_without_exhausting_the_stack() {
    for depth in [1_000, 1_000_000] {
        for (what, json) in [
            (
                "items",
                format!(
                    r#"{{"version":1,"shop":"s","items":[{}{}]}}"#,
                    "[".repeat(depth),
                    "]".repeat(depth)
                ),
            ),
            (
                "an attribute",
                format!(
                    concat!(
                        r#"{{"version":1,"shop":"s","facets":{{"c":{{}}}},"items":[{{"id":"a","#,
                        r#""title":"A","category":"X","attributes":{{"c":{}1{}}}}}]}}"#,
                    ),
                    "[".repeat(depth),
                    "]".repeat(depth)
                ),
            ),
            (
                "an unknown field",
                format!(
                    r#"{{"version":1,"shop":"s","x":{}{},"items":[]}}"#,
                    "{\"a\":".repeat(depth),
                    "}".repeat(depth)
                ),
            ),
        ] {
            let heap = json.len() * 4 + MB;
            refused(
                &format!("{what} nested {depth} deep"),
                measure(|| Catalog::from_json_str(&json)),
                "CATALOG_INVALID",
                &[],
                heap,
            );
        }
    }
}

#[test]
fn a_one_megabyte_field_is_refused_naming_it() {
    let huge = "x".repeat(MB);
    let item = |field: &str| match field {
        "title" => format!(r#"{{"id":"a","title":"{huge}","category":"X"}}"#),
        "category" => format!(r#"{{"id":"a","title":"A","category":"{huge}"}}"#),
        "url" => format!(r#"{{"id":"a","title":"A","category":"X","url":"{huge}"}}"#),
        _ => format!(r#"{{"id":"{huge}","title":"A","category":"X"}}"#),
    };
    for field in ["title", "category", "url", "id"] {
        let json = format!(r#"{{"version":1,"shop":"s","items":[{}]}}"#, item(field));
        let words = [field, "1048576 bytes long", "at most 4096"];
        refused(
            &format!("a 1 MB {field}"),
            measure(|| Catalog::from_json_str(&json)),
            "CATALOG_INVALID",
            &words,
            4 * MB,
        );
    }
    // Just under the limit is fine.
    let fits = format!(
        r#"{{"version":1,"shop":"s","items":[{{"id":"a","title":"{}","category":"X"}}]}}"#,
        "é".repeat(MAX_FIELD_BYTES / 2)
    );
    assert_eq!(Catalog::from_json_str(&fits).unwrap().item(0).title().len(), MAX_FIELD_BYTES);
    // And in a binary catalog: one string of the table.
    let text = format!("t-1t-2{huge}Leather boots");
    let ends = [3, 6, 6 + MB as u32, 6 + MB as u32 + 13];
    let bytes = binary(2, &text, &ends, 0, 0, 0);
    refused(
        "a 1 MB binary title",
        measure(|| Catalog::from_binary(&bytes)),
        "CATALOG_INVALID",
        &["string 2", "1048576 bytes long"],
        3 * MB,
    );
}

#[test]
fn four_billion_bought_with_neighbours_in_a_kilobyte_are_refused_without_allocating_them() {
    let mut bytes = binary(2, TEXT, &ENDS, 0, 0, 0);
    // Flag bit 0, then the section: starts [0, 1, 1], and a neighbour count of u32::MAX.
    for v in [3, 0, 1, 1, u32::MAX] {
        bytes.extend(v.to_le_bytes());
    }
    bytes[10] = 1;
    let crc = crc32(&bytes[16..]);
    bytes[12..16].copy_from_slice(&crc.to_le_bytes());
    refused(
        "u32::MAX neighbours",
        measure(|| Catalog::from_binary(&bytes)),
        "CATALOG_INVALID",
        &["bought-with", "4294967295"],
        MB / 4,
    );
}
