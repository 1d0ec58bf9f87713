#!/usr/bin/env bash
# Installs what the integration tests run besides JVMs: a real Prometheus server,
# PostgreSQL (Debian's packages; the tests run their own servers with initdb/pg_ctl, never the
# system service), and iproute2 and nftables for the test hosts of the network-fault tests
# (network namespaces the tests make and remove). Idempotent; needs root (or sudo) only when
# something is missing.
set -euo pipefail

missing=()
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
[ -x /usr/sbin/ip ] || missing+=(iproute2)
[ -x /usr/sbin/nft ] || missing+=(nftables)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "install-test-deps: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
