//! `flaneur ldp aggregate`: estimates per question from a file of LDP reports,
//! one JSON object per line (docs/FORMATS.md, "LDP report v1").

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::ExitCode;

use flaneur::Error;
use flaneur::ldp::{Aggregator, Estimate, Report};

/// Reads every line of `path`, then prints the estimates (a table, or a JSON
/// array with `json`). Blank lines are skipped. A line that is not a valid
/// report is a problem: every problem is printed as `FILE: line L: reason`
/// (`FILE: line L, column C: reason` for JSON that does not parse),
/// nothing else, and the exit code is 1. A file that cannot be read: 2.
pub fn aggregate(path: &Path, json: bool) -> ExitCode {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("flaneur: {}: {e}", path.display());
            return ExitCode::from(2);
        }
    };
    let mut reader = BufReader::new(file);
    let mut aggregator = Aggregator::default();
    let mut problems = Vec::new();
    let mut buf = Vec::new();
    for line_no in 1u64.. {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                eprintln!("flaneur: {}: line {line_no}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
        let bytes =
            if line_no == 1 { buf.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&buf) } else { &buf };
        let Ok(line) = std::str::from_utf8(bytes) else {
            problems.push((format!("line {line_no}"), "not UTF-8".to_string()));
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Report>(line) {
            Ok(report) => {
                if let Err(e) = aggregator.add(&report) {
                    let reason = match e {
                        Error::BadArgument(reason) => reason,
                        other => other.to_string(),
                    };
                    problems.push((format!("line {line_no}"), reason));
                }
            }
            Err(e) => {
                // serde_json's message ends with " at line 1 column C": the line is the file's
                // here.
                let message = e.to_string();
                let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m);
                problems
                    .push((format!("line {line_no}, column {}", e.column()), message.to_string()));
            }
        }
    }
    if !problems.is_empty() {
        for (at, reason) in &problems {
            println!("{}: {at}: {reason}", path.display());
        }
        eprintln!("flaneur: {} problem(s) in {}", problems.len(), path.display());
        return ExitCode::from(1);
    }
    let estimates = aggregator.estimates();
    if json {
        match serde_json::to_string_pretty(&estimates) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("flaneur: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        print!("{}", table(&estimates));
    }
    ExitCode::SUCCESS
}

/// The estimates as a table sorted by question: reports, estimate and 95% interval (not clamped).
fn table(estimates: &[Estimate]) -> String {
    let width =
        estimates.iter().map(|e| e.question.len()).chain(["question".len()]).max().unwrap_or(0);
    let mut out = String::new();
    let _ = writeln!(out, "{:<width$}  {:>9}  {:>8}  95% CI", "question", "reports", "estimate");
    for e in estimates {
        let _ = writeln!(
            out,
            "{:<width$}  {:>9}  {:>8.3}  [{:.3}, {:.3}]",
            e.question, e.reports, e.estimate, e.ci_low, e.ci_high
        );
    }
    out
}
