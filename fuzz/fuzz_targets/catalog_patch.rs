//! Catalog patches (issue #22): with the first byte even, the input is a
//! patch applied to a valid part (refused, or exactly the file it names, in
//! bounded memory); odd, the input edits that part (bytes replaced, inserted,
//! removed) and the patch `diff` writes from the part to the edit must
//! rebuild the edit exactly.
#![no_main]
use flaneur::util::patch::{apply, apply_within, diff};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let (_, files) = flaneur_fuzz::sharded(false);
    let old = &files[0].1;
    if mode % 2 == 0 {
        let _ = apply_within(old, rest, 1 << 20);
        return;
    }
    let mut new = old.clone();
    for edit in rest.chunks_exact(4) {
        let at = usize::from(u16::from_le_bytes([edit[0], edit[1]])) % (new.len() + 1);
        match edit[2] % 3 {
            0 if at < new.len() => new[at] = edit[3],
            1 => new.insert(at, edit[3]),
            _ if at < new.len() => {
                new.remove(at);
            }
            _ => {}
        }
    }
    let patch = diff(old, &new);
    assert_eq!(apply(old, &patch).ok().as_deref(), Some(new.as_slice()), "diff then apply");
});
