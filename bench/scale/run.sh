#!/usr/bin/env bash
# bench/scale (run by hand, never by CI): the fairness of the Redis queue shared by 1, 2 and 3 workers against FIFO,
# a simulation on a real redis-server with a virtual clock and a fixed seed (about half a minute after the build).
# Needs a JDK 21 or newer and redis-server (Debian: apt-get install redis-server). Options go to the simulation,
# e.g. --seed 7, --hours 100, --workers 1,2,4. See bench/scale/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ -z "${JAVA_HOME:-}" ]]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do
    [[ -x "$candidate/bin/java" ]] && export JAVA_HOME="$candidate" && break
  done
fi
export PATH="$JAVA_HOME/bin:$PATH"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The test classes (the simulation and its redis-server) and their classpath, in the reactor, so that the pipeline
# resolves to its own target folders rather than to an installed jar.
./mvnw -q -B -pl bot -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$out/cp.txt" >/dev/null
cp="bot/target/test-classes:bot/target/classes:pipeline/target/test-classes:pipeline/target/classes:$(cat "$out/cp.txt")"
exec java -Dlogback.configurationFile=bot/src/test/resources/logback-test.xml -cp "$cp" \
  dev.imagine.bench.ScaleSimulation "$@"
