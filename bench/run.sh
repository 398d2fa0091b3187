#!/usr/bin/env bash
# The benchmark: every figure of issue 14, each next to its floor measured in the same run.
#   1. The hook (POST /cds-services/selvhjelp-patient-view, a 9.5 KB request whose patient has a
#      geolocation, a 10,000-group directory, nine in ten groups with coordinates) against two bare
#      listeners answering the same bytes: the service's own (bench/bare_listener.cc: the same
#      Boost.Beast listener, with no route behind it) and cpprestsdk's (bench/bare_cpprest_listener.cc:
#      the floor issue 14 names, the service's transport when it was written), with wrk on loopback
#      at 1 connection (latency) and 16 (throughput; with each server's CPU a request, user and
#      system, from /proc). JWT verification is off (tokens are single-use); everything else of a
#      real call runs, card rows to the store included.
#   2. Growth, in process (bench/decision_bench): a hook call's CPU time at 1,000, 10,000 and
#      100,000 groups with the patient's position against the same call without it (the floor:
#      groups in list order), calls alternating so both see the same load.
#   3. Growth of the place query alone (bench/directory_bench growth), with and without position.
#   4. Instructions per call (callgrind, the same request) for the hook and both bare listeners, and
#      for the request's parse: the hook's own (ParsedJson::Parse, from the same dump) next to
#      RapidJSON alone reading the same bytes (bench/raw_parse: its reader into nothing, and into
#      its DOM), so the hook's figure can be read against transport + parse, its two floors.
#   5. Records committed per second at 1 and 16 clients (Outbox::Enqueue on the SQLite store)
#      next to a minimal program's one-row and 16-rows-a-commit loops on the same file and disk
#      (bench/records_bench). The service's group commit cannot be switched off: the one-row loop
#      is the ceiling without it.
#   6. The same on the PostgreSQL store (store.url), next to a minimal libpq program's loops on the
#      same server (plus 16 connections committing a row each: the server's own grouping).
#   7. The hook (as in 1, wrk at 1 and 16 connections) with the PostgreSQL store next to the same
#      with the SQLite store.
# Sections 6 and 7 start a PostgreSQL server of their own (tests/pg/pg_server.sh) in a temporary
# folder on the same disk, on a free loopback port, with the durability the service relies on
# (fsync on; the service's connections set synchronous_commit=on), stopped and removed on exit.
# Then a summary with each figure's range over the runs. Builds in build-bench/ (bench/build.sh),
# never touching build/; servers bind free ports; processes and temp files go on exit.
# Usage: bash bench/run.sh [--runs N] [--sections LIST] [--quick] [SECONDS]
#   SECONDS  each wrk measurement (default 8); --runs N repeats the sections N times (default 1);
#   --sections LIST  only these sections, e.g. 1,4 (the hook's figures; default all);
#   --quick  small sizes, 1 s, few calls: checks the script works (figures mean little).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=1 secs=8 quick=0 sections=1,2,3,4,5,6,7
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --sections) sections=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    [0-9]*) secs=$1; shift ;;
    *) echo "usage: bash bench/run.sh [--runs N] [--sections LIST] [--quick] [SECONDS]" >&2; exit 2 ;;
  esac
done
sizes=(1000 10000 100000) hook_groups=10000 iterations=2000 calls=100 records=1000
if [ "$quick" = 1 ]; then sizes=(500 1000) hook_groups=1000 iterations=100 calls=10 records=100 secs=1; fi

bash scripts/install-deps.sh --bench
build=$(bash bench/build.sh selvhjelp bare_listener bare_cpprest_listener decision_bench directory_bench records_bench raw_parse)
work=$(mktemp -d) pg=""
cleanup() {
  local pids
  pids=$(jobs -p)
  if [ -n "$pids" ]; then kill $pids 2>/dev/null || true; wait 2>/dev/null || true; fi
  if [ -n "$pg" ]; then bash tests/pg/pg_server.sh stop "$pg" || true; rm -rf "$pg"; fi
  rm -rf "$work"
}
trap cleanup EXIT

want() { [[ ",$sections," == *",$1,"* ]]; }  # SECTION: whether --sections has it
# PostgreSQL for sections 6 and 7, its folder apart from $work (as root the server runs as nobody,
# who may not enter $work); `pg_server.sh createdb "$pg" NAME` gives each figure a new database.
if want 6 || want 7; then
  pg=$(mktemp -d)
  bash tests/pg/pg_server.sh start "$pg" --durable > /dev/null
fi
run=0 last_section=""
figure() {  # SECTION LABEL VALUE: printed now, summarised with the other runs' at the end
  printf '%s\t%s\t%s\t%s\n' "$run" "$1" "$2" "$3" >> "$work/figures.tsv"
  if [ "$1" != "$last_section" ]; then printf '\n%s\n' "$1"; last_section=$1; fi
  printf '  %-62s %s\n' "$2" "$3"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# Starts a server in the background (its output in LOG) and returns once the LOG shows it
# listening, with its pid in $started and its port in $port. Fails when the server exits first.
start() {  # LOG COMMAND...
  local log=$1
  shift
  : > "$log"
  "$@" > "$log" 2>&1 &
  started=$!
  until grep -qE 'listening on http://127.0.0.1:[0-9]+|bare listener on [0-9]+' "$log"; do
    kill -0 "$started" 2>/dev/null || { echo "$* exited:" >&2; cat "$log" >&2; return 1; }
    sleep 0.1
  done
  port=$(grep -oE '127.0.0.1:[0-9]+|listener on [0-9]+' "$log" | head -1 | grep -oE '[0-9]+$')
}
# Waits until the service on PORT has loaded N groups (sources load after it listens).
wait_groups() {  # PORT N PID
  until [ "$(curl -sf "http://127.0.0.1:$1/directory/status" |
             python3 -c 'import json, sys; print(json.load(sys.stdin)["groups"])' 2>/dev/null)" = "$2" ]; do
    kill -0 "$3" 2>/dev/null || { echo "selvhjelp exited while loading" >&2; return 1; }
    sleep 0.2
  done
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
# Every server and decision_bench starts on an empty store: the bench patient's card rows pile up
# by the ten thousand (a card every call), and the hook's cost grew with them from run to run.
fresh_store() { rm -f "$1/store.db" "$1/store.db-wal" "$1/store.db-shm"; }
# Section 5 or 6: bench/records_bench on STORE (a directory or a postgresql:// URL), its lines
# as figures.
records_figures() {  # SECTION STORE
  "$build/bench/records_bench" "$2" "$records" 1 > "$work/records.txt"
  while IFS=$'\t' read -r label value; do
    figure "$1" "${label#  }" "$value"
  done < <(grep -P '^  .*\t' "$work/records.txt")
}
to_us() { awk '{ v = $1 + 0; if ($1 ~ /ms$/) v *= 1000; else if ($1 ~ /[^mu]s$/) v *= 1000000; printf "%.0f", v }'; }

hook_path=/cds-services/selvhjelp-patient-view
generate=()
if want 1 || want 4 || want 7; then generate+=("$hook_groups"); fi
if want 2; then generate+=("${sizes[@]}"); fi
for n in "${generate[@]}"; do
  [ -d "$work/g$n" ] && continue
  "$build/bench/directory_bench" generate "$work/g$n" "$n"
  python3 bench/hook_setup.py "$work/g$n" "$work/g$n/groups.json" "$PWD"
done
hook=$work/g$hook_groups

# A process's CPU time so far, user and system, in clock ticks (/proc/PID/stat fields 14, 15).
cpu_ticks() { awk '{ print $14, $15 }' "/proc/$1/stat"; }
# One wrk measurement: req/s, p50 and p99 in µs, and with SERVER_PID the server's CPU a request
# (user and system µs, all its threads: where a loaded machine's time goes), as figures.
measure() {  # SECTION NAME URL CONNECTIONS [SERVER_PID]
  local out=$work/wrk.txt before=""
  [ -n "${5:-}" ] && before=$(cpu_ticks "$5")
  BENCH_BODY=$hook/with-position.json wrk -t"$(( $4 > 1 ? 2 : 1 ))" -c"$4" -d"${secs}s" --latency \
    -s bench/post.lua "$3" > "$out"
  figure "$1" "$2: req/s" "$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$out")"
  figure "$1" "$2: p50 µs" "$(awk '$1 == "50%" { print $2 }' "$out" | to_us)"
  figure "$1" "$2: p99 µs" "$(awk '$1 == "99%" { print $2 }' "$out" | to_us)"
  if [ -n "$before" ]; then
    local requests tick
    requests=$(awk '/requests in/ { print $1 }' "$out")
    tick=$(getconf CLK_TCK)
    read -r user system < <(echo "$before $(cpu_ticks "$5")" |
      awk -v n="$requests" -v t="$tick" '{ printf "%.1f %.1f\n", ($3 - $1) * 1e6 / t / n, ($4 - $2) * 1e6 / t / n }')
    figure "$1" "$2: server CPU µs a request, user" "$user"
    figure "$1" "$2: server CPU µs a request, system" "$system"
  fi
  if grep -q 'Non-2xx' "$out"; then echo "$2: $(grep 'Non-2xx' "$out")" >&2; return 1; fi
}
# A figure of this run by its label.
value() { awk -F'\t' -v r="$run" -v l="$1" '$1 == r && $3 == l { print $4 }' "$work/figures.tsv"; }
rps() { value "$1: req/s"; }
# The server's CPU a request, user + system, at 16 connections.
cpu_per_request() { awk -v u="$(value "$1, 16 connections: server CPU µs a request, user")" \
                        -v s="$(value "$1, 16 connections: server CPU µs a request, system")" 'BEGIN { print u + s }'; }

# Instructions the server executes for CALLS requests (after 3 not counted), per request, in $ir.
instructions() {  # NAME URL COMMAND...
  local name=$1 url=$2 pid
  shift 2
  fresh_store "$hook"
  start "$work/cg-$name.log" valgrind --tool=callgrind --callgrind-out-file="$work/cg-$name.out" "$@"
  pid=$started
  [ "$name" = hook ] && wait_groups "$port" "$hook_groups" "$pid"
  python3 bench/send.py "http://127.0.0.1:$port$url" "$hook/with-position.json" 3
  callgrind_control -z "$pid" > /dev/null 2>&1
  python3 bench/send.py "http://127.0.0.1:$port$url" "$hook/with-position.json" "$calls"
  callgrind_control -d "$pid" > /dev/null 2>&1
  stop "$pid"
  ir=$(awk -v n="$calls" '/^(summary|totals):/ { printf "%.0f", $2 / n; exit }' "$work/cg-$name.out.1")  # the dump
  # The request's parse within it (inclusive; the first line is the largest of its inlined copies;
  # awk reads to the end, so callgrind_annotate never writes into a closed pipe).
  parse_ir=$(callgrind_annotate --inclusive=yes --threshold=100 "$work/cg-$name.out.1" 2>/dev/null |
    awk -v n="$calls" '!done && /fhir::ParsedJson::Parse\(std::basic_string_view/ {
      v = $1; gsub(",", "", v); printf "%.0f", v / n; done = 1 }')
  rm -f "$work/cg-$name.out"*
}

# Instructions RapidJSON takes to parse the request once, alone (bench/raw_parse MODE), in $ir:
# callgrind over 0 parses and over CALLS parses; the difference over CALLS.
raw_parse_instructions() {  # MODE
  local counts=()
  for n in 0 "$calls"; do
    valgrind --tool=callgrind --callgrind-out-file="$work/cg-raw.out" "$build/bench/raw_parse" "$1" \
      "$hook/with-position.json" "$n" > /dev/null 2>&1
    counts+=("$(awk '/^(summary|totals):/ { print $2; exit }' "$work/cg-raw.out")")
    rm -f "$work/cg-raw.out"
  done
  ir=$(( (counts[1] - counts[0]) / calls ))
}

for (( run = 1; run <= runs; run++ )); do
  printf '\n##### run %d of %d (%s)\n' "$run" "$runs" "$(date -u +'%Y-%m-%d %H:%M UTC')"

  # Sections 1 and 4: the hook's answers (the bare listener answers the same bytes), from a fresh
  # server left running.
  if want 1 || want 4; then
    fresh_store "$hook"
    start "$work/serve.log" "$build/plugin/selvhjelp" serve --config "$hook/config.json"
    serve=$started hook_port=$port
    wait_groups "$hook_port" "$hook_groups" "$serve"
    for body in with-position without-position; do
      curl -sf -X POST -H 'Content-Type: application/json' --data-binary @"$hook/$body.json" \
        "http://127.0.0.1:$hook_port$hook_path" > "$work/answer-$body.json"
    done
    if ! want 1; then stop "$serve"; fi
  fi

  beast="bare Beast listener (today's transport)" cpprest_floor="bare cpprestsdk listener (issue's floor)"
  section="1. Hook vs bare listeners ($hook_groups groups, patient with position; wrk ${secs} s each)"
  if want 1 && [ "$run" = 1 ]; then
    echo "request $(wc -c < "$hook/with-position.json") bytes; answer $(wc -c < "$work/answer-with-position.json") bytes," \
         "$(grep -o '"summary"' "$work/answer-with-position.json" | wc -l) cards; answers with and without" \
         "the patient's position $(cmp -s "$work"/answer-with*.json && echo 'are the same (position unused?)' || echo differ)"
  fi
  if want 1; then
    start "$work/bare.log" "$build/bench/bare_listener" 2 "$work/answer-with-position.json"
    bare=$started bare_port=$port
    start "$work/bare-cpprest.log" "$build/bench/bare_cpprest_listener" 2 "$work/answer-with-position.json"
    cpprest=$started cpprest_port=$port
    for c in "1 connection" "16 connections"; do
      measure "$section" "$beast, $c" "http://127.0.0.1:$bare_port/" "${c%% *}" "$bare"
      measure "$section" "$cpprest_floor, $c" "http://127.0.0.1:$cpprest_port/" "${c%% *}" "$cpprest"
      measure "$section" "hook, $c" "http://127.0.0.1:$hook_port$hook_path" "${c%% *}" "$serve"
    done
    stop "$serve"
    stop "$bare"
    stop "$cpprest"
    for floor in "$cpprest_floor" "$beast"; do
      target=""
      [ "$floor" = "$cpprest_floor" ] && target=" (target >= 0.6)"
      figure "$section" "hook / $floor req/s, 1 connection" \
        "$(ratio "$(rps 'hook, 1 connection')" "$(rps "$floor, 1 connection")")"
      figure "$section" "hook / $floor req/s, 16 connections$target" \
        "$(ratio "$(rps 'hook, 16 connections')" "$(rps "$floor, 16 connections")")"
      figure "$section" "hook / $floor server CPU a request, 16 connections" \
        "$(ratio "$(cpu_per_request hook)" "$(cpu_per_request "$floor")")"
    done
  fi

  section="2. Growth: hook call in process, patient with position vs without (floor); $iterations calls each"
  for n in "${sizes[@]}"; do
    want 2 || break
    fresh_store "$work/g$n"
    "$build/bench/decision_bench" "$work/g$n/config.json" "$iterations" \
      "$work/g$n/with-position.json" "$work/g$n/without-position.json" > "$work/decision.txt"
    mean() { awk -v r="hook call $1:" 'index($0, r) == 1 { sub(/.*CPU /, ""); print $1 }' "$work/decision.txt"; }
    figure "$section" "$n groups: CPU µs a call without position (floor)" "$(mean without-position)"
    figure "$section" "$n groups: CPU µs a call with position" "$(mean with-position)"
    figure "$section" "$n groups: with / without (target <= 1.2)" "$(ratio "$(mean with-position)" "$(mean without-position)")"
  done

  section="3. Growth: place query alone, 100,000 queries, with position vs without (floor)"
  : > "$work/growth.txt"
  if want 3; then "$build/bench/directory_bench" growth mappings/data/geography.json "${sizes[@]}" > "$work/growth.txt"; fi
  while IFS=$'\t' read -r n _ p50 _ near50 near99 r; do
    figure "$section" "$n groups: p50 µs without position (floor)" "$p50"
    figure "$section" "$n groups: p50 µs with position" "$near50"
    figure "$section" "$n groups: p99 µs with position" "$near99"
    figure "$section" "$n groups: p50 with / without" "$r"
  done < <(tail -n +2 "$work/growth.txt")

  section="4. Instructions per call (callgrind, $calls calls of the same request)"
  if want 4; then
    instructions bare / "$build/bench/bare_listener" 2 "$work/answer-with-position.json"
    bare_ir=$ir
    instructions cpprest / "$build/bench/bare_cpprest_listener" 2 "$work/answer-with-position.json"
    cpprest_ir=$ir
    instructions hook "$hook_path" "$build/plugin/selvhjelp" serve --config "$hook/config.json"
    hook_ir=$ir hook_parse_ir=$parse_ir
    raw_parse_instructions sax
    sax_ir=$ir
    raw_parse_instructions dom
    dom_ir=$ir
    figure "$section" "$cpprest_floor" "$cpprest_ir"
    figure "$section" "$beast" "$bare_ir"
    figure "$section" "hook" "$hook_ir"
    figure "$section" "hook / $cpprest_floor (target <= 3)" "$(ratio "$hook_ir" "$cpprest_ir")"
    figure "$section" "hook / $beast" "$(ratio "$hook_ir" "$bare_ir")"
    figure "$section" "parse: RapidJSON's reader alone, into nothing (floor)" "$sax_ir"
    figure "$section" "parse: RapidJSON's DOM, in situ" "$dom_ir"
    figure "$section" "parse: the hook's (ParsedJson::Parse)" "$hook_parse_ir"
    figure "$section" "hook's parse / RapidJSON's reader alone" "$(ratio "$hook_parse_ir" "$sax_ir")"
    figure "$section" "hook / ($beast + RapidJSON's reader alone)" "$(ratio "$hook_ir" "$(( bare_ir + sax_ir ))")"
  fi

  section="5. Records committed per second, SQLite (synchronous=FULL, $records records each, same disk)"
  if want 5; then records_figures "$section" "$work/records"; fi

  section="6. Records committed per second, PostgreSQL (synchronous_commit=on, fsync on, $records records each, same disk)"
  if want 6; then
    url=$(bash tests/pg/pg_server.sh createdb "$pg" "records$run")
    records_figures "$section" "$url"
  fi

  section="7. Hook with the PostgreSQL store vs the SQLite store ($hook_groups groups, patient with position; wrk ${secs} s each)"
  if want 7; then
    fresh_store "$hook"
    start "$work/serve-sqlite.log" "$build/plugin/selvhjelp" serve --config "$hook/config.json"
    sqlite_serve=$started sqlite_port=$port
    url=$(bash tests/pg/pg_server.sh createdb "$pg" "hook$run")
    start "$work/serve-pg.log" env SELVHJELP_BENCH_STORE_URL="$url" "$build/plugin/selvhjelp" serve \
      --config "$hook/config-pg.json"
    pg_serve=$started pg_port=$port
    for p in "$sqlite_serve:$sqlite_port" "$pg_serve:$pg_port"; do
      wait_groups "${p#*:}" "$hook_groups" "${p%:*}"
      curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
        --data-binary @"$hook/with-position.json" "http://127.0.0.1:${p#*:}$hook_path"
    done
    for s in "1 connection" "16 connections"; do
      measure "$section" "SQLite store, $s" "http://127.0.0.1:$sqlite_port$hook_path" "${s%% *}"
      measure "$section" "PostgreSQL store, $s" "http://127.0.0.1:$pg_port$hook_path" "${s%% *}"
    done
    stop "$sqlite_serve"
    stop "$pg_serve"
    for s in "1 connection" "16 connections"; do
      figure "$section" "PostgreSQL / SQLite req/s, $s" "$(ratio "$(rps "PostgreSQL store, $s")" "$(rps "SQLite store, $s")")"
    done
  fi
done
python3 bench/ranges.py "$work/figures.tsv"
