//! The encoder kept in step with a profile's sequence: a new step encodes one
//! position; anything else (a profile replaced by another tab's, an import, a
//! forgotten item) encodes the window again.

use super::{Encoder, Step};
use crate::catalog::Catalog;
use crate::profile::Sequence;

/// Most steps a sync encodes one by one before encoding the window again.
const MAX_PUSHES: usize = 8;

/// An [`Encoder`] over the steps of a profile's [`Sequence`] whose items the
/// catalog lists.
#[derive(Debug, Clone, Default)]
pub struct Tracker {
    encoder: Encoder,
    /// Counts the encoder's changes: whatever is derived from its state is
    /// stale once this moves on.
    generation: u64,
}

impl Tracker {
    /// Brings the encoder in step with `sequence`: when its steps end the
    /// sequence but for a few new ones, encodes those; else encodes the
    /// sequence's window from scratch. Does nothing without a model.
    pub fn sync(&mut self, catalog: &Catalog, sequence: &Sequence) {
        let Some(model) = catalog.sequence_model() else {
            self.reset();
            return;
        };
        let vectors = catalog.vectors();
        if let Some(new) = self.new_steps(catalog, sequence) {
            if new > 0 {
                self.generation = self.generation.wrapping_add(1);
            }
            for step in sequence.iter().skip(sequence.len() - new) {
                if let Some(item) = catalog.index_of(&step.item_id) {
                    let step = Step { item: item as u32, kind: step.kind.code() };
                    self.encoder.push(model, vectors, step);
                }
            }
            return;
        }
        let steps: Vec<Step> = sequence
            .iter()
            .filter_map(|s| {
                let item = catalog.index_of(&s.item_id)?;
                Some(Step { item: item as u32, kind: s.kind.code() })
            })
            .collect();
        self.generation = self.generation.wrapping_add(1);
        self.encoder.rebuild(model, vectors, &steps);
    }

    /// How many of the sequence's newest steps the encoder lacks, when the
    /// steps before them end with the encoder's own; `None` when they do not.
    /// The encoder may hold older steps than the sequence still does (it
    /// drops its oldest half only when its window is full): those are not
    /// compared, which is why whatever else changes a profile calls
    /// [`Tracker::reset`].
    fn new_steps(&self, catalog: &Catalog, sequence: &Sequence) -> Option<usize> {
        let known = self.encoder.steps();
        let same = |encoded: &Step, step: &crate::profile::SequenceStep| {
            encoded.kind == step.kind.code()
                && catalog.item(encoded.item as usize).id() == step.item_id
        };
        (0..=MAX_PUSHES.min(sequence.len())).find(|&new| {
            let before = sequence.len() - new;
            if known.is_empty() || before == 0 {
                return known.is_empty() && before == 0;
            }
            known
                .iter()
                .rev()
                .zip(sequence.iter().take(before).rev())
                .all(|(encoded, step)| same(encoded, step))
        })
    }

    /// Forgets the encoded window: the next sync encodes the sequence anew.
    /// For any change to a profile but a new step (a forgotten item, an
    /// import, another tab's profile), so that nothing it no longer holds
    /// lingers in the encoder.
    pub fn reset(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        self.encoder.clear();
    }

    /// Which state of the encoder this is: it moves on with every change
    /// (a new step, a window encoded again, a reset), never back.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The encoder, in step with the sequence of the last sync.
    pub fn encoder(&self) -> &Encoder {
        &self.encoder
    }
}
