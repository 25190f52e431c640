//! The snapshot: what the browser keeps for one shop between page loads.
//!
//! One snapshot per shop holds the profile (in its own checksummed binary
//! format, see [`crate::profile`]), the shopper's preferences and, since
//! version 2, the reporting state ([`Reporting`]: privacy ledger and period)
//! and, since version 3, the record's erase epoch (see [`Snapshot::epoch`]).
//! IndexedDB stores the bytes as they are; localStorage stores them in
//! base64. The layout ("Stored record v3" in `docs/FORMATS.md`):
//!
//! | bytes | field |
//! |---|---|
//! | 4 | magic `FLRC` |
//! | 1 | snapshot format version (3; 1 and 2 are still read) |
//! | varint + UTF-8 | shop id |
//! | 8 | saved at, ms since the epoch (i64, little-endian) |
//! | 1 | flags: bit 0 personalization, bit 1 paused, bit 2 reports (v2) |
//! | 5 × 4 | intensity, threshold, diversity, surprise, discretion (f32) |
//! | 1 | intent setting: 0 auto, 1 exploring, 2 buying |
//! | varint, then (varint + UTF-8, 1) × n | sensitive classes and their opt-in |
//! | varint + bytes | the stored profile |
//! | varint + bytes | the reporting state (v2; a version 1 snapshot reads as none) |
//! | 8 | the erase epoch (v3, u64; older snapshots read as 0) |
//! | 4 | CRC-32 of everything before it |
//!
//! ```
//! use flaneur::{ldp::Reporting, preferences::Preferences, profile::Profile, snapshot::Snapshot};
//! let snapshot = Snapshot {
//!     shop: "demo".into(), saved_at: 7, preferences: Preferences::default(),
//!     profile: Profile::default(), reporting: Reporting::default(), epoch: 9,
//! };
//! let bytes = snapshot.to_bytes();
//! assert_eq!(Snapshot::from_bytes(&bytes, "demo").unwrap(), snapshot);
//! assert_eq!(Snapshot::from_bytes(&bytes, "other").unwrap_err().code(), "PROFILE_CORRUPT");
//! let mut flipped = bytes.clone();
//! flipped[20] ^= 1;
//! assert_eq!(Snapshot::from_bytes(&flipped, "demo").unwrap_err().code(), "PROFILE_CORRUPT");
//! ```

use crate::error::{Error, Result};
use crate::ldp::Reporting;
use crate::preferences::{IntentSetting, Preferences};
use crate::profile::Profile;
use crate::util::bytes::{ByteReader, ByteWriter, crc32};

/// The first bytes of every stored snapshot.
pub const SNAPSHOT_MAGIC: &[u8; 4] = b"FLRC";
/// The snapshot format this build writes (and the newest it reads; it reads every older one).
pub const SNAPSHOT_FORMAT_VERSION: u8 = 3;
/// Most sensitive classes a snapshot may list (a bound for hostile input).
const MAX_SENSITIVE: u64 = 64;

/// One shop's stored profile and preferences.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// The shop the snapshot belongs to.
    pub shop: String,
    /// When it was written (ms since the epoch).
    pub saved_at: i64,
    /// The shopper's settings.
    pub preferences: Preferences,
    /// What was learned.
    pub profile: Profile,
    /// The privacy ledger and the counts for the next report (empty in a
    /// version 1 snapshot, which had none).
    pub reporting: Reporting,
    /// Which life of the shop's record this is: a random number drawn when
    /// a record is first written where none was stored, kept by every write
    /// after. An erase ends it, so a tab whose unsaved changes were made on
    /// another epoch knows they predate an erase ([`crate::journal::Journal::settle`]).
    /// 0 in a record older than version 3.
    pub epoch: u64,
}

impl Snapshot {
    /// The snapshot as bytes (equal snapshots give equal bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let profile = self.profile.to_bytes();
        let mut w = ByteWriter::with_capacity(profile.len() + 96);
        w.bytes(SNAPSHOT_MAGIC);
        w.u8(SNAPSHOT_FORMAT_VERSION);
        w.str(&self.shop);
        w.i64(self.saved_at);
        let p = &self.preferences;
        w.u8(u8::from(p.personalization) | (u8::from(p.paused) << 1) | (u8::from(p.reports) << 2));
        for v in [p.intensity, p.threshold, p.diversity, p.surprise, p.discretion] {
            w.f32(v);
        }
        w.u8(match p.intent {
            IntentSetting::Auto => 0,
            IntentSetting::Exploring => 1,
            IntentSetting::Buying => 2,
        });
        w.varint(p.sensitive.len() as u64);
        for (class, allowed) in &p.sensitive {
            w.str(class);
            w.u8(u8::from(*allowed));
        }
        w.varint(profile.len() as u64);
        w.bytes(&profile);
        let reporting = self.reporting.to_bytes();
        w.varint(reporting.len() as u64);
        w.bytes(&reporting);
        w.u64(self.epoch);
        let crc = crc32(w.as_slice());
        w.u32(crc);
        w.into_bytes()
    }

    /// Reads a snapshot of `shop`, checking everything before trusting any of it.
    /// A version 1 snapshot (before reports) reads with reports off and an
    /// empty [`Reporting`], versions 1 and 2 with epoch 0; the next write
    /// stores it as version 3.
    ///
    /// # Errors
    ///
    /// [`Error::ProfileVersion`] for a snapshot (or profile) written by a newer
    /// flaneur; [`Error::ProfileCorrupt`] for anything else that is not a
    /// valid snapshot of this shop.
    pub fn from_bytes(bytes: &[u8], shop: &str) -> Result<Snapshot> {
        let corrupt =
            |reason: &str| Error::ProfileCorrupt { reason: format!("stored record: {reason}") };
        if bytes.len() < SNAPSHOT_MAGIC.len() + 1 + 4 || &bytes[..4] != SNAPSHOT_MAGIC {
            return Err(corrupt("not a flaneur record"));
        }
        if bytes[4] > SNAPSHOT_FORMAT_VERSION {
            return Err(Error::ProfileVersion {
                found: bytes[4].into(),
                supported: SNAPSHOT_FORMAT_VERSION.into(),
            });
        }
        let (body, tail) = bytes.split_at(bytes.len() - 4);
        let stored_crc = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
        if crc32(body) != stored_crc {
            return Err(corrupt("checksum mismatch"));
        }
        let version = bytes[4];
        if version == 0 {
            return Err(corrupt("format version 0"));
        }
        let mut r = ByteReader::new(&body[5..]);
        let truncated = || corrupt("truncated");
        let record_shop = r.str().ok_or_else(truncated)?;
        if record_shop != shop {
            return Err(corrupt(&format!("belongs to shop \"{record_shop}\", not \"{shop}\"")));
        }
        let saved_at = r.i64().ok_or_else(truncated)?;
        let flags = r.u8().ok_or_else(truncated)?;
        let known_flags = if version >= 2 { 0b111 } else { 0b11 };
        if flags & !known_flags != 0 {
            return Err(corrupt("unknown flags"));
        }
        let mut ranges = [0f32; 5];
        for v in &mut ranges {
            *v = r.f32().ok_or_else(truncated)?;
        }
        let intent = match r.u8().ok_or_else(truncated)? {
            0 => IntentSetting::Auto,
            1 => IntentSetting::Exploring,
            2 => IntentSetting::Buying,
            _ => return Err(corrupt("unknown intent setting")),
        };
        let classes = r.varint().ok_or_else(truncated)?;
        if classes > MAX_SENSITIVE {
            return Err(corrupt("too many sensitive classes"));
        }
        let mut preferences = Preferences {
            personalization: flags & 1 != 0,
            paused: flags & 2 != 0,
            intensity: ranges[0],
            threshold: ranges[1],
            diversity: ranges[2],
            surprise: ranges[3],
            discretion: ranges[4],
            intent,
            sensitive: Default::default(),
            reports: flags & 4 != 0,
        };
        for _ in 0..classes {
            let class = r.str().ok_or_else(truncated)?.to_owned();
            let allowed = r.u8().ok_or_else(truncated)? != 0;
            preferences.sensitive.insert(class, allowed);
        }
        preferences.validate().map_err(|e| corrupt(&e.to_string()))?;
        let profile_len =
            usize::try_from(r.varint().ok_or_else(truncated)?).map_err(|_| truncated())?;
        let profile = Profile::from_bytes(r.take(profile_len).ok_or_else(truncated)?)?;
        let reporting = if version >= 2 {
            let len =
                usize::try_from(r.varint().ok_or_else(truncated)?).map_err(|_| truncated())?;
            Reporting::from_bytes(r.take(len).ok_or_else(truncated)?)
                .ok_or_else(|| corrupt("bad reporting state"))?
        } else {
            Reporting::default()
        };
        let epoch = if version >= 3 { r.u64().ok_or_else(truncated)? } else { 0 };
        if r.remaining() != 0 {
            return Err(corrupt("trailing bytes"));
        }
        Ok(Snapshot { shop: shop.to_owned(), saved_at, preferences, profile, reporting, epoch })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferences_survive_the_round_trip() {
        let mut preferences = Preferences {
            paused: true,
            surprise: 0.5,
            intent: IntentSetting::Buying,
            reports: true,
            ..Default::default()
        };
        preferences.sensitive.insert("health".into(), true);
        preferences.sensitive.insert("intimate".into(), false);
        let snapshot = Snapshot {
            shop: "s".into(),
            saved_at: -3,
            preferences,
            profile: Profile::default(),
            reporting: Reporting::default(),
            epoch: 0,
        };
        assert_eq!(Snapshot::from_bytes(&snapshot.to_bytes(), "s").unwrap(), snapshot);
    }

    #[test]
    fn every_truncation_and_newer_versions_are_refused() {
        let snapshot = Snapshot {
            shop: "s".into(),
            saved_at: 1,
            preferences: Preferences::default(),
            profile: Profile::default(),
            reporting: Reporting::default(),
            epoch: 0,
        };
        let bytes = snapshot.to_bytes();
        for cut in 0..bytes.len() {
            assert!(Snapshot::from_bytes(&bytes[..cut], "s").is_err(), "cut at {cut}");
        }
        let mut newer = bytes.clone();
        newer[4] = SNAPSHOT_FORMAT_VERSION + 1;
        assert_eq!(Snapshot::from_bytes(&newer, "s").unwrap_err().code(), "PROFILE_VERSION");
    }

    #[test]
    fn the_reporting_state_survives_and_a_version_1_record_still_reads() {
        let mut reporting = Reporting::default();
        reporting.period.shown(crate::slot::Kind::Divergent, Some("colour"));
        assert!(reporting.ledger.try_spend(20_000, 0.5, 1.0));
        let preferences = Preferences { reports: true, ..Default::default() };
        let snapshot = Snapshot {
            shop: "s".into(),
            saved_at: 2,
            preferences,
            profile: Profile::default(),
            reporting,
            epoch: u64::MAX - 1,
        };
        assert_eq!(Snapshot::from_bytes(&snapshot.to_bytes(), "s").unwrap(), snapshot);

        // The fixture was written by the version 1 code (the demo catalog's
        // shop, 8 views, a slate shown, an item carted, surprise 0.3).
        let v1 = include_bytes!("../tests/fixtures/record-v1.bin");
        assert_eq!(v1[4], 1);
        let old = Snapshot::from_bytes(v1, "flaneur-demo").unwrap();
        assert_eq!(old.reporting, Reporting::default());
        assert!(!old.preferences.reports);
        assert_eq!(old.preferences.surprise, 0.3);
        assert_eq!(old.profile.stats().get(crate::slot::Kind::Personal).engagements, 1);
        let rewritten = old.to_bytes();
        assert_eq!(rewritten[4], SNAPSHOT_FORMAT_VERSION);
        assert_eq!(Snapshot::from_bytes(&rewritten, "flaneur-demo").unwrap(), old);
        // A version 1 snapshot never had the reports flag.
        let mut flagged = v1.to_vec();
        let flags_at = 5 + 1 + "flaneur-demo".len() + 8;
        flagged[flags_at] |= 4;
        let crc = crc32(&flagged[..flagged.len() - 4]).to_le_bytes();
        let end = flagged.len();
        flagged[end - 4..].copy_from_slice(&crc);
        assert_eq!(
            Snapshot::from_bytes(&flagged, "flaneur-demo").unwrap_err().code(),
            "PROFILE_CORRUPT"
        );
    }

    #[test]
    fn the_erase_epoch_survives_and_a_version_2_record_reads_with_epoch_0() {
        let snapshot = Snapshot {
            shop: "s".into(),
            saved_at: 5,
            preferences: Preferences::default(),
            profile: Profile::default(),
            reporting: Reporting::default(),
            epoch: 0x0123_4567_89ab_cdef,
        };
        let bytes = snapshot.to_bytes();
        assert_eq!(bytes[4], 3);
        assert_eq!(Snapshot::from_bytes(&bytes, "s").unwrap().epoch, snapshot.epoch);
        // The same record as version 2 wrote it: no epoch.
        let mut v2 = bytes[..bytes.len() - 12].to_vec();
        v2[4] = 2;
        let crc = crc32(&v2).to_le_bytes();
        v2.extend_from_slice(&crc);
        let old = Snapshot::from_bytes(&v2, "s").unwrap();
        assert_eq!(old, Snapshot { epoch: 0, ..snapshot });
    }
}
