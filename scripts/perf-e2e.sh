#!/usr/bin/env bash
# End-to-end performance harness: what a call costs direct, through the jmesh agent and through
# a sidecar hop (HAProxy), against a real nginx on loopback; what recording the requests the
# application's own server answers costs (JDK HttpServer and Jetty, with and without the
# agent); service to service over mutual TLS, agent to agent against two TLS sidecar hops
# (HAProxy) in front of Jetty; plus agent start-up and memory.
#
#   scripts/perf-e2e.sh            full run (~20 min on 2 cores), writes docs/perf/
#   scripts/perf-e2e.sh --smoke    a minute or less, writes benchmarks/target/perf-smoke/
#   scripts/perf-e2e.sh [--smoke] --out DIR      write the reports somewhere else
#   scripts/perf-e2e.sh --e2e-only | --served-only | --mtls-only | --startup-only   one part
#                                  only: the calls (e2e.md), the served requests (served.md),
#                                  mutual TLS (mtls.md), start-up and memory
#   scripts/perf-e2e.sh --clients jdk,jdk-async,okhttp  also the diagnostic client that calls
#                                  sendAsync(..).join() (default: jdk,okhttp)
#   scripts/perf-e2e.sh ... -- --rounds 3 --warmup-ms 2000 --measure-ms 4000 --concurrency 1,8
#                                  anything after -- goes to the orchestrator (see PerfE2E)
#
# It installs nginx and HAProxy if they are missing (scripts/install-perf-deps.sh), builds the
# agent and the harness if their sources changed, starts its servers itself on free loopback
# ports with configs in a temp dir, and stops every process it started when it exits, however
# it exits. Environment: PERF_JAVA (default: java on PATH) runs the orchestrator and clients;
# PERF_SKIP_BUILD=1 uses the agent and harness as already built (the test suite sets it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

mode=full
backends=yes
out=""
extra=()
shown="scripts/perf-e2e.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) mode=smoke; shown="$shown --smoke" ;;
    --out) out="$2"; shift ;;
    --e2e-only) extra+=(--skip-served --skip-mtls --skip-startup); shown="$shown --e2e-only" ;;
    --served-only) extra+=(--skip-e2e --skip-mtls --skip-startup); shown="$shown --served-only"; backends=no ;;
    --mtls-only) extra+=(--skip-e2e --skip-served --skip-startup); shown="$shown --mtls-only" ;;
    --startup-only) extra+=(--skip-e2e --skip-served --skip-mtls); shown="$shown --startup-only" ;;
    --clients) extra+=(--clients "$2"); shown="$shown --clients $2"; shift ;;
    --) shift; extra+=("$@"); shown="$shown -- $*"; break ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "perf-e2e: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$out" ]; then
  if [ "$mode" = smoke ]; then out="$root/benchmarks/target/perf-smoke"; else out="$root/docs/perf"; fi
fi
java_bin="${PERF_JAVA:-java}"
started=$(date +%s)

work="$(mktemp -d "${TMPDIR:-/tmp}/jmesh-perf.XXXXXX")"
orchestrator=""
cleanup() {
  status=$?
  trap - EXIT INT TERM
  if [ -n "$orchestrator" ] && kill -0 "$orchestrator" 2>/dev/null; then
    kill -TERM "$orchestrator" 2>/dev/null || true   # its shutdown hook stops nginx, HAProxy and clients
    for _ in $(seq 50); do kill -0 "$orchestrator" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$orchestrator" 2>/dev/null || true
  fi
  # Whatever is left of what the orchestrator started: each pid is checked against the start
  # time recorded with it, so a recycled pid is never touched.
  if [ -f "$work/pids" ]; then
    while read -r pid start; do
      [ -r "/proc/$pid/stat" ] || continue
      stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
      rest="${stat##*) }"
      # shellcheck disable=SC2086
      set -- $rest
      if [ "${20:-}" = "$start" ]; then
        kill -TERM "$pid" 2>/dev/null || true
        sleep 0.2
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done < "$work/pids"
  fi
  if [ "$status" -ne 0 ] && [ -f "$work/processes.log" ]; then
    echo "perf-e2e: failed (exit $status); last lines of the child processes' stderr:" >&2
    tail -n 30 "$work/processes.log" >&2 || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 1. Servers: nginx and HAProxy from Debian's packages (the served requests need neither).
if [ "$backends" = yes ]; then
  "$root/scripts/install-perf-deps.sh"
fi

# 2. Build the agent and the harness, unless nothing they are built from changed.
agent_jar="$root/agent/target/jmesh-agent.jar"
classes="$root/benchmarks/target/classes"
libs="$root/benchmarks/target/e2e-libs"
served_libs="$root/benchmarks/target/served-libs"
stamp="$root/benchmarks/target/perf-e2e.stamp"
needs_build=no
if [ ! -f "$stamp" ] || [ ! -f "$agent_jar" ] || [ ! -f "$classes/dev/jmesh/benchmarks/e2e/PerfE2E.class" ] \
   || [ ! -d "$libs" ] || [ ! -d "$served_libs" ]; then
  needs_build=yes
elif [ -n "$(find pom.xml agent-bootstrap instrumentations agent benchmarks \
        \( -name target -prune \) -o \( -type f -newer "$stamp" -print \) 2>/dev/null | head -n 1)" ]; then
  needs_build=yes
fi
if [ "${PERF_SKIP_BUILD:-}" = 1 ]; then
  # The caller (the test suite, inside its own Maven build) has built both already.
  if [ ! -f "$agent_jar" ] || [ ! -f "$classes/dev/jmesh/benchmarks/e2e/PerfE2E.class" ] || [ ! -d "$libs" ] \
     || [ ! -d "$served_libs" ]; then
    echo "perf-e2e: PERF_SKIP_BUILD=1 but the agent or the harness is not built" >&2
    exit 1
  fi
  needs_build=no
fi
if [ "$needs_build" = yes ]; then
  echo "perf-e2e: building the agent and the harness (mvn package -pl benchmarks -am)"
  mvn -q -B package -DskipTests -pl benchmarks -am
  touch "$stamp"
fi

# 3. The OpenTelemetry Java agent, the start-up and memory reference, from Maven Central.
otel_version=2.21.0
otel_jar="$root/benchmarks/target/otel/opentelemetry-javaagent-$otel_version.jar"
if [ ! -f "$otel_jar" ] && [[ " ${extra[*]:-} " != *" --skip-startup "* ]]; then
  echo "perf-e2e: fetching io.opentelemetry.javaagent:opentelemetry-javaagent:$otel_version"
  if ! mvn -q -B -N dependency:copy \
        -Dartifact="io.opentelemetry.javaagent:opentelemetry-javaagent:$otel_version" \
        -DoutputDirectory="$root/benchmarks/target/otel" >"$work/otel-fetch.log" 2>&1; then
    echo "perf-e2e: OpenTelemetry agent not available, its rows will say n/a" >&2
    otel_jar=""
  fi
fi

# 4. Run. The orchestrator's class path is the client JVMs' one: the harness classes and OkHttp;
# the served-requests server JVMs' is the harness classes and Jetty.
client_cp="$classes:$(find "$libs" -name '*.jar' | sort | paste -sd: -)"
served_cp="$classes:$(find "$served_libs" -name '*.jar' | sort | paste -sd: -)"
mkdir -p "$out"
"$java_bin" -Djava.awt.headless=true -cp "$client_cp" dev.jmesh.benchmarks.e2e.PerfE2E \
  --mode "$mode" --out "$out" --work "$work" --agent-jar "$agent_jar" --client-cp "$client_cp" \
  --served-cp "$served_cp" --otel-agent "${otel_jar:-}" --command "$shown" ${extra[@]+"${extra[@]}"} &
orchestrator=$!
wait "$orchestrator"
orchestrator=""

echo "perf-e2e: done in $(( $(date +%s) - started )) s; reports in $out"
