use flaneur::Engine;
use flaneur::catalog::Catalog;
use flaneur::profile::{Event, EventKind};
use flaneur::rank::Request;
fn main() {
    let bytes = std::fs::read("www/demo/catalog.bin").unwrap();
    let c = Catalog::from_binary(&bytes).unwrap();
    let mut e = Engine::new(c);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let t0 = 1_780_000_000_000i64;
    for (n, id) in args.iter().enumerate() {
        e.record(&Event {
            kind: EventKind::View { item_id: id.clone() },
            at: t0 + n as i64 * 60_000,
        })
        .unwrap();
    }
    let snap = e.snapshot(t0 + 100_000);
    let bytes = snap.to_bytes();
    let back = flaneur::snapshot::Snapshot::from_bytes(&bytes, e.catalog().shop()).unwrap();
    e.rebase(Some(back), &[]);
    println!("steps after rebase {}", e.profile().sequence().len());
    let mut t = flaneur::sequence::Tracker::default();
    t.sync(e.catalog(), e.profile().sequence());
    println!(
        "tracker window {} state {:?}",
        t.encoder().len(),
        t.encoder().state().map(|s| s.len())
    );
    let slate = e.recommend(&Request { k: 12, ..Request::default() }, t0 + 200_000).unwrap();
    for r in &slate.items {
        let i = e.catalog().index_of(&r.item_id).unwrap();
        println!(
            "{} {:?} {:.3} {} | {}",
            r.item_id,
            r.kind,
            r.score,
            e.catalog().item(i).title(),
            r.reason.describe()
        );
    }
}
