#!/usr/bin/env bash
# The demo catalog's "next build" (tests/fixtures/demo-next/): www/demo/catalog.json with 1% of
# prices and availability changed, built with the same sequence model, split like www/demo/catalog/
# and patched from it (`flaneur catalog diff`). tests/e2e/shards.spec.mjs serves its manifest and
# patches in place of the demo's to a returning shopper, who pays for what changed. Only the
# manifest and the patches are kept: the parts they rebuild are checked by hash. Run by
# `make demo-shards` after the demo's parts change.
set -euo pipefail
cd "$(dirname "$0")/.."
flaneur=(cargo run --quiet --release -p flaneur-compiler --bin flaneur --)
work=target/demo-next
rm -rf "$work" tests/fixtures/demo-next
mkdir -p "$work"
node -e '
const fs = require("fs");
const c = JSON.parse(fs.readFileSync("www/demo/catalog.json", "utf8"));
c.items.forEach((item, k) => {
  if (k % 100 === 7) item.price = Math.round(item.price * 90) / 100; // 10% off
  if (k % 200 === 11) item.available = !item.available;
});
fs.writeFileSync(process.argv[1], JSON.stringify(c));
' "$work/catalog.json"
"${flaneur[@]}" catalog build "$work/catalog.json" --sequence-model www/demo/model.safetensors -o "$work/catalog.bin"
"${flaneur[@]}" catalog split "$work/catalog.bin" -o "$work/parts" --shards 1 --core-items 300
"${flaneur[@]}" catalog diff www/demo/catalog "$work/parts"
mkdir -p tests/fixtures/demo-next
cp "$work/parts/manifest.json" "$work"/parts/patch-*.bin tests/fixtures/demo-next/
ls -l tests/fixtures/demo-next
