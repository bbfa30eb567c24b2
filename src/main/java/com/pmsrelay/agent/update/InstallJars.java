package com.pmsrelay.agent.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The jars in the agent's install folder: {@code pms-relay.jar} (what the service starts),
 * {@code pms-relay.previous.jar} (the version before the last switch, kept for a rollback) and
 * {@code pms-relay.download} (a release being downloaded). Every replacement of
 * {@code pms-relay.jar} is a rename within the folder, so the service never finds half a jar.
 * On Linux the running JVM keeps reading the jar it opened; the renamed file is a new one.
 */
public final class InstallJars {
  public static final String CURRENT = "pms-relay.jar";
  public static final String PREVIOUS = "pms-relay.previous.jar";
  public static final String DOWNLOAD = "pms-relay.download";

  private final Path dir;

  public InstallJars(Path dir) {
    this.dir = dir;
  }

  /**
   * The install folder of the running agent: {@code configured}, else the folder of the jar this
   * class was loaded from if it is named pms-relay.jar; null when the agent does not run from an
   * installed jar (from classes, in a test), where self-update is off.
   */
  public static Path locate(Path configured) {
    if (configured != null) {
      return configured;
    }
    try {
      Path jar = Path.of(InstallJars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return jar.getFileName().toString().equals(CURRENT) && Files.isRegularFile(jar) ? jar.getParent() : null;
    } catch (Exception e) {
      return null;
    }
  }

  public Path dir() {
    return dir;
  }

  public Path current() {
    return dir.resolve(CURRENT);
  }

  public Path previous() {
    return dir.resolve(PREVIOUS);
  }

  public Path download() {
    return dir.resolve(DOWNLOAD);
  }

  /** Keeps the current jar as the previous one and puts the downloaded, verified one in its place. */
  public void switchToDownload() throws IOException {
    Path copy = dir.resolve(PREVIOUS + ".tmp");
    Files.copy(current(), copy, StandardCopyOption.REPLACE_EXISTING);
    Files.move(copy, previous(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.move(download(), current(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Puts the previous jar back in place (it stays as the previous one too). */
  public void restorePrevious() throws IOException {
    Path copy = dir.resolve(CURRENT + ".tmp");
    Files.copy(previous(), copy, StandardCopyOption.REPLACE_EXISTING);
    Files.move(copy, current(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
