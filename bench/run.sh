#!/usr/bin/env bash
# Validation benchmark (docs/benchmarks.md): starts the service itself, seeds tenants and keys through its REST API
# (bench/seed.cs), loads it with wrk on loopback and prints one markdown table. Every figure stands beside the same
# Api process's trivial endpoint (/health/live), measured in the same run, so the ratios survive a noisy machine.
#
#   bench/run.sh [--keys N] [--duration SECONDS] [--connections C]      (defaults: 100000 keys, 10 s, 32)
#
# Two set-ups, one after the other:
#   embedded   the Api co-hosting its silo on a SQLite file (the default deployment): hot key, garbage tokens, p99 at
#              half of peak, revocation bound;
#   separate   a private PostgreSQL, one silo and two Api front ends (Orleans clients), each its own process: hot key,
#              N keys drawn uniformly, memory per active key grain and per cached key, admin search at N keys in one
#              tenant, the tenant's top keys over 7 and 31 days, revocation bound across both front ends.
#
# Needs the .NET SDK, curl, python3, wrk (Debian: apt-get install wrk) and, for the memory figures, dotnet-counters and
# dotnet-trace (dotnet tool install -g dotnet-counters; dotnet tool install -g dotnet-trace).
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
PATH=$PATH:$HOME/.dotnet/tools
counters=$(command -v dotnet-counters || true)
trace=$(command -v dotnet-trace || true)
[ -n "$trace" ] || counters=""
started=$(date +%s)

work=$(mktemp -d -t apikeys-bench-XXXXXX)
chmod 755 "$work" # the private PostgreSQL runs as another user when this runs as root
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ ! -d "$work/postgres" ] || "$root/scripts/postgres.sh" stop "$work/postgres" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
operator=bench-operator-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
log() { echo "[$(( $(date +%s) - started ))s] $*" >&2; }

log "building (Release)"
dotnet build "$root/src/Api" -c Release --nologo -v q >"$work/build.log"
dotnet build "$root/src/Silo" -c Release --nologo -v q >>"$work/build.log"

# start_api name url [VAR=value...]: runs the Api from its build folder with the given settings, waits until ready
start_api() {
  local name=$1 url=$2; shift 2
  (cd "$root/artifacts/bin/ApiKeys.Api/release" && exec env "$@" Urls="$url" ASPNETCORE_ENVIRONMENT=Development \
    Auth__OperatorToken="$operator" Logging__LogLevel__Default=Warning dotnet ApiKeys.Api.dll >"$work/$name.log" 2>&1) &
  pids+=($!)
  eval "${name}_pid=$!"
  for _ in $(seq 1 120); do curl -sf -o /dev/null "$url/health/ready" && return; sleep 0.5; done
  echo "$name did not become ready; see its log:" >&2; tail -n 30 "$work/$name.log" >&2; exit 1
}

# wrk_run url [wrk options...]: prints "requests/s p50 p99 errors"; CONNECTIONS, DURATION, SCRIPT and SCRIPT_ARGS
# override the defaults
wrk_run() {
  local url=$1; shift
  wrk -t2 -c"${CONNECTIONS:-$connections}" -d"${DURATION:-$duration}s" -s "${SCRIPT:-$root/bench/latency.lua}" "$@" "$url" \
    ${SCRIPT_ARGS:+-- $SCRIPT_ARGS} \
    | awk '/^RESULT/ { print $2, $3, $4, $5 }'
}

# wrk_uniform url tokens: validations of keys drawn uniformly from the file's tokens; same output
wrk_uniform() {
  wrk -t2 -c"$connections" -d"${DURATION:-$duration}s" -s "$root/bench/random-key.lua" "$1" "$2" | awk '/^RESULT/ { print $2, $3, $4, $5 }'
}

# memory pid instrument: the process's GC heap in bytes right after a full, blocking collection (asked for through
# dotnet-trace's GC-collect keyword), and the value of the instrument (a dotnet-counters name with its tags), read with
# dotnet-counters from the process's own meters
memory() {
  [ -n "$counters" ] || { echo "- 0"; return; }
  timeout 300 "$trace" collect -p "$1" --providers Microsoft-Windows-DotNETRuntime:0x800000:4 --duration 00:00:00:01 \
    -o "$work/collect.nettrace" >/dev/null 2>&1 || true
  rm -f "$work/counters.csv"
  timeout 60 "$counters" collect -p "$1" --counters System.Runtime,Microsoft.Orleans,ApiKeys --format csv --refresh-interval 1 \
    --duration 00:00:00:04 -o "$work/counters.csv" >/dev/null 2>&1 || true
  awk -F, -v instrument="$2" '
    index($3, "dotnet.gc.last_collection.heap.size") == 1 { heap[$3] = $5 }
    index($3, instrument) == 1 { count = $5 }
    END { for (generation in heap) bytes += heap[generation]; print (bytes > 0 ? bytes : "-"), count + 0 }' "$work/counters.csv"
}

seed() { dotnet run --file "$root/bench/seed.cs" -- "$@" >&2; }

# ---- embedded: the Api co-hosting its silo on a SQLite file --------------------------------------------------------
api=http://127.0.0.1:$(free_port)
log "embedded: starting"
start_api embedded "$api" ApiKeys__Sqlite="$work/apikeys.db" Orleans__SiloPort="$(free_port)" Orleans__GatewayPort="$(free_port)"
seed "$api" "$operator" 1000 "$work/embedded-tokens"
hot=$(head -n 1 "$work/embedded-tokens")
admin=$(cat "$work/embedded-tokens.admin")
garbage="${hot%?}$( [ "${hot: -1}" = 0 ] && echo 1 || echo 0)"

log "embedded: loads"
DURATION=3 wrk_run "$api/health/live" >/dev/null # warm-up
read -r base_rps base_p50 base_p99 _ < <(wrk_run "$api/health/live")
read -r hot_rps hot_p50 hot_p99 hot_errors < <(wrk_run "$api/api/v1/auth/verify" -H "Authorization: Bearer $hot")
read -r garbage_rps _ _ _ < <(wrk_run "$api/api/v1/auth/verify" -H "Authorization: Bearer $garbage")
# Half of peak: each connection pauses 2 ms after every answer; as many connections as that rate needs.
half=$(( hot_rps / 2 ))
paced_connections=$(awk -v rate="$half" -v p50="$hot_p50" 'BEGIN { printf "%d", rate * (2 + p50) / 1000 + 1 }')
read -r paced_rps paced_p50 paced_p99 paced_errors < <(CONNECTIONS=$paced_connections SCRIPT="$root/bench/paced.lua" \
  SCRIPT_ARGS=2 wrk_run "$api/api/v1/auth/verify" -H "Authorization: Bearer $hot")
log "embedded: revocation under load"
read -r revoke_worst revoke_p99 revoke_late revoke_accepted < <(
  dotnet run --file "$root/bench/revocation.cs" -- "$api" "$admin" "$work/embedded-tokens" 200 | awk '/^REVOCATION/ { print $2, $3, $4, $5 }')
kill "$embedded_pid"; wait "$embedded_pid" 2>/dev/null || true

# ---- separate processes: PostgreSQL, one silo, two Api front ends ---------------------------------------------------
log "separate: starting PostgreSQL, a silo and two front ends"
database=$("$root/scripts/postgres.sh" start "$work/postgres" | tail -n 1)
silo=http://127.0.0.1:$(free_port)
# Key grains stay active through the run: seeding a million keys can take longer than the default idle time.
(cd "$root/artifacts/bin/ApiKeys.Silo/release" && ApiKeys__Database=postgres ConnectionStrings__ApiKeys="$database" \
  ApiKeys__KeyIdleTime=04:00:00 Urls="$silo" Orleans__SiloPort="$(free_port)" Orleans__GatewayPort="$(free_port)" \
  Logging__LogLevel__Default=Warning exec dotnet ApiKeys.Silo.dll >"$work/silo.log" 2>&1) &
silo_pid=$!
pids+=($silo_pid)
# The silo creates the schema the front ends' cluster membership reads.
for _ in $(seq 1 120); do curl -sf -o /dev/null "$silo/health/ready" && break; sleep 0.5; done
front=http://127.0.0.1:$(free_port)
second=http://127.0.0.1:$(free_port)
start_api front "$front" Orleans__Client=true ApiKeys__Database=postgres ConnectionStrings__ApiKeys="$database"
start_api second "$second" Orleans__Client=true ApiKeys__Database=postgres ConnectionStrings__ApiKeys="$database"
grains='orleans-catalog-activations[grain_type=apikey]'
answers='apikeys.validation_cache.answers'
read -r silo_heap0 grains_before < <(memory "$silo_pid" "$grains")

log "separate: seeding $keys keys"
seed "$front" "$operator" "$keys" "$work/tokens"
split_hot=$(head -n 1 "$work/tokens")
split_admin=$(cat "$work/tokens.admin")

log "separate: loads"
DURATION=3 wrk_run "$front/health/live" >/dev/null # warm-up
read -r split_base_rps split_base_p50 split_base_p99 _ < <(wrk_run "$front/health/live")
read -r split_rps split_p50 split_p99 split_errors < <(wrk_run "$front/api/v1/auth/verify" -H "Authorization: Bearer $split_hot")
# Admins search at human rates: a few concurrent requests, not the validation load's connection count. Three shapes:
# "key 12" matches about 1% of the keys, all among the oldest, so the newest-first order holds none of them early;
# "bench" matches every key; and the plain list.
admin_get() { CONNECTIONS=4 DURATION=$(( (duration + 1) / 2 )) wrk_run "$front/api/v1/api-keys?limit=20$1" -H "Authorization: Bearer $split_admin"; }
read -r rare_rps rare_p50 rare_p99 _ < <(admin_get "&q=key%2012")
read -r common_rps common_p50 common_p99 _ < <(admin_get "&q=bench")
read -r list_rps list_p50 list_p99 _ < <(admin_get "")
read -r front_heap0 cached_before < <(memory "$front_pid" "$answers")
# Every key validated once before measuring: its grain is active and the front end caches its answer. Then an unmeasured
# uniform pass longer than ApiKeys:UsageFlushInterval (10 s), so the keys' first usage writes are behind the measurement.
dotnet run --file "$root/bench/warm.cs" -- "$front" "$work/tokens" >&2
DURATION=12 wrk_uniform "$front/api/v1/auth/verify" "$work/tokens" >/dev/null
read -r uniform_rps uniform_p50 uniform_p99 uniform_errors < <(wrk_uniform "$front/api/v1/auth/verify" "$work/tokens")
# The hot key again through the same script (a file of one token), so wrk spends the same per request on both sides of
# the ratio: on a shared machine its Lua request hook takes CPU from the service.
head -n 1 "$work/tokens" >"$work/hot-token"
read -r scripted_hot_rps _ _ _ < <(wrk_uniform "$front/api/v1/auth/verify" "$work/hot-token")
# The tenant's keys ranked by use over the longest windows, once every key has usage rows (one to three minutes each):
# the first request computes the ranking (ms), the load after it is served from the ranking the silo keeps.
admin_top() {
  local url="$front/api/v1/api-keys/usage?window=$1&limit=10"
  curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $split_admin" "$url" | awk '{ printf "%.0f ", $1 * 1000 }'
  CONNECTIONS=4 DURATION=$(( (duration + 1) / 2 )) wrk_run "$url" -H "Authorization: Bearer $split_admin"
}
read -r top7_first top7_rps top7_p50 top7_p99 _ < <(admin_top P7D)
read -r top31_first top31_rps top31_p50 top31_p99 _ < <(admin_top P31D)
read -r silo_heap1 grains_active < <(memory "$silo_pid" "$grains")
read -r front_heap1 cached < <(memory "$front_pid" "$answers")
log "separate: revocation under load through both front ends"
read -r split_revoke_worst split_revoke_p99 split_revoke_late split_revoke_accepted < <(
  dotnet run --file "$root/bench/revocation.cs" -- "$front,$second" "$split_admin" "$work/tokens" 200 | awk '/^REVOCATION/ { print $2, $3, $4, $5 }')

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# per heap1 heap0 count1 count0: bytes per object added between the two readings
per() { [ "$1" != "-" ] && [ "$2" != "-" ] && [ "$3" -gt "$4" ] && awk -v a="$1" -v b="$2" -v n="$(( $3 - $4 ))" 'BEGIN { printf "%.0f bytes", (a - b) / n }' || echo "not measured (needs dotnet-counters and dotnet-trace)"; }
cat <<TABLE
| figure | measured | baseline (/health/live, same process) | ratio | target |
|---|---|---|---|---|
| validation throughput, embedded, one hot key | $hot_rps req/s (p50 $hot_p50 ms, p99 $hot_p99 ms, $hot_errors errors) | $base_rps req/s (p50 $base_p50 ms, p99 $base_p99 ms) | $(ratio "$hot_rps" "$base_rps") | ≥ 0.7 |
| validation throughput, Api and Silo as separate processes, one hot key | $split_rps req/s (p50 $split_p50 ms, p99 $split_p99 ms, $split_errors errors) | $split_base_rps req/s (p50 $split_base_p50 ms, p99 $split_base_p99 ms) | $(ratio "$split_rps" "$split_base_rps") | ≥ 0.5 |
| validation p99 at half of peak, $half req/s (embedded, $paced_connections connections pausing 2 ms) | $paced_rps req/s: p50 $paced_p50 ms, p99 $paced_p99 ms, $paced_errors errors | | | ≤ 5 ms |
| keys drawn uniformly from $keys vs one hot key (separate processes, both drawn by bench/random-key.lua) | $uniform_rps req/s (p50 $uniform_p50 ms, p99 $uniform_p99 ms, $uniform_errors errors) | hot key $scripted_hot_rps req/s | $(ratio "$uniform_rps" "$scripted_hot_rps") of hot key | ≥ 0.5 of hot key |
| memory per active key grain (silo, $grains_active active keys) | $(per "$silo_heap1" "$silo_heap0" "$grains_active" "$grains_before") | | | stated |
| memory per cached key (front end, $cached answers cached) | $(per "$front_heap1" "$front_heap0" "$cached" "$cached_before") | | | stated |
| after a revoke returns, the longest time a front end still accepts the key: embedded, 200 keys revoked under load | worst $revoke_worst ms, p99 $revoke_p99 ms; $revoke_late acceptances of requests that started after the revoke returned (of $revoke_accepted) | | | ≤ 1 s worst case |
| the same, separate processes, validations spread over both front ends | worst $split_revoke_worst ms, p99 $split_revoke_p99 ms; $split_revoke_late acceptances of requests that started after the revoke returned (of $split_revoke_accepted) | | | ≤ 1 s worst case |
| admin search at $keys keys in one tenant, a rare match (q=key 12: 1% of keys, all old; limit 20, 4 connections, PostgreSQL) | $rare_rps req/s, p50 $rare_p50 ms, p99 $rare_p99 ms | | | p99 ≤ 100 ms |
| the same, a common match (q=bench: every key) | $common_rps req/s, p50 $common_p50 ms, p99 $common_p99 ms | | | p99 ≤ 100 ms |
| admin list at $keys keys in one tenant (newest first, limit 20) | $list_rps req/s, p50 $list_p50 ms, p99 $list_p99 ms | | | p99 ≤ 100 ms |
| top keys by use at $keys keys used in the window (window=P7D, limit 10, PostgreSQL): computed, then reused (4 connections) | computed in $top7_first ms; then $top7_rps req/s, p50 $top7_p50 ms, p99 $top7_p99 ms | | | stated |
| the same, window=P31D | computed in $top31_first ms; then $top31_rps req/s, p50 $top31_p50 ms, p99 $top31_p99 ms | | | stated |
| garbage tokens (bad checksum), rejected without a grain call (embedded) | $garbage_rps req/s | $base_rps req/s | $(ratio "$garbage_rps" "$base_rps") | ≥ 0.8 |

Machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); wrk -t2 -c$connections -d${duration}s on loopback; service, PostgreSQL and load generator share the machine. Run took $(( $(date +%s) - started )) s.
TABLE
