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
    /// An item the shopper recently viewed, on the "recently viewed" shelf: a
    /// list the device keeps anyway, not a recommendation (never counted as shown).
    Recent,
    /// Often bought with an item in the cart, from the shop's aggregate
    /// co-purchase lists (the "complements" shelf).
    Complement,
    /// Something the shopper bought before and is due to buy again, on the
    /// "buy again" shelf: their own purchases, ranked, never counted as shown.
    #[serde(rename = "buy_again")]
    BuyAgain,
}

impl Kind {
    /// Every kind, in code order.
    pub const ALL: [Kind; 7] = [
        Kind::Personal,
        Kind::Divergent,
        Kind::Popular,
        Kind::Default,
        Kind::Recent,
        Kind::Complement,
        Kind::BuyAgain,
    ];

    /// The kinds the local counters keep ([`crate::profile::Stats`]; the
    /// stored profile holds one counter each, in this order).
    pub const COUNTED: [Kind; 4] = [Kind::Personal, Kind::Divergent, Kind::Popular, Kind::Default];

    /// Whether an item of this kind is a recommendation: everything but
    /// [`Kind::Recent`] and [`Kind::BuyAgain`], which list the shopper's own
    /// views and purchases (showing them teaches nothing).
    pub fn is_recommendation(self) -> bool {
        !matches!(self, Kind::Recent | Kind::BuyAgain)
    }

    /// A stable one-byte code (the stored profile uses it).
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The kind with this code.
    pub fn from_code(code: u8) -> Option<Kind> {
        Kind::ALL.get(code as usize).copied()
    }
}
