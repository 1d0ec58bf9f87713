#!/usr/bin/env bash
# Soak run (the harness, not the test suite): an unmodified JDK-client application with the
# agent and the default policy, 16 threads calling three nginx backends on their own test hosts
# (network namespaces joined by veth links, addresses 198.19.N.2). Every 30 s one backend is
# killed (SIGKILL) and restarted 5 s later; from minute 3, one host goes silent (every packet
# dropped) for 2 minutes. Reports failed calls, the slowest call, and the caller's threads, file
# descriptors and heap (after a full GC) at the start and at the end.
#
#   scripts/soak.sh                      10 minutes (plus 20 s of warm-up)
#   scripts/soak.sh --minutes 2 [--out FILE]
#
# Needs root (network namespaces, nftables), nginx and nft (scripts/install-perf-deps.sh and
# install-test-deps.sh install them). Removes its hosts and processes when it ends, however it ends.
# Builds the agent and the harness first unless SOAK_SKIP_BUILD=1.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
minutes=10
out="$root/docs/perf/soak.txt"
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ "$(id -u)" -ne 0 ]; then
  echo "soak.sh: needs root (it makes network namespaces)" >&2
  exit 1
fi
for tool in nginx nft ip; do
  command -v "$tool" >/dev/null || { echo "soak.sh: $tool not found" >&2; exit 1; }
done
if [ "${SOAK_SKIP_BUILD:-0}" != 1 ]; then
  mvn -q -B -pl agent,benchmarks -am package -DskipTests
fi
agent_jar="$root/agent/target/jmesh-agent.jar"
classes="$root/benchmarks/target/classes"
work="$(mktemp -d /tmp/jmesh-soak.XXXXXX)"
caller_pid=""

host_ns() { echo "jmesh-s$1"; }
cleanup() {
  [ -n "$caller_pid" ] && kill -9 "$caller_pid" 2>/dev/null || true
  for i in 1 2 3; do
    stop_backend "$i"
    ip link del "$(host_ns "$i")v" 2>/dev/null || true   # at once: deleting the namespace alone frees it later
    ip netns del "$(host_ns "$i")" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

start_backend() {
  local i="$1" dir="$work/h$1"
  mkdir -p "$dir/temp"
  cat > "$dir/nginx.conf" <<CONF
daemon off;
master_process off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 100000000;
    client_body_temp_path $dir/temp/body;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;
    server { listen 8080; default_type text/plain; location / { return 200 "h$i"; } }
}
CONF
  ip netns exec "$(host_ns "$i")" nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log" > "$dir/out" 2>&1 &
  echo $! > "$dir/pid"
  disown $!   # killed on purpose: no job notice
  # listening: nginx binds before it serves; wait for the socket, never longer than 10 s
  for _ in $(seq 100); do
    ip netns exec "$(host_ns "$i")" bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080' 2>/dev/null && return 0
    sleep 0.1
  done
  echo "soak.sh: nginx on host $i did not start: $(cat "$dir/out")" >&2
  exit 1
}
stop_backend() {
  local pidfile="$work/h$1/pid"
  [ -f "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null || true
  rm -f "$pidfile"
}

for i in 1 2 3; do
  ns="$(host_ns "$i")"
  ip link del "${ns}v" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  ip netns add "$ns"
  ip link add "${ns}v" type veth peer name eth0 netns "$ns"
  ip addr add "198.19.$i.1/24" dev "${ns}v"
  ip link set "${ns}v" up
  ip -n "$ns" addr add "198.19.$i.2/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  start_backend "$i"
done

cat > "$work/mesh.yaml" <<YAML
admin: { port: ${SOAK_ADMIN_PORT:-15990} }
services:
  orders:
    endpoints: [ 198.19.1.2:8080, 198.19.2.2:8080, 198.19.3.2:8080 ]
YAML
seconds=$((minutes * 60))
java -javaagent:"$agent_jar"=config="$work/mesh.yaml" -cp "$classes" dev.jmesh.benchmarks.soak.SoakCaller \
  http://orders/ 16 20 20 "$seconds" > "$work/caller.out" 2> "$work/caller.err" &
caller_pid=$!
echo "soak: $minutes min, 16 threads, a call every 20 ms each; caller pid $caller_pid; output in $work" >&2

started=$(date +%s)
victim=0
silent_from=$((20 + ${SOAK_SILENT_AT:-180})); silent_until=$((silent_from + 120)); silent=0
next_kill=$((20 + 30))
while kill -0 "$caller_pid" 2>/dev/null; do
  now=$(( $(date +%s) - started ))
  if [ "$silent" = 0 ] && [ "$now" -ge "$silent_from" ] && [ "$now" -lt "$silent_until" ]; then
    ip netns exec "$(host_ns 2)" nft -f - <<NFT
table inet jmesh_fault {
  chain in { type filter hook input priority 0; policy drop; }
  chain out { type filter hook output priority 0; policy drop; }
}
NFT
    silent=1; echo "soak: ${now}s host 2 silent" >&2
  elif [ "$silent" = 1 ] && [ "$now" -ge "$silent_until" ]; then
    ip netns exec "$(host_ns 2)" nft flush ruleset
    silent=2; echo "soak: ${now}s host 2 heard again" >&2
  fi
  if [ "$now" -ge "$next_kill" ] && [ "$now" -lt $((20 + seconds - 10)) ]; then
    # hosts 1 and 3 in turn; host 2 too, outside its silence
    victim=$(( victim % 3 + 1 ))
    if [ "$victim" = 2 ] && [ "$silent" = 1 ]; then victim=3; fi
    stop_backend "$victim"; echo "soak: ${now}s backend $victim killed" >&2
    sleep 5
    start_backend "$victim"; echo "soak: $(( $(date +%s) - started ))s backend $victim restarted" >&2
    next_kill=$((next_kill + 30))
  fi
  sleep 1
done
wait "$caller_pid" || true
caller_pid=""

result="$(grep '^RESULT' "$work/caller.out" || true)"
start_state="$(grep '^STATE start' "$work/caller.out" || true)"
end_state="$(grep '^STATE end' "$work/caller.out" || true)"
if [ -z "$result" ]; then
  echo "soak.sh: the caller did not finish: $(tail -5 "$work/caller.out" "$work/caller.err")" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
{
  echo "# jmesh soak run, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1)"
  echo "# scripts/soak.sh --minutes $minutes: default policy, 16 threads x a call every 20 ms, JDK HttpClient;"
  echo "# a backend killed and restarted 5 s later every 30 s; host 2 silent from 3:00 to 5:00"
  echo "$result"
  echo "$start_state"
  echo "$end_state"
  grep '^jmesh' "$work/caller.err" | head -5
} > "$out"
cat "$out"
