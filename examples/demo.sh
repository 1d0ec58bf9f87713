#!/usr/bin/env bash
# Builds jmesh and runs the demo: an unmodified application calls http://orders/... and the
# agent spreads the calls over three local order backends, as examples/mesh.yaml says.
# Halfway through, one backend is killed: the application sees no failed call. At the end,
# the agent's status table and Istio-named metrics.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== building (mvn package, tests skipped)"
mvn -q -B package -DskipTests

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "== starting three order backends on free loopback ports"
ports=()
for i in 1 2 3; do
  java -cp examples/target/classes dev.jmesh.examples.OrderBackend "orders-$i" > "$work/orders-$i.out" &
  pids+=($!)
done
for i in 1 2 3; do
  for _ in $(seq 1 100); do
    grep -q '^READY' "$work/orders-$i.out" 2>/dev/null && break
    sleep 0.1
  done
  ports+=("$(awk '/^READY/ {print $2}' "$work/orders-$i.out")")
done
admin_port=$(java -cp examples/target/classes dev.jmesh.examples.FreePort)
sed -e "s/\${ORDERS_1}/${ports[0]}/" -e "s/\${ORDERS_2}/${ports[1]}/" -e "s/\${ORDERS_3}/${ports[2]}/" \
  -e "s/\${ADMIN_PORT}/$admin_port/" examples/mesh.yaml > "$work/mesh.yaml"

echo "== policy ($work/mesh.yaml)"
java -jar agent/target/jmesh-agent.jar check "$work/mesh.yaml"

echo "== the shop app, unmodified, with -javaagent; orders-3 is killed after round 15"
# Kill orders-3 once the app has printed round 15, while it keeps calling.
( until grep -q '^round  15:' "$work/app.out" 2>/dev/null; do sleep 0.05; done
  kill "${pids[2]}" && echo "== killed orders-3 (port ${ports[2]})" ) &
pids+=($!)
# Once the app is done calling (it lingers a few seconds), ask its agent how things stand.
( until grep -q '^failed calls:' "$work/app.out" 2>/dev/null; do sleep 0.05; done
  echo; echo "== java -jar jmesh-agent.jar status $admin_port"
  java -jar agent/target/jmesh-agent.jar status "$admin_port"
  echo "== curl http://127.0.0.1:$admin_port/metrics | grep istio_requests_total"
  curl -s "http://127.0.0.1:$admin_port/metrics" | grep '^istio_requests_total' || true ) > "$work/status.out" 2>&1 &
status_pid=$!
java -javaagent:agent/target/jmesh-agent.jar=config="$work/mesh.yaml" \
  -cp "examples/target/classes:examples/target/lib/*" dev.jmesh.examples.ShopApp 40 50 4000 | tee "$work/app.out"
wait "$status_pid" || true
cat "$work/status.out"
