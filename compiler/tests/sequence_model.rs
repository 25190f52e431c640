//! `flaneur catalog build --sequence-model`: a model written by Python's
//! `safetensors` and `numpy` (the venv `scripts/install.sh test` makes under
//! `target/model-venv`) is packed into the catalog and runs there as numpy
//! runs it; malformed and hostile model files are refused with the tensor named.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flaneur::catalog::{Catalog, ModelShape, VectorKind};
use flaneur::sequence::{Encoder, Step};
use flaneur::util::f16::round_to_f16;
use flaneur_compiler::sequence_model::{self, Packed};

const BIN: &str = env!("CARGO_BIN_EXE_flaneur");
/// Set to 1 to skip the Python test when its venv is absent (it runs by default).
const SKIP_VAR: &str = "FLANEUR_SKIP_PYTHON_TESTS";

/// Six items; the model knows a, b, c, d (d below the support floor) and one the feed lacks.
const FEED: &str = r#"{"version":1,"shop":"seq","items":[
  {"id":"a","title":"Red wool sweater","category":"Women > Knitwear"},
  {"id":"b","title":"Blue wool scarf","category":"Women > Accessories"},
  {"id":"c","title":"Leather boots","category":"Shoes"},
  {"id":"d","title":"Grey wool sweater","category":"Women > Knitwear"},
  {"id":"e","title":"Wool cardigan","category":"Women > Knitwear"},
  {"id":"f","title":"Suede boots","category":"Shoes"}]}"#;

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sequence-model");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    dir.join(name)
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("the flaneur binary runs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn feed() -> PathBuf {
    let path = tmp("feed.json");
    std::fs::write(&path, FEED).unwrap();
    path
}

/// The venv's python, or `None` (with a message) when it is absent and the skip is asked for.
fn python() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = root.join("target/model-venv/bin/python");
    if python.exists() {
        return Some(python);
    }
    if std::env::var(SKIP_VAR).is_ok_and(|v| v == "1") {
        eprintln!(
            "SKIPPED: {} is absent and {SKIP_VAR}=1 (scripts/install.sh model-venv makes it)",
            python.display()
        );
        return None;
    }
    panic!(
        "{} is absent: run `scripts/install.sh model-venv` (part of `make test`), or set \
         {SKIP_VAR}=1 to skip this test",
        python.display()
    );
}

fn floats(v: &serde_json::Value) -> Vec<f32> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect()
}

#[test]
fn a_model_written_by_python_is_packed_and_runs_as_numpy_runs_it() {
    let Some(python) = python() else { return };
    let (model, reference) = (tmp("py.safetensors"), tmp("py-reference.json"));
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sequence/write_model.py");
    let o = Command::new(&python).arg(&script).arg(&model).arg(&reference).output().unwrap();
    assert!(o.status.success(), "the Python script failed: {}", text(&o));
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&reference).unwrap()).unwrap();

    let out = tmp("py.bin");
    let (feed, model_arg) = (feed(), model.to_str().unwrap().to_string());
    let o = run(&[
        "catalog",
        "build",
        feed.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--sequence-model",
        &model_arg,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(
            "sequence model: d 8, 2 heads, 2 blocks, window 6: 3 items learned, 3 fallback \
             (mapped from their vectors), 0 zero; 1 model items not in the feed, 1 below \
             --min-support 5"
        ),
        "{}",
        text(&o)
    );
    let catalog = Catalog::from_binary(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!((catalog.vector_kind(), catalog.vectors().dims()), (VectorKind::Sequence, 8));
    let m = catalog.sequence_model().unwrap();
    let shape = ModelShape { dims: 8, heads: 2, max_len: 6, ffn: 16, blocks: 2, events: true };
    assert_eq!(m.shape(), shape);
    // f16 in the file stays as it was; f32 is rounded to f16.
    let up: Vec<f32> = floats(&reference["up_weight_0"]);
    assert_eq!(m.blocks()[0].up.weight, up);
    let key: Vec<f32> = floats(&reference["key_weight_1"]).into_iter().map(round_to_f16).collect();
    assert_eq!(m.blocks()[1].key.weight, key);
    // The learned embeddings are the vectors of a, b, c, within half a quantization step.
    for id in ["a", "b", "c"] {
        let i = catalog.index_of(id).unwrap();
        let want = floats(&reference["embeddings"][id]);
        let (_, scale) = catalog.vectors().get(i);
        for (x, y) in catalog.vectors().dequantize(i).iter().zip(&want) {
            assert!((x - y).abs() <= scale / 2.0 + 1e-6, "{id}: {x} vs {y}");
        }
    }
    // d (support 2) was mapped from its content vector, not taken from the model.
    let d = catalog.index_of("d").unwrap();
    let learned_d = floats(&reference["embeddings"]["d"]);
    assert_ne!(catalog.vectors().dequantize(d), learned_d);
    assert!(catalog.vectors().norm(d) > 0.0);

    // The device's encoder gives numpy's h and attention.
    let mut encoder = Encoder::new();
    for step in reference["steps"].as_array().unwrap() {
        let item = catalog.index_of(step[0].as_str().unwrap()).unwrap() as u32;
        let kind = step[1].as_u64().unwrap() as u8;
        assert!(encoder.push(m, catalog.vectors(), Step { item, kind }));
    }
    for (what, got, want) in [
        ("h", encoder.state().unwrap(), floats(&reference["h"])),
        ("attention", encoder.attention().unwrap(), floats(&reference["attention"])),
    ] {
        assert_eq!(got.len(), want.len());
        for (i, (x, y)) in got.iter().zip(&want).enumerate() {
            assert!((x - y).abs() < 1e-3, "{what}[{i}]: flaneur {x}, numpy {y}");
        }
    }

    // --min-support 0 takes d's own; inspect shows the model.
    let o = run(&[
        "catalog",
        "build",
        feed.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--sequence-model",
        &model_arg,
        "--min-support",
        "0",
    ]);
    assert!(text(&o).contains("4 items learned, 2 fallback"), "{}", text(&o));
    let o = run(&["catalog", "inspect", out.to_str().unwrap()]);
    assert!(text(&o).contains("sequence model: d 8, 2 heads, 2 blocks, window 6, ffn 16"));
    // Without content vectors (--dims 0), the items the model lacks get zeros.
    let o = run(&[
        "catalog",
        "build",
        feed.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--sequence-model",
        &model_arg,
        "--dims",
        "0",
    ]);
    assert!(text(&o).contains("3 items learned, 0 fallback (mapped from their vectors), 3 zero"));
}

// ---------------------------------------------------------------------------
// Model files written here, byte by byte: refusals.

/// A tensor: name, dtype, shape, little-endian data.
type Tensor = (String, &'static str, Vec<usize>, Vec<u8>);

fn f32s(values: impl IntoIterator<Item = f32>) -> Vec<u8> {
    values.into_iter().flat_map(f32::to_le_bytes).collect()
}

/// The safetensors bytes: header length, header JSON, data.
fn safetensors(tensors: &[Tensor], metadata: &BTreeMap<&str, String>) -> Vec<u8> {
    let mut header = serde_json::Map::new();
    header.insert("__metadata__".into(), serde_json::to_value(metadata).unwrap());
    let mut data = Vec::new();
    for (name, dtype, shape, bytes) in tensors {
        let start = data.len();
        data.extend_from_slice(bytes);
        let offsets = [start, data.len()];
        let entry = serde_json::json!({"dtype": dtype, "shape": shape, "data_offsets": offsets});
        header.insert(name.clone(), entry);
    }
    let header = serde_json::to_string(&header).unwrap();
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(&data);
    out
}

const SHAPE: ModelShape =
    ModelShape { dims: 8, heads: 2, max_len: 4, ffn: 6, blocks: 2, events: false };
const ITEMS: [&str; 3] = ["a", "b", "zz"];

fn good_tensors() -> Vec<Tensor> {
    let mut out = vec![(
        "item_embedding".to_string(),
        "F32",
        vec![3, 8],
        f32s((0..24).map(|i| (i as f32 * 0.3).sin())),
    )];
    for (k, (name, shape)) in SHAPE.tensors().into_iter().enumerate() {
        let len: usize = shape.iter().product();
        out.push((name, "F32", shape, f32s((0..len).map(|i| ((i + k) as f32 * 0.7).cos() * 0.3))));
    }
    out
}

fn good_metadata() -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("format", "flaneur-sequence".to_string()),
        ("version", "1".to_string()),
        ("heads", "2".to_string()),
        ("items", serde_json::to_string(&ITEMS).unwrap()),
    ])
}

fn refusal(bytes: &[u8]) -> String {
    match sequence_model::parse(bytes) {
        Ok(_) => panic!("accepted"),
        Err(e) => e,
    }
}

#[test]
fn a_model_written_here_packs_with_every_listed_item_supported() {
    let bytes = safetensors(&good_tensors(), &good_metadata());
    let file = sequence_model::parse(&bytes).unwrap();
    assert_eq!(file.model.shape(), SHAPE);
    let mut catalog = Catalog::from_json_str(
        r#"{"version":1,"shop":"s","dims":2,"items":[
        {"id":"b","title":"B","category":"K","vector":[1,0]},
        {"id":"c","title":"C","category":"K","vector":[1,0.1]},
        {"id":"a","title":"A","category":"L","vector":[0,1]},
        {"id":"x","title":"X","category":"L","vector":[0,0]}]}"#,
    )
    .unwrap();
    let packed = sequence_model::attach(&mut catalog, file, 5).unwrap();
    let want = Packed { learned: 2, fallback: 1, zero: 1, not_in_catalog: 1, below_support: 0 };
    assert_eq!(packed, want, "no support metadata: every listed item counts");
    assert_eq!(catalog.vectors().norm(3), 0.0);
    // c's vector is close to b's (content [1, 0.1] against [1, 0]): the map carries it over.
    let (b, c) = (catalog.vectors().dequantize(0), catalog.vectors().dequantize(1));
    let cos = b.iter().zip(&c).map(|(x, y)| x * y).sum::<f32>()
        / (catalog.vectors().norm(0) * catalog.vectors().norm(1));
    assert!(cos > 0.9, "cosine {cos}");
    let again = Catalog::from_binary(&catalog.to_binary()).unwrap();
    assert_eq!(again.sequence_model(), catalog.sequence_model());
}

#[test]
fn malformed_model_files_are_refused_naming_the_tensor() {
    let meta = good_metadata();
    let with = |edit: &dyn Fn(&mut Vec<Tensor>)| {
        let mut t = good_tensors();
        edit(&mut t);
        safetensors(&t, &meta)
    };
    let set = |name: &'static str, f: &'static dyn Fn(&mut Tensor)| {
        move |t: &mut Vec<Tensor>| {
            let tensor = t.iter_mut().find(|x| x.0 == name).unwrap();
            f(tensor);
        }
    };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            with(&set("position_embedding", &|t| {
                t.2 = vec![4, 9];
                t.3.extend(f32s([0.0; 4]));
            })),
            "position_embedding: shape [4, 9], expected [4, 8]",
        ),
        (
            with(&|t| t.retain(|x| x.0 != "blocks.1.ffn.down.bias")),
            "blocks.1.ffn.down.bias: missing",
        ),
        (
            with(&set("blocks.0.attention.key.weight", &|t| {
                t.3[8..12].copy_from_slice(&f32::NAN.to_le_bytes())
            })),
            "blocks.0.attention.key.weight: value 2 is NaN",
        ),
        (
            with(&set("item_embedding", &|t| {
                t.3[0..4].copy_from_slice(&f32::INFINITY.to_le_bytes())
            })),
            "item_embedding: value 0 (row 0) is not finite",
        ),
        (
            with(&set("final_norm.bias", &|t| t.1 = "I32")),
            "final_norm.bias: dtype I32, expected F32, F16 or BF16",
        ),
        (
            with(&|t| {
                let mut extra = t[1].clone();
                extra.0 = "blocks.3.ffn.up.bias".into();
                t.push(extra);
            }),
            "blocks.3.ffn.up.bias: not a tensor of the format",
        ),
    ];
    for (bytes, expected) in cases {
        let reason = refusal(&bytes);
        assert!(reason.contains(expected), "expected {expected:?} in {reason:?}");
    }
    let good = good_tensors();
    let meta_with = |key: &'static str, value: &str| {
        let mut m = good_metadata();
        m.insert(key, value.to_string());
        safetensors(&good, &m)
    };
    for (bytes, expected) in [
        (meta_with("heads", "3"), "heads = 3: must divide d = 8"),
        (meta_with("heads", "two"), "__metadata__.heads: \"two\" is not a count"),
        (meta_with("format", "other"), "__metadata__.format"),
        (meta_with("version", "2"), "__metadata__.version: \"2\", this build reads \"1\""),
        (meta_with("items", r#"["a","a","b"]"#), "__metadata__.items: \"a\" is listed twice"),
        (meta_with("items", r#"["a"]"#), "__metadata__.items: 1 ids, item_embedding has 3 rows"),
        (meta_with("support", "[1,2]"), "__metadata__.support: 2 counts for 3 items"),
    ] {
        let reason = refusal(&bytes);
        assert!(reason.contains(expected), "expected {expected:?} in {reason:?}");
    }
}

#[test]
fn hostile_lengths_are_refused_before_anything_is_read() {
    let good = safetensors(&good_tensors(), &good_metadata());
    let mut huge = good.clone();
    huge[..8].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(refusal(&huge).contains("header length 18446744073709551615 bytes: at most 100000000"));
    let mut long = good.clone();
    long[..8].copy_from_slice(&99_000_000u64.to_le_bytes());
    assert!(refusal(&long).contains("header length 99000000 bytes, but the file has"));
    assert!(refusal(&good[..good.len() - 1]).contains("its header describes"));
    assert!(refusal(&good[..5]).contains("not a safetensors file"));
    // The file reader checks the size on disk before reading the data.
    let path = tmp("truncated.safetensors");
    std::fs::write(&path, &good[..good.len() - 4]).unwrap();
    let err = sequence_model::read(&path).err().unwrap();
    assert!(err.contains("its header describes"), "{err}");
    // And the command line names the file and exits 1.
    let feed = feed();
    let o = run(&[
        "catalog",
        "build",
        feed.to_str().unwrap(),
        "-o",
        tmp("never.bin").to_str().unwrap(),
        "--sequence-model",
        path.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("truncated.safetensors: the file has"), "{}", text(&o));
    assert!(!tmp("never.bin").exists());
}

/// Bytes of a good file replaced by a few values, and every truncation:
/// refused or read, never a panic (the fuzz target `sequence_model_file` goes further).
#[test]
fn mutated_files_never_panic() {
    let good = safetensors(&good_tensors(), &good_metadata());
    for len in 0..good.len() {
        assert!(sequence_model::parse(&good[..len]).is_err());
    }
    let mut read = 0;
    let header_end = 8 + u64::from_le_bytes(good[..8].try_into().unwrap()) as usize;
    // Every third byte of the length and the header; the data, here and there.
    for i in (0..header_end).step_by(3).chain((header_end..good.len()).step_by(97)) {
        for x in [0x00, 0xff, b'9', b'"', b']', 0x7f] {
            let mut bytes = good.clone();
            bytes[i] = x;
            read += usize::from(sequence_model::parse(&bytes).is_ok());
        }
    }
    assert!(read > 0, "data bytes changed to finite values still read");
}
