#!/usr/bin/env bash
# Install what flaneur's build and tests need, skipping whatever is already there.
#
#   scripts/install.sh build   # wasm32 target, the pinned wasm-bindgen CLI, npm dev dependencies (binaryen, Playwright, Vite)
#   scripts/install.sh test    # all of the above, plus headless Chromium/Firefox and their drivers,
#                              # and the nightly toolchain with cargo-fuzz for the fuzz smoke, and the Python
#                              # venv the sequence-model tests write their models with (target/model-venv)
#   scripts/install.sh bench   # build's, plus headless Chromium/Firefox (the benchmarks in a browser)
#   scripts/install.sh model-venv  # that venv alone: pinned numpy and safetensors, binary wheels only
#
# Everything comes from the package registries (Debian packages, Rust crates, npm packages); no step
# downloads a browser or a prebuilt binary of its own. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m[install]\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated = 0 ]; then
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  say "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_rust_wasm() {
  command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first" >&2; exit 1; }
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  local want have
  want="$(scripts/config.sh wasm-bindgen version)"
  have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" || true
  if [ "$have" != "$want" ]; then
    say "cargo install wasm-bindgen-cli $want (was: ${have:-none}; takes ~6 min the first time)"
    # Not --locked: the CLI's own lock file pins crates that no longer build with our toolchain.
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

install_node_deps() {
  if ! command -v npm >/dev/null; then apt_install nodejs npm; fi
  # node_modules is current when it was installed from this exact package.json and package-lock.json.
  local stamp=node_modules/.flaneur-lock
  if [ -f "$stamp" ] && cat package.json package-lock.json | cmp -s - "$stamp"; then return 0; fi
  say "npm ci (no browser downloads)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  cat package.json package-lock.json >"$stamp"
}

install_browsers() {
  apt_install chromium chromium-driver firefox-esr
  if ! command -v geckodriver >/dev/null; then
    say "cargo install geckodriver (a few minutes the first time)"
    cargo install geckodriver --locked
  fi
}

install_lint() {
  local missing=()
  for component in rustfmt clippy; do
    rustup component list --installed | grep -q "^$component" || missing+=("$component")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "rustup component add ${missing[*]}"
    rustup component add "${missing[@]}"
  fi
}

install_fuzz() {
  if ! rustup toolchain list | grep -q '^nightly'; then
    say "rustup toolchain install nightly --profile minimal (cargo-fuzz needs it)"
    rustup toolchain install nightly --profile minimal
  fi
  if ! command -v cargo-fuzz >/dev/null; then
    say "cargo install cargo-fuzz (a minute or two the first time)"
    cargo install cargo-fuzz --locked
  fi
}

# The Python venv compiler/tests/sequence_model.rs writes its safetensors models with (the format a
# shop's own training stack hands `flaneur catalog build --sequence-model`). Pinned, binary wheels
# only; the pins are checked, not only the imports. Needs python3 >= 3.11 (numpy 2.4 does).
MODEL_VENV=target/model-venv
MODEL_PINS=(numpy==2.4.6 safetensors==0.8.0)
install_model_venv() {
  command -v python3 >/dev/null || { echo "python3 not found (Debian: apt-get install python3 python3-venv)" >&2; exit 1; }
  if [ ! -x "$MODEL_VENV/bin/python" ] || ! "$MODEL_VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    rm -rf "$MODEL_VENV"
    mkdir -p target
    say "python3 -m venv $MODEL_VENV"
    if ! python3 -m venv "$MODEL_VENV"; then
      rm -rf "$MODEL_VENV"
      apt_install python3-venv
      python3 -m venv "$MODEL_VENV"
    fi
  fi
  local want have
  want="$(printf '%s\n' "${MODEL_PINS[@]}" | LC_ALL=C sort | tr '\n' ' ')"
  have="$("$MODEL_VENV/bin/python" - "${MODEL_PINS[@]}" 2>/dev/null <<'EOF' || true
import sys
from importlib.metadata import version
import numpy, safetensors.numpy  # fails when either is missing
print(" ".join(sorted(f"{p.split('==')[0]}=={version(p.split('==')[0])}" for p in sys.argv[1:])))
EOF
)"
  if [ "$have " != "$want" ]; then
    say "pip install --only-binary :all: ${MODEL_PINS[*]} (into $MODEL_VENV)"
    "$MODEL_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary :all: "${MODEL_PINS[@]}"
  fi
}

case "${1:-build}" in
  build) install_rust_wasm; install_node_deps ;;
  test)  install_rust_wasm; install_node_deps; install_browsers; install_fuzz; install_lint; install_model_venv ;;
  bench) install_rust_wasm; install_node_deps; install_browsers ;;
  model-venv) install_model_venv ;;
  *) echo "usage: $0 build|test|bench|model-venv" >&2; exit 2 ;;
esac
