#!/usr/bin/env bash
# The habits make test holds the code to, one line per check ("lint: NAME ok" or
# "lint: NAME FAILED"), every check run even after one fails:
#   fmt            cargo fmt --check, the workspace and fuzz/ (rustfmt.toml: 100 columns)
#   width          no line of Rust over 100 characters (rustfmt cannot break strings or comments)
#   clippy         cargo clippy -D warnings, every crate of the workspace, natively
#   clippy-wasm32  the same for the core built for wasm32 (-p flaneur), its tests included
#   wasm-tree      nothing shop-side (clap, csv, candle, parquet, arrow, serde_json) in the .wasm's tree
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

failed=0
check() {
  local name="$1"; shift
  if "$@"; then echo "lint: $name ok"; else echo "lint: $name FAILED"; failed=1; fi
}

rust_files() {
  git ls-files -co --exclude-standard -- '*.rs' | grep -v '^target/'
}

long_lines() {
  local found
  found="$(rust_files | xargs awk 'length > 100 { print FILENAME ":" FNR ": " length " characters" }')"
  [ -z "$found" ] || { echo "$found"; return 1; }
}

shop_side_in_wasm() {
  local tree
  tree="$(cargo tree --target wasm32-unknown-unknown -p flaneur -e normal --prefix none)" || return 1
  if grep -E '^(clap|csv|candle-[a-z]+|parquet|arrow(-[a-z]+)?|serde_json) ' <<<"$tree"; then return 1; fi
}

check fmt bash -c 'cargo fmt --all --check && (cd fuzz && cargo fmt --check)'
check width long_lines
check clippy cargo clippy --workspace --all-targets -q -- -D warnings
check clippy-wasm32 cargo clippy -p flaneur --target wasm32-unknown-unknown --lib --tests -q -- -D warnings
check wasm-tree shop_side_in_wasm
exit $failed
