//! Item vectors in Apache Parquet (`--vectors FILE.parquet`), as a
//! distributed trainer writes them: Spark's `ALSModel.itemFactors` (`id`,
//! `features: array<float>`), pandas, polars. An `id` column (its name
//! `id`, else the first column; integers or text) and either a list column of
//! numbers (the first one) or one number column per dimension, in the
//! schema's order. Read row group by row group: the vectors are never all
//! held as `f32`.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::{Field, Row};

/// Whether `path` is a Parquet file (it starts with `PAR1`).
pub fn is_parquet(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    File::open(path).and_then(|mut f| f.read_exact(&mut magic)).is_ok() && &magic == b"PAR1"
}

/// Where the id and the vector are in the file's rows.
struct Layout {
    id: usize,
    /// The list column, or the number columns one per dimension.
    vector: Vector,
}

enum Vector {
    List(usize),
    Columns(Vec<usize>),
}

/// A row's number, as an `f32`; `None` for anything else.
fn number(field: &Field) -> Option<f32> {
    match field {
        Field::Float(x) => Some(*x),
        Field::Double(x) => Some(*x as f32),
        Field::Float16(x) => Some(x.to_f32()),
        Field::Int(x) => Some(*x as f32),
        Field::Long(x) => Some(*x as f32),
        Field::Short(x) => Some(f32::from(*x)),
        Field::Byte(x) => Some(f32::from(*x)),
        _ => None,
    }
}

/// A row's id as text.
fn id_of(field: &Field) -> Option<String> {
    match field {
        Field::Str(s) => Some(s.clone()),
        Field::Int(x) => Some(x.to_string()),
        Field::Long(x) => Some(x.to_string()),
        Field::UInt(x) => Some(x.to_string()),
        Field::ULong(x) => Some(x.to_string()),
        Field::Short(x) => Some(x.to_string()),
        Field::Bytes(b) => std::str::from_utf8(b.data()).ok().map(str::to_string),
        _ => None,
    }
}

impl Layout {
    /// The layout of the file's columns, from its schema.
    fn of(reader: &SerializedFileReader<File>) -> Result<Self, String> {
        let schema = reader.metadata().file_metadata().schema_descr_ptr();
        let fields = schema.root_schema().get_fields();
        let names: Vec<String> = fields.iter().map(|f| f.name().to_ascii_lowercase()).collect();
        let id = names.iter().position(|n| n == "id").unwrap_or(0);
        let list = (0..fields.len()).find(|&i| i != id && fields[i].is_group());
        let vector = match list {
            Some(i) => Vector::List(i),
            None => Vector::Columns(
                (0..fields.len()).filter(|&i| i != id && fields[i].is_primitive()).collect(),
            ),
        };
        if fields.len() < 2 || matches!(&vector, Vector::Columns(c) if c.is_empty()) {
            return Err(format!(
                "columns {}: expected an id and a list of numbers (Spark's itemFactors: id, \
                 features), or an id and a number column per dimension",
                names.join(", ")
            ));
        }
        Ok(Layout { id, vector })
    }

    /// The id and vector of one row, or the column at fault and why.
    fn read(&self, row: &Row) -> Result<(String, Vec<f32>), (&'static str, String)> {
        let fields: Vec<&Field> = row.get_column_iter().map(|(_, f)| f).collect();
        let id = fields.get(self.id).and_then(|f| id_of(f));
        let id = id.filter(|s| !s.trim().is_empty()).ok_or(("id", "no id".to_string()))?;
        let bad = |f: &Field| format!("{f} is not a number");
        let vector = match &self.vector {
            Vector::List(i) => match fields.get(*i) {
                Some(Field::ListInternal(list)) => list
                    .elements()
                    .iter()
                    .map(|f| number(f).ok_or_else(|| bad(f)))
                    .collect::<Result<Vec<f32>, String>>()
                    .map_err(|e| ("vector", e))?,
                _ => return Err(("vector", "no list of numbers".to_string())),
            },
            Vector::Columns(columns) => columns
                .iter()
                .map(|&i| fields.get(i).and_then(|f| number(f).ok_or_else(|| bad(f)).ok()))
                .map(|x| x.ok_or(("vector", "a missing or non-numeric value".to_string())))
                .collect::<Result<Vec<f32>, _>>()?,
        };
        if let Some(at) = vector.iter().position(|x| !x.is_finite()) {
            return Err(("vector", format!("value {at} is not a finite number")));
        }
        Ok((id, vector))
    }
}

/// Reads the rows of the Parquet file `path`, handing `each` its 1-based
/// number and its id and vector, or the column at fault and why; reading goes
/// on while `each` returns true. `Err` when the file cannot be opened or is
/// not Parquet that it can read (a truncated file, another layout).
pub fn rows(
    path: &Path,
    mut each: impl FnMut(u64, Result<(String, Vec<f32>), (&'static str, String)>) -> bool,
) -> Result<(), String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let unreadable = |e: parquet::errors::ParquetError| format!("not readable Parquet: {e}");
    let reader = guarded(|| SerializedFileReader::new(file).map_err(unreadable))??;
    let layout = Layout::of(&reader)?;
    let mut rows = guarded(|| reader.get_row_iter(None).map_err(unreadable))??;
    for n in 1u64.. {
        let Some(row) = guarded(|| rows.next())? else { break };
        let row = row.map_err(|e| format!("row {n}: not readable Parquet: {e}"))?;
        let read = guarded(|| layout.read(&row))?;
        if !each(n, read) {
            break;
        }
    }
    Ok(())
}

/// Runs a step of the `parquet` crate, which panics on some corrupt files
/// (an `unwrap` in its metadata reader, found by the `side_files` fuzz
/// target): the panic, kept quiet, is the file's problem, not the compiler's end.
fn guarded<T>(step: impl FnOnce() -> T) -> Result<T, String> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(step));
    std::panic::set_hook(hook);
    result.map_err(|_| "not readable Parquet: the reader failed on it (a corrupt file)".into())
}
