package com.pmsrelay.faults;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The jar the fault tests run as child processes: `mvn verify` builds it before the *IT tests. */
final class PackagedJar {
  private PackagedJar() {}

  /**
   * The packaged jar. Missing, the test fails under CI ({@code CI=true}) and is skipped, with the
   * reason, on a developer's machine that ran the tests without packaging.
   */
  static Path required() {
    Path jar = Path.of(System.getProperty("pmsrelay.jar", "target/pms-relay.jar"));
    if (!Files.exists(jar)) {
      String why = "the packaged jar is missing (mvn verify builds it before the *IT tests): " + jar;
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why);
      }
      assumeTrue(false, why);
    }
    return jar;
  }
}
