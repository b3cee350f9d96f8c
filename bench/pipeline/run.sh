#!/usr/bin/env bash
# The pipeline benchmark in one command (run by hand, never by CI): builds imagine.jar if needed, then runs
# bench/pipeline/run.py with the benchmark venv. Arguments go to run.py (e.g. --runs 5, --engines imagine,pytorch).
#   VENV=/work/venv-bench BENCH_MODELS=/work/bench-models bench/pipeline/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="${VENV:-/work/venv-bench}"
if [[ -z "${JAVA_HOME:-}" ]]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do
    [[ -x "$candidate/bin/java" ]] && export JAVA_HOME="$candidate" && break
  done
fi
if [[ ! -f bot/target/imagine.jar ]]; then
  ./mvnw -q -B package -DskipTests
fi
exec "$VENV/bin/python" bench/pipeline/run.py "$@"
