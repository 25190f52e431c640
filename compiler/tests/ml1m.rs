//! The test NDCG@10 and HR@10 of a model trained by `flaneur model train` on
//! MovieLens-1M without each user's last movie (never committed data; see
//! the issue #21 notes): ignored unless run by hand, in release, with
//! `FLANEUR_ML1M=dir` holding `train.csv`, `test.csv` and `model.safetensors`.

use std::collections::HashMap;
use std::path::PathBuf;

use flaneur_compiler::model::validate::{Case, evaluate};
use flaneur_compiler::model::{events, export};

#[test]
#[ignore = "needs MovieLens-1M, prepared by hand"]
fn ml1m_test_ndcg() {
    let Ok(dir) = std::env::var("FLANEUR_ML1M").map(PathBuf::from) else {
        panic!("set FLANEUR_ML1M");
    };
    let model = std::env::var("FLANEUR_ML1M_MODEL").unwrap_or("model.safetensors".to_string());
    let train = events::read(&dir.join("train.csv")).unwrap();
    let loaded = export::read(&dir.join(model)).unwrap();
    assert_eq!(loaded.items, train.items);
    let rows: HashMap<&str, u32> =
        train.items.iter().enumerate().map(|(i, id)| (id.as_str(), i as u32)).collect();
    let users: HashMap<&str, usize> =
        train.user_ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let mut reader = csv::Reader::from_path(dir.join("test.csv")).unwrap();
    let (mut cases, mut unknown) = (Vec::new(), 0);
    let l = loaded.model.dims.max_len;
    for record in reader.records() {
        let record = record.unwrap();
        let history = &train.users[users[&record[0]]];
        match rows.get(&record[1]) {
            Some(&target) => {
                let window = history[history.len().saturating_sub(l)..].to_vec();
                cases.push(Case { window, target });
            }
            None => unknown += 1,
        }
    }
    let m = evaluate(&loaded.model, &cases, 256).unwrap();
    let all = (m.cases + unknown) as f64;
    println!(
        "test users {}: NDCG@10 {:.4}  HR@10 {:.4}  ({unknown} test items never trained on)",
        all,
        m.ndcg * m.cases as f64 / all,
        m.hit * m.cases as f64 / all
    );
}
