//! The stored profile's binary form: versioned, checksummed, bounded, migratable.
//!
//! [`Profile::to_bytes`] writes the newest version, [`PROFILE_FORMAT_VERSION`];
//! [`Profile::from_bytes`] reads every version up to it. Decoding validates
//! everything and never panics: damaged or hostile bytes give
//! [`Error::ProfileCorrupt`], bytes from a newer flaneur [`Error::ProfileVersion`].
//! No allocation is larger than the input can justify: every count is checked
//! against its cap and against the bytes left before anything is reserved.
//!
//! ```
//! use flaneur::profile::{Evidence, Profile};
//! let mut profile = Profile::default();
//! let seen = Evidence {
//!     item_id: "sku-1",
//!     categories: &["Women"],
//!     facets: &[("colour", "red")],
//!     vector: None,
//! };
//! profile.learn(&seen, 1.0, 1_767_225_600_000);
//! let bytes = profile.to_bytes();
//! assert_eq!(&bytes[..8], b"FLNRPRF\0");
//! assert_eq!(Profile::from_bytes(&bytes), Ok(profile));
//! assert!(Profile::from_bytes(&bytes[..bytes.len() - 1]).is_err());
//! ```
//!
//! # Header (20 bytes, the same in every version)
//!
//! | offset | size | field |
//! | --- | --- | --- |
//! | 0 | 8 | magic `b"FLNRPRF\0"` |
//! | 8 | 2 | format version, u16 LE |
//! | 10 | 2 | flags, u16 LE; v1 defines none, so it must be 0 |
//! | 12 | 4 | CRC-32 (IEEE) of the body, u32 LE |
//! | 16 | 4 | body length in bytes, u32 LE; the body ends the input exactly |
//! | 20 | … | body |
//!
//! # Body, v1 (v2 appends sections 12–14; v3 drops a search's text; v4 moves purchases to
//! a section 15; see `docs/FORMATS.md`)
//!
//! `varint` is unsigned LEB128, `zz` a zig-zag varint, `str` a varint byte
//! length then UTF-8, `f32`/`f64` little-endian IEEE 754 (bit-exact). `T` is
//! `last_event_at`, or 0 when there is none; other times are stored as `zz`
//! deltas (wrapping, so every `i64` round-trips) from the base the list names.
//! Counts come first and are capped by the profile's limits.
//!
//! The sections, in order (# section: encoding):
//!
//! 1. half-life: `f64` ms, ≥ 1 (+∞ allowed: no decay)
//! 2. last event: `u8` 0 (none) or 1 then `zz` T (absolute)
//! 3. categories: `varint` n ≤ `MAX_CATEGORIES`, n × (`str` path, affinity); paths strictly
//!    ascending
//! 4. facets: `varint` g, g × (`str` facet, `varint` m ≥ 1, m × (`str` value, affinity));
//!    facets strictly ascending, values strictly ascending within one, Σm ≤
//!    `MAX_FACET_VALUES`
//! 5. interests: `varint` n ≤ `MAX_INTERESTS`, n × (`varint` d in 1..=`MAX_VECTOR_DIMS`,
//!    d × finite `f32`, affinity), in formation order
//! 6. items: as categories, keyed by item id, n ≤ `MAX_ITEMS`
//! 7. shown: `varint` n ≤ `MAX_SHOWN`, n × (`str` id, `varint` count ≤ u32::MAX,
//!    `zz` last_shown − T); ids strictly ascending
//! 8. purchased: `varint` n ≤ `MAX_ITEM_MARKS`, n × (`str` id, `zz` at − T); ids strictly
//!    ascending
//! 9. dismissed: as purchased
//! 10. recent: `varint` n ≤ `MAX_RECENT`, n × `str` id, oldest first, no id twice
//! 11. session: `varint` n ≤ `MAX_SESSION_EVENTS`, n × event, oldest first
//!
//! An affinity is `f32` weight (finite, ≥ 0), `varint` count (≤ u32::MAX),
//! `zz` last_seen − T, `zz` first_seen − last_seen. An event is a `u8` tag,
//! `zz` at − the previous event's `at` (T for the first), then its fields:
//!
//! | tag | kind | fields |
//! | --- | --- | --- |
//! | 0 | view | `str` item id |
//! | 1 | dwell | `str` item id, `f64` ms (as the page reported it) |
//! | 2 | click | `str` item id |
//! | 3 | add to cart | `str` item id |
//! | 4 | remove from cart | `str` item id |
//! | 5 | purchase | `str` item id |
//! | 6 | dismiss | `str` item id |
//! | 7 | search | `str` query (v1, v2: dropped on reading); v3: `u8` refines, 0 or 1 |
//!
//! Anything else is corrupt: an unknown tag, a count over its cap or larger
//! than the bytes left, keys out of order or repeated, a non-finite number
//! where one must be finite, invalid UTF-8, bytes left over after the last
//! section, a varint longer than it needs to be. The encoding is canonical:
//! a profile has exactly one, and whatever is accepted re-encodes to the
//! very bytes it was read from.
//!
//! # Migration
//!
//! The header never changes. Each version has its own decoder (`v1` below)
//! that reads that version's layout forever, and [`Profile::from_bytes`]
//! dispatches on the version. A v2 bumps [`PROFILE_FORMAT_VERSION`] and the
//! written version, adds a `v2` module whose encoder `to_bytes` calls from
//! then on, and adds the arm `2 => v2::decode(body)`. The arm
//! `1 => v1::decode(body)` stays: v1's decoder builds today's [`Profile`], so
//! it is where a v1 profile is upgraded, in one place (whatever v2 added gets
//! its default there). A stored v1 profile is then read as before and written
//! back as v2 on the next save; old versions are never written. A version
//! newer than this build is refused with [`Error::ProfileVersion`] (callers
//! should keep those bytes rather than overwrite them); version 0 was never
//! written and is corrupt.
//!
//! # Size
//!
//! The caps bound the encoding. With ids ≤ 12 bytes, category paths ≤ 32,
//! facet values ≤ 12 under at most 16 facet names ≤ 8 bytes,
//! 64-dimensional vectors, counts below 2²¹ and times within 69 years
//! of each other, the worst case is 32,744 bytes (see `docs/FORMATS.md`),
//! under the 32 KB a profile may take however many events it has seen.

use super::{
    Affinity, DivergenceState, Event, EventKind, Interest, Interests, Kind, MAX_CATEGORIES,
    MAX_FACET_VALUES, MAX_ITEM_MARKS, MAX_ITEMS, MAX_RECENT, MAX_SESSION_EVENTS, MAX_SHOWN,
    MAX_VECTOR_DIMS, Profile, Purchases, Shown, Stats, interests::MAX_INTERESTS,
};
use crate::error::{Error, Result};
use crate::util::bytes::{ByteReader, ByteWriter, crc32};
use std::collections::VecDeque;

use crate::util::sorted_map::SortedMap;
use std::fmt::Display;

/// The newest profile format version: the one [`Profile::to_bytes`] writes.
pub const PROFILE_FORMAT_VERSION: u32 = 5;

/// The version [`Profile::to_bytes`] writes: always the newest.
const WRITTEN_VERSION: u16 = 5;
const _: () = assert!(WRITTEN_VERSION as u32 == PROFILE_FORMAT_VERSION);
/// The oldest version ever written.
const OLDEST_VERSION: u16 = 1;
/// First bytes of every stored profile.
const MAGIC: &[u8; 8] = b"FLNRPRF\0";
/// Bytes before the body.
const HEADER_LEN: usize = 20;
/// Offset of the CRC-32 in the header.
const CRC_AT: usize = 12;
/// Offset of the body length in the header.
const LEN_AT: usize = 16;

impl Profile {
    /// The profile in the newest binary format ([`PROFILE_FORMAT_VERSION`]),
    /// for storage on the device: at most 32 KB with realistic strings,
    /// however many events it learned from. Equal profiles give equal bytes.
    /// The layout is specified in `docs/FORMATS.md` ("Profile, binary v5").
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = ByteWriter::with_capacity(4096);
        w.bytes(MAGIC);
        w.u16(WRITTEN_VERSION);
        w.u16(0); // flags
        w.u32(0); // CRC-32, patched below
        w.u32(0); // body length, patched below
        v5::encode(self, &mut w); // the encoder of WRITTEN_VERSION
        let body = &w.as_slice()[HEADER_LEN..];
        let (crc, len) = (crc32(body), u32::try_from(body.len()).unwrap_or(u32::MAX));
        w.patch_u32(CRC_AT, crc);
        w.patch_u32(LEN_AT, len);
        w.into_bytes()
    }

    /// Reads a profile written by [`Profile::to_bytes`] of this or an older
    /// version of flaneur.
    ///
    /// # Errors
    ///
    /// [`Error::ProfileVersion`] for a format newer than this build reads;
    /// [`Error::ProfileCorrupt`] for anything else that is not a valid profile.
    pub fn from_bytes(bytes: &[u8]) -> Result<Profile> {
        let (version, body) = open(bytes)?;
        match version {
            1 => v1::decode(body),
            2 => v2::decode(body),
            3 => v3::decode(body),
            4 => v4::decode(body),
            5 => v5::decode(body),
            other => Err(corrupt(format!("no decoder for format version {other}"))),
        }
    }
}

/// A [`Error::ProfileCorrupt`] with `reason`.
fn corrupt(reason: impl Into<String>) -> Error {
    Error::ProfileCorrupt { reason: reason.into() }
}

/// Checks the header, the length and the checksum; returns the version and the body.
fn open(bytes: &[u8]) -> Result<(u16, &[u8])> {
    let mut header = ByteReader::new(bytes);
    if header.take(MAGIC.len()) != Some(MAGIC.as_slice()) {
        return Err(corrupt("not a flaneur profile (wrong magic)"));
    }
    let version = header.u16().ok_or_else(|| corrupt("truncated header"))?;
    if u32::from(version) > PROFILE_FORMAT_VERSION {
        return Err(Error::ProfileVersion {
            found: version.into(),
            supported: PROFILE_FORMAT_VERSION,
        });
    }
    if version < OLDEST_VERSION {
        return Err(corrupt(format!("format version {version} was never written")));
    }
    let (Some(flags), Some(crc), Some(len)) = (header.u16(), header.u32(), header.u32()) else {
        return Err(corrupt("truncated header"));
    };
    if flags != 0 {
        return Err(corrupt(format!("unknown flags {flags:#06x}")));
    }
    let body = header.take(header.remaining()).unwrap_or_default();
    if body.len() as u64 != u64::from(len) {
        return Err(corrupt(format!(
            "the header announces a body of {len} bytes, {} follow",
            body.len()
        )));
    }
    if crc32(body) != crc {
        return Err(corrupt("checksum mismatch"));
    }
    Ok((version, body))
}

/// Version 1: encoder and decoder. Frozen: a new layout is a new module.
mod v1 {
    use super::*;

    /// Smallest encoded affinity: weight, count and two time deltas.
    const MIN_AFFINITY: usize = 4 + 1 + 1 + 1;
    /// Smallest entry keyed by a string with an affinity.
    const MIN_KEYED_AFFINITY: usize = 1 + MIN_AFFINITY;
    /// Smallest facet group: name, value count, one value.
    const MIN_FACET_GROUP: usize = 1 + 1 + MIN_KEYED_AFFINITY;
    /// Smallest interest: dimension count, one component, affinity.
    const MIN_INTEREST: usize = 1 + 4 + MIN_AFFINITY;
    /// Smallest impressions entry: id, count, time.
    const MIN_SHOWN: usize = 1 + 1 + 1;
    /// Smallest purchase or dismissal mark: id, time.
    const MIN_MARK: usize = 1 + 1;
    /// The cap on facet values before v4 (v4 lowered it to make room for purchases).
    pub(super) const LEGACY_MAX_FACET_VALUES: usize = 256;
    /// Smallest session event: tag, time, one string.
    pub(super) const MIN_EVENT: usize = 1 + 1 + 1;

    pub(super) const VIEW: u8 = 0;
    pub(super) const DWELL: u8 = 1;
    pub(super) const CLICK: u8 = 2;
    pub(super) const ADD_TO_CART: u8 = 3;
    pub(super) const REMOVE_FROM_CART: u8 = 4;
    pub(super) const PURCHASE: u8 = 5;
    pub(super) const DISMISS: u8 = 6;
    pub(super) const SEARCH: u8 = 7;

    // ----- encoding -----

    /// How a version writes the session window (section 11).
    pub(super) type WriteSession = fn(&mut ByteWriter, &VecDeque<Event>, i64);
    /// How a version reads one session event, given the previous event's time.
    pub(super) type ReadEvent = fn(&mut Body<'_>, i64) -> Result<Event>;

    /// Writes the v1 sections of `p`, the session as `write_session` lays it
    /// out (v3 keeps searches without their text; nothing writes v1 itself any more).
    pub(super) fn encode(p: &Profile, w: &mut ByteWriter, write_session: WriteSession) {
        w.f64(p.half_life_ms);
        let t = p.last_event_at.unwrap_or(0);
        match p.last_event_at {
            None => w.u8(0),
            Some(at) => {
                w.u8(1);
                w.varint_signed(at);
            }
        }
        write_keyed(w, &p.categories, |w, a| write_affinity(w, a, t));
        write_facets(w, &p.facets, t);
        write_interests(w, &p.interests, t);
        write_keyed(w, &p.items, |w, a| write_affinity(w, a, t));
        write_keyed(w, &p.shown, |w, s| {
            w.varint(s.count.into());
            write_time(w, s.last_shown, t);
        });
        // 8. purchased: empty since v4, whose section 15 keeps the purchases
        write_count(w, 0);
        write_keyed(w, &p.dismissed, |w, at| write_time(w, *at, t));
        write_count(w, p.recent.len());
        p.recent.iter().for_each(|id| w.str(id));
        write_session(w, &p.session, t);
    }

    pub(super) fn write_count(w: &mut ByteWriter, n: usize) {
        w.varint(n as u64);
    }

    pub(super) fn write_time(w: &mut ByteWriter, at: i64, base: i64) {
        w.varint_signed(at.wrapping_sub(base));
    }

    fn write_affinity(w: &mut ByteWriter, a: &Affinity, t: i64) {
        w.f32(a.weight);
        w.varint(a.count.into());
        write_time(w, a.last_seen, t);
        write_time(w, a.first_seen, a.last_seen);
    }

    /// A count, then each key (in the map's ascending order) and its value.
    fn write_keyed<V>(
        w: &mut ByteWriter,
        map: &SortedMap<String, V>,
        mut value: impl FnMut(&mut ByteWriter, &V),
    ) {
        write_count(w, map.len());
        for (key, v) in map {
            w.str(key);
            value(w, v);
        }
    }

    /// Facet values grouped under their facet, so each facet name is written once.
    fn write_facets(w: &mut ByteWriter, facets: &SortedMap<(String, String), Affinity>, t: i64) {
        let entries: Vec<_> = facets.iter().collect();
        let groups: Vec<_> = entries.chunk_by(|a, b| a.0.0 == b.0.0).collect();
        write_count(w, groups.len());
        for group in groups {
            w.str(&group[0].0.0);
            write_count(w, group.len());
            for ((_, value), a) in group {
                w.str(value);
                write_affinity(w, a, t);
            }
        }
    }

    fn write_interests(w: &mut ByteWriter, interests: &Interests, t: i64) {
        write_count(w, interests.len());
        for interest in interests.iter() {
            write_count(w, interest.centroid.len());
            interest.centroid.iter().for_each(|x| w.f32(*x));
            write_affinity(w, &interest.affinity, t);
        }
    }

    // ----- decoding -----

    /// Reads and validates a v1 body, upgrading it: whatever later versions
    /// added starts empty (impressions count as personal), and searches lose
    /// their text.
    pub(super) fn decode(body: &[u8]) -> Result<Profile> {
        let mut b = Body { bytes: ByteReader::new(body), section: "half-life" };
        let mut profile = decode_sections(&mut b, read_event, LEGACY_MAX_FACET_VALUES)?;
        b.finish()?;
        profile.trim_legacy();
        Ok(profile)
    }

    /// Reads the v1 sections, which every later version starts with, with
    /// at most `facet_cap` facet values. The purchased marks of section 8
    /// become a purchase history of one occasion each, oldest first.
    pub(super) fn decode_sections(
        b: &mut Body<'_>,
        read_event: ReadEvent,
        facet_cap: usize,
    ) -> Result<Profile> {
        let half_life_ms = b.read(ByteReader::f64)?;
        if half_life_ms.is_nan() || half_life_ms < 1.0 {
            return Err(b.corrupt(format!("{half_life_ms} ms is not a half-life")));
        }
        b.section = "last event";
        let last_event_at = match b.read(ByteReader::u8)? {
            0 => None,
            1 => Some(b.varint_signed()?),
            other => return Err(b.corrupt(format!("presence byte {other}"))),
        };
        let t = last_event_at.unwrap_or(0);
        b.section = "categories";
        let categories = read_keyed(b, MAX_CATEGORIES, MIN_KEYED_AFFINITY, |b| b.affinity(t))?;
        let facets = read_facets(b, t, facet_cap)?;
        let interests = read_interests(b, t)?;
        b.section = "items";
        let items = read_keyed(b, MAX_ITEMS, MIN_KEYED_AFFINITY, |b| b.affinity(t))?;
        b.section = "shown";
        let shown = read_keyed(b, MAX_SHOWN, MIN_SHOWN, |b| {
            Ok(Shown { count: b.count_u32()?, last_shown: b.time(t)?, kind: Kind::Personal })
        })?;
        b.section = "purchased";
        let marks = read_keyed(b, MAX_ITEM_MARKS, MIN_MARK, |b| b.time(t))?;
        let mut by_time: Vec<(&String, &i64)> = marks.iter().collect();
        crate::util::sort::sort_by_key(&mut by_time, |(_, at)| **at);
        let mut purchases = Purchases::default();
        by_time.into_iter().for_each(|(id, at)| purchases.record(id, *at));
        b.section = "dismissed";
        let dismissed = read_keyed(b, MAX_ITEM_MARKS, MIN_MARK, |b| b.time(t))?;
        let recent = read_recent(b)?;
        let session = read_session(b, t, read_event)?;
        Ok(Profile {
            half_life_ms,
            categories,
            facets,
            interests,
            items,
            shown,
            session,
            purchases,
            sequence: Default::default(),
            dismissed,
            recent,
            last_event_at,
            divergence: DivergenceState::default(),
            stats: Stats::default(),
        })
    }

    /// Entries keyed by strictly ascending strings.
    pub(super) fn read_keyed<'a, V>(
        b: &mut Body<'a>,
        cap: usize,
        min_entry: usize,
        mut value: impl FnMut(&mut Body<'a>) -> Result<V>,
    ) -> Result<SortedMap<String, V>> {
        let n = b.count(cap, min_entry)?;
        let mut map: SortedMap<String, V> = SortedMap::new();
        for _ in 0..n {
            let key = b.str()?;
            if map.last_key_value().is_some_and(|(last, _)| last.as_str() >= key) {
                return Err(b.corrupt(format!("key {key:?} out of order or repeated")));
            }
            let v = value(b)?;
            map.insert(key.to_owned(), v);
        }
        Ok(map)
    }

    fn read_facets(
        b: &mut Body<'_>,
        t: i64,
        cap: usize,
    ) -> Result<SortedMap<(String, String), Affinity>> {
        b.section = "facets";
        let groups = b.count(cap, MIN_FACET_GROUP)?;
        let mut map = SortedMap::new();
        let mut previous: Option<&str> = None;
        for _ in 0..groups {
            let facet = b.str()?;
            if previous.is_some_and(|p| p >= facet) {
                return Err(b.corrupt(format!("facet {facet:?} out of order or repeated")));
            }
            previous = Some(facet);
            let values = read_keyed(b, cap - map.len(), MIN_KEYED_AFFINITY, |b| b.affinity(t))?;
            if values.is_empty() {
                return Err(b.corrupt(format!("facet {facet:?} has no values")));
            }
            map.extend(values.into_iter().map(|(value, a)| ((facet.to_owned(), value), a)));
        }
        Ok(map)
    }

    fn read_interests(b: &mut Body<'_>, t: i64) -> Result<Interests> {
        b.section = "interests";
        let n = b.count(MAX_INTERESTS, MIN_INTEREST)?;
        let mut list = Vec::with_capacity(n);
        for _ in 0..n {
            let centroid = read_centroid(b)?;
            let affinity = b.affinity(t)?;
            list.push(Interest { centroid, affinity });
        }
        Ok(Interests::from_list(list))
    }

    fn read_centroid(b: &mut Body<'_>) -> Result<Vec<f32>> {
        let dims = b.count(MAX_VECTOR_DIMS, 4)?;
        if dims == 0 {
            return Err(b.corrupt("an interest without dimensions"));
        }
        let mut centroid = Vec::with_capacity(dims);
        for _ in 0..dims {
            let x = b.read(ByteReader::f32)?;
            if !x.is_finite() {
                return Err(b.corrupt(format!("centroid component {x}")));
            }
            centroid.push(x);
        }
        Ok(centroid)
    }

    fn read_recent(b: &mut Body<'_>) -> Result<VecDeque<String>> {
        b.section = "recent";
        let n = b.count(MAX_RECENT, 1)?;
        let mut recent = VecDeque::with_capacity(n);
        for _ in 0..n {
            let id = b.str()?;
            if recent.iter().any(|r| r == id) {
                return Err(b.corrupt(format!("item {id:?} twice")));
            }
            recent.push_back(id.to_owned());
        }
        Ok(recent)
    }

    pub(super) fn read_session(
        b: &mut Body<'_>,
        t: i64,
        read_event: ReadEvent,
    ) -> Result<VecDeque<Event>> {
        b.section = "session";
        let n = b.count(MAX_SESSION_EVENTS, MIN_EVENT)?;
        let mut session = VecDeque::with_capacity(n);
        let mut previous = t;
        for _ in 0..n {
            let event = read_event(b, previous)?;
            previous = event.at;
            session.push_back(event);
        }
        Ok(session)
    }

    /// A v1 or v2 session event. A search's text is read and dropped: the
    /// profile keeps a search as a step that refined nothing.
    pub(super) fn read_event(b: &mut Body<'_>, previous: i64) -> Result<Event> {
        let tag = b.read(ByteReader::u8)?;
        let at = b.time(previous)?;
        let text = b.str()?.to_owned();
        let kind = match tag {
            SEARCH => EventKind::SearchStep { refines: false },
            _ => item_event(b, tag, text)?,
        };
        Ok(Event { kind, at })
    }

    /// The event of `tag` about the item `item_id` (every tag but a search's),
    /// with a dwell's milliseconds read after it: the same in every version.
    pub(super) fn item_event(b: &mut Body<'_>, tag: u8, item_id: String) -> Result<EventKind> {
        Ok(match tag {
            VIEW => EventKind::View { item_id },
            DWELL => EventKind::Dwell { item_id, ms: b.read(ByteReader::f64)? },
            CLICK => EventKind::Click { item_id },
            ADD_TO_CART => EventKind::AddToCart { item_id },
            REMOVE_FROM_CART => EventKind::RemoveFromCart { item_id },
            PURCHASE => EventKind::Purchase { item_id },
            DISMISS => EventKind::Dismiss { item_id },
            other => return Err(b.corrupt(format!("unknown event tag {other}"))),
        })
    }

    /// A v1 body being read: every failure becomes [`Error::ProfileCorrupt`]
    /// naming the section and the body offset.
    pub(super) struct Body<'a> {
        pub(super) bytes: ByteReader<'a>,
        pub(super) section: &'static str,
    }

    impl<'a> Body<'a> {
        pub(super) fn corrupt(&self, what: impl Display) -> Error {
            corrupt(format!("{}: {what} (body offset {})", self.section, self.bytes.position()))
        }

        /// One value; `None` from the reader means truncated or malformed.
        pub(super) fn read<T>(
            &mut self,
            f: impl FnOnce(&mut ByteReader<'a>) -> Option<T>,
        ) -> Result<T> {
            match f(&mut self.bytes) {
                Some(v) => Ok(v),
                None => Err(self.corrupt("truncated or malformed")),
            }
        }

        /// An unsigned varint in its shortest form, so that the encoding stays canonical.
        pub(super) fn varint(&mut self) -> Result<u64> {
            let start = self.bytes.position();
            let v = self.read(ByteReader::varint)?;
            let shortest = (u64::BITS - v.leading_zeros()).div_ceil(7).max(1) as usize;
            if self.bytes.position() - start != shortest {
                return Err(self.corrupt(format!("{v} written in more bytes than needed")));
            }
            Ok(v)
        }

        /// A zig-zag varint in its shortest form.
        pub(super) fn varint_signed(&mut self) -> Result<i64> {
            let v = self.varint()?;
            Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
        }

        /// A varint byte length, then that many bytes of UTF-8.
        pub(super) fn str(&mut self) -> Result<&'a str> {
            let len = self.varint()?;
            let bytes = usize::try_from(len).ok().and_then(|len| self.bytes.take(len));
            match bytes.map(std::str::from_utf8) {
                Some(Ok(s)) => Ok(s),
                Some(Err(_)) => Err(self.corrupt("a string that is not UTF-8")),
                None => Err(self.corrupt(format!("a string of {len} bytes, past the end"))),
            }
        }

        /// A count of entries of at least `min_entry` bytes each, at most `cap`.
        pub(super) fn count(&mut self, cap: usize, min_entry: usize) -> Result<usize> {
            let n = self.varint()?;
            let n = match usize::try_from(n) {
                Ok(n) if n <= cap => n,
                _ => return Err(self.corrupt(format!("{n} entries, more than the {cap} allowed"))),
            };
            if n.saturating_mul(min_entry) > self.bytes.remaining() {
                return Err(self.corrupt(format!(
                    "{n} entries cannot fit in {} bytes",
                    self.bytes.remaining()
                )));
            }
            Ok(n)
        }

        pub(super) fn count_u32(&mut self) -> Result<u32> {
            let n = self.varint()?;
            u32::try_from(n).map_err(|_| self.corrupt(format!("count {n} out of range")))
        }

        /// A time stored as a delta from `base`.
        pub(super) fn time(&mut self, base: i64) -> Result<i64> {
            Ok(base.wrapping_add(self.varint_signed()?))
        }

        fn affinity(&mut self, t: i64) -> Result<Affinity> {
            let weight = self.read(ByteReader::f32)?;
            if !(weight.is_finite() && weight >= 0.0) {
                return Err(self.corrupt(format!("weight {weight}")));
            }
            let count = self.count_u32()?;
            let last_seen = self.time(t)?;
            let first_seen = self.time(last_seen)?;
            Ok(Affinity { weight, count, first_seen, last_seen })
        }

        pub(super) fn finish(&self) -> Result<()> {
            match self.bytes.remaining() {
                0 => Ok(()),
                n => Err(self.corrupt(format!("{n} bytes after the last section"))),
            }
        }
    }
}

/// Version 2: the v1 sections, then three more (impression kinds, divergence,
/// local counters). Frozen like v1: a new layout is a new module.
mod v2 {
    use super::v1::{self, Body, decode_sections, write_count, write_time};
    use super::*;
    use crate::profile::Counter;
    use crate::profile::divergence::{
        Direction, MAX_BLOCKED, MAX_DIRECTIONS, MAX_PENDING, Outcome,
    };

    /// Smallest outcome entry: three string indices, two f32, one time.
    const MIN_OUTCOME: usize = 3 + 4 + 4 + 1;
    /// Smallest blocked entry: three string indices, one time.
    const MIN_BLOCKED: usize = 3 + 1;
    /// Smallest pending entry: item id, three string indices, one time.
    const MIN_PENDING: usize = 1 + 3 + 1;
    /// Most strings a divergence section can name: three per direction entry.
    const MAX_STRINGS: usize = 3 * (MAX_DIRECTIONS + MAX_BLOCKED + MAX_PENDING);

    /// Writes the v2 sections of `p`, the session as `write_session` lays it out.
    pub(super) fn encode(p: &Profile, w: &mut ByteWriter, write_session: v1::WriteSession) {
        super::v1::encode(p, w, write_session);
        let t = p.last_event_at.unwrap_or(0);
        // 12. impression kinds, in the order of section 7
        write_count(w, p.shown.len());
        p.shown.values().for_each(|s| w.u8(s.kind.code()));
        // 13. divergence
        write_divergence(w, &p.divergence, t);
        // 14. local counters
        for kind in Kind::COUNTED {
            let c = p.stats.get(kind);
            w.varint(c.impressions);
            w.varint(c.engagements);
        }
    }

    fn write_divergence(w: &mut ByteWriter, d: &DivergenceState, t: i64) {
        let directions =
            d.outcomes.keys().chain(d.blocked.keys()).chain(d.pending.values().map(|(dir, _)| dir));
        let mut table: Vec<&str> = directions
            .flat_map(|dir| [dir.anchor.as_str(), dir.axis.as_str(), dir.to.as_str()])
            .collect();
        crate::util::sort::sort(&mut table);
        table.dedup();
        let index = |s: &str| table.binary_search(&s).unwrap_or(0) as u64;
        let write_direction = |w: &mut ByteWriter, dir: &Direction| {
            w.varint(index(&dir.anchor));
            w.varint(index(&dir.axis));
            w.varint(index(&dir.to));
        };
        write_count(w, table.len());
        table.iter().for_each(|s| w.str(s));
        write_count(w, d.outcomes.len());
        for (dir, o) in &d.outcomes {
            write_direction(w, dir);
            w.f32(o.accepted);
            w.f32(o.rejected);
            write_time(w, o.last_at, t);
        }
        write_count(w, d.blocked.len());
        for (dir, at) in &d.blocked {
            write_direction(w, dir);
            write_time(w, *at, t);
        }
        write_count(w, d.pending.len());
        for (item, (dir, at)) in &d.pending {
            w.str(item);
            write_direction(w, dir);
            write_time(w, *at, t);
        }
        w.varint(d.accepted_total.into());
        write_time(w, d.session.0, t);
        w.varint(d.session.1.into());
    }

    /// Reads and validates a v2 body (searches lose their text).
    pub(super) fn decode(body: &[u8]) -> Result<Profile> {
        decode_with(body, v1::read_event)
    }

    /// Reads and validates a body of the v2 layout whose session events
    /// `read_event` reads (v2, v3: older caps, trimmed to today's).
    pub(super) fn decode_with(body: &[u8], read_event: v1::ReadEvent) -> Result<Profile> {
        let mut b = Body { bytes: ByteReader::new(body), section: "half-life" };
        let mut p = decode_body(&mut b, read_event, v1::LEGACY_MAX_FACET_VALUES)?;
        b.finish()?;
        p.trim_legacy();
        Ok(p)
    }

    /// Reads the sections of the v2 layout (1–14) from `b`, leaving what follows.
    pub(super) fn decode_body(
        b: &mut Body<'_>,
        read_event: v1::ReadEvent,
        facet_cap: usize,
    ) -> Result<Profile> {
        let mut p = decode_sections(b, read_event, facet_cap)?;
        let b = &mut *b;
        let t = p.last_event_at.unwrap_or(0);
        b.section = "impression kinds";
        let n = b.count(MAX_SHOWN, 1)?;
        if n != p.shown.len() {
            return Err(b.corrupt(format!("{n} kinds for {} impressions", p.shown.len())));
        }
        for shown in p.shown.values_mut() {
            let code = b.read(ByteReader::u8)?;
            shown.kind = Kind::from_code(code).ok_or_else(|| b.corrupt(format!("kind {code}")))?;
        }
        p.divergence = read_divergence(b, t)?;
        b.section = "counters";
        for kind in Kind::COUNTED {
            let impressions = b.varint()?;
            let engagements = b.varint()?;
            p.stats.set(kind, Counter { impressions, engagements });
        }
        Ok(p)
    }

    fn read_divergence(b: &mut Body<'_>, t: i64) -> Result<DivergenceState> {
        b.section = "divergence strings";
        let n = b.count(MAX_STRINGS, 1)?;
        let mut table: Vec<&str> = Vec::with_capacity(n);
        for _ in 0..n {
            let s = b.str()?;
            if table.last().is_some_and(|last| *last >= s) {
                return Err(b.corrupt(format!("string {s:?} out of order or repeated")));
            }
            table.push(s);
        }
        let mut used = vec![false; n];
        let mut direction = |b: &mut Body<'_>| -> Result<Direction> {
            let mut part = || -> Result<String> {
                let i = b.varint()?;
                let s = usize::try_from(i).ok().and_then(|i| table.get(i).map(|s| (i, *s)));
                let (i, s) =
                    s.ok_or_else(|| b.corrupt(format!("string index {i} out of range")))?;
                used[i] = true;
                Ok(s.to_owned())
            };
            Ok(Direction { anchor: part()?, axis: part()?, to: part()? })
        };
        let mut d = DivergenceState::default();
        b.section = "divergence outcomes";
        let n = b.count(MAX_DIRECTIONS, MIN_OUTCOME)?;
        for _ in 0..n {
            let dir = direction(b)?;
            let (accepted, rejected) = (b.read(ByteReader::f32)?, b.read(ByteReader::f32)?);
            if !(accepted.is_finite() && accepted >= 0.0 && rejected.is_finite() && rejected >= 0.0)
            {
                return Err(b.corrupt(format!("outcome {accepted}/{rejected}")));
            }
            let last_at = b.time(t)?;
            if d.outcomes.last_key_value().is_some_and(|(last, _)| *last >= dir) {
                return Err(b.corrupt("directions out of order or repeated"));
            }
            d.outcomes.insert(dir, Outcome { accepted, rejected, last_at });
        }
        b.section = "divergence blocked";
        let n = b.count(MAX_BLOCKED, MIN_BLOCKED)?;
        for _ in 0..n {
            let dir = direction(b)?;
            let at = b.time(t)?;
            if d.blocked.last_key_value().is_some_and(|(last, _)| *last >= dir) {
                return Err(b.corrupt("directions out of order or repeated"));
            }
            d.blocked.insert(dir, at);
        }
        b.section = "divergence pending";
        let n = b.count(MAX_PENDING, MIN_PENDING)?;
        for _ in 0..n {
            let item = b.str()?.to_owned();
            let dir = direction(b)?;
            let at = b.time(t)?;
            if d.pending.last_key_value().is_some_and(|(last, _)| *last >= item) {
                return Err(b.corrupt(format!("item {item:?} out of order or repeated")));
            }
            d.pending.insert(item, (dir, at));
        }
        if used.iter().any(|u| !u) {
            return Err(b.corrupt("a string no direction uses"));
        }
        b.section = "divergence totals";
        d.accepted_total = b.count_u32()?;
        let start = b.time(t)?;
        d.session = (start, b.count_u32()?);
        Ok(d)
    }
}

/// Version 3: the v2 layout, except that a search in the session window
/// (tag 7) holds no text, only a `u8` saying whether it refined the search
/// before it (0 or 1). Frozen like v1: a new layout is a new module.
mod v3 {
    use super::v1::{
        ADD_TO_CART, Body, CLICK, DISMISS, DWELL, PURCHASE, REMOVE_FROM_CART, SEARCH, VIEW,
        write_count, write_time,
    };
    use super::*;

    /// Reads and validates a v3 body.
    pub(super) fn decode(body: &[u8]) -> Result<Profile> {
        super::v2::decode_with(body, read_event)
    }

    /// Writes the session window the v3 way (v4 keeps it).
    pub(super) fn write_session(w: &mut ByteWriter, session: &VecDeque<Event>, t: i64) {
        write_count(w, session.len());
        let mut previous = t;
        for event in session {
            let (tag, id, ms) = match &event.kind {
                EventKind::View { item_id } => (VIEW, Some(item_id), None),
                EventKind::Dwell { item_id, ms } => (DWELL, Some(item_id), Some(*ms)),
                EventKind::Click { item_id } => (CLICK, Some(item_id), None),
                EventKind::AddToCart { item_id } => (ADD_TO_CART, Some(item_id), None),
                EventKind::RemoveFromCart { item_id } => (REMOVE_FROM_CART, Some(item_id), None),
                EventKind::Purchase { item_id } => (PURCHASE, Some(item_id), None),
                EventKind::Dismiss { item_id } => (DISMISS, Some(item_id), None),
                // The profile never holds a search's text (`Profile::note_session`).
                EventKind::Search { .. } | EventKind::SearchStep { .. } => (SEARCH, None, None),
            };
            w.u8(tag);
            write_time(w, event.at, previous);
            match id {
                Some(id) => w.str(id),
                None => {
                    w.u8(u8::from(matches!(event.kind, EventKind::SearchStep { refines: true })))
                }
            }
            if let Some(ms) = ms {
                w.f64(ms);
            }
            previous = event.at;
        }
    }

    /// Reads one session event the v3 way (v4 keeps it).
    pub(super) fn read_event(b: &mut Body<'_>, previous: i64) -> Result<Event> {
        let tag = b.read(ByteReader::u8)?;
        let at = b.time(previous)?;
        if tag == SEARCH {
            let refines = match b.read(ByteReader::u8)? {
                0 => false,
                1 => true,
                other => return Err(b.corrupt(format!("a search that refines {other}"))),
            };
            return Ok(Event { kind: EventKind::SearchStep { refines }, at });
        }
        let text = b.str()?.to_owned();
        Ok(Event { kind: v1::item_event(b, tag, text)?, at })
    }
}

/// Version 4: the v3 layout, except that section 8 (purchased marks) is
/// always empty, followed by section 15, the purchase history:
/// `varint` baskets, `u8` 0 or 1 then `zz` the newest purchase in minutes
/// since the epoch (L), `varint` n ≤ `MAX_PURCHASES`, n × (`str` id,
/// `varint` occasions ≥ 1, `varint` L − last in minutes, `varint` last −
/// first in minutes, `f32` frequency (finite, ≥ 0), `varint` baskets − its
/// basket); ids strictly ascending. Frozen like v1.
mod v4 {
    use super::v1::{Body, write_count};
    use super::*;
    use crate::profile::{MAX_PURCHASES, Purchase};

    const MINUTE_MS: i64 = 60_000;
    /// Smallest history entry: id, occasions, two times, frequency, basket.
    const MIN_PURCHASE: usize = 1 + 1 + 1 + 1 + 4 + 1;

    /// Writes the v4 body of `p`.
    pub(super) fn encode(p: &Profile, w: &mut ByteWriter) {
        super::v2::encode(p, w, super::v3::write_session);
        let h = &p.purchases;
        w.varint(h.baskets().into());
        let newest = h.last_at().map(|at| at.div_euclid(MINUTE_MS));
        match newest {
            None => w.u8(0),
            Some(minutes) => {
                w.u8(1);
                w.varint_signed(minutes);
            }
        }
        let newest = newest.unwrap_or(0);
        write_count(w, h.len());
        for (id, bought) in h.iter() {
            let (first, last) =
                (bought.first.div_euclid(MINUTE_MS), bought.last.div_euclid(MINUTE_MS));
            w.str(id);
            w.varint(bought.occasions.into());
            w.varint(newest.wrapping_sub(last) as u64);
            w.varint(last.wrapping_sub(first) as u64);
            w.f32(bought.frequency);
            w.varint(h.baskets().wrapping_sub(bought.basket).into());
        }
    }

    /// Reads and validates a v4 body.
    pub(super) fn decode(body: &[u8]) -> Result<Profile> {
        let mut b = Body { bytes: ByteReader::new(body), section: "half-life" };
        let p = decode_sections(&mut b)?;
        b.finish()?;
        Ok(p)
    }

    /// Reads the v4 sections (1–15), leaving what follows to the caller.
    pub(super) fn decode_sections(b: &mut Body<'_>) -> Result<Profile> {
        let mut p = super::v2::decode_body(b, super::v3::read_event, MAX_FACET_VALUES)?;
        if !p.purchases.is_empty() {
            return Err(b.corrupt("purchased marks in a v4 profile (section 8 must be empty)"));
        }
        b.section = "purchases";
        p.purchases = read_purchases(b)?;
        Ok(p)
    }

    fn read_purchases(b: &mut Body<'_>) -> Result<Purchases> {
        let baskets = b.count_u32()?;
        let newest = match b.read(ByteReader::u8)? {
            0 => None,
            1 => Some(b.varint_signed()?),
            other => return Err(b.corrupt(format!("presence byte {other}"))),
        };
        let n = b.count(MAX_PURCHASES, MIN_PURCHASE)?;
        let ms = |minutes: i64| minutes.checked_mul(MINUTE_MS);
        let last_at = match newest.map(ms) {
            None => None,
            Some(Some(at)) => Some(at),
            Some(None) => return Err(b.corrupt("the newest purchase is out of range")),
        };
        if n > 0 && newest.is_none() {
            return Err(b.corrupt("purchases without a newest purchase"));
        }
        let newest = newest.unwrap_or(0);
        let mut items: SortedMap<String, Purchase> = SortedMap::new();
        for _ in 0..n {
            let id = b.str()?;
            if items.last_key_value().is_some_and(|(last, _)| last.as_str() >= id) {
                return Err(b.corrupt(format!("key {id:?} out of order or repeated")));
            }
            let occasions = b.count_u32()?;
            let age = i64::try_from(b.varint()?).ok();
            let span = i64::try_from(b.varint()?).ok();
            let frequency = b.read(ByteReader::f32)?;
            let behind = b.count_u32()?;
            let last = age.and_then(|age| newest.checked_sub(age));
            let first = last.zip(span).and_then(|(last, span)| last.checked_sub(span));
            let times = first.and_then(ms).zip(last.and_then(ms));
            let Some((first, last)) = times else {
                return Err(b.corrupt(format!("purchase times of {id:?} out of range")));
            };
            if occasions == 0 || !frequency.is_finite() || frequency < 0.0 || behind > baskets {
                return Err(b.corrupt(format!(
                    "purchases of {id:?}: {occasions} occasions, frequency {frequency}, \
                     {behind} baskets behind {baskets}"
                )));
            }
            let basket = baskets - behind;
            items.insert(id.to_owned(), Purchase { occasions, first, last, frequency, basket });
        }
        Ok(Purchases::from_parts(items, baskets, last_at))
    }
}

/// Version 5 (issue #21): v4 and section 16, the shopper's sequence of
/// views, cart additions and purchases (what a sequence model reads), within
/// the 32 KB a stored profile may take.
mod v5 {
    use super::v1::{Body, write_count};
    use super::*;
    use crate::profile::{MAX_SEQUENCE, Sequence, StepKind};

    /// The most a stored profile takes, header included.
    pub(super) const MAX_STORED_BYTES: usize = 32 * 1024;
    /// Smallest step: its tag (a reference to an earlier id).
    const MIN_STEP: usize = 1;

    /// Writes the v5 body of `p`: the newest steps of the sequence that keep
    /// the whole profile (`w` holds the header) within [`MAX_STORED_BYTES`].
    pub(super) fn encode(p: &Profile, w: &mut ByteWriter) {
        super::v4::encode(p, w);
        let room = MAX_STORED_BYTES.saturating_sub(w.len());
        let steps: Vec<(&str, StepKind)> =
            p.sequence.iter().map(|s| (s.item_id.as_str(), s.kind)).collect();
        let mut start = 0;
        while start < steps.len() && section_len(&steps[start..]) > room {
            start += 1;
        }
        let kept = &steps[start..];
        write_count(w, kept.len());
        let mut ids: Vec<&str> = Vec::new();
        for &(id, kind) in kept {
            match ids.iter().position(|known| *known == id) {
                Some(at) => w.varint(((at as u64 + 1) << 2) | u64::from(kind.code())),
                None => {
                    w.varint(u64::from(kind.code()));
                    w.str(id);
                    ids.push(id);
                }
            }
        }
    }

    /// Bytes section 16 takes for `steps`.
    fn section_len(steps: &[(&str, StepKind)]) -> usize {
        let mut ids: Vec<&str> = Vec::new();
        let mut len = varint_len(steps.len() as u64);
        for &(id, _) in steps {
            match ids.iter().position(|known| *known == id) {
                Some(at) => len += varint_len((at as u64 + 1) << 2),
                None => {
                    len += 1 + varint_len(id.len() as u64) + id.len();
                    ids.push(id);
                }
            }
        }
        len
    }

    fn varint_len(v: u64) -> usize {
        (64 - v.max(1).leading_zeros() as usize).div_ceil(7)
    }

    /// Reads and validates a v5 body.
    pub(super) fn decode(body: &[u8]) -> Result<Profile> {
        let mut b = Body { bytes: ByteReader::new(body), section: "half-life" };
        let mut p = super::v4::decode_sections(&mut b)?;
        b.section = "sequence";
        p.sequence = read_sequence(&mut b)?;
        b.finish()?;
        Ok(p)
    }

    fn read_sequence(b: &mut Body<'_>) -> Result<Sequence> {
        let n = b.count(MAX_SEQUENCE, MIN_STEP)?;
        let mut ids: Vec<&str> = Vec::new();
        let mut sequence = Sequence::default();
        for _ in 0..n {
            let tag = b.varint()?;
            let kind = u8::try_from(tag & 3)
                .ok()
                .and_then(StepKind::from_code)
                .ok_or_else(|| b.corrupt(format!("step type {}", tag & 3)))?;
            let id = match tag >> 2 {
                0 => {
                    let id = b.str()?;
                    if id.is_empty() || ids.contains(&id) {
                        return Err(b.corrupt(format!("step id {id:?} empty or not referenced")));
                    }
                    ids.push(id);
                    id
                }
                at => usize::try_from(at - 1)
                    .ok()
                    .and_then(|at| ids.get(at).copied())
                    .ok_or_else(|| b.corrupt(format!("step reference {at} out of range")))?,
            };
            sequence.push(id, kind);
        }
        Ok(sequence)
    }
}
