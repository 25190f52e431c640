//! The core's modules import only the modules below them (docs/ARCHITECTURE.md,
//! "Who may import whom"): read from the source, so an import that climbs a
//! floor or closes a circle fails here before anyone draws the graph.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each top-level module of `src/` and the modules it may import. `wasm`
/// (the browser boundary) may import anything and nothing may import it.
const ALLOWED: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("slot", &[]),
    ("util", &["error"]),
    ("catalog", &["error", "util"]),
    ("preferences", &["error", "util"]),
    ("profile", &["error", "util", "slot", "preferences"]),
    ("intent", &["error", "util", "catalog", "profile"]),
    ("sequence", &["error", "util", "catalog", "profile"]),
    ("rank", &["error", "util", "slot", "catalog", "preferences", "profile", "intent", "sequence"]),
    ("ldp", &["error", "util", "slot", "catalog", "profile"]),
    ("snapshot", &["error", "util", "preferences", "profile", "ldp"]),
    ("journal", &["preferences", "profile"]),
    (
        "engine",
        &[
            "error",
            "util",
            "slot",
            "catalog",
            "preferences",
            "profile",
            "intent",
            "sequence",
            "rank",
            "ldp",
            "snapshot",
            "journal",
        ],
    ),
    ("testkit", &["error", "util", "catalog"]),
];

/// What the crate root re-exports, by the module that defines it.
const ROOT_REEXPORTS: &[(&str, &str)] = &[
    ("Engine", "engine"),
    ("Applied", "engine"),
    ("Recorded", "engine"),
    ("Error", "error"),
    ("Result", "error"),
    ("Forget", "profile"),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`src/rank/divergence/mod.rs` → `rank`).
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_owned()
}

/// The code of a file without comments and without its test module (tests
/// may build an `Engine` to check a lower module; that is no dependency).
fn code_of(text: &str) -> String {
    let end =
        text.find("#[cfg(test)]").or_else(|| text.find("#[cfg(all(test")).unwrap_or(text.len());
    text[..end]
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules `code` names through `crate::…` paths.
fn imports(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
            let close = group.find('}').unwrap_or(group.len());
            group[..close].split(',').map(str::trim).filter(|s| !s.is_empty()).collect()
        } else {
            vec![rest]
        };
        for name in names {
            let first: String =
                name.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let module = ROOT_REEXPORTS
                .iter()
                .find(|(n, _)| *n == first)
                .map_or(first.clone(), |(_, m)| (*m).to_owned());
            found.push(module);
        }
    }
    found
}

#[test]
fn every_module_imports_only_the_floors_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut checked = 0;
    let mut wrong = Vec::new();
    for file in &files {
        let module = module_of(&src, file);
        if module == "lib" || module == "wasm" {
            continue;
        }
        let Some(may) = allowed.get(module.as_str()) else {
            wrong.push(format!("{}: module `{module}` has no row in ALLOWED", file.display()));
            continue;
        };
        for import in imports(&code_of(&std::fs::read_to_string(file).unwrap())) {
            checked += 1;
            if import != module && !may.contains(&import.as_str()) {
                wrong.push(format!("{}: `{module}` imports `{import}`", file.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the floors:\n{}", wrong.join("\n"));
    assert!(checked > 100, "only {checked} imports were read");
}

#[test]
fn nothing_but_the_boundary_imports_the_boundary() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for file in files.iter().filter(|f| !matches!(module_of(&src, f).as_str(), "wasm" | "lib")) {
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        for dependency in ["crate::wasm", "wasm_bindgen", "js_sys", "web_sys", "getrandom"] {
            assert!(!code.contains(dependency), "{} uses {dependency}", file.display());
        }
    }
}

#[test]
fn the_floors_allow_no_circle() {
    // Each module may import only modules listed before it in ALLOWED.
    for (at, (module, may)) in ALLOWED.iter().enumerate() {
        for import in *may {
            let below = ALLOWED[..at].iter().any(|(m, _)| m == import);
            assert!(below, "`{module}` may import `{import}`, which is not below it");
        }
    }
}

#[test]
fn the_reader_sees_through_groups_and_re_exports() {
    let code = "use crate::{Engine, rank::Scorer};\nuse crate::profile::Profile;\n\
                fn f() -> crate::Result<()> { Ok(()) }";
    assert_eq!(imports(code), ["engine", "rank", "profile", "error"]);
    assert_eq!(
        imports(&code_of(
            "// crate::engine\nuse crate::slot::Kind;\n#[cfg(test)]\n\
             mod tests { use crate::Engine; }"
        )),
        ["slot"]
    );
}
