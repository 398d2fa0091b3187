#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests of the PostgreSQL store, in a folder of its own:
#   pg_server.sh start DIR [--durable]  initdb + start on 127.0.0.1 (a free port) with its socket
#                                 in DIR; prints the store.url of database "postgres". fsync is off
#                                 unless --durable (production's setting: bench/run.sh measures it)
#   pg_server.sh createdb DIR NAME  a new empty database; prints its store.url
#   pg_server.sh stop DIR         stops it at once (the caller removes DIR)
# Exit 77 when PostgreSQL's server binaries are absent (scripts/install-deps.sh --tests installs
# them). PostgreSQL refuses to run as root: as root the server runs as `nobody`, owning DIR.
set -euo pipefail
cmd=${1:?start|createdb|stop}
dir=${2:?DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/postgres" ]; then
  echo "pg_server.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 77
fi
as=()
if [ "$(id -u)" = 0 ]; then as=(runuser -u nobody --); fi
case "$cmd" in
  start)
    [ "$(id -u)" = 0 ] && chown nobody "$dir"
    "${as[@]}" "$bin/initdb" -D "$dir/data" -U selvhjelp -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # fsync off: the tests kill selvhjelp, never the machine; it spares the shared disk.
    fsync=off
    if [ "${3:-}" = --durable ]; then fsync=on; fi
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=$fsync -c max_connections=200" start >/dev/null
    echo "$port" >"$dir/port"
    echo "postgresql://selvhjelp@127.0.0.1:$port/postgres"
    ;;
  createdb)
    name=${3:?NAME}
    port=$(cat "$dir/port")
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U selvhjelp "$name"
    echo "postgresql://selvhjelp@127.0.0.1:$port/$name"
    ;;
  stop)
    [ -f "$dir/data/postmaster.pid" ] && "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    ;;
  *) echo "pg_server.sh: unknown command $cmd" >&2; exit 2 ;;
esac
