#!/usr/bin/env bash
# The full test suite: unit tests, then real JVMs (JDK 17 and JDK 25) started with
# -javaagent:jmesh-agent.jar against real servers on loopback, and a real Prometheus.
set -euo pipefail
cd "$(dirname "$0")"

# JDK 25 is the second JDK every test runs on; JMESH_JDK25_HOME may point elsewhere.
jdk25="${JMESH_JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [ ! -x "$jdk25/bin/java" ]; then
  echo "test.sh: JDK 25 not found at $jdk25 (set JMESH_JDK25_HOME)" >&2
  exit 1
fi

# Real servers the tests talk to (Prometheus), installed by the project, never by hand.
./scripts/install-test-deps.sh

exec mvn -B verify -Djdk25.home="$jdk25" "$@"
