#!/usr/bin/env bash
# Validation benchmark: starts the service itself (embedded mode, Release build, a fresh SQLite file), seeds keys through
# its REST API (bench/seed.cs), loads it with wrk on loopback and prints one markdown table. Every figure is set beside
# the same process's trivial endpoint (/health/live), measured in the same run, so the ratios survive a noisy machine.
#
#   bench/run.sh [--keys N] [--duration SECONDS] [--connections C]      (defaults: 100000 keys, 10 s, 32)
#
# Needs the .NET SDK, curl, jq and wrk (Debian: apt-get install wrk).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keys=100000
duration=10
connections=32
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) keys=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    *) echo "usage: $0 [--keys N] [--duration SECONDS] [--connections C]" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is needed (Debian: apt-get install wrk)" >&2; exit 1; }

work=$(mktemp -d -t apikeys-bench-XXXXXX)
chmod 755 "$work" # the private PostgreSQL runs as another user when this runs as root
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
api=http://127.0.0.1:$port
operator=bench-operator-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')

dotnet build "$root/src/Api" -c Release --nologo -v q >"$work/build.log"
(cd "$root/artifacts/bin/ApiKeys.Api/release" && ApiKeys__Sqlite="$work/apikeys.db" Urls="$api" \
  Orleans__SiloPort="$(free_port)" Orleans__GatewayPort="$(free_port)" ASPNETCORE_ENVIRONMENT=Development \
  Auth__OperatorToken="$operator" Logging__LogLevel__Default=Warning exec dotnet ApiKeys.Api.dll >"$work/api.log" 2>&1) &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -sf -o /dev/null "$api/health/ready" && break; sleep 0.5; done

echo "seeding $keys keys..." >&2
dotnet run --file "$root/bench/seed.cs" -- "$api" "$operator" "$keys" "$work/tokens" >&2
hot=$(head -n 1 "$work/tokens")
admin=$(cat "$work/tokens.admin")
garbage="${hot%?}$( [ "${hot: -1}" = 0 ] && echo 1 || echo 0)"

# wrk_run url [wrk options...]: prints "requests/s p50 p99 errors"; CONNECTIONS overrides the connection count
wrk_run() {
  local url=$1; shift
  wrk -t2 -c"${CONNECTIONS:-$connections}" -d"${duration}s" -s "$root/bench/latency.lua" "$@" "$url" | awk '/^RESULT/ { print $2, $3, $4, $5 }'
}

# wrk_uniform: validations of keys drawn uniformly from the seeded ones; same output
wrk_uniform() {
  wrk -t2 -c"$connections" -d"${duration}s" -s "$root/bench/random-key.lua" "$api/api/v1/auth/verify" "$work/tokens" \
    | awk '/^RESULT/ { print $2, $3, $4, $5 }'
}

wrk_run "$api/health/live" >/dev/null # warm-up
read -r base_rps base_p50 base_p99 _ < <(wrk_run "$api/health/live")
read -r hot_rps hot_p50 hot_p99 hot_errors < <(wrk_run "$api/api/v1/auth/verify" -H "Authorization: Bearer $hot")
wrk_uniform >/dev/null # activates the keys
read -r uniform_rps uniform_p50 uniform_p99 uniform_errors < <(wrk_uniform)
read -r garbage_rps garbage_p50 garbage_p99 _ < <(wrk_run "$api/api/v1/auth/verify" -H "Authorization: Bearer $garbage")
# Admins search at human rates: a few concurrent requests, not the validation load's connection count.
read -r list_rps list_p50 list_p99 _ < <(CONNECTIONS=4 wrk_run "$api/api/v1/api-keys?limit=20&q=key%2012" -H "Authorization: Bearer $admin")
revoke_count=$(( keys < 200 ? keys / 2 : 200 ))
read -r revoke_worst revoke_p99 revoke_late revoke_accepted < <(
  dotnet run --file "$root/bench/revocation.cs" -- "$api" "$admin" "$work/tokens" "$revoke_count" | awk '/^REVOCATION/ { print $2, $3, $4, $5 }')

# Api and Silo as separate processes on this machine: a private PostgreSQL, one silo, one front end as its client.
kill $pid 2>/dev/null; wait $pid 2>/dev/null || true
dotnet build "$root/src/Silo" -c Release --nologo -v q >>"$work/build.log"
database=$("$root/scripts/postgres.sh" start "$work/postgres" | tail -n 1)
split_api=http://127.0.0.1:$(free_port)
(cd "$root/artifacts/bin/ApiKeys.Silo/release" && ApiKeys__Database=postgres ConnectionStrings__ApiKeys="$database" \
  Urls=http://127.0.0.1:$(free_port) Orleans__SiloPort="$(free_port)" Orleans__GatewayPort="$(free_port)" \
  Logging__LogLevel__Default=Warning exec dotnet ApiKeys.Silo.dll >"$work/silo.log" 2>&1) &
silo=$!
trap 'kill $pid $silo $split 2>/dev/null; wait 2>/dev/null; "$root/scripts/postgres.sh" stop "$work/postgres" 2>/dev/null; rm -rf "$work"' EXIT
sleep 1
(cd "$root/artifacts/bin/ApiKeys.Api/release" && Orleans__Client=true ApiKeys__Database=postgres ConnectionStrings__ApiKeys="$database" \
  Urls="$split_api" ASPNETCORE_ENVIRONMENT=Development Auth__OperatorToken="$operator" Logging__LogLevel__Default=Warning \
  exec dotnet ApiKeys.Api.dll >"$work/split-api.log" 2>&1) &
split=$!
for _ in $(seq 1 120); do curl -sf -o /dev/null "$split_api/health/ready" && break; sleep 0.5; done
dotnet run --file "$root/bench/seed.cs" -- "$split_api" "$operator" 100 "$work/split-tokens" >&2
split_hot=$(head -n 1 "$work/split-tokens")
wrk_run "$split_api/health/live" >/dev/null # warm-up
read -r split_base_rps split_base_p50 split_base_p99 _ < <(wrk_run "$split_api/health/live")
read -r split_rps split_p50 split_p99 split_errors < <(wrk_run "$split_api/api/v1/auth/verify" -H "Authorization: Bearer $split_hot")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cat <<TABLE
| figure | measured | baseline (/health/live) | ratio | target |
|---|---|---|---|---|
| validation throughput, embedded, one hot key | $hot_rps req/s (p50 $hot_p50 ms, p99 $hot_p99 ms, $hot_errors errors) | $base_rps req/s (p50 $base_p50 ms, p99 $base_p99 ms) | $(ratio "$hot_rps" "$base_rps") | ≥ 0.7 |
| validation throughput, Api and Silo as separate processes (PostgreSQL), one hot key | $split_rps req/s (p50 $split_p50 ms, p99 $split_p99 ms, $split_errors errors) | $split_base_rps req/s (p50 $split_base_p50 ms, p99 $split_base_p99 ms) | $(ratio "$split_rps" "$split_base_rps") | ≥ 0.5 |
| validation throughput, keys uniform over $keys | $uniform_rps req/s (p50 $uniform_p50 ms, p99 $uniform_p99 ms, $uniform_errors errors) | hot key $hot_rps req/s | $(ratio "$uniform_rps" "$hot_rps") of hot key | ≥ 0.5 of hot key |
| garbage tokens (bad checksum), rejected without a grain call | $garbage_rps req/s | $base_rps req/s | $(ratio "$garbage_rps" "$base_rps") | ≥ 0.8 |
| after a revoke returns, the longest time a front end still answers valid ($revoke_count keys revoked under load) | worst $revoke_worst ms, p99 $revoke_p99 ms; $revoke_late acceptances of requests that started after the revoke returned (of $revoke_accepted) | | | ≤ 1 s worst case; 0 late |
| admin search at $keys keys in one tenant (q, limit 20, 4 connections) | $list_rps req/s, p50 $list_p50 ms, p99 $list_p99 ms | | | p99 ≤ 100 ms |

Machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); wrk -t2 -c$connections -d${duration}s on loopback, service and load generator on the same machine.
TABLE
