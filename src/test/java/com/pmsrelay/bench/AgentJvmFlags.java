package com.pmsrelay.bench;

import java.util.List;

/**
 * The agent's JVM flags as shipped: the launchers (agent-launcher/systemd/pms-relay-agent.service,
 * agent-launcher/windows/run-agent.cmd, which install-service.ps1 has the service run) and the READMEs that list them must say exactly these
 * ({@code AgentJvmFlagsTest} checks), and the footprint benchmark runs its agents with them.
 */
final class AgentJvmFlags {
  static final List<String> SHIPPED = List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  /**
   * The flags the footprint benchmark gives its agents: the shipped ones, unless the system property
   * {@code bench.agentJvmFlags} lists others, comma-separated, to compare (for example
   * {@code BENCH_JAVA_OPTS=-Dbench.agentJvmFlags=-Xmx256m,-XX:-DontCompileHugeMethods}).
   */
  static List<String> forBenchmark() {
    String other = System.getProperty("bench.agentJvmFlags");
    return other == null || other.isBlank() ? SHIPPED : List.of(other.strip().split("\\s*,\\s*"));
  }

  private AgentJvmFlags() {}
}
