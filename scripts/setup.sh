#!/usr/bin/env bash
# Installs what Tributary needs on a fresh Debian machine, skipping whatever is already there:
# system packages (PostgreSQL and Redis for the control plane, kcat for client tests, openssl for the tests' throw-away TLS certificates,
# Java 17 + Maven for the Java client and the benchmark peer), npm dependencies, and the Kafka
# jars from Maven Central.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client) # kubectl: dry-run checks of manifests
# PostgreSQL and Redis for the control plane and its tests (started per test / by npm start).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "setup: please install: ${missing[*]}" >&2
    exit 1
  fi
fi

# npm dependencies: (re)install when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

if [ -f tools/java/fetch.sh ] && [ "${TRIBUTARY_SKIP_JAVA:-0}" != 1 ]; then
  bash tools/java/fetch.sh
fi
