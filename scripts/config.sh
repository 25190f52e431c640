#!/usr/bin/env bash
# Print one value from wasm-pack.toml: scripts/config.sh SECTION KEY
# A deliberately tiny reader for the flat `key = "value"` file we keep there.
set -euo pipefail
section="$1" key="$2"
file="$(dirname "$0")/../wasm-pack.toml"
awk -v want_section="$section" -v want_key="$key" '
  /^[[:space:]]*#/ || /^[[:space:]]*$/ { next }
  /^[[:space:]]*\[/ { gsub(/[][[:space:]]/, ""); in_section = ($0 == want_section); next }
  in_section {
    split($0, kv, "=")
    k = kv[1]; gsub(/[[:space:]]/, "", k)
    if (k != want_key) next
    v = substr($0, index($0, "=") + 1)
    sub(/^[[:space:]]*"/, "", v); sub(/"[[:space:]]*(#.*)?$/, "", v)
    print v; found = 1; exit
  }
  END { if (!found) { print "wasm-pack.toml: no " want_key " in [" want_section "]" > "/dev/stderr"; exit 1 } }
' "$file"
