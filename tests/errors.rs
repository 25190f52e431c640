//! The error codes are a public contract: stable strings, one per kind of
//! failure, and whose fault each one is.
#![cfg(not(target_arch = "wasm32"))]

use flaneur::Error;
use flaneur::error::Fault;

/// One value of every variant, with the code and the fault the README and
/// the `.d.ts` promise.
fn every_error() -> Vec<(Error, &'static str, Fault)> {
    let text = || "x".to_owned();
    vec![
        (
            Error::CatalogInvalid { item: None, field: text(), reason: text() },
            "CATALOG_INVALID",
            Fault::Caller,
        ),
        (Error::CatalogVersion { found: 9, supported: 1 }, "CATALOG_VERSION", Fault::Caller),
        (Error::CatalogCorrupt { reason: text() }, "CATALOG_INVALID", Fault::Caller),
        (Error::ProfileCorrupt { reason: text() }, "PROFILE_CORRUPT", Fault::Environment),
        (Error::ProfileVersion { found: 9, supported: 2 }, "PROFILE_VERSION", Fault::Environment),
        (Error::UnknownItem { id: text() }, "UNKNOWN_ITEM", Fault::Caller),
        (Error::BadArgument(text()), "BAD_ARGUMENT", Fault::Caller),
        (Error::Busy, "BUSY", Fault::Caller),
        (Error::StorageUnavailable { reason: text() }, "STORAGE_UNAVAILABLE", Fault::Environment),
        (Error::RandomUnavailable { reason: text() }, "RANDOM_UNAVAILABLE", Fault::Environment),
        (Error::Internal { reason: text() }, "INTERNAL", Fault::Flaneur),
    ]
}

#[test]
fn every_error_has_its_stable_code_and_fault() {
    for (err, code, fault) in every_error() {
        assert_eq!(err.code(), code, "{err:?}");
        assert_eq!(err.fault(), fault, "{err:?}");
    }
}

#[test]
fn only_flaneur_s_own_failures_are_internal_and_re_entry_is_not_a_bad_argument() {
    for (err, _, fault) in every_error() {
        assert_eq!(err.code() == "INTERNAL", fault == Fault::Flaneur, "{err:?}");
    }
    assert_ne!(Error::Busy.code(), "BAD_ARGUMENT");
    assert_ne!(Error::RandomUnavailable { reason: "x".into() }.code(), "BAD_ARGUMENT");
}

#[test]
fn messages_are_written_for_people_without_a_code_prefix() {
    for (err, code, _) in every_error() {
        let message = err.to_string();
        assert!(!message.is_empty());
        assert!(!message.starts_with(code), "{message}");
        assert!(!message.to_lowercase().starts_with("bad argument"), "{message}");
    }
    assert_eq!(
        Error::BadArgument("k must be between 1 and 1000, got 0".into()).to_string(),
        "k must be between 1 and 1000, got 0"
    );
}

#[test]
fn the_readme_and_the_typescript_declarations_list_every_code() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let declarations = std::fs::read_to_string(format!("{root}/src/wasm/types.d.ts"))
        .or_else(|_| std::fs::read_to_string(format!("{root}/src/wasm/types.rs")))
        .unwrap();
    for (_, code, _) in every_error() {
        assert!(readme.contains(&format!("`{code}`")), "README.md does not list {code}");
        assert!(declarations.contains(&format!("\"{code}\"")), "the .d.ts does not list {code}");
    }
}
