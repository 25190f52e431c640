#!/usr/bin/env bash
# Assemble the npm package in pkg/: package.json, the ES module glue, the .wasm,
# the TypeScript declarations and a README, usable with and without a bundler.
#
#   scripts/package.sh              build the browser package (scripts/build-wasm.sh), then assemble pkg/
#   scripts/package.sh --no-build   assemble pkg/ from the last build
#
# The files come from wasm-pack.toml's out-dir, where scripts/build-wasm.sh puts
# the glue, the .wasm, the declarations and the worker entry (worker.js,
# worker-host.js, worker.d.ts: exported as "flaneur/worker"). Name, version,
# licence and description come from Cargo.toml. No wasm-pack involved.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
cfg() { scripts/config.sh "$@"; }

build=1
case "${1:-}" in
  "") ;;
  --no-build) build=0 ;;
  *) echo "usage: $0 [--no-build]" >&2; exit 2 ;;
esac

out_dir="$(cfg wasm-bindgen out-dir)"
out_name="$(cfg wasm-bindgen out-name)"
if [ "$(cfg wasm-bindgen target)" != web ]; then
  echo "pkg/ needs the \"web\" glue (plain ES modules); wasm-pack.toml says target = \"$(cfg wasm-bindgen target)\"" >&2
  exit 1
fi

[ $build = 1 ] && scripts/build-wasm.sh

files=("$out_name.js" "${out_name}_bg.wasm" "$out_name.d.ts" "${out_name}_bg.wasm.d.ts" worker.js worker-host.js worker.d.ts)
for f in "${files[@]}"; do
  [ -f "$out_dir/$f" ] || { echo "$out_dir/$f is missing: run scripts/build-wasm.sh (or $0 without --no-build)" >&2; exit 1; }
done

# One value from Cargo.toml's [package] table.
cargo_field() {
  awk -v want="$1" '
    /^\[/ { in_package = ($0 == "[package]"); next }
    in_package && $1 == want && $2 == "=" {
      v = substr($0, index($0, "=") + 1); sub(/^[[:space:]]*/, "", v)
      if (v ~ /^"/) { sub(/^"/, "", v); sub(/"[[:space:]]*(#.*)?$/, "", v) } else { sub(/[[:space:]]*(#.*)?$/, "", v) }
      print v; exit
    }' Cargo.toml
}

rm -rf pkg
mkdir pkg
for f in "${files[@]}"; do cp "$out_dir/$f" pkg/; done

cp scripts/package/README.md pkg/README.md

NAME="$(cargo_field name)" VERSION="$(cargo_field version)" LICENSE="$(cargo_field license)" \
DESCRIPTION="$(cargo_field description)" PUBLISH="$(cargo_field publish)" \
OUT_NAME="$out_name" FILES="${files[*]}" node --input-type=module -e '
  import { writeFileSync } from "node:fs";
  const e = process.env;
  if (!e.NAME || !/^\d+\.\d+\.\d+/.test(e.VERSION ?? "")) throw new Error("Cargo.toml: no [package] name or version");
  const js = `./${e.OUT_NAME}.js`, dts = `./${e.OUT_NAME}.d.ts`, wasm = `./${e.OUT_NAME}_bg.wasm`;
  const pkg = {
    name: e.NAME,
    version: e.VERSION,
    description: e.DESCRIPTION,
    license: e.LICENSE,
    // Cargo.toml says publish = false: so does the npm package, until someone decides otherwise.
    ...(e.PUBLISH === "false" ? { private: true } : {}),
    type: "module",
    main: js.slice(2),
    module: js.slice(2),
    types: dts.slice(2),
    exports: {
      ".": { types: dts, default: js },
      "./worker": { types: "./worker.d.ts", default: "./worker.js" },
      // For pages that hand init() the module URL themselves (with Vite: "flaneur/flaneur_bg.wasm?url").
      [wasm]: wasm,
      "./package.json": "./package.json",
    },
    files: e.FILES.split(" "),
    // The glue only defines things (its top level touches no global), so a bundler may drop it when
    // unused. The worker client and the worker script may start or be a worker: never dropped.
    sideEffects: ["./worker.js", "./worker-host.js"],
  };
  writeFileSync("pkg/package.json", JSON.stringify(pkg, null, 2) + "\n");
'

printf 'packaged pkg/ (%s %s): %s\n' "$(cargo_field name)" "$(cargo_field version)" "$(cd pkg && ls | tr '\n' ' ')"
