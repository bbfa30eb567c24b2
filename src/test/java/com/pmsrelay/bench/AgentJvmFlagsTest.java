package com.pmsrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent's JVM flags are written in three places besides {@link AgentJvmFlags#SHIPPED}, which
 * the footprint benchmark measures: the systemd unit, the Windows service's launcher (run-agent.cmd) and the launcher
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
    // The service runs run-agent.cmd (it puts a staged self-update in place first), which starts java.
    assertThat(Files.readString(LAUNCHER.resolve("windows/install-service.ps1"))).contains("--StartParams=\"/c;$launcher;");
    String java = Files.readAllLines(LAUNCHER.resolve("windows/run-agent.cmd")).stream()
        .filter(line -> line.startsWith("\"%~1\" ")).findFirst().orElseThrow().strip();
    List<String> words = Arrays.asList(java.split("\\s+"));
    assertThat(words.subList(1, words.indexOf("-jar"))).isEqualTo(AgentJvmFlags.SHIPPED);
  }

  @Test
  void theLauncherReadmeListsTheShippedFlags() throws Exception {
    assertThat(Files.readString(LAUNCHER.resolve("README.md")))
        .contains("java " + String.join(" ", AgentJvmFlags.SHIPPED) + " -jar pms-relay.jar agent");
  }
}
