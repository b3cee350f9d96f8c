#!/bin/sh
# Runs the load benchmark: 1,000 picture requests from 200 people within a minute through the Discord adapter and
# its fake, the Telegram adapter and its fake, and the JSON API, each on a fresh engine with a stand-in model (see
# README.md). Takes about four minutes. Needs a JDK 21 or newer (JAVA_HOME or java on the PATH); Maven comes with the
# wrapper. Options (all optional):
#   --requests N   --people N   --seconds N   --step-ms N   --seed N   --fronts discord,telegram,web   --out FILE
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/bench/results/$(date -u +%F)-load.md"
props=""
while [ $# -gt 0 ]; do
  case "$1" in
    --requests|--people|--seconds|--step-ms|--seed|--fronts)
      [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; }
      props="$props -Dload.${1#--}=$2"; shift 2 ;;
    --out)
      [ $# -ge 2 ] || { echo "--out needs a file" >&2; exit 2; }
      out=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
    *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
done
cd "$root"
# The application's log of 3,000 jobs goes to bot/target/surefire-reports/*LoadBench-output.txt, not the terminal.
# shellcheck disable=SC2086 # $props is a list of -D options
./mvnw -q -B -pl bot -am test -Dtest=LoadBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dmaven.test.redirectTestOutputToFile=true -Dimagine.bench.load=true -Dload.out="$out" $props
cat "$out"
echo "figures written to $out"
