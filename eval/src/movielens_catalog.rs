//! The movies as a shop would publish them: a Merchant Center CSV feed in
//! the shop's default order, its best-sellers first (title, `Movies > <first
//! genre>` as the category, the decade and one facet per genre), the
//! aggregate popularity counts and, for the learned variant, the aggregate co-purchase
//! counts of the training split (how many users rated both movies, how many
//! rated each: counts only, no user id), both compiled by the shop-side
//! `flaneur catalog build` exactly as a shop would run it.

use std::path::{Path, PathBuf};
use std::process::Command;

use flaneur::catalog::Catalog;

use super::movielens_data::Dataset;

/// Where the compiler binary is: beside this one (`cargo build --release --bins`).
pub fn compiler() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let path = exe.with_file_name(format!("flaneur{}", std::env::consts::EXE_SUFFIX));
    if path.exists() {
        Ok(path)
    } else {
        Err(format!("{} is missing: build it with `cargo build --release --bins`", path.display()))
    }
}

/// A facet name for a genre: lower-case letters and digits (`Children's` → `childrens`).
fn facet(genre: &str) -> String {
    genre.to_lowercase().chars().filter(char::is_ascii_alphanumeric).collect()
}

/// The shop's default order: most rated in training first, ties by id.
fn shop_order(popularity: &[u32]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..popularity.len()).collect();
    order.sort_by(|&a, &b| popularity[b].cmp(&popularity[a]).then(a.cmp(&b)));
    order
}

/// Writes the feed and the popularity counts; returns the `--facet` options that declare its
/// facets.
fn write_feed(
    data: &Dataset,
    popularity: &[u32],
    path: &Path,
    counts: &Path,
) -> Result<Vec<String>, String> {
    let mut c = csv::Writer::from_path(counts).map_err(|e| format!("{}: {e}", counts.display()))?;
    c.write_record(["item_id", "count"]).map_err(|e| e.to_string())?;
    for (m, n) in data.movies.iter().zip(popularity) {
        c.write_record([m.id.as_str(), &n.to_string()]).map_err(|e| e.to_string())?;
    }
    c.flush().map_err(|e| e.to_string())?;
    let mut w = csv::Writer::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut header = vec!["id".to_string(), "title".into(), "product_type".into(), "decade".into()];
    header.extend(data.genres.iter().map(|g| format!("genre_{}", facet(g))));
    w.write_record(&header).map_err(|e| e.to_string())?;
    for m in shop_order(popularity).into_iter().map(|i| &data.movies[i]) {
        let first = m.genres.first().map_or("Unknown", |&g| data.genres[g as usize].as_str());
        let mut row = vec![
            m.id.clone(),
            m.title.clone(),
            format!("Movies > {first}"),
            m.year.map_or(String::new(), |y| format!("{}s", y / 10 * 10)),
        ];
        row.extend(
            (0..data.genres.len())
                .map(|g| if m.genres.contains(&(g as u8)) { "yes".into() } else { String::new() }),
        );
        w.write_record(&row).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())?;
    let mut options = vec!["--facet".to_string(), "decade".into()];
    for g in &data.genres {
        options.push("--facet".into());
        options.push(format!("genre_{0}={0}", facet(g)));
    }
    Ok(options)
}

/// Writes `item_a,item_b,count` for every pair of movies rated by the same
/// users in the training split, and `item,item,count` for each movie's raters.
pub fn write_co_purchases(data: &Dataset, path: &Path) -> Result<usize, String> {
    let n = data.movies.len();
    let counts = super::movielens_data::co_ratings(data);
    let mut w = csv::Writer::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = 0;
    w.write_record(["item_a", "item_b", "count"]).map_err(|e| e.to_string())?;
    for i in 0..n {
        let a = data.movies[i].id.as_str();
        let own = counts[i * n + i];
        if own > 0 {
            w.write_record([a, a, &own.to_string()]).map_err(|e| e.to_string())?;
            lines += 1;
        }
        for j in i + 1..n {
            let c = counts[i * n + j];
            if c > 0 {
                w.write_record([a, data.movies[j].id.as_str(), &c.to_string()])
                    .map_err(|e| e.to_string())?;
                lines += 1;
            }
        }
    }
    w.flush().map_err(|e| e.to_string())?;
    Ok(lines)
}

/// Compiles the movies into a catalog under `dir`: content vectors when
/// `co_purchases` is `None`, else item factors learned from that counts file
/// (`damping`: the compiler's `--co-purchase-damping`, 0 its default).
pub fn build(
    data: &Dataset,
    popularity: &[u32],
    dir: &Path,
    co_purchases: Option<&Path>,
    dims: usize,
    damping: f64,
) -> Result<Catalog, String> {
    let (mut command, out) = command(data, popularity, dir, co_purchases, dims, damping)?;
    build_with(&mut command, &out)
}

/// The `flaneur catalog build` command [`build`] runs, and the catalog file it writes.
pub fn command(
    data: &Dataset,
    popularity: &[u32],
    dir: &Path,
    co_purchases: Option<&Path>,
    dims: usize,
    damping: f64,
) -> Result<(Command, PathBuf), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let feed = dir.join("movies.csv");
    let counts = dir.join("popularity.csv");
    let facets = write_feed(data, popularity, &feed, &counts)?;
    let name = if co_purchases.is_some() { "catalog-factors.bin" } else { "catalog-content.bin" };
    let out = dir.join(name);
    let mut command = Command::new(compiler()?);
    command.args(["catalog", "build"]).arg(&feed).arg("-o").arg(&out).args(["--shop", &data.name]);
    command
        .args(facets)
        .args(["--divergence", "decade", "--dims", &dims.to_string()])
        .arg("--popularity")
        .arg(&counts);
    if let Some(counts) = co_purchases {
        command.arg("--co-purchases").arg(counts);
        if damping != 0.0 {
            command.args(["--co-purchase-damping", &damping.to_string()]);
        }
    }
    Ok((command, out))
}

/// Runs a `flaneur catalog build` `command` that writes `out`, and loads the catalog it wrote.
pub fn build_with(command: &mut Command, out: &Path) -> Result<Catalog, String> {
    let output = command.output().map_err(|e| format!("flaneur catalog build: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "flaneur catalog build failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let bytes = std::fs::read(out).map_err(|e| format!("{}: {e}", out.display()))?;
    Catalog::from_binary(&bytes).map_err(|e| format!("{}: {e}", out.display()))
}
