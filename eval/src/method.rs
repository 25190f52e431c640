//! One method's line of an evaluation's table, whatever the evaluation measures.

use serde::Serialize;

/// A method's name, where it runs, what it scored (`M`) and, for flaneur's
/// slates, what they held (`S`).
#[derive(Debug, Clone, Serialize)]
pub struct MethodResult<M, S> {
    pub method: String,
    /// Where it runs and on what data.
    pub runs: String,
    pub metrics: M,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slates: Option<S>,
    pub seconds: f64,
}
