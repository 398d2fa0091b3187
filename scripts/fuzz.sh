#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz, clang, in build-fuzz) and runs each for
# SECONDS_PER_HARNESS (default 600) on its seed corpus in tests/fuzz/corpus/<harness>. Fails on
# the first crash, leak, sanitizer report or timeout, naming the input that caused it (kept in
# build-fuzz/artifacts/<harness>/). New inputs the fuzzer finds stay in build-fuzz/corpus/; the
# seeds in the tree are never changed. Prints execs and coverage per harness.
#   bash scripts/fuzz.sh          # the long run: 10 minutes per harness
#   bash scripts/fuzz.sh 20       # the short run scripts/test.sh does
#   FUZZ_ONLY=jwt_verifier bash scripts/fuzz.sh 60   # one harness
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
build=build-fuzz
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DBUILD_TESTING=OFF \
      -DSELVHJELP_FUZZ=ON "${launcher[@]}" >/dev/null
harnesses=$(cd tests/fuzz && ls *_fuzz.cc | sed 's/_fuzz\.cc$//')  # one file per harness
[ -n "${FUZZ_ONLY:-}" ] && harnesses=$FUZZ_ONLY
targets=()
for h in $harnesses; do targets+=("${h}_fuzz"); done
cmake --build "$build" -j "${FUZZ_JOBS:-2}" --target "${targets[@]}"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
summary=()
for h in $harnesses; do
  work="$build/corpus/$h" artifacts="$build/artifacts/$h/"
  mkdir -p "$work" "$artifacts"
  case $h in csv_reader|group_csv_source|hsds_package) dict=(-dict=tests/fuzz/dict/csv.dict) ;; *) dict=(-dict=tests/fuzz/dict/json.dict) ;; esac
  echo "== $h (${seconds}s)"
  log="$build/$h.log"
  if ! "$build/tests/fuzz/${h}_fuzz" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts" "$work" "tests/fuzz/corpus/$h" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: $h failed; the input is in $artifacts (reproduce: $build/tests/fuzz/${h}_fuzz FILE)" >&2
    exit 1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
  summary+=("$(printf '%-24s %12s execs  %s' "$h" "$execs" "$cov")")
done
echo "== fuzz: no crash in ${seconds}s per harness"
printf '%s\n' "${summary[@]}"
