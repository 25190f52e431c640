# Sourced by scripts/eval-data.sh and scripts/eval-spark.sh: whether a venv holds its pins.
#
#   pinned VENV MODULE PIN...   exits 0 when VENV's python imports MODULE and every PIN
#                               (name==version) is installed at exactly that version
#
# The versions are checked, not only the import: a venv left by an older version of a script
# gets the right versions.
pinned() {
  local venv=$1 module=$2
  shift 2
  local want have
  want=$(printf '%s\n' "$@" | LC_ALL=C sort | tr '\n' ' ')
  have=$("$venv/bin/python" - "$module" "$@" 2>/dev/null <<'PY' || true
import importlib, sys
from importlib.metadata import version
importlib.import_module(sys.argv[1])
print(" ".join(sorted(f"{p.split('==')[0]}=={version(p.split('==')[0])}" for p in sys.argv[2:])))
PY
)
  [ "$have " = "$want" ]
}
