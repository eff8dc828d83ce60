#!/usr/bin/env bash
# A private PostgreSQL for tests and for trying cluster mode: a fresh data folder in a temp directory, listening on
# a loopback port only, trust authentication for local connections, run as a non-root user (initdb refuses root).
#
#   scripts/postgres.sh start [folder] [port]   prints the connection string on its last line
#   scripts/postgres.sh stop  folder
set -euo pipefail

bin=$(command -v pg_ctl >/dev/null && dirname "$(command -v pg_ctl)" || ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/pg_ctl" ] || { echo "PostgreSQL server binaries not found (Debian: apt-get install postgresql-15)" >&2; exit 1; }

# Runs a command as the owner of the data folder: the invoking user, or 'postgres' when invoked as root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "${1:-}" in
  start)
    folder=${2:-$(mktemp -d -t apikeys-postgres-XXXXXX)}
    port=${3:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
    mkdir -p "$folder"
    [ "$(id -u)" -ne 0 ] || chown postgres "$folder"
    as_owner "$bin/initdb" -D "$folder/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$folder/initdb.log"
    as_owner "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $folder -c max_connections=300 -c fsync=off -c full_page_writes=off" start >/dev/null
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
  stop)
    [ -n "${2:-}" ] || { echo "usage: $0 stop folder" >&2; exit 2; }
    as_owner "$bin/pg_ctl" -D "$2/data" -m fast -w stop >/dev/null || true
    rm -rf "$2"
    ;;
  *)
    echo "usage: $0 start [folder] [port] | stop folder" >&2
    exit 2
    ;;
esac
