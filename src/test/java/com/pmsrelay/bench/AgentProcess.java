package com.pmsrelay.bench;

import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One agent in its own JVM ({@link FootprintAgentMain}), as a practice server runs it: the given
 * JVM flags, the shipped jar's classes ({@link #classPath}), its configuration in a file readable
 * by the owner only (it holds the agent key and the database password), its log in a file beside
 * it. Closing kills it; so does the benchmark's JVM ending, since the agent exits when its standard
 * input closes.
 */
final class AgentProcess implements AutoCloseable {
  static final String RUNTIME_CLASSPATH = "target/bench-agent-classpath.txt";
  final String name;
  private final Process process;
  private final Path log;

  private AgentProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static AgentProcess start(String name, JsonObject config, List<String> jvmFlags, Path dir) throws IOException {
    Path configFile = dir.resolve(name + ".json");
    Files.deleteIfExists(configFile);
    Files.createFile(configFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(configFile, config.encodePrettily());
    Path log = dir.resolve(name + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.addAll(List.of("-cp", classPath(), FootprintAgentMain.class.getName(), "agent", "--config",
        configFile.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    // Only the config file configures it: no PMSRELAY_<KEY> override from this environment.
    builder.environment().keySet().removeIf(k -> k.startsWith("PMSRELAY_") && !k.equals("PMSRELAY_LOG_LEVEL"));
    return new AgentProcess(name, builder.start(), log);
  }

  /** True when agents run on the shipped jar's class path, not on this JVM's. */
  static boolean runsOnRuntimeClassPath() {
    return !classPath().equals(System.getProperty("java.class.path"));
  }

  /**
   * What the agent runs on: the main classes and the runtime dependencies, as in the shaded jar
   * (bench/run.sh writes them to {@value #RUNTIME_CLASSPATH}), then the test classes for
   * {@link FootprintAgentMain}. Without that file (or with one older than pom.xml), this JVM's
   * class path: the test dependencies too, which the JVM opens when it looks for services, and
   * which cost an agent about 8 MB more.
   */
  static String classPath() {
    Path runtime = Path.of(RUNTIME_CLASSPATH);
    try {
      if (!Files.isRegularFile(runtime)
          || Files.getLastModifiedTime(runtime).compareTo(Files.getLastModifiedTime(Path.of("pom.xml"))) < 0) {
        return System.getProperty("java.class.path"); // none, or older than the dependencies it lists
      }
      return String.join(File.pathSeparator, Path.of("target", "classes").toAbsolutePath().toString(),
          Files.readString(runtime).strip(), Path.of("target", "test-classes").toAbsolutePath().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long rssKb() {
    return ProcStatus.rssKb(process.pid());
  }

  long cpuTicks() {
    return ProcStatus.cpuTicks(process.pid());
  }

  /** The end of its log, to say why it did not come up. */
  String logTail() {
    try {
      String text = Files.readString(log);
      return text.substring(Math.max(0, text.length() - 2_000));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
