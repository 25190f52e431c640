//! One method's line of the `movielens` table, as `movielens.rs` and `spark.rs` write it.

use super::movielens_metrics::Metrics;
use super::movielens_rank::SlateMix;

/// One method's line of the table.
pub type MethodResult = super::method::MethodResult<Metrics, SlateMix>;

/// One method's line of the main table.
pub fn row(m: &MethodResult) -> String {
    let x = &m.metrics;
    let (fill, divergent) = m.slates.map_or(("–".into(), "–".into()), |s| {
        (format!("{:.1}%", s.popular_fill * 100.0), format!("{:.1}%", s.divergent * 100.0))
    });
    let time = match m.slates {
        Some(s) => format!("{:.2} ms/user", s.ms_per_user),
        None => format!("{:.1} s", m.seconds),
    };
    format!(
        "| {} | {} | {:.4} | {:.4} | {:.1}% | {:.3} | {:.2} | {:.1}% | {fill} | {divergent} | \
         {time} |\n",
        m.method,
        m.runs,
        x.hr10,
        x.ndcg10,
        x.coverage10 * 100.0,
        x.diversity10,
        x.novelty10,
        x.hits_outside_top_genres * 100.0
    )
}
