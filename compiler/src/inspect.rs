//! `flaneur catalog inspect`: what a binary catalog holds.

use std::path::Path;
use std::process::ExitCode;

use crate::gzip::gzipped;
use flaneur::catalog::{Catalog, Repurchase, VectorKind};

/// `flaneur catalog inspect`: prints what the binary catalog at `path` holds.
pub fn run(path: &Path) -> ExitCode {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("flaneur: {}: {e}", path.display());
            return ExitCode::from(2);
        }
    };
    let catalog = match Catalog::from_binary(&bytes) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("flaneur: {}: {e}", path.display());
            return ExitCode::from(1);
        }
    };
    print!("{}", report(&catalog, bytes.len()));
    ExitCode::SUCCESS
}

/// The inspection report.
fn report(c: &Catalog, size: usize) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let n = c.len();
    let available = c.iter().filter(|i| i.available()).count();
    let priced = c.iter().filter(|i| i.price().is_some()).count();
    let sensitive = c.iter().filter(|i| i.sensitive().is_some()).count();
    let popular = c.iter().filter(|i| i.popularity() > 0.0).count();
    let _ = writeln!(out, "shop: {}", c.shop());
    let _ = writeln!(out, "size: {size} bytes (binary v1)");
    let _ = writeln!(
        out,
        "items: {n} ({available} available, {priced} priced, {sensitive} sensitive, \
         {popular} with popularity)"
    );
    let _ = writeln!(out, "categories: {}", c.taxonomy().len());
    let _ =
        writeln!(out, "facets: {} ({} distinct values)", c.facets().len(), c.facet_value_count());
    let mut cardinality = vec![0usize; c.facets().len()];
    for id in 0..c.facet_value_count() {
        let (facet, _) = c.facet_value(id as u32);
        if let Some(slot) = cardinality.get_mut(facet as usize) {
            *slot += 1;
        }
    }
    for (f, count) in c.facets().iter().zip(&cardinality) {
        let divergence = if f.divergence { ", divergence" } else { "" };
        let _ = writeln!(out, "  {}: {count} values{divergence}", f.name);
    }
    let listing = (0..n).filter(|&i| !c.bought_with(i).is_empty()).count();
    let neighbours: usize = (0..n).map(|i| c.bought_with(i).len()).sum();
    if listing == 0 {
        let _ = writeln!(out, "bought with: none");
    } else {
        let _ = writeln!(out, "bought with: {listing} items list {neighbours} neighbours");
    }
    repurchase(c, &mut out);
    let v = c.vectors();
    if v.dims() == 0 {
        let _ = writeln!(out, "vectors: none");
    } else {
        let norms: Vec<f64> = (0..v.len()).map(|i| v.norm(i) as f64).collect();
        let mean = norms.iter().sum::<f64>() / norms.len().max(1) as f64;
        let min = norms.iter().copied().fold(f64::INFINITY, f64::min);
        let max = norms.iter().copied().fold(0.0, f64::max);
        let zero = norms.iter().filter(|&&x| x == 0.0).count();
        let kind = match c.vector_kind() {
            VectorKind::Content => "content",
            VectorKind::Factors => "factors",
            VectorKind::Sequence => "sequence-model item embeddings",
        };
        let codes = match v.codebook() {
            Some(book) => format!(
                "product codes, {} bytes per item and {} of centroids ({} bytes)",
                book.subspaces(),
                book.centroids().len(),
                v.len() * book.subspaces() + book.centroids().len()
            ),
            None => {
                format!("int8 with one f32 scale per item ({} bytes)", v.len() * (v.dims() + 4))
            }
        };
        let _ = writeln!(out, "vectors: {} x {} dims, {kind}, {codes}", v.len(), v.dims());
        let _ = writeln!(
            out,
            "  norm: mean {mean:.4}, min {min:.4}, max {max:.4}, {zero} zero vectors"
        );
    }
    if let Some(m) = c.sequence_model() {
        let s = m.shape();
        let _ = writeln!(
            out,
            "sequence model: d {}, {} heads, {} blocks, window {}, ffn {}, {} event embedding \
             ({} f16 values)",
            s.dims,
            s.heads,
            s.blocks,
            s.max_len,
            s.ffn,
            if s.events { "with" } else { "no" },
            s.value_count()
        );
    }
    out
}

/// How many priors of each kind the report shows.
const EXAMPLES: usize = 3;

/// The repurchase priors: counts, then a few of each kind, most buyers first.
fn repurchase(c: &Catalog, out: &mut String) {
    use std::fmt::Write;
    let (categories, items) = (c.repurchase_categories(), c.repurchase_items());
    if !c.has_repurchase() {
        let _ = writeln!(out, "repurchase: none");
        return;
    }
    let replenishable = categories.iter().chain(items).filter(|p| p.1.is_replenishable()).count();
    let by_hand = categories.iter().filter(|p| p.1.buyers == 0).count();
    let covered = (0..c.len()).filter(|&i| c.repurchase(i).is_some()).count();
    let _ = writeln!(
        out,
        "repurchase: {} categories ({by_hand} marked by hand) and {} items with a prior of their \
         own, {replenishable} replenishable; {covered} of {} items have one (own or inherited)",
        categories.len(),
        items.len(),
        c.len()
    );
    let line = |name: &str, p: &Repurchase| {
        let from =
            if p.buyers == 0 { "by hand".to_string() } else { format!("{} buyers", p.buyers) };
        format!("  {name}: share {:.2}, every {:.1} days, {from}\n", p.share, p.interval_days)
    };
    let mut shown: Vec<&(u32, Repurchase)> = categories.iter().collect();
    shown.sort_by_key(|p| std::cmp::Reverse(p.1.buyers));
    for (node, prior) in shown.into_iter().take(EXAMPLES) {
        out.push_str(&line(c.taxonomy().path(*node), prior));
    }
    let mut shown: Vec<&(u32, Repurchase)> = items.iter().collect();
    shown.sort_by_key(|p| std::cmp::Reverse(p.1.buyers));
    for (index, prior) in shown.into_iter().take(EXAMPLES) {
        out.push_str(&line(&format!("item {}", c.item(*index as usize).id()), prior));
    }
}

/// `flaneur catalog inspect DIR` (or `DIR/manifest.json`): a sharded
/// catalog's parts, each checked against its manifest, and what a first
/// visit costs on the wire: the manifest, the core and one shard, gzipped.
pub fn run_manifest(path: &Path) -> ExitCode {
    use flaneur::catalog::{Catalog, Manifest};
    let (dir, file) = if path.is_dir() {
        (path.to_path_buf(), path.join(crate::shards::MANIFEST_FILE))
    } else {
        (path.parent().unwrap_or(Path::new(".")).to_path_buf(), path.to_path_buf())
    };
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("flaneur: {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let manifest = match Manifest::from_json_str(&text) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("flaneur: {}: {e}", file.display());
            return ExitCode::from(1);
        }
    };
    let mut sizes = Vec::with_capacity(1 + manifest.shards.len());
    let mut opened_parts = Vec::with_capacity(1 + manifest.shards.len());
    let mut shelf = 0;
    for part in std::iter::once(&manifest.core).chain(&manifest.shards) {
        let path = dir.join(&part.file);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("flaneur: {}: {e}", path.display());
                return ExitCode::from(2);
            }
        };
        let mut opened = match manifest.open_part(&part.file, &bytes) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("flaneur: {}: {e}", path.display());
                return ExitCode::from(1);
            }
        };
        sizes.push((bytes.len(), gzipped(&bytes)));
        // Held as a page holds it: its titles and links out.
        shelf += opened.take_shelf_text().text.len();
        opened_parts.push(opened);
    }
    // Every part joined as a page joins them: the core, then each shard in place.
    let catalog = match Catalog::from_parts(&opened_parts) {
        Ok(catalog) => catalog,
        Err(e) => {
            eprintln!("flaneur: {}: {e}", file.display());
            return ExitCode::from(1);
        }
    };
    drop(opened_parts);
    print!("{}", manifest_report(&manifest, text.len(), gzipped(text.as_bytes()), &sizes));
    {
        let f = catalog.footprint();
        println!(
            "in a page's memory, every part joined: {} bytes (strings {}, columns {}, vectors {}, \
             indexes {}, other {}); {shelf} bytes of titles and links kept outside it",
            f.total(),
            f.strings,
            f.columns,
            f.vectors,
            f.indexes,
            f.other
        );
    }
    ExitCode::SUCCESS
}

/// The report of a sharded catalog: `sizes` holds each part's bytes and
/// gzipped bytes, the core's first.
fn manifest_report(
    m: &flaneur::catalog::Manifest,
    manifest_bytes: usize,
    manifest_gzip: usize,
    sizes: &[(usize, usize)],
) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let (core, shards) = sizes.split_first().unwrap_or((&(0, 0), &[]));
    let items: u64 = m.shards.iter().map(|s| u64::from(s.items)).sum();
    let _ = writeln!(out, "shop: {} (build {}, departments at depth {})", m.shop, m.build, m.depth);
    let _ = writeln!(out, "manifest: {manifest_bytes} bytes, {manifest_gzip} gzipped");
    let _ = writeln!(
        out,
        "core: {} items, {} bytes, {} gzipped ({})",
        m.core.items, core.0, core.1, m.core.file
    );
    let mut gz: Vec<usize> = shards.iter().map(|s| s.1).collect();
    gz.sort_unstable();
    let total: usize = shards.iter().map(|s| s.0).sum();
    let total_gz: usize = gz.iter().sum();
    let _ = writeln!(
        out,
        "shards: {} with {items} items, {total} bytes, {total_gz} gzipped \
         (gzipped: smallest {}, median {}, largest {})",
        m.shards.len(),
        gz.first().unwrap_or(&0),
        gz.get(gz.len() / 2).unwrap_or(&0),
        gz.last().unwrap_or(&0)
    );
    for (shard, (bytes, gzip)) in m.shards.iter().zip(shards) {
        let department = shard.department.as_deref().unwrap_or_default();
        let _ =
            writeln!(out, "  {department}: {} items, {bytes} bytes, {gzip} gzipped", shard.items);
    }
    let first = manifest_gzip + core.1 + gz.last().unwrap_or(&0);
    let _ = writeln!(
        out,
        "first visit, one department page then home: {first} bytes gzipped \
         (manifest, core and the largest shard; the .wasm and the page's scripts come on top)"
    );
    out
}
