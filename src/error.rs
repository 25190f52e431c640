//! The one error type of flaneur's core.
//!
//! Every fallible core function returns [`Result`]. The browser boundary turns
//! an [`Error`] into a JavaScript `Error` whose `code` property is
//! [`Error::code`], a stable string that pages can switch on, and whose
//! `message` is the error's text, written for people. [`Error::fault`] keeps
//! the caller's fault (a bad catalog, argument or call) apart from the
//! browser's (storage, randomness) and from flaneur's own (a bug).

/// Everything that can go wrong in the core, with enough detail to act on.
///
/// ```
/// use flaneur::Error;
/// let err = Error::UnknownItem { id: "sku-9".into() };
/// assert_eq!(err.code(), "UNKNOWN_ITEM");
/// assert_eq!(err.to_string(), "no item with id \"sku-9\" in the catalog");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The catalog breaks the format: `item` names the offending item (when one is at fault)
    /// and `field` the field.
    #[error(
        "invalid catalog: {}{field}: {reason}",
        .item.as_ref().map(|id| format!("item \"{id}\", ")).unwrap_or_default()
    )]
    CatalogInvalid {
        /// Id of the item at fault, or `None` for the catalog's header.
        item: Option<String>,
        /// Name of the field at fault.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The catalog declares a format version this build cannot read.
    #[error("catalog format version {found} is not supported (this build reads up to {supported})")]
    CatalogVersion {
        /// Version found in the catalog.
        found: u32,
        /// Newest version this build reads.
        supported: u32,
    },
    /// A binary catalog is truncated, fails its checksum, or its structure is inconsistent.
    #[error("corrupt binary catalog: {reason}")]
    CatalogCorrupt {
        /// What is wrong, with the byte offset where it helps.
        reason: String,
    },
    /// A stored profile is truncated, fails its checksum, or cannot be decoded.
    #[error("corrupt profile: {reason}")]
    ProfileCorrupt {
        /// What is wrong.
        reason: String,
    },
    /// A stored profile was written by a newer version of flaneur.
    #[error("profile format version {found} is not supported (this build reads up to {supported})")]
    ProfileVersion {
        /// Version found in the stored profile.
        found: u32,
        /// Newest version this build reads.
        supported: u32,
    },
    /// An event or request names an item that is not in the catalog.
    #[error("no item with id \"{id}\" in the catalog")]
    UnknownItem {
        /// The id that was asked for.
        id: String,
    },
    /// A caller passed an argument of the wrong shape or out of range; the
    /// text names the argument ("options.seed: must be a non-negative integer").
    #[error("{0}")]
    BadArgument(String),
    /// The page called flaneur again from inside one of its own calls (from a
    /// callback flaneur was running): the second call is refused.
    #[error("flaneur is busy with another call; call it again once that call has returned")]
    Busy,
    /// The browser gave no random numbers (`crypto.getRandomValues`) for a
    /// seed or a report's coins.
    #[error("no random numbers are available here ({reason})")]
    RandomUnavailable {
        /// What the browser said.
        reason: String,
    },
    /// Something flaneur should never do happened (a bug): a result that could
    /// not be handed to JavaScript, or a panic.
    #[error("flaneur failed internally: {reason}")]
    Internal {
        /// What failed.
        reason: String,
    },
    /// The browser refused a storage operation that had to succeed (erasing, for one).
    #[error("storage unavailable: {reason}")]
    StorageUnavailable {
        /// What the browser said.
        reason: String,
    },
}

impl Error {
    /// The stable, machine-readable code of this error (`CATALOG_INVALID`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Error::CatalogInvalid { .. } => "CATALOG_INVALID",
            Error::CatalogVersion { .. } => "CATALOG_VERSION",
            Error::CatalogCorrupt { .. } => "CATALOG_INVALID",
            Error::ProfileCorrupt { .. } => "PROFILE_CORRUPT",
            Error::ProfileVersion { .. } => "PROFILE_VERSION",
            Error::UnknownItem { .. } => "UNKNOWN_ITEM",
            Error::BadArgument(_) => "BAD_ARGUMENT",
            Error::Busy => "BUSY",
            Error::StorageUnavailable { .. } => "STORAGE_UNAVAILABLE",
            Error::RandomUnavailable { .. } => "RANDOM_UNAVAILABLE",
            Error::Internal { .. } => "INTERNAL",
        }
    }

    /// Whose fault the error is.
    ///
    /// ```
    /// use flaneur::{Error, error::Fault};
    /// assert_eq!(Error::BadArgument("k: must be at least 1".into()).fault(), Fault::Caller);
    /// assert_eq!(Error::Busy.fault(), Fault::Caller);
    /// assert_eq!(Error::Internal { reason: "a panic".into() }.fault(), Fault::Flaneur);
    /// ```
    pub fn fault(&self) -> Fault {
        match self {
            Error::CatalogInvalid { .. }
            | Error::CatalogVersion { .. }
            | Error::CatalogCorrupt { .. }
            | Error::UnknownItem { .. }
            | Error::BadArgument(_)
            | Error::Busy => Fault::Caller,
            Error::ProfileCorrupt { .. }
            | Error::ProfileVersion { .. }
            | Error::StorageUnavailable { .. }
            | Error::RandomUnavailable { .. } => Fault::Environment,
            Error::Internal { .. } => Fault::Flaneur,
        }
    }

    /// Shorthand for a [`Error::CatalogInvalid`] about one item's field.
    pub(crate) fn item_field(item: &str, field: &str, reason: impl Into<String>) -> Self {
        Error::CatalogInvalid {
            item: Some(item.to_owned()),
            field: field.to_owned(),
            reason: reason.into(),
        }
    }

    /// Shorthand for a [`Error::CatalogInvalid`] about a header field.
    pub(crate) fn header_field(field: &str, reason: impl Into<String>) -> Self {
        Error::CatalogInvalid { item: None, field: field.to_owned(), reason: reason.into() }
    }
}

/// Whose fault an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The caller's: a catalog, an argument or a call that breaks the
    /// contract. Fix the call; retrying it unchanged fails again.
    Caller,
    /// The environment's: the browser's storage or randomness, or stored
    /// data that another version or a corruption left.
    Environment,
    /// flaneur's own: a bug, to be reported.
    Flaneur,
}

/// `Result` with flaneur's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
