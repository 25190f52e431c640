#!/usr/bin/env bash
# cargo-fuzz over flaneur's decoders and the catalog compiler's feed parsers
# (fuzz/, issue #11; figures in docs/RELIABILITY.md).
#
#   scripts/fuzz.sh smoke [SECONDS]        # every target for SECONDS (default 30) over the committed
#                                          # corpus, two at a time; part of `make test`
#   scripts/fuzz.sh run MINUTES [TARGET…]  # the long runs (default: every target), two at a time
#   scripts/fuzz.sh minimize [TARGET…]    # adds to fuzz/corpus/TARGET the fewest (at most 100, the
#                                          # smallest) inputs covering what fuzz/corpus-run/TARGET adds
#   scripts/fuzz.sh list                   # the targets
#
# New inputs a run finds go to fuzz/corpus-run/ (not committed); fuzz/corpus/ holds the small
# committed corpus (seeds, then minimized after the long runs). A crash, a timeout (10 s) or
# more than 2 GB of memory fails the run and leaves the input in fuzz/artifacts/TARGET/. Each
# run prints a summary line ("TARGET: N runs in S s, 0 crashes"); its log is target/fuzz/TARGET.log.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

targets() { sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^flaneur-fuzz$'; }

# fuzz_one TARGET SECONDS [LIBFUZZER_FLAG…]: runs one target, prints its summary, returns libFuzzer's status.
fuzz_one() {
  local target="$1" seconds="$2" log="target/fuzz/$1.log"
  shift 2
  mkdir -p "fuzz/corpus-run/$target" "fuzz/corpus/$target" target/fuzz
  cargo +nightly fuzz run "$target" "fuzz/corpus-run/$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 "$@" \
    >"$log" 2>&1
  local status=$?
  local runs
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  if [ "$status" -eq 0 ]; then
    printf '%s: %s runs in %s s, 0 crashes\n' "$target" "${runs:-0}" "$seconds"
  else
    printf '%s: FAILED after %s runs (status %s): see %s and fuzz/artifacts/%s/\n' "$target" "${runs:-?}" "$status" "$log" "$target"
    grep -m3 -E 'panicked|ERROR: libFuzzer|SUMMARY' "$log" | sed 's/^/  /'
  fi
  return "$status"
}

# fuzz_all SECONDS FLAGS TARGET…: two targets at a time (the machines have two cores); FLAGS is
# one word of extra libFuzzer flags ("" for none).
fuzz_all() {
  local seconds="$1" flags="$2"; shift 2
  local failed=0 pids=()
  cargo +nightly fuzz build >target/fuzz-build.log 2>&1 || { cat target/fuzz-build.log; return 1; }
  for target in "$@"; do
    fuzz_one "$target" "$seconds" $flags &
    pids+=($!)
    if [ ${#pids[@]} -eq 2 ]; then
      wait "${pids[0]}" || failed=1
      pids=("${pids[@]:1}")
    fi
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return "$failed"
}

# minimize TARGET…: folds what the runs found (fuzz/corpus-run/TARGET) into the committed corpus:
# libFuzzer's set-cover merge adds the fewest inputs that cover the features the corpus lacks,
# then only the MAX_ADDED smallest of those additions are kept, so the corpus stays small.
MAX_ADDED=${MAX_ADDED:-100}
minimize() {
  cargo +nightly fuzz build >target/fuzz-build.log 2>&1 || { cat target/fuzz-build.log; return 1; }
  for target in "$@"; do
    local corpus="fuzz/corpus/$target" before
    mkdir -p "$corpus" "fuzz/corpus-run/$target"
    before="$(ls "$corpus" | sort)"
    cargo +nightly fuzz run "$target" "$corpus" "fuzz/corpus-run/$target" -- -set_cover_merge=1 \
      >"target/fuzz/min-$target.log" 2>&1 || { tail -5 "target/fuzz/min-$target.log"; return 1; }
    comm -13 <(printf '%s\n' "$before") <(ls "$corpus" | sort) | while read -r added; do
      printf '%s %s\n' "$(stat -c %s "$corpus/$added")" "$added"
    done | sort -n | tail -n +$((MAX_ADDED + 1)) | while read -r _ added; do rm "$corpus/$added"; done
    printf '%s: %s inputs, %s bytes\n' "$target" "$(ls "$corpus" | wc -l)" "$(cat "$corpus"/* | wc -c)"
  done
}

# All in one function, read whole before it runs: editing this file during a long run is safe.
main() {
  mkdir -p target
  case "${1:-}" in
    # The smoke replays the same mutations each time (a fixed seed), so CI does not depend on luck.
    smoke) fuzz_all "${2:-30}" -seed=1 $(targets) ;;
    run) minutes="${2:?minutes}"; shift 2; fuzz_all $((minutes * 60)) "" ${@:-$(targets)} ;;
    minimize) shift; minimize ${@:-$(targets)} ;;
    list) targets ;;
    *) sed -n '2,15p' "$0" >&2; exit 2 ;;
  esac
}

main "$@"
exit $?
