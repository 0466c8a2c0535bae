# Loopback port helpers shared by bench/run.sh and bench/threads.sh (sourced).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { # port, seconds
  local i
  for i in $(seq 1 $(( $2 * 10 ))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench: nothing listens on 127.0.0.1:$1 after $2 s" >&2; return 1
}
