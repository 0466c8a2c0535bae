# The floor comparison of issue 22, sourced by bench/run.sh (it uses run.sh's JAVA, ROOT, BENCH, RESULTS,
# QUICK, JAR, PIDS, log, rss_kb and start_portkey, and bench/ports.sh's wait_port and port_free).
#
# Targets, side by side in one run, every one in front of the same near-zero-cost upstream (an nginx
# serving a 1 KiB chat completion and a 52-event SSE stream in one response, both static files):
#   direct   the upstream itself;
#   nginx    a plain nginx reverse proxy (one proxy hop, keep-alive to the upstream, access log on);
#   relay    a bare reverse proxy on Fairway's own HTTP stack (bench/.../stack/BareRelay.java: Vert.x,
#            no routing, logs or usage), so the gap to nginx splits into the stack's and the gateway's;
#   fairway  the standalone gateway from bin/fairway with its defaults (logs on, cache off);
#   portkey  only with BENCH_FLOOR_PORTKEY=1 (npm ci of the pinned version in bench/portkey).
# Each target: wrk at c=1 (latency p50; overhead = p50 - direct's p50), plain requests at c=32 (req/s)
# and streams at c=32 (streams/s), with the target's resident memory sampled during the c=32 runs.
# PROFILE=1 then records CPU and allocation flame graphs of Fairway's plain, stream and cache-hit paths
# into docs/perf/ (async-profiler from Maven Central; JFR when it cannot run), named
# <path>-<cpu|alloc>-$PROFILE_TAG.html (PROFILE_TAG defaults to "before").

FLOOR_DIR="$BENCH/floor"
FLOOR_UP_PORT="${BENCH_FLOOR_UPSTREAM_PORT:-28091}"
FLOOR_NGINX_PORT="${BENCH_FLOOR_NGINX_PORT:-28092}"
FLOOR_FAIRWAY_PORT="${BENCH_FLOOR_FAIRWAY_PORT:-28797}"
FLOOR_PORTKEY_PORT="${BENCH_FLOOR_PORTKEY_PORT:-28798}"
FLOOR_RELAY_PORT="${BENCH_FLOOR_RELAY_PORT:-28093}"
FLOOR_OUT="$RESULTS/floor"
FLOOR_HEADING="## Against the floor (issue 22 method)"
ASYNC_PROFILER_VERSION="4.2" # tools.profiler:async-profiler and tools.profiler:jfr-converter
# Warm-up in rounds (see floor_warm): a cold JVM answers in milliseconds what a warm one does in microseconds.
if [ "$QUICK" = 1 ]; then FLOOR_S=2; FLOOR_WARM_S=1; FLOOR_WARM_MIN=1; FLOOR_WARM_ROUNDS=2; else FLOOR_S=8; FLOOR_WARM_S=5; FLOOR_WARM_MIN=4; FLOOR_WARM_ROUNDS=8; fi

# --- nginx, started in the foreground of a job of ours, everything it writes under one directory ----
NGINX="${BENCH_NGINX:-$(command -v nginx 2>/dev/null || true)}"
if [ -z "$NGINX" ] && [ -x /usr/sbin/nginx ]; then NGINX=/usr/sbin/nginx; fi

# Writes <dir>/nginx.conf: daemon off (the master is our child, stopped by run.sh's cleanup), pid, error
# log and temp files in <dir>, so it runs without root and leaves nothing elsewhere.
nginx_conf() { # dir, workers, access log (path or off), server block
  mkdir -p "$1"
  cat > "$1/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes $2;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 4096; }
http {
  access_log $3;
  client_body_temp_path $1/client_body;
  proxy_temp_path $1/proxy;
  fastcgi_temp_path $1/fastcgi;
  uwsgi_temp_path $1/uwsgi;
  scgi_temp_path $1/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
$4
}
EOF
}

start_nginx() { # name, dir, port
  log "starting nginx ($1) on 127.0.0.1:$3"
  "$NGINX" -p "$2" -e "$2/error.log" -c "$2/nginx.conf" > "$2/stdout.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_port "$3" 20
  FLOOR_PID["$1"]="$pid"
}

# The upstream: static files for POST (nginx's static module refuses POST with 405, which error_page turns
# into an internal GET of the same file), one worker, no access log.
floor_upstream() {
  local d="$FLOOR_OUT/upstream"
  mkdir -p "$d/www/v1/chat" "$d/www/sse/v1/chat"
  cp "$FLOOR_DIR/chat-completion.json" "$d/www/v1/chat/completions"
  cp "$FLOOR_DIR/chat-stream.sse" "$d/www/sse/v1/chat/completions"
  nginx_conf "$d" 1 off "  open_file_cache max=16;
  server {
    listen 127.0.0.1:$FLOOR_UP_PORT;
    root $d/www;
    error_page 405 =200 \$uri;
    location /v1/ { types { } default_type application/json; }
    location /sse/ { types { } default_type text/event-stream; add_header cache-control no-cache; }
  }"
  start_nginx upstream "$d" "$FLOOR_UP_PORT"
  FLOOR_PID[direct]="${FLOOR_PID[upstream]}"
}

# The plain reverse proxy: what one proxy hop costs. Keep-alive to the upstream like the gateways'
# pools; streams unbuffered, as a proxy in front of SSE would be configured.
floor_nginx_proxy() {
  local d="$FLOOR_OUT/nginx"
  nginx_conf "$d" auto "$d/access.log" "  upstream floor_upstream { server 127.0.0.1:$FLOOR_UP_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$FLOOR_NGINX_PORT;
    proxy_http_version 1.1;
    proxy_set_header Connection \"\";
    location / { proxy_pass http://floor_upstream; }
    location /sse/ { proxy_pass http://floor_upstream; proxy_buffering off; }
  }"
  start_nginx nginx "$d" "$FLOOR_NGINX_PORT"
}

# The bare relay, with the memory flags bin/fairway gives the gateway (the same heap and collector).
floor_relay() {
  local d="$FLOOR_OUT/relay"
  mkdir -p "$d"
  log "starting the bare Vert.x relay on 127.0.0.1:$FLOOR_RELAY_PORT"
  "$JAVA" -Xms32m -Xmx128m -XX:+UseSerialGC -cp "$JAR" dev.fairway.bench.stack.BareRelay "$FLOOR_RELAY_PORT" "$FLOOR_UP_PORT" \
      > "$d/relay.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_port "$FLOOR_RELAY_PORT" 60
  FLOOR_PID[relay]="$pid"
}

floor_fairway() { # log name, extra JVM options, "hit" for the profiling route with the cache on
  local d="$FLOOR_OUT/fairway" hit=""
  mkdir -p "$d"
  # The measured gateway has the defaults: no route caches. A route with the cache on takes the
  # cache's off-heap tier (cache_storage.off_heap_mb, 64 MiB) at start, all of it resident; measured
  # with the /hit route in its configuration, the gateway's RSS counted that tier although no
  # measured request used the cache. Only the profiling run, which loads /hit, adds it.
  if [ "${3:-}" = hit ]; then
    hit="  # Profiling only: the same plain upstream with the cache on, so a repeated body is a hit.
  - {name: hit, prefix: /hit, cache: {enabled: true}, providers: {openai: {base_url: \"http://127.0.0.1:$FLOOR_UP_PORT/v1\"}}}"
  fi
  cat > "$d/fairway.yaml" <<EOF
# Defaults everywhere except: loopback ports, no admin listener, no per-address connection cap (every
# load generator connection comes from 127.0.0.1), the spool in the run's directory.
server: {host: 127.0.0.1, port: $FLOOR_FAIRWAY_PORT, admin_port: 0, limits: {max_connections_per_address: 0}}
logs: {spool_dir: "$d/spool"}
cache_storage: {directory: "$d/cache"}
routes:
  - {name: plain, prefix: /, providers: {openai: {base_url: "http://127.0.0.1:$FLOOR_UP_PORT/v1"}}}
  - {name: sse, prefix: /sse, providers: {openai: {base_url: "http://127.0.0.1:$FLOOR_UP_PORT/sse/v1"}}}
$hit
EOF
  log "starting the Fairway standalone gateway (bin/fairway serve) on 127.0.0.1:$FLOOR_FAIRWAY_PORT ${2:+with $2}"
  FAIRWAY_SKIP_BUILD=1 FAIRWAY_JAVA_OPTS="${BENCH_FAIRWAY_JAVA_OPTS:-} ${2:-}" \
      "$ROOT/bin/fairway" serve --config "$d/fairway.yaml" > "$d/$1.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_port "$FLOOR_FAIRWAY_PORT" 60
  FLOOR_PID[fairway]="$pid"
}

stop_pid() {
  kill "$1" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

# Resident memory of a process and its children (nginx's master and workers), kB.
rss_tree_kb() {
  local total c
  total="$(rss_kb "$1")"
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do total=$(( total + $(rss_kb "$c") )); done
  echo "$total"
}
sample_rss_tree() { # pid, file; until killed, at most ten minutes
  local max=0 v
  for _ in $(seq 1 1200); do
    v="$(rss_tree_kb "$1")"; [ "$v" -gt "$max" ] && max="$v" && echo "$max" > "$2"
    sleep 0.5
  done
}

# --- wrk -------------------------------------------------------------------------------------------
declare -A FLOOR_PID=()
declare -A FLOOR_PLAIN=()
declare -A FLOOR_STREAM=()
floor_wrk() { # threads, connections, seconds, url, body file, header...; prints wrk's result line
  local t="$1" c="$2" s="$3" url="$4" body="$5"
  shift 5
  timeout $(( s + 60 )) wrk -t"$t" -c"$c" -d"${s}s" --timeout 10s --latency -s "$FLOOR_DIR/post.lua" "$url" -- "$body" "$@" \
      | sed -n 's/^result //p'
}
floor_headers() { # target, upstream path prefix ("" or /sse)
  if [ "$1" = portkey ]; then
    printf '%s\n' "x-portkey-provider: openai" "x-portkey-custom-host: http://127.0.0.1:$FLOOR_UP_PORT$2/v1"
  fi
}

# Warms a target up at c=32 in rounds of FLOOR_WARM_S: at least FLOOR_WARM_MIN rounds (two slow early
# rounds can agree while the JIT is still compiling), then until two rounds in a row agree within 15%,
# at most FLOOR_WARM_ROUNDS rounds (a JVM takes long to settle when the CPUs are contended).
floor_warm() { # target, case (plain|stream)
  local t="$1" url body prev=0 rps i
  local -a h
  if [ "$2" = plain ]; then url="${FLOOR_PLAIN[$t]}"; body="$FLOOR_DIR/request.json"; mapfile -t h < <(floor_headers "$t" "")
  else url="${FLOOR_STREAM[$t]}"; body="$FLOOR_DIR/request-stream.json"; mapfile -t h < <(floor_headers "$t" /sse); fi
  for i in $(seq 1 "$FLOOR_WARM_ROUNDS"); do
    rps="$(floor_wrk 2 32 "$FLOOR_WARM_S" "$url" "$body" "${h[@]}" | sed -n 's/.* rps=\([0-9]*\).*/\1/p')"
    rps="${rps:-0}"
    echo "target=$t case=$2 round=$i rps=$rps" >> "$FLOOR_OUT/${FLOOR_WARM_LOG:-warmup.txt}"
    if [ "$i" -ge "$FLOOR_WARM_MIN" ] && [ "$prev" -gt 0 ] && [ $(( rps * 100 )) -ge $(( prev * 85 )) ] && [ $(( rps * 100 )) -le $(( prev * 115 )) ]; then
      return 0
    fi
    prev="$rps"
  done
}

floor_case() { # target, case (plain|stream), connections; appends the result line
  local t="$1" url body line threads=2
  local -a h
  if [ "$2" = plain ]; then url="${FLOOR_PLAIN[$t]}"; body="$FLOOR_DIR/request.json"; mapfile -t h < <(floor_headers "$t" "")
  else url="${FLOOR_STREAM[$t]}"; body="$FLOOR_DIR/request-stream.json"; mapfile -t h < <(floor_headers "$t" /sse); fi
  [ "$3" -gt 1 ] || threads=1
  log "floor: $t $2 at c=$3 for $FLOOR_S s"
  line="$(floor_wrk "$threads" "$3" "$FLOOR_S" "$url" "$body" "${h[@]}")"
  echo "target=$t case=$2 c=$3 ${line:-requests=0}" >> "$FLOOR_OUT/results.txt"
}

# Every target is warmed up first; then each case runs over all targets back to back, so the figures
# compared in a ratio are measured minutes apart at most, under the same background load.
floor_measure() { # targets...
  local t samplers=()
  for t in "$@"; do
    log "floor: warming $t up (rounds of $FLOOR_WARM_S s at c=32: at least $FLOOR_WARM_MIN, then until two agree within 15%, at most $FLOOR_WARM_ROUNDS)"
    floor_warm "$t" plain
    floor_warm "$t" stream
  done
  for t in "$@"; do floor_case "$t" plain 1; done
  for t in "$@"; do
    sample_rss_tree "${FLOOR_PID[$t]}" "$FLOOR_OUT/rss-$t.txt" &
    samplers+=($!); PIDS+=($!)
  done
  for t in "$@"; do floor_case "$t" plain 32; done
  for t in "$@"; do floor_case "$t" stream 32; done
  for t in "${samplers[@]}"; do kill "$t" 2>/dev/null || true; done
  for t in "$@"; do
    echo "target=$t rss_kb=$(cat "$FLOOR_OUT/rss-$t.txt" 2>/dev/null || echo 0)" >> "$FLOOR_OUT/results.txt"
  done
}

# --- profiles ------------------------------------------------------------------------------------------
floor_profiler() { # fetches the profiler and its converter from Maven Central once; prints the agent path
  local d="$BENCH/target/profiler"
  if [ ! -f "$d/async-profiler-$ASYNC_PROFILER_VERSION.jar" ] || [ ! -f "$d/jfr-converter-$ASYNC_PROFILER_VERSION.jar" ]; then
    local a
    for a in async-profiler jfr-converter; do
      (cd "$ROOT" && ./mvnw -B -q org.apache.maven.plugins:maven-dependency-plugin:3.9.0:copy -DoutputDirectory="$d" \
          -Dartifact="tools.profiler:$a:$ASYNC_PROFILER_VERSION") >&2 || return 1
    done
  fi
  local arch
  case "$(uname -m)" in x86_64) arch=linux-x64 ;; aarch64) arch=linux-arm64 ;; *) return 1 ;; esac
  (cd "$d" && unzip -o -q "async-profiler-$ASYNC_PROFILER_VERSION.jar" "$arch/libasyncProfiler.so") || return 1
  echo "$d/$arch/libasyncProfiler.so"
}

floor_profile() {
  local tag="${PROFILE_TAG:-before}" perf="$ROOT/docs/perf" so="" pid how path url body jfr
  local conv="$BENCH/target/profiler/jfr-converter-$ASYNC_PROFILER_VERSION.jar"
  mkdir -p "$perf" "$FLOOR_OUT/profiles"
  so="$(floor_profiler)" || so=""
  [ -f "$conv" ] || { log "profiles: jfr-converter $ASYNC_PROFILER_VERSION is not available (Maven Central); no flame graphs"; return 0; }
  stop_pid "${FLOOR_PID[fairway]}"
  # Frames between safepoints too (an accurate profile), and the agent loaded by jcmd without a warning.
  floor_fairway fairway-profile "-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -XX:+EnableDynamicAgentLoading" hit
  pid="${FLOOR_PID[fairway]}"
  FLOOR_WARM_LOG=warmup-profile.txt floor_warm fairway plain
  FLOOR_WARM_LOG=warmup-profile.txt floor_warm fairway stream
  for path in plain stream hit; do
    case "$path" in
      plain) url="${FLOOR_PLAIN[fairway]}"; body="$FLOOR_DIR/request.json" ;;
      stream) url="${FLOOR_STREAM[fairway]}"; body="$FLOOR_DIR/request-stream.json" ;;
      hit) url="http://127.0.0.1:$FLOOR_FAIRWAY_PORT/hit/openai/v1/chat/completions"; body="$FLOOR_DIR/request.json" ;;
    esac
    # Bytes allocated per request first, without the profiler: a JFR window of the threads'
    # allocation counters over one wrk run (bench/floor/AllocPerRequest.java). Unlike the rates, this
    # figure does not depend on the machine's load.
    if "$JDK/bin/jcmd" "$pid" JFR.start name=alloc settings="$FLOOR_DIR/alloc.jfc" filename="$FLOOR_OUT/profiles/$path-alloc.jfr" \
        > "$FLOOR_OUT/profiles/$path-alloc-start.txt" 2>&1; then
      floor_wrk 2 32 "$FLOOR_S" "$url" "$body" > "$FLOOR_OUT/profiles/$path-alloc-load.txt"
      "$JDK/bin/jcmd" "$pid" JFR.stop name=alloc > /dev/null 2>&1 || true
      "$JAVA" "$FLOOR_DIR/AllocPerRequest.java" "$FLOOR_OUT/profiles/$path-alloc.jfr" \
          "$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' "$FLOOR_OUT/profiles/$path-alloc-load.txt")" "$path" \
          >> "$FLOOR_OUT/alloc.txt" 2> "$FLOOR_OUT/profiles/$path-alloc-err.txt" \
          || log "profiles: allocation per request for $path failed; see $FLOOR_OUT/profiles/$path-alloc-err.txt"
    fi
    jfr="$FLOOR_OUT/profiles/$path.jfr"
    how=""
    # The agent's options in quotes: jcmd would take the text before the first '=' for an option name.
    if [ -n "$so" ] && "$JDK/bin/jcmd" "$pid" JVMTI.agent_load "$so" "\"start,event=cpu,alloc,file=$jfr\"" \
        > "$FLOOR_OUT/profiles/$path-start.txt" 2>&1 && grep -q 'return code: 0' "$FLOOR_OUT/profiles/$path-start.txt"; then
      how=async-profiler
    elif "$JDK/bin/jcmd" "$pid" JFR.start name=floor settings=profile filename="$jfr" > "$FLOOR_OUT/profiles/$path-start.txt" 2>&1; then
      how=jfr
      log "profiles: async-profiler did not start (see $FLOOR_OUT/profiles/$path-start.txt); JFR instead"
    else
      log "profiles: neither async-profiler nor JFR started for $path; see $FLOOR_OUT/profiles/$path-start.txt"
      continue
    fi
    log "profiles: $path with $how, wrk c=32 for $FLOOR_S s"
    floor_wrk 2 32 "$FLOOR_S" "$url" "$body" > "$FLOOR_OUT/profiles/$path-load.txt"
    if [ "$how" = async-profiler ]; then
      "$JDK/bin/jcmd" "$pid" JVMTI.agent_load "$so" "stop" > "$FLOOR_OUT/profiles/$path-stop.txt" 2>&1 || true
    else
      "$JDK/bin/jcmd" "$pid" JFR.stop name=floor > "$FLOOR_OUT/profiles/$path-stop.txt" 2>&1 || true
    fi
    for kind in cpu alloc; do
      "$JAVA" -jar "$conv" "--$kind" --title "Fairway $path path, $kind ($how, wrk c=32, $tag)" "$jfr" \
          "$perf/$path-$kind-$tag.html" > "$FLOOR_OUT/profiles/$path-$kind-conv.txt" 2>&1 \
          || log "profiles: converting $path $kind failed; see $FLOOR_OUT/profiles/$path-$kind-conv.txt"
    done
    echo "$path $how $(cat "$FLOOR_OUT/profiles/$path-load.txt")" >> "$FLOOR_OUT/profiles.txt"
  done
}

# --- the run and its section ----------------------------------------------------------------------------
run_floor() {
  mkdir -p "$FLOOR_OUT"
  : > "$FLOOR_OUT/results.txt"
  : > "$FLOOR_OUT/warmup.txt"
  if ! command -v wrk > /dev/null; then
    log "floor: wrk is not on PATH (Debian: apt-get install wrk); the floor comparison is left out"
    return 0
  fi
  for p in "$FLOOR_UP_PORT" "$FLOOR_NGINX_PORT" "$FLOOR_RELAY_PORT" "$FLOOR_FAIRWAY_PORT"; do
    port_free "$p" || { log "floor: 127.0.0.1:$p is in use; set BENCH_FLOOR_*_PORT"; return 1; }
  done
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')" > "$FLOOR_OUT/machine.txt"
  echo "git=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" >> "$FLOOR_OUT/machine.txt"
  echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$FLOOR_OUT/machine.txt"
  echo "busy=$(ps -eo pcpu= | awk '$1 >= 10 {n++} END {print n+0}') processes at >= 10% CPU" >> "$FLOOR_OUT/machine.txt"
  if [ -z "$NGINX" ]; then
    log "floor: nginx is not installed (Debian: apt-get install nginx-light or nginx); it is the upstream of every floor target, so the floor comparison is left out"
    return 0
  fi
  floor_upstream
  floor_nginx_proxy
  floor_relay
  floor_fairway fairway ""
  FLOOR_PLAIN=([direct]="http://127.0.0.1:$FLOOR_UP_PORT/v1/chat/completions"
               [nginx]="http://127.0.0.1:$FLOOR_NGINX_PORT/v1/chat/completions"
               [relay]="http://127.0.0.1:$FLOOR_RELAY_PORT/v1/chat/completions"
               [fairway]="http://127.0.0.1:$FLOOR_FAIRWAY_PORT/openai/v1/chat/completions"
               [portkey]="http://127.0.0.1:$FLOOR_PORTKEY_PORT/v1/chat/completions")
  FLOOR_STREAM=([direct]="http://127.0.0.1:$FLOOR_UP_PORT/sse/v1/chat/completions"
                [nginx]="http://127.0.0.1:$FLOOR_NGINX_PORT/sse/v1/chat/completions"
                [relay]="http://127.0.0.1:$FLOOR_RELAY_PORT/sse/v1/chat/completions"
                [fairway]="http://127.0.0.1:$FLOOR_FAIRWAY_PORT/sse/openai/v1/chat/completions"
                [portkey]="http://127.0.0.1:$FLOOR_PORTKEY_PORT/v1/chat/completions")
  local targets=(direct nginx relay fairway)
  if [ "${BENCH_FLOOR_PORTKEY:-0}" = 1 ]; then
    start_portkey "$FLOOR_PORTKEY_PORT" && FLOOR_PID[portkey]="$PORTKEY_PID" && targets+=(portkey)
  fi
  sleep 2
  floor_measure "${targets[@]}"
  echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$FLOOR_OUT/machine.txt"
  [ "${PROFILE:-0}" = 1 ] && floor_profile
  floor_section > "$FLOOR_OUT/section.md"
  floor_splice "$OUT" "$FLOOR_OUT/section.md"
  log "floor: section written into $OUT (raw results in $FLOOR_OUT)"
}

# Issue 22's goals that the full run measures outside the floor comparison, as awk -v options for
# section.awk (each left out when its part did not run, e.g. with BENCH_FLOOR_ONLY=1): the 1,000
# timed streams/s case (load.jsonl), resident memory with 1,000 open streams (rss.txt), and the host
# adapters' round trips (adapters/*.txt).
floor_goal_vars() {
  local line v
  if [ -f "$RESULTS/load.jsonl" ]; then
    line="$(grep '"target":"fairway","case":"stream","offered_rps":1000.0,' "$RESULTS/load.jsonl" | head -n1 || true)"
    if [ -n "$line" ]; then
      for v in achieved_rps errors ttfb_p99_us total_p50_us; do
        echo "-v" ; echo "timed_$v=$(sed -n "s/.*\"$v\":\([0-9.]*\).*/\1/p" <<<"$line")"
      done
    fi
  fi
  v="$(sed -n 's/^fairway streams \([0-9]*\)$/\1/p' "$RESULTS/rss.txt" 2>/dev/null || true)"
  [ -n "$v" ] && { echo "-v"; echo "hold_rss_kb=$v"; }
  v="$(sed -n 's/^forward *n=[0-9]* p50=\([0-9.]*\) us.*/\1/p' "$RESULTS/adapters/envoy.txt" 2>/dev/null || true)"
  [ -n "$v" ] && { echo "-v"; echo "envoy_p50_us=$v"; }
  v="$(sed -n 's/^forward set-up .* p50 \([0-9.]*\) us .*/\1/p' "$RESULTS/adapters/kong.txt" 2>/dev/null || true)"
  [ -n "$v" ] && { echo "-v"; echo "kong_p50_us=$v"; }
  v="$(awk '$1 == "forward" {print $2}' "$RESULTS/adapters/apisix.txt" 2>/dev/null || true)"
  [ -n "$v" ] && { echo "-v"; echo "apisix_p50_us=$v"; }
  return 0
}

# The section, from results.txt (one line per measurement: key=value pairs).
floor_section() {
  echo "$FLOOR_HEADING"
  echo
  echo "Generated by \`bench/run.sh\` on $(sed -n 's/^date=//p' "$FLOOR_OUT/machine.txt") (commit \`$(sed -n 's/^git=//p' "$FLOOR_OUT/machine.txt")\`$( [ "$QUICK" = 1 ] && echo ', BENCH_QUICK=1: numbers meaningless')); load average at start / end: $(sed -n 's/^loadavg_start=//p' "$FLOOR_OUT/machine.txt") / $(sed -n 's/^loadavg_end=//p' "$FLOOR_OUT/machine.txt"), $(sed -n 's/^busy=//p' "$FLOOR_OUT/machine.txt") when it started."
  echo
  local -a goal_vars
  mapfile -t goal_vars < <(floor_goal_vars)
  awk "${goal_vars[@]}" -f "$FLOOR_DIR/section.awk" "$FLOOR_OUT/results.txt"
  echo
  echo "Warm-up rounds of $FLOOR_WARM_S s at c=32 before measuring (plain / stream; last round's rate): $(awk '
    { split($1, a, "="); split($2, b, "="); split($3, r, "="); split($4, q, "=")
      if (!(a[2] in seen)) { seen[a[2]] = 1; order[++n] = a[2] }
      rounds[a[2], b[2]] = r[2]; rate[a[2], b[2]] = q[2] }
    END { for (i = 1; i <= n; i++) { t = order[i]
      printf "%s%s %s / %s (%s / %s req/s)", (i > 1 ? ", " : ""), t, rounds[t, "plain"], rounds[t, "stream"], rate[t, "plain"], rate[t, "stream"] } }
  ' "$FLOOR_OUT/warmup.txt")."
  if [ -s "$FLOOR_OUT/profiles.txt" ]; then
    echo
    echo "Flame graphs (\`PROFILE=1\`, Fairway under wrk c=32 for $FLOOR_S s each; open in a browser):"
    echo
    local path how
    while read -r path how _; do
      echo "- $path ($how): [CPU](perf/$path-cpu-${PROFILE_TAG:-before}.html), [allocation](perf/$path-alloc-${PROFILE_TAG:-before}.html)"
    done < "$FLOOR_OUT/profiles.txt"
  fi
  if [ -s "$FLOOR_OUT/alloc.txt" ]; then
    echo
    echo "Bytes allocated per request (\`PROFILE=1\`, JFR thread allocation counters over one wrk c=32 run of $FLOOR_S s, \`bench/floor/AllocPerRequest.java\`; the log threads work behind the requests, so their share may carry over from the run before):"
    echo
    echo "| path | total | event loops | log writer | log store feeder | other |"
    echo "|---|---|---|---|---|---|"
    awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
           printf "| %s | %d B | %d B | %d B | %d B | %d B |\n", $1, v["total"], v["eventloop"], v["log-writer"], v["log-store"], v["other"] }' "$FLOOR_OUT/alloc.txt"
  fi
  echo
  echo "Commands (wrk $(wrk -v 2>&1 | sed -n '1s/^wrk \([^ ]*\).*/\1/p'), nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'); the generated configurations are in \`bench/results/<run>/floor/\`):"
  echo
  echo '```'
  echo "BENCH_FLOOR_ONLY=1 bench/run.sh        # this section only; PROFILE=1 adds the flame graphs, BENCH_FLOOR_PORTKEY=1 Portkey"
  echo "nginx -p <dir> -e <dir>/error.log -c <dir>/nginx.conf   # upstream (1 worker) and proxy (worker_processes auto), daemon off"
  echo "bin/fairway serve --config fairway.yaml"
  echo "wrk -t2 -c32 -d${FLOOR_WARM_S}s ...   # warm-up rounds, plain and stream: at least $FLOOR_WARM_MIN, until two agree within 15% (at most $FLOOR_WARM_ROUNDS); not recorded"
  echo "wrk -t1 -c1  -d${FLOOR_S}s --latency -s bench/floor/post.lua <url> -- bench/floor/request.json"
  echo "wrk -t2 -c32 -d${FLOOR_S}s --latency -s bench/floor/post.lua <url> -- bench/floor/request.json"
  echo "wrk -t2 -c32 -d${FLOOR_S}s --latency -s bench/floor/post.lua <sse url> -- bench/floor/request-stream.json"
  [ -s "$FLOOR_OUT/profiles.txt" ] && echo "jcmd <pid> JVMTI.agent_load <libasyncProfiler.so> '\"start,event=cpu,alloc,file=<path>.jfr\"'   # then: stop" \
    && echo "java -jar jfr-converter-$ASYNC_PROFILER_VERSION.jar --cpu|--alloc <path>.jfr docs/perf/<path>-<cpu|alloc>-${PROFILE_TAG:-before}.html"
  echo '```'
  if [ -f "$FLOOR_DIR/notes.md" ]; then
    echo
    cat "$FLOOR_DIR/notes.md"
  fi
}

# Replaces the section in the document (from its heading to the next "## " heading), or inserts it
# before "## Core hot paths (JMH)", or appends it.
floor_splice() { # document, section file
  local doc="$1" sec="$2" tmp="$1.tmp"
  [ -f "$doc" ] || { cp "$sec" "$doc"; return; }
  awk -v heading="$FLOOR_HEADING" -v secfile="$sec" '
    function emit(  l) { while ((getline l < secfile) > 0) print l; close(secfile); print ""; done = 1 }
    $0 == heading { emit(); skip = 1; next }
    skip && /^## / { skip = 0 }
    skip { next }
    !done && $0 == "## Core hot paths (JMH)" { emit() }
    { print }
    END { if (!done) { print ""; emit() } }
  ' "$doc" > "$tmp" && mv "$tmp" "$doc"
}
