//! The grocery evaluation's table, as Markdown for docs/EVALUATION.md.

use super::grocery::Report;

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The table and its text.
pub fn render(r: &Report) -> String {
    let d = &r.dropped;
    let mut out = format!(
        "**{} households** ({} of them): {} evaluated (at least 4 baskets, the last held out), \
         {} held-out baskets of {:.1} distinct products on average, {:.0}% of them bought by \
         the household before; {} training baskets, {} training order lines; catalog of **{} \
         products** (bought in training). Dropped: {} lines of non-products, {} of products \
         missing from the product table, {} returns.\n\n",
        r.households_used,
        thousands(r.households),
        thousands(r.tested_households),
        thousands(r.tested_households),
        r.mean_test_basket,
        100.0 * r.repeat_share,
        thousands(r.training_baskets),
        thousands(r.order_lines),
        thousands(r.catalog_products),
        thousands(d.non_product_lines),
        thousands(d.unknown_product_lines),
        thousands(d.return_lines),
    );
    out.push_str(
        "| method | runs on | recall@10 | recall@20 | NDCG@10 | repeat recall@20 | explore \
         recall@20 | bought before (of the list) | list length |\n",
    );
    out.push_str("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for m in &r.methods {
        let x = &m.metrics;
        out.push_str(&format!(
            "| {} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.0}% | {:.1} |\n",
            m.method,
            m.runs,
            x.recall10,
            x.recall20,
            x.ndcg10,
            x.repeat_recall20,
            x.explore_recall20,
            100.0 * x.bought_share,
            x.mean_length,
        ));
    }
    let first = r.methods.first().map(|m| &m.metrics);
    if let Some(m) = first {
        out.push_str(&format!(
            "\nRepeat recall is averaged over the {} households whose held-out basket holds a \
             product they bought before, explore recall over the {} whose basket holds one they \
             never bought.",
            thousands(m.repeat_households),
            thousands(m.explore_households)
        ));
    }
    let t = &r.tifu;
    out.push_str(&format!(
        " TIFU-KNN: k = {} neighbours, α = {}, groups of m = {} baskets, r_b = {}, r_g = {}.",
        t.neighbours, t.alpha, t.group, t.within, t.between
    ));
    let c = &r.cost;
    let per: Vec<String> = c.households.iter().map(|(_, _, ms)| format!("{ms:.1}")).collect();
    let events: Vec<usize> = c.households.iter().map(|(_, n, _)| *n).collect();
    out.push_str(&format!(
        "\n\n**Cost** (native, one thread, median of {} calls): `recommend({{k: 20}})` for the \
         {} households with the longest histories ({} to {} purchase events) takes {} ms; \
         against an empty profile {:.2} ms (a slate of {} items), so **{:.0}×** (median \
         against median).\n",
        c.runs,
        c.households.len(),
        thousands(events.last().copied().unwrap_or(0)),
        thousands(events.first().copied().unwrap_or(0)),
        per.join(", "),
        c.empty_ms,
        c.empty_items,
        c.ratio,
    ));
    out
}
