#!/usr/bin/env bash
# `make eval`: every evaluation of docs/EVALUATION.md, in one command.
#
# 1. bubble: the seeded divergence simulation (flaneur-eval bubble), in both
#    worlds: today's and the near world (latent tastes similarity reaches).
#    Then crowd: the crowd loop of issue #24 (flaneur-eval crowd, in both
#    worlds, about 7 minutes): cohort 1's anonymous reports, aggregated into
#    divergence priors, carried by the catalog to cohort 2's devices.
# 2. movielens: recommendation quality on MovieLens-100k and -1M. The data and
#    a Python venv with `implicit` come from scripts/eval-data.sh (cached under
#    target/eval/); the ALS anchor is trained and tuned by scripts/eval/als.py
#    (skipped when its lists are newer than the script and the data); then
#    flaneur-eval movielens compiles the movies with the catalog compiler,
#    replays every user on the device engine, scores all methods alike and
#    writes target/eval/report.json and the tables of docs/EVALUATION.md,
#    the coverage sweep (intensity x diversity, chosen on a validation split,
#    and other item factors from the same counts) included.
# 3. grocery: next-basket quality on The Complete Journey (even households
#    only): flaneur-eval grocery --orders-only writes the training order log,
#    scripts/eval/grocery_als.py trains ALS on it (skipped when its outputs are
#    newer than the log and the script), then flaneur-eval grocery scores every
#    method and writes target/eval/grocery-report.json and its table.
# 4. sequential: next-item quality on the standard protocol (5-core ML-1M and
#    ML-100k, leave-last-out, full ranking) and the strict split (10% of users
#    device-only). flaneur-eval sequential --prepare-only writes the 5-core
#    .inter files, the device users and the training CSVs under
#    target/eval/sequential/; scripts/eval/als.py tunes ALS on both splits
#    (skipped when its lists are newer than the 5-core file, the device users
#    and the script); then flaneur-eval sequential trains the sequence model
#    with `flaneur model train` (reused when its inputs are unchanged; skipped
#    when the compiler has no such subcommand), scores every method and writes
#    target/eval/sequential-report.json and its tables.
# 5. vectors: compact item vectors (issue #22) on MovieLens-1M and -100k:
#    flaneur-eval vectors compiles the movielens learned catalog again with its
#    vectors passed through each lossy codec (fewer bits, product quantization,
#    fewer dimensions), ranks every user as the movielens step does and writes
#    target/eval/vectors/vectors-report.json and its table (about 9 minutes).
# Apart: `make eval-spark` (scripts/eval-spark.sh) adds the row of item factors trained by PySpark's
# ALS to the movielens table; step 2 keeps scoring it while its Parquet file is there.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bins
target/release/flaneur-eval bubble
target/release/flaneur-eval crowd
scripts/eval-data.sh
for ds in ml-100k ml-1m; do
  out="target/eval/$ds"
  if [ -f "$out/als-top10.tsv" ] && [ "$out/als-top10.tsv" -nt scripts/eval/als.py ] \
     && [ "$out/als-top10.tsv" -nt "target/eval/data/$ds/$ds.inter" ]; then
    echo "[eval] $ds: ALS lists are up to date ($out/als-top10.tsv)"
  else
    OPENBLAS_NUM_THREADS=1 target/eval/venv/bin/python scripts/eval/als.py "target/eval/data/$ds" "$out"
  fi
done
target/release/flaneur-eval movielens
target/release/flaneur-eval grocery --orders-only
orders=target/eval/data/completejourney/orders-even.csv
out=target/eval/completejourney/even
fresh=1
for f in als-top20.tsv als-unseen-top20.tsv item-factors-64.csv als.json; do
  if [ ! -f "$out/$f" ] || [ ! "$out/$f" -nt "$orders" ] || [ ! "$out/$f" -nt scripts/eval/grocery_als.py ]; then
    fresh=0
  fi
done
if [ "$fresh" = 1 ]; then
  echo "[eval] completejourney: ALS lists are up to date ($out)"
else
  OPENBLAS_NUM_THREADS=1 target/eval/venv/bin/python scripts/eval/grocery_als.py "$orders" "$out"
fi
target/release/flaneur-eval grocery
target/release/flaneur-eval sequential --prepare-only
for ds in ml-1m ml-100k; do
  dir="target/eval/sequential/$ds"
  newer() { [ -f "$1" ] && [ "$1" -nt "$dir/$ds.inter" ] && [ "$1" -nt scripts/eval/als.py ]; }
  if newer "$dir/als-top10.tsv"; then
    echo "[eval] sequential $ds: ALS lists are up to date ($dir/als-top10.tsv)"
  else
    OPENBLAS_NUM_THREADS=1 target/eval/venv/bin/python scripts/eval/als.py "$dir" "$dir"
  fi
  strict="$dir/strict/als-top10.tsv"
  if newer "$strict" && [ "$strict" -nt "$dir/strict/device-users.txt" ]; then
    echo "[eval] sequential $ds strict: ALS lists are up to date ($dir/strict/als-top10.tsv)"
  else
    OPENBLAS_NUM_THREADS=1 target/eval/venv/bin/python scripts/eval/als.py "$dir" "$dir/strict" \
      --device-users "$dir/strict/device-users.txt"
  fi
done
target/release/flaneur-eval sequential
target/release/flaneur-eval vectors
