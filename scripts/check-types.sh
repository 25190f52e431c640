#!/usr/bin/env bash
# Type-check the package's declarations as a TypeScript user meets them: the
# packed pkg/ (scripts/package.sh first) installed into a scratch project, and
# tests/package/types/consumer.ts, which calls every method of "flaneur" and
# "flaneur/worker", compiled with `tsc --strict --noEmit`. Prints what tsc says.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

[ -f pkg/package.json ] || { echo "pkg/ is missing: run scripts/package.sh first" >&2; exit 1; }
dir=target/types-check
rm -rf "$dir"
mkdir -p "$dir/node_modules/flaneur"
cp tests/package/types/consumer.ts tests/package/types/tsconfig.json "$dir/"
(cd pkg && npm pack --silent --pack-destination "../$dir" >/dev/null)
tar -xzf "$dir"/flaneur-*.tgz -C "$dir/node_modules/flaneur" --strip-components=1
tsc -p "$dir/tsconfig.json"
echo "types: flaneur and flaneur/worker declarations check under tsc --strict ($(tsc --version))"
