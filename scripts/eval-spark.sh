#!/usr/bin/env bash
# `make eval-spark` (issue #23; not part of `make eval` or `make test`): item factors from a Spark job,
# folded in on the device, scored on MovieLens-1M as the movielens rows of `make eval` are.
#
#   scripts/eval-spark.sh
#
# 1. What `make eval` prepares and this needs, skipping what is there: the binaries (cargo build
#    --release --bins) and the data (scripts/eval-data.sh).
# 2. Java 17 or newer (Spark 4 needs it; on Debian as root, openjdk-17-jre-headless is installed with
#    apt-get when java is missing) and a venv of its own, target/eval/spark-venv, with PySpark from PyPI
#    (SPARK_PINS; pyspark ships as a source archive of a pure-Python package, built into a wheel once by
#    pip; numpy and py4j as binary wheels). `make eval`'s venv is left as it is.
# 3. flaneur-eval spark --prepare-only writes the training split of the movielens protocol as the shop's
#    interaction log, target/eval/ml-1m/spark/train.tsv, and the catalog's items, items.tsv (a file is
#    rewritten only when its content changes).
# 4. scripts/eval/spark_als.py trains pyspark.ml.recommendation.ALS (implicit preferences; a small grid on a
#    validation split) on local[2] and writes itemFactors to target/eval/ml-1m/spark/item-factors.parquet;
#    skipped when its outputs are newer than the log, the items and the script.
# 5. flaneur-eval spark compiles the catalog from that Parquet file (flaneur catalog build --vectors
#    FILE.parquet --vector-kind factors), replays every user on the device engine, writes
#    target/eval/ml-1m/spark/report.json and the row "Spark ALS factors → flaneur fold-in" into the ML-1M
#    table of docs/EVALUATION.md (`make eval` keeps it there while the Parquet file exists).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[eval-spark]\033[0m %s\n' "$*"; }
die() { printf '\033[1m[eval-spark]\033[0m error: %s\n' "$*" >&2; exit 1; }

started=$(date +%s)
VENV=target/eval/spark-venv
DIR=target/eval/ml-1m/spark
# Everything the Spark venv holds, pinned (py4j is the version pyspark 4.3.0 requires).
SPARK_PINS=(pyspark==4.3.0 py4j==0.10.9.9 numpy==2.4.6)

# --- 1. binaries and data ----------------------------------------------------------------------------------------

cargo build --release --quiet --bins
scripts/eval-data.sh

# --- 2. Java and the Spark venv ------------------------------------------------------------------------------------

java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }
if ! command -v java >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "java is missing: apt-get install openjdk-17-jre-headless"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless
  else
    die "java not found: install Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless)"
  fi
fi
[ "$(java_major)" -ge 17 ] 2>/dev/null || die "Spark 4 needs Java 17 or newer; found: $(java -version 2>&1 | head -n 1)"

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
  say "python3 -m venv $VENV"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
fi
# shellcheck source=scripts/eval/pins.sh
. scripts/eval/pins.sh
if ! pinned "$VENV" pyspark "${SPARK_PINS[@]}"; then
  say "pip install ${SPARK_PINS[*]} (pyspark is about 450 MB)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary numpy,py4j "${SPARK_PINS[@]}"
fi

# --- 3. the interaction log ----------------------------------------------------------------------------------------

target/release/flaneur-eval spark --prepare-only

# --- 4. the Spark job ----------------------------------------------------------------------------------------------

fresh=1
for f in item-factors.parquet spark.json spark-top10.tsv; do
  for input in "$DIR/train.tsv" "$DIR/items.tsv" scripts/eval/spark_als.py; do
    { [ -f "$DIR/$f" ] && [ "$DIR/$f" -nt "$input" ]; } || fresh=0
  done
done
if [ "$fresh" = 1 ]; then
  say "ml-1m: the Spark factors are up to date ($DIR/item-factors.parquet)"
else
  # The driver and its block manager listen on the loopback interface only.
  SPARK_LOCAL_IP=127.0.0.1 "$VENV/bin/python" scripts/eval/spark_als.py "$DIR"
fi

# --- 5. the device replay ------------------------------------------------------------------------------------------

target/release/flaneur-eval spark
say "done in $(($(date +%s) - started)) s"
