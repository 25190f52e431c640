//! The kinds of slot in a slate: the vocabulary that ranking, the profile's
//! counters and the LDP reports share.

use serde::{Deserialize, Serialize};

/// Why an item is in a slate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Relevant to this shopper's profile.
    #[default]
    Personal,
    /// Deliberately one step outside the shopper's bubble; the reason says how.
    Divergent,
    /// Non-personal fill by popularity, only when the request asks for `fill`.
    Popular,
    /// The shop's own default order: shown when personalization is off or at intensity 0.
    Default,
}

impl Kind {
    /// Every kind, in code order.
    pub const ALL: [Kind; 4] = [Kind::Personal, Kind::Divergent, Kind::Popular, Kind::Default];

    /// A stable one-byte code (the stored profile uses it).
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The kind with this code.
    pub fn from_code(code: u8) -> Option<Kind> {
        Kind::ALL.get(code as usize).copied()
    }
}
