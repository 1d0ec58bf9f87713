#!/usr/bin/env bash
# Scale harness of the control plane: one jmesh-control.jar replica and N simulated agent links
# (real link clients, one TCP connection each) in one JVM. Reports the p50/p99 time for a change
# of the replica's config directory to reach every link, and the replica's memory.
#
#   scripts/control-scale.sh                      5,000 links, 5 rounds (about 15 s here)
#   scripts/control-scale.sh --links 200 --rounds 2 [--out FILE]
#
# Builds the control jar and the harness first unless SCALE_SKIP_BUILD=1 (the test suite sets it).
# SCALE_JAVA picks the JVM (default: java on PATH).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
case "${1:-}" in -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
if [ "${SCALE_SKIP_BUILD:-0}" != 1 ]; then
  mvn -q -pl control-link,benchmarks -am package -DskipTests
fi
# Two sockets per link on this machine (client and replica side): make room for them.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec "${SCALE_JAVA:-java}" -Xss256k -cp benchmarks/target/benchmarks.jar dev.jmesh.benchmarks.control.ControlScale \
  --control-jar control-link/target/jmesh-control.jar --java "${SCALE_JAVA:-java}" "$@"
