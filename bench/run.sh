#!/usr/bin/env bash
# Validation benchmark (docs/benchmarks.md): starts the service itself, seeds tenants and keys through its REST API
# (bench/seed.cs), loads it with wrk on loopback and prints one markdown table. Every figure stands beside the same
# Api process's trivial endpoint (/health/live), measured in the same run, so the ratios survive a noisy machine.
#
#   bench/run.sh [--keys N] [--duration SECONDS] [--connections C]      (defaults: 100000 keys, 10 s, 64)
#
# Every validation figure is also a ratio to the machine's HTTP ceiling, measured in the same run: a minimal Kestrel
# app (bench/peer.cs ceiling) loaded through the same wrk script and headers. Beside the product stand the validators a
# team would write instead (bench/peer.cs): a PostgreSQL lookup per request, a Redis GET per request, and a 10 s
# in-process TTL cache over PostgreSQL, each given the same keys (the embedded run's tokens) and the same loads.
#
# Set-ups, one after the other:
#   embedded   the Api co-hosting its silo on a SQLite file (the default deployment), seeded with min(N, 20000) keys:
#              hot key, the keys in turn, garbage tokens, p99 at half of peak, revocation bound;
#   side by side  the ceiling, the product embedded and the three peers, each: its trivial endpoint, one hot key and
#              the keys in turn, with p99 and p99.9;
#   separate   a private PostgreSQL, one silo and two Api front ends (Orleans clients), each its own process: hot key,
#              N keys drawn uniformly, memory per active key grain and per cached key, admin search at N keys in one
#              tenant, the tenant's top keys over 7 and 31 days, revocation bound across both front ends.
#
# Needs the .NET SDK, curl, python3, wrk and redis-server (Debian: apt-get install wrk redis-server; installed here when
# missing and this runs as root) and, for the memory figures, dotnet-counters and
# dotnet-trace (dotnet tool install -g dotnet-counters; dotnet tool install -g dotnet-trace).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keys=100000
duration=10
connections=64
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) keys=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    *) echo "usage: $0 [--keys N] [--duration SECONDS] [--connections C]" >&2; exit 2 ;;
  esac
done
for tool in wrk redis-server; do
  if ! command -v "$tool" >/dev/null && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y "${tool/redis-server/redis-server}" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y "$tool" >/dev/null 2>&1; }
  fi
  command -v "$tool" >/dev/null || { echo "$tool is needed (Debian: apt-get install wrk redis-server)" >&2; exit 1; }
done
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
dotnet build "$root/bench/peer.cs" -c Release --nologo -v q -o "$work/peer" >>"$work/build.log"

# start_peer name mode url [tokens file] [connection string]: runs a bench/peer.cs validator, waits until it answers
start_peer() {
  local name=$1; shift
  (exec dotnet "$work/peer/peer.dll" "$@" >"$work/$name.log" 2>&1) &
  pids+=($!)
  eval "${name}_pid=$!"
  for _ in $(seq 1 240); do curl -sf -o /dev/null "$2/health/live" && return; sleep 0.5; done
  echo "$name did not start; see its log:" >&2; tail -n 30 "$work/$name.log" >&2; exit 1
}

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
    | awk '/^RESULT/ { print $2, $3, $4, $5, $6 }'
}

# wrk_uniform url tokens: validations of keys drawn uniformly from the file's tokens; same output
wrk_uniform() {
  wrk -t2 -c"$connections" -d"${DURATION:-$duration}s" -s "$root/bench/random-key.lua" "$1" "$2" | awk '/^RESULT/ { print $2, $3, $4, $5, $6 }'
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
embedded_keys=$(( keys < 20000 ? keys : 20000 ))
seed "$api" "$operator" "$embedded_keys" "$work/embedded-tokens"
hot=$(head -n 1 "$work/embedded-tokens")
admin=$(cat "$work/embedded-tokens.admin")
garbage="${hot%?}$( [ "${hot: -1}" = 0 ] && echo 1 || echo 0)"

log "embedded: loads"
DURATION=3 wrk_run "$api/health/live" >/dev/null # warm-up
read -r base_rps base_p50 base_p99 _ < <(wrk_run "$api/health/live")
read -r hot_rps hot_p50 hot_p99 hot_errors _ < <(wrk_run "$api/api/v1/auth/verify" -H "Authorization: Bearer $hot")
read -r garbage_rps _ _ _ < <(wrk_run "$api/api/v1/auth/verify" -H "Authorization: Bearer $garbage")
# Half of peak: each connection pauses 2 ms after every answer; as many connections as that rate needs.
half=$(( hot_rps / 2 ))
paced_connections=$(awk -v rate="$half" -v p50="$hot_p50" 'BEGIN { printf "%d", rate * (2 + p50) / 1000 + 1 }')
read -r paced_rps paced_p50 paced_p99 paced_errors _ < <(CONNECTIONS=$paced_connections SCRIPT="$root/bench/paced.lua" \
  SCRIPT_ARGS=2 wrk_run "$api/api/v1/auth/verify" -H "Authorization: Bearer $hot")
# ---- side by side: the machine's ceiling, the product embedded, and the validators a team would write instead -------
# Every row through the same wrk scripts and Authorization headers: the trivial endpoint and the hot key through
# bench/latency.lua with the hot key's header, the keys in turn through bench/random-key.lua over the same tokens.
log "side by side: starting PostgreSQL, Redis and the peers"
database=$("$root/scripts/postgres.sh" start "$work/postgres" | tail -n 1)
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 40); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.25; done
tokens_in_turn=$work/embedded-tokens
# side url path: "trivial_rps trivial_p99 hot_rps hot_p50 hot_p99 hot_p999 many_rps many_p50 many_p99 many_p999 errors"
side() {
  local url=$1 path=$2
  DURATION=3 wrk_run "$url/health/live" -H "Authorization: Bearer $hot" >/dev/null
  DURATION=3 wrk_run "$url$path" -H "Authorization: Bearer $hot" >/dev/null
  read -r t_rps _ t_p99 _ _ < <(wrk_run "$url/health/live" -H "Authorization: Bearer $hot")
  read -r h_rps h_p50 h_p99 h_err h_p999 < <(wrk_run "$url$path" -H "Authorization: Bearer $hot")
  # An unmeasured pass first, so every key's answer is where the system keeps it (cache, grain) before the measured one.
  DURATION=$(( duration + 2 )) wrk_uniform "$url$path" "$tokens_in_turn" >/dev/null
  read -r m_rps m_p50 m_p99 m_err m_p999 < <(wrk_uniform "$url$path" "$tokens_in_turn")
  echo "$t_rps $t_p99 $h_rps $h_p50 $h_p99 $h_p999 $m_rps $m_p50 $m_p99 $m_p999 $(( h_err + m_err ))"
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
log "side by side: the ceiling"
peer=http://127.0.0.1:$(free_port)
start_peer ceiling ceiling "$peer"
read -r c_t c_tp99 c_h c_hp50 c_hp99 c_hp999 c_m c_mp50 c_mp99 c_mp999 _ < <(side "$peer" /verify)
stop "$ceiling_pid"
log "side by side: the product, embedded"
read -r o_t o_tp99 o_h o_hp50 o_hp99 o_hp999 o_m o_mp50 o_mp99 o_mp999 o_err < <(side "$api" /api/v1/auth/verify)
read -r o_g _ o_gp99 _ o_gp999 < <(wrk_run "$api/api/v1/auth/verify" -H "Authorization: Bearer $garbage")
# Half of peak over the keys in turn, as the hot key's row above does it.
half_many=$(( o_m / 2 ))
paced_many_connections=$(awk -v rate="$half_many" -v p50="$o_mp50" 'BEGIN { printf "%d", rate * (2 + p50) / 1000 + 1 }')
read -r pm_rps pm_p50 pm_p99 pm_err pm_p999 < <(CONNECTIONS=$paced_many_connections SCRIPT="$root/bench/paced-random.lua" \
  SCRIPT_ARGS="$tokens_in_turn 2" wrk_run "$api/api/v1/auth/verify")
for mode in postgres redis ttl; do
  log "side by side: $mode"
  peer=http://127.0.0.1:$(free_port)
  connection=$database
  [ "$mode" != redis ] || connection=127.0.0.1:$redis_port
  start_peer "peer_$mode" "$mode" "$peer" "$tokens_in_turn" "$connection"
  read -r "${mode}_row" < <(side "$peer" /verify)
  eval "stop \"\$peer_${mode}_pid\""
done
log "embedded: revocation under load"
read -r revoke_worst revoke_p99 revoke_late revoke_accepted < <(
  dotnet run --file "$root/bench/revocation.cs" -- "$api" "$admin" "$work/embedded-tokens" 200 | awk '/^REVOCATION/ { print $2, $3, $4, $5 }')
kill "$embedded_pid"; wait "$embedded_pid" 2>/dev/null || true

# ---- separate processes: PostgreSQL, one silo, two Api front ends ---------------------------------------------------
log "separate: a silo and two front ends, on the PostgreSQL started for the peers"
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
read -r split_rps split_p50 split_p99 split_errors _ < <(wrk_run "$front/api/v1/auth/verify" -H "Authorization: Bearer $split_hot")
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
read -r uniform_rps uniform_p50 uniform_p99 uniform_errors _ < <(wrk_uniform "$front/api/v1/auth/verify" "$work/tokens")
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
# peer_row mode label: one row of the side-by-side table from that peer's side() figures
peer_row() {
  local t tp99 h hp50 hp99 hp999 m mp50 mp99 mp999 errors
  read -r t tp99 h hp50 hp99 hp999 m mp50 mp99 mp999 errors <<<"$(eval echo "\$${1}_row")"
  echo "| $2 | $t req/s (p99 $tp99 ms) | $h req/s, **$(ratio "$h" "$c_h")** of the ceiling, p99 $hp99 ms, p99.9 $hp999 ms | $m req/s, **$(ratio "$m" "$c_m")** of the ceiling, p99 $mp99 ms, p99.9 $mp999 ms |"
}
cat <<TABLE
Side by side, one run: every row through the same wrk scripts and Authorization headers (-t2 -c$connections -d${duration}s), $embedded_keys keys.

| system | trivial endpoint | one hot key | $embedded_keys keys in turn |
|---|---|---|---|
| the machine's ceiling: a minimal Kestrel app answering 200 | $c_t req/s (p99 $c_tp99 ms) | $c_h req/s, p99 $c_hp99 ms, p99.9 $c_hp999 ms | $c_m req/s, p99 $c_mp99 ms, p99.9 $c_mp999 ms |
| this product, embedded, forward auth | $o_t req/s (p99 $o_tp99 ms) | $o_h req/s, **$(ratio "$o_h" "$c_h")** of the ceiling, p99 $o_hp99 ms, p99.9 $o_hp999 ms | $o_m req/s, **$(ratio "$o_m" "$c_m")** of the ceiling, p99 $o_mp99 ms, p99.9 $o_mp999 ms ($o_err errors) |
| this product, embedded, garbage tokens (all 401) | | $o_g req/s, $(ratio "$o_g" "$c_h") of the ceiling, p99 $o_gp99 ms, p99.9 $o_gp999 ms | |
| this product, Api and Silo as separate processes ($keys keys) | | $split_rps req/s, $(ratio "$split_rps" "$c_h") of the ceiling, p99 $split_p99 ms | $uniform_rps req/s, $(ratio "$uniform_rps" "$c_m") of the ceiling, p99 $uniform_p99 ms |
$(peer_row postgres "PostgreSQL lookup per request")
$(peer_row redis "Redis GET per request")
$(peer_row ttl "in-process cache with a 10 s TTL over PostgreSQL (how Kong and Unkey cache)")

| target (embedded, this run) | measured |
|---|---|
| one hot key ≥ 0.8 of the ceiling | $(ratio "$o_h" "$c_h") |
| keys in turn ≥ 0.75 of the ceiling | $(ratio "$o_m" "$c_m") |
| both above the TTL-cache peer | hot $o_h vs $(echo "$ttl_row" | awk '{ print $3 }'), in turn $o_m vs $(echo "$ttl_row" | awk '{ print $7 }') req/s |
| p99 of the keys in turn ≤ 2 × the hot key's | $o_mp99 ms vs $o_hp99 ms: $(ratio "$o_mp99" "$o_hp99") × |
| p99 at half of peak ≤ 2 ms | hot key $paced_p99 ms ($paced_rps req/s), keys in turn $pm_p99 ms ($pm_rps req/s, $paced_many_connections connections pausing 2 ms) |

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
