use flaneur::Engine;
use flaneur::catalog::Catalog;
use flaneur::profile::{Event, EventKind};
use flaneur::rank::{Request, Scorer};
use std::time::Instant;
fn main() {
    let bytes = std::fs::read("/tmp/seqbench/sequence-100000.bin").unwrap();
    let c = Catalog::from_binary(&bytes).unwrap();
    let mut e = Engine::new(c);
    for n in 0..200usize {
        let id = e.catalog().item((n * 7919) % e.catalog().len()).id().to_owned();
        e.record(&Event {
            kind: EventKind::View { item_id: id },
            at: 1_780_000_000_000 + n as i64 * 60_000,
        })
        .unwrap();
    }
    let now = 1_780_000_000_000 + 201 * 60_000;
    let h = vec![0.1f32; 64];
    for _ in 0..3 {
        let s = Instant::now();
        let sc = Scorer::for_shopper(e.catalog(), e.profile(), now, None);
        let t1 = s.elapsed().as_secs_f64() * 1e3;
        let sc = sc.with_sequence(&h, 0.9, None);
        let t2 = s.elapsed().as_secs_f64() * 1e3;
        drop(sc);
        let s = Instant::now();
        e.recommend(&Request { k: 24, ..Request::default() }, now).unwrap();
        let t3 = s.elapsed().as_secs_f64() * 1e3;
        println!("for_shopper {t1:.2} ms, +with_sequence {t2:.2} ms, recommend {t3:.2} ms");
    }
}
