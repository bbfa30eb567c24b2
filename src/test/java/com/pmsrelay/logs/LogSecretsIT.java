package com.pmsrelay.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No secret, token, password or parameter value in any log line of the whole run (issue #13):
 * runs after every other test (its own failsafe execution, see the pom) and reads the logs they
 * left: each test JVM's output (surefire and failsafe reports) and the logs of the processes they
 * started ({@link TestLogs}), for every secret the tests recorded ({@link TestSecrets}) and every
 * client secret, agent key and access token by its form. Outside CI it reads what there is (a
 * partial run) and skips with nothing to read; under {@code CI=true} it must have a whole run to read.
 */
@Timeout(300)
class LogSecretsIT {
  @Test
  void noLogLineOfTheRunHoldsASecret() {
    Path target = TestFiles.target();
    List<Path> logs = LogScan.logFiles(target);
    Set<LogScan.Secret> secrets = LogScan.recorded(target.resolve("test-secrets"));
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    if (!ci) {
      Assumptions.assumeTrue(!logs.isEmpty() && !secrets.isEmpty(),
          "no test run to read under " + target + ": run the whole suite (mvn verify) first");
    }
    Map<String, Long> kinds = new TreeMap<>(secrets.stream().collect(Collectors.groupingBy(LogScan.Secret::kind,
        Collectors.counting())));
    LogScan.Result result = LogScan.scan(logs, secrets);
    System.out.printf("LogSecretsIT: %d files, %d log lines, %d recorded secrets %s, plus %s by their form%n",
        result.files(), result.logLines(), secrets.size(), kinds, LogScan.PATTERNS.keySet());
    assertThat(result.findings()).as("secrets in log lines").isEmpty();
    if (ci) {
      // The whole run, not a part of it: a scan of nothing must not pass.
      assertThat(result.logLines()).as("log lines read (a run's worth)").isGreaterThan(1_000);
      assertThat(kinds).as("secrets recorded by the run's fixtures").containsKeys("client secret", "console password",
          "parameter value", "master key");
    }
  }
}
