//! Catalog validation: every broken catalog is refused with an error naming the item and field.
#![cfg(not(target_arch = "wasm32"))]

use flaneur::Error;
use flaneur::catalog::{Catalog, CatalogJson};

fn catalog(items: &str) -> String {
    format!(r#"{{"version":1,"shop":"s","dims":2,"facets":{{"colour":{{}}}},"items":[{items}]}}"#)
}

fn error(text: &str) -> Error {
    Catalog::from_json_str(text).unwrap_err()
}

#[test]
fn a_valid_catalog_keeps_order_fields_and_taxonomy() {
    let c = Catalog::from_json_str(&catalog(
        r#"{"id":"a","title":"A","category":"W > Knit > Sweaters","attributes":{"colour":"red"},
            "vector":[1,0],"price":9.5,"popularity":0.5},
           {"id":"b","title":"B","category":" W>Knit ","vector":[0,2],"available":false}"#,
    ))
    .unwrap();
    assert_eq!(c.item(0).id(), "a");
    assert_eq!(c.item(0).price(), Some(9.5));
    assert_eq!(c.item(1).price(), None);
    assert!(!c.item(1).available());
    assert_eq!(c.item(1).category_path(), "W > Knit");
    assert_eq!(c.taxonomy().len(), 3);
    assert_eq!(c.item(0).attributes().collect::<Vec<_>>(), vec![(0, "red")]);
    assert_eq!(c.index_of("b"), Some(1));
    assert_eq!(c.index_of("c"), None);
    assert_eq!(c.vectors().get(1).0, &[0, 127]);
}

#[test]
fn duplicate_ids_name_the_item() {
    let e = error(&catalog(concat!(
        r#"{"id":"a","title":"A","category":"C","vector":[1,0]},"#,
        r#"{"id":"a","title":"B","category":"C","vector":[1,0]}"#,
    )));
    assert_eq!(
        e,
        Error::CatalogInvalid {
            item: Some("a".into()),
            field: "id".into(),
            reason: "duplicate id".into()
        }
    );
    assert_eq!(e.to_string(), "invalid catalog: item \"a\", id: duplicate id");
}

#[test]
fn wrong_vectors_unknown_facets_and_bad_numbers_are_refused() {
    let cases = [
        (r#"{"id":"a","title":"A","category":"C","vector":[1,0,0]}"#, "vector"),
        (r#"{"id":"a","title":"A","category":"C"}"#, "vector"),
        (
            r#"{"id":"a","title":"A","category":"C","vector":[1,0],"attributes":{"size":"M"}}"#,
            "attributes.size",
        ),
        (r#"{"id":"a","title":"A","category":"C","vector":[1,0],"popularity":1.5}"#, "popularity"),
        (r#"{"id":"a","title":"A","category":"C","vector":[1,0],"price":-1}"#, "price"),
        (r#"{"id":"a","title":"A","category":"C > ","vector":[1,0]}"#, "category"),
    ];
    for (item, field) in cases {
        match error(&catalog(item)) {
            Error::CatalogInvalid { item: Some(id), field: f, .. } => {
                assert_eq!((id.as_str(), f.as_str()), ("a", field), "{item}");
            }
            other => panic!("{item}: {other:?}"),
        }
    }
}

#[test]
fn non_finite_vectors_are_refused() {
    let mut json: CatalogJson =
        serde_json::from_str(&catalog(r#"{"id":"a","title":"A","category":"C","vector":[1,0]}"#))
            .unwrap();
    json.items[0].vector = Some(vec![f32::NAN, 1.0]);
    let e = Catalog::from_json(json).unwrap_err();
    assert_eq!(e.code(), "CATALOG_INVALID");
    assert!(e.to_string().contains("not a finite number"), "{e}");
}

#[test]
fn a_newer_version_and_a_broken_document_are_refused() {
    let newer = r#"{"version":2,"shop":"s","items":[]}"#;
    assert_eq!(error(newer), Error::CatalogVersion { found: 2, supported: 1 });
    assert_eq!(error("{\"version\":1,").code(), "CATALOG_INVALID");
    assert_eq!(error(r#"{"version":1,"shop":" ","items":[]}"#).code(), "CATALOG_INVALID");
}

#[test]
fn content_vectors_are_normalised_and_item_factors_keep_their_length() {
    let doc = |kind: &str| {
        format!(
            r#"{{"version":1,"shop":"s","dims":2,"vector_kind":"{kind}",
                "items":[{{"id":"a","title":"A","category":"C","vector":[3,4]}}]}}"#
        )
    };
    let content = Catalog::from_json_str(&doc("content")).unwrap();
    let factors = Catalog::from_json_str(&doc("factors")).unwrap();
    assert!((content.vectors().norm(0) - 1.0).abs() < 0.01);
    assert!((factors.vectors().norm(0) - 5.0).abs() < 0.05);
    let v = factors.vectors().dequantize(0);
    assert!((v[0] - 3.0).abs() < 0.02 && (v[1] - 4.0).abs() < 0.02, "{v:?}");
    assert_eq!(Catalog::from_binary(&factors.to_binary()).unwrap().vectors().dequantize(0), v);
}

#[test]
fn links_are_http_or_relative_never_script() {
    let with = |field: &str, link: &str| {
        let link = serde_json::to_string(link).unwrap();
        catalog(&format!(
            r#"{{"id":"a","title":"A","category":"C","vector":[1,0],"{field}":{link}}}"#
        ))
    };
    for field in ["url", "image"] {
        for ok in [
            "https://shop.example/a",
            "http://shop.example/a",
            "/p/a",
            "a.html",
            "//cdn.example/a.png",
        ] {
            assert!(Catalog::from_json_str(&with(field, ok)).is_ok(), "{field}: {ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:x",
            "java\nscript:x",
            "data:,x",
        ] {
            let err = error(&with(field, bad));
            assert_eq!(err.code(), "CATALOG_INVALID", "{field}: {bad:?}");
            assert!(err.to_string().contains(field), "{err}");
            assert!(err.to_string().contains("http(s) or relative"), "{err}");
        }
    }
}

/// Items `a`…`j` without vectors; item `a` lists `bought_with`.
fn with_bought_with(bought_with: &str) -> String {
    let mut items =
        vec![format!(r#"{{"id":"a","title":"A","category":"C","bought_with":[{bought_with}]}}"#)];
    for id in "bcdefghij".chars() {
        items.push(format!(r#"{{"id":"{id}","title":"T","category":"C"}}"#));
    }
    format!(r#"{{"version":1,"shop":"s","items":[{}]}}"#, items.join(","))
}

#[test]
fn bought_with_ids_become_positions_in_their_order() {
    let c = Catalog::from_json_str(&with_bought_with(r#""j","c","b""#)).unwrap();
    assert_eq!(c.bought_with(0), [9, 2, 1]);
    assert!(c.bought_with(1).is_empty() && c.bought_with(10).is_empty());
    assert!(c.has_bought_with());
    // A forward reference: the first item names the last one; absent means none.
    let none = Catalog::from_json_str(&with_bought_with("")).unwrap();
    assert!(!none.has_bought_with() && none.bought_with(0).is_empty());
}

#[test]
fn bad_bought_with_lists_are_refused_naming_item_and_id() {
    let nine = r#""b","c","d","e","f","g","h","i","j""#;
    let cases = [
        (r#""b","zz""#, "\"zz\" is not an item of the catalog"),
        (r#""b","a""#, "\"a\" is the item's own id"),
        (r#""b","c","b""#, "\"b\" is listed twice"),
        (nine, "lists 9 items, at most 8 (\"j\" is one too many)"),
    ];
    for (list, expected) in cases {
        let e = error(&with_bought_with(list));
        assert_eq!(
            e,
            Error::CatalogInvalid {
                item: Some("a".into()),
                field: "bought_with".into(),
                reason: expected.into()
            },
            "{list}"
        );
        assert_eq!(e.code(), "CATALOG_INVALID");
    }
}

/// Items `milk` (Grocery > Dairy > Milk), `oats` (Grocery > Cereals) and
/// `sofa` (Home), and the catalog's `repurchase` field.
fn with_repurchase(repurchase: &str) -> String {
    format!(
        r#"{{"version":1,"shop":"s","repurchase":{repurchase},"items":[
          {{"id":"milk","title":"Milk","category":"Grocery > Dairy > Milk"}},
          {{"id":"oats","title":"Oats","category":"Grocery > Cereals"}},
          {{"id":"sofa","title":"Sofa","category":"Home"}}]}}"#
    )
}

#[test]
fn repurchase_priors_fall_back_from_the_item_to_its_leaf_and_its_ancestors() {
    use flaneur::catalog::{REPLENISHABLE_SHARE, Repurchase};
    let c = Catalog::from_json_str(&with_repurchase(
        r#"{"categories": {"Grocery": {"share": 0.4, "interval_days": 21},
                           " Grocery>Dairy ": {"share": 0.71, "interval_days": 8.5, "buyers": 412}},
            "items": {"milk": {"share": 0.9, "interval_days": 4, "buyers": 140}}}"#,
    ))
    .unwrap();
    let grocery = Repurchase { share: 0.4, interval_days: 21.0, buyers: 0 };
    let dairy = Repurchase { share: 0.71, interval_days: 8.5, buyers: 412 };
    assert_eq!(c.repurchase(0), Some(Repurchase { share: 0.9, interval_days: 4.0, buyers: 140 }));
    assert_eq!(c.repurchase(1), Some(grocery));
    assert_eq!((c.repurchase(2), c.repurchase(3), c.repurchase(usize::MAX)), (None, None, None));
    let t = c.taxonomy();
    let node = |path: &str| t.find(path).unwrap();
    assert_eq!(c.category_repurchase(node("Grocery > Dairy > Milk")), Some(dairy));
    assert_eq!(c.category_repurchase(node("Grocery > Dairy")), Some(dairy));
    assert_eq!(c.category_repurchase(node("Grocery > Cereals")), Some(grocery));
    assert_eq!((c.category_repurchase(node("Home")), c.category_repurchase(99)), (None, None));
    assert!(c.has_repurchase() && dairy.is_replenishable() && REPLENISHABLE_SHARE == 0.3);
    let own = [(0, grocery), (1, dairy)];
    assert_eq!(c.repurchase_categories(), own);
    assert_eq!(c.repurchase_items(), [(0, c.repurchase(0).unwrap())]);
    // Absent or empty: no priors, today's behaviour.
    for text in [catalog(""), with_repurchase("{}")] {
        let c = Catalog::from_json_str(&text).unwrap();
        assert!(!c.has_repurchase() && c.repurchase(0).is_none());
    }
}

#[test]
fn bad_repurchase_priors_are_refused_naming_the_category_or_item_and_field() {
    let header = |field: &str, reason: &str| Error::CatalogInvalid {
        item: None,
        field: field.into(),
        reason: reason.into(),
    };
    let item = |field: &str, reason: &str| Error::CatalogInvalid {
        item: Some("milk".into()),
        field: field.into(),
        reason: reason.into(),
    };
    let cases = [
        (
            r#"{"categories": {"Grocery > Bakery": {"share": 0.5, "interval_days": 3}}}"#,
            header(
                r#"repurchase.categories["Grocery > Bakery"]"#,
                "is not a category of the catalog's items",
            ),
        ),
        (
            r#"{"items": {"bread": {"share": 0.5, "interval_days": 3}}}"#,
            Error::CatalogInvalid {
                item: Some("bread".into()),
                field: "repurchase".into(),
                reason: "is not an item of the catalog".into(),
            },
        ),
        (
            r#"{"categories": {"Home": {"share": 1.5, "interval_days": 3}}}"#,
            header(r#"repurchase.categories["Home"].share"#, "1.5 is outside [0, 1]"),
        ),
        (
            r#"{"items": {"milk": {"share": -0.1, "interval_days": 3}}}"#,
            item("repurchase.share", "-0.1 is outside [0, 1]"),
        ),
        (
            r#"{"items": {"milk": {"share": 0.5, "interval_days": 0}}}"#,
            item("repurchase.interval_days", "0 is not a number of days above 0 and at most 3650"),
        ),
        (
            r#"{"categories": {"Home": {"share": 0.5, "interval_days": -2}}}"#,
            header(
                r#"repurchase.categories["Home"].interval_days"#,
                "-2 is not a number of days above 0 and at most 3650",
            ),
        ),
        (
            r#"{"items": {"milk": {"share": 0.5, "interval_days": 3651}}}"#,
            item(
                "repurchase.interval_days",
                "3651 is not a number of days above 0 and at most 3650",
            ),
        ),
        (
            r#"{"items": {"milk": {"share": 0.5, "interval_days": 1e39}}}"#,
            item(
                "repurchase.interval_days",
                "inf is not a number of days above 0 and at most 3650",
            ),
        ),
        (
            r#"{"items": {"milk": {"share": 0.5, "interval_days": 3, "colour": "red"}}}"#,
            item("repurchase.colour", "is not a field of a prior"),
        ),
        (
            r#"{"categories": {"Home": {"interval_days": 3}}}"#,
            header(r#"repurchase.categories["Home"].share"#, "is missing"),
        ),
        (
            r#"{"categories": {"Home": {"share": 0.5, "interval_days": 3},
                               " Home ": {"share": 0.6, "interval_days": 3}}}"#,
            header(
                r#"repurchase.categories["Home"]"#,
                "is given twice (paths differing only in spaces)",
            ),
        ),
    ];
    for (repurchase, expected) in cases {
        let e = error(&with_repurchase(repurchase));
        assert_eq!(e, expected, "{repurchase}");
        assert_eq!(e.code(), "CATALOG_INVALID");
    }
    // The wrong shape: named by serde, still CATALOG_INVALID.
    for repurchase in [
        r#"{"brands": {}}"#,
        r#"{"items": {"milk": {"share": "high", "interval_days": 3}}}"#,
        r#"{"items": {"milk": {"share": 0.5, "interval_days": 3, "buyers": 2.5}}}"#,
        r#""weekly""#,
    ] {
        let e = error(&with_repurchase(repurchase));
        assert!(
            matches!(&e, Error::CatalogInvalid { field, .. } if field == "repurchase"),
            "{repurchase}: {e:?}"
        );
    }
}
