//! One LDP report: a randomized yes/no answer to one public question.

use serde::{Deserialize, Serialize};

use super::epsilon::check_epsilon;
use super::question::Question;
use crate::catalog::dates::parse_day;
use crate::error::{Error, Result};

/// The report format version written in `v`.
pub const REPORT_VERSION: u32 = 2;

/// What leaves the device, and nothing else: no id, no profile, no item, no
/// time finer than the day (docs/FORMATS.md, "LDP report v2"). `answer` is a
/// JSON boolean. Unknown fields are refused on reading.
///
/// ```
/// use flaneur::ldp::Report;
/// let line = concat!(
///     r#"{"v":2,"question":"engaged.divergent","answer":true,"#,
///     r#""epsilon":1.0,"day":"2026-03-01"}"#,
/// );
/// let report: Report = serde_json::from_str(line).unwrap();
/// assert_eq!(report.check().unwrap().key(), "engaged.divergent");
/// assert_eq!(serde_json::to_string(&report).unwrap(), line);
/// assert!(serde_json::from_str::<Report>(&line.replace("\"v\"", "\"id\":7,\"v\"")).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The format version: [`REPORT_VERSION`].
    pub v: u32,
    /// The question's key ([`questions`](super::questions)).
    pub question: String,
    /// The randomized answer: the permanent answer ([`Permanent`](super::Permanent)) with
    /// probability `e^ε / (1 + e^ε)`, else its opposite.
    pub answer: bool,
    /// The ε this report was randomized with.
    pub epsilon: f64,
    /// The day it was made, `YYYY-MM-DD` (UTC).
    pub day: String,
}

impl Report {
    /// Checks what a reader must trust before counting the report: the version,
    /// the question's shape, ε one of [`EPSILONS`](super::EPSILONS) and
    /// the date; returns the question. Anything else is [`Error::BadArgument`].
    pub fn check(&self) -> Result<Question> {
        if self.v != REPORT_VERSION {
            return Err(Error::BadArgument(format!(
                "report version {} (this build reads {REPORT_VERSION})",
                self.v
            )));
        }
        check_epsilon(self.epsilon)?;
        if parse_day(&self.day).is_none() {
            return Err(Error::BadArgument(format!("day {:?} is not a YYYY-MM-DD date", self.day)));
        }
        Question::parse(&self.question).ok_or_else(|| {
            Error::BadArgument(format!("question {:?} is not of the schema", self.question))
        })
    }
}
