#!/bin/sh
# Runs the fairness benchmark: the real FairShareQueue against plain FIFO on a simulated workload (virtual clock,
# fixed seed; takes about a second). Needs only a JDK 21 or newer; options are passed on, e.g. --hours 100.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ -n "${JAVA_HOME:-}" ]; then bin="$JAVA_HOME/bin/"; else bin=""; fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"${bin}javac" --release 21 -d "$out" \
  "$root"/bot/src/main/java/dev/imagine/bot/queue/*.java \
  "$root"/bot/src/test/java/dev/imagine/bench/FairnessSimulation.java
"${bin}java" -cp "$out" dev.imagine.bench.FairnessSimulation "$@"
