//! The hand-written TypeScript declarations of the JS API (src/wasm/types.d.ts,
//! copied by wasm-bindgen into the package's flaneur.d.ts) held to the Rust
//! types that cross the boundary, so that neither side can be renamed alone.
//!
//! - What Rust hands to JavaScript (serde, as `to_js` writes it): representative
//!   values are built here, serialized with serde_json and walked against their
//!   declared type: every key must be declared (with a value of the declared
//!   kind: number, string, boolean, one of the string literals, …), every field
//!   not marked `?` must be there, and every declared field must turn up in at
//!   least one of the values.
//! - What JavaScript hands in and Rust reads with serde (`RecommendRequest`,
//!   `Partial<Preferences>`): the declared field names equal the Rust struct's
//!   serde field names, and an object holding every declared field deserializes.
//! - Enums serialized as strings: the declared string literals are exactly the
//!   serialized variants.
//! - What the browser boundary (src/wasm/, compiled for wasm32 only) reads or
//!   writes by hand or through private structs (`OpenOptions`, `ForgetRequest`,
//!   `FlaneurEvent`, `ReportOptions`, `Nearest`, `ProfileSummary`, `ShardedCatalog`): its Rust
//!   source is read as text for the keys it names.
//!
//! The .d.ts is parsed by a small parser below (interfaces, type aliases, object
//! literals, unions, intersections, arrays, `Record<K, V>`): no TypeScript needed.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

// ---- The Rust side: every type and source file checked here ----
// (when modules move, fix these lines)

use flaneur::Engine;
use flaneur::catalog::{Catalog, Manifest, PartFile, PatchFile};
use flaneur::engine::Explanation;
use flaneur::intent::{Intent, IntentEstimate};
use flaneur::ldp::Report;
use flaneur::preferences::{IntentSetting, Preferences, PreferencesPatch};
use flaneur::profile::Stats;
use flaneur::profile::{Bought, Dropped, Event, EventKind, ImportSummary, ProfileView, Taste};
use flaneur::rank::divergence::DivergentReason;
use flaneur::rank::explain::{Reason, Signal, SignalKind};
use flaneur::rank::{Context, Recommendation, Request, Slate};
use flaneur::slot::Kind;
use flaneur::util::fields::field_names;

/// The declarations.
const TYPES_D_TS: &str = include_str!("../src/wasm/types.d.ts");
/// The browser boundary's sources, read as text (they only compile for wasm32).
const PERSONALIZER_RS: &str = include_str!("../src/wasm/personalizer.rs");
const ARGS_RS: &str = include_str!("../src/wasm/args.rs");
const PARTS_RS: &str = include_str!("../src/wasm/parts.rs");
/// A small catalog, for values the engine itself produces.
const CATALOG_JSON: &str = include_str!("fixtures/catalog-60.json");

// ---- Values Rust hands to JavaScript ----

#[test]
fn recommend_returns_a_declared_slate() {
    let (engine, now) = engine();
    let request = Request { k: 6, fill: true, ..Request::default() };
    let real = engine.recommend(&request, now).unwrap();
    assert!(!real.items.is_empty());
    let made = Slate {
        items: vec![
            recommendation("sku-1", Kind::Personal, reason(false)),
            recommendation("sku-2", Kind::Divergent, reason(true)),
            recommendation("sku-3", Kind::Popular, Reason::default()),
        ],
        withheld: 3,
        intent: Intent::Exploring,
        breadth: 0.5,
    };
    holds("Slate", &[json_of(&real), json_of(&made)]);
}

#[test]
fn explain_returns_a_declared_explanation() {
    let (engine, now) = engine();
    let id = engine.catalog().item(0).id().to_owned();
    let real = engine.explain(&id, now).unwrap();
    let made = Explanation {
        item_id: "sku-1".into(),
        relevance: 0.7,
        recommendable: true,
        reason: reason(false),
        text: "you often look at Knitwear".into(),
        breadth: 0.25,
    };
    holds("Explanation", &[json_of(&real), json_of(&made)]);
}

#[test]
fn stats_returns_declared_counters() {
    let (engine, _) = engine();
    let mut made = Stats::default();
    for kind in Kind::COUNTED {
        made.shown(kind);
        made.engaged(kind);
    }
    holds("Stats", &[json_of(engine.profile().stats()), json_of(&made)]);
}

#[test]
fn preferences_returns_declared_preferences() {
    holds("Preferences", &[json_of(&Preferences::default()), json_of(&preferences())]);
}

#[test]
fn report_hands_send_a_declared_report() {
    let report = Report {
        v: 2,
        question: "shown.personal".into(),
        answer: true,
        epsilon: 1.0,
        day: "2025-06-01".into(),
    };
    holds("FlaneurReport", &[json_of(&report)]);
    assert_eq!(
        serde_fields::<Report>(),
        dts().field_names("FlaneurReport"),
        "Report vs FlaneurReport"
    );
}

#[test]
fn import_profile_returns_a_declared_summary() {
    let (engine, now) = engine();
    let import = serde_json::from_value(json_of(&engine.export(now))).unwrap();
    let mut other = Engine::new(Catalog::from_json_str(CATALOG_JSON).unwrap());
    let real = other.import(&import).unwrap();
    let made = ImportSummary {
        tastes: 3,
        items: 2,
        dropped: Dropped { sensitive: 1 },
        preferences_kept: vec!["reports", "sensitive"],
    };
    holds("ImportSummary", &[json_of(&real), json_of(&made)]);
    assert!(PERSONALIZER_RS.contains(r#"unchecked_return_type = "ImportSummary""#));
}

#[test]
fn profile_returns_a_declared_summary() {
    let (engine, now) = engine();
    // `ProfileSummary` is private to src/wasm/personalizer.rs: its fields are read from
    // the source, and each gets a value of its Rust type (a `&'static str`, the storage's
    // or the consent's name, takes each of its declared names in turn).
    let summary = rust_struct(PERSONALIZER_RS, "ProfileSummary");
    let declared = dts();
    let views = [json_of(&engine.profile_view(now)), json_of(&profile_view())];
    let mut samples = Vec::new();
    for view in &views {
        // Each `&'static str` field takes each of its declared names in turn.
        let names: Vec<(String, Vec<String>)> = summary
            .fields
            .iter()
            .filter(|f| f.ty == "&'static str")
            .map(|f| {
                let name = f.json_name(summary.camel_case);
                let literals = declared.literals(declared.at(&format!("ProfileSummary.{name}")));
                (name, literals.into_iter().collect())
            })
            .collect();
        let rounds = names.iter().map(|(_, l)| l.len()).max().unwrap_or(0);
        for round in 0..rounds {
            let mut object = serde_json::Map::new();
            for field in &summary.fields {
                let json_name = field.json_name(summary.camel_case);
                let value = match field.ty.as_str() {
                    "ProfileView" => view.clone(),
                    "Preferences" => json_of(&preferences()),
                    "IntentEstimate" => {
                        json_of(&IntentEstimate { intent: Intent::Buying, confidence: 0.8 })
                    }
                    "usize" => json!(4096),
                    "u32" => json!(1),
                    "&'static str" => {
                        let (_, literals) = names.iter().find(|(n, _)| *n == json_name).unwrap();
                        json!(literals[round % literals.len()])
                    }
                    "Vec<String>" => json!(["STORAGE_FULL: the profile is kept in memory"]),
                    other => panic!(
                        "ProfileSummary.{}: no sample for a {other} here: add one",
                        field.name
                    ),
                };
                if field.flatten {
                    object
                        .extend(value.as_object().expect("a flattened field is an object").clone());
                } else {
                    object.insert(json_name, value);
                }
            }
            samples.push(Value::Object(object));
        }
    }
    holds("ProfileSummary", &samples);
}

#[test]
fn events_are_declared_both_as_rust_writes_and_as_the_boundary_reads_them() {
    // As serde writes them (the journal, the tests): every kind, with `at`.
    let events: Vec<Value> = event_kinds()
        .into_iter()
        .map(|kind| json_of(&Event { kind, at: 1_700_000_000_000 }))
        .collect();
    holds("FlaneurEvent", &events);
    // As src/wasm/args.rs reads them from JavaScript, field by field.
    let declared = dts();
    let read_event = rust_fn(ARGS_RS, "read_event");
    let keys: BTreeSet<String> = call_literals(&read_event, "get")
        .union(&call_literals(&read_event, "string"))
        .cloned()
        .collect();
    assert_eq!(
        keys,
        declared.field_names("FlaneurEvent"),
        "keys read_event reads vs FlaneurEvent's fields"
    );
    assert_eq!(
        arm_literals(&read_event),
        declared.literals_of_field("FlaneurEvent", "type"),
        "read_event's types vs FlaneurEvent's"
    );
}

// ---- Enums written as strings ----

#[test]
fn string_enums_are_the_declared_literals() {
    let declared = dts();
    let names = |values: Vec<Value>| -> BTreeSet<String> {
        values.iter().map(|v| v.as_str().unwrap().to_owned()).collect()
    };
    let kinds = names(Kind::ALL.iter().map(json_of).collect());
    assert_eq!(
        kinds,
        declared.literals(declared.at("Recommendation.kind")),
        "Kind vs Recommendation.kind"
    );
    let signals = names(signal_kinds().iter().map(json_of).collect());
    assert_eq!(signals, declared.literals(declared.at("Signal.kind")), "SignalKind vs Signal.kind");
    let intents = names(intents().iter().map(json_of).collect());
    assert_eq!(intents, declared.literals(declared.at("Slate.intent")), "Intent vs Slate.intent");
    assert_eq!(
        intents,
        declared.literals(declared.at("ProfileSummary.intent.intent")),
        "Intent vs ProfileSummary.intent"
    );
    let settings = names(intent_settings().iter().map(json_of).collect());
    assert_eq!(
        settings,
        declared.literals(declared.at("Preferences.intent")),
        "IntentSetting vs Preferences.intent"
    );
    let events = names(event_kinds().iter().map(|kind| json_of(kind)["type"].clone()).collect());
    assert_eq!(
        events,
        declared.literals_of_field("FlaneurEvent", "type"),
        "EventKind vs FlaneurEvent.type"
    );
}

// ---- What JavaScript hands in, read with serde ----

#[test]
fn recommend_reads_the_declared_request() {
    let declared = dts();
    assert_eq!(
        serde_fields::<Request>(),
        declared.field_names("RecommendRequest"),
        "Request vs RecommendRequest"
    );
    assert_eq!(
        serde_fields::<Context>(),
        declared.field_names("RecommendRequest.context"),
        "Context vs RecommendRequest.context"
    );
    let full = declared.sample(&Ty::Named("RecommendRequest".into(), vec![]));
    let read: Request = serde_json::from_value(full.clone())
        .unwrap_or_else(|e| panic!("Request cannot read {full}: {e}"));
    assert!(
        read.fill
            && read.context.item_id.is_some()
            && read.context.category.is_some()
            && read.context.query.is_some()
    );
}

#[test]
fn set_preferences_reads_the_declared_preferences() {
    // setPreferences takes `Partial<Preferences>`: a PreferencesPatch on the Rust side.
    let declared = dts();
    assert_eq!(
        serde_fields::<PreferencesPatch>(),
        declared.field_names("Preferences"),
        "PreferencesPatch vs Preferences"
    );
    assert_eq!(
        serde_fields::<Preferences>(),
        declared.field_names("Preferences"),
        "Preferences vs Preferences"
    );
    let full = declared.sample(&Ty::Named("Preferences".into(), vec![]));
    let patch: PreferencesPatch = serde_json::from_value(full.clone())
        .unwrap_or_else(|e| panic!("PreferencesPatch cannot read {full}: {e}"));
    assert!(patch.reports.is_some() && patch.sensitive.is_some());
}

// ---- What the browser boundary reads or writes by hand ----

#[test]
fn open_reads_the_declared_options() {
    let options = rust_struct(PERSONALIZER_RS, "OpenOptions");
    let mut keys: BTreeSet<String> =
        options.fields.iter().map(|f| f.json_name(options.camel_case)).collect();
    // The catalog is taken out of the options by hand before serde reads the rest.
    keys.extend(call_literals(&rust_fn(PERSONALIZER_RS, "open"), "from_str"));
    assert_eq!(
        keys,
        dts().field_names("OpenOptions"),
        "Personalizer.open's options vs OpenOptions"
    );
}

#[test]
fn open_reads_a_declared_sharded_catalog() {
    let declared = dts();
    // `{ manifest, parts }`, read by hand in src/wasm/parts.rs.
    let read = rust_fn(PARTS_RS, "read_sharded");
    let shape = declared.field_names("ShardedCatalog");
    assert_eq!(list_after(&read, "check_keys"), shape, "read_sharded's keys vs ShardedCatalog");
    assert_eq!(call_literals(&read, "get"), shape, "what read_sharded reads vs ShardedCatalog");
    assert!(PERSONALIZER_RS.contains(r#"unchecked_param_type = "Uint8Array | ArrayBuffer""#));
    // The manifest, as the compiler writes it and `Manifest` reads it.
    let parts = Catalog::from_json_str(CATALOG_JSON).unwrap().split(1, 5).unwrap();
    assert!(parts.len() > 2, "a core and shards");
    let (manifest, _) = Manifest::for_parts(&parts, 1).unwrap();
    // And one that `flaneur catalog diff` has given a patch.
    let mut patched = manifest.clone();
    patched.patches.push(PatchFile {
        from: manifest.core.file.replace(&manifest.core.hash, "0123456789abcdef"),
        to: manifest.core.file.clone(),
        file: "patch-fedcba9876543210.bin".into(),
        hash: "fedcba9876543210".into(),
        bytes: 120,
    });
    patched.check().unwrap();
    holds("CatalogManifest", &[json_of(&manifest), json_of(&patched)]);
    let what = "fields serde reads vs src/wasm/types.d.ts (declare a new manifest field there too)";
    assert_eq!(serde_fields::<Manifest>(), declared.field_names("CatalogManifest"), "{what}");
    assert_eq!(serde_fields::<PartFile>(), declared.field_names("CatalogPartFile"), "{what}");
    assert_eq!(serde_fields::<PatchFile>(), declared.field_names("CatalogPatchFile"), "{what}");
    let mut full = declared.sample(&Ty::Named("CatalogManifest".into(), vec![]));
    full["version"] = json!(1); // the sample writes a number literal as 1.0, which a u32 refuses
    let read: Manifest = serde_json::from_value(full.clone())
        .unwrap_or_else(|e| panic!("Manifest cannot read {full}: {e}"));
    assert_eq!(read.shards.len(), 1);
}

#[test]
fn forget_reads_the_declared_requests() {
    let read_forget = rust_fn(ARGS_RS, "read_forget");
    let keys: BTreeSet<String> = call_literals(&read_forget, "get")
        .union(&call_literals(&read_forget, "from_str"))
        .cloned()
        .collect();
    assert_eq!(
        keys,
        dts().field_names("ForgetRequest"),
        "keys read_forget reads vs ForgetRequest's"
    );
}

#[test]
fn report_reads_the_declared_options() {
    let read = rust_fn(ARGS_RS, "read_report_epsilon");
    assert_eq!(
        list_after(&read, "check_keys"),
        dts().field_names("ReportOptions"),
        "read_report_epsilon's keys vs ReportOptions"
    );
    assert_eq!(call_literals(&read, "from_str"), dts().field_names("ReportOptions"));
}

#[test]
fn nearest_returns_the_declared_fields() {
    let written = call_literals(&rust_fn(PERSONALIZER_RS, "nearest"), "from_str");
    assert_eq!(written, dts().field_names("Nearest"), "what nearest() sets vs Nearest");
}

#[test]
fn items_returns_the_declared_fields() {
    let body = rust_fn(PERSONALIZER_RS, "items");
    let mut written = call_literals(&body, "set");
    // The optional fields' table: `[("price", …), ("currency", …), …]`.
    written.extend(body.windows(4).filter_map(|w| match w {
        [Tok::P('[' | ','), Tok::P('('), Tok::Str(key), Tok::P(',')] => Some(key.clone()),
        _ => None,
    }));
    assert_eq!(written, dts().field_names("CatalogItem"), "what items() sets vs CatalogItem");
}

// ---- The checker checks (a declaration and a value that disagree are caught) ----

#[test]
fn the_checker_catches_a_renamed_an_undeclared_and_a_missing_field() {
    let declared =
        Dts::parse("export interface A { x: number; y?: \"a\" | \"b\"; z: { w: string[] } }");
    let a = Ty::Named("A".into(), vec![]);
    let check = |v: Value| declared.check(&v, &a, "A", &mut Seen::new());
    assert!(check(json!({ "x": 1, "y": "a", "z": { "w": ["s"] } })).is_ok());
    assert!(check(json!({ "x": 1, "z": { "w": [] } })).is_ok(), "y is optional");
    assert!(check(json!({ "X": 1, "z": { "w": [] } })).unwrap_err().contains("`X`"));
    assert!(check(json!({ "x": 1, "z": { "w": [], "v": 0 } })).unwrap_err().contains("A.z: `v`"));
    assert!(check(json!({ "x": 1 })).unwrap_err().contains("A.z"));
    assert!(
        check(json!({ "x": 1, "y": "c", "z": { "w": [] } })).is_err(),
        "not one of the literals"
    );
    assert!(check(json!({ "x": "1", "z": { "w": [] } })).is_err(), "not a number");
    assert!(check(json!({ "x": null, "z": { "w": [] } })).is_err(), "null is not a number");
}

// ---- Representative values ----

fn engine() -> (Engine, i64) {
    let mut engine = Engine::with_seed(Catalog::from_json_str(CATALOG_JSON).unwrap(), 7);
    let now = 1_700_000_000_000;
    let ids: Vec<String> = engine.catalog().iter().take(4).map(|i| i.id().to_owned()).collect();
    for (n, id) in ids.iter().enumerate() {
        engine
            .record(&Event {
                kind: EventKind::View { item_id: id.clone() },
                at: now - 60_000 * (4 - n as i64),
            })
            .unwrap();
    }
    engine
        .record(&Event { kind: EventKind::AddToCart { item_id: ids[0].clone() }, at: now - 1_000 })
        .unwrap();
    (engine, now)
}

fn signal(kind: SignalKind, count: Option<u32>) -> Signal {
    Signal {
        kind,
        label: "Women > Knitwear".into(),
        contribution: 0.5,
        count,
        last_seen: count.map(|_| 1_700_000_000_000),
        item: None,
    }
}

fn reason(divergent: bool) -> Reason {
    Reason {
        signals: vec![signal(SignalKind::Category, Some(3)), signal(SignalKind::Similarity, None)],
        divergence: divergent.then(|| DivergentReason {
            anchor: "Women > Knitwear > Sweaters".into(),
            axis: "colour".into(),
            from: "red".into(),
            to: "navy".into(),
            steps: 1,
        }),
    }
}

fn recommendation(id: &str, kind: Kind, reason: Reason) -> Recommendation {
    Recommendation { item_id: id.into(), score: 0.5, kind, reason, index: 0 }
}

fn preferences() -> Preferences {
    let mut preferences = Preferences::default();
    preferences.sensitive.insert("health".into(), true);
    preferences.reports = true;
    preferences
}

fn profile_view() -> ProfileView {
    let taste = |kind: &'static str, value: Option<&str>| Taste {
        kind,
        label: if value.is_some() { "colour".into() } else { "Women > Knitwear".into() },
        value: value.map(Into::into),
        strength: 0.4,
        count: 3,
        first_seen: 1_699_000_000_000,
        last_seen: 1_700_000_000_000,
        expires_at: 1_710_000_000_000,
    };
    ProfileView {
        tastes: vec![taste("category", None), taste("facet", Some("navy"))],
        items: 4,
        interest_vectors: 1,
        purchases: 2,
        bought: vec![
            Bought {
                item_id: "sku-1".into(),
                count: 4,
                last_bought: 1_700_000_000_000,
                every_days: Some(7.5),
            },
            Bought {
                item_id: "sku-2".into(),
                count: 1,
                last_bought: 1_699_000_000_000,
                every_days: None,
            },
        ],
        dismissals: 1,
        session_events: 5,
        sequence_steps: 7,
        half_life_days: 14.0,
    }
}

// Every variant of each enum (the matches stop compiling when a variant is added).

fn event_kinds() -> Vec<EventKind> {
    let id = || "sku-1".to_owned();
    let all = vec![
        EventKind::View { item_id: id() },
        EventKind::Dwell { item_id: id(), ms: 4500.0 },
        EventKind::Click { item_id: id() },
        EventKind::AddToCart { item_id: id() },
        EventKind::RemoveFromCart { item_id: id() },
        EventKind::Purchase { item_id: id() },
        EventKind::Dismiss { item_id: id() },
        EventKind::Search { query: "red sweater".into() },
    ];
    for kind in &all {
        match kind {
            EventKind::View { .. }
            | EventKind::Dwell { .. }
            | EventKind::Click { .. }
            | EventKind::AddToCart { .. }
            | EventKind::RemoveFromCart { .. }
            | EventKind::Purchase { .. }
            | EventKind::Dismiss { .. }
            | EventKind::Search { .. } => {}
            // Never crosses the boundary: the profile's text-free search step.
            EventKind::SearchStep { .. } => {}
        }
    }
    all
}

fn signal_kinds() -> Vec<SignalKind> {
    use SignalKind::*;
    let all = vec![
        Category,
        Facet,
        Similarity,
        Popularity,
        Freshness,
        BoughtWith,
        Repurchase,
        ViewedAfter,
    ];
    for kind in &all {
        match kind {
            Category | Facet | Similarity | Popularity | Freshness | BoughtWith | Repurchase
            | ViewedAfter => {}
        }
    }
    all
}

fn intents() -> Vec<Intent> {
    let all = vec![Intent::Exploring, Intent::Comparing, Intent::Buying, Intent::Unknown];
    for intent in &all {
        match intent {
            Intent::Exploring | Intent::Comparing | Intent::Buying | Intent::Unknown => {}
        }
    }
    all
}

fn intent_settings() -> Vec<IntentSetting> {
    let all = vec![IntentSetting::Auto, IntentSetting::Exploring, IntentSetting::Buying];
    for setting in &all {
        match setting {
            IntentSetting::Auto | IntentSetting::Exploring | IntentSetting::Buying => {}
        }
    }
    all
}

// ---- Checking ----

fn dts() -> Dts {
    Dts::parse(TYPES_D_TS)
}

fn json_of<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

fn set<const N: usize>(names: [&str; N]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// Every sample matches the declared type `root`, and together they produce every field
/// declared under it.
fn holds(root: &str, samples: &[Value]) {
    let declared = dts();
    let ty = Ty::Named(root.into(), vec![]);
    let mut seen = Seen::new();
    for (n, sample) in samples.iter().enumerate() {
        if let Err(e) = declared.check(sample, &ty, root, &mut seen) {
            panic!(
                "src/wasm/types.d.ts and Rust disagree on {root} (value {n}): {e}\n\
                 the value: {sample:#}"
            );
        }
    }
    let mut all = Seen::new();
    declared.declared(&ty, root, &mut all, &mut BTreeSet::new());
    let never: Vec<String> =
        all.difference(&seen).map(|(owner, field)| format!("{owner}.{field}")).collect();
    assert!(
        never.is_empty(),
        "declared in src/wasm/types.d.ts but never produced by Rust: {}",
        never.join(", ")
    );
}

/// The field names a serde struct reads, as its `Deserialize` impl names them to the deserializer.
fn serde_fields<T: DeserializeOwned>() -> BTreeSet<String> {
    let names = field_names::<T>();
    assert!(!names.is_empty(), "a struct");
    names.iter().map(|s| s.to_string()).collect()
}

// ---- The .d.ts: a small parser and a checker ----

/// A TypeScript type, as far as types.d.ts uses them.
#[derive(Debug, Clone, PartialEq)]
enum Ty {
    /// `number`, `string`, `boolean`, `object`, …
    Prim(String),
    /// A string literal: `"view"`.
    Str(String),
    /// A number literal: `1`.
    Num(f64),
    /// `true` or `false`.
    Bool(bool),
    /// A declared name (`Signal`), a generic (`Record<string, boolean>`) or a platform type
    /// (`Float32Array`).
    Named(String, Vec<Ty>),
    /// `T[]`.
    Array(Box<Ty>),
    /// An interface's body or an object literal type.
    Object(Vec<Field>),
    /// `A | B`.
    Union(Vec<Ty>),
    /// `A & B`.
    Both(Vec<Ty>),
}

#[derive(Debug, Clone, PartialEq)]
struct Field {
    name: String,
    optional: bool,
    ty: Ty,
}

/// `(owner, field)` pairs: `("Slate", "items")`, `("Recommendation.reason", "signals")`,
/// `("FlaneurEvent|1", "ms")`.
type Seen = BTreeSet<(String, String)>;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Num(f64),
    P(char),
}

/// Words, double-quoted strings, numbers and punctuation; comments and whitespace dropped.
/// (Good enough for TypeScript declarations, and for Rust functions without raw strings.)
fn tokens(src: &str) -> Vec<Tok> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if c[i].is_whitespace() {
            i += 1;
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            i += 2;
            while i < c.len() && !(c[i] == '*' && c.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '"' {
            let mut s = String::new();
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                s.push(c[i]);
                i += 1;
            }
            i += 1;
            out.push(Tok::Str(s));
        } else if c[i].is_ascii_digit() {
            let start = i;
            while i < c.len()
                && (c[i].is_ascii_digit()
                    || (c[i] == '.' && c.get(i + 1).is_some_and(|d| d.is_ascii_digit())))
            {
                i += 1;
            }
            out.push(Tok::Num(c[start..i].iter().collect::<String>().parse().unwrap_or(f64::NAN)));
        } else if c[i].is_alphanumeric() || c[i] == '_' || c[i] == '$' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '$') {
                i += 1;
            }
            out.push(Tok::Word(c[start..i].iter().collect()));
        } else {
            out.push(Tok::P(c[i]));
            i += 1;
        }
    }
    out
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn next(&mut self) -> Tok {
        let tok = self.toks.get(self.at).cloned().expect("types.d.ts ends too early");
        self.at += 1;
        tok
    }

    fn eat(&mut self, p: char) -> bool {
        let here = self.peek() == Some(&Tok::P(p));
        if here {
            self.at += 1;
        }
        here
    }

    fn expect(&mut self, p: char) {
        let tok = self.next();
        assert_eq!(tok, Tok::P(p), "types.d.ts: expected `{p}` (token {})", self.at);
    }

    fn word(&mut self) -> String {
        match self.next() {
            Tok::Word(w) => w,
            other => panic!("types.d.ts: expected a name, found {other:?} (token {})", self.at),
        }
    }

    /// `export interface Name [extends …] { … }` and `export type Name = …;`, by name.
    fn declarations(mut self) -> BTreeMap<String, Ty> {
        let mut decls = BTreeMap::new();
        while self.peek().is_some() {
            assert_eq!(
                self.word(),
                "export",
                "types.d.ts: only exported declarations are expected"
            );
            let (name, ty) = match self.word().as_str() {
                "interface" => {
                    let name = self.word();
                    if self.peek() == Some(&Tok::Word("extends".into())) {
                        self.next();
                        self.word();
                        while self.eat(',') {
                            self.word();
                        }
                    }
                    self.expect('{');
                    (name, Ty::Object(self.fields()))
                }
                "type" => {
                    let name = self.word();
                    self.expect('=');
                    let ty = self.ty();
                    self.expect(';');
                    (name, ty)
                }
                other => panic!("types.d.ts: `export {other}` is not understood here"),
            };
            decls.insert(name, ty);
        }
        decls
    }

    /// Fields up to the closing `}`.
    fn fields(&mut self) -> Vec<Field> {
        let mut fields = Vec::new();
        while !self.eat('}') {
            let name = match self.next() {
                Tok::Word(w) | Tok::Str(w) => w,
                other => panic!("types.d.ts: expected a field name, found {other:?}"),
            };
            let optional = self.eat('?');
            self.expect(':');
            let ty = self.ty();
            let _ = self.eat(';') || self.eat(',');
            fields.push(Field { name, optional, ty });
        }
        fields
    }

    fn ty(&mut self) -> Ty {
        self.eat('|');
        let mut alternatives = vec![self.both()];
        while self.eat('|') {
            alternatives.push(self.both());
        }
        if alternatives.len() == 1 { alternatives.pop().unwrap() } else { Ty::Union(alternatives) }
    }

    fn both(&mut self) -> Ty {
        let mut parts = vec![self.postfix()];
        while self.eat('&') {
            parts.push(self.postfix());
        }
        if parts.len() == 1 { parts.pop().unwrap() } else { Ty::Both(parts) }
    }

    fn postfix(&mut self) -> Ty {
        let mut ty = self.primary();
        while self.peek() == Some(&Tok::P('[')) {
            self.next();
            self.expect(']');
            ty = Ty::Array(Box::new(ty));
        }
        ty
    }

    fn primary(&mut self) -> Ty {
        match self.next() {
            Tok::P('(') => {
                let ty = self.ty();
                self.expect(')');
                ty
            }
            Tok::P('{') => Ty::Object(self.fields()),
            Tok::Str(s) => Ty::Str(s),
            Tok::Num(n) => Ty::Num(n),
            Tok::Word(w) => match w.as_str() {
                "true" | "false" => Ty::Bool(w == "true"),
                "number" | "string" | "boolean" | "object" | "unknown" | "any" | "null"
                | "undefined" | "void" => Ty::Prim(w),
                _ => {
                    let mut args = Vec::new();
                    if self.eat('<') {
                        args.push(self.ty());
                        while self.eat(',') {
                            args.push(self.ty());
                        }
                        self.expect('>');
                    }
                    Ty::Named(w, args)
                }
            },
            other => panic!("types.d.ts: a type cannot start with {other:?} (token {})", self.at),
        }
    }
}

/// The declarations of a .d.ts, by name.
struct Dts {
    decls: BTreeMap<String, Ty>,
}

impl Dts {
    fn parse(src: &str) -> Self {
        Dts { decls: Parser { toks: tokens(src), at: 0 }.declarations() }
    }

    fn decl(&self, name: &str) -> &Ty {
        self.decls.get(name).unwrap_or_else(|| panic!("src/wasm/types.d.ts declares no `{name}`"))
    }

    /// The type at a dotted path: `"ProfileSummary.intent.intent"`.
    fn at(&self, path: &str) -> &Ty {
        let mut parts = path.split('.');
        let mut ty = self.decl(parts.next().unwrap());
        for part in parts {
            let Ty::Object(fields) = self.resolve(ty) else { panic!("{path}: not an object type") };
            ty = &fields
                .iter()
                .find(|f| f.name == part)
                .unwrap_or_else(|| panic!("types.d.ts: {path}: no field `{part}`"))
                .ty;
        }
        ty
    }

    fn resolve<'a>(&'a self, ty: &'a Ty) -> &'a Ty {
        match ty {
            Ty::Named(name, args) if args.is_empty() && self.decls.contains_key(name) => {
                self.resolve(self.decl(name))
            }
            _ => ty,
        }
    }

    /// An object type, a union or an intersection of them, as the list of its object alternatives.
    fn alternatives(&self, ty: &Ty) -> Vec<Vec<Field>> {
        match self.resolve(ty) {
            Ty::Object(fields) => vec![fields.clone()],
            Ty::Union(alts) => alts.iter().flat_map(|a| self.alternatives(a)).collect(),
            Ty::Both(parts) => parts.iter().fold(vec![Vec::new()], |acc, part| {
                let mine = self.alternatives(part);
                acc.iter()
                    .flat_map(|a| mine.iter().map(move |b| [a.clone(), b.clone()].concat()))
                    .collect()
            }),
            other => panic!("types.d.ts: {other:?} is not an object type"),
        }
    }

    /// Every field name of the object type at `path`, over all its alternatives.
    fn field_names(&self, path: &str) -> BTreeSet<String> {
        self.alternatives(self.at(path)).into_iter().flatten().map(|f| f.name).collect()
    }

    /// The string literals of a union of them.
    fn literals(&self, ty: &Ty) -> BTreeSet<String> {
        match self.resolve(ty) {
            Ty::Str(s) => set([s.as_str()]),
            Ty::Union(alts) => alts.iter().flat_map(|a| self.literals(a)).collect(),
            other => panic!("types.d.ts: {other:?} is not a union of string literals"),
        }
    }

    /// The string literals of field `field` over every alternative of the object type `name`.
    fn literals_of_field(&self, name: &str, field: &str) -> BTreeSet<String> {
        let alternatives = self.alternatives(self.decl(name));
        alternatives
            .iter()
            .flatten()
            .filter(|f| f.name == field)
            .flat_map(|f| self.literals(&f.ty))
            .collect()
    }

    /// Checks a JSON value against `ty`, declared under `owner`; adds the fields it produced to
    /// `seen`.
    fn check(&self, value: &Value, ty: &Ty, owner: &str, seen: &mut Seen) -> Result<(), String> {
        let is = |ok: bool, what: &str| {
            if ok { Ok(()) } else { Err(format!("{owner}: {value} is not {what}")) }
        };
        match ty {
            Ty::Prim(p) => match p.as_str() {
                "number" => is(value.is_number(), "a number"),
                "string" => is(value.is_string(), "a string"),
                "boolean" => is(value.is_boolean(), "a boolean"),
                "object" => is(value.is_object(), "an object"),
                other => Err(format!("{owner}: cannot check a value of type {other}")),
            },
            Ty::Str(s) => is(value.as_str() == Some(s), &format!("\"{s}\"")),
            Ty::Num(n) => is(value.as_f64() == Some(*n), &n.to_string()),
            Ty::Bool(b) => is(value.as_bool() == Some(*b), &b.to_string()),
            Ty::Array(element) => {
                let items =
                    value.as_array().ok_or_else(|| format!("{owner}: {value} is not an array"))?;
                items.iter().try_for_each(|item| self.check(item, element, owner, seen))
            }
            Ty::Named(name, args) if name == "Record" && args.len() == 2 => {
                let entries = value
                    .as_object()
                    .ok_or_else(|| format!("{owner}: {value} is not an object"))?;
                let inner = format!("{owner}[*]");
                entries.values().try_for_each(|v| self.check(v, &args[1], &inner, seen))
            }
            Ty::Named(name, _) => match self.decls.get(name) {
                Some(decl) => self.check(value, decl, name, seen),
                None => Err(format!("{owner}: cannot check a {name} from JSON")),
            },
            Ty::Object(fields) => self.check_object(value, fields, owner, seen),
            Ty::Union(alternatives) => self.check_first(value, alternatives.clone(), owner, seen),
            Ty::Both(_) => {
                let alternatives = self.alternatives(ty).into_iter().map(Ty::Object).collect();
                self.check_first(value, alternatives, owner, seen)
            }
        }
    }

    fn check_object(
        &self,
        value: &Value,
        fields: &[Field],
        owner: &str,
        seen: &mut Seen,
    ) -> Result<(), String> {
        let object =
            value.as_object().ok_or_else(|| format!("{owner}: {value} is not an object"))?;
        let mut mine = Seen::new();
        for (key, v) in object {
            let Some(field) = fields.iter().find(|f| f.name == *key) else {
                return Err(format!("{owner}: `{key}` is produced by Rust but not declared"));
            };
            self.check(v, &field.ty, &format!("{owner}.{key}"), &mut mine)?;
            mine.insert((owner.to_owned(), key.clone()));
        }
        if let Some(missing) = fields.iter().find(|f| !f.optional && !object.contains_key(&f.name))
        {
            return Err(format!(
                "{owner}.{}: declared (not optional) but not produced by Rust",
                missing.name
            ));
        }
        seen.extend(mine);
        Ok(())
    }

    /// The first alternative the value matches (object alternatives are owned as `owner|n`).
    fn check_first(
        &self,
        value: &Value,
        alternatives: Vec<Ty>,
        owner: &str,
        seen: &mut Seen,
    ) -> Result<(), String> {
        let mut errors = Vec::new();
        for (n, alternative) in alternatives.iter().enumerate() {
            let mut mine = Seen::new();
            match self.check(
                value,
                alternative,
                &alternative_owner(owner, n, alternative),
                &mut mine,
            ) {
                Ok(()) => {
                    seen.extend(mine);
                    return Ok(());
                }
                Err(e) => errors.push(e),
            }
        }
        Err(format!("{owner}: {value} matches no alternative ({})", errors.join("; ")))
    }

    /// Every `(owner, field)` declared under `ty`, named as `check` names them.
    fn declared(&self, ty: &Ty, owner: &str, out: &mut Seen, visited: &mut BTreeSet<String>) {
        match ty {
            Ty::Array(element) => self.declared(element, owner, out, visited),
            Ty::Named(name, args) if name == "Record" && args.len() == 2 => {
                self.declared(&args[1], &format!("{owner}[*]"), out, visited)
            }
            Ty::Named(name, _) => {
                if let Some(decl) = self.decls.get(name) {
                    if visited.insert(name.clone()) {
                        self.declared(decl, name, out, visited);
                    }
                }
            }
            Ty::Object(fields) => {
                for field in fields {
                    out.insert((owner.to_owned(), field.name.clone()));
                    self.declared(&field.ty, &format!("{owner}.{}", field.name), out, visited);
                }
            }
            Ty::Union(alternatives) => {
                for (n, alternative) in alternatives.iter().enumerate() {
                    self.declared(
                        alternative,
                        &alternative_owner(owner, n, alternative),
                        out,
                        visited,
                    );
                }
            }
            Ty::Both(_) => {
                for (n, fields) in self.alternatives(ty).into_iter().enumerate() {
                    let alternative = Ty::Object(fields);
                    self.declared(
                        &alternative,
                        &alternative_owner(owner, n, &alternative),
                        out,
                        visited,
                    );
                }
            }
            Ty::Prim(_) | Ty::Str(_) | Ty::Num(_) | Ty::Bool(_) => {}
        }
    }

    /// A value of `ty` with every optional field set (the first alternative of a union).
    fn sample(&self, ty: &Ty) -> Value {
        match ty {
            Ty::Prim(p) => match p.as_str() {
                "number" => json!(1),
                "string" => json!("x"),
                "boolean" => json!(true),
                _ => json!({}),
            },
            Ty::Str(s) => json!(s),
            Ty::Num(n) => json!(n),
            Ty::Bool(b) => json!(b),
            Ty::Array(element) => json!([self.sample(element)]),
            Ty::Named(name, args) if name == "Record" && args.len() == 2 => {
                json!({ "x": self.sample(&args[1]) })
            }
            Ty::Named(name, _) => self.sample(self.decl(name)),
            Ty::Object(fields) => {
                Value::Object(fields.iter().map(|f| (f.name.clone(), self.sample(&f.ty))).collect())
            }
            Ty::Union(alternatives) => self.sample(&alternatives[0]),
            Ty::Both(_) => self.sample(&Ty::Object(self.alternatives(ty).swap_remove(0))),
        }
    }
}

fn alternative_owner(owner: &str, n: usize, alternative: &Ty) -> String {
    if matches!(alternative, Ty::Object(_)) { format!("{owner}|{n}") } else { owner.to_owned() }
}

// ---- Rust source read as text (src/wasm/ only compiles for wasm32) ----

/// The tokens of `fn name`'s body.
fn rust_fn(src: &str, name: &str) -> Vec<Tok> {
    let toks = tokens(src);
    let start = toks
        .windows(2)
        .position(|w| w[0] == Tok::Word("fn".into()) && w[1] == Tok::Word(name.into()))
        .unwrap_or_else(|| panic!("no `fn {name}` in the source"));
    let open = start + toks[start..].iter().position(|t| *t == Tok::P('{')).unwrap();
    let mut depth = 0;
    for (i, tok) in toks.iter().enumerate().skip(open) {
        match tok {
            Tok::P('{') => depth += 1,
            Tok::P('}') => {
                depth -= 1;
                if depth == 0 {
                    return toks[open..=i].to_vec();
                }
            }
            _ => {}
        }
    }
    panic!("`fn {name}` never ends")
}

/// The string literals passed first to calls of `callee`: `get("itemId")` → `itemId`.
fn call_literals(body: &[Tok], callee: &str) -> BTreeSet<String> {
    body.windows(3)
        .filter_map(|w| match w {
            [Tok::Word(f), Tok::P('('), Tok::Str(s)] if f == callee => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// The string literals of match arms: `"view" => …` → `view`.
fn arm_literals(body: &[Tok]) -> BTreeSet<String> {
    body.windows(3)
        .filter_map(|w| match w {
            [Tok::Str(s), Tok::P('='), Tok::P('>')] => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// The strings of the first `&[…]` list in the call of `callee`:
/// `check_keys(o, &["epsilon"], …)` → `epsilon`.
fn list_after(body: &[Tok], callee: &str) -> BTreeSet<String> {
    let at = body
        .iter()
        .position(|t| *t == Tok::Word(callee.into()))
        .unwrap_or_else(|| panic!("no call of {callee}"));
    let open = at + body[at..].iter().position(|t| *t == Tok::P('[')).unwrap();
    body[open + 1..]
        .iter()
        .take_while(|t| **t != Tok::P(']'))
        .filter_map(|t| if let Tok::Str(s) = t { Some(s.clone()) } else { None })
        .collect()
}

/// A plain struct's fields, read line by line from the source.
struct RustStruct {
    camel_case: bool,
    fields: Vec<RustField>,
}

struct RustField {
    name: String,
    ty: String,
    flatten: bool,
}

impl RustField {
    fn json_name(&self, camel_case: bool) -> String {
        if !camel_case {
            return self.name.clone();
        }
        let mut out = String::new();
        let mut upper = false;
        for c in self.name.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.extend(c.to_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        out
    }
}

fn rust_struct(src: &str, name: &str) -> RustStruct {
    let lines: Vec<&str> = src.lines().collect();
    let start = lines
        .iter()
        .position(|l| {
            l.trim_start().trim_start_matches("pub ").starts_with(&format!("struct {name} {{"))
        })
        .unwrap_or_else(|| panic!("no `struct {name} {{` in the source"));
    let attributes = lines[..start]
        .iter()
        .rev()
        .take_while(|l| l.trim_start().starts_with("#[") || l.trim_start().starts_with("///"));
    let camel_case = attributes.clone().any(|l| l.contains("rename_all = \"camelCase\""));
    assert!(
        !attributes.clone().any(|l| l.contains("rename =")),
        "{name}: serde renames are not read here"
    );
    let mut fields = Vec::new();
    let mut flatten = false;
    for line in lines[start + 1..].iter().map(|l| l.trim()).take_while(|l| *l != "}") {
        if line.starts_with("#[") {
            assert!(!line.contains("rename"), "{name}: serde renames are not read here: {line}");
            flatten |= line.contains("flatten");
        } else if let Some((field, ty)) = line.split_once(':').filter(|_| !line.starts_with("//")) {
            let field = field.trim().trim_start_matches("pub ").trim();
            fields.push(RustField {
                name: field.to_owned(),
                ty: ty.trim().trim_end_matches(',').to_owned(),
                flatten,
            });
            flatten = false;
        }
    }
    assert!(!fields.is_empty(), "{name}: no fields found");
    RustStruct { camel_case, fields }
}
