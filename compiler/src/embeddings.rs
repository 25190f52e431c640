//! The shop's own item embeddings, from a file beside the feed
//! (`--vectors FILE`): one line per item, `id,x1,x2,…` (CSV),
//! `id<TAB>x1<TAB>…` (TSV) or `id,"x1 x2 …"` (one field of numbers separated by
//! spaces, commas or `;`), a header line allowed; or Apache Parquet, as a
//! distributed trainer writes it (`parquet_vectors.rs`). The first vector fixes
//! the dimensions; the file is streamed after the feed, each vector going
//! straight into the catalog, so the embeddings are never all held as `f32`.

use std::path::{Path, PathBuf};

use crate::delimited;
use crate::parquet_vectors;
use crate::problem::{At, Problem, Problems};
use crate::vector_text::parse_vector;

/// An embeddings file and the length of its vectors.
pub struct Embeddings {
    path: PathBuf,
    /// Dimensions of every vector (those of the first one).
    pub dims: usize,
    /// Whether the file is Parquet (else CSV or TSV).
    parquet: bool,
}

/// The vector of one record: every field after the id.
fn vector_of(record: &csv::StringRecord) -> Result<Vec<f32>, String> {
    match record.len() {
        0 | 1 => Err("has no vector after the id".into()),
        2 => parse_vector(&record[1]),
        _ => record.iter().skip(1).map(|f| parse_vector(f).and_then(|v| one(&v, f))).collect(),
    }
}

fn one(v: &[f32], field: &str) -> Result<f32, String> {
    match v {
        [x] => Ok(*x),
        _ => Err(format!("{field:?} is not a number")),
    }
}

impl Embeddings {
    /// Opens the file and reads the length of its first vector.
    pub fn open(path: &Path) -> Result<Self, String> {
        if parquet_vectors::is_parquet(path) {
            return Self::open_parquet(path);
        }
        let (mut reader, lines) =
            delimited::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => return Err(format!("{}: no vectors", path.display())),
                Ok(true) => {}
                Err(e) => return Err(format!("{}: {e}", path.display())),
            }
            let line = lines.of(record.position());
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            match vector_of(&record) {
                Ok(v) if !v.is_empty() => {
                    return Ok(Self { path: path.to_path_buf(), dims: v.len(), parquet: false });
                }
                _ if line == 1 => continue, // a header
                Ok(_) => {
                    return Err(format!("{}: line {line}: the vector is empty", path.display()));
                }
                Err(e) => {
                    return Err(format!("{}: line {line}, column vector: {e}", path.display()));
                }
            }
        }
    }

    /// [`Self::open`] for a Parquet file: the length of its first readable vector.
    fn open_parquet(path: &Path) -> Result<Self, String> {
        let mut first = Err("no vectors".to_string());
        let read = parquet_vectors::rows(path, |row, read| {
            first = match read {
                Ok((_, v)) if v.is_empty() => Err(format!("row {row}: the vector is empty")),
                Ok((_, v)) => Ok(v.len()),
                Err((column, e)) => Err(format!("row {row}, column {column}: {e}")),
            };
            false
        });
        let dims = read.and(first).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Self { path: path.to_path_buf(), dims, parquet: true })
    }

    /// Streams the file, handing each vector of a feed item to `set(index, vector)`.
    /// Lines naming items the feed lacks are counted, not refused (the file may
    /// cover more of the shop than this feed); items left without a vector,
    /// malformed lines and repeated ids are problems. Returns the number of
    /// lines naming unknown ids and the items left without a vector.
    pub fn attach(
        &self,
        items: usize,
        index_of: impl Fn(&str) -> Option<usize>,
        mut set: impl FnMut(usize, &[f32]) -> Result<(), String>,
        problems: &mut Problems,
    ) -> (usize, Vec<usize>) {
        let file = self.path.display().to_string();
        let parquet = self.parquet;
        let mut problem = |line: u64, column: &str, message: String| {
            let at = if parquet { At::Row } else { At::File };
            problems.0.push(Problem { at: at(file.clone(), line, column.into()), message })
        };
        let mut given: Vec<u32> = vec![0; items]; // the line of each item's vector, 0: none yet
        let mut unknown = 0;
        let unit = if parquet { "row" } else { "line" };
        // One vector of an item of the feed, or what is wrong with it.
        let mut each = |line: u64, id: &str, vector: Vec<f32>| -> Result<(), (&str, String)> {
            let Some(index) = index_of(id) else {
                unknown += 1;
                return Ok(());
            };
            if vector.len() != self.dims {
                let message =
                    format!("has {} values, the first vector has {}", vector.len(), self.dims);
                return Err(("vector", message));
            }
            if given[index] != 0 {
                let message = format!("{id:?} already has a vector ({unit} {})", given[index]);
                return Err(("id", message));
            }
            given[index] = line.min(u32::MAX as u64) as u32;
            set(index, &vector).map_err(|e| ("vector", e))
        };
        let read = if self.parquet {
            parquet_vectors::rows(&self.path, |row, read| {
                if let Err((column, e)) = read.and_then(|(id, v)| each(row, id.trim(), v)) {
                    problem(row, column, e);
                }
                true
            })
        } else {
            delimited::records(&self.path, |line, record| {
                let record = match record {
                    Ok(r) => r,
                    Err(e) => return problem(line, "(row)", e),
                };
                let read = match vector_of(record) {
                    Ok(vector) => each(line, record[0].trim(), vector),
                    Err(_) if line == 1 => Ok(()), // the header
                    Err(e) => Err(("vector", e)),
                };
                if let Err((column, e)) = read {
                    problem(line, column, e);
                }
            })
        };
        if let Err(e) = read {
            problem(0, "(file)", e);
            return (unknown, Vec::new());
        }
        (unknown, (0..items).filter(|&i| given[i] == 0).collect())
    }
}
