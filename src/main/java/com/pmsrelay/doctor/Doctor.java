package com.pmsrelay.doctor;

import com.pmsrelay.common.config.ConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * {@code java -jar pms-relay.jar doctor [agent|cloud] --config FILE}: checks a node's set-up and
 * explains each failure with its fix. Every check is bounded in time (a few seconds) and prints
 * one line; nothing prints a stack trace.
 *
 * <p>Exit status: 0 when every check passed; 1 when any check warned or failed (issue #16: "exit 0
 * only when all pass": a login that can write works, but is not a set-up to leave); 2 for a role
 * that is neither agent nor cloud.
 */
public final class Doctor {
  /** Below this free space for the logs: WARN; below {@link #DISK_FAIL_BYTES}: FAIL. */
  static final long DISK_WARN_BYTES = 1L << 30;
  static final long DISK_FAIL_BYTES = 100L << 20;

  /**
   * What the checks depend on besides the config: the clock compared with the cloud's, the
   * environment the config layers read, the log folder and how its free space is measured, and
   * how long one network step may take.
   */
  public record Settings(Clock clock, Map<String, String> env, Path logDir, ToLongFunction<Path> usableSpace,
      long stepTimeoutMs) {

    /** The real clock and environment; logs where the config's {@code logging.dir} puts them (logDir null). */
    public static Settings defaults() {
      return new Settings(Clock.systemUTC(), System.getenv(), null, Doctor::usableSpace, 5_000);
    }

    public Settings withClock(Clock newClock) {
      return new Settings(newClock, env, logDir, usableSpace, stepTimeoutMs);
    }

    public Settings withLogDir(Path dir, ToLongFunction<Path> space) {
      return new Settings(clock, env, dir, space, stepTimeoutMs);
    }

    public Settings withEnv(Map<String, String> newEnv) {
      return new Settings(clock, newEnv, logDir, usableSpace, stepTimeoutMs);
    }
  }

  private Doctor() {}

  /** Runs every check of {@code role} ("agent" or "cloud"; null: guessed from the file); 0 only when all pass. */
  public static int run(String role, Path configFile, PrintStream out, PrintStream err) {
    return run(role, configFile, out, err, Settings.defaults());
  }

  public static int run(String role, Path configFile, PrintStream out, PrintStream err, Settings settings) {
    String chosen = role == null ? guessRole(configFile) : role;
    List<Check> checks;
    try {
      switch (chosen) {
        case "agent" -> checks = new AgentDoctor(settings).run(configFile, out);
        case "cloud" -> checks = new CloudDoctor(settings).run(configFile, out);
        default -> {
          err.println("pms-relay: doctor checks an agent or a cloud: doctor agent|cloud --config FILE");
          return 2;
        }
      }
    } catch (RuntimeException e) {
      // A defect of the doctor itself: one line, never a stack trace.
      err.println("pms-relay: the doctor stopped unexpectedly: " + Check.oneLine(String.valueOf(e)));
      return 1;
    }
    long failed = checks.stream().filter(c -> c.status() == Check.Status.FAIL).count();
    long warned = checks.stream().filter(c -> c.status() == Check.Status.WARN).count();
    out.println();
    out.println((failed + warned == 0 ? "all " + checks.size() + " checks passed"
        : (checks.size() - failed - warned) + " passed, " + warned + (warned == 1 ? " warning, " : " warnings, ")
            + failed + " failed"));
    return failed + warned == 0 ? 0 : 1;
  }

  /** An agent's file names its practice; a cloud's its bridge. Without a file: the agent (the doctor's usual user). */
  static String guessRole(Path configFile) {
    if (configFile == null) {
      return "agent";
    }
    try {
      String text = Files.readString(configFile);
      return text.contains("\"practiceId\"") || !text.contains("\"bridge\"") && !text.contains("\"store\"") ? "agent" : "cloud";
    } catch (IOException e) {
      return "agent"; // its config check then says the file cannot be read
    }
  }

  /** The free space for files under {@code dir}, measured at its nearest existing folder. */
  static long usableSpace(Path dir) {
    Path existing = dir.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    try {
      return existing == null ? -1 : Files.getFileStore(existing).getUsableSpace();
    } catch (IOException e) {
      return -1;
    }
  }

  /** The configuration's {@code logging.dir} (README, Logs), null when it keeps logs on standard error only. */
  static String configuredLogDir(io.vertx.core.json.JsonObject json) {
    io.vertx.core.json.JsonObject logging = json.getJsonObject("logging");
    String dir = logging == null ? null : logging.getString("dir");
    return dir == null || dir.isBlank() ? null : dir;
  }

  /**
   * The log folder's check, for both roles: the settings' folder (tests), else the configuration's
   * {@code logging.dir}, else (logs on standard error only, or no valid configuration) the working directory.
   */
  static Check logSpace(Settings settings, String configuredDir) {
    String name = "disk space for logs";
    Path dir = (settings.logDir() != null ? settings.logDir() : Path.of(configuredDir == null ? "." : configuredDir))
        .toAbsolutePath();
    if (Files.exists(dir) && (!Files.isDirectory(dir) || !Files.isWritable(dir))) {
      return Check.fail(name, dir + " is not a folder this user can write to",
          "give the service's user write access to " + dir + " (or set logging.dir to a folder it can write)");
    }
    long free = settings.usableSpace().applyAsLong(dir);
    if (free < 0) {
      return Check.warn(name, "cannot measure the free space at " + dir, "check that the drive of " + dir + " is mounted");
    }
    String amount = mebibytes(free) + " free at " + dir;
    String fix = "free space on that drive, or set logging.dir to a folder on a drive with at least 1 GiB free";
    if (free < DISK_FAIL_BYTES) {
      return Check.fail(name, "only " + amount + " (under 100 MiB: logs will stop)", fix);
    }
    if (free < DISK_WARN_BYTES) {
      return Check.warn(name, "only " + amount + " (under 1 GiB)", fix);
    }
    return Check.pass(name, amount);
  }

  static String mebibytes(long bytes) {
    return bytes >= (10L << 30) ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
  }

  /** A config error's check line. */
  static Check configFailed(Path file, String mode, ConfigException e) {
    return Check.fail("config", e.getMessage(), "correct it in " + (file == null ? "the environment" : file)
        + " (or its PMSRELAY_ variable); conf/" + mode + ".json in the jar documents every key");
  }
}
