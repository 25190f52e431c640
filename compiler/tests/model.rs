//! `flaneur model train` and the reference forward pass (docs/FORMATS.md,
//! "Sequence model v1"), on small synthetic logs that train in seconds.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::Command;

use candle_core::{Device, Tensor};
use flaneur_compiler::model::events::{self, Sequences};
use flaneur_compiler::model::export;
use flaneur_compiler::model::reference::{forward_last, scores};
use flaneur_compiler::model::rng::Rng;
use flaneur_compiler::model::sasrec::{Dims, Sasrec};
use flaneur_compiler::model::train::{Options, train};
use safetensors::SafeTensors;

const BIN: &str = env!("CARGO_BIN_EXE_flaneur");

/// A log where item `i` is always followed by item `i + 1 (mod items)`:
/// user `u` starts at item `u % items`, with 8 to 15 events.
fn cyclic_csv(users: usize, items: usize) -> String {
    let mut text = String::from("user,item,timestamp,event\n");
    for u in 0..users {
        for k in 0..8 + u % 8 {
            let kind = ["view", "addToCart", "purchase"][(u + k) % 3];
            text.push_str(&format!("u{u},item{},{},{kind}\n", (u + k) % items, 1000 + k));
        }
    }
    text
}

fn small() -> Options {
    Options {
        dims: 16,
        blocks: 1,
        heads: 2,
        max_len: 12,
        ffn: 16,
        batch: 16,
        lr: 1e-2,
        max_epochs: 20,
        patience: 5,
        negatives: 8,
        dropout: 0.1,
        seed: 7,
        ..Options::default()
    }
}

fn cyclic() -> Sequences {
    events::parse(cyclic_csv(64, 12).as_bytes(), "cyclic.csv").unwrap()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flaneur-model-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn learns_the_next_item_of_a_cycle() {
    let data = cyclic();
    let trained = train(&data, &small(), &mut |_| {}).unwrap();
    let best = &trained.epochs[trained.best - 1];
    assert!(best.validation.ndcg > 0.8, "validation NDCG@10 {}", best.validation.ndcg);
    // Top-1 on the full history (the held-out event included) of every user.
    let mut right = 0;
    for history in &data.users {
        let window = &history[history.len().saturating_sub(12)..];
        let s = scores(&trained.model, window).unwrap();
        let top = (0..s.len()).max_by(|&a, &b| s[a].total_cmp(&s[b])).unwrap();
        let next =
            (data.items[window.last().unwrap().0 as usize][4..].parse::<usize>().unwrap() + 1) % 12;
        right += usize::from(data.items[top] == format!("item{next}"));
    }
    assert!(right * 4 >= data.users.len() * 3, "{right} of {} top-1", data.users.len());
}

#[test]
fn the_file_has_the_spec_tensors_and_metadata() {
    let data = cyclic();
    let options = Options { max_epochs: 1, ..small() };
    let trained = train(&data, &options, &mut |_| {}).unwrap();
    let bytes = export::to_bytes(&trained.model, &data.items, &trained.support).unwrap();
    let file = SafeTensors::deserialize(&bytes).unwrap();
    let mut shapes: HashMap<String, Vec<usize>> =
        file.tensors().into_iter().map(|(name, view)| (name, view.shape().to_vec())).collect();
    let (n, d, f, l) = (12, 16, 16, 12);
    let mut expected: Vec<(String, Vec<usize>)> = vec![
        ("item_embedding".into(), vec![n, d]),
        ("position_embedding".into(), vec![l, d]),
        ("event_embedding".into(), vec![3, d]),
        ("final_norm.weight".into(), vec![d]),
        ("final_norm.bias".into(), vec![d]),
    ];
    for p in ["attention_norm", "ffn_norm"] {
        expected.push((format!("blocks.0.{p}.weight"), vec![d]));
        expected.push((format!("blocks.0.{p}.bias"), vec![d]));
    }
    for p in ["query", "key", "value", "output"] {
        expected.push((format!("blocks.0.attention.{p}.weight"), vec![d, d]));
        expected.push((format!("blocks.0.attention.{p}.bias"), vec![d]));
    }
    expected.push(("blocks.0.ffn.up.weight".into(), vec![f, d]));
    expected.push(("blocks.0.ffn.up.bias".into(), vec![f]));
    expected.push(("blocks.0.ffn.down.weight".into(), vec![d, f]));
    expected.push(("blocks.0.ffn.down.bias".into(), vec![d]));
    for (name, shape) in expected {
        assert_eq!(shapes.remove(&name), Some(shape), "{name}");
    }
    assert!(shapes.is_empty(), "unexpected tensors {:?}", shapes.keys());
    for (_, view) in file.tensors() {
        assert_eq!(view.dtype(), safetensors::Dtype::F32);
    }
    let (_, header) = SafeTensors::read_metadata(&bytes).unwrap();
    let meta = header.metadata().clone().unwrap();
    let mut keys: Vec<&str> = meta.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["format", "heads", "items", "support", "version"]);
    assert_eq!(meta["format"], "flaneur-sequence");
    assert_eq!(meta["version"], "1");
    assert_eq!(meta["heads"], "2");
    let items: Vec<String> = serde_json::from_str(&meta["items"]).unwrap();
    assert_eq!(items, data.items);
    // Support: occurrences in the training sequences (each user's last event held out).
    let support: Vec<u64> = serde_json::from_str(&meta["support"]).unwrap();
    let mut counts = vec![0u64; n];
    for history in &data.users {
        history[..history.len() - 1].iter().for_each(|e| counts[e.0 as usize] += 1);
    }
    assert_eq!(support, counts);
    // Read back: the same model, the same forward pass.
    let loaded = export::from_bytes(&bytes).unwrap();
    let window = &data.users[3][..5];
    assert_eq!(
        forward_last(&loaded.model, window).unwrap(),
        forward_last(&trained.model, window).unwrap()
    );
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let csv = temp("cyclic.csv");
    std::fs::write(&csv, cyclic_csv(40, 10)).unwrap();
    let run = |seed: &str, out: &str| {
        let out = temp(out);
        let args = ["model", "train", csv.to_str().unwrap(), "-o", out.to_str().unwrap()];
        let small = [
            "--seed",
            seed,
            "--dims",
            "8",
            "--blocks",
            "2",
            "--max-len",
            "8",
            "--ffn",
            "8",
            "--batch",
            "8",
            "--max-epochs",
            "2",
            "--negatives",
            "4",
        ];
        let output = Command::new(BIN).args(args).args(small).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let stdout = String::from_utf8_lossy(&output.stdout).to_string();
        assert!(stdout.contains("epoch   2  loss"), "{stdout}");
        std::fs::read(out).unwrap()
    };
    let a = run("3", "a.safetensors");
    assert_eq!(a, run("3", "b.safetensors"));
    assert_ne!(a, run("4", "c.safetensors"));
}

#[test]
fn bad_input_names_the_line() {
    let cases = [
        ("user,item\nu,a\n", "line 1, column timestamp: missing column \"timestamp\""),
        ("user,item,timestamp\nu,a,1\nu,b,tomorrow\n", "line 3, column timestamp: \"tomorrow\""),
        ("item,timestamp,user\na,1,u\n,2,u\n", "line 3, column item: empty"),
    ];
    for (i, (text, message)) in cases.into_iter().enumerate() {
        let csv = temp(&format!("bad{i}.csv"));
        std::fs::write(&csv, text).unwrap();
        let out = temp("bad.safetensors");
        let args = ["model", "train", csv.to_str().unwrap(), "-o", out.to_str().unwrap()];
        let output = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{stderr}");
    }
}

/// The spec's forward pass in plain loops, independent of candle.
fn spec_forward(model: &Sasrec, window: &[(u32, u8)]) -> Vec<f32> {
    let get = |name: &str| model.tensors[name].flatten_all().unwrap().to_vec1::<f32>().unwrap();
    let dm = model.dims;
    let (d, f, n, h) = (dm.dims, dm.ffn, window.len(), dm.heads);
    let dh = d / h;
    let norm = |x: &[f32], name: &str| -> Vec<f32> {
        let (w, b) = (get(&format!("{name}.weight")), get(&format!("{name}.bias")));
        let mean = x.iter().sum::<f32>() / d as f32;
        let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / d as f32;
        (0..d).map(|i| (x[i] - mean) / (var + 1e-5).sqrt() * w[i] + b[i]).collect()
    };
    let linear = |x: &[f32], name: &str| -> Vec<f32> {
        let (w, b) = (get(&format!("{name}.weight")), get(&format!("{name}.bias")));
        let rows = b.len();
        (0..rows)
            .map(|o| b[o] + (0..x.len()).map(|i| w[o * x.len() + i] * x[i]).sum::<f32>())
            .collect()
    };
    let (e, p, t) = (get("item_embedding"), get("position_embedding"), get("event_embedding"));
    let mut x: Vec<Vec<f32>> = window
        .iter()
        .enumerate()
        .map(|(pos, &(item, kind))| {
            (0..d)
                .map(|i| e[item as usize * d + i] + p[pos * d + i] + t[kind as usize * d + i])
                .collect()
        })
        .collect();
    for blk in 0..dm.blocks {
        let pre = format!("blocks.{blk}.");
        let a: Vec<Vec<f32>> = x.iter().map(|r| norm(r, &format!("{pre}attention_norm"))).collect();
        let proj = |part: &str| -> Vec<Vec<f32>> {
            a.iter().map(|r| linear(r, &format!("{pre}attention.{part}"))).collect()
        };
        let (q, k, v) = (proj("query"), proj("key"), proj("value"));
        for pos in 0..n {
            let mut o = vec![0f32; d];
            for head in 0..h {
                let s = head * dh..(head + 1) * dh;
                let logits: Vec<f32> = (0..=pos)
                    .map(|j| {
                        let dot: f32 = s.clone().map(|i| q[pos][i] * k[j][i]).sum();
                        dot / (dh as f32).sqrt()
                    })
                    .collect();
                let max = logits.iter().copied().fold(f32::MIN, f32::max);
                let w: Vec<f32> = logits.iter().map(|l| (l - max).exp()).collect();
                let sum: f32 = w.iter().sum();
                for (j, wj) in w.iter().enumerate() {
                    for i in s.clone() {
                        o[i] += wj / sum * v[j][i];
                    }
                }
            }
            let o = linear(&o, &format!("{pre}attention.output"));
            x[pos].iter_mut().zip(o).for_each(|(xi, oi)| *xi += oi);
        }
        for row in x.iter_mut() {
            let up = linear(&norm(row, &format!("{pre}ffn_norm")), &format!("{pre}ffn.up"));
            let up: Vec<f32> = up.into_iter().map(|u| u.max(0.0)).collect();
            assert_eq!(up.len(), f);
            let down = linear(&up, &format!("{pre}ffn.down"));
            row.iter_mut().zip(down).for_each(|(xi, di)| *xi += di);
        }
    }
    norm(&x[n - 1], "final_norm")
}

#[test]
fn the_reference_forward_is_the_spec_forward() {
    let dims = Dims { items: 9, dims: 8, blocks: 2, heads: 2, max_len: 6, ffn: 12, events: true };
    let mut rng = Rng::new(5);
    let mut tensors = BTreeMap::new();
    for (name, shape) in dims.tensors() {
        let count: usize = shape.iter().product();
        let values: Vec<f32> = (0..count).map(|_| rng.normal() * 0.5).collect();
        tensors.insert(name, Tensor::from_vec(values, shape, &Device::Cpu).unwrap());
    }
    let model = Sasrec::new(dims, tensors).unwrap();
    let window = [(3, 0), (1, 2), (8, 1), (3, 0), (0, 2), (5, 0)];
    for n in 1..=6 {
        let ours = forward_last(&model, &window[..n]).unwrap();
        let spec = spec_forward(&model, &window[..n]);
        for (a, b) in ours.iter().zip(&spec) {
            assert!((a - b).abs() < 1e-4, "n = {n}: {ours:?} vs {spec:?}");
        }
    }
    let bytes = export::to_bytes(&model, &vec!["x".to_string(); 9], &[0; 9]).unwrap();
    let loaded = export::from_bytes(&bytes).unwrap();
    assert_eq!(
        forward_last(&loaded.model, &window).unwrap(),
        forward_last(&model, &window).unwrap()
    );
    assert!(forward_last(&model, &[(9, 0)]).is_err());
    assert!(forward_last(&model, &[(1, 3)]).is_err());
    assert!(forward_last(&model, &[(1, 0); 7]).is_err());
}
