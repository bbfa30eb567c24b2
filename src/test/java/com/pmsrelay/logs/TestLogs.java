package com.pmsrelay.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps the logs of the processes tests start (the jar in demo, cloud or agent mode) in
 * {@code target/test-logs/}, beside the test JVMs' own output in the surefire and failsafe
 * reports, so that {@link LogSecretsIT} reads the logs of the whole run. The children's files
 * live in temporary directories that are deleted with their test.
 */
public final class TestLogs {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private TestLogs() {}

  /** Copies a child's log file, if it exists, under a name made from {@code name}. */
  public static void keep(String name, Path log) {
    if (log == null || !Files.isRegularFile(log)) {
      return;
    }
    try {
      Files.copy(log, destination(name), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Keeps a child's output that a test read into a string. */
  public static void keep(String name, String output) {
    try {
      Files.writeString(destination(name), output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path destination(String name) throws IOException {
    Path dir = TestFiles.target().resolve("test-logs");
    Files.createDirectories(dir);
    String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
    return dir.resolve(safe + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + ".log");
  }
}
