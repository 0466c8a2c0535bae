#!/usr/bin/env bash
# Where a gateway's CPU goes under the floor's load, thread by thread: the A/B tool behind the
# "What changed" sections of bench/floor/notes.md (the floor itself, bench/run.sh, measures rates).
#
# For each Fairway checkout given, in the order given (name one twice to alternate), each already
# built (./mvnw -q -B -o package -DskipTests -pl cli -am in it): a fresh standalone gateway with the
# floor's configuration (bench/floor.sh, floor_fairway: defaults, logs on, a new spool and store) in
# front of the floor's nginx upstream; WARM rounds of 5 s at c=32, then ROUNDS rounds of 8 s, each
# printing the rate, each thread group's CPU per request (utime + stime of /proc/<pid>/task/*/stat,
# names without their digits) and the log store feeder's CPU per record it stored in the round (read
# from the store's fairway_log_feed; needs the sqlite3 command, else left out). CPU per request is what
# a change moves; on a shared two-core machine the rates move with everything else.
#
#   bench/threads.sh stream /path/to/before /path/to/after /path/to/before /path/to/after
#   ROUNDS=2 bench/threads.sh plain .
#
# Needs wrk and nginx, as the floor does. Environment: ROUNDS (3), WARM (3), CONNECTIONS (32).
set -euo pipefail

[ $# -ge 2 ] && { [ "$1" = plain ] || [ "$1" = stream ]; } || {
  echo "usage: bench/threads.sh plain|stream <fairway checkout>..." >&2; exit 2; }
CASE="$1"; shift
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RESULTS="$BENCH/results/threads-$(date -u +%Y%m%dT%H%M%SZ)"
QUICK=0
ROUNDS="${ROUNDS:-3}"; WARM="${WARM:-3}"; CONNECTIONS="${CONNECTIONS:-32}"
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))

log() { echo "[threads $(date -u +%H:%M:%S)] $*" >&2; }
# shellcheck source=bench/ports.sh
. "$BENCH/ports.sh"
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  rm -rf "$RESULTS/floor/fairway/spool" "$RESULTS"/floor/fairway/spool.logs.db*
}
trap cleanup EXIT INT TERM

# shellcheck source=bench/floor.sh
source "$BENCH/floor.sh"
mkdir -p "$FLOOR_OUT"
[ -n "$NGINX" ] && command -v wrk > /dev/null || { echo "threads: needs nginx and wrk" >&2; exit 1; }

# Ticks of CPU per thread group of a process: "name ticks" lines, sorted by name.
thread_ticks() {
  local t
  for t in /proc/"$1"/task/*; do
    # Field 2 (the name) may hold spaces: the counters are read after its closing parenthesis.
    echo "$(tr -d '0-9 ' < "$t/comm") $(sed 's/.*) //' "$t/stat" | awk '{print $12 + $13}')"
  done 2>/dev/null | awk '{s[$1] += $2} END {for (k in s) print k, s[k]}' | sort
}
fed() { # the store's position: records stored so far
  command -v sqlite3 > /dev/null || { echo 0; return; }
  sqlite3 -cmd ".timeout 5000" "$FLOOR_OUT/fairway/spool.logs.db" "SELECT COALESCE(MAX(last_seq), 0) FROM fairway_log_feed" \
      2>/dev/null || echo 0
}

floor_upstream
# The floor's URLs and bodies (run_floor in bench/floor.sh).
body="$FLOOR_DIR/request.json"; url="http://127.0.0.1:$FLOOR_FAIRWAY_PORT/openai/v1/chat/completions"
if [ "$CASE" = stream ]; then
  body="$FLOOR_DIR/request-stream.json"; url="http://127.0.0.1:$FLOOR_FAIRWAY_PORT/sse/openai/v1/chat/completions"
fi
for checkout in "$@"; do
  ROOT="$(cd "$checkout" && pwd)"
  rm -rf "$FLOOR_OUT/fairway"
  floor_fairway gateway
  pid="${FLOOR_PID[fairway]}"
  for _ in $(seq 1 "$WARM"); do floor_wrk 2 "$CONNECTIONS" 5 "$url" "$body" > /dev/null; done
  for r in $(seq 1 "$ROUNDS"); do
    before="$(thread_ticks "$pid")"; fed0="$(fed)"
    line="$(floor_wrk 2 "$CONNECTIONS" 8 "$url" "$body")"
    after="$(thread_ticks "$pid")"; fed1="$(fed)"
    n="$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<< "$line")"; n="${n:-0}"
    failed="$(sed -n 's/.* errors=\([0-9]*\) status_errors=\([0-9]*\).*/\1 \2/p' <<< "$line")"
    if [ "$n" -eq 0 ] || [ "${failed:-x}" != "0 0" ]; then
      echo "$ROOT $CASE round $r: failed requests, not measured ($line)"; continue
    fi
    echo "$ROOT $CASE round $r: $(grep -o 'rps=[0-9.]*' <<< "$line") p50_us=$(sed -n 's/.*p50_us=\([0-9]*\).*/\1/p' <<< "$line")"
    join <(echo "$before") <(echo "$after") | awk -v n="$n" -v us="$TICK_US" -v fed=$(( fed1 - fed0 )) '{
        d = ($3 - $2) * us
        if (d / n >= 0.5) printf "    %-18s %7.1f us per request\n", $1, d / n
        if ($1 == "fairway-log-sto" && fed > 0) printf "    %-18s %7.1f us per record stored (%d stored in the round)\n", "", d / fed, fed
      }'
  done
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
done
