//! The shop's side files (embeddings, co-purchase counts): CSV or TSV,
//! told apart by their first line, read record by record.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::physical_lines::{Counted, Lines};

/// A csv reader over a file, and the lines of what it reads.
pub type FileReader = csv::Reader<Counted<BufReader<File>>>;

/// A CSV or TSV reader over `path`: TSV when the first line has more tabs than
/// commas. Records may have different lengths (the caller checks them), and
/// no line is taken for a header (the caller skips one it cannot parse).
/// [`Lines`] gives a record's line in the file.
pub fn open(path: &Path) -> std::io::Result<(FileReader, Lines)> {
    let mut head = Vec::new();
    File::open(path)?.take(64 * 1024).read_to_end(&mut head)?;
    let first = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let tsv = first.iter().filter(|&&b| b == b'\t').count()
        > first.iter().filter(|&&b| b == b',').count();
    let (file, lines) = Counted::new(BufReader::with_capacity(1 << 20, File::open(path)?));
    let reader = csv::ReaderBuilder::new()
        .delimiter(if tsv { b'\t' } else { b',' })
        .quoting(!tsv)
        .has_headers(false)
        .flexible(true)
        .from_reader(file);
    Ok((reader, lines))
}

/// Reads every record of `path` that is not blank, handing `each` its 1-based
/// line and the record, or the reason a record could not be read (then reading
/// goes on). `Err` when the file cannot be opened or read (an I/O error ends
/// the reading); its message does not repeat the path.
pub fn records(
    path: &Path,
    mut each: impl FnMut(u64, Result<&csv::StringRecord, String>),
) -> Result<(), String> {
    let (mut reader, lines) = open(path).map_err(|e| e.to_string())?;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => {
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return Err(e.to_string());
                }
                each(lines.of(e.position()), Err(e.to_string()));
                continue;
            }
        }
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        each(lines.of(record.position()), Ok(&record));
    }
}
