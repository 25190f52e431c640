#![cfg(not(target_arch = "wasm32"))]
//! The stored profile's binary form (v1): round trips, validation of damaged
//! and hostile bytes, and the 32 KB bound after a million events.

use flaneur::catalog::Catalog;
use flaneur::preferences::PreferencesPatch;
use flaneur::profile::{
    DEFAULT_HALF_LIFE_MS, Event, EventKind, Evidence, MAX_CATEGORIES, MAX_FACET_VALUES,
    MAX_ITEM_MARKS, MAX_ITEMS, MAX_PURCHASES, MAX_RECENT, MAX_SEQUENCE, MAX_SESSION_EVENTS,
    MAX_SHOWN, PROFILE_FORMAT_VERSION, Profile, StepKind, interests::MAX_INTERESTS,
};
use flaneur::rank::Request;
use flaneur::slot::Kind;
use flaneur::testkit::Rng;
use flaneur::util::bytes::{ByteWriter, crc32};
use flaneur::{Engine, Error};
use proptest::prelude::*;
use std::sync::OnceLock;

/// 2026-01-01T00:00:00Z, in ms.
const T0: i64 = 1_767_225_600_000;
const MINUTE: i64 = 60_000;
const HEADER_LEN: usize = 20;

// ----- fixtures -----

fn demo_engine() -> Engine {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/catalog-60.json"
    ))
    .unwrap();
    Engine::new(Catalog::from_json_str(&text).unwrap())
}

/// Every kind of event, cycling through `n`.
fn event_of_kind(n: usize, item_id: String, at: i64) -> Event {
    let kind = match n % 8 {
        0 => EventKind::View { item_id },
        1 => EventKind::Dwell { item_id, ms: 12_345.5 },
        2 => EventKind::Click { item_id },
        3 => EventKind::AddToCart { item_id },
        4 => EventKind::RemoveFromCart { item_id },
        5 => EventKind::Purchase { item_id },
        6 => EventKind::Dismiss { item_id },
        _ => EventKind::Search { query: format!("wool {item_id} ünïcode") },
    };
    Event { kind, at }
}

/// A profile learned through the engine from the demo catalog: every event
/// kind, impressions of real slates, several sessions, sensitive classes opted in.
fn engine_profile() -> &'static Profile {
    static PROFILE: OnceLock<Profile> = OnceLock::new();
    PROFILE.get_or_init(|| {
        let mut engine = demo_engine();
        let sensitive = Some([("health".to_owned(), true)].into_iter().collect());
        engine.set_preferences(PreferencesPatch { sensitive, ..Default::default() }).unwrap();
        let ids: Vec<String> = engine.catalog().iter().map(|i| i.id().to_owned()).collect();
        let mut at = T0;
        for step in 0..900 {
            at += if step % 150 == 100 {
                3 * 60 * MINUTE
            } else {
                MINUTE + (step as i64 * 7_919) % 20_000
            };
            let item = (step * 7 + step / 13) % ids.len();
            // Buy or dismiss only a few items, so that slates are not empty.
            let kind = match (step + step / 8) % 8 {
                5 | 6 if item % 10 != 0 => 0,
                kind => kind,
            };
            engine.record(&event_of_kind(kind, ids[item].clone(), at)).unwrap();
            if step % 5 == 0 {
                let slate = engine.recommend(&Request { k: 6, ..Request::default() }, at).unwrap();
                engine.mark_shown(&slate.impressions(), at);
            }
        }
        engine.record(&event_of_kind(5, ids[0].clone(), at)).unwrap();
        engine.record(&event_of_kind(6, ids[10].clone(), at)).unwrap();
        // Impressions after the last engagement, so some are still counted.
        let slate = engine.recommend(&Request { k: 6, ..Request::default() }, at).unwrap();
        engine.mark_shown(&slate.impressions(), at + 1);
        engine.profile().clone()
    })
}

/// A profile learned directly: custom half-life, vectors of two dimensions
/// (as after the shop changed its catalog's `dims`), times around 1970, some before.
fn direct_profile() -> Profile {
    let mut p = Profile::with_half_life(7.0 * 86_400_000.0);
    let v16: Vec<f32> = (0..16).map(|i| if i == 3 { 1.0 } else { 0.0 }).collect();
    let v8: Vec<f32> = (0..8).map(|i| (i as f32 - 3.5) / 10.0).collect();
    for n in 0..40i64 {
        let id = format!("sku-{:07}", n * 7_919 % 1_000);
        let path = format!("Women > Knitwear > Leaf {}", n % 5);
        let value = format!("colour{:02}", n % 9);
        let vector = match n % 3 {
            0 => Some(&v16[..]),
            1 => Some(&v8[..]),
            _ => None,
        };
        let seen = Evidence {
            item_id: &id,
            categories: &["Women", "Women > Knitwear", &path],
            facets: &[("colour", &value), ("brand", "Corvo")],
            vector,
        };
        let at = -5_000_000 + n * 3_600_000;
        p.learn(&seen, if n % 7 == 6 { -1.0 } else { 1.5 }, at);
        p.mark_shown(&id, Kind::Divergent, at + 1);
        if n % 4 == 0 {
            p.mark_purchased(&id, at + 2);
        }
        if n % 6 == 0 {
            p.mark_dismissed(&id, at + 3);
        }
        p.note_session(&event_of_kind(n as usize, id, -5_000_000 + n * MINUTE));
    }
    p
}

/// Wraps `body` in a header with the right checksum and length.
fn seal_as(version: u16, flags: u16, body: &[u8]) -> Vec<u8> {
    let mut w = ByteWriter::default();
    w.bytes(b"FLNRPRF\0");
    w.u16(version);
    w.u16(flags);
    w.u32(crc32(body));
    w.u32(body.len() as u32);
    w.bytes(body);
    w.into_bytes()
}

fn seal(body: &[u8]) -> Vec<u8> {
    seal_as(PROFILE_FORMAT_VERSION as u16, 0, body)
}

fn is_corrupt<T>(result: &Result<T, Error>) -> bool {
    matches!(result, Err(Error::ProfileCorrupt { .. }))
}

fn assert_corrupt(bytes: &[u8], what: &str) {
    let result = Profile::from_bytes(bytes);
    assert!(is_corrupt(&result), "{what}: expected ProfileCorrupt, got {result:?}");
}

/// A v1 body with the default half-life and no last event whose nine
/// sections (categories, facets, interests, items, shown, purchased,
/// dismissed, recent, session) are empty, except `section`, written as given.
fn body_with(section: usize, encoded: &[u8]) -> Vec<u8> {
    let mut w = ByteWriter::default();
    w.f64(DEFAULT_HALF_LIFE_MS);
    w.u8(0);
    for n in 0..9 {
        if n == section { w.bytes(encoded) } else { w.varint(0) }
    }
    w.into_bytes()
}

/// Encodes with `f` into fresh bytes.
fn encoded(f: impl FnOnce(&mut ByteWriter)) -> Vec<u8> {
    let mut w = ByteWriter::default();
    f(&mut w);
    w.into_bytes()
}

/// An affinity as v1 writes it, relative to T = 0.
fn affinity(w: &mut ByteWriter, weight: f32) {
    w.f32(weight);
    w.varint(1);
    w.varint_signed(5);
    w.varint_signed(0);
}

// ----- round trips -----

#[test]
fn an_empty_profile_round_trips() {
    let p = Profile::default();
    let bytes = p.to_bytes();
    assert_eq!(&bytes[..8], b"FLNRPRF\0");
    assert_eq!(u16::from_le_bytes([bytes[8], bytes[9]]) as u32, PROFILE_FORMAT_VERSION);
    assert_eq!(&bytes[10..12], &[0, 0]);
    // Half-life, "no last event", nine empty v1 sections, then the v2 sections:
    // no impression kinds, an empty divergence state (7 bytes), eight zero counters,
    // then v4's empty purchase history (no baskets, no newest purchase, no items)
    // and v5's empty sequence.
    assert_eq!(bytes.len(), HEADER_LEN + 8 + 1 + 9 + 1 + 7 + 8 + 3 + 1);
    assert_eq!(Profile::from_bytes(&bytes), Ok(p));
}

#[test]
fn a_profile_learned_through_the_engine_round_trips() {
    let p = engine_profile();
    assert!(!p.categories().is_empty() && !p.facets().is_empty() && !p.items().is_empty());
    assert!(!p.interests().is_empty() && !p.shown().is_empty() && p.session().count() > 0);
    assert!(!p.purchases().is_empty() && !p.dismissed().is_empty() && p.recent().count() > 0);
    let kinds: std::collections::HashSet<_> =
        p.session().map(|e| std::mem::discriminant(&e.kind)).collect();
    assert_eq!(kinds.len(), 8, "the session holds every kind of event");
    assert_eq!(Profile::from_bytes(&p.to_bytes()).as_ref(), Ok(p));
}

#[test]
fn a_profile_learned_directly_round_trips() {
    let p = direct_profile();
    let dims: std::collections::BTreeSet<_> =
        p.interests().iter().map(|i| i.centroid.len()).collect();
    assert_eq!(dims.len(), 2, "interests of two dimensions");
    assert_eq!(p.session().count(), 40);
    assert!(p.last_event_at().is_some_and(|t| t < 1_000_000_000));
    assert_eq!(Profile::from_bytes(&p.to_bytes()), Ok(p));
}

#[test]
fn encoding_is_deterministic_and_canonical() {
    let p = engine_profile();
    let bytes = p.to_bytes();
    assert_eq!(bytes, p.clone().to_bytes());
    assert_eq!(bytes, Profile::from_bytes(&bytes).unwrap().to_bytes());
}

#[test]
fn the_v1_layout_is_the_documented_one() {
    let mut p = Profile::with_half_life(1000.0);
    let seen = Evidence {
        item_id: "i",
        categories: &["A"],
        facets: &[("c", "r"), ("c", "s")],
        vector: Some(&[0.0, 1.0]),
    };
    p.learn(&seen, 2.0, 100);
    p.mark_shown("j", Kind::Popular, 90);
    p.mark_purchased("i", 101);
    p.note_session(&Event { kind: EventKind::Dwell { item_id: "i".into(), ms: 1.5 }, at: 100 });
    p.note_session(&Event { kind: EventKind::Search { query: "q".into() }, at: 160 });

    let mut w = ByteWriter::default();
    w.f64(1000.0); // half-life
    w.u8(1); // last event: present
    w.varint_signed(101); // T, absolute
    let affinity = |w: &mut ByteWriter| {
        w.f32(2.0); // weight
        w.varint(1); // count
        w.varint_signed(-1); // last_seen − T
        w.varint_signed(0); // first_seen − last_seen
    };
    w.varint(1); // categories
    w.str("A");
    affinity(&mut w);
    w.varint(1); // facet groups
    w.str("c");
    w.varint(2);
    w.str("r");
    affinity(&mut w);
    w.str("s");
    affinity(&mut w);
    w.varint(1); // interests
    w.varint(2);
    w.f32(0.0);
    w.f32(1.0);
    affinity(&mut w);
    w.varint(1); // items
    w.str("i");
    affinity(&mut w);
    w.varint(1); // shown
    w.str("j");
    w.varint(1);
    w.varint_signed(90 - 101);
    let purchased_at = w.as_slice().len();
    w.varint(1); // purchased
    w.str("i");
    w.varint_signed(0);
    let purchased_end = w.as_slice().len();
    w.varint(0); // dismissed
    w.varint(1); // recent
    w.str("i");
    w.varint(2); // session
    w.u8(1); // dwell
    w.varint_signed(100 - 101);
    w.str("i");
    w.f64(1.5);
    let before_search = w.as_slice().to_vec();
    w.u8(7); // search
    w.varint_signed(60);
    w.str("q");
    let v1 = w.as_slice().to_vec();

    // A stored v1 profile is read and upgraded: its impressions count as personal, no counters,
    // and its search loses its text (a step that refined nothing).
    let upgraded = Profile::from_bytes(&seal_as(1, 0, &v1)).unwrap();
    assert_eq!(upgraded.categories(), p.categories());
    assert_eq!(upgraded.facets(), p.facets());
    assert_eq!(upgraded.interests(), p.interests());
    assert_eq!(upgraded.session().collect::<Vec<_>>(), p.session().collect::<Vec<_>>());
    assert_eq!(upgraded.shown().get("j").map(|s| s.kind), Some(Kind::Personal));
    assert_eq!(upgraded.stats(), &flaneur::profile::Stats::default());

    // v2 is the v1 sections, then impression kinds, divergence and counters.
    let tail_at = w.as_slice().len();
    w.varint(1); // impression kinds
    w.u8(Kind::Popular.code());
    (0..4).for_each(|_| w.varint(0)); // divergence: strings, outcomes, blocked, pending
    w.varint(0); // accepted total
    w.varint_signed(0 - 101); // session start − T
    w.varint(0); // session count
    for kind in Kind::COUNTED {
        w.varint(u64::from(kind == Kind::Popular)); // impressions
        w.varint(0); // engagements
    }
    let v2 = w.as_slice().to_vec();
    assert_eq!(Profile::from_bytes(&seal_as(2, 0, &v2)).as_ref(), Ok(&p));
    // v3 is v2 with a search's text replaced by whether it refined the one before.
    let mut v3 = before_search;
    v3.extend([7, 120, 0]); // search, at − previous (zig-zag 60), refines: no
    v3.extend(&v2[tail_at..]);
    assert_eq!(Profile::from_bytes(&seal_as(3, 0, &v3)).as_ref(), Ok(&p));
    // v4 is v3 with the purchased marks (section 8) empty, then the purchase history.
    let mut v4 = v3[..purchased_at].to_vec();
    v4.push(0);
    v4.extend(&v3[purchased_end..]);
    v4.push(1); // baskets
    v4.extend([1, 0]); // newest purchase: present, minute 0 (101 ms, kept to the minute)
    v4.push(1); // one item
    v4.extend([1, b'i']);
    v4.extend([1, 0, 0]); // one occasion, bought at the newest purchase, no span
    v4.extend(1.0f32.to_le_bytes()); // frequency
    v4.push(0); // as of the newest basket
    assert_eq!(Profile::from_bytes(&seal_as(4, 0, &v4)).as_ref(), Ok(&p));
    // v5 is v4 with the sequence (section 16) after it: none here.
    let mut v5 = v4;
    v5.push(0);
    assert_eq!(p.to_bytes(), seal(&v5));
    // Written back, the upgraded profile is v5.
    assert_eq!(upgraded.to_bytes()[8], 5);
    assert_eq!(Profile::from_bytes(&upgraded.to_bytes()).as_ref(), Ok(&upgraded));
}

// ----- damaged bytes -----

#[test]
fn every_truncation_is_corrupt() {
    for p in [Profile::default(), direct_profile(), engine_profile().clone()] {
        let bytes = p.to_bytes();
        for n in 0..bytes.len() {
            assert_corrupt(&bytes[..n], &format!("truncated to {n} of {} bytes", bytes.len()));
        }
    }
}

#[test]
fn every_single_byte_flip_is_an_error() {
    for p in [Profile::default(), direct_profile()] {
        let bytes = p.to_bytes();
        let mut flipped = bytes.clone();
        for at in 0..bytes.len() {
            // The lowest bit, the highest and the whole byte.
            for mask in [0x01u8, 0x80, 0xff] {
                flipped[at] ^= mask;
                let result = Profile::from_bytes(&flipped);
                let version_byte = (8..10).contains(&at);
                // An older version whose layout reads these very bytes the same way is fine
                // (v2 and v3 differ only in a search's fields).
                let same = result.as_ref() == Ok(&p);
                assert!(
                    is_corrupt(&result)
                        || (version_byte && matches!(result, Err(Error::ProfileVersion { .. })))
                        || (version_byte && same),
                    "byte {at} ^ {mask:#04x}: {result:?}"
                );
                flipped[at] ^= mask;
            }
        }
    }
}

#[test]
fn a_newer_version_is_refused_as_such() {
    let body = &engine_profile().to_bytes()[HEADER_LEN..];
    for version in [PROFILE_FORMAT_VERSION as u16 + 1, 0xffff] {
        let result = Profile::from_bytes(&seal_as(version, 0, body));
        assert_eq!(
            result,
            Err(Error::ProfileVersion { found: version.into(), supported: PROFILE_FORMAT_VERSION })
        );
        assert_eq!(result.unwrap_err().code(), "PROFILE_VERSION");
    }
    assert_corrupt(&seal_as(0, 0, body), "version 0");
}

#[test]
fn header_damage_is_corrupt() {
    let bytes = engine_profile().to_bytes();
    let body = &bytes[HEADER_LEN..];
    assert!(Profile::from_bytes(&seal(body)).is_ok());

    let mut magic = bytes.clone();
    magic[..8].copy_from_slice(b"FLNRCAT\0");
    assert_corrupt(&magic, "wrong magic");
    assert_corrupt(b"", "no bytes");
    assert_corrupt(&seal_as(PROFILE_FORMAT_VERSION as u16, 1, body), "unknown flags");

    let mut crc = bytes.clone();
    crc[12] ^= 1;
    assert_corrupt(&crc, "bad checksum");

    for len in [body.len() - 1, body.len() + 1, u32::MAX as usize] {
        let mut wrong = bytes.clone();
        wrong[16..20].copy_from_slice(&(len as u32).to_le_bytes());
        assert_corrupt(&wrong, &format!("body length {len}"));
    }

    let mut trailing = bytes.clone();
    trailing.push(0);
    assert_corrupt(&trailing, "a byte after the body");

    let mut longer_body = body.to_vec();
    longer_body.push(0);
    let result = Profile::from_bytes(&seal(&longer_body));
    assert!(format!("{result:?}").contains("after the last section"), "{result:?}");
}

// ----- hostile bodies, checksummed -----
// These build v1 bodies section by section: the v1 decoder reads every stored
// v1 profile (and the first sections of every later version) forever.

fn seal_v1(body: &[u8]) -> Vec<u8> {
    seal_as(1, 0, body)
}

/// `bad` must be refused, while `good`, the same structure without the
/// defect, is accepted: so each failure is the one the test means.
fn refused(section: usize, good: &[u8], bad: &[u8], what: &str) {
    let ok = Profile::from_bytes(&seal_v1(&body_with(section, good)));
    assert!(ok.is_ok(), "{what}: the good twin fails: {ok:?}");
    assert_corrupt(&seal_v1(&body_with(section, bad)), what);
}

#[test]
fn the_baseline_body_is_an_empty_profile() {
    for section in 0..9 {
        assert_eq!(
            Profile::from_bytes(&seal_v1(&body_with(section, &[0]))),
            Ok(Profile::default())
        );
    }
}

#[test]
fn bad_scalars_are_corrupt() {
    for half_life in [f64::NAN, 0.5, -1.0, f64::NEG_INFINITY] {
        let mut body = body_with(0, &[0]);
        body[..8].copy_from_slice(&half_life.to_le_bytes());
        assert_corrupt(&seal_v1(&body), &format!("half-life {half_life}"));
    }
    let mut body = body_with(0, &[0]);
    body[8] = 2;
    assert_corrupt(&seal_v1(&body), "presence byte 2");

    let one = |weight: f32| {
        encoded(|w| {
            w.varint(1);
            w.str("Women");
            affinity(w, weight);
        })
    };
    for weight in [f32::NAN, f32::INFINITY, -1.0] {
        refused(0, &one(1.0), &one(weight), &format!("weight {weight}"));
    }
    let count = |count: u64| {
        encoded(|w| {
            w.varint(1);
            w.str("a");
            w.varint(count);
            w.varint_signed(0);
        })
    };
    refused(
        4,
        &count(u32::MAX.into()),
        &count(u64::from(u32::MAX) + 1),
        "impression count over u32",
    );
    let string = |s: &[u8]| {
        encoded(|w| {
            w.varint(1);
            w.varint(s.len() as u64);
            w.bytes(s);
        })
    };
    refused(7, &string("é".as_bytes()), &string(&[0xc3, 0x28]), "invalid UTF-8");
    // A varint padded with a continuation byte: same value, not the shortest form.
    refused(7, &[1, 1, b'a'], &[1, 0x81, 0x00, b'a'], "an overlong string length");
    refused(0, &[0], &[0x80, 0x00], "an overlong count");
    let mut body = body_with(0, &[0]);
    body[8] = 1;
    body.splice(9..9, [0x82, 0x00]);
    assert_corrupt(&seal_v1(&body), "an overlong time");
    body.splice(9..11, [0x02]);
    assert_eq!(Profile::from_bytes(&seal_v1(&body)).map(|p| p.last_event_at()), Ok(Some(1)));
}

#[test]
fn counts_over_their_caps_or_the_bytes_left_are_corrupt() {
    let keyed = |n: usize, weight: f32| {
        encoded(|w| {
            w.varint(n as u64);
            for k in 0..n {
                w.str(&format!("k{k:04}"));
                affinity(w, weight);
            }
        })
    };
    refused(
        0,
        &keyed(MAX_CATEGORIES, 1.0),
        &keyed(MAX_CATEGORIES + 1, 1.0),
        "categories over the cap",
    );
    refused(3, &keyed(MAX_ITEMS, 1.0), &keyed(MAX_ITEMS + 1, 1.0), "items over the cap");
    let marks = |n: usize| {
        encoded(|w| {
            w.varint(n as u64);
            for k in 0..n {
                w.str(&format!("k{k:04}"));
                w.varint_signed(-(k as i64));
            }
        })
    };
    refused(5, &marks(MAX_ITEM_MARKS), &marks(MAX_ITEM_MARKS + 1), "purchases over the cap");
    refused(6, &marks(MAX_ITEM_MARKS), &marks(MAX_ITEM_MARKS + 1), "dismissals over the cap");
    let shown = |n: usize| {
        encoded(|w| {
            w.varint(n as u64);
            for k in 0..n {
                w.str(&format!("k{k:04}"));
                w.varint(1);
                w.varint_signed(0);
            }
        })
    };
    refused(4, &shown(MAX_SHOWN), &shown(MAX_SHOWN + 1), "impressions over the cap");
    let recent = |n: usize| {
        encoded(|w| {
            w.varint(n as u64);
            (0..n).for_each(|k| w.str(&format!("k{k}")));
        })
    };
    refused(7, &recent(MAX_RECENT), &recent(MAX_RECENT + 1), "recent over the cap");
    let session = |n: usize| {
        encoded(|w| {
            w.varint(n as u64);
            for _ in 0..n {
                w.u8(0);
                w.varint_signed(1);
                w.str("a");
            }
        })
    };
    refused(
        8,
        &session(MAX_SESSION_EVENTS),
        &session(MAX_SESSION_EVENTS + 1),
        "session over the cap",
    );
    // Within the cap, but more entries than bytes left; and a count that fits no integer type.
    for section in 0..9 {
        assert_corrupt(
            &seal_v1(&body_with(section, &[3, 0])),
            &format!("section {section}: 3 entries in 1 byte"),
        );
        let huge = encoded(|w| w.varint(u64::MAX));
        assert_corrupt(
            &seal_v1(&body_with(section, &huge)),
            &format!("section {section}: u64::MAX entries"),
        );
    }
}

#[test]
fn facets_are_capped_in_total_and_grouped_canonically() {
    let groups = |sizes: &[usize], names: &[&str]| {
        encoded(|w| {
            w.varint(sizes.len() as u64);
            for (size, name) in sizes.iter().zip(names) {
                w.str(name);
                w.varint(*size as u64);
                for k in 0..*size {
                    w.str(&format!("v{k:04}"));
                    affinity(w, 1.0);
                }
            }
        })
    };
    // Before v4 a profile held up to 256 facet values: still read, the weakest trimmed.
    let half = 256 / 2;
    refused(
        1,
        &groups(&[half, half], &["a", "b"]),
        &groups(&[half, half + 1], &["a", "b"]),
        "facet values over the cap",
    );
    let old = Profile::from_bytes(&seal_v1(&body_with(1, &groups(&[half, half], &["a", "b"]))));
    assert_eq!(old.map(|p| p.facets().len()), Ok(MAX_FACET_VALUES));
    // A v4 profile holds at most MAX_FACET_VALUES.
    let v4 = |values: &[u8]| {
        let mut body = body_with(1, values);
        body.extend([0, 0, 0, 0, 0, 0, 0, 0]); // impression kinds, divergence, totals
        body.extend([0; 8]); // counters
        body.extend([0, 0, 0]); // purchases: no baskets, no newest, no items
        seal_as(4, 0, &body)
    };
    let cap = MAX_FACET_VALUES / 2;
    assert!(Profile::from_bytes(&v4(&groups(&[cap, cap], &["a", "b"]))).is_ok());
    assert_corrupt(&v4(&groups(&[cap, cap + 1], &["a", "b"])), "v4 facet values over the cap");
    refused(1, &groups(&[1, 1], &["a", "b"]), &groups(&[1, 1], &["b", "a"]), "facets out of order");
    refused(1, &groups(&[1, 1], &["a", "b"]), &groups(&[1, 1], &["a", "a"]), "a facet twice");
    refused(1, &groups(&[1, 1], &["a", "b"]), &groups(&[1, 0], &["a", "b"]), "an empty facet");
}

#[test]
fn keys_must_be_strictly_ascending() {
    let keys = |keys: &[&str]| {
        encoded(|w| {
            w.varint(keys.len() as u64);
            for key in keys {
                w.str(key);
                affinity(w, 1.0);
            }
        })
    };
    refused(0, &keys(&["a", "b"]), &keys(&["b", "a"]), "categories out of order");
    refused(3, &keys(&["a", "b"]), &keys(&["a", "a"]), "an item twice");
    let recent = |ids: &[&str]| {
        encoded(|w| {
            w.varint(ids.len() as u64);
            ids.iter().for_each(|id| w.str(id));
        })
    };
    refused(7, &recent(&["b", "a"]), &recent(&["a", "a"]), "a recent item twice");
}

#[test]
fn interests_are_finite_and_bounded() {
    let interests = |dims: &[usize], x: f32| {
        encoded(|w| {
            w.varint(dims.len() as u64);
            for d in dims {
                w.varint(*d as u64);
                (0..*d).for_each(|_| w.f32(x));
                affinity(w, 1.0);
            }
        })
    };
    refused(
        2,
        &interests(&[64; MAX_INTERESTS], 0.125),
        &interests(&[64; MAX_INTERESTS + 1], 0.125),
        "too many interests",
    );
    refused(
        2,
        &interests(&[16, 8], 0.25),
        &interests(&[16, 0], 0.25),
        "an interest without dimensions",
    );
    refused(
        2,
        &interests(&[1024], 0.0),
        &interests(&[1025], 0.0),
        "a centroid over 1024 dimensions",
    );
    refused(2, &interests(&[4], 0.5), &interests(&[4], f32::NAN), "a NaN centroid");
    refused(2, &interests(&[4], 0.5), &interests(&[4], f32::INFINITY), "an infinite centroid");
    let hollow = encoded(|w| {
        w.varint(1);
        w.varint(1000); // 4000 bytes announced, a dozen present
        w.bytes(&[0; 12]);
    });
    assert_corrupt(&seal_v1(&body_with(2, &hollow)), "a centroid longer than the bytes left");
}

#[test]
fn session_events_must_have_a_known_kind() {
    let event = |tag: u8| {
        encoded(|w| {
            w.varint(1);
            w.u8(tag);
            w.varint_signed(-3);
            w.str("sku-1");
            if tag == 1 {
                w.f64(2_000.0);
            }
        })
    };
    for tag in 0..8 {
        let p = Profile::from_bytes(&seal_v1(&body_with(8, &event(tag)))).unwrap();
        assert_eq!(p.session().next().map(|e| e.at), Some(-3));
    }
    for tag in [8, 9, 0x80, 0xff] {
        assert_corrupt(&seal_v1(&body_with(8, &event(tag))), &format!("event tag {tag}"));
    }
    let truncated_dwell = &event(1)[..event(1).len() - 3];
    assert_corrupt(&seal_v1(&body_with(8, truncated_dwell)), "a dwell without its ms");
}

// ----- fuzzing -----

/// One edit of a byte string.
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Insert(usize, u8),
    Remove(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Set(at, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Insert(at, b)),
        any::<usize>().prop_map(Edit::Remove),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    match *edit {
        Edit::Set(at, b) if !bytes.is_empty() => {
            let at = at % bytes.len();
            bytes[at] = b;
        }
        Edit::Insert(at, b) => bytes.insert(at % (bytes.len() + 1), b),
        Edit::Remove(at) if !bytes.is_empty() => {
            bytes.remove(at % bytes.len());
        }
        _ => {}
    }
}

/// Decodes; whatever is accepted must re-encode to the very same bytes (the
/// encoding is canonical).
fn decode_never_panics(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(p) = Profile::from_bytes(bytes) {
        prop_assert_eq!(p.to_bytes(), bytes);
    }
    Ok(())
}

/// A small id, a long one or a non-ASCII one.
fn id() -> impl Strategy<Value = String> {
    prop_oneof![(0u32..40).prop_map(|n| format!("sku-{n:07}")), "[a-zé€😀 >]{0,12}"]
}

/// Operations on a profile, to build arbitrary ones.
#[derive(Debug, Clone)]
enum Op {
    Learn { id: String, path: String, value: String, weight: f32, vector: Option<Vec<f32>> },
    Purchased(String),
    Dismissed(String),
    Shown(String),
    Session(u8, String, f64),
}

fn op() -> impl Strategy<Value = Op> {
    let vector = prop::option::of(prop_oneof![
        prop::collection::vec(-1.0f32..1.0, 8),
        prop::collection::vec(-1.0f32..1.0, 3),
    ]);
    prop_oneof![
        4 => (id(), id(), id(), -3.0f32..5.0, vector).prop_map(
            |(id, path, value, weight, vector)| Op::Learn { id, path, value, weight, vector }
        ),
        1 => id().prop_map(Op::Purchased),
        1 => id().prop_map(Op::Dismissed),
        1 => id().prop_map(Op::Shown),
        2 => (any::<u8>(), id(), -1e6f64..1e6).prop_map(|(k, id, ms)| Op::Session(k, id, ms)),
    ]
}

fn build(half_life: f64, ops: &[(Op, i64)]) -> Profile {
    let mut p = Profile::with_half_life(half_life);
    for (op, at) in ops {
        let at = *at;
        match op {
            Op::Learn { id, path, value, weight, vector } => {
                let seen = Evidence {
                    item_id: id,
                    categories: &[path],
                    facets: &[("f", value), (value, "v")],
                    vector: vector.as_deref(),
                };
                p.learn(&seen, *weight, at);
            }
            Op::Purchased(id) => p.mark_purchased(id, at),
            Op::Dismissed(id) => p.mark_dismissed(id, at),
            Op::Shown(id) => p.mark_shown(id, Kind::Personal, at),
            Op::Session(kind, id, ms) => {
                let mut event = event_of_kind(*kind as usize, id.clone(), at);
                if let EventKind::Dwell { ms: m, .. } = &mut event.kind {
                    *m = *ms;
                }
                p.note_session(&event);
            }
        }
    }
    p
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        decode_never_panics(&bytes)?;
        // Past the header too: the same bytes as a checksummed v1 body.
        decode_never_panics(&seal(&bytes))?;
    }

    #[test]
    fn mutations_of_a_valid_encoding_never_panic(
        edits in prop::collection::vec(edit(), 1..6),
        reseal in any::<bool>(),
    ) {
        let bytes = engine_profile().to_bytes();
        let mut body = bytes[HEADER_LEN..].to_vec();
        edits.iter().for_each(|e| apply(&mut body, e));
        if reseal {
            decode_never_panics(&seal(&body))?;
        } else if body != bytes[HEADER_LEN..] {
            // Any change to the body breaks the checksum.
            let mut damaged = bytes[..HEADER_LEN].to_vec();
            damaged.extend_from_slice(&body);
            prop_assert!(Profile::from_bytes(&damaged).is_err());
        }
    }

    #[test]
    fn mutations_of_the_whole_encoding_never_panic(edits in prop::collection::vec(edit(), 1..4)) {
        let mut bytes = direct_profile().to_bytes();
        edits.iter().for_each(|e| apply(&mut bytes, e));
        decode_never_panics(&bytes)?;
    }

    #[test]
    fn arbitrary_profiles_round_trip(
        half_life in prop_oneof![Just(DEFAULT_HALF_LIFE_MS), 1.0f64..1e12, Just(f64::INFINITY)],
        ops in prop::collection::vec((op(), -10_000_000_000_000i64..10_000_000_000_000), 0..60),
    ) {
        let p = build(half_life, &ops);
        let bytes = p.to_bytes();
        prop_assert_eq!(Profile::from_bytes(&bytes), Ok(p));
    }
}

// ----- the size bound -----

/// A shop's strings, made once: ids like "sku-0012345", three-level category
/// paths like "Women > Knitwear > Sweaters", facet values of 8 characters,
/// 64-dimensional unit vectors and search queries.
struct Shop {
    ids: Vec<String>,
    lineages: Vec<[String; 3]>,
    colours: Vec<String>,
    materials: Vec<String>,
    brands: Vec<String>,
    styles: Vec<String>,
    vectors: Vec<Vec<f32>>,
    queries: Vec<String>,
}

impl Shop {
    fn new(rng: &mut Rng) -> Self {
        const DEPARTMENTS: [&str; 8] =
            ["Women", "Men", "Kids", "Home", "Shoes", "Beauty", "Sports", "Garden"];
        const AISLES: [&str; 12] = [
            "Knitwear",
            "Outerwear",
            "Trousers",
            "Dresses",
            "Shirts",
            "Bedding",
            "Kitchen",
            "Sneakers",
            "Skincare",
            "Running",
            "Tools",
            "Swimwear",
        ];
        const SHELVES: [&str; 10] = [
            "Sweaters",
            "Cardigans",
            "Jackets",
            "Classics",
            "Slim fit",
            "Linen",
            "Cookware",
            "Trainers",
            "Serums",
            "Gloves",
        ];
        let lineages = (0..DEPARTMENTS.len() * AISLES.len() * SHELVES.len())
            .map(|n| {
                let (d, a, s) = (DEPARTMENTS[n % 8], AISLES[n / 8 % 12], SHELVES[n / 96]);
                [d.to_owned(), format!("{d} > {a}"), format!("{d} > {a} > {s}")]
            })
            .collect();
        let values =
            |prefix: &str, n: usize| (0..n).map(|k| format!("{prefix}{k:03}")).collect::<Vec<_>>();
        let vectors = (0..48)
            .map(|_| {
                let v: Vec<f32> =
                    (0..64).map(|_| (rng.below(2001) as f32 - 1000.0) / 1000.0).collect();
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                v.iter().map(|x| x / norm).collect()
            })
            .collect();
        Shop {
            ids: (0..20_000).map(|_| format!("sku-{:07}", rng.below(10_000_000))).collect(),
            lineages,
            colours: values("color", 48),
            materials: values("mater", 24),
            brands: values("brand", 400),
            styles: values("style", 16),
            vectors,
            queries: (0..200).map(|k| format!("merino sweater size {k:03}")).collect(),
        }
    }
}

/// What one item is made of, derived from its index in the shop.
fn evidence<'a>(
    shop: &'a Shop,
    item: usize,
    categories: &'a [&'a str; 3],
    facets: &'a [(&'a str, &'a str); 4],
    vector: bool,
) -> Evidence<'a> {
    Evidence {
        item_id: &shop.ids[item],
        categories,
        facets,
        vector: vector.then(|| shop.vectors[item % shop.vectors.len()].as_slice()),
    }
}

/// The largest v3 encoding under the assumptions of `docs/FORMATS.md`: every
/// map at its cap, ids of 12 bytes, category paths of 32, 16 facet names of 8
/// bytes with values of 12, a session of dwells, 64-dimensional interests,
/// counts of 2²¹ − 1 and every time 2⁴⁰ ms from its base (6-byte varints).
#[test]
fn the_documented_worst_case_fits_in_32_kb() {
    use flaneur::profile::divergence::{MAX_BLOCKED, MAX_DIRECTIONS, MAX_PENDING};
    const WORST_CASE_BYTES: usize = 32_759;
    const FAR: i64 = -(1 << 40);
    let key = |prefix: &str, n: usize, len: usize| {
        format!("{prefix}{n:0>width$}", width = len - prefix.len())
    };
    let affinity = |w: &mut ByteWriter| {
        w.f32(123.25);
        w.varint((1 << 21) - 1);
        w.varint_signed(FAR);
        w.varint_signed(FAR);
    };
    let mut w = ByteWriter::default();
    w.f64(DEFAULT_HALF_LIFE_MS);
    w.u8(1);
    w.varint_signed(T0);
    w.varint(MAX_CATEGORIES as u64);
    for n in 0..MAX_CATEGORIES {
        w.str(&key("Women > Knitwear > Sweaters ", n, 32));
        affinity(&mut w);
    }
    w.varint(16);
    for facet in 0..16 {
        w.str(&key("facet", facet, 8));
        w.varint((MAX_FACET_VALUES / 16) as u64);
        for value in 0..MAX_FACET_VALUES / 16 {
            w.str(&key("value-", value, 12));
            affinity(&mut w);
        }
    }
    w.varint(MAX_INTERESTS as u64);
    for _ in 0..MAX_INTERESTS {
        w.varint(64);
        (0..64).for_each(|_| w.f32(0.125));
        affinity(&mut w);
    }
    w.varint(MAX_ITEMS as u64);
    for n in 0..MAX_ITEMS {
        w.str(&key("sku-", n, 12));
        affinity(&mut w);
    }
    w.varint(MAX_SHOWN as u64);
    for n in 0..MAX_SHOWN {
        w.str(&key("sku-", n, 12));
        w.varint((1 << 21) - 1);
        w.varint_signed(FAR);
    }
    w.varint(0); // purchased marks: none since v4 (section 15 keeps purchases)
    w.varint(MAX_ITEM_MARKS as u64);
    for n in 0..MAX_ITEM_MARKS {
        w.str(&key("sku-", n, 12));
        w.varint_signed(FAR);
    }
    w.varint(MAX_RECENT as u64);
    (0..MAX_RECENT).for_each(|n| w.str(&key("sku-", n, 12)));
    w.varint(MAX_SESSION_EVENTS as u64);
    // v3 keeps no search text: the longest event is a dwell.
    for n in 0..MAX_SESSION_EVENTS {
        w.u8(1);
        w.varint_signed(if n % 2 == 0 { FAR } else { -FAR });
        w.str(&key("sku-", n, 12));
        w.f64(1234.5);
    }
    // v2: impression kinds, then divergence with every direction's strings distinct.
    w.varint(MAX_SHOWN as u64);
    (0..MAX_SHOWN).for_each(|_| w.u8(1));
    let directions = MAX_DIRECTIONS + MAX_BLOCKED + MAX_PENDING;
    w.varint(3 * directions as u64);
    (0..directions).for_each(|n| w.str(&key("a", n, 32))); // anchors: category paths
    (0..directions).for_each(|n| w.str(&key("b", n, 8))); // axes: facet names
    (0..directions).for_each(|n| w.str(&key("c", n, 32))); // targets: sibling paths
    let direction = |w: &mut ByteWriter, n: usize| {
        w.varint(n as u64);
        w.varint((directions + n) as u64);
        w.varint((2 * directions + n) as u64);
    };
    w.varint(MAX_DIRECTIONS as u64);
    for n in 0..MAX_DIRECTIONS {
        direction(&mut w, n);
        w.f32(1234.5);
        w.f32(1234.5);
        w.varint_signed(FAR);
    }
    w.varint(MAX_BLOCKED as u64);
    for n in MAX_DIRECTIONS..MAX_DIRECTIONS + MAX_BLOCKED {
        direction(&mut w, n);
        w.varint_signed(FAR);
    }
    w.varint(MAX_PENDING as u64);
    for (i, n) in (MAX_DIRECTIONS + MAX_BLOCKED..directions).enumerate() {
        w.str(&key("sku-", i, 12));
        direction(&mut w, n);
        w.varint_signed(FAR);
    }
    w.varint(u32::MAX.into());
    w.varint_signed(FAR);
    w.varint(u32::MAX.into());
    (0..8).for_each(|_| w.varint(u64::MAX));
    // v4: the purchase history, every time 2⁴¹ ms (in minutes) from its base.
    let far_minutes = (1u64 << 41) / 60_000;
    w.varint((1 << 21) - 1); // baskets
    w.u8(1);
    w.varint_signed(far_minutes as i64); // newest purchase, minutes since the epoch
    w.varint(MAX_PURCHASES as u64);
    for n in 0..MAX_PURCHASES {
        w.str(&key("sku-", n, 12));
        w.varint((1 << 21) - 1); // occasions
        w.varint(far_minutes / 4); // newest − last
        w.varint(far_minutes / 4); // last − first
        w.f32(12.5);
        w.varint((1 << 21) - 1); // baskets behind
    }
    // v5: the sequence keeps the newest steps that fit in 32 KB. Here one of
    // 12 bytes does (tag, length, id: 14 bytes); a second would not.
    let before_sequence = w.as_slice().len();
    w.varint(1);
    w.varint(0); // a view, a new id
    w.str(&key("sku-", 7, 12));
    let bytes = seal(w.as_slice());
    let p = Profile::from_bytes(&bytes).unwrap();
    assert_eq!(p.sequence().len(), 1);
    assert_eq!(p.to_bytes(), bytes, "the worst case is canonical");
    eprintln!("documented worst case: {} bytes", bytes.len());
    assert_eq!(HEADER_LEN + before_sequence, 32_744, "v4's worst case");
    assert_eq!(bytes.len(), WORST_CASE_BYTES, "the figure in docs/FORMATS.md");
    assert!(bytes.len() <= 32 * 1024);
    // The whole sequence of distinct ids: only its newest steps are stored.
    let mut full = p.clone();
    for n in 0..MAX_SEQUENCE {
        full.note_step(&key("sku-", n, 12), StepKind::Purchase);
    }
    let stored = full.to_bytes();
    assert!(stored.len() <= 32 * 1024, "{} bytes", stored.len());
    let read = Profile::from_bytes(&stored).unwrap();
    assert_eq!(read.sequence().len(), 1, "one step of 14 bytes fits after the rest");
    let newest = read.sequence().iter().next_back().map(|s| s.item_id.clone());
    assert_eq!(newest, Some(key("sku-", MAX_SEQUENCE - 1, 12)));
    assert_eq!(read.to_bytes(), stored);
}

#[test]
fn the_sequence_round_trips_with_repeated_items_referenced() {
    let mut p = Profile::default();
    let steps = [
        ("a", StepKind::View),
        ("b", StepKind::View),
        ("a", StepKind::AddToCart),
        ("a", StepKind::Purchase),
        ("c", StepKind::View),
        ("b", StepKind::View),
    ];
    for (id, kind) in steps {
        p.note_step(id, kind);
    }
    let bytes = p.to_bytes();
    let read = Profile::from_bytes(&bytes).unwrap();
    assert_eq!(read, p);
    let kept: Vec<(&str, StepKind)> =
        read.sequence().iter().map(|s| (s.item_id.as_str(), s.kind)).collect();
    assert_eq!(kept, steps);
    // The section: count, then a literal per new id and a reference per repeat.
    let section = [6, 0, 1, b'a', 0, 1, b'b', 1 << 2 | 1, 1 << 2 | 2, 0, 1, b'c', 2 << 2];
    assert!(bytes.ends_with(&section), "{:?}", &bytes[bytes.len() - section.len()..]);
    let empty = Profile::default().to_bytes();
    let body = |section: &[u8]| {
        let mut body = empty[HEADER_LEN..empty.len() - 1].to_vec();
        body.extend(section);
        seal(&body)
    };
    assert_eq!(Profile::from_bytes(&body(&section)).as_ref(), Ok(&p));
    assert_corrupt(&body(&[1, 3, 1, b'a']), "an unknown step type");
    assert_corrupt(&body(&[1, 1 << 2]), "a reference to no id");
    assert_corrupt(&body(&[2, 0, 1, b'a', 0, 1, b'a']), "an id written twice");
    assert_corrupt(&body(&[1, 0, 0]), "an empty id");
    assert_corrupt(&body(&[2, 0, 1, b'a']), "a step missing");
    assert_corrupt(&body(&[201]), "more steps than the cap");
}

#[test]
fn a_million_events_fit_in_32_kb() {
    let started = std::time::Instant::now();
    let mut rng = Rng::new(0x5EED);
    let shop = Shop::new(&mut rng);
    let mut p = Profile::default();
    let mut at = T0;
    for n in 0..1_000_000usize {
        at +=
            if n % 400 == 7 { 3 * 60 * MINUTE } else { MINUTE + rng.below(20_000) as i64 - 10_000 };
        // Most events are about the shopper's hundred favourites, one in 64 about anything.
        let item = if rng.below(64) > 0 { rng.below(100) } else { rng.below(shop.ids.len()) };
        let lineage = &shop.lineages[item / 3 % shop.lineages.len()];
        let categories = [lineage[0].as_str(), lineage[1].as_str(), lineage[2].as_str()];
        let facets = [
            ("colour", shop.colours[item * 13 % 48].as_str()),
            ("material", shop.materials[item * 7 % 24].as_str()),
            ("brand", shop.brands[item / 8 % 400].as_str()),
            ("style", shop.styles[item % 16].as_str()),
        ];
        let seen = evidence(&shop, item, &categories, &facets, n % 16 == 0);
        let id = &shop.ids[item];
        let kind = match rng.below(100) {
            0..60 => EventKind::View { item_id: id.clone() },
            60..75 => EventKind::Dwell { item_id: id.clone(), ms: rng.below(120_000) as f64 },
            75..85 => EventKind::Click { item_id: id.clone() },
            85..92 => EventKind::AddToCart { item_id: id.clone() },
            92..95 => EventKind::RemoveFromCart { item_id: id.clone() },
            95..98 => EventKind::Purchase { item_id: id.clone() },
            _ => EventKind::Dismiss { item_id: id.clone() },
        };
        p.learn(&seen, kind.weight(), at);
        match kind {
            EventKind::Purchase { .. } => p.mark_purchased(id, at),
            EventKind::Dismiss { .. } => p.mark_dismissed(id, at),
            _ => {}
        }
        let event = Event { kind, at };
        p.note_session(&event);
        if n % 20 == 0 {
            p.note_session(&Event {
                kind: EventKind::Search { query: shop.queries[rng.below(200)].clone() },
                at: at + 1,
            });
        }
        if n % 128 == 0 {
            for _ in 0..6 {
                p.mark_shown(&shop.ids[rng.below(shop.ids.len())], Kind::Personal, at + 2);
            }
        }
    }
    assert_eq!(p.categories().len(), MAX_CATEGORIES);
    assert_eq!(p.facets().len(), MAX_FACET_VALUES);
    assert_eq!(p.interests().len(), MAX_INTERESTS);
    assert_eq!(p.items().len(), MAX_ITEMS);
    assert_eq!(p.shown().len(), MAX_SHOWN);
    assert_eq!(p.purchases().len(), flaneur::profile::MAX_PURCHASES);
    assert_eq!(p.dismissed().len(), MAX_ITEM_MARKS);
    assert_eq!(p.recent().count(), MAX_RECENT);
    assert_eq!(p.session().count(), MAX_SESSION_EVENTS);
    let bytes = p.to_bytes();
    eprintln!("1,000,000 events: {} bytes stored, in {:.1?}", bytes.len(), started.elapsed());
    assert!(bytes.len() <= 32 * 1024, "{} bytes", bytes.len());
    assert_eq!(Profile::from_bytes(&bytes), Ok(p));
}
