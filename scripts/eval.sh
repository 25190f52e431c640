#!/usr/bin/env bash
# `make eval`: every evaluation of docs/EVALUATION.md, in one command.
#
# 1. bubble: the seeded divergence simulation (flaneur-eval bubble), in both
#    worlds: today's and the near world (latent tastes similarity reaches).
# 2. movielens: recommendation quality on MovieLens-100k and -1M. The data and
#    a Python venv with `implicit` come from scripts/eval-data.sh (cached under
#    target/eval/); the ALS anchor is trained and tuned by scripts/eval/als.py
#    (skipped when its lists are newer than the script and the data); then
#    flaneur-eval movielens compiles the movies with the catalog compiler,
#    replays every user on the device engine, scores all methods alike and
#    writes target/eval/report.json and the tables of docs/EVALUATION.md,
#    the coverage sweep (intensity x diversity, chosen on a validation split,
#    and other item factors from the same counts) included.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bins
target/release/flaneur-eval bubble
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
