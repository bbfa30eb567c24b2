package com.pmsrelay.logs;

import java.nio.file.Path;

/** The build's {@code target} directory, where the run's logs and recorded secrets meet. */
final class TestFiles {
  private TestFiles() {}

  static Path target() {
    return Path.of(System.getProperty("pmsrelay.target", "target")).toAbsolutePath();
  }
}
