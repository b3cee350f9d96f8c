#!/usr/bin/env bash
# bench/scale, the real run (by hand, never by CI): bot/target/imagine.jar as one bot and 1, 2 and 3 worker processes
# around a redis-server of its own, on the tiny test model; pictures per minute, speed-up, the light users' wait
# against FIFO and the CPU seconds of each process. About ten minutes with the defaults. Needs a JDK 21 or newer and
# redis-server (Debian: apt-get install redis-server); --pin needs taskset (util-linux). Options go to the run, e.g.
# --workers 1,2 --seconds 300 --threads 2 --pin --out FILE; --no-build first skips the build. See
# bench/scale/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ -z "${JAVA_HOME:-}" ]]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do
    [[ -x "$candidate/bin/java" ]] && export JAVA_HOME="$candidate" && break
  done
fi
export PATH="$JAVA_HOME/bin:$PATH"
# The jar the processes run, the test classes (this run and its helpers: the fake hub, the sandbox, redis-server) and
# their classpath, built in the reactor so that the pipeline resolves to its own target folders. --no-build (first)
# reuses the last build, so that a build does not load the machine just before the measurement.
classpath=bot/target/bench-scale-classpath.txt
if [[ "${1:-}" == "--no-build" ]]; then
  shift
  [[ -f "$classpath" && -f bot/target/imagine.jar ]] || { echo "nothing built yet: run once without --no-build" >&2; exit 2; }
else
  ./mvnw -q -B -pl bot -am package dependency:build-classpath -DskipTests -Dmdep.includeScope=test \
    -Dmdep.outputFile="$PWD/$classpath" >/dev/null
fi
cp="bot/target/test-classes:bot/target/classes:pipeline/target/test-classes:pipeline/target/classes:$(cat "$classpath")"
exec java -Dlogback.configurationFile=bot/src/test/resources/logback-test.xml \
  -Dimagine.jar=bot/target/imagine.jar -Dimagine.config=config.yaml \
  -Dimagine.reference=pipeline/src/test/resources/reference \
  -Dimagine.product-test-output=bot/target/bench-scale -cp "$cp" \
  dev.imagine.bot.product.ScaleProcesses "$@"
