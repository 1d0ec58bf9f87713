#!/usr/bin/env bash
# Installs the servers the end-to-end performance harness (scripts/perf-e2e.sh) runs: nginx
# (the backend) and HAProxy (the sidecar-hop reference), Debian's packages. Idempotent and
# quiet: does nothing when both are there; needs root (or sudo) only when something is missing.
# The packages' services are never started: the harness runs its own instances in the
# foreground with configs in a temp dir, on ports it picks.
set -euo pipefail

missing=()
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
[ -x /usr/sbin/haproxy ] || command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
# The latency plot is drawn with java.awt, which needs fontconfig and at least one font.
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list 2>/dev/null | head -n 1)" ]; then
  missing+=(fontconfig fonts-dejavu-core)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "install-perf-deps: installing ${missing[*]}" >&2

# Keep the packages' postinst from starting system services (nginx would bind port 80): a
# policy-rc.d that refuses every start, put there only for the install if there is none.
policy=/usr/sbin/policy-rc.d
added_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod 755 "$policy"
  added_policy=yes
fi
cleanup() {
  if [ -n "$added_policy" ]; then
    $sudo rm -f "$policy"
  fi
}
trap cleanup EXIT

log="$(mktemp)"
if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
        --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "install-perf-deps: could not install ${missing[*]}" >&2
  exit 1
fi
rm -f "$log"
