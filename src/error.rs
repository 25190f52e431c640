//! The one error type of flaneur's core.
//!
//! Every fallible core function returns [`Result`]. The browser boundary turns
//! an [`Error`] into a JavaScript `Error` whose `code` property is
//! [`Error::code`], a stable string that pages can switch on.

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
    /// The catalog breaks the format: `item` names the offending item (when one is at fault) and `field` the field.
    #[error("invalid catalog: {}{field}: {reason}", .item.as_ref().map(|id| format!("item \"{id}\", ")).unwrap_or_default())]
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
    /// A caller passed an argument of the wrong shape or out of range.
    #[error("bad argument: {0}")]
    BadArgument(String),
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
            Error::StorageUnavailable { .. } => "STORAGE_UNAVAILABLE",
        }
    }

    /// Shorthand for a [`Error::CatalogInvalid`] about one item's field.
    pub(crate) fn item_field(item: &str, field: &str, reason: impl Into<String>) -> Self {
        Error::CatalogInvalid { item: Some(item.to_owned()), field: field.to_owned(), reason: reason.into() }
    }

    /// Shorthand for a [`Error::CatalogInvalid`] about a header field.
    pub(crate) fn header_field(field: &str, reason: impl Into<String>) -> Self {
        Error::CatalogInvalid { item: None, field: field.to_owned(), reason: reason.into() }
    }
}

/// `Result` with flaneur's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
