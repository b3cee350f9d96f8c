#!/usr/bin/env bash
# UNet step and text encoder cost of prompts read in 1, 2 and 3 chunks (77, 154, 231 positions). Run by hand.
#   bench/prompt-length/run.sh [MODEL_DIR] [THREADS] [ROUNDS] [SIZE]
# MODEL_DIR: the full-size random-weight ONNX folder from tools/bench-model/build.py (default /work/bench-models/onnx).
set -euo pipefail
cd "$(dirname "$0")/../.."
model=${1:-${BENCH_MODELS:-/work/bench-models}/onnx}
threads=${2:-2}
rounds=${3:-7}
size=${4:-512}
java=${JAVA:-java}
jar=bot/target/imagine.jar
[ -f "$jar" ] || ./mvnw -q -pl bot -am package -DskipTests
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$java" --enable-native-access=ALL-UNNAMED -cp "$jar" bench/prompt-length/UnetSequenceLength.java \
    "$model" "$threads" "$rounds" "$size"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
