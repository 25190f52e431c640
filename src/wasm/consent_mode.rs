//! Whether the profile may be kept on the device: `open`'s `consent` option
//! and what `grantConsent()` makes of it. The shared state holds it
//! (`sync.rs`), and `consent.rs` opens the store once it is given.

use crate::Error;

/// Whether the profile may be kept on the device.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Consent {
    /// The page did not ask for consent (the default): kept from the start.
    Implied,
    /// Consent is needed and not given: memory only, no store touched.
    Required,
    /// Consent was needed and given: kept.
    Granted,
}

impl Consent {
    /// Reads `open`'s `consent` option (absent: implied).
    pub(crate) fn parse(value: Option<&str>) -> Result<Consent, Error> {
        match value {
            None | Some("implied") => Ok(Consent::Implied),
            Some("required") => Ok(Consent::Required),
            Some(other) => Err(Error::BadArgument(format!(
                "options.consent: \"{other}\" is not a consent mode; use \"implied\" or \
                 \"required\""
            ))),
        }
    }

    /// The name `profile().consent` shows.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Consent::Implied => "implied",
            Consent::Required => "required",
            Consent::Granted => "granted",
        }
    }
}
