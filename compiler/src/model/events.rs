//! Reading the shop's event log for `flaneur model train`: a CSV with a
//! header `user,item,timestamp[,event]`, one line per event, into each
//! user's sequence of (item row, event type), oldest first.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::orders::parse_timestamp;
use crate::physical_lines::Counted;
use crate::problem::{At, Problem};

/// Event type 0: a view (and an event line without an `event` column).
pub const VIEW: u8 = 0;
/// Event type 1: an add-to-cart.
pub const ADD_TO_CART: u8 = 1;
/// Event type 2: a purchase.
pub const PURCHASE: u8 = 2;

/// The events, grouped by user.
#[derive(Debug, Clone, Default)]
pub struct Sequences {
    /// Item ids by row, in order of first appearance in the file.
    pub items: Vec<String>,
    /// User keys, in order of first appearance in the file.
    pub user_ids: Vec<String>,
    /// Per user (in the order of `user_ids`), the events as (item row,
    /// type), ordered by timestamp, ties in file order.
    pub users: Vec<Vec<(u32, u8)>>,
    /// Whether the file has an `event` column.
    pub typed: bool,
    /// Lines skipped because their event type is not a view, an add-to-cart
    /// or a purchase.
    pub skipped: u64,
}

/// The type of a browser event name (`src/wasm/args.rs`): `Some(Some(t))`
/// for the three kept types, `Some(None)` for another known type (skipped),
/// `None` for an unknown name.
pub fn event_type(name: &str) -> Option<Option<u8>> {
    match name.trim() {
        "" | "view" => Some(Some(VIEW)),
        "add_to_cart" | "addToCart" => Some(Some(ADD_TO_CART)),
        "purchase" => Some(Some(PURCHASE)),
        "click" | "dwell" | "remove_from_cart" | "removeFromCart" | "dismiss" | "search" => {
            Some(None)
        }
        _ => None,
    }
}

/// Reads an event log file; problems name the file, line and column.
pub fn read(path: &Path) -> Result<Sequences, Problem> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Problem {
        at: At::File(name.clone(), 0, String::new()),
        message: e.to_string(),
    })?;
    parse(file, &name)
}

/// Reads an event log from `reader`; `name` is the file name in problems.
pub fn parse(reader: impl Read, name: &str) -> Result<Sequences, Problem> {
    let problem = |line: u64, column: &str, message: String| Problem {
        at: At::File(name.to_string(), line, column.to_string()),
        message,
    };
    let (reader, lines) = Counted::new(reader);
    let mut csv = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(reader);
    let header = csv.headers().map_err(|e| problem(1, "(header)", e.to_string()))?.clone();
    let find = |column: &str| header.iter().position(|h| h.trim().eq_ignore_ascii_case(column));
    let need = |column: &str| {
        find(column).ok_or_else(|| {
            problem(1, column, format!("missing column {column:?} (user,item,timestamp[,event])"))
        })
    };
    let (user_at, item_at, time_at) = (need("user")?, need("item")?, need("timestamp")?);
    let event_at = find("event");
    let mut out = Sequences { typed: event_at.is_some(), ..Sequences::default() };
    let mut item_rows: HashMap<String, u32> = HashMap::new();
    let mut user_rows: HashMap<String, usize> = HashMap::new();
    // Per user: (timestamp, item row, type), in file order.
    let mut events: Vec<Vec<(i64, u32, u8)>> = Vec::new();
    for record in csv.records() {
        let line = match &record {
            Ok(record) => lines.of(record.position()),
            Err(e) => lines.of(e.position()),
        };
        let record = record.map_err(|e| problem(line, "(row)", e.to_string()))?;
        let field = |at: usize, column: &str| -> Result<&str, Problem> {
            match record.get(at).map(str::trim) {
                Some(value) if !value.is_empty() => Ok(value),
                _ => Err(problem(line, column, "empty or missing value".to_string())),
            }
        };
        let user_key = field(user_at, "user")?;
        let item = field(item_at, "item")?;
        let time = field(time_at, "timestamp")?;
        let Some(at) = parse_timestamp(time) else {
            let message = format!("{time:?} is not a timestamp (ms since the epoch or ISO 8601)");
            return Err(problem(line, "timestamp", message));
        };
        let kind = match event_at {
            None => VIEW,
            Some(column) => {
                let name = record.get(column).unwrap_or("");
                match event_type(name) {
                    Some(Some(kind)) => kind,
                    Some(None) => {
                        out.skipped += 1;
                        continue;
                    }
                    None => {
                        let message = format!(
                            "unknown event {name:?} (view, add_to_cart, purchase; click, dwell, \
                             remove_from_cart, dismiss, search are skipped)"
                        );
                        return Err(problem(line, "event", message));
                    }
                }
            }
        };
        let next = item_rows.len() as u32;
        let row = *item_rows.entry(item.to_string()).or_insert_with(|| {
            out.items.push(item.to_string());
            next
        });
        let next = user_rows.len();
        let user = *user_rows.entry(user_key.to_string()).or_insert(next);
        if user == events.len() {
            out.user_ids.push(user_key.to_string());
            events.push(Vec::new());
        }
        events[user].push((at, row, kind));
    }
    out.users = events
        .into_iter()
        .map(|mut seq| {
            seq.sort_by_key(|e| e.0); // stable: ties keep file order
            seq.into_iter().map(|(_, row, kind)| (row, kind)).collect()
        })
        .collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_by_time_ties_in_file_order() {
        let text = "user,item,timestamp,event\nu,b,5,view\nv,a,1,purchase\nu,a,1,addToCart\n\
                    u,c,5,click\nu,c,5,add_to_cart\n";
        let s = parse(text.as_bytes(), "e.csv").unwrap();
        assert_eq!(s.items, ["b", "a", "c"]);
        assert_eq!(s.users, [vec![(1, 1), (0, 0), (2, 1)], vec![(1, 2)]]);
        assert_eq!(s.skipped, 1);
    }

    #[test]
    fn problems_name_the_line_and_column() {
        let e = parse("user,item\nu,a\n".as_bytes(), "e.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "e.csv: line 1, column timestamp: missing column \"timestamp\" \
                                   (user,item,timestamp[,event])"
        );
        let e = parse("user,item,timestamp\nu,a,1\nu,b,soon\n".as_bytes(), "e.csv").unwrap_err();
        assert!(e.to_string().starts_with("e.csv: line 3, column timestamp: \"soon\""), "{e}");
        let e = parse("user,item,timestamp,event\nu,a,1,zap\n".as_bytes(), "e.csv").unwrap_err();
        assert!(e.to_string().starts_with("e.csv: line 2, column event: unknown"), "{e}");
        // The file's lines, whatever ends them, past blank lines and a quoted item over two.
        for ending in ["\n", "\r\n", "\r"] {
            let text = "user,item,timestamp\nu,\"a\nb\",1\n\nu,b,soon\n".replace('\n', ending);
            let e = parse(text.as_bytes(), "e.csv").unwrap_err();
            assert!(
                e.to_string().starts_with("e.csv: line 5, column timestamp"),
                "{ending:?}: {e}"
            );
        }
    }
}
