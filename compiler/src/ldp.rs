//! `flaneur ldp aggregate`: estimates per question from a file of LDP reports,
//! one JSON object per line (docs/FORMATS.md, "LDP report v2").

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::ExitCode;

use flaneur::Error;
use flaneur::ldp::{Aggregator, Estimate, Report};

/// Reads every line of `path`, then prints the estimates of its valid reports
/// (two-stage estimator, [`Aggregator`]; a table, or a JSON array with
/// `json`). Blank lines are skipped. A line that is not a valid report (the
/// schema's shape, version 2, ε 0.5 or 1, a date) is skipped: each is named on
/// stderr as `FILE: line L: reason` (`FILE: line L, column C: reason` for JSON
/// that does not parse), then `flaneur: skipped N malformed line(s) of FILE:
/// L1, L2, …`. Exit code 0 when some report was counted, 1 when none was, 2
/// for a file that cannot be read.
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
    let mut skipped = Vec::new();
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
            skipped.push(line_no);
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
                    skipped.push(line_no);
                }
            }
            Err(e) => {
                // serde_json's message ends with " at line 1 column C": the line is the file's
                // here.
                let message = e.to_string();
                let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m);
                problems
                    .push((format!("line {line_no}, column {}", e.column()), message.to_string()));
                skipped.push(line_no);
            }
        }
    }
    if !problems.is_empty() {
        for (at, reason) in &problems {
            eprintln!("{}: {at}: {reason}", path.display());
        }
        let lines: Vec<String> = skipped.iter().map(u64::to_string).collect();
        eprintln!(
            "flaneur: skipped {} malformed line(s) of {}: {}",
            skipped.len(),
            path.display(),
            lines.join(", ")
        );
    }
    let estimates = aggregator.estimates();
    if estimates.is_empty() && !problems.is_empty() {
        return ExitCode::from(1);
    }
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
