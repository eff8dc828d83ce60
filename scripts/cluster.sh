#!/usr/bin/env bash
# Cluster mode as plain processes on one machine, the topology docker-compose.yml describes: a private PostgreSQL
# (scripts/postgres.sh), 3 silos and 2 Api front ends (Orleans clients), all on loopback ports.
#
#   scripts/cluster.sh start [folder]   builds, starts everything, waits until ready, prints the folder
#   scripts/cluster.sh stop folder      stops everything and removes the folder
#   scripts/cluster.sh stop-nodes folder / start-nodes folder
#                                       stops or starts the silos and front ends only; the database stays
#
# The folder holds cluster.env (API_1, API_2, SILO_1..3 health URLs, the front ends' MANAGEMENT_1 and MANAGEMENT_2
# ports, OPERATOR_TOKEN, DATABASE), each process's pid
# and log. Front ends run in the Development environment, so POST /dev/token works against either of them.
# CONFIGURATION=Debug|Release (default Release) picks the build.
set -Eeuo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
configuration=${CONFIGURATION:-Release}
lower=$(echo "$configuration" | tr '[:upper:]' '[:lower:]')
silos=3
front_ends=2

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_ready() { # url, log [, pid]: 0 once ready, 2 if the process ended first, 1 after a minute
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null "$1/health/ready" && return 0
    if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then
      echo "ended before ready: $1 (see $2)" >&2
      return 2
    fi
    sleep 0.25
  done
  echo "not ready: $1 (see $2)" >&2
  return 1
}

# start_node kind i: starts silo i or front end i on the ports cluster.env names for it, and waits until it is ready. A
# port picked free can be taken by another process before the node binds it: then the node is started again on ports
# picked afresh (at most three times).
start_node() {
  local kind=$1 i=$2 attempt
  for attempt in 1 2 3; do
    # shellcheck disable=SC1091
    source "$folder/cluster.env"
    if [ "$kind" = silo ]; then
      local url="SILO_$i"
      # Run from the build folder, so the content root (and its appsettings.json) is the program's own. Urls, unprefixed,
      # outranks the Urls in appsettings.json.
      (cd "$root/artifacts/bin/ApiKeys.Silo/$lower" && ApiKeys__Database=postgres ConnectionStrings__ApiKeys="$DATABASE" \
        Orleans__SiloPort="$(free_port)" Orleans__GatewayPort="$(free_port)" Urls="${!url}" Management__Port="${!url##*:}" \
        exec nohup dotnet ApiKeys.Silo.dll >>"$folder/silo-$i.log" 2>&1) &
    else
      local url="API_$i" management="MANAGEMENT_$i"
      (cd "$root/artifacts/bin/ApiKeys.Api/$lower" && Orleans__Client=true ApiKeys__Database=postgres ConnectionStrings__ApiKeys="$DATABASE" \
        Urls="${!url};http://127.0.0.1:${!management}" Management__Port="${!management}" ASPNETCORE_ENVIRONMENT=Development Auth__OperatorToken="$OPERATOR_TOKEN" \
        Auth__Jwt__Issuer=apikeys-cluster Auth__Jwt__SigningKeys__0="$SIGNING_KEY" \
        exec nohup dotnet ApiKeys.Api.dll >>"$folder/$kind-$i.log" 2>&1) &
    fi
    local pid=$!
    echo "$pid" >"$folder/$kind-$i.pid"
    local status=0
    wait_ready "${!url}" "$folder/$kind-$i.log" "$pid" || status=$?
    [ "$status" -eq 0 ] && return 0
    if [ "$status" -eq 2 ] && grep -q "address already in use" "$folder/$kind-$i.log" && [ "$attempt" -lt 3 ]; then
      if [ "$kind" = silo ]; then
        sed -i "s|^SILO_$i=.*|SILO_$i=http://127.0.0.1:$(free_port)|" "$folder/cluster.env"
      else
        sed -i "s|^API_$i=.*|API_$i=http://127.0.0.1:$(free_port)|; s|^MANAGEMENT_$i=.*|MANAGEMENT_$i=$(free_port)|" "$folder/cluster.env"
      fi
      continue
    fi
    return 1
  done
}

start_nodes() {
  folder=$1
  # Ports are picked afresh at every start, so a restart never waits on a port something else took meanwhile.
  grep -vE '^(SILO|API|MANAGEMENT)_' "$folder/cluster.env" >"$folder/cluster.env.next" || true
  {
    for i in $(seq 1 $silos); do echo "SILO_$i=http://127.0.0.1:$(free_port)"; done
    for i in $(seq 1 $front_ends); do echo "API_$i=http://127.0.0.1:$(free_port)"; echo "MANAGEMENT_$i=$(free_port)"; done
  } >>"$folder/cluster.env.next"
  mv "$folder/cluster.env.next" "$folder/cluster.env"
  # The first silo creates the cluster; the others join it.
  for i in $(seq 1 $silos); do start_node silo "$i"; done
  for i in $(seq 1 $front_ends); do start_node api "$i"; done
}

stop_nodes() {
  local folder=$1
  for pid_file in "$folder"/api-*.pid "$folder"/silo-*.pid; do
    [ -f "$pid_file" ] || continue
    local pid
    pid=$(cat "$pid_file")
    rm -f "$pid_file"
    # A process that already ended may have handed its pid on: stop only our own.
    grep -qa "ApiKeys\." "/proc/$pid/cmdline" 2>/dev/null || continue
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  done
}

case "${1:-}" in
  start)
    folder=${2:-$(mktemp -d -t apikeys-cluster-XXXXXX)}
    mkdir -p "$folder"
    # The database runs as another user when this runs as root; it needs to reach its folder inside this one.
    chmod 755 "$folder"
    # Whatever fails on the way, leave nothing running.
    trap 'echo "cluster start failed; logs in $folder" >&2; stop_nodes "$folder"; "$root/scripts/postgres.sh" stop "$folder/postgres" 2>/dev/null || true' ERR
    dotnet build "$root/src/Silo" -c "$configuration" --nologo -v q >"$folder/build.log"
    dotnet build "$root/src/Api" -c "$configuration" --nologo -v q >>"$folder/build.log"
    database=$("$root/scripts/postgres.sh" start "$folder/postgres" | tail -n 1)
    {
      echo "DATABASE='$database'"
      echo "OPERATOR_TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
      echo "SIGNING_KEY=$(head -c 32 /dev/urandom | base64)"
    } >"$folder/cluster.env"
    start_nodes "$folder"
    trap - ERR
    echo "$folder"
    ;;
  start-nodes) start_nodes "${2:?folder}" ;;
  stop-nodes) stop_nodes "${2:?folder}" ;;
  stop)
    folder=${2:?folder}
    stop_nodes "$folder"
    "$root/scripts/postgres.sh" stop "$folder/postgres"
    rm -rf "$folder"
    ;;
  *)
    echo "usage: $0 start [folder] | stop folder | stop-nodes folder | start-nodes folder" >&2
    exit 2
    ;;
esac
