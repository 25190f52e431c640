#!/usr/bin/env bash
# Builds a generated 1,000,000-item Merchant Center CSV feed with the catalog
# compiler and prints the build time, peak memory and catalog size; then the
# same feed with item factors learned from 2,000,000 generated aggregate
# co-purchase counts over 200,000 of its items.
# ITEMS=100000 PAIRS=200000 PAIRED=20000 scripts/bench-compiler.sh for a smaller run.
set -euo pipefail
cd "$(dirname "$0")/.."
ITEMS="${ITEMS:-1000000}"
PAIRED="${PAIRED:-200000}"
PAIRS="${PAIRS:-2000000}"
cargo build --release --quiet --bin flaneur
BIN=target/release/flaneur
FEED="target/bench-feed-$ITEMS.csv"
COUNTS="target/bench-co-purchases-$PAIRED-$PAIRS.csv"
OUT="target/bench-catalog-$ITEMS.bin"
[ -f "$FEED" ] || "$BIN" catalog generate --items "$ITEMS" -o "$FEED"
[ -f "$COUNTS" ] || "$BIN" catalog generate --items "$PAIRED" --co-purchases "$PAIRS" -o "$COUNTS"
run() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "  wall %e s, peak memory (max RSS) %M KB" "$BIN" "$@"
  else
    "$BIN" "$@"   # prints its own time and VmHWM
  fi
}
echo "catalog compiler: $ITEMS items, feed $(stat -c %s "$FEED") bytes"
run catalog build "$FEED" -o "$OUT"
echo "catalog compiler: the same feed, factors learned from $PAIRS co-purchase counts over $PAIRED items"
run catalog build "$FEED" -o "$OUT" --co-purchases "$COUNTS"
