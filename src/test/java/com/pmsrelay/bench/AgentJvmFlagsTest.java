package com.pmsrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent's JVM flags are written in three places besides {@link AgentJvmFlags#SHIPPED}, which
 * the footprint benchmark measures: the systemd unit, the Windows service script and the launcher
 * README. They must not drift apart.
 */
class AgentJvmFlagsTest {
  private static final Path LAUNCHER = Path.of("agent-launcher");

  @Test
  void theSystemdUnitStartsJavaWithTheShippedFlags() throws Exception {
    String execStart = Files.readAllLines(LAUNCHER.resolve("systemd/pms-relay-agent.service")).stream()
        .filter(line -> line.startsWith("ExecStart=")).findFirst().orElseThrow();
    List<String> words = Arrays.asList(execStart.substring("ExecStart=".length()).split("\\s+"));
    assertThat(words.subList(1, words.indexOf("-jar"))).isEqualTo(AgentJvmFlags.SHIPPED);
  }

  @Test
  void theWindowsServiceStartsJavaWithTheShippedFlags() throws Exception {
    String params = Files.readAllLines(LAUNCHER.resolve("windows/install-service.ps1")).stream()
        .filter(line -> line.strip().startsWith("--StartParams=")).findFirst().orElseThrow().strip();
    List<String> words = Arrays.asList(params.substring("--StartParams=\"".length()).split(";"));
    assertThat(words.subList(0, words.indexOf("-jar"))).isEqualTo(AgentJvmFlags.SHIPPED);
  }

  @Test
  void theLauncherReadmeListsTheShippedFlags() throws Exception {
    assertThat(Files.readString(LAUNCHER.resolve("README.md")))
        .contains("java " + String.join(" ", AgentJvmFlags.SHIPPED) + " -jar pms-relay.jar agent");
  }
}
