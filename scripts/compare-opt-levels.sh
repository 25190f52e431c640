#!/usr/bin/env bash
# Compare the shipped .wasm's profile (Cargo.toml's [profile.wasm-release]) at opt-level "z", "s" and 3
# (after wasm-bindgen and wasm-opt, as scripts/build-wasm.sh makes it): size
# raw and gzipped, and the scoring micro-benchmark (scripts/bench-scoring.mjs).
# Each level builds in its own target dir; nothing in www/pkg changes.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
read -r -a opt_flags <<<"$(scripts/config.sh wasm-opt flags)"
items="${ITEMS:-20000}"

printf '%-9s %12s %12s %12s %10s\n' opt-level raw_bytes gzip_bytes median_ms p95_ms
for level in z s 3; do
  dir="target/opt-levels/$level"
  CARGO_PROFILE_WASM_RELEASE_OPT_LEVEL="$level" cargo build -q -p flaneur --lib --profile wasm-release \
    --target wasm32-unknown-unknown --target-dir "$dir/cargo"
  wasm-bindgen "$dir/cargo/wasm32-unknown-unknown/wasm-release/flaneur.wasm" --target web --out-dir "$dir/pkg" --out-name flaneur
  wasm-opt "${opt_flags[@]}" "$dir/pkg/flaneur_bg.wasm" -o "$dir/pkg/flaneur_bg.wasm"
  raw=$(wc -c <"$dir/pkg/flaneur_bg.wasm")
  gz=$(gzip -9 -c "$dir/pkg/flaneur_bg.wasm" | wc -c)
  result=$(node scripts/bench-scoring.mjs "$dir/pkg" "$items")
  median=$(node -e 'console.log(JSON.parse(process.argv[1]).median_ms)' "$result")
  p95=$(node -e 'console.log(JSON.parse(process.argv[1]).p95_ms)' "$result")
  printf '%-9s %12d %12d %12s %10s\n' "$level" "$raw" "$gz" "$median" "$p95"
done
