//! The catalog compiler's common half: the options, and the step every feed
//! row goes through (checks, sensitive class, popularity, vector, then the
//! core's [`CatalogBuilder`]). The problems it reports are in [`crate::problem`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use flaneur::catalog::{
    Catalog, CatalogBuilder, CategoryId, FacetJson, ItemJson, MAX_BOUGHT_WITH, RepurchaseJson,
    Taxonomy, VectorKind,
};
use flaneur::util::sorted_map::SortedMap;

use crate::copurchase;
use crate::delimited;
use crate::embeddings::Embeddings;
use crate::problem::{At, Problem, Problems};
use crate::vectorize::Vectorizer;
use crate::{orders, repurchase};

/// What the command line says about the catalog.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The shop's identifier (`--shop`; default: JSON v1's `shop`, else the feed's file name).
    pub shop: Option<String>,
    /// Dimensions of computed vectors (`--dims`; 0: no vectors).
    pub dims: usize,
    /// Feed column (or Shopify option name) → facet name, from `--facet COLUMN=FACET`.
    pub facets: Vec<(String, String)>,
    /// Facets divergence may step along (`--divergence`).
    pub divergence: Vec<String>,
    /// Category prefix (levels) → sensitive class.
    pub sensitive: Vec<(Vec<String>, String)>,
    /// Aggregate popularity counts, `item_id,count` (`--popularity`).
    pub popularity: Option<std::path::PathBuf>,
    /// A column holding the shop's own vectors (numbers separated by spaces, commas or `;`).
    pub vector_column: Option<String>,
    /// Currency when the feed gives none (`--currency`).
    pub currency: Option<String>,
    /// Prefix of Shopify product links (`--base-url`, without a trailing `/`).
    pub base_url: String,
    /// The shop's own vectors in a file beside the feed (`--vectors`).
    pub vectors_file: Option<PathBuf>,
    /// What supplied vectors are (`--vector-kind`; default: content, or JSON v1's own).
    pub vector_kind: Option<VectorKind>,
    /// Aggregate co-purchase counts (`--co-purchases`): item factors when `dims` is above 0,
    /// and each item's bought-with list.
    pub co_purchases: Option<PathBuf>,
    /// Items on each bought-with list from `co_purchases` (`--bought-with`; 0: no lists).
    pub bought_with: usize,
    /// Pairs bought together fewer times are ignored (`--min-co-purchases`).
    pub min_co_purchases: f64,
    /// Counts are divided by `(countᵢ · countⱼ)^damping` (`--co-purchase-damping`; 0.5:
    /// cosine).
    pub co_purchase_damping: f64,
    /// The order log, `user,item,timestamp` (`--orders`): repurchase priors, and the
    /// bought-with lists from its baskets when `co_purchases` is not given.
    pub orders: Option<PathBuf>,
    /// Categories marked replenishable by hand, (path, days) (`--replenish`).
    pub replenish: Vec<(String, f32)>,
    /// Distinct buyers a learned repurchase prior needs (`--min-buyers`, at least 2).
    pub min_buyers: u32,
    /// The crowd's divergence priors (`--divergence-priors`, from `flaneur ldp aggregate
    /// --priors`).
    pub divergence_priors: Option<PathBuf>,
    /// The departments (top-level categories) the reports ask about apart
    /// (`--report-departments`): the granularity at which the shop learns divergence take-up.
    pub report_departments: Vec<String>,
    /// The moment the catalog is built for, ms since the epoch (`--at`; default: now): a
    /// Merchant Center `sale_price` is the price when its effective dates hold it.
    pub at: i64,
}

/// Vectors that are known only once every item is: they replace zero placeholders.
enum Deferred {
    /// Vectors from `--vectors`.
    Embeddings(Embeddings),
    /// Item factors from `--co-purchases`.
    CoPurchases,
}

/// What the compiler remembers of an item id: where it was first seen, and
/// its index in the catalog once pushed (`u32::MAX` before).
struct Seen {
    index: u32,
    at: Box<str>,
}

/// Parses `COLUMN=FACET` (or `NAME`, same name for both).
pub fn parse_facet(arg: &str) -> Result<(String, String), String> {
    let (column, facet) = arg.split_once('=').unwrap_or((arg, arg));
    let (column, facet) = (column.trim(), facet.trim());
    if column.is_empty() || facet.is_empty() {
        return Err(format!("--facet {arg:?}: expected COLUMN=FACET"));
    }
    Ok((column.to_string(), facet.to_string()))
}

/// Parses `PREFIX=CLASS` (`"Health=health"`, `"Home > Pharmacy=health"`).
pub fn parse_sensitive(arg: &str) -> Result<(Vec<String>, String), String> {
    let (prefix, class) = arg
        .rsplit_once('=')
        .ok_or_else(|| format!("--sensitive {arg:?}: expected PREFIX=CLASS"))?;
    let levels: Vec<String> = prefix.split('>').map(|l| l.trim().to_lowercase()).collect();
    if levels.iter().any(String::is_empty) || class.trim().is_empty() {
        return Err(format!("--sensitive {arg:?}: expected PREFIX=CLASS"));
    }
    Ok((levels, class.trim().to_string()))
}

/// One item as a feed reader produced it, before the common checks.
pub(crate) struct Draft {
    pub item: ItemJson,
    pub description: String,
    /// Extra text for the vector (tags, every option value).
    pub extra: Vec<String>,
    /// Where the item's fields are: `(line, column)` of a text feed or a JSON path prefix.
    pub at: Locator,
}

/// Names the place of an item's field in its feed.
#[derive(Clone)]
pub(crate) enum Locator {
    /// A line of a text feed, and the column the category came from.
    Line(u64, &'static str),
    /// A JSON path prefix, and the field the category came from.
    Path(String, &'static str),
}

impl Locator {
    /// Records a problem of `field` of this item (`category`: the column or field the category
    /// came from).
    pub fn report(&self, problems: &mut Problems, field: &str, message: impl Into<String>) {
        match self {
            Locator::Line(line, category) => {
                problems.line(*line, if field == "category" { category } else { field }, message)
            }
            Locator::Path(prefix, category) => problems.path(
                format!("{prefix}.{}", if field == "category" { category } else { field }),
                message,
            ),
        }
    }
    fn describe(&self) -> String {
        match self {
            Locator::Line(line, _) => format!("line {line}"),
            Locator::Path(p, _) => p.clone(),
        }
    }
}

/// Streams drafts into a catalog, collecting every problem. The feed readers
/// (`crate::feeds`) drive it; [`Compiler::finish`] gives the catalog.
pub struct Compiler {
    pub(crate) options: Options,
    pub(crate) problems: Problems,
    builder: Option<CatalogBuilder>,
    seen: HashMap<Box<str>, Seen>,
    deferred: Option<Deferred>,
    popularity: HashMap<String, f32>,
    vectorizer: Vectorizer,
    /// Vectors come from the feed (JSON v1 with dims > 0, or `--vector-column`).
    pub(crate) supplied_vectors: bool,
    pub(crate) dims: usize,
    pub(crate) items: usize,
    /// With `--orders` or `--replenish`: the items' categories, by catalog position.
    taxonomy: Taxonomy,
    category: Vec<CategoryId>,
}

impl Compiler {
    /// Reads the popularity file; facets are declared once the feed's header is known
    /// (`Compiler::start`).
    pub fn new(options: Options) -> Self {
        let mut problems = Problems::default();
        let popularity = match &options.popularity {
            Some(path) => read_popularity(path, &mut problems),
            None => HashMap::new(),
        };
        let mut dims = options.dims;
        let mut deferred = None;
        if options.vectors_file.is_some() && options.vector_column.is_some() {
            problems.feed("--vectors and --vector-column both supply vectors: give one");
        }
        if options.co_purchases.is_some()
            && dims > 0
            && (options.vectors_file.is_some() || options.vector_column.is_some())
        {
            problems.feed(
                "--co-purchases learns vectors; --vectors or --vector-column supplies them: \
                 give one (or --dims 0 for bought-with lists only)",
            );
        }
        if !(options.min_co_purchases.is_finite() && options.min_co_purchases >= 0.0) {
            problems.feed(format!(
                "--min-co-purchases {}: expected a count of 0 or more",
                options.min_co_purchases
            ));
        }
        if options.bought_with > MAX_BOUGHT_WITH {
            problems.feed(format!(
                "--bought-with {}: expected 0 to {MAX_BOUGHT_WITH}",
                options.bought_with
            ));
        }
        if !(0.0..=1.0).contains(&options.co_purchase_damping) {
            problems.feed(format!(
                "--co-purchase-damping {}: expected 0 to 1",
                options.co_purchase_damping
            ));
        }
        let priors = options.orders.is_some() || !options.replenish.is_empty();
        if priors && options.min_buyers < 2 {
            problems.feed(format!(
                "--min-buyers {}: expected 2 or more (no one buyer's pattern is published)",
                options.min_buyers
            ));
        }
        if let Some(path) = &options.vectors_file {
            match Embeddings::open(path) {
                Ok(e) => {
                    dims = e.dims;
                    deferred = Some(Deferred::Embeddings(e));
                }
                Err(e) => problems.feed(e),
            }
        } else if options.co_purchases.is_some() {
            if dims > 0 {
                deferred = Some(Deferred::CoPurchases);
            } else if options.bought_with == 0 {
                problems.feed(
                    "--co-purchases with --dims 0 and --bought-with 0 builds nothing: \
                     give --dims above 0 for factors or --bought-with above 0 for lists",
                );
            }
        }
        Self {
            vectorizer: Vectorizer::new(dims),
            options,
            problems,
            builder: None,
            seen: HashMap::new(),
            deferred,
            popularity,
            supplied_vectors: false,
            dims,
            items: 0,
            taxonomy: Taxonomy::default(),
            category: Vec::new(),
        }
    }

    /// Declares the facets (names after mapping) and starts the catalog in format `version`
    /// (the core refuses one it cannot write).
    pub(crate) fn start(
        &mut self,
        version: u32,
        shop: &str,
        facet_names: &[String],
        dims: usize,
        kind: VectorKind,
    ) {
        let mut facets = SortedMap::new();
        for name in facet_names {
            facets.insert(name.clone(), FacetJson { divergence: false });
        }
        for d in &self.options.divergence {
            match facets.get_mut(d) {
                Some(f) => f.divergence = true,
                None => self.problems.feed(format!(
                    "--divergence {d:?}: no such facet (facets: {})",
                    facet_names.join(", ")
                )),
            }
        }
        let (dims, kind) = match &self.deferred {
            Some(_) if self.supplied_vectors => {
                self.problems.feed(
                    "the feed has its own vectors; --vectors or --co-purchases would replace \
                     them: give one",
                );
                (dims, kind)
            }
            Some(Deferred::Embeddings(e)) => {
                (e.dims, self.options.vector_kind.unwrap_or(VectorKind::Content))
            }
            Some(Deferred::CoPurchases) => (self.dims, VectorKind::Factors),
            None if self.supplied_vectors => (dims, self.options.vector_kind.unwrap_or(kind)),
            None => (dims, kind),
        };
        let shop = self.options.shop.clone().unwrap_or_else(|| shop.to_string());
        match CatalogBuilder::new(version, shop, dims, kind, &facets) {
            Ok(b) => {
                // Sized only once the core has accepted `dims` (at most 1,024): a
                // feed's header declaring 10^18 dims once aborted the compiler
                // here (found by the `feed_json_v1` fuzz target).
                self.dims = dims;
                self.vectorizer = Vectorizer::new(dims);
                self.builder = Some(b);
            }
            Err(e) => {
                self.dims = 0;
                self.problems.feed(e.to_string());
            }
        }
    }

    /// Runs the common checks on a row that already has a problem, so all of its problems are
    /// reported.
    pub(crate) fn check_only(&mut self, draft: Draft) {
        self.check(&draft.item, &draft.at);
    }

    /// Checks one draft, completes it and appends it; every problem is recorded.
    pub(crate) fn accept(&mut self, draft: Draft) {
        if !self.check(&draft.item, &draft.at) {
            return;
        }
        let Draft { mut item, description, extra, at } = draft;
        if item.sensitive.is_none() {
            item.sensitive = self.sensitive_class(&item.category);
        }
        if let Some(&p) = self.popularity.get(&item.id) {
            item.popularity = p;
        }
        if self.deferred.is_some() && !self.supplied_vectors {
            item.vector = Some(vec![0.0; self.dims]); // replaced in `finish`
        } else if item.vector.is_none() && self.dims > 0 && !self.supplied_vectors {
            item.vector = Some(self.vectorizer.item(
                &item.title,
                &description,
                &item.category,
                &item.attributes,
                &extra,
            ));
        }
        if let Some(builder) = &mut self.builder {
            match builder.push(&item) {
                Ok(()) => {
                    if let Some(seen) = self.seen.get_mut(item.id.as_str()) {
                        seen.index = self.items as u32;
                    }
                    self.items += 1;
                    if self.options.orders.is_some() || !self.options.replenish.is_empty() {
                        // The core accepted the path, so it has a node.
                        let node = self.taxonomy.intern(&item.category).unwrap_or_default();
                        self.category.push(node);
                    }
                }
                Err(e) => at.report(&mut self.problems, "item", e.to_string()),
            }
        }
    }

    /// The checks every feed shares; `false` when the item has a problem.
    fn check(&mut self, item: &ItemJson, at: &Locator) -> bool {
        let before = self.problems.0.len();
        if item.id.trim().is_empty() {
            at.report(&mut self.problems, "id", "empty id");
        } else if let Some(first) = self.seen.get(item.id.as_str()) {
            at.report(
                &mut self.problems,
                "id",
                format!("duplicate id {:?} (first at {})", item.id, first.at),
            );
        } else {
            let seen = Seen { index: u32::MAX, at: at.describe().into_boxed_str() };
            self.seen.insert(item.id.clone().into_boxed_str(), seen);
        }
        if item.title.trim().is_empty() {
            at.report(&mut self.problems, "title", "empty title");
        }
        if item.category.trim().is_empty() {
            at.report(&mut self.problems, "category", "no category");
        } else if item.category.split('>').any(|l| l.trim().is_empty()) {
            at.report(
                &mut self.problems,
                "category",
                format!("empty level in {:?}", item.category),
            );
        }
        self.problems.0.len() == before
    }

    fn sensitive_class(&self, category: &str) -> Option<String> {
        let levels: Vec<String> = category.split('>').map(|l| l.trim().to_lowercase()).collect();
        self.options
            .sensitive
            .iter()
            .find(|(prefix, _)| {
                levels.len() >= prefix.len() && levels[..prefix.len()] == prefix[..]
            })
            .map(|(_, class)| class.clone())
    }

    /// The catalog, or every problem found (the side files' too).
    pub fn finish(mut self) -> Result<Catalog, Problems> {
        if self.items == 0 && self.problems.is_empty() {
            self.problems.feed("the feed has no items");
        }
        let Some(mut builder) = self.builder.take() else {
            if self.problems.is_empty() {
                self.problems.feed("the feed was not started");
            }
            return Err(self.problems);
        };
        let factors = match self.deferred.take() {
            Some(Deferred::Embeddings(e)) => {
                self.attach_embeddings(&e, &mut builder);
                false
            }
            Some(Deferred::CoPurchases) => true,
            None => false,
        };
        let orders = match self.options.orders.clone() {
            Some(path) if self.items > 0 => self.read_orders(&path),
            _ => Vec::new(),
        };
        if let Some(path) = self.options.co_purchases.clone() {
            if self.items > 0 && (factors || self.options.bought_with > 0) {
                self.read_co_purchases(&path, factors, &mut builder);
            }
        } else if !orders.is_empty() && self.options.bought_with > 0 {
            self.baskets_bought_with(&orders, &mut builder);
        }
        if self.items > 0 && (self.options.orders.is_some() || !self.options.replenish.is_empty()) {
            self.learn_repurchase(&orders, &mut builder);
        }
        if let Some(path) = &self.options.divergence_priors {
            match crate::divergence_priors::read(path) {
                Ok(priors) => builder.set_divergence_priors(priors),
                Err(reason) => self.problems.path(path.display().to_string(), reason),
            }
        }
        builder.set_report_departments(self.options.report_departments.clone());
        if !self.problems.is_empty() {
            return Err(self.problems);
        }
        self.seen = HashMap::new();
        self.popularity = HashMap::new();
        builder.finish().map_err(|e| {
            self.problems.feed(e.to_string());
            self.problems
        })
    }
}

impl Compiler {
    /// Keeps a JSON v1 feed's own `repurchase` priors (replaced by `--orders`
    /// or `--replenish`); call once the catalog is started.
    pub(crate) fn set_feed_repurchase(&mut self, repurchase: RepurchaseJson) {
        if let Some(builder) = &mut self.builder {
            builder.set_repurchase(repurchase);
        }
    }

    /// The lines of the `--orders` log naming the feed's items (none when it cannot be read).
    fn read_orders(&mut self, path: &Path) -> Vec<orders::Line> {
        let seen = &self.seen;
        let index_of = |id: &str| Self::index_of(seen, id).map(|i| i as u32);
        let Some(read) = orders::read(path, index_of, &mut self.problems) else {
            return Vec::new();
        };
        eprintln!(
            "flaneur: note: {}: {} order lines of {} users{}",
            path.display(),
            read.lines.len(),
            read.users,
            if read.unknown > 0 {
                format!(", {} line(s) name items the feed does not have (skipped)", read.unknown)
            } else {
                String::new()
            },
        );
        read.lines
    }

    /// Learns the repurchase priors from the order `lines` and `--replenish`;
    /// they replace any the feed brought.
    fn learn_repurchase(&mut self, lines: &[orders::Line], builder: &mut CatalogBuilder) {
        let mut marks = Vec::with_capacity(self.options.replenish.len());
        for (path, days) in &self.options.replenish {
            let normalised = path.split('>').map(str::trim).collect::<Vec<_>>().join(" > ");
            match self.taxonomy.find(&normalised) {
                Some(node) => marks.push((node, *days)),
                None => self.problems.feed(format!(
                    "--replenish {path:?}: no item of the feed is in this category \
                     (give a full path, levels separated by \" > \")"
                )),
            }
        }
        let min = self.options.min_buyers;
        let learned = repurchase::learn(lines, &self.category, &self.taxonomy, &marks, min);
        if self.options.orders.is_some() {
            eprintln!(
                "flaneur: note: repurchase priors: {} of {} categories and {} items with at \
                 least {min} buyers (--min-buyers); published {} categories ({} by hand) and {} \
                 items, {} categories and {} items left to inherit a prior within 0.02 share \
                 and 10% interval",
                learned.nodes_supported,
                self.taxonomy.len(),
                learned.items_supported,
                learned.categories.len(),
                marks.len(),
                learned.items.len(),
                learned.nodes_inherited,
                learned.items_inherited,
            );
        }
        let mut json = RepurchaseJson::default();
        for (node, prior) in learned.categories {
            json.categories.insert(self.taxonomy.path(node).to_string(), prior.into());
        }
        for (index, prior) in learned.items {
            let id = builder.id(index as usize).unwrap_or_default().to_string();
            json.items.insert(id, prior.into());
        }
        builder.set_repurchase(json);
    }

    /// The catalog index of a pushed item.
    fn index_of(seen: &HashMap<Box<str>, Seen>, id: &str) -> Option<usize> {
        seen.get(id).filter(|s| s.index != u32::MAX).map(|s| s.index as usize)
    }

    /// Gives every item its vector from the `--vectors` file.
    fn attach_embeddings(&mut self, embeddings: &Embeddings, builder: &mut CatalogBuilder) {
        let seen = &self.seen;
        let (unknown, missing) = embeddings.attach(
            builder.len(),
            |id| Self::index_of(seen, id),
            |i, v| builder.set_vector(i, v).map_err(|e| e.to_string()),
            &mut self.problems,
        );
        if !missing.is_empty() {
            let names: Vec<String> = missing
                .iter()
                .take(10)
                .map(|&i| format!("{:?}", builder.id(i).unwrap_or("")))
                .collect();
            let more = if missing.len() > 10 {
                format!(" and {} more", missing.len() - 10)
            } else {
                String::new()
            };
            let file = self
                .options
                .vectors_file
                .as_deref()
                .map_or_else(String::new, |p| p.display().to_string());
            self.problems.0.push(Problem {
                at: At::File(file, 0, "id".into()),
                message: format!(
                    "{} item(s) of the feed have no vector: {}{more}",
                    missing.len(),
                    names.join(", ")
                ),
            });
        }
        if unknown > 0 {
            eprintln!(
                "flaneur: note: {unknown} vector(s) name items the feed does not have (ignored)"
            );
        }
    }

    /// Learns item factors (when `factors`) and the bought-with lists from the
    /// aggregate co-purchase counts.
    fn read_co_purchases(&mut self, path: &Path, factors: bool, builder: &mut CatalogBuilder) {
        let seen = &self.seen;
        let min = self.options.min_co_purchases;
        let index_of = |id: &str| Self::index_of(seen, id).map(|i| i as u32);
        let damping = self.options.co_purchase_damping;
        let Some(matrix) = copurchase::read(path, min, damping, index_of, &mut self.problems)
        else {
            return;
        };
        if matrix.items.is_empty() {
            self.problems.feed(format!(
                "{}: no pair of the feed's items was bought together at least {min} times \
                 (--min-co-purchases)",
                path.display()
            ));
            return;
        }
        self.apply_co_purchases(&matrix, &path.display().to_string(), factors, builder);
    }

    /// The bought-with lists from the baskets of the order log (no `--co-purchases`):
    /// they replace a JSON v1 feed's own unless no pair reaches `--min-co-purchases`.
    fn baskets_bought_with(&mut self, lines: &[orders::Line], builder: &mut CatalogBuilder) {
        let (min, damping) = (self.options.min_co_purchases, self.options.co_purchase_damping);
        let matrix = copurchase::normalize(copurchase::Counts::of_baskets(lines), min, damping);
        let source = format!(
            "{} (baskets: one user's lines with the same timestamp)",
            self.options.orders.as_deref().map_or_else(String::new, |p| p.display().to_string())
        );
        if matrix.items.is_empty() {
            eprintln!(
                "flaneur: note: {source}: no pair bought together at least {min} times \
                 (--min-co-purchases): no bought-with lists"
            );
            return;
        }
        self.apply_co_purchases(&matrix, &source, false, builder);
    }

    /// Sets the factors (when `factors`) and bought-with lists the counts of `source` give.
    fn apply_co_purchases(
        &mut self,
        matrix: &copurchase::CoPurchases,
        source: &str,
        factors: bool,
        builder: &mut CatalogBuilder,
    ) {
        let min = self.options.min_co_purchases;
        eprintln!(
            "flaneur: note: {}: {} lines, {} pairs bought together at least {min} times, \
             {} for {} of {} items{}",
            source,
            matrix.lines_read,
            matrix.pairs_kept,
            match (factors, self.options.bought_with > 0) {
                (true, true) => "factors and bought-with lists",
                (true, false) => "factors",
                _ => "bought-with lists",
            },
            matrix.items.len(),
            builder.len(),
            if matrix.unknown > 0 {
                format!(", {} line(s) name items the feed does not have", matrix.unknown)
            } else {
                String::new()
            },
        );
        if factors {
            for (&index, factor) in matrix.items.iter().zip(matrix.factors(self.dims)) {
                if let Err(e) = builder.set_vector(index as usize, &factor) {
                    self.problems.feed(e.to_string());
                }
            }
        }
        if self.options.bought_with > 0 {
            // The counts replace whatever lists a JSON v1 feed brought.
            for index in 0..builder.len() {
                let _ = builder.set_bought_with(index, &[]);
            }
            for (index, list) in matrix.neighbours(self.options.bought_with) {
                if let Err(e) = builder.set_bought_with(index as usize, &list) {
                    self.problems.feed(e.to_string());
                }
            }
        }
    }
}

/// Reads `item_id,count` lines (CSV or TSV, quoted ids allowed; a header line
/// is skipped); counts are log-scaled to `ln(1 + count) / ln(1 + max)`.
fn read_popularity(path: &Path, problems: &mut Problems) -> HashMap<String, f32> {
    let file = path.display().to_string();
    let mut found: Vec<Problem> = Vec::new();
    let mut problem = |line: u64, column: &str, message: String| {
        found.push(Problem { at: At::File(file.clone(), line, column.into()), message })
    };
    let mut counts: Vec<(String, f64)> = Vec::new();
    let read = delimited::records(path, |line, record| {
        let record = match record {
            Ok(r) => r,
            Err(e) => return problem(line, "(row)", e),
        };
        if record.len() != 2 {
            return problem(
                line,
                "(row)",
                format!("has {} fields, expected item_id,count", record.len()),
            );
        }
        let count = record[1].trim();
        match count.parse::<f64>() {
            Ok(c) if c.is_finite() && c >= 0.0 => counts.push((record[0].trim().to_string(), c)),
            _ if line == 1 => {} // a header
            _ => problem(line, "count", format!("{count:?} is not a count")),
        }
    });
    problems.0.extend(found);
    if let Err(e) = read {
        problems.feed(format!("{}: {e}", path.display()));
    }
    let max = counts.iter().map(|c| c.1).fold(0.0f64, f64::max);
    let denominator = (1.0 + max).ln();
    counts
        .into_iter()
        .map(|(id, c)| {
            (
                id,
                if denominator > 0.0 {
                    ((1.0 + c).ln() / denominator).clamp(0.0, 1.0) as f32
                } else {
                    0.0
                },
            )
        })
        .collect()
}
