//! The flaneur sequence model's route, as a shop would run it: the training
//! sequences written as `user,item,timestamp`, `flaneur model train` (reused
//! when its inputs and settings are unchanged), then `flaneur catalog build
//! --sequence-model`. Every step that cannot run yet (a compiler without
//! these subcommands) is a skip with its reason, not an error.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use flaneur::catalog::Catalog;

use super::movielens_catalog as catalog;
use super::movielens_data::Dataset;

/// The trainer's seed.
pub const SEED: u64 = 1;
/// The trainer's settings besides the seed: softmax over every item (the
/// stronger loss on a catalog of a few thousand items, docs/FORMATS.md), and a
/// time budget that keeps each model within the hour on two cores
/// (so the number of epochs, and the model, depend on the machine's speed).
pub const TRAIN_ARGS: [&str; 8] =
    ["--negatives", "0", "--batch", "64", "--lr", "3e-3", "--max-minutes", "50"];

/// A trained model file.
#[derive(Debug, Clone)]
pub struct Trained {
    pub model: PathBuf,
    /// Training time; 0 when the file was reused.
    pub seconds: f64,
    pub reused: bool,
}

/// Writes every training user's training interactions (no test item) as
/// `user,item,timestamp`, each user's in sequence order (the split's tie
/// order), the item being the catalog's item id; returns the rows written.
pub fn write_train_csv(train: &Dataset, path: &Path) -> Result<usize, String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut rows = 0;
    w.write_record(["user", "item", "timestamp"]).map_err(|e| e.to_string())?;
    for u in &train.users {
        for r in &u.train {
            let item = train.movies[r.movie as usize].id.as_str();
            w.write_record([u.id.as_str(), item, &r.at.to_string()]).map_err(|e| e.to_string())?;
            rows += 1;
        }
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    super::sequential_data::write_if_changed(path, &bytes)?;
    Ok(rows)
}

/// FNV-1a, 64 bits: the fingerprint of a model's inputs.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        h = (h ^ 0xff).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The first line of a failed command's output that says why (clap's `error: …`), else the
/// first non-empty one.
fn reason(output: &std::process::Output) -> String {
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let line = lines.iter().find(|l| l.starts_with("error")).or(lines.first());
    line.map_or_else(|| format!("exit status {}", output.status), |l| l.to_string())
}

/// `flaneur model train <csv> -o <dir>/model.safetensors --seed 1` and
/// [`TRAIN_ARGS`] (unless `train_missing` is false: then the skip), unless
/// `model.safetensors` and its `model.inputs` (the fingerprint of the CSV and
/// the settings) show it was trained on the same. `Err` is the skip reason.
pub fn train(csv: &Path, dir: &Path, train_missing: bool) -> Result<Trained, String> {
    let model = dir.join("model.safetensors");
    let stamp = dir.join("model.inputs");
    let bytes = std::fs::read(csv).map_err(|e| format!("{}: {e}", csv.display()))?;
    let settings = format!("flaneur model train --seed {SEED} {}", TRAIN_ARGS.join(" "));
    let fingerprint = format!("{:016x} {settings}\n", fnv1a(&[&bytes, settings.as_bytes()]));
    if model.exists() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == fingerprint) {
        return Ok(Trained { model, seconds: 0.0, reused: true });
    }
    if !train_missing {
        return Err("no model trained on these inputs (--reuse-models)".into());
    }
    let started = Instant::now();
    let output = Command::new(catalog::compiler()?)
        .args(["model", "train"])
        .arg(csv)
        .arg("-o")
        .arg(&model)
        .args(["--seed", &SEED.to_string()])
        .args(TRAIN_ARGS)
        // Its epochs are the evaluation's progress; its errors, the skip's reason.
        .stdout(Stdio::inherit())
        .output()
        .map_err(|e| format!("flaneur model train: {e}"))?;
    if !output.status.success() {
        return Err(format!("flaneur model train: {}", reason(&output)));
    }
    if !model.exists() {
        return Err(format!("flaneur model train wrote no {}", model.display()));
    }
    std::fs::write(&stamp, fingerprint).map_err(|e| format!("{}: {e}", stamp.display()))?;
    Ok(Trained { model, seconds: started.elapsed().as_secs_f64(), reused: false })
}

/// The co-purchase catalog of `movielens_catalog::build` with the sequence
/// model packed in (`--sequence-model`), under `dir`. `Err` is the skip reason.
pub fn build_catalog(
    train: &Dataset,
    popularity: &[u32],
    dir: &Path,
    co_purchases: &Path,
    dims: usize,
    model: &Path,
) -> Result<Catalog, String> {
    let (mut command, out) =
        catalog::command(train, popularity, dir, Some(co_purchases), dims, 0.0)?;
    command.arg("--sequence-model").arg(model);
    let output = command.output().map_err(|e| format!("flaneur catalog build: {e}"))?;
    if !output.status.success() {
        return Err(format!("flaneur catalog build --sequence-model: {}", reason(&output)));
    }
    let bytes = std::fs::read(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    Catalog::from_binary(&bytes).map_err(|e| format!("{}: {e}", out.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_separate_inputs_and_settings() {
        assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
        assert_eq!(fnv1a(&[b"x"]), fnv1a(&[b"x"]));
    }

    #[test]
    fn a_missing_subcommand_is_a_skip_reason() {
        // What clap prints for a subcommand the compiler does not have.
        let output = Command::new("sh")
            .args(["-c", "echo; echo \"error: unrecognized subcommand 'model'\" >&2; exit 2"])
            .output()
            .unwrap();
        assert_eq!(reason(&output), "error: unrecognized subcommand 'model'");
        let dir = std::env::temp_dir().join(format!("flaneur-seqmodel-{}", std::process::id()));
        assert!(train(&dir.join("missing.csv"), &dir, true).is_err());
    }

    #[test]
    fn without_training_a_missing_model_is_a_skip_reason() {
        let dir = std::env::temp_dir().join(format!("flaneur-seqreuse-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let csv = dir.join("train.csv");
        std::fs::write(&csv, "user,item,timestamp\nu,a,1\n").unwrap();
        let err = train(&csv, &dir, false).unwrap_err();
        assert!(err.contains("--reuse-models"), "{err}");
        assert!(!dir.join("model.safetensors").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
