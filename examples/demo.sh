#!/usr/bin/env bash
# Builds jmesh and runs the demo: an unmodified application calls http://orders/... and the
# agent spreads the calls over three local order backends, as examples/mesh.yaml says.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== building (mvn package, tests skipped)"
mvn -q -B package -DskipTests

work=$(mktemp -d)
backends_pid=""
cleanup() {
  [ -n "$backends_pid" ] && kill "$backends_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== starting three order backends on free loopback ports"
java -cp examples/target/classes dev.jmesh.examples.OrderBackends 3 > "$work/backends.out" &
backends_pid=$!
for _ in $(seq 1 100); do
  grep -q '^READY' "$work/backends.out" 2>/dev/null && break
  sleep 0.1
done
read -r _ ORDERS_1 ORDERS_2 ORDERS_3 < <(grep '^READY' "$work/backends.out")
sed -e "s/\${ORDERS_1}/$ORDERS_1/" -e "s/\${ORDERS_2}/$ORDERS_2/" -e "s/\${ORDERS_3}/$ORDERS_3/" \
  examples/mesh.yaml > "$work/mesh.yaml"

echo "== policy ($work/mesh.yaml)"
java -jar agent/target/jmesh-agent.jar check "$work/mesh.yaml"

echo "== the shop app, unmodified, with -javaagent"
java -javaagent:agent/target/jmesh-agent.jar=config="$work/mesh.yaml" \
  -cp "examples/target/classes:examples/target/lib/*" dev.jmesh.examples.ShopApp 20
