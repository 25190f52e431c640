#!/usr/bin/env bash
# Builds a generated 1,000,000-item Merchant Center CSV feed with the catalog
# compiler and prints the build time, peak memory and catalog size.
# ITEMS=100000 scripts/bench-compiler.sh for a smaller feed.
set -euo pipefail
cd "$(dirname "$0")/.."
ITEMS="${ITEMS:-1000000}"
cargo build --release --quiet --bin flaneur
BIN=target/release/flaneur
FEED="target/bench-feed-$ITEMS.csv"
OUT="target/bench-catalog-$ITEMS.bin"
[ -f "$FEED" ] || "$BIN" catalog generate --items "$ITEMS" -o "$FEED"
echo "catalog compiler: $ITEMS items, feed $(stat -c %s "$FEED") bytes"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f "  wall %e s, peak memory (max RSS) %M KB" "$BIN" catalog build "$FEED" -o "$OUT"
else
  "$BIN" catalog build "$FEED" -o "$OUT"   # prints its own time and VmHWM
fi
