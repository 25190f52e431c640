//! `flaneur`: the catalog compiler a shop runs on its side to publish a
//! catalog, and the aggregator of the shoppers' LDP reports (native only;
//! nothing here is part of the WebAssembly build).
//!
//! ```text
//! flaneur catalog build FEED -o catalog.bin [--facet COLUMN=FACET] [--divergence colour,material]
//!                       [--sensitive "Health=health"] [--popularity counts.csv] [--dims 64]
//!                       [--vectors embeddings.csv [--vector-kind factors]]
//!                       [--co-purchases pairs.csv [--bought-with 8]]
//!                       [--orders orders.csv [--min-buyers 20]] [--replenish "Grocery=7d,Pet=4w"]
//!                       [--sequence-model model.safetensors [--min-support 5]]
//!                       [--divergence-priors priors.json] [--report-departments Women,Men]
//! flaneur catalog validate FEED        # every problem of the feed, with line and column
//! flaneur catalog inspect catalog.bin  # counts, facets, vectors, size
//! flaneur ldp aggregate reports.jsonl [--json] [--priors priors.json]  # estimates per question
//!                                             # from LDP reports; divergence priors from them
//! flaneur model train events.csv -o model.safetensors [--seed 1] [--dims 64] [--negatives 256]
//! ```
//!
//! FEED is a Merchant Center CSV or TSV, a Shopify `products.json` or a
//! flaneur JSON v1 catalog (sniffed; `--format` forces one). See the
//! "Catalog compiler" section of docs/ARCHITECTURE.md and the feed mapping in
//! docs/FORMATS.md.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use flaneur::catalog::{Catalog, VectorKind};

use flaneur_compiler::compile::{self, Compiler, Options};
use flaneur_compiler::feeds::{self, Format};
use flaneur_compiler::problem::At;
use flaneur_compiler::repurchase::parse_replenish;
use flaneur_compiler::{generate, inspect, ldp, model, product_codes, sequence_model, shards};

#[derive(Parser)]
#[command(
    name = "flaneur",
    version,
    about = "flaneur's shop-side tools: catalog compiler, LDP report aggregator"
)]
struct Cli {
    #[command(subcommand)]
    command: Top,
}

#[derive(Subcommand)]
enum Top {
    /// Build, validate and inspect catalogs.
    #[command(subcommand)]
    Catalog(Box<CatalogCommand>),
    /// Estimate from local-differential-privacy reports.
    #[command(subcommand)]
    Ldp(LdpCommand),
    /// Train the sequence model (docs/FORMATS.md, "Sequence model v1").
    #[command(subcommand)]
    Model(ModelCommand),
}

#[derive(Subcommand)]
enum ModelCommand {
    /// Train on an event log (CSV `user,item,timestamp[,event]`) and write a safetensors model;
    /// each user's last event is held out for validation and early stopping.
    Train(Box<model::command::TrainArgs>),
}

#[derive(Subcommand)]
enum LdpCommand {
    /// Unbiased estimates per question, with 95% intervals, from reports (one JSON object per
    /// line).
    Aggregate {
        /// The reports: JSON Lines, blank lines skipped.
        reports: PathBuf,
        /// Print the estimates as a JSON array instead of a table.
        #[arg(long)]
        json: bool,
        /// Also write the crowd priors of divergence the estimates support, per axis (a
        /// "flaneur-divergence-priors" v1 file, docs/FORMATS.md).
        #[arg(long, value_name = "FILE")]
        priors: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Compile a feed into a binary v1 catalog.
    Build {
        #[command(flatten)]
        feed: FeedArgs,
        /// Where to write the catalog (with --shards, a directory).
        #[arg(short, long)]
        output: PathBuf,
        /// Cut the catalog into a core and one shard per department of DEPTH category levels,
        /// written into the --output directory beside manifest.json (docs/FORMATS.md).
        #[arg(long, value_name = "DEPTH", value_parser = clap::value_parser!(u32).range(1..=16))]
        shards: Option<u32>,
        /// With --shards: the items of the core, the most popular.
        #[arg(long, default_value_t = 1000, value_name = "N")]
        core_items: usize,
    },
    /// Check a feed and print every problem, with line and column.
    Validate {
        #[command(flatten)]
        feed: FeedArgs,
    },
    /// Cut a binary catalog into a sharded one: manifest.json, a core and one shard per
    /// department, written into the --output directory (docs/FORMATS.md).
    Split {
        /// A catalog written by `flaneur catalog build`.
        catalog: PathBuf,
        /// The directory to write.
        #[arg(short, long)]
        output: PathBuf,
        /// Category levels that make a department.
        #[arg(long, value_name = "DEPTH", value_parser = clap::value_parser!(u32).range(1..=16))]
        shards: u32,
        /// The items of the core, the most popular.
        #[arg(long, default_value_t = 1000, value_name = "N")]
        core_items: usize,
    },
    /// Patch a sharded catalog's earlier build into this one: writes into NEW a patch from each
    /// changed part of OLD and lists them in NEW's manifest.json (docs/FORMATS.md).
    Diff {
        /// The earlier build's directory (`catalog build --shards`).
        old: PathBuf,
        /// The new build's directory.
        new: PathBuf,
    },
    /// Print what a binary catalog holds.
    Inspect {
        /// A catalog written by `flaneur catalog build`, or a sharded one's directory or
        /// manifest.json (`--shards`): its parts checked and what a first visit costs.
        catalog: PathBuf,
    },
    /// Write a synthetic Merchant Center CSV feed (for benchmarks).
    #[command(hide = true)]
    Generate {
        /// Number of items.
        #[arg(long, default_value_t = 1_000_000)]
        items: usize,
        /// Write co-purchase counts over the first ITEMS items instead: this many pairs.
        #[arg(long)]
        co_purchases: Option<usize>,
        #[arg(short, long)]
        output: PathBuf,
    },
}

#[derive(Args)]
struct FeedArgs {
    /// Merchant Center CSV/TSV, Shopify products.json or flaneur JSON v1.
    feed: PathBuf,
    /// The feed's format (default: sniffed from its first bytes).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// The shop's identifier (default: JSON v1's `shop`, else the feed's file name).
    #[arg(long)]
    shop: Option<String>,
    /// Vector dimensions of computed vectors (0: no vectors).
    #[arg(long, default_value_t = 64, value_parser = parse_dims)]
    dims: usize,
    /// Map a feed column (or Shopify option) to a facet: COLUMN=FACET, repeatable.
    #[arg(long, value_parser = compile::parse_facet)]
    facet: Vec<(String, String)>,
    /// Facets divergence may step along (comma-separated facet names).
    #[arg(long, value_delimiter = ',')]
    divergence: Vec<String>,
    /// Category prefix → sensitive class: "Health=health", repeatable.
    #[arg(long, value_parser = compile::parse_sensitive)]
    sensitive: Vec<(Vec<String>, String)>,
    /// Aggregate popularity: an item_id,count CSV (log-scaled to 0..1).
    #[arg(long)]
    popularity: Option<PathBuf>,
    /// A column holding the shop's own vectors (numbers separated by spaces, commas or ';').
    #[arg(long)]
    vector_column: Option<String>,
    /// The shop's own vectors in a file: `id,x1,x2,…` per line (CSV or TSV).
    #[arg(long, value_name = "FILE")]
    vectors: Option<PathBuf>,
    /// What supplied vectors are: `content` embeddings or `factors` learned from aggregate
    /// interactions.
    #[arg(long, value_parser = parse_kind)]
    vector_kind: Option<VectorKind>,
    /// Aggregate co-purchase counts, `item_a,item_b,count` per line: item factors (with --dims
    /// above 0) and each item's bought-with list (--bought-with).
    #[arg(long, value_name = "FILE")]
    co_purchases: Option<PathBuf>,
    /// Items on each bought-with list from --co-purchases, strongest first (0: no lists, at
    /// most 8).
    #[arg(long, default_value_t = 8, value_name = "N")]
    bought_with: usize,
    /// Ignore pairs bought together fewer times than this (no one basket shapes the vectors or
    /// the bought-with lists).
    #[arg(long, default_value_t = 5.0)]
    min_co_purchases: f64,
    /// Divide each co-purchase count by (count_a · count_b)^B: 0 keeps raw counts, 0.5 is cosine.
    #[arg(long, default_value_t = 0.0, value_name = "B")]
    co_purchase_damping: f64,
    /// The shop's order log, `user,item,timestamp` after a header (timestamp in ms since the
    /// epoch or ISO 8601): each category's and item's repurchase prior (share of buyers who buy
    /// again, median days between two purchases), published only with --min-buyers buyers.
    /// Without --co-purchases, its baskets (a user's lines with one timestamp) also give the
    /// bought-with lists (not factors).
    #[arg(long, value_name = "FILE")]
    orders: Option<PathBuf>,
    /// Distinct buyers a category or item needs for its repurchase prior from --orders to be
    /// published (at least 2: no one shopper's pattern is).
    #[arg(long, default_value_t = 20, value_name = "N")]
    min_buyers: u32,
    /// Mark categories replenishable by hand, every N days or weeks: "Grocery=7d,Pet
    /// supplies=4w" (share 1; wins over --orders for that category), repeatable.
    #[arg(long, value_delimiter = ',', value_parser = parse_replenish, value_name = "PATH=Nd")]
    replenish: Vec<(String, f32)>,
    /// A sequence model v1 (safetensors, docs/FORMATS.md): packed into the catalog, its item
    /// embeddings becoming the vectors (kind `sequence`); items without a supported embedding
    /// get one mapped from their content vectors (ridge regression), else a zero vector.
    #[arg(long, value_name = "FILE")]
    sequence_model: Option<PathBuf>,
    /// Training occurrences (the model's `support` metadata) an item's learned embedding needs
    /// to be used; without `support`, every listed item counts as supported.
    #[arg(long, default_value_t = 5, value_name = "N")]
    min_support: u64,
    /// How the vectors are stored: `int8` (64 bytes an item at 64 dims, and a scale) or `pq`,
    /// product-quantized (32 bytes an item at 64 dims, NDCG@10 within 1% on MovieLens-1M:
    /// docs/EVALUATION.md); not with --sequence-model.
    #[arg(long, value_enum, default_value_t = VectorCodes::Int8)]
    vector_codes: VectorCodes,
    /// Currency when the feed gives none (Shopify exports carry none).
    #[arg(long)]
    currency: Option<String>,
    /// Prefix of Shopify product links (`{base}/products/{handle}`).
    #[arg(long, default_value = "")]
    base_url: String,
    /// The moment the catalog is built for (ms since the epoch or ISO 8601; default: now): a
    /// Merchant Center sale_price is the price while its sale_price_effective_date holds it.
    #[arg(long, value_parser = parse_at, value_name = "TIME")]
    at: Option<i64>,
    /// The crowd's priors of divergence take-up per axis, as `flaneur ldp aggregate --priors`
    /// writes them: new shoppers' devices start each axis's directions from them.
    #[arg(long, value_name = "FILE")]
    divergence_priors: Option<PathBuf>,
    /// Departments (top-level categories, comma-separated) whose divergence take-up the
    /// anonymous reports ask about apart, beside each axis's: finer crowd priors, fewer reports
    /// per question (docs/PRIVACY.md).
    #[arg(long, value_delimiter = ',', value_name = "DEPARTMENTS")]
    report_departments: Vec<String>,
}

/// `--at`: ms since the epoch or an ISO 8601 date or time.
fn parse_at(arg: &str) -> Result<i64, String> {
    flaneur_compiler::orders::parse_timestamp(arg)
        .ok_or_else(|| format!("{arg:?} is neither ms since the epoch nor an ISO 8601 time"))
}

/// `--vector-codes`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum VectorCodes {
    /// One int8 code per dimension and a scale per item.
    Int8,
    /// Product quantization: a byte per two dimensions, decoded by a shared codebook.
    Pq,
}

/// `--vector-kind`: `content` or `factors`.
fn parse_kind(arg: &str) -> Result<VectorKind, String> {
    match arg {
        "content" => Ok(VectorKind::Content),
        "factors" => Ok(VectorKind::Factors),
        _ => Err(format!("{arg:?} is not content or factors")),
    }
}

/// `--dims`: 0 to 1024, the catalog format's limit.
fn parse_dims(arg: &str) -> Result<usize, String> {
    match arg.parse::<usize>() {
        Ok(d) if d <= 1024 => Ok(d),
        _ => Err(format!("{arg:?} is not a number of dimensions from 0 to 1024")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = match cli.command {
        Top::Catalog(command) => *command,
        Top::Ldp(LdpCommand::Aggregate { reports, json, priors }) => {
            return ldp::aggregate(&reports, json, priors.as_deref());
        }
        Top::Model(ModelCommand::Train(args)) => return model::command::run(&args),
    };
    match command {
        CatalogCommand::Build { feed, output, shards, core_items } => {
            let split = shards.map(|depth| (depth, core_items));
            build(&feed, Some(&output), split)
        }
        CatalogCommand::Validate { feed } => build(&feed, None, None),
        CatalogCommand::Split { catalog, output, shards: depth, core_items } => {
            let read = std::fs::read(&catalog).map_err(|e| e.to_string());
            let whole = read.and_then(|b| Catalog::from_binary(&b).map_err(|e| e.to_string()));
            let written = whole.and_then(|c| shards::write(&c, &output, depth, core_items));
            match written {
                Ok(w) => {
                    let m = &w.manifest;
                    println!(
                        "{}: a core of {} items ({} bytes) and {} shards at depth {depth}",
                        output.display(),
                        m.core.items,
                        m.core.bytes,
                        m.shards.len()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("flaneur: {}: {e}", catalog.display());
                    ExitCode::from(1)
                }
            }
        }
        CatalogCommand::Diff { old, new } => match shards::diff(&old, &new) {
            Ok(p) => {
                println!(
                    "{}: {} patches ({} bytes gzipped), {} parts changed too much to patch, {} \
                     unchanged",
                    new.display(),
                    p.patches,
                    p.patch_gzip_bytes,
                    p.whole,
                    p.unchanged
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("flaneur: {e}");
                ExitCode::from(2)
            }
        },
        CatalogCommand::Inspect { catalog } => {
            let manifest = catalog.is_dir() || catalog.extension().is_some_and(|x| x == "json");
            if manifest { inspect::run_manifest(&catalog) } else { inspect::run(&catalog) }
        }
        CatalogCommand::Generate { items, co_purchases, output } => match match co_purchases {
            Some(pairs) => generate::write_co_purchases(&output, items, pairs),
            None => generate::write_feed(&output, items),
        } {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("flaneur: {}: {e}", output.display());
                ExitCode::from(2)
            }
        },
    }
}

/// Compiles the feed; writes the catalog when `output` is given.
/// Compiles the feed; writes the catalog to `output` (cut into parts at
/// `split`'s depth with its core items, if given), or only checks it.
fn build(args: &FeedArgs, output: Option<&Path>, split: Option<(u32, usize)>) -> ExitCode {
    let started = Instant::now();
    let options = Options {
        shop: args.shop.clone(),
        dims: args.dims,
        facets: args.facet.clone(),
        divergence: args
            .divergence
            .iter()
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .collect(),
        sensitive: args.sensitive.clone(),
        popularity: args.popularity.clone(),
        vector_column: args.vector_column.clone(),
        currency: args.currency.clone(),
        base_url: args.base_url.trim_end_matches('/').to_string(),
        vectors_file: args.vectors.clone(),
        vector_kind: args.vector_kind,
        co_purchases: args.co_purchases.clone(),
        bought_with: args.bought_with,
        min_co_purchases: args.min_co_purchases,
        co_purchase_damping: args.co_purchase_damping,
        orders: args.orders.clone(),
        replenish: args.replenish.clone(),
        min_buyers: args.min_buyers,
        divergence_priors: args.divergence_priors.clone(),
        report_departments: args
            .report_departments
            .iter()
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .collect(),
        at: args.at.unwrap_or_else(|| {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
            now.map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        }),
    };
    let path = &args.feed;
    let format = match args.format.map_or_else(|| feeds::sniff(path), Ok) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("flaneur: {}: {e}", path.display());
            return ExitCode::from(2);
        }
    };
    let mut compiler = Compiler::new(options);
    let read = match format {
        Format::Csv => feeds::read_merchant(path, false, &mut compiler),
        Format::Tsv => feeds::read_merchant(path, true, &mut compiler),
        Format::Shopify => feeds::read_shopify(path, &mut compiler),
        Format::Json => feeds::read_json(path, &mut compiler),
    };
    if let Err(e) = read {
        eprintln!("flaneur: {}: {e}", path.display());
        return ExitCode::from(2);
    }
    let mut catalog = match compiler.finish() {
        Ok(c) => c,
        Err(problems) => {
            for p in &problems.0 {
                match p.at {
                    At::File(..) | At::Row(..) => println!("{p}"),
                    _ => println!("{}: {p}", path.display()),
                }
            }
            eprintln!("flaneur: {} problem(s) in {}", problems.0.len(), path.display());
            return ExitCode::from(1);
        }
    };
    let mut model_summary = None;
    if let Some(model_path) = &args.sequence_model {
        let packed = sequence_model::read(model_path)
            .and_then(|file| sequence_model::attach(&mut catalog, file, args.min_support));
        match packed {
            Ok(p) => model_summary = Some(p),
            Err(e) => {
                println!("{}: {e}", model_path.display());
                eprintln!("flaneur: 1 problem(s) in {}", model_path.display());
                return ExitCode::from(1);
            }
        }
    }
    if let (Some(p), Some(m)) = (model_summary, catalog.sequence_model()) {
        println!(
            "sequence model: d {}, {} heads, {} blocks, window {}: {} items learned, {} fallback \
             (mapped from their vectors), {} zero; {} model items not in the feed, {} below \
             --min-support {}",
            m.dims(),
            m.heads(),
            m.blocks().len(),
            m.max_len(),
            p.learned,
            p.fallback,
            p.zero,
            p.not_in_catalog,
            p.below_support,
            args.min_support
        );
    }
    if args.vector_codes == VectorCodes::Pq {
        match product_codes::compact(&mut catalog, product_codes::SEED) {
            Ok(c) => println!(
                "vector codes: product-quantized, {} sub-spaces of 256 centroids, relative \
                 error {:.4}",
                c.subspaces, c.relative_error
            ),
            Err(e) => {
                println!("{}: {e}", path.display());
                eprintln!("flaneur: 1 problem(s) in {}", path.display());
                return ExitCode::from(1);
            }
        }
    }
    if let (Some(dir), Some((depth, core_items))) = (output, split) {
        return match shards::write(&catalog, dir, depth, core_items) {
            Ok(written) => {
                let m = &written.manifest;
                let bytes: u64 = m.shards.iter().map(|s| s.bytes).sum();
                println!(
                    "{}: {} items in a core of {} ({} bytes) and {} shards at depth {depth} \
                     ({bytes} bytes), manifest {} bytes, in {:.2} s, peak memory {}",
                    dir.display(),
                    catalog.len(),
                    m.core.items,
                    m.core.bytes,
                    m.shards.len(),
                    written.manifest_bytes,
                    started.elapsed().as_secs_f64(),
                    peak_memory().unwrap_or_else(|| "unknown".into()),
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("flaneur: {e}");
                ExitCode::from(2)
            }
        };
    }
    let bytes = catalog.to_binary();
    if let Some(output) = output {
        if let Err(e) = std::fs::write(output, &bytes) {
            eprintln!("flaneur: {}: {e}", output.display());
            return ExitCode::from(2);
        }
        println!(
            "{}: {} items ({:?}), {} facets, {} dims, {} bytes in {:.2} s, peak memory {}",
            output.display(),
            catalog.len(),
            format,
            catalog.facets().len(),
            catalog.vectors().dims(),
            bytes.len(),
            started.elapsed().as_secs_f64(),
            peak_memory().unwrap_or_else(|| "unknown".into()),
        );
    } else {
        println!("{}: ok, {} items ({:?}), no problems", path.display(), catalog.len(), format);
    }
    ExitCode::SUCCESS
}

/// The process's peak resident memory (VmHWM), where /proc offers it.
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(format!("{:.1} MB", kb as f64 / 1024.0))
}
