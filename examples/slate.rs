//! Prints, for the demo catalog and a scripted shopper, a slate with its reasons.
//!
//!     cargo run --example slate

use flaneur::Engine;
use flaneur::catalog::Catalog;
use flaneur::profile::{Event, EventKind};
use flaneur::rank::Request;

const DAY: i64 = 86_400_000;
/// 1 May 2026, 10:00 UTC.
const START: i64 = 1_777_629_600_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/demo/catalog.json"))?;
    let mut engine = Engine::new(Catalog::from_json_str(&text)?);
    let catalog = engine.catalog().clone();
    let find = |title: &str| -> Result<String, String> {
        catalog
            .iter()
            .find(|i| i.title() == title)
            .map(|i| i.id().to_owned())
            .ok_or(format!("no item titled {title}"))
    };
    let script = [
        (0, "view", "Red cotton roll-neck sweater"),
        (0, "view", "Mustard ribbed cashmere crew-neck sweater"),
        (1, "view", "Red cotton button-through cardigan"),
        (3, "view", "Navy wool cable-knit sweater"),
        (3, "add_to_cart", "Red cotton roll-neck sweater"),
        (5, "view", "Red leather Chelsea boots"),
        (5, "dismiss", "Mustard stoneware mug"),
        (11, "view", "Red cotton button-through cardigan"),
    ];
    println!("A scripted shopper:");
    for (day, kind, title) in script {
        let item_id = find(title)?;
        let at = START + day * DAY;
        let event = match kind {
            "view" => EventKind::View { item_id },
            "add_to_cart" => EventKind::AddToCart { item_id },
            _ => EventKind::Dismiss { item_id },
        };
        engine.record(&Event { kind: event, at })?;
        println!("  day {day:>2}: {kind:<12} {title}");
    }
    // The page excludes what is already in the cart.
    let request = Request {
        k: 6,
        exclude: vec![find("Red cotton roll-neck sweater")?],
        ..Request::default()
    };
    let slate = engine.recommend(&request, START + 12 * DAY)?;
    println!(
        "\nFor you ({} shown, {} withheld rather than filled with weak matches):",
        slate.items.len(),
        slate.withheld
    );
    for (n, r) in slate.items.iter().enumerate() {
        let item = catalog.item(r.index);
        println!(
            "  {}. {:<44} {:<30} score {:.2}",
            n + 1,
            item.title(),
            item.category_path(),
            r.score
        );
        println!("     why: {}", r.reason.describe());
    }
    Ok(())
}
