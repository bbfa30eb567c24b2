#!/usr/bin/env bash
# Runs the pms-relay benchmarks (see BENCHMARKS.md):
#   bench/run.sh guard|noisy|noisy-agent|noisy-mild|footprint|all [--fast]
# Compiles the test classes, builds the classpath, runs com.pmsrelay.bench.BenchMain. Results go to
# bench/results/<name>.json (<name>-fast.json with --fast) and bench/results/latest.json.
# Everything runs in one JVM on loopback and stops by itself. BENCH_MAVEN_FLAGS=-o builds offline;
# BENCH_JAVA_OPTS adds JVM options (for example a JFR recording:
#   BENCH_JAVA_OPTS=-XX:StartFlightRecording=filename=target/noisy.jfr,settings=profile).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC2086
mvn -q -B ${BENCH_MAVEN_FLAGS:-} test-compile
# shellcheck disable=SC2086
mvn -q -B ${BENCH_MAVEN_FLAGS:-} dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-classpath.txt
# The footprint benchmark's agent processes run on what the shaded jar holds: the runtime dependencies.
# shellcheck disable=SC2086
mvn -q -B ${BENCH_MAVEN_FLAGS:-} dependency:build-classpath -DincludeScope=runtime \
  -Dmdep.outputFile=target/bench-agent-classpath.txt
export PMSRELAY_LOG_LEVEL="${PMSRELAY_LOG_LEVEL:-WARN}"
# shellcheck disable=SC2086
# -XX:-DontCompileHugeMethods: as the shipped cloud and agent run (README): JSqlParser's huge
# generated methods are otherwise never JIT-compiled.
exec java -Xms1g -Xmx1g ${BENCH_GC:--XX:+UseG1GC} -XX:-DontCompileHugeMethods ${BENCH_JAVA_OPTS:-} \
  -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  com.pmsrelay.bench.BenchMain "$@"
