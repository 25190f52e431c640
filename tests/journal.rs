//! Two tabs, one stored record: merging instead of last-writer-wins.
#![cfg(not(target_arch = "wasm32"))]

use flaneur::catalog::Catalog;
use flaneur::journal::{Change, Journal};
use flaneur::preferences::PreferencesPatch;
use flaneur::profile::{Event, EventKind};
use flaneur::rank::Request;
use flaneur::slot::Kind;
use flaneur::snapshot::Snapshot;
use flaneur::testkit::{Rng, Shape, catalog as synthetic};
use flaneur::{Engine, Forget};

/// A tab: an engine, its journal, and the protocol the browser store follows.
struct Tab {
    engine: Engine,
    journal: Journal,
}

impl Tab {
    fn new(catalog: &Catalog) -> Tab {
        Tab { engine: Engine::with_seed(catalog.clone(), 3), journal: Journal::default() }
    }

    fn change(&mut self, change: Change) {
        self.engine.apply(&change).unwrap();
        self.journal.push(change);
    }

    /// One atomic read-merge-write against `store`, as an IndexedDB readwrite transaction does it.
    /// Stores nothing when the tab's changes predated an erase (they are dropped).
    fn flush(&mut self, store: &mut Option<Vec<u8>>, now: i64) {
        let base = store
            .as_deref()
            .map(|b| Snapshot::from_bytes(b, self.engine.catalog().shop()).unwrap());
        let stored_epoch = base.as_ref().map(|s| s.epoch);
        self.journal.settle(stored_epoch);
        self.engine.rebase(base, self.journal.pending());
        if self.journal.begin() == 0 {
            return;
        }
        let epoch = stored_epoch.unwrap_or(now as u64 + 1); // the browser draws it at random
        let mut snapshot = self.engine.snapshot(now);
        snapshot.epoch = epoch;
        *store = Some(snapshot.to_bytes());
        self.journal.written();
        self.journal.based_on(Some(epoch));
    }

    /// Reads the record, as a tab does at open.
    fn open(catalog: &Catalog, store: &Option<Vec<u8>>) -> Tab {
        let mut tab = Tab::new(catalog);
        let base = store.as_deref().map(|b| Snapshot::from_bytes(b, catalog.shop()).unwrap());
        tab.journal.based_on(base.as_ref().map(|s| s.epoch));
        tab.engine.rebase(base, &[]);
        tab
    }
}

fn cat(seed: u64, items: usize, dims: usize) -> Catalog {
    Catalog::from_json(synthetic(seed, Shape { items, dims, leaves: 20, facets: 3 })).unwrap()
}

fn view(id: &str, at: i64) -> Change {
    Change::Event(Event { kind: EventKind::View { item_id: id.into() }, at })
}

fn stored(store: &Option<Vec<u8>>, shop: &str) -> Snapshot {
    Snapshot::from_bytes(store.as_deref().unwrap(), shop).unwrap()
}

#[test]
fn two_tabs_recording_500_events_each_lose_none() {
    let catalog = cat(5, 400, 8);
    let shop = catalog.shop().to_owned();
    let (mut a, mut b) = (Tab::new(&catalog), Tab::new(&catalog));
    let mut alone = Engine::with_seed(catalog.clone(), 3);
    let mut store = None;
    let mut rng = Rng::new(9);
    let t0 = 1_700_000_000_000;
    for i in 0..1000 {
        let at = t0 + i * 1000;
        let id = catalog.item(rng.below(catalog.len())).id().to_owned();
        alone.apply(&view(&id, at)).unwrap();
        let tab = if i % 2 == 0 { &mut a } else { &mut b };
        tab.change(view(&id, at));
        // Writes come in bursts, at random, in either tab.
        if rng.below(7) == 0 {
            a.flush(&mut store, at);
        }
        if rng.below(5) == 0 {
            b.flush(&mut store, at);
        }
    }
    a.flush(&mut store, t0 + 2_000_000);
    b.flush(&mut store, t0 + 2_000_000);
    let merged = stored(&store, &shop).profile;
    let total: u32 = merged.categories().values().map(|a| a.count).sum();
    let expected: u32 = alone.profile().categories().values().map(|a| a.count).sum();
    assert!(expected >= 1000, "every view touches at least one category");
    assert_eq!(total, expected, "no event lost, none counted twice");
    for (path, want) in alone.profile().categories() {
        let got = merged.category(path).unwrap_or_else(|| panic!("{path} lost"));
        assert_eq!(got.count, want.count, "{path}");
        assert!(
            (got.weight - want.weight).abs() <= 1e-3 * want.weight.max(1.0),
            "{path}: {} vs {}",
            got.weight,
            want.weight
        );
    }
    for ((facet, value), want) in alone.profile().facets() {
        assert_eq!(
            merged.facet(facet, value).map(|a| a.count),
            Some(want.count),
            "{facet}={value}"
        );
    }
    assert!(a.journal.is_empty() && b.journal.is_empty());
}

#[test]
fn a_change_made_while_a_write_is_in_flight_stays_pending() {
    let catalog = cat(1, 50, 0);
    let ids: Vec<String> = (0..3).map(|i| catalog.item(i).id().to_owned()).collect();
    let mut tab = Tab::new(&catalog);
    tab.change(view(&ids[0], 1));
    tab.change(view(&ids[1], 2));
    assert_eq!(tab.journal.begin(), 2);
    tab.change(view(&ids[2], 3)); // arrives before the write completes
    tab.journal.written();
    assert_eq!(tab.journal.pending(), &[view(&ids[2], 3)]);
    tab.journal.begin();
    tab.journal.failed();
    assert_eq!(tab.journal.pending().len(), 1, "a failed write keeps its changes");
}

#[test]
fn forgetting_and_preferences_replay_onto_another_tabs_record() {
    let text = r#"{"version":1,"shop":"demo","facets":{"colour":{}},"items":[
      {"id":"s1","title":"S","category":"Knitwear","attributes":{"colour":"red"}},
      {"id":"b1","title":"B","category":"Boots","attributes":{"colour":"black"}}]}"#;
    let catalog = Catalog::from_json_str(text).unwrap();
    let (mut a, mut b) = (Tab::new(&catalog), Tab::new(&catalog));
    let mut store = None;
    a.change(view("s1", 1));
    a.change(view("b1", 2));
    a.flush(&mut store, 3);
    // Tab b has not heard of a's write: it forgets boots and pauses learning.
    b.change(Change::Forget { what: Forget::Category("Boots".into()), at: 4 });
    b.change(Change::Preferences(PreferencesPatch { paused: Some(true), ..Default::default() }));
    b.change(view("s1", 5)); // paused: learns nothing
    b.flush(&mut store, 6);
    let record = stored(&store, "demo");
    assert!(record.preferences.paused);
    assert!(record.profile.category("Boots").is_none(), "b's forget applies to a's record");
    assert_eq!(
        record.profile.category("Knitwear").map(|a| a.count),
        Some(1),
        "a's view kept, b's paused view not learned"
    );
    // Tab a, rebased on the record, sees the pause too.
    a.flush(&mut store, 7);
    assert!(a.engine.preferences().paused);
}

#[test]
fn slates_shown_in_two_tabs_all_count() {
    let catalog = cat(2, 200, 8);
    let shop = catalog.shop().to_owned();
    let (mut a, mut b) = (Tab::new(&catalog), Tab::new(&catalog));
    let mut store = None;
    let id = catalog.item(0).id().to_owned();
    for (i, tab) in [&mut a, &mut b].into_iter().enumerate() {
        tab.change(view(&id, i as i64));
        let slate = tab.engine.recommend(&Request { k: 6, ..Request::default() }, 10).unwrap();
        tab.change(Change::Shown { items: slate.impressions(), at: 10 });
    }
    a.flush(&mut store, 11);
    b.flush(&mut store, 12);
    let record = stored(&store, &shop);
    let stats = record.profile.stats();
    let impressions: u64 = [Kind::Personal, Kind::Divergent, Kind::Popular, Kind::Default]
        .iter()
        .map(|k| stats.get(*k).impressions)
        .sum();
    assert_eq!(impressions, 12, "6 items shown in each tab");
}

#[test]
fn changes_made_before_an_erase_never_come_back_whichever_tab_writes_next() {
    let catalog = cat(3, 60, 0);
    let shop = catalog.shop().to_owned();
    let ids: Vec<String> = (0..4).map(|i| catalog.item(i).id().to_owned()).collect();
    let mut store = None;
    let mut a = Tab::new(&catalog);
    a.change(view(&ids[0], 1));
    a.flush(&mut store, 2);
    // Tab b opens on a's record and records; its write is queued behind
    // tab a's erase, which deletes the record.
    let mut b = Tab::open(&catalog, &store);
    b.change(view(&ids[1], 3));
    a.journal.clear();
    a.engine.rebase(None, &[]);
    store = None;
    b.flush(&mut store, 4);
    assert!(store.is_none(), "b's pre-erase view is dropped, nothing is written");
    assert!(b.engine.profile().items().is_empty(), "b holds the erased state");
    // Tab c, opened on the same old record, writes after a new record was started.
    let mut c = Tab::open(&catalog, &Some(a.engine.snapshot(0).to_bytes()));
    c.journal.based_on(Some(2 + 1));
    c.change(view(&ids[2], 5));
    a.change(view(&ids[3], 6)); // after the erase: kept
    a.flush(&mut store, 7);
    c.flush(&mut store, 8);
    let record = stored(&store, &shop);
    assert_eq!(record.profile.items().len(), 1, "only the view made after the erase");
    assert!(record.profile.items().contains_key(ids[3].as_str()));
    // After dropping, each tab records onto the new record as usual.
    b.change(view(&ids[1], 9));
    b.flush(&mut store, 10);
    assert_eq!(stored(&store, &shop).profile.items().len(), 2);
}
