//! Keeping the stored record and the other tabs up to date.
//!
//! A change (event, slate shown, forget, preferences, import) is applied to
//! the engine at once and kept in the [`Journal`]; writing is scheduled on a
//! microtask, so the changes a page makes in one task are stored in one
//! write, and while a write is under way new changes wait for the next one.
//! Each write merges: it replays the pending changes onto the record as
//! stored now (`Engine::rebase`), so two tabs never lose each other's events.
//! After a write, a message on the `BroadcastChannel` `flaneur:<shopId>`
//! (it carries only the word `saved`, `erased` or `revoked`, never profile
//! data) tells the other tabs to take the new record in (or to forget, or to
//! keep nothing more).

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{BroadcastChannel, MessageEvent};

use rand::SeedableRng;
use rand::rngs::SmallRng;

use super::consent_mode::Consent;
use super::parts::Sharded;
use super::store::{Merge, Store, Stored};
use crate::catalog::dates::day_of;
use crate::journal::{Change, Journal};
use crate::ldp::Report;
use crate::{Applied, Engine, Error};

/// Everything a personalizer holds, shared with the write and sync tasks.
pub(crate) struct State {
    /// The catalog, the profile and the preferences.
    pub engine: Engine,
    /// Changes not yet stored.
    pub journal: Journal,
    /// Where writes go now (memory after a failure).
    pub store: Store,
    /// Where the profile was kept when the page opened: erased even after a
    /// failure switched writes to memory.
    pub home: Store,
    /// What went wrong with storage, for `profile()`.
    pub notices: Vec<String>,
    /// How many unreadable records are set aside (expire after 30 days).
    pub quarantined: u32,
    /// The channel to the shop's other tabs (none for memory).
    pub channel: Option<BroadcastChannel>,
    /// Whether the profile may be kept (`open`'s `consent`, then grant and revoke).
    pub consent: Consent,
    /// The manifest and the parts held, when opened on a sharded catalog:
    /// `addPart` joins them again with a new shard into the engine's catalog.
    pub sharded: Option<Sharded>,
    writing: bool,
    scheduled: bool,
    /// Completed writes and erasures: a read older than this is stale.
    generation: u64,
    /// `flush()` calls waiting for the journal to empty.
    waiters: Vec<js_sys::Function>,
}

/// The shared state.
pub(crate) type Shared = Rc<RefCell<State>>;

impl State {
    /// The state of a freshly opened personalizer.
    pub(crate) fn new(
        engine: Engine,
        store: Store,
        notices: Vec<String>,
        channel: Option<BroadcastChannel>,
    ) -> State {
        State {
            engine,
            journal: Journal::default(),
            home: store.clone(),
            store,
            notices,
            quarantined: 0,
            channel,
            consent: Consent::Implied,
            sharded: None,
            writing: false,
            scheduled: false,
            generation: 0,
            waiters: Vec::new(),
        }
    }

    /// Keeps an applied change for the next write (memory keeps nothing,
    /// unless consent may still be granted: then it is stored at the grant).
    pub(crate) fn keep(&mut self, change: Change) {
        if !self.store.is_memory() || self.consent == Consent::Required {
            self.journal.push(change);
        }
    }

    /// Completed writes and erasures so far.
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// Forgets everything in this tab: the profile, the preferences, the
    /// pending changes; stale reads in flight are ignored.
    pub(crate) fn clear(&mut self) {
        self.journal.clear();
        self.engine.rebase(None, &[]);
        self.generation += 1;
    }

    /// Tells the other tabs what happened (`saved` or `erased`).
    pub(crate) fn announce(&self, what: &str) {
        if let Some(channel) = &self.channel {
            let _ = channel.post_message(&JsValue::from_str(what));
        }
    }

    fn settle_waiters(&mut self) {
        for resolve in self.waiters.drain(..) {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}

/// The one path of a change the page makes: the engine applies it, the
/// journal keeps it if it must be stored ([`Applied::is_kept`]; memory keeps
/// nothing), and a write is scheduled. An erroneous change changes nothing;
/// a call made from inside another call is [`Error::Busy`].
pub(crate) fn commit(shared: &Shared, change: Change) -> Result<Applied, Error> {
    let applied = {
        let mut state = shared.try_borrow_mut().map_err(|_| Error::Busy)?;
        let applied = state.engine.apply(&change)?;
        if applied.is_kept() {
            state.keep(change);
        }
        applied
    };
    schedule(shared);
    Ok(applied)
}

/// Schedules a write of the pending changes, unless one is scheduled or under way.
pub(crate) fn schedule(shared: &Shared) {
    let Ok(mut state) = shared.try_borrow_mut() else { return };
    if state.scheduled || state.writing || state.journal.is_empty() {
        return;
    }
    state.scheduled = true;
    drop(state);
    spawn_local(write_pending(shared.clone()));
}

/// A promise that resolves once everything recorded so far is stored (or
/// storing it failed, which leaves a notice).
pub(crate) fn flushed(shared: &Shared) -> Option<Promise> {
    let promise = {
        let mut state = shared.try_borrow_mut().ok()?;
        if state.journal.is_empty() && !state.writing {
            return None;
        }
        Promise::new(&mut |resolve, _| state.waiters.push(resolve))
    };
    schedule(shared);
    Some(promise)
}

/// Writes until nothing is pending.
async fn write_pending(shared: Shared) {
    loop {
        let (store, generation) = {
            let Ok(mut state) = shared.try_borrow_mut() else { return };
            state.scheduled = false;
            if state.journal.is_empty() {
                state.writing = false;
                state.settle_waiters();
                return;
            }
            state.writing = true;
            (state.store.clone(), state.generation)
        };
        let result = store.write(merge(Rc::downgrade(&shared), generation, None)).await;
        let Ok(mut state) = shared.try_borrow_mut() else { return };
        let carried = state.journal.writing();
        match result {
            Ok(()) if carried > 0 => {
                state.journal.written();
                state.generation += 1;
                state.announce("saved");
            }
            // The merge stored nothing (a newer record, or the profile was
            // erased meanwhile): nothing more to do for these changes now.
            Ok(()) => {
                state.writing = false;
                state.settle_waiters();
                return;
            }
            Err(failure) => {
                state.notices.push(failure.notice());
                state.store = Store::Memory;
                state.journal.clear();
            }
        }
    }
}

/// A last step of a merge, on the merged engine: whether to store the result.
type Step = Box<dyn FnOnce(&mut Engine) -> bool>;

/// The merge a write runs inside its transaction: the latest stored record
/// plus this tab's pending changes, then `step` if given. It stores nothing
/// if the profile was erased since the write began, if the record is from a
/// newer flaneur (which switches this page to memory), or if `step` says so.
fn merge(shared: Weak<RefCell<State>>, generation: u64, step: Option<Step>) -> Merge {
    Box::new(move |stored| {
        let shared = shared.upgrade()?;
        let mut state = shared.try_borrow_mut().ok()?;
        let state = &mut *state;
        if state.generation != generation {
            return None;
        }
        let (base, epoch) = match stored {
            Stored::Nothing => (None, None),
            Stored::Found(record) => {
                let epoch = Some(record.epoch);
                (Some(*record), epoch)
            }
            // Set aside, not erased: the changes still belong.
            Stored::Unreadable(err) => {
                state.notices.push(unreadable_notice(&err));
                state.quarantined = state.quarantined.max(1);
                (None, state.journal.base())
            }
            Stored::Newer { found } => {
                state.notices.push(newer_notice(found));
                state.store = Store::Memory;
                state.journal.clear();
                return None;
            }
        };
        // Changes made on a record erased since are dropped, never written back.
        if !state.journal.settle(epoch) && step.is_none() {
            state.engine.rebase(base, &[]);
            return None;
        }
        state.engine.rebase(base, state.journal.pending());
        if let Some(step) = step {
            if !step(&mut state.engine) {
                return None;
            }
        }
        state.journal.begin();
        let epoch = epoch.unwrap_or_else(new_epoch);
        state.journal.based_on(Some(epoch));
        let mut snapshot = state.engine.snapshot(js_sys::Date::now() as i64);
        snapshot.epoch = epoch;
        Some(snapshot.to_bytes())
    })
}

/// The epoch of a record written where none is stored: a random number.
fn new_epoch() -> u64 {
    super::args::random_seed().unwrap_or_else(|_| js_sys::Date::now() as u64)
}

/// Makes the LDP report of the period since the last one, if the shopper
/// opted in and no report was made today, and stores the spent ledger: the
/// report is returned only once the record that spends its ε is stored.
///
/// It runs as a write of its own (after any write under way), whose merge
/// reads the latest stored record inside the store's transaction, which the
/// browser serializes across tabs: two tabs cannot both spend the same
/// budget. Memory storage makes no report (the budget could not outlive the
/// page); a failed write makes none either, and leaves a notice.
pub(crate) async fn report(shared: &Shared, epsilon: f64, seed: u64) -> Option<Report> {
    let (store, generation) = loop {
        let promise = {
            let mut state = shared.try_borrow_mut().ok()?;
            if state.store.is_memory() {
                return None;
            }
            if !state.writing && !state.scheduled {
                state.writing = true;
                break (state.store.clone(), state.generation);
            }
            Promise::new(&mut |resolve, _| state.waiters.push(resolve))
        };
        wait(promise).await;
    };
    let made: Rc<RefCell<Option<Report>>> = Rc::default();
    let slot = made.clone();
    let step: Step = Box::new(move |engine: &mut Engine| {
        let today = day_of(js_sys::Date::now() as i64);
        let report =
            engine.report(today, epsilon, &mut SmallRng::seed_from_u64(seed)).ok().flatten();
        let made = report.is_some();
        *slot.borrow_mut() = report;
        made
    });
    let result = store.write(merge(Rc::downgrade(shared), generation, Some(step))).await;
    let mut report = made.borrow_mut().take();
    if let Ok(mut state) = shared.try_borrow_mut() {
        state.writing = false;
        match result {
            Ok(()) if report.is_some() => {
                state.journal.written();
                state.generation += 1;
                state.announce("saved");
            }
            Ok(()) => {}
            Err(failure) => {
                report = None;
                state.notices.push(failure.notice());
                state.store = Store::Memory;
                state.journal.clear();
            }
        }
        if state.journal.is_empty() {
            state.settle_waiters();
        }
    }
    schedule(shared);
    report
}

/// The notice for a stored record that could not be read (and was set aside).
pub(crate) fn unreadable_notice(err: &Error) -> String {
    format!(
        "{}: the stored profile could not be read ({err}); it was set aside and a fresh profile \
         started",
        err.code()
    )
}

/// The notice for a record written by a newer flaneur.
pub(crate) fn newer_notice(found: u32) -> String {
    format!(
        "PROFILE_VERSION: the stored profile was written by a newer flaneur (format {found}); \
         it is kept as it is and this page works in memory"
    )
}

/// Opens the channel to the shop's other tabs and listens on it. The
/// returned closure must live as long as the personalizer.
pub(crate) fn listen(shared: &Shared, key: &str) -> Option<Closure<dyn FnMut(MessageEvent)>> {
    let channel = BroadcastChannel::new(&format!("flaneur:{key}")).ok()?;
    let weak = Rc::downgrade(shared);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(shared) = weak.upgrade() else { return };
        match event.data().as_string().as_deref() {
            Some("saved") => spawn_local(take_in(shared)),
            Some("erased") => {
                if let Ok(mut state) = shared.try_borrow_mut() {
                    state.clear();
                }
            }
            // Consent was withdrawn in another tab: keep nothing more here either.
            Some("revoked") => {
                if let Ok(mut state) = shared.try_borrow_mut() {
                    state.clear();
                    state.consent = Consent::Required;
                    state.store = Store::Memory;
                    state.home = Store::Memory;
                    if let Some(channel) = state.channel.take() {
                        channel.close();
                    }
                }
            }
            _ => {}
        }
    });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    shared.borrow_mut().channel = Some(channel);
    Some(on_message)
}

/// Takes in a record another tab stored: the engine becomes that record
/// with this tab's pending changes replayed on it. Skipped when this tab is
/// writing (its write merges anyway) or wrote since the read began.
async fn take_in(shared: Shared) {
    let (store, generation) = {
        let Ok(state) = shared.try_borrow() else { return };
        if state.writing || state.scheduled {
            return;
        }
        (state.store.clone(), state.generation)
    };
    let stored = store.read().await;
    let Ok(mut state) = shared.try_borrow_mut() else { return };
    if state.writing || state.generation != generation {
        return;
    }
    let state = &mut *state;
    let (base, epoch) = match stored {
        Stored::Found(record) => {
            let epoch = Some(record.epoch);
            (Some(*record), epoch)
        }
        Stored::Nothing => (None, None),
        Stored::Newer { .. } | Stored::Unreadable(_) => return,
    };
    state.journal.settle(epoch);
    state.engine.rebase(base, state.journal.pending());
}

/// Waits for `promise` (a [`flushed`] promise).
pub(crate) async fn wait(promise: Promise) {
    let _ = JsFuture::from(promise).await;
}
