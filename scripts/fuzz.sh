#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz) in build-sanitize (clang; coverage, ASan, UBSan and
# _GLIBCXX_ASSERTIONS: the same build in which scripts/test.sh runs the suite under the
# sanitizers) and runs each for SECONDS_PER_HARNESS (default 600) on its seed corpus in
# tests/fuzz/corpus/<harness>, FUZZ_JOBS harnesses at a time (default: the number of cores).
# Fails on a crash, leak, sanitizer report or timeout, naming the input that caused it (kept in
# build-sanitize/fuzz/artifacts/<harness>/). New inputs the fuzzer finds stay in
# build-sanitize/fuzz/corpus/; the seeds in the tree are never changed. Prints execs and coverage.
#   bash scripts/fuzz.sh          # the long run: 10 minutes per harness
#   bash scripts/fuzz.sh 20       # the short run scripts/test.sh does
#   FUZZ_ONLY=jwt_verifier bash scripts/fuzz.sh 60   # one harness
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
build=build-sanitize
bash scripts/configure-sanitize.sh "$build"
harnesses=$(cd tests/fuzz && ls *_fuzz.cc | sed 's/_fuzz\.cc$//')  # one file per harness
[ -n "${FUZZ_ONLY:-}" ] && harnesses=$FUZZ_ONLY
targets=()
for h in $harnesses; do targets+=("${h}_fuzz"); done
cmake --build "$build" -j "${FUZZ_JOBS:-$(nproc)}" --target "${targets[@]}"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# run_harness NAME: one bounded fuzzing run; writes its one-line summary to $build/fuzz/NAME.summary.
run_harness() {
  local h=$1 work="$build/fuzz/corpus/$1" artifacts="$build/fuzz/artifacts/$1/" log="$build/fuzz/$1.log"
  local dict=tests/fuzz/dict/json.dict
  case $h in csv_reader|group_csv_source|hsds_package) dict=tests/fuzz/dict/csv.dict ;; esac
  mkdir -p "$work" "$artifacts"
  echo "== $h (${seconds}s)"
  if ! "$build/tests/fuzz/${h}_fuzz" -dict="$dict" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts" "$work" "tests/fuzz/corpus/$h" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: $h failed; the input is in $artifacts (reproduce: $build/tests/fuzz/${h}_fuzz FILE)" >&2
    return 1
  fi
  local execs cov
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
  printf '%-24s %12s execs  %s\n' "$h" "$execs" "$cov" >"$build/fuzz/$h.summary"
}
export -f run_harness
export build seconds
mkdir -p "$build/fuzz"
rm -f "$build"/fuzz/*.summary
printf '%s\n' $harnesses | xargs -P "${FUZZ_JOBS:-$(nproc)}" -I{} bash -c 'run_harness {}' \
  || { echo "fuzz: a harness failed (its log is above)" >&2; exit 1; }
echo "== fuzz: no crash in ${seconds}s per harness"
for h in $harnesses; do cat "$build/fuzz/$h.summary"; done
