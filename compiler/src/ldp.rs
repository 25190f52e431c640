//! `flaneur ldp aggregate`: estimates per question from a file of LDP reports,
//! one JSON object per line (docs/FORMATS.md, "LDP report v2"), and with
//! `--priors` the crowd priors of divergence they support
//! (docs/FORMATS.md, "Divergence priors v1").

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::ExitCode;

use flaneur::Error;
use flaneur::ldp::{
    Aggregator, CrowdPrior, Estimate, MAX_STRENGTH, MIN_STRENGTH, Report, crowd_priors,
};
use serde::Serialize;

use crate::divergence_priors::{PRIORS_FORMAT, PRIORS_VERSION};

/// A priors file (docs/FORMATS.md, "Divergence priors v1").
#[derive(Debug, Serialize)]
pub struct PriorsFile<'a> {
    /// [`PRIORS_FORMAT`].
    pub format: &'a str,
    /// [`PRIORS_VERSION`].
    pub version: u32,
    /// The fewest pseudo-outcomes a published prior is worth.
    pub min_strength: f64,
    /// The most pseudo-outcomes a prior is worth.
    pub max_strength: f64,
    /// One per axis with enough reports, sorted by axis.
    pub priors: &'a [CrowdPrior],
}

/// Reads every line of `path`, then prints the estimates of its valid reports
/// (two-stage estimator, [`Aggregator`]; a table, or a JSON array with
/// `json`). Blank lines are skipped. A line that is not a valid report (the
/// schema's shape, version 2, ε 0.5 or 1, a date) is skipped: each is named on
/// stderr as `FILE: line L: reason` (`FILE: line L, column C: reason` for JSON
/// that does not parse), then `flaneur: skipped N malformed line(s) of FILE:
/// L1, L2, …`. Exit code 0 when some report was counted, 1 when none was, 2
/// for a file that cannot be read. With `priors`, the crowd priors the
/// estimates support are written there ([`crowd_priors`]; an axis with too few
/// reports gets none, and stderr says which).
pub fn aggregate(path: &Path, json: bool, priors: Option<&Path>) -> ExitCode {
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
    match priors {
        Some(out) => write_priors(&estimates, out),
        None => ExitCode::SUCCESS,
    }
}

/// Writes the crowd priors of `estimates` to `out` and says on stderr which
/// axes asked about got none.
fn write_priors(estimates: &[Estimate], out: &Path) -> ExitCode {
    let priors = crowd_priors(estimates);
    let file = PriorsFile {
        format: PRIORS_FORMAT,
        version: PRIORS_VERSION,
        min_strength: MIN_STRENGTH,
        max_strength: MAX_STRENGTH,
        priors: &priors,
    };
    let text = match serde_json::to_string_pretty(&file) {
        Ok(text) => text + "\n",
        Err(e) => {
            eprintln!("flaneur: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::write(out, text) {
        eprintln!("flaneur: {}: {e}", out.display());
        return ExitCode::from(2);
    }
    let without: Vec<&str> = estimates
        .iter()
        .filter_map(|e| e.question.strip_prefix("divergent.shown."))
        .filter(|axis| !priors.iter().any(|p| p.group == *axis))
        .collect();
    eprintln!("flaneur: {} divergence prior(s) written to {}", priors.len(), out.display());
    if !without.is_empty() {
        eprintln!(
            "flaneur: no prior for {} (too few reports for one worth {MIN_STRENGTH} outcomes)",
            without.join(", ")
        );
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
