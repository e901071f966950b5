#!/usr/bin/env bash
# Builds the Java side of the test harness into tools/java/lib/ (gitignored):
# the drivers (lib/tributary-clients.jar) plus every runtime jar for them, Kafka's perf tools
# and a KRaft Apache Kafka broker. Run the result with: java -cp 'tools/java/lib/*' MAIN ...
#
# Idempotent and quick when already done: lib/.stamp holds a hash of pom.xml and src/; when it
# matches, nothing runs. Safe to call concurrently (flock). Needs java 17+ and mvn on PATH, and
# Maven Central reachable on the first run (later runs work from ~/.m2 offline).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

stamp_of() {
  { sha256sum pom.xml; find src -type f -print0 | sort -z | xargs -0 sha256sum; } | sha256sum | cut -d' ' -f1
}

want="$(stamp_of)"
if [[ -f lib/.stamp && "$(cat lib/.stamp)" == "$want" && -f lib/tributary-clients.jar ]]; then
  exit 0
fi

mkdir -p target
exec 9>target/.fetch.lock
flock 9
# Another caller may have finished the build while we waited for the lock.
if [[ -f lib/.stamp && "$(cat lib/.stamp)" == "$want" && -f lib/tributary-clients.jar ]]; then
  exit 0
fi

command -v java >/dev/null || { echo "fetch.sh: java (17+) is not on PATH" >&2; exit 1; }
command -v mvn >/dev/null || { echo "fetch.sh: mvn is not on PATH" >&2; exit 1; }

echo "fetch.sh: building tools/java/lib (the first build on a machine downloads jars from Maven Central)..." >&2
rm -rf lib
export MAVEN_OPTS="${MAVEN_OPTS:--Xmx512m}"
# Prefer the local repository; go online only when something is missing.
if ! mvn -B -q -o package >target/mvn.log 2>&1; then
  mvn -B -q package >target/mvn.log 2>&1 || { cat target/mvn.log >&2; exit 1; }
fi
sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' pom.xml >lib/kafka.version
echo "$want" >lib/.stamp
echo "fetch.sh: tools/java/lib ready (Kafka $(cat lib/kafka.version), $(ls lib/*.jar | wc -l) jars)" >&2
