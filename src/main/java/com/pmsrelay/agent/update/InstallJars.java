package com.pmsrelay.agent.update;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The jars in the agent's install folder: {@code pms-relay.jar} (what the service starts),
 * {@code pms-relay.previous.jar} (the version before the last switch, kept for a rollback) and
 * {@code pms-relay.download} (a release being downloaded). Every replacement of
 * {@code pms-relay.jar} is a rename within the folder, so the service never finds half a jar.
 * On Linux the running JVM keeps reading the jar it opened; the renamed file is a new one.
 *
 * <p>On Windows a running JVM holds its jar open, so nothing may replace {@code pms-relay.jar}
 * while the agent runs: there (and wherever that rename fails) the jar to start next is left as
 * {@code pms-relay.next.jar} ({@link Switch#STAGED}), and the service's launcher
 * (agent-launcher/windows/run-agent.cmd) moves {@code pms-relay.jar} to {@code pms-relay.previous.jar}
 * and {@code pms-relay.next.jar} to {@code pms-relay.jar} before it starts java.
 */
public final class InstallJars {
  public static final String CURRENT = "pms-relay.jar";
  public static final String PREVIOUS = "pms-relay.previous.jar";
  public static final String DOWNLOAD = "pms-relay.download";
  public static final String NEXT = "pms-relay.next.jar";

  /** How a switch or a rollback was made. */
  public enum Switch {
    /** {@code pms-relay.jar} was replaced now. */
    IN_PLACE,
    /** The jar to start next waits as {@code pms-relay.next.jar} for the launcher. */
    STAGED
  }

  /** The rename that replaces {@code pms-relay.jar} (a seam: tests make it fail as Windows does). */
  interface Replace {
    void move(Path from, Path to) throws IOException;
  }

  private final Path dir;
  private final boolean jarHeldOpen;
  private final Replace replace;

  public InstallJars(Path dir) {
    this(dir, onWindows(), (from, to) -> Files.move(from, to, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE));
  }

  /**
   * @param jarHeldOpen the running JVM's jar cannot be replaced (Windows): always stage
   * @param replace the rename onto {@code pms-relay.jar}
   */
  InstallJars(Path dir, boolean jarHeldOpen, Replace replace) {
    this.dir = dir;
    this.jarHeldOpen = jarHeldOpen;
    this.replace = replace;
  }

  static boolean onWindows() {
    return System.getProperty("os.name", "").startsWith("Windows");
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

  public Path next() {
    return dir.resolve(NEXT);
  }

  /**
   * Keeps the current jar as the previous one and puts the downloaded, verified one in its place;
   * where the current jar cannot be replaced, leaves the download as the next jar for the launcher.
   */
  public Switch switchToDownload() throws IOException {
    if (jarHeldOpen) {
      return stage(download());
    }
    Path copy = dir.resolve(PREVIOUS + ".tmp");
    Files.copy(current(), copy, StandardCopyOption.REPLACE_EXISTING);
    Files.move(copy, previous(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    try {
      replace.move(download(), current());
      return Switch.IN_PLACE;
    } catch (FileSystemException e) {
      return stage(download()); // held open (Windows without os.name's word for it, a scanner): the launcher swaps
    }
  }

  /**
   * Puts the previous jar back in place (it stays as the previous one too); where the current jar
   * cannot be replaced, a copy of the previous one becomes the next jar (the launcher then keeps the
   * failed version as the previous one).
   */
  public Switch restorePrevious() throws IOException {
    Path copy = dir.resolve(CURRENT + ".tmp");
    Files.copy(previous(), copy, StandardCopyOption.REPLACE_EXISTING);
    if (!jarHeldOpen) {
      try {
        replace.move(copy, current());
        return Switch.IN_PLACE;
      } catch (FileSystemException e) {
        // staged below
      }
    }
    return stage(copy);
  }

  private Switch stage(Path jar) throws IOException {
    Files.move(jar, next(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return Switch.STAGED;
  }
}
