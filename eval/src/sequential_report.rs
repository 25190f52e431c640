//! The sequential evaluation's tables, and the published anchors beside them.

use super::sequential::{DatasetReport, SplitReport};

/// Where the first three published numbers come from.
const DROSS: &str = concat!(
    "facebookresearch/generative-recommenders, quoting the ",
    "\"Turning Dross Into Gold Loss\" comparison"
);

/// Published ML-1M results (NDCG@10, HR@10), quoted, not rerun: `(model, source, ndcg, hr)`.
pub const PUBLISHED: [(&str, &str, f64, f64); 6] = [
    ("SASRec", DROSS, 0.160, 0.285),
    ("BERT4Rec", DROSS, 0.154, 0.284),
    ("GRU4Rec", DROSS, 0.165, 0.281),
    ("gSASRec", "the gSASRec paper", 0.173, 0.300),
    ("eSASRec", "the eSASRec paper", 0.177, 0.313),
    ("HSTU-large", "facebookresearch/generative-recommenders", 0.189, 0.329),
];

/// A split's table; `paired`: the standard split's report, whose metrics on
/// the same (device-only) users get a column of their own.
fn table(out: &mut String, split: &SplitReport, paired: Option<&SplitReport>) {
    out.push_str("| method | runs on | NDCG@10 | HR@10 | coverage@10 |");
    out.push_str(if paired.is_some() {
        " same users, standard split: NDCG@10 / HR@10 | time |\n| --- | --- | ---: | ---: | ---: \
         | ---: | ---: |\n"
    } else {
        " time |\n| --- | --- | ---: | ---: | ---: | ---: |\n"
    });
    for m in &split.methods {
        let time = match m.slates {
            Some(s) => format!("{:.1} s ({:.2} ms/user)", m.seconds, s.ms_per_user),
            None => format!("{:.1} s", m.seconds),
        };
        let same = paired.map(|p| {
            let n = p.methods.iter().position(|x| x.method == m.method);
            match n.and_then(|n| p.on_device_users.get(n)) {
                Some(x) => format!(" {:.4} / {:.4} |", x.ndcg10, x.hr10),
                None => " – |".into(),
            }
        });
        out.push_str(&format!(
            "| {} | {} | {:.4} | {:.4} | {:.1}% |{} {time} |\n",
            m.method,
            m.runs,
            m.metrics.ndcg10,
            m.metrics.hr10,
            100.0 * m.metrics.coverage10,
            same.unwrap_or_default()
        ));
    }
    out.push_str(
        "\nTime: the ranking of every evaluated user (flaneur: the replay and the slate, the \
         catalog's compilation apart); ALS: `als.py`'s tuning grid and refit, a separate step.\n\n",
    );
    if let Some(seconds) = split.model_training_seconds {
        out.push_str(&format!(
            "The sequence model: `flaneur model train` {}.\n\n",
            if seconds > 0.0 { format!("took {seconds:.0} s") } else { "reused its model".into() }
        ));
    }
    for s in &split.skipped {
        out.push_str(&format!("Not run: {} (skipped: {}).\n", s.method, s.reason));
    }
    if !split.skipped.is_empty() {
        out.push('\n');
    }
}

/// The standard tables, the published anchors and the strict tables, as Markdown.
pub fn render(reports: &[DatasetReport]) -> String {
    let mut out = String::new();
    for r in reports {
        out.push_str(&format!(
            "**{}, standard protocol**: 5-core {} of {} ratings, {} users, {} movies; \
             leave-last-out, {} users with their last two interactions in the same second; \
             full ranking, the user's training movies excluded; {:.0} s in all.\n\n",
            r.dataset,
            r.interactions,
            r.raw_interactions,
            r.users,
            r.movies,
            r.tied_last_interactions,
            r.seconds
        ));
        table(&mut out, &r.standard, None);
        let t = &r.transition_random_ties;
        out.push_str(&format!(
            "Check: the transition model with same-second ties shuffled (seeded) instead of \
             ordered by item id, in training and in the split: NDCG@10 {:.4}, HR@10 {:.4}, \
             coverage@10 {:.1}%.\n\n",
            t.ndcg10,
            t.hr10,
            100.0 * t.coverage10
        ));
        if r.dataset == "ml-1m" {
            out.push_str(
                "Published on ML-1M (leave-last-out, full ranking; **quoted, not rerun**, \
                 their preprocessing and seen-item handling may differ):\n\n",
            );
            out.push_str("| model | source | NDCG@10 | HR@10 |\n| --- | --- | ---: | ---: |\n");
            for (model, source, ndcg, hr) in PUBLISHED {
                out.push_str(&format!(
                    "| {model} (published) | {source} | {ndcg:.3} | {hr:.3} |\n"
                ));
            }
            out.push('\n');
        }
    }
    for r in reports {
        out.push_str(&format!(
            "**{}, strict**: {} device-only users (seeded, seed {}) in no training data, every \
             method trained on the other {} users' whole histories; evaluated on the device-only \
             users alone; beside it, the standard split's lists of the same users (their data \
             in training).\n\n",
            r.dataset, r.strict.users, r.seed, r.strict.training_users
        ));
        table(&mut out, &r.strict, Some(&r.standard));
    }
    out
}
