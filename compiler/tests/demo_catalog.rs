//! The demo's binary catalog (`www/demo/catalog.bin`, what the storefront's
//! engine opens) is exactly what the compiler makes of the demo's JSON catalog
//! and its sequence model: `make demo-model` writes both, and this keeps them
//! from drifting apart.

use std::path::Path;
use std::process::Command;

use flaneur::catalog::{Catalog, VectorKind};

const BIN: &str = env!("CARGO_BIN_EXE_flaneur");

#[test]
fn the_demo_catalog_bin_is_the_json_catalog_with_its_model() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/demo");
    let out = std::env::temp_dir().join(format!("flaneur-demo-{}.bin", std::process::id()));
    let status = Command::new(BIN)
        .args(["catalog", "build"])
        .arg(demo.join("catalog.json"))
        .arg("--sequence-model")
        .arg(demo.join("model.safetensors"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let built = std::fs::read(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    let shipped = std::fs::read(demo.join("catalog.bin")).unwrap();
    assert!(built == shipped, "www/demo/catalog.bin is stale: run make demo-model");
    let catalog = Catalog::from_binary(&shipped).unwrap();
    assert_eq!(catalog.vector_kind(), VectorKind::Sequence);
    let model = catalog.sequence_model().unwrap();
    assert_eq!((model.dims(), model.max_len()), (32, 50));
    assert!(model.event_embedding().is_some(), "the session log has event types");
}
