#!/usr/bin/env bash
# The picture classifier benchmark (run by hand, never by CI): builds imagine.jar if needed, then runs
# bench/classifier/run.py with the reference venv. Build the models first: bench/classifier/build.py.
#   VENV=/work/venv-ref BENCH_MODELS=/work/bench-models bench/classifier/run.sh --rounds 3
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="${VENV:-/work/venv-ref}"
if [[ -z "${JAVA_HOME:-}" ]]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do
    [[ -x "$candidate/bin/java" ]] && export JAVA_HOME="$candidate" && break
  done
fi
if [[ ! -f bot/target/imagine.jar ]]; then
  ./mvnw -q -B package -DskipTests
fi
exec "$VENV/bin/python" bench/classifier/run.py "$@"
