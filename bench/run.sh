#!/usr/bin/env bash
# Runs the whole comparison once and writes docs/benchmarks.md (plus the hand-measured sections in bench/sections/*.md):
#   1. builds the benchmarks jar, the fairway jar and the adapters' measurement programs;
#   2. the JMH suite (short settings, -prof gc; a stack profile of the decision path);
#   3. the adapters' per-request protocol round trips;
#   4. starts the mock provider, the Fairway standalone gateway and the Portkey gateway (npm, pinned)
#      on 127.0.0.1 and runs the load cases against the mock directly, Fairway and Portkey;
#   5. resident memory of each gateway at idle, under load and with 1,000 open streams;
#   6. the floor comparison of issue 22 (bench/floor.sh): wrk against an nginx upstream directly, through
#      a plain nginx reverse proxy and through Fairway, written into the document's section
#      "Against the floor (issue 22 method)"; PROFILE=1 adds flame graphs of Fairway into docs/perf/.
# Everything it starts is stopped on exit. Every loop is bounded in count and time.
#
# Environment: BENCH_QUICK=1 for a smoke run (seconds instead of minutes; numbers meaningless),
# BENCH_SKIP_JMH=1 / BENCH_SKIP_ADAPTERS=1 / BENCH_SKIP_EXPORT=1 / BENCH_SKIP_FLOOR=1 to leave a part out,
# BENCH_FLOOR_ONLY=1 for the floor comparison alone (a few minutes; it replaces only its own section),
# BENCH_FLOOR_PORTKEY=1 to add Portkey to it, PROFILE=1 (PROFILE_TAG=before|after) for the flame graphs,
# BENCH_OUT=<file> for the document, BENCH_KEEP_SPOOL=1 to keep the gateways' spools and log stores.
# The floor needs wrk and nginx (Debian: apt-get install wrk nginx-light).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RESULTS="$BENCH/results/$STAMP"
OUT="${BENCH_OUT:-$ROOT/docs/benchmarks.md}"
QUICK="${BENCH_QUICK:-0}"
MOCK_PORT="${BENCH_MOCK_PORT:-28081}"
FAIRWAY_PORT="${BENCH_FAIRWAY_PORT:-28787}"
PORTKEY_PORT="${BENCH_PORTKEY_PORT:-28788}"
PORTKEY_VERSION="1.15.2" # also pinned in bench/portkey/package.json and its lock file
FLOOR_ONLY="${BENCH_FLOOR_ONLY:-0}"
mkdir -p "$RESULTS/adapters"

log() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }

# --- the JDK (21+), found the way bin/fairway finds it -------------------------------------------
java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9][0-9]*\).*/\1/p' | head -n1; }
find_jdk() {
  local best="" best_v=0 c v
  for c in "${FAIRWAY_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v="$(java_major "$c/bin/java")"; [ -n "$v" ] || continue
    if [ "$v" -gt "$best_v" ]; then best="$c"; best_v="$v"; fi
  done
  [ "$best_v" -ge 21 ] || { echo "bench: no JDK 21+ found" >&2; exit 1; }
  echo "$best"
}
JDK="$(find_jdk)"
JAVA="$JDK/bin/java"

# --- processes we start, stopped on exit -----------------------------------------------------------
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null || true
  done
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] || continue
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  # The gateways' spools and log stores: every request of every load is logged with its bodies, about
  # 13 GB for a full run, and a few runs filled this machine's disk. The figures and the gateways'
  # own logs stay; BENCH_KEEP_SPOOL=1 keeps these too.
  if [ "${BENCH_KEEP_SPOOL:-0}" != 1 ] && [ -n "${RESULTS:-}" ]; then
    rm -rf "$RESULTS"/fairway/spool "$RESULTS"/fairway/spool.logs.db* "$RESULTS"/floor/fairway/spool \
        "$RESULTS"/floor/fairway/spool.logs.db*
  fi
}
trap cleanup EXIT INT TERM

# shellcheck source=bench/ports.sh
. "$BENCH/ports.sh"
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2>/dev/null || echo 0; }
if [ "$FLOOR_ONLY" != 1 ]; then
  for p in "$MOCK_PORT" "$FAIRWAY_PORT" "$PORTKEY_PORT"; do
    port_free "$p" || { echo "bench: 127.0.0.1:$p is in use; set BENCH_*_PORT" >&2; exit 1; }
  done
fi

start_portkey() { # port; sets PORTKEY_PID
  log "installing Portkey $PORTKEY_VERSION into bench/target/portkey (npm ci, lock file in bench/portkey)"
  mkdir -p "$BENCH/target/portkey"
  cp "$BENCH/portkey/package.json" "$BENCH/portkey/package-lock.json" "$BENCH/target/portkey/"
  (cd "$BENCH/target/portkey" && timeout 300 npm ci --no-audit --no-fund --loglevel=error) >&2
  local main="$BENCH/target/portkey/node_modules/@portkey-ai/gateway/build/start-server.js"
  log "starting the Portkey gateway on 127.0.0.1:$1 (headless)"
  # It listens on every interface (it has no host option); only loopback is ever sent to.
  (cd "$BENCH/target/portkey" && exec node "$main" --port="$1" --headless) > "$RESULTS/portkey-$1.log" 2>&1 &
  PORTKEY_PID=$!; PIDS+=("$PORTKEY_PID")
  wait_port "$1" 60
}

# shellcheck source=bench/floor.sh
. "$BENCH/floor.sh"

# --- settings ----------------------------------------------------------------------------------------
if [ "$QUICK" = 1 ]; then
  JMH_OPTS=(-wi 1 -i 1 -w 1s -r 1s -f 1); FIXED_S=2; STEP_S=1; STEPS=4; BUDGET_S=20; ADAPTER_N=2000; HOLD=100
else
  JMH_OPTS=(-wi 2 -i 3 -w 2s -r 2s -f 1); FIXED_S=10; STEP_S=4; STEPS=12; BUDGET_S=120; ADAPTER_N=20000; HOLD=1000
fi
LOW_RATE=100
FIXED_RATE=1000
CHUNK_DELAY_MS=200 # the held streams last 50 x 200 ms = 10 s

# --- machine -------------------------------------------------------------------------------------
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "nproc=$(nproc)"
  echo "mem_total_gb=$(free -g | awk '/^Mem:/{print $2}')"
  echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
  echo "jdk=$("$JAVA" -version 2>&1 | head -n1)"
  echo "node=$(node --version 2>/dev/null || echo absent)"
  echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "git=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "quick=$QUICK"
} > "$RESULTS/machine.txt"

# --- build ---------------------------------------------------------------------------------------
log "building the benchmarks jar and the fairway jar"
# Tests are compiled (not run): the adapters the cli module bundles need the core's test jar.
(cd "$ROOT" && ./mvnw -B -q -pl bench,cli -am package -DskipTests) >&2
JAR="$BENCH/target/benchmarks.jar"
FAIRWAY_JAR="$ROOT/cli/target/fairway.jar"

if [ "$FLOOR_ONLY" = 1 ]; then
  [ -f "$OUT" ] || { echo "bench: $OUT does not exist; BENCH_FLOOR_ONLY=1 replaces one section of it" >&2; exit 1; }
  run_floor
  exit 0
fi

# --- JMH ---------------------------------------------------------------------------------------------
if [ "${BENCH_SKIP_JMH:-0}" != 1 ]; then
  JMH_EXCLUDE=()
  if ! command -v redis-server >/dev/null; then
    log "redis-server is not on PATH: skipping the Redis-backed quota benchmark"
    JMH_EXCLUDE=(-p backend=memory)
  fi
  log "JMH suite (${JMH_OPTS[*]} -prof gc)"
  (cd "$RESULTS" && timeout 1200 "$JAVA" -jar "$JAR" "${JMH_OPTS[@]}" "${JMH_EXCLUDE[@]}" -prof gc \
      -rf json -rff "$RESULTS/jmh.json" -o "$RESULTS/jmh.txt") || log "JMH failed; see $RESULTS/jmh.txt"
  log "stack profile of the decision path"
  (cd "$RESULTS" && timeout 300 "$JAVA" -jar "$JAR" 'DecideBenchmark.miss' -wi 1 -i 2 -w 2s -r 3s -f 1 \
      -prof 'stack:lines=3;top=12;detailLine=false' -o "$RESULTS/jmh-stack.txt") || log "stack profile failed"
fi

# --- adapters' round trips ---------------------------------------------------------------------------
if [ "${BENCH_SKIP_ADAPTERS:-0}" != 1 ]; then
  log "building the adapters' measurement programs"
  (cd "$ROOT" && ./mvnw -B -q -pl kong-adapter,apisix-adapter,envoy-extproc-adapter -am test-compile \
      org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath \
      -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test) >&2
  run_adapter() { # module, main class, output name
    local m="$ROOT/$1"
    log "round trips: $1"
    timeout 300 "$JAVA" -cp "$m/target/test-classes:$m/target/classes:$(cat "$m/target/bench-classpath.txt")" "$2" "$ADAPTER_N" \
        > "$RESULTS/adapters/$3.txt" 2> "$RESULTS/adapters/$3.err" || log "$1 round trips failed; see $RESULTS/adapters/$3.err"
  }
  run_adapter envoy-extproc-adapter dev.fairway.envoy.ExtProcRoundTrip envoy
  run_adapter kong-adapter dev.fairway.kong.KongRoundTrip kong
  run_adapter apisix-adapter dev.fairway.apisix.RunnerRoundTrip apisix
fi

# --- log export throughput (issue 6) ----------------------------------------------------------------
if [ "${BENCH_SKIP_EXPORT:-0}" != 1 ]; then
  log "log export throughput to an in-process S3-compatible server"
  (cd "$ROOT" && ./mvnw -B -q -pl bench -am test-compile \
      org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath \
      -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test) >&2
  timeout 300 "$JAVA" -cp "$BENCH/target/test-classes:$BENCH/target/classes:$(cat "$BENCH/target/bench-classpath.txt")" \
      dev.fairway.log.ExportThroughput 200000 2> "$RESULTS/export.err" | grep '^export' > "$RESULTS/export.txt" \
      || log "export throughput failed; see $RESULTS/export.err"
fi

# --- the three targets -------------------------------------------------------------------------------
# The mock provider keeps every request it served (for tests), so a long load run fills its heap: each
# target gets a fresh one with room for the requests of one target's cases.
MOCK_PID=""
start_mock() { # target
  if [ -n "$MOCK_PID" ]; then
    kill "$MOCK_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$MOCK_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$MOCK_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do port_free "$MOCK_PORT" && break; sleep 0.1; done
  fi
  log "starting the mock provider on 127.0.0.1:$MOCK_PORT for $1 (50 chunks per stream)"
  "$JAVA" -Xmx6g -jar "$FAIRWAY_JAR" mock-provider --host 127.0.0.1 --port "$MOCK_PORT" --chunks 50 > "$RESULTS/mock-$1.log" 2>&1 &
  MOCK_PID=$!; PIDS+=("$MOCK_PID")
  wait_port "$MOCK_PORT" 60
}
start_mock direct

cat > "$RESULTS/fairway.yaml" <<EOF
# Every load generator connection comes from 127.0.0.1: no per-address cap.
server: {host: 127.0.0.1, port: $FAIRWAY_PORT, admin_port: 0, limits: {max_connections_per_address: 0}}
# Enough upstream connections for 1,000 streams held open at once (the default is 256).
dispatch: {max_connections_per_host: 2048}
logs: {spool_dir: "$RESULTS/fairway/spool"}
cache_storage: {directory: "$RESULTS/fairway/cache"}
routes:
  - name: bench
    providers: {openai: {base_url: "http://127.0.0.1:$MOCK_PORT/v1"}}
    cache: {enabled: true}
    quotas:
      - {name: per-client, key: [client], limit: 1000000000, window: 60s}
EOF
log "starting the Fairway standalone gateway on 127.0.0.1:$FAIRWAY_PORT"
# Through bin/fairway, so that its memory flags are the ones measured (it execs java: the PID is the JVM's).
FAIRWAY_SKIP_BUILD=1 FAIRWAY_JAVA_OPTS="${BENCH_FAIRWAY_JAVA_OPTS:-}" "$ROOT/bin/fairway" serve --config "$RESULTS/fairway.yaml" > "$RESULTS/fairway.log" 2>&1 &
FAIRWAY_PID=$!; PIDS+=("$FAIRWAY_PID")
wait_port "$FAIRWAY_PORT" 60

start_portkey "$PORTKEY_PORT"
sleep 2

declare -A URL=(
  [direct]="http://127.0.0.1:$MOCK_PORT/v1/chat/completions"
  [fairway]="http://127.0.0.1:$FAIRWAY_PORT/openai/v1/chat/completions"
  [portkey]="http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions"
)
declare -A PID_OF=([direct]="$MOCK_PID" [fairway]="$FAIRWAY_PID" [portkey]="$PORTKEY_PID")
headers_for() { # target -> LoadGen header options
  local h=(--header "authorization: Bearer sk-bench-client")
  if [ "$1" = portkey ]; then
    h+=(--header "x-portkey-provider: openai" --header "x-portkey-custom-host: http://127.0.0.1:$MOCK_PORT/v1"
        --header "x-portkey-forward-headers: x-mock-chunk-delay-ms")
  fi
  printf '%s\n' "${h[@]}"
}
loadgen() { timeout 900 "$JAVA" -Xmx2g -cp "$JAR" dev.fairway.bench.load.LoadGen "$@"; }

# Resident memory: sampled every 0.5 s while a target is under load; the highest value is kept.
sample_rss() { # pid, file; until killed, at most one hour
  local max=0 v
  for _ in $(seq 1 7200); do
    v="$(rss_kb "$1")"; [ "$v" -gt "$max" ] && max="$v" && echo "$max" > "$2"
    sleep 0.5
  done
}

LOAD="$RESULTS/load.jsonl"
: > "$LOAD"
: > "$RESULTS/rss.txt"
for t in direct fairway portkey; do
  [ "$t" = direct ] || start_mock "$t"
  PID_OF[direct]="$MOCK_PID"
  mapfile -t H < <(headers_for "$t")
  echo "$t idle $(rss_kb "${PID_OF[$t]}")" >> "$RESULTS/rss.txt"
  sample_rss "${PID_OF[$t]}" "$RESULTS/rss-$t-load.txt" &
  SAMPLER=$!; PIDS+=("$SAMPLER")
  for c in miss hit stream; do
    for rate in "$LOW_RATE" "$FIXED_RATE"; do
      log "$t $c at $rate req/s for $FIXED_S s"
      loadgen --name "$t" --url "${URL[$t]}" "${H[@]}" --case "$c" --rate "$rate" --seconds "$FIXED_S" --out "$LOAD" >/dev/null \
          || log "$t $c at $rate failed"
    done
    log "$t $c: highest rate with p99 under 50 ms (at most $STEPS steps of $STEP_S s, $BUDGET_S s)"
    loadgen --name "$t" --url "${URL[$t]}" "${H[@]}" --case "$c" --find-max --start 100 --factor 2 --ceiling 64000 \
        --seconds "$STEP_S" --max-steps "$STEPS" --budget-seconds "$BUDGET_S" --out "$LOAD" >/dev/null || log "$t $c search failed"
  done
  kill "$SAMPLER" 2>/dev/null || true
  echo "$t load $(cat "$RESULTS/rss-$t-load.txt" 2>/dev/null || echo 0)" >> "$RESULTS/rss.txt"
  if [ "$t" != direct ]; then
    log "$t: $HOLD streams held open"
    rm -f "$RESULTS/ready-$t"
    loadgen --name "$t" --url "${URL[$t]}" "${H[@]}" --header "x-mock-chunk-delay-ms: $CHUNK_DELAY_MS" \
        --connections $(( HOLD + 64 )) --hold "$HOLD" --ready "$RESULTS/ready-$t" --hold-seconds 60 --out "$RESULTS/hold.jsonl" >/dev/null &
    HOLDER=$!
    for _ in $(seq 1 600); do [ -f "$RESULTS/ready-$t" ] && break; sleep 0.1; done
    # The highest resident memory (the whole process: heap, direct buffers, native) while they stay open.
    sample_rss "${PID_OF[$t]}" "$RESULTS/rss-$t-streams.txt" &
    SAMPLER=$!; PIDS+=("$SAMPLER")
    wait "$HOLDER" || log "$t hold failed"
    kill "$SAMPLER" 2>/dev/null || true
    echo "$t streams $(cat "$RESULTS/rss-$t-streams.txt" 2>/dev/null || rss_kb "${PID_OF[$t]}")" >> "$RESULTS/rss.txt"
  fi
done
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$RESULTS/machine.txt"

# --- the document ------------------------------------------------------------------------------------
cat > "$RESULTS/commands.txt" <<EOF
bench/run.sh$( [ "$QUICK" = 1 ] && echo " (BENCH_QUICK=1)")
java -jar bench/target/benchmarks.jar ${JMH_OPTS[*]} -prof gc -rf json
java -jar bench/target/benchmarks.jar DecideBenchmark.miss -wi 1 -i 2 -w 2s -r 3s -f 1 -prof stack
java -cp <bench test classpath> dev.fairway.log.ExportThroughput 200000
java -cp bench/target/benchmarks.jar dev.fairway.bench.load.LoadGen --name <target> --url <url> --case miss|hit|stream --rate $LOW_RATE|$FIXED_RATE --seconds $FIXED_S
java -cp bench/target/benchmarks.jar dev.fairway.bench.load.LoadGen ... --find-max --start 100 --factor 2 --ceiling 64000 --seconds $STEP_S --max-steps $STEPS --budget-seconds $BUDGET_S
java -cp bench/target/benchmarks.jar dev.fairway.bench.load.LoadGen ... --hold $HOLD --header 'x-mock-chunk-delay-ms: $CHUNK_DELAY_MS'
bin/fairway mock-provider --port $MOCK_PORT --chunks 50
bin/fairway serve --config fairway.yaml   (the file is in bench/results/<run>/)
node node_modules/@portkey-ai/gateway/build/start-server.js --port=$PORTKEY_PORT --headless   (@portkey-ai/gateway $PORTKEY_VERSION)
EOF
cp "$RESULTS/fairway.yaml" "$RESULTS/fairway.yaml.txt"
log "writing $OUT"
"$JAVA" -cp "$JAR" dev.fairway.bench.report.Report "$RESULTS" "$BENCH/notes.md" "$OUT"
# Sections measured by hand (their own programs, not run here) are kept in bench/sections/ and appended
# as they are, so that a regeneration never drops them.
for s in "$BENCH"/sections/*.md; do [ -f "$s" ] && { echo; cat "$s"; } >> "$OUT"; done

if [ "${BENCH_SKIP_FLOOR:-0}" != 1 ]; then
  for p in "$MOCK_PID" "$FAIRWAY_PID" "$PORTKEY_PID"; do stop_pid "$p"; done # the floor runs on a quiet machine
  run_floor
fi
log "done: $OUT (raw results in $RESULTS)"
