//! Shopify `products.json` exports: one catalog item per product, streamed in
//! two passes (field mapping in docs/FORMATS.md, "Shopify `products.json`").

use std::path::Path;

use flaneur::catalog::{ItemJson, SUPPORTED_VERSION, VectorKind};
use flaneur::util::sorted_map::SortedMap;
use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::common::{document_error, element, shop_name};
use crate::compile::{Compiler, Draft, Locator};
use crate::json_stream::{self, Elements, Fields};

/// One product of a Shopify export, converted from its JSON value.
#[derive(Deserialize)]
struct ShopifyProduct {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body_html: Option<String>,
    #[serde(default)]
    vendor: Option<String>,
    #[serde(default)]
    product_type: Option<String>,
    #[serde(default)]
    handle: Option<String>,
    #[serde(default)]
    tags: Option<serde_json::Value>,
    #[serde(default)]
    variants: Vec<ShopifyVariant>,
    #[serde(default)]
    options: Vec<ShopifyOption>,
    #[serde(default)]
    images: Vec<ShopifyImage>,
}

#[derive(Deserialize)]
struct ShopifyVariant {
    #[serde(default)]
    price: Option<serde_json::Value>,
    #[serde(default)]
    available: Option<bool>,
    #[serde(default)]
    option1: Option<String>,
    #[serde(default)]
    option2: Option<String>,
    #[serde(default)]
    option3: Option<String>,
}

#[derive(Deserialize)]
struct ShopifyOption {
    name: String,
    #[serde(default)]
    values: Vec<String>,
}

#[derive(Deserialize)]
struct ShopifyImage {
    src: String,
}

fn json_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Removes HTML tags and decodes the few common entities.
fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(ch),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&nbsp;", " ").replace("&quot;", "\"").replace("&#39;", "'")
}

/// A Shopify option name as a facet name: lower-cased, renamed by `--facet`.
fn option_facet(mapping: &[(String, String)], name: &str) -> String {
    let lower = name.trim().to_lowercase();
    mapping.iter().find(|(col, _)| col.to_lowercase() == lower).map_or(lower, |(_, f)| f.clone())
}

/// The option names of one product, all the first pass over a Shopify export
/// reads: every other key is skipped, and a product of the wrong shape reads
/// as none (the second pass reports it).
struct OptionNames(Vec<String>);

impl<'de> Deserialize<'de> for OptionNames {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OptionNamesVisitor)
    }
}

struct OptionNamesVisitor;

impl<'de> Visitor<'de> for OptionNamesVisitor {
    type Value = OptionNames;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a product")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OptionNames, A::Error> {
        let mut names = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key != "options" {
                json_stream::skip(&mut map)?;
                continue;
            }
            // Small: `[{"name": "Color", "values": ["Red", "Navy"]}, …]`.
            if let serde_json::Value::Array(options) = map.next_value::<serde_json::Value>()? {
                names.extend(
                    options.iter().filter_map(|o| o.get("name")?.as_str().map(str::to_string)),
                );
            }
        }
        Ok(OptionNames(names))
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<OptionNames, S::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(OptionNames(Vec::new()))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<OptionNames, E> {
        Ok(OptionNames(Vec::new()))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<OptionNames, E> {
        Ok(OptionNames(Vec::new()))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<OptionNames, E> {
        Ok(OptionNames(Vec::new()))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<OptionNames, E> {
        Ok(OptionNames(Vec::new()))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<OptionNames, E> {
        Ok(OptionNames(Vec::new()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<OptionNames, E> {
        Ok(OptionNames(Vec::new()))
    }
}

/// The first pass over a Shopify export: the distinct option names of all products.
#[derive(Default)]
struct ShopifyOptionNames(Vec<String>);

impl Fields for ShopifyOptionNames {
    fn expecting(&self) -> &'static str {
        "a Shopify products.json object"
    }

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        if key != "products" {
            return json_stream::skip(map);
        }
        let names = &mut self.0;
        let each = |_, product: OptionNames| {
            for name in product.0 {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        };
        map.next_value_seed(Elements::new(each)).map(drop)
    }

    fn end<E: de::Error>(&mut self) -> Result<(), E> {
        Ok(())
    }
}

/// The second pass over a Shopify export: each product, converted and compiled as soon as it
/// is parsed.
struct ShopifyProducts<'a> {
    c: &'a mut Compiler,
    seen: bool,
}

impl Fields for ShopifyProducts<'_> {
    fn expecting(&self) -> &'static str {
        "a Shopify products.json object"
    }

    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        if key != "products" {
            return json_stream::skip(map);
        }
        if std::mem::replace(&mut self.seen, true) {
            return Err(de::Error::duplicate_field("products"));
        }
        let c = &mut *self.c;
        let each = |i, value| {
            if let Some(product) = element(c, "products", i, value) {
                shopify_product(c, i, product);
            }
        };
        map.next_value_seed(Elements::new(each)).map(drop)
    }

    fn end<E: de::Error>(&mut self) -> Result<(), E> {
        if self.seen { Ok(()) } else { Err(E::missing_field("products")) }
    }
}

/// Reads a Shopify export: one catalog item per product (not per variant).
///
/// Streamed in two passes, each holding one product at a time: the facets
/// (brand and every option name) must be declared before the first item, so
/// the first pass reads only the products' option names and the second the
/// whole products. A document error in the first pass is left to the second,
/// which meets it after the same products and reports their problems too.
pub fn read_shopify(path: &Path, c: &mut Compiler) -> std::io::Result<()> {
    let mut options = ShopifyOptionNames::default();
    let _first_pass = json_stream::read_object(path, &mut options)?;
    // Facets: brand (vendor) and every option name (lower-cased), renamed by --facet.
    let mut names: Vec<String> = vec![option_facet(&c.options.facets, "brand")];
    for option in &options.0 {
        let name = option_facet(&c.options.facets, option);
        if name != "title" && !names.contains(&name) {
            names.push(name);
        }
    }
    names.sort();
    c.start(SUPPORTED_VERSION, &shop_name(path), &names, c.options.dims, VectorKind::Content);
    let mut products = ShopifyProducts { c, seen: false };
    if let Err(e) = json_stream::read_object(path, &mut products)? {
        document_error(c, &e);
    }
    Ok(())
}

/// Compiles product `i` of a Shopify export into one item.
fn shopify_product(c: &mut Compiler, i: usize, p: ShopifyProduct) {
    let rename = |name: &str| option_facet(&c.options.facets, name);
    let at = Locator::Path(format!("products[{i}]"), "product_type");
    let mut bad = false;
    let mut price: Option<f64> = None;
    for (j, v) in p.variants.iter().enumerate() {
        let Some(raw) = &v.price else { continue };
        match json_text(raw)
            .and_then(|t| t.trim().parse::<f64>().ok())
            .filter(|x| x.is_finite() && *x >= 0.0)
        {
            Some(x) => price = Some(price.map_or(x, |m| m.min(x))),
            None => {
                c.problems.path(
                    format!("products[{i}].variants[{j}].price"),
                    format!("{raw} is not a price"),
                );
                bad = true;
            }
        }
    }
    let available = p.variants.is_empty() || p.variants.iter().any(|v| v.available.unwrap_or(true));
    // Attributes: the option values of the first available variant (else the first).
    let mut attributes = SortedMap::new();
    if let Some(vendor) = p.vendor.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        attributes.insert(rename("brand"), vendor.to_string());
    }
    if let Some(v) = p.variants.iter().find(|v| v.available.unwrap_or(true)).or(p.variants.first())
    {
        for (o, value) in p.options.iter().zip([&v.option1, &v.option2, &v.option3]) {
            let name = rename(&o.name);
            if let Some(value) =
                value.as_deref().map(str::trim).filter(|s| !s.is_empty() && name != "title")
            {
                attributes.insert(name, value.to_string());
            }
        }
    }
    let mut extra: Vec<String> = p.options.iter().flat_map(|o| o.values.iter().cloned()).collect();
    match &p.tags {
        Some(serde_json::Value::String(s)) => {
            extra.extend(s.split(',').map(|t| t.trim().to_string()))
        }
        Some(serde_json::Value::Array(a)) => extra.extend(a.iter().filter_map(json_text)),
        _ => {}
    }
    let category = p
        .product_type
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("Uncategorized");
    let item = ItemJson {
        id: p.id.as_ref().and_then(json_text).unwrap_or_default(),
        title: p.title,
        category: category.to_string(),
        attributes,
        price,
        currency: c.options.currency.clone(),
        available,
        popularity: 0.0,
        released: None,
        sensitive: None,
        vector: None,
        url: p.handle.map(|h| format!("{}/products/{h}", c.options.base_url)),
        image: p.images.into_iter().next().map(|i| i.src),
        bought_with: Vec::new(),
    };
    let draft =
        Draft { item, description: strip_html(p.body_html.as_deref().unwrap_or("")), extra, at };
    if bad { c.check_only(draft) } else { c.accept(draft) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_stripped_and_vectors_parse() {
        assert_eq!(
            strip_html("<p>Fine <b>wool</b> &amp; silk</p>").split_whitespace().collect::<Vec<_>>(),
            ["Fine", "wool", "&", "silk"]
        );
    }
}
