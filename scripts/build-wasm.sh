#!/usr/bin/env bash
# Build the browser package into the out-dir of wasm-pack.toml (www/pkg):
# cargo (release, +simd128 from .cargo/config.toml) -> wasm-bindgen -> wasm-opt,
# then print the .wasm size, raw and gzipped.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
cfg() { scripts/config.sh "$@"; }

version="$(cfg wasm-bindgen version)"
pinned="$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' Cargo.toml)"
if [ "$version" != "$pinned" ]; then
  echo "wasm-pack.toml pins wasm-bindgen $version but Cargo.toml pins $pinned: make them equal" >&2
  exit 1
fi

profile="$(cfg cargo profile)"
features="$(cfg cargo features)"
out_dir="$(cfg wasm-bindgen out-dir)"
out_name="$(cfg wasm-bindgen out-name)"
target="$(cfg wasm-bindgen target)"
read -r -a opt_flags <<<"$(cfg wasm-opt flags)"

# -p flaneur: only the core is ever built for wasm32, never the shop-side crates of the workspace.
cargo build -p flaneur --lib --target wasm32-unknown-unknown --profile "$profile" ${features:+--features "$features"}
[ "$profile" = dev ] && profile_dir=debug || profile_dir="$profile"
wasm-bindgen "target/wasm32-unknown-unknown/$profile_dir/flaneur.wasm" \
  --target "$target" --out-dir "$out_dir" --out-name "$out_name"
# The flaneur/worker entry: the client, the worker's module and their types (they import ./flaneur.js).
cp www/worker/client.js "$out_dir/worker.js"
cp www/worker/host.js "$out_dir/worker-host.js"
cp www/worker/worker.d.ts "$out_dir/worker.d.ts"
wasm="$out_dir/${out_name}_bg.wasm"
wasm-opt "${opt_flags[@]}" "$wasm" -o "$wasm.opt"
mv "$wasm.opt" "$wasm"

raw=$(wc -c <"$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
glue=$(gzip -9 -c "$out_dir/$out_name.js" | wc -c)
printf 'built %s: %d bytes raw, %d bytes gzipped (JS glue %d bytes gzipped)\n' "$wasm" "$raw" "$gz" "$glue"
