//! Changes not yet stored, and how two tabs merge instead of overwriting.
//!
//! Every change a page makes to the profile (an event, a slate shown, a
//! forget, new preferences, an import) is applied to the in-memory engine at
//! once ([`crate::Engine::apply`]) and kept in a [`Journal`] until a write
//! has stored it. A write reads
//! the latest stored snapshot (which another tab may have written since), and
//! replays the pending changes onto it with [`crate::Engine::rebase`]; the
//! result is what gets stored and what the engine holds. Learning is
//! order-independent (affinities decay from each event's own time), so a
//! profile built from two tabs' interleaved events is the profile either tab
//! would have built from all of them: nothing is lost and no tab wins.
//!
//! ```
//! use flaneur::{
//!     Engine,
//!     catalog::Catalog,
//!     journal::{Change, Journal},
//!     profile::{Event, EventKind},
//! };
//! let catalog = Catalog::from_json_str(r#"{"version":1,"shop":"s","items":[
//!   {"id":"a","title":"A","category":"X"},{"id":"b","title":"B","category":"Y"}]}"#)?;
//! let (mut tab1, mut tab2) = (Engine::new(catalog.clone()), Engine::new(catalog));
//! let (mut journal1, mut journal2) = (Journal::default(), Journal::default());
//! let view =
//!     |id: &str, at| Change::Event(Event { kind: EventKind::View { item_id: id.into() }, at });
//! for (engine, journal, change) in
//!     [(&mut tab1, &mut journal1, view("a", 1)), (&mut tab2, &mut journal2, view("b", 2))]
//! {
//!     engine.apply(&change)?;
//!     journal.push(change);
//! }
//! // Tab 1 writes first; tab 2 then replays its change onto what tab 1 stored.
//! let stored = tab1.snapshot(3);
//! journal1.begin();
//! journal1.written();
//! tab2.rebase(Some(stored), journal2.pending());
//! assert_eq!(tab2.profile().items().len(), 2);
//! # Ok::<(), flaneur::Error>(())
//! ```

use crate::preferences::PreferencesPatch;
use crate::profile::{Event, Forget, Impression, ProfileImport};

/// One change to the profile or the preferences, as the page made it.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// The shopper did something.
    Event(Event),
    /// The page showed a slate (impressions and divergence learning).
    Shown {
        /// Its items, as the profile learns from them ([`crate::rank::Slate::impressions`]).
        items: Vec<Impression>,
        /// When.
        at: i64,
    },
    /// The shopper forgot something.
    Forget {
        /// What.
        what: Forget,
        /// When.
        at: i64,
    },
    /// The shopper changed settings.
    Preferences(PreferencesPatch),
    /// The shopper imported a profile: it replaces whatever is stored.
    Import(Box<ProfileImport>),
}

/// The changes made since the last successful write, and which of them a
/// write in progress carries.
#[derive(Debug, Clone, Default)]
pub struct Journal {
    changes: Vec<Change>,
    writing: usize,
    /// The epoch of the stored record the changes were made on (none: no record).
    base: Option<u64>,
}

impl Journal {
    /// Keeps `change` until it is written.
    pub fn push(&mut self, change: Change) {
        self.changes.push(change);
    }

    /// The changes not yet written, oldest first.
    pub fn pending(&self) -> &[Change] {
        &self.changes
    }

    /// Whether anything waits to be written.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// A write starts: it carries every change pending now. Returns how many.
    pub fn begin(&mut self) -> usize {
        self.writing = self.changes.len();
        self.writing
    }

    /// How many changes the write under way carries (0 when none is).
    pub fn writing(&self) -> usize {
        self.writing
    }

    /// The write that [`Journal::begin`] started is stored: its changes are done.
    pub fn written(&mut self) {
        let done = self.writing.min(self.changes.len());
        self.changes.drain(..done);
        self.writing = 0;
    }

    /// The write failed: its changes stay pending for the next one.
    pub fn failed(&mut self) {
        self.writing = 0;
    }

    /// Drops everything pending (the profile was erased): what comes next
    /// is made on no record.
    pub fn clear(&mut self) {
        self.changes.clear();
        self.writing = 0;
        self.base = None;
    }

    /// The epoch of the stored record the pending changes were made on.
    pub fn base(&self) -> Option<u64> {
        self.base
    }

    /// The changes are now made on the record of epoch `epoch` (read at
    /// open, or just written).
    pub fn based_on(&mut self, epoch: Option<u64>) {
        self.base = epoch;
    }

    /// Before a merge replays the pending changes onto the stored record of
    /// epoch `stored` (none when nothing is stored): if the record they were
    /// made on is gone (erased, by this tab or another, maybe recreated
    /// since), they predate the erase and are dropped. Returns whether they
    /// were kept. Either way the stored epoch becomes the base.
    pub fn settle(&mut self, stored: Option<u64>) -> bool {
        let kept = self.base.is_none() || self.base == stored;
        if !kept {
            self.changes.clear();
            self.writing = 0;
        }
        self.base = stored;
        kept
    }
}
