//! The problems the compiler reports: what is wrong and where (a line and
//! column of a text feed, a JSON path, a line of a side file, or the feed as
//! a whole).
//!
//! A module of its own because every reader (the feeds, the popularity,
//! embeddings and co-purchase files) and the compiler all report into the
//! same list: here, none of them imports another to do so.

use std::fmt;

/// Where a problem is: a line of a text feed, or a path in a JSON document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum At {
    /// 1-based line and the column's header name.
    Line(u64, String),
    /// A JSON path such as `products[3].variants[0].price`.
    Path(String),
    /// A line of another input file (popularity, embeddings, co-purchases); line 0: the whole file.
    File(String, u64, String),
    /// A 1-based row and a column of another input file that has rows, not lines (Parquet).
    Row(String, u64, String),
    /// The command line or the whole feed.
    Feed,
}

/// One problem of a feed.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Where it is.
    pub at: At,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.at {
            At::Line(line, column) => write!(f, "line {line}, column {column}: {}", self.message),
            At::Path(path) => write!(f, "{path}: {}", self.message),
            At::File(file, 0, _) => write!(f, "{file}: {}", self.message),
            At::File(file, line, column) => {
                write!(f, "{file}: line {line}, column {column}: {}", self.message)
            }
            At::Row(file, row, column) => {
                write!(f, "{file}: row {row}, column {column}: {}", self.message)
            }
            At::Feed => write!(f, "{}", self.message),
        }
    }
}

/// Every problem found, in the order found.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// A problem at a 1-based line and a named column of a text feed.
    pub(crate) fn line(&mut self, line: u64, column: &str, message: impl Into<String>) {
        self.0.push(Problem { at: At::Line(line, column.to_string()), message: message.into() });
    }
    /// A problem at a JSON path.
    pub(crate) fn path(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem { at: At::Path(path.into()), message: message.into() });
    }
    /// A problem of the command line or of the whole feed.
    pub(crate) fn feed(&mut self, message: impl Into<String>) {
        self.0.push(Problem { at: At::Feed, message: message.into() });
    }
    /// No problem found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
