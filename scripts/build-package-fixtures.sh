#!/usr/bin/env bash
# Lay out the two pages tests/e2e/package.spec.mjs loads, from the package in pkg/
# (scripts/package.sh first):
#   target/package-site/   tests/package/plain/ with pkg/ copied beside it: no bundler
#   target/vite-app/dist/  tests/package/vite-app/ built by Vite, with pkg/ packed by
#                          `npm pack` and unpacked into its node_modules/flaneur, as an
#                          install from the tarball would (so "files" and "exports" count)
# Both get the demo catalog (www/demo/catalog.json) as catalog.json. Takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

[ -f pkg/package.json ] || { echo "pkg/ is missing: run scripts/package.sh first" >&2; exit 1; }

site=target/package-site
rm -rf "$site"
mkdir -p "$site"
cp -R pkg "$site/pkg"
cp tests/package/plain/* tests/package/fixture.js www/demo/catalog.json "$site/"

app=target/vite-app
rm -rf "$app"
mkdir -p "$app/node_modules/flaneur" "$app/public"
cp tests/package/vite-app/* tests/package/fixture.js "$app/"
cp www/demo/catalog.json "$app/public/"
(cd pkg && npm pack --silent --pack-destination "../$app" >/dev/null)
tar -xzf "$app"/flaneur-*.tgz -C "$app/node_modules/flaneur" --strip-components=1
vite build "$app"

wasm=("$app"/dist/assets/*.wasm)
[ -f "${wasm[0]}" ] || { echo "vite build emitted no .wasm asset" >&2; exit 1; }
printf 'package fixtures: %s/, %s/dist/ (%s)\n' "$site" "$app" "$(cd "$app/dist" && find . -type f | sort | tr '\n' ' ')"
