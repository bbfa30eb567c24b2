#!/usr/bin/env bash
# Runs the pms-relay benchmarks (see BENCHMARKS.md):
#   bench/run.sh NAME|all [--fast]     (names: BENCHMARKS.md; bench/run.sh alone lists them)
# Compiles the test classes, builds the classpath, runs com.pmsrelay.bench.BenchMain. Results go to
# bench/results/<name>.json (<name>-fast.json with --fast) and bench/results/latest.json.
# Everything runs on loopback and stops by itself (a few benchmarks start child JVMs: cloud or agent
# processes, killed at the end). BENCH_MAVEN_FLAGS=-o builds offline;
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
# jdk.tls.namedGroups: the benchmarks' simulated agents (thousands of TLS clients in this JVM) offer
# only x25519, the group the servers pick anyway; by default each JDK client also computes a P-256
# key share it never uses, CPU the servers under test would lose on this machine. The servers run
# in child JVMs with the JDK's defaults.
# shellcheck disable=SC2086
# The cloud's flags (README, "Running the cloud"): the benchmarks' cloud and in-process agent run in
# this JVM; the footprint benchmark's agent processes get the agent's own (agent-launcher/README.md).
exec java -Xms1g -Xmx1g ${BENCH_GC:--XX:+UseG1GC -XX:MaxGCPauseMillis=20} -XX:-DontCompileHugeMethods -Djdk.tls.namedGroups=x25519 \
  ${BENCH_JAVA_OPTS:-} \
  -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  com.pmsrelay.bench.BenchMain "$@"
