package com.pmsrelay.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scan that {@link LogSecretsIT} runs over the whole run's logs finds what it must, and only in log lines. */
class LogScanTest {
  @TempDir Path dir;

  static final String SECRET = "pmss_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v";
  static final String PASSWORD = "correct-horse-battery";
  static final String JWT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJjbGlfeCJ9.MEUCIQDx2dZq1pK3vYtR8sWq0fL7hXbN4mC5";

  @Test
  void aSecretInALogLineIsFoundWithItsKindAndLoggerButNeverShown() throws Exception {
    Path log = write("a-output.txt",
        "08:01:02.345 INFO  [main] c.p.c.h.TokenEndpoint - all is well",
        "08:01:02.346 WARN  [vert.x-eventloop-thread-1] c.p.c.h.TokenEndpoint - refused client with secret " + SECRET,
        "08:01:02.347 INFO  [main] c.p.c.c.ConsoleApi - login by admin with " + PASSWORD + " failed");
    LogScan.Result result = LogScan.scan(List.of(log), Set.of(new LogScan.Secret("console password", PASSWORD)));
    assertThat(result.logLines()).isEqualTo(3);
    assertThat(result.findings()).extracting(LogScan.Finding::toString).containsExactly(
        "a client secret in a line of logger c.p.c.h.TokenEndpoint (a-output.txt:2)",
        "a console password in a line of logger c.p.c.c.ConsoleApi (a-output.txt:3)");
    assertThat(result.findings().toString()).doesNotContain(SECRET).doesNotContain(PASSWORD);
  }

  @Test
  void aSecretInTheStackTraceOfALogLineIsFound() throws Exception {
    Path log = write("b-output.txt",
        "08:01:02.345 ERROR [main] c.p.a.l.AgentLink - the link failed",
        "java.lang.IllegalStateException: cannot open jdbc:sqlserver://pms;password=" + PASSWORD,
        "\tat com.pmsrelay.agent.link.AgentLink.open(AgentLink.java:10)",
        "Caused by: java.io.IOException: token " + JWT,
        "\t... 3 more");
    LogScan.Result result = LogScan.scan(List.of(log), Set.of(new LogScan.Secret("connection password", PASSWORD)));
    assertThat(result.findings()).extracting(LogScan.Finding::toString).containsExactlyInAnyOrder(
        "a connection password in a line of logger c.p.a.l.AgentLink (b-output.txt:2)",
        "a connection string password in a line of logger c.p.a.l.AgentLink (b-output.txt:2)",
        "an access token in a line of logger c.p.a.l.AgentLink (b-output.txt:4)");
  }

  @Test
  void aMaskedConnectionPasswordIsNotAFinding() throws Exception {
    Path log = write("d-output.txt",
        "08:01:02.345 INFO  [main] c.p.a.p.PooledPms - opened jdbc:sqlserver://pms;user=relay;password=***");
    assertThat(LogScan.scan(List.of(log), Set.of()).findings()).isEmpty();
  }

  @Test
  void whatIsNotALogLineIsNotRead() throws Exception {
    // The demo prints its credentials on purpose; a test prints what it measured.
    Path log = write("c-output.txt",
        "curl -s http://127.0.0.1:8080/v1/token -d client_secret=" + SECRET,
        "08:01:02.345 INFO  [main] c.p.d.DemoMode - demo started",
        "TOKEN=" + JWT,
        "password: " + PASSWORD);
    LogScan.Result result = LogScan.scan(List.of(log), Set.of(new LogScan.Secret("console password", PASSWORD)));
    assertThat(result.logLines()).isEqualTo(1);
    assertThat(result.findings()).isEmpty();
  }

  @Test
  void recordedSecretsAreReadBackExactlyAndShortOnesAreNotRecorded() throws Exception {
    Path file = dir.resolve("test-secrets").resolve("1.tsv");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "parameter value\tline\\none\\ttab\nconsole password\t" + PASSWORD + "\n");
    assertThat(LogScan.recorded(file.getParent())).containsExactlyInAnyOrder(
        new LogScan.Secret("parameter value", "line\none\ttab"), new LogScan.Secret("console password", PASSWORD));
  }

  private Path write(String name, String... lines) throws Exception {
    Path file = dir.resolve(name);
    Files.write(file, List.of(lines));
    return file;
  }
}
