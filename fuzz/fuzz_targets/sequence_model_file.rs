//! The catalog compiler's safetensors reader (`--sequence-model`,
//! `flaneur_compiler::sequence_model::parse`): any bytes. What it accepts is
//! packed into a small catalog, which must survive its round trip and run.
#![no_main]
use flaneur::catalog::Catalog;
use flaneur_compiler::sequence_model;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = sequence_model::parse(data) else { return };
    let mut catalog = Catalog::from_json_str(
        r#"{"version":1,"shop":"s","dims":2,"items":[
        {"id":"a","title":"A","category":"K","vector":[1,0]},
        {"id":"b","title":"B","category":"L","vector":[0.5,0.5]}]}"#,
    )
    .expect("a valid catalog");
    if sequence_model::attach(&mut catalog, file, 0).is_ok() {
        flaneur_fuzz::round_trip(&catalog);
        flaneur_fuzz::run_model(&catalog);
    }
});
